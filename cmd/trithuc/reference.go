package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"trithuc.gov.vn/trithuc/store"
)

const referenceUsage = `Usage:
  trithuc reference load [--db PATH] --list LIST [--scheme SCHEME] [--dry-run] FILE.csv

--db defaults to $TRITHUC_DB, else trithuc.db.

Loads a newer version of a reference list from a CSV file, in one
transaction: rows are added, or updated by their code, and never deleted.
Every row is checked first; if any is bad, each problem is reported by row
and column and nothing changes. The first row names the columns, in any
order. Fields belong to a scheme, given with --scheme (vn2008 is seeded; a
newer classification such as vn2025 is loaded beside it).

Lists and their columns (optional ones in brackets):
%s
A rank orders levels and titles, higher for a higher one; without it, a
code keeps its rank and new codes rank above the others. Dates are
YYYY-MM-DD, empty for an open end. Successors are the codes of the units
that took over after valid_to, separated by spaces. Kinds of unit:
  %s
`

func referenceHelp() string {
	var b strings.Builder
	for _, name := range store.RefListNames() {
		kind, _ := store.RefKindByName(name)
		req, opt := store.RefColumns(kind)
		cols := strings.Join(req, ", ")
		if len(opt) > 0 {
			cols += " [" + strings.Join(opt, ", ") + "]"
		}
		fmt.Fprintf(&b, "  %-21s %s\n", name, cols)
	}
	return b.String()
}

// referenceOptions are the flags of reference load.
type referenceOptions struct {
	dbPath, list, scheme string
	create, dryRun       bool
}

// register adds the flags of reference load to fs (completion too).
func (o *referenceOptions) register(fs *flag.FlagSet) {
	dbFlag(fs, &o.dbPath, "the database `file`")
	fs.BoolVar(&o.create, "create", false, "make the database file when it does not exist")
	fs.StringVar(&o.list, "list", "", "the `list` to load: "+strings.Join(store.RefListNames(), ", "))
	fs.StringVar(&o.scheme, "scheme", "", "for --list fields: the classification `scheme` the fields belong to, e.g. vn2025")
	fs.BoolVar(&o.dryRun, "dry-run", false, "check the file against the database and change nothing")
}

func runReference(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "load" {
		fmt.Fprintf(stderr, referenceUsage, referenceHelp(), store.UnitKindNames())
		if len(args) == 0 {
			return usageError("reference: say load")
		}
		if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			return flag.ErrHelp
		}
		return usageError(fmt.Sprintf("reference: unknown verb %q; the verb is load", args[0]))
	}
	fs := flag.NewFlagSet("trithuc reference load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintf(stderr, referenceUsage, referenceHelp(), store.UnitKindNames()) }
	var o referenceOptions
	o.register(fs)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	kind, ok := store.RefKindByName(o.list)
	switch {
	case o.list == "":
		return usageError("reference load: --list is required: one of " + strings.Join(store.RefListNames(), ", "))
	case !ok:
		return usageError(fmt.Sprintf("reference load: unknown list %q; lists: %s", o.list, strings.Join(store.RefListNames(), ", ")))
	case kind == store.RefField && o.scheme == "":
		return usageError("reference load: --scheme is required for fields: the classification they belong to, e.g. vn2025")
	case kind != store.RefField && o.scheme != "":
		return usageError("reference load: --scheme is for fields only")
	case fs.NArg() != 1:
		return usageError("reference load: give one CSV file")
	}
	file := fs.Arg(0)
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()

	db, err := openExisting(ctx, o.dbPath, o.create, false, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := db.LoadReference(ctx, kind, o.scheme, f, o.dryRun)
	var bad store.Invalids
	if errors.As(err, &bad) {
		// Every problem, one a line, so that they can all be fixed at once.
		for _, e := range bad {
			fmt.Fprintf(stderr, "%s: %s\n", file, e.Error())
		}
		return fmt.Errorf("%s: %d problem(s); nothing was loaded", file, len(bad))
	}
	if err != nil {
		return err
	}
	what := o.list
	if o.scheme != "" {
		what += " (scheme " + o.scheme + ")"
	}
	if o.dryRun {
		fmt.Fprintf(stdout, "Checked %s for %s: it would add %d, update %d and leave %d unchanged. Nothing was changed (--dry-run).\n",
			file, what, res.Added, res.Updated, res.Unchanged)
		return nil
	}
	fmt.Fprintf(stdout, "Loaded %s into %s: %d added, %d updated, %d unchanged.\n", file, what, res.Added, res.Updated, res.Unchanged)
	return nil
}
