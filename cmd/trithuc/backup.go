package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"os"

	"trithuc.gov.vn/trithuc/store"
)

// backupFlags adds the flags of backup to fs (completion too).
func backupFlags(fs *flag.FlagSet) (dbPath *string) {
	dbPath = new(string)
	dbFlag(fs, dbPath, "the database `file` to back up; the server may keep running")
	return dbPath
}

// restoreFlags adds the flags of restore to fs (completion too).
func restoreFlags(fs *flag.FlagSet) (dbPath *string, force *bool) {
	dbPath = new(string)
	dbFlag(fs, dbPath, "the database `file` to replace")
	return dbPath, fs.Bool("force", false, "replace an existing database")
}

// runBackup writes a consistent copy of a database, which may be in use.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("trithuc backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := backupFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: trithuc backup [--db PATH] BACKUP_FILE\n\nWrites a consistent, compact copy of the database to a new file, online.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("backup: give the file to write the backup to")
	}
	if _, err := os.Stat(*dbPath); errors.Is(err, iofs.ErrNotExist) {
		return fmt.Errorf("backup: no database at %s; give its path with --db (or $TRITHUC_DB)", *dbPath)
	} else if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	// Read-only: the file of a running server of another version is not
	// upgraded behind its back, and one of an older schema is copied as it
	// is (restore upgrades it).
	db, err := store.OpenWith(ctx, *dbPath, store.Options{ReadOnly: true, Log: stderrLog(stderr)})
	if derr := store.BackupOfDamaged(*dbPath, err); derr != nil {
		return derr
	}
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backed up %s to %s.\n", db.Path(), fs.Arg(0))
	return nil
}

// runRestore replaces a database with a backup; the server must be stopped.
func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("trithuc restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath, force := restoreFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: trithuc restore [--db PATH] [--force] BACKUP_FILE\n\nChecks the backup and brings a copy of it up to date (an older backup is\nmigrated), then replaces the database with it. Stop the server first.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("restore: give the backup file to restore from")
	}
	if _, err := os.Stat(fs.Arg(0)); errors.Is(err, iofs.ErrNotExist) {
		return fmt.Errorf("restore: no backup at %s; give the path of the backup file", fs.Arg(0))
	}
	// A server of the database is named before anything is read, and
	// none may start on it while it is replaced.
	_, statErr := os.Lstat(lockFile(*dbPath))
	made := errors.Is(statErr, iofs.ErrNotExist)
	held, err := lockServing(*dbPath, "trithuc restore")
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer held.Close()
	// Restore brings an older backup's schema up to date before it
	// replaces the database, saying so on stderr.
	if err := store.Restore(ctx, fs.Arg(0), *dbPath, *force, store.Options{Log: stderrLog(stderr)}); err != nil {
		// A refused restore writes nothing, not even the lock file
		// it made (one beside a database it left is a serve's too).
		if made {
			removeLockFile(held, *dbPath)
		}
		return err
	}
	fmt.Fprintf(stdout, "Restored %s from %s.\n", *dbPath, fs.Arg(0))
	return nil
}
