package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"strings"

	"trithuc.gov.vn/trithuc/server"
	"trithuc.gov.vn/trithuc/store"
)

// demoAccount is a console account --demo makes, so that its printed
// sign-ins open the staff's screen as each role sees it.
type demoAccount struct {
	email, name, role, scope string
	// who says whom the account plays, in the printed list.
	who      string
	password string
}

// demoAccounts are an administrator, a Home Affairs officer and a
// registrar of the Union's desk, limited to the Union (and the
// associations under it) that synth.LoadMemberships seeds.
func demoAccounts() []demoAccount {
	return []demoAccount{
		{email: "quantri@demo.example", name: "Quản trị (demo)", role: server.RoleAdmin, who: "admin"},
		{email: "noivu@demo.example", name: "Sở Nội vụ (demo)", role: server.RoleHomeAffairs, who: "home_affairs"},
		{email: "lienhiephoi@demo.example", name: "Liên hiệp hội (demo)", role: server.RoleRegistrar,
			scope: "associations/lien-hiep-hoi", who: "registrar, associations/lien-hiep-hoi"},
	}
}

// demoAccountsFile keeps the demo accounts' passwords beside the database,
// readable by its owner only, as demoKeyFile keeps the key: a line each,
// EMAIL PASSWORD.
func demoAccountsFile(db *store.DB) string { return db.Path() + ".demo-accounts" }

// ensureDemoAccounts returns the demo's accounts with their passwords: those
// of an earlier --demo start while they still sign in, else a new random
// password set (the account made, or reset when it exists: disabled, or
// its password changed). It is called only on a database demoDatabase let
// through, so it never resets an account of the registry's own.
func ensureDemoAccounts(ctx context.Context, db *store.DB) ([]demoAccount, error) {
	file := demoAccountsFile(db)
	kept := map[string]string{}
	if f, err := os.Open(file); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if email, pw, ok := strings.Cut(strings.TrimSpace(sc.Text()), " "); ok {
				kept[email] = pw
			}
		}
		f.Close()
	}
	accounts := demoAccounts()
	changed := false
	for i := range accounts {
		a := &accounts[i]
		if pw := kept[a.email]; pw != "" {
			if _, err := db.SignIn(ctx, a.email, pw); err == nil {
				a.password = pw
				continue
			}
		}
		_, token, err := db.CreateAccount(ctx, a.email, a.name, a.role, a.scope)
		var se *store.Error
		if errors.As(err, &se) && se.Code == store.AlreadyExists {
			_, token, err = db.ResetAccount(ctx, a.email)
		}
		if err != nil {
			return nil, fmt.Errorf("demo account %s: %w", a.email, err)
		}
		a.password = rand.Text()
		if _, err := db.SetPassword(ctx, token, a.password); err != nil {
			return nil, fmt.Errorf("demo account %s: %w", a.email, err)
		}
		changed = true
	}
	if !changed {
		return accounts, nil
	}
	var b strings.Builder
	for _, a := range accounts {
		fmt.Fprintf(&b, "%s %s\n", a.email, a.password)
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		return nil, fmt.Errorf("keeping the demo accounts' passwords: %w", err)
	}
	// WriteFile keeps the mode of a file that exists.
	if err := os.Chmod(file, 0o600); err != nil {
		return nil, fmt.Errorf("keeping the demo accounts' passwords: %w", err)
	}
	return accounts, nil
}
