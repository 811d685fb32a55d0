package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"trithuc.gov.vn/trithuc/server"
	"trithuc.gov.vn/trithuc/store"
)

const keysUsage = `Usage:
  trithuc keys create --db PATH --role ROLE --name NAME [--expires DURATION]
                      [--association [associations/]ID | --organization [organizations/]ID]
  trithuc keys list   --db PATH
  trithuc keys revoke --db PATH ID

Keys are kept in the database, hashed: the key itself is printed once, by
create, as the last line of its output. Roles: %s.
A registrar key may be limited to one association (and the associations
under it) with --association; a registrar or home_affairs key to one
organization, a unit (and those under it), with --organization: it then
reads and keeps only the people who hold a current position there. Revoked and expired keys stop working at once.
`

// keysOptions are the flags of keys.
type keysOptions struct {
	db                                    string
	create                                bool
	role, name, association, organization string
	expires                               time.Duration
}

// register adds the flags of `keys VERB` to fs; false when there is no such
// verb. Completion calls it too, so that it offers what keys takes.
func (o *keysOptions) register(fs *flag.FlagSet, verb string) bool {
	dbFlag(fs, &o.db, "the database `file`")
	fs.BoolVar(&o.create, "create", false, "make the database file when it does not exist")
	switch verb {
	case "create":
		fs.StringVar(&o.role, "role", "", "the key's `role`: "+strings.Join(server.Roles, ", "))
		fs.StringVar(&o.name, "name", "", "who or what the key is for")
		fs.DurationVar(&o.expires, "expires", 0, "expire the key after this `duration` (e.g. 720h); 0 never")
		fs.StringVar(&o.association, "association", "", "limit a registrar key to this association and those under it: its `ID` or associations/ID")
		fs.StringVar(&o.organization, "organization", "", "limit a registrar or home_affairs key to the people of this organization and those under it: its `ID` or organizations/ID")
	case "list", "revoke":
	default:
		return false
	}
	return true
}

func runKeys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintf(stderr, keysUsage, strings.Join(server.Roles, ", "))
		return usageError("keys: say create, list or revoke")
	}
	if isHelp(args[0]) {
		fmt.Fprintf(stdout, keysUsage, strings.Join(server.Roles, ", "))
		return nil
	}
	verb, args := args[0], args[1:]
	fs := flag.NewFlagSet("trithuc keys "+verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o keysOptions
	if !o.register(fs, verb) {
		fmt.Fprintf(stderr, keysUsage, strings.Join(server.Roles, ", "))
		return usageError(fmt.Sprintf("keys: unknown verb %q", verb))
	}
	// --help of a verb says what it takes as well as its flags.
	fs.Usage = func() {
		fmt.Fprintf(stderr, keysUsage+"\nFlags of keys %s:\n", strings.Join(server.Roles, ", "), verb)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// list only reads: it works on a read-only mount, and beside any server.
	open := func() (*store.DB, error) { return openExisting(ctx, o.db, o.create, verb == "list", stderr) }

	switch verb {
	case "create":
		if !server.ValidRole(o.role) {
			return usageError(fmt.Sprintf("keys create: --role must be one of %s", strings.Join(server.Roles, ", ")))
		}
		if strings.TrimSpace(o.name) == "" {
			return usageError("keys create: --name is required: say who or what the key is for")
		}
		if o.expires < 0 {
			return usageError("keys create: --expires must not be negative")
		}
		if o.association != "" && o.role != server.RoleRegistrar {
			return usageError("keys create: --association limits registrar keys only")
		}
		if o.organization != "" && o.association == "" && o.role != server.RoleRegistrar && o.role != server.RoleHomeAffairs {
			return usageError("keys create: --organization limits registrar and home_affairs keys only")
		}
		scope, err := scopeFlags("keys create", o.association, o.organization)
		if err != nil {
			return err
		}
		db, err := open()
		if err != nil {
			return err
		}
		defer db.Close()
		var exp time.Time
		if o.expires > 0 {
			exp = time.Now().Add(o.expires)
		}
		k, secret, err := db.CreateScopedKey(ctx, o.name, o.role, scope, exp)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Created key %s (%s) for %q", k.ID, k.Role, k.Name)
		if scope := k.Association + k.Organization; scope != "" {
			fmt.Fprintf(stdout, ", limited to %s", scope)
		}
		if !exp.IsZero() {
			fmt.Fprintf(stdout, ", expiring %s", exp.Format(time.RFC3339))
		}
		fmt.Fprintln(stdout, ". It is shown only this once:")
		fmt.Fprintln(stdout, secret)
		return nil
	case "list":
		db, err := open()
		if err != nil {
			return err
		}
		defer db.Close()
		keys, err := db.ListKeys(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tROLE\tSCOPE\tNAME\tCREATED\tEXPIRES\tLAST USED\tSTATE")
		for _, k := range keys {
			state := "live"
			switch {
			case !k.RevokeTime.IsZero():
				state = "revoked " + cliTime(k.RevokeTime)
			case !k.ExpireTime.IsZero() && time.Now().After(k.ExpireTime):
				state = "expired"
			}
			scope := k.Association + k.Organization
			if scope == "" {
				scope = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Role, scope, k.Name, when(k.CreateTime),
				when(k.ExpireTime), when(k.LastUsedTime), state)
		}
		return tw.Flush()
	case "revoke":
		if fs.NArg() != 1 {
			return usageError("keys revoke: give the id of one key (see trithuc keys list)")
		}
		db, err := open()
		if err != nil {
			return err
		}
		defer db.Close()
		if err := db.RevokeKey(ctx, fs.Arg(0)); err != nil {
			var se *store.Error
			if errors.As(err, &se) && se.Code == store.NotFound {
				// A key tt_ID_SECRET is named by its ID: one pasted whole
				// (a leaked key) says which it is.
				return fmt.Errorf("keys revoke: no key has id %q in %s; give an ID of trithuc keys list (the key tt_ID_... has the id ID)", fs.Arg(0), db.Path())
			}
			return err
		}
		fmt.Fprintf(stdout, "Revoked key %s.\n", fs.Arg(0))
	}
	return nil
}

func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return cliTime(t)
}
