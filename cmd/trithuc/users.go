package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"trithuc.gov.vn/trithuc/console"
	"trithuc.gov.vn/trithuc/server"
	"trithuc.gov.vn/trithuc/store"
)

const usersUsage = `Usage:
  trithuc users create  --db PATH --email EMAIL --name NAME --role ROLE [--association [associations/]ID | --organization [organizations/]ID] [--url BASE]
  trithuc users list    --db PATH
  trithuc users disable --db PATH EMAIL|ID
  trithuc users reset   --db PATH [--url BASE] EMAIL|ID

Accounts of people who sign in to the web console, served by trithuc serve
on its HTTP port. create and reset print a link, usable once within %s,
where the person sets their own password; nobody else ever sees it. reset
also ends the account's sessions and re-enables a disabled account; disable
ends its sessions at once. Roles: admin, registrar, home_affairs. A
registrar may be limited to one association (and those under it) with
--association; a registrar or home_affairs to one organization, a unit (and
those under it), with --organization: they then read and keep only the
people who hold a current position there. --url is the console's address as people reach it (default
http://127.0.0.1:8080).
`

// usersOptions are the flags of users.
type usersOptions struct {
	db                                                string
	create                                            bool
	email, name, role, association, organization, url string
}

// register adds the flags of `users VERB` to fs; false when there is no
// such verb. Completion calls it too, so that it offers what users takes.
func (o *usersOptions) register(fs *flag.FlagSet, verb string) bool {
	dbFlag(fs, &o.db, "the database `file`")
	fs.BoolVar(&o.create, "create", false, "make the database file when it does not exist")
	switch verb {
	case "create":
		fs.StringVar(&o.email, "email", "", "the person's email `address`, which they sign in with")
		fs.StringVar(&o.name, "name", "", "the person's name")
		fs.StringVar(&o.role, "role", "", "the `role`: admin, registrar or home_affairs")
		fs.StringVar(&o.association, "association", "", "limit a registrar to this association and those under it: its `ID` or associations/ID")
		fs.StringVar(&o.organization, "organization", "", "limit a registrar or home_affairs to the people of this organization and those under it: its `ID` or organizations/ID")
		fs.StringVar(&o.url, "url", "http://127.0.0.1:8080", "the console's `address` as people reach it, for the link")
	case "reset":
		fs.StringVar(&o.url, "url", "http://127.0.0.1:8080", "the console's `address` as people reach it, for the link")
	case "list", "disable":
	default:
		return false
	}
	return true
}

func runUsers(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	help := fmt.Sprintf(usersUsage, store.SetupLinkLifetime)
	if len(args) == 0 {
		fmt.Fprint(stderr, help)
		return usageError("users: say create, list, disable or reset")
	}
	if isHelp(args[0]) {
		fmt.Fprint(stdout, help)
		return nil
	}
	verb, args := args[0], args[1:]
	fs := flag.NewFlagSet("trithuc users "+verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o usersOptions
	if !o.register(fs, verb) {
		fmt.Fprint(stderr, help)
		return usageError(fmt.Sprintf("users: unknown verb %q", verb))
	}
	// --help of a verb says what it takes as well as its flags.
	fs.Usage = func() {
		fmt.Fprintf(stderr, "%s\nFlags of users %s:\n", help, verb)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// list only reads: it works on a read-only mount, and beside any server.
	open := func() (*store.DB, error) { return openExisting(ctx, o.db, o.create, verb == "list", stderr) }
	switch verb {
	case "create":
		switch {
		case o.role != server.RoleAdmin && o.role != server.RoleRegistrar && o.role != server.RoleHomeAffairs:
			return usageError("users create: --role must be admin, registrar or home_affairs")
		case strings.TrimSpace(o.email) == "":
			return usageError("users create: --email is required")
		case strings.TrimSpace(o.name) == "":
			return usageError("users create: --name is required")
		case o.association != "" && o.role != server.RoleRegistrar:
			return usageError("users create: --association limits registrars only")
		case o.organization != "" && o.association == "" && o.role != server.RoleRegistrar && o.role != server.RoleHomeAffairs:
			return usageError("users create: --organization limits registrars and home_affairs only")
		}
		scope, err := scopeFlags("users create", o.association, o.organization)
		if err != nil {
			return err
		}
		db, err := open()
		if err != nil {
			return err
		}
		defer db.Close()
		a, token, err := db.CreateAccount(ctx, o.email, o.name, o.role, scope)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Created account %s (%s) for %s", a.Email, a.Role, a.Name)
		if scope := a.Association + a.Organization; scope != "" {
			fmt.Fprintf(stdout, ", limited to %s", scope)
		}
		fmt.Fprintf(stdout, ". Send them this link to set their password (it works once, for %s):\n", store.SetupLinkLifetime)
		fmt.Fprintln(stdout, console.SetupURL(o.url, token))
	case "list":
		db, err := open()
		if err != nil {
			return err
		}
		defer db.Close()
		accounts, err := db.ListAccounts(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tROLE\tSCOPE\tCREATED\tPASSWORD SET\tSTATE")
		for _, a := range accounts {
			state := "enabled"
			if a.Disabled() {
				state = "disabled " + cliTime(a.DisableTime)
			}
			scope := a.Association + a.Organization
			if scope == "" {
				scope = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", a.ID, a.Email, a.Name, a.Role, scope, when(a.CreateTime), when(a.PasswordTime), state)
		}
		return tw.Flush()
	case "disable", "reset":
		if fs.NArg() != 1 {
			return usageError(fmt.Sprintf("users %s: give the email or id of one account (see trithuc users list)", verb))
		}
		db, err := open()
		if err != nil {
			return err
		}
		defer db.Close()
		if verb == "disable" {
			a, err := db.DisableAccount(ctx, fs.Arg(0))
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "Disabled account %s; its sessions have ended.\n", a.Email)
			return nil
		}
		a, token, err := db.ResetAccount(ctx, fs.Arg(0))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Reset account %s: its password and sessions are gone. Send them this link to set a new password (it works once, for %s):\n", a.Email, store.SetupLinkLifetime)
		fmt.Fprintln(stdout, console.SetupURL(o.url, token))
	}
	return nil
}
