package store

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	_ "embed"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// Account is a person who signs in to the web console with a password. Like
// a key, it holds one role and, for a registrar, maybe an association.
type Account struct {
	ID          string
	Email       string
	Name        string
	Role        string
	Association string // associations/{id}, or "" for no limit
	// Organization limits the account to the people of a unit, as it does
	// a key: organizations/{id}, or "" for no limit.
	Organization string
	CreateTime   time.Time
	// PasswordTime is when the password was last set; zero while the
	// account waits for its one-time link to be used.
	PasswordTime time.Time
	DisableTime  time.Time // zero: enabled
}

// Disabled reports whether the account may no longer sign in.
func (a *Account) Disabled() bool { return !a.DisableTime.IsZero() }

// SetupLinkLifetime is how long a one-time link to set a password works.
const SetupLinkLifetime = 72 * time.Hour

// MinPasswordLength is the shortest password accepted, in characters.
const MinPasswordLength = 10

// ErrBadSignIn is returned for a wrong email or password, and for a disabled
// account or one without a password yet: they are not told apart.
var ErrBadSignIn = errors.New("wrong email or password")

// ErrBadSetupLink is returned for a link to set a password that is unknown,
// used or expired.
var ErrBadSetupLink = errors.New("this link to set a password is unknown, already used or expired; ask an administrator for a new one")

//go:embed passwords.txt
var commonPasswordList string

// commonPasswords are the most used passwords, lower case: a password among
// them is refused whatever its length.
var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonPasswordList, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[strings.ToLower(line)] = true
		}
	}
	return m
}()

// CheckPassword says what is wrong with a new password for a, or nil.
func CheckPassword(a *Account, password string) error {
	switch {
	case utf8.RuneCountInString(password) < MinPasswordLength:
		return errorf(Invalid, "password", "Mật khẩu phải dài ít nhất %d ký tự.", MinPasswordLength)
	case len(password) > 72:
		// bcrypt reads 72 bytes; a longer password would be cut silently.
		return errorf(Invalid, "password", "Mật khẩu dài quá 72 byte.")
	case commonPasswords[strings.ToLower(password)]:
		return errorf(Invalid, "password", "Mật khẩu này quá phổ biến và dễ đoán; hãy chọn mật khẩu khác.")
	}
	if a == nil {
		return nil
	}
	lower, email := strings.ToLower(password), strings.ToLower(a.Email)
	local, _, _ := strings.Cut(email, "@")
	switch {
	case strings.Contains(lower, email):
		return errorf(Invalid, "password", "Mật khẩu không được chứa địa chỉ email (%s).", email)
	case utf8.RuneCountInString(local) >= minEmailLocalPart && strings.Contains(lower, local):
		return errorf(Invalid, "password", "Mật khẩu không được chứa phần tên của địa chỉ email (%s).", local)
	}
	return nil
}

// minEmailLocalPart is the shortest name before an email's @ that a password
// may not contain: short ones (tk@, ha@) are common and sit inside ordinary
// words, so refusing them refuses good passwords and guards nothing.
const minEmailLocalPart = 4

func newToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return strings.ToLower(keyEncoding.EncodeToString(b))
}

// CreateAccount makes an account without a password and returns it with the
// token of its one-time link to set one. scope limits it as it does a key
// (CreateScopedKey): an association, an organization, or "" for no limit.
func (db *DB) CreateAccount(ctx context.Context, email, name, role, scope string) (*Account, string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	name = strings.TrimSpace(name)
	if at := strings.Index(email, "@"); at < 1 || at == len(email)-1 || strings.ContainsAny(email, " \t<>") {
		return nil, "", errorf(Invalid, "email", "want an email address such as ten@snv.angiang.gov.vn, not %q", email)
	}
	if name == "" {
		return nil, "", errorf(Invalid, "name", "required: the person's name")
	}
	if role == "" {
		return nil, "", errorf(Invalid, "role", "required")
	}
	assoc, org := splitScope(scope)
	a := &Account{ID: newToken(5), Email: email, Name: name, Role: role, Association: assoc, Organization: org}
	token := newToken(20)
	err := db.write(ctx, false, nil, func(tx *Tx) error {
		if err := tx.checkScopeName(ctx, scope); err != nil {
			return err
		}
		a.CreateTime = tx.now
		_, err := tx.ExecContext(ctx, `INSERT INTO accounts(id, email, name, role, association, organization, setup_hash, setup_expire_time, create_time)
			VALUES (?, ?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), ?, ?, ?)`, a.ID, email, name, role, assoc, org, hashKey(token), micros(tx.now.Add(SetupLinkLifetime)), micros(tx.now))
		if err != nil && strings.Contains(err.Error(), "UNIQUE") && strings.Contains(err.Error(), "email") {
			return errorf(AlreadyExists, "email", "an account with the email %s already exists", email)
		}
		return dbError(err)
	})
	if err != nil {
		return nil, "", err
	}
	return a, token, nil
}

const accountColumns = `id, email, name, role, COALESCE(association, ''), COALESCE(organization, ''), create_time, password_time, disable_time`

func scanAccount(s scanner, extra ...any) (*Account, error) {
	var a Account
	var create int64
	var pw, disable sql.NullInt64
	if err := s.Scan(append([]any{&a.ID, &a.Email, &a.Name, &a.Role, &a.Association, &a.Organization, &create, &pw, &disable}, extra...)...); err != nil {
		return nil, err
	}
	a.CreateTime = fromMicros(create)
	if pw.Valid {
		a.PasswordTime = fromMicros(pw.Int64)
	}
	if disable.Valid {
		a.DisableTime = fromMicros(disable.Int64)
	}
	return &a, nil
}

// ListAccounts lists every account, disabled ones too, by email.
func (db *DB) ListAccounts(ctx context.Context) ([]*Account, error) {
	var out []*Account
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+accountColumns+` FROM accounts ORDER BY email`)
		if err != nil {
			return dbError(err)
		}
		defer rows.Close()
		for rows.Next() {
			a, err := scanAccount(rows)
			if err != nil {
				return dbError(err)
			}
			out = append(out, a)
		}
		return dbError(rows.Err())
	})
	return out, err
}

// accountWhere finds an account by its id or its email.
const accountWhere = ` WHERE id = ?1 OR email = lower(?1)`

// DisableAccount stops an account (given by id or email) from signing in and
// ends its sessions.
func (db *DB) DisableAccount(ctx context.Context, idOrEmail string) (*Account, error) {
	var a *Account
	err := db.write(ctx, false, nil, func(tx *Tx) error {
		var err error
		if a, err = scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts`+accountWhere, idOrEmail)); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return errorf(NotFound, "account", "no account has the id or email %q", idOrEmail)
			}
			return dbError(err)
		}
		if a.Disabled() {
			// As a membership's state changes are: the first disable
			// stands, and its time with it.
			return errorf(FailedPrecondition, "", "accounts/%s was disabled at %s; reset it to enable it again",
				a.ID, a.DisableTime.UTC().Format(time.RFC3339))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET disable_time = ?, setup_hash = NULL WHERE id = ?`, micros(tx.now), a.ID); err != nil {
			return dbError(err)
		}
		a.DisableTime = tx.now
		return tx.revokeSessions(ctx, a.ID)
	})
	return a, err
}

// ResetAccount clears an account's password, ends its sessions, enables it
// again and returns the token of a new one-time link to set a password.
func (db *DB) ResetAccount(ctx context.Context, idOrEmail string) (*Account, string, error) {
	var a *Account
	token := newToken(20)
	err := db.write(ctx, false, nil, func(tx *Tx) error {
		var err error
		if a, err = scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts`+accountWhere, idOrEmail)); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return errorf(NotFound, "account", "no account has the id or email %q", idOrEmail)
			}
			return dbError(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET password_hash = NULL, password_time = NULL, disable_time = NULL,
			setup_hash = ?, setup_expire_time = ? WHERE id = ?`, hashKey(token), micros(tx.now.Add(SetupLinkLifetime)), a.ID); err != nil {
			return dbError(err)
		}
		a.PasswordTime, a.DisableTime = time.Time{}, time.Time{}
		return tx.revokeSessions(ctx, a.ID)
	})
	return a, token, err
}

// SetupAccount returns the account whose one-time link token is given.
func (db *DB) SetupAccount(ctx context.Context, token string) (*Account, error) {
	var exp sql.NullInt64
	a, err := scanAccount(db.readRow(ctx, `SELECT `+accountColumns+`, setup_expire_time FROM accounts WHERE setup_hash = ?`, hashKey(token)), &exp)
	if errors.Is(err, sql.ErrNoRows) || err == nil && (a.Disabled() || !exp.Valid || !db.Now().Before(fromMicros(exp.Int64))) {
		return nil, ErrBadSetupLink
	}
	return a, db.observe(dbError(err))
}

// SetPassword sets the password of the account whose one-time link token is
// given, and uses the link up.
func (db *DB) SetPassword(ctx context.Context, token, password string) (*Account, error) {
	a, err := db.SetupAccount(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := CheckPassword(a, password); err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return nil, dbError(err)
	}
	err = db.write(ctx, false, nil, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET password_hash = ?, password_time = ?, setup_hash = NULL, setup_expire_time = NULL
			WHERE id = ? AND setup_hash = ?`, hash, micros(tx.now), a.ID, hashKey(token))
		if err != nil {
			return dbError(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrBadSetupLink
		}
		a.PasswordTime = tx.now
		return nil
	})
	return a, err
}

// dummyHash is compared against when an email is unknown, so that a wrong
// email costs as long as a wrong password and does not tell accounts apart.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a password of anyone"), bcrypt.DefaultCost)

// SignIn returns the enabled account with email and password.
func (db *DB) SignIn(ctx context.Context, email, password string) (*Account, error) {
	var hash []byte
	a, err := scanAccount(db.readRow(ctx, `SELECT `+accountColumns+`, password_hash FROM accounts WHERE email = ?`,
		strings.ToLower(strings.TrimSpace(email))), &hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, db.observe(dbError(err))
	}
	if a == nil || len(hash) == 0 {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return nil, ErrBadSignIn
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || a.Disabled() {
		return nil, ErrBadSignIn
	}
	return a, nil
}

// sameToken compares secrets in constant time.
func sameToken(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// AccountNames are the names of the accounts with these emails, by email
// (lower case); an account without a name is left out. The console names
// by them the people whose work the server recorded by email (who decided
// a nomination, who verified a qualification).
func (db *DB) AccountNames(ctx context.Context, emails []string) (map[string]string, error) {
	out := map[string]string{}
	if len(emails) == 0 {
		return out, nil
	}
	args := make([]any, len(emails))
	for i, e := range emails {
		args[i] = strings.ToLower(e)
	}
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT email, name FROM accounts WHERE name != '' AND email IN (?`+
			strings.Repeat(",?", len(args)-1)+`)`, args...)
		if err != nil {
			return dbError(err)
		}
		defer rows.Close()
		for rows.Next() {
			var email, name string
			if err := rows.Scan(&email, &name); err != nil {
				return dbError(err)
			}
			out[email] = name
		}
		return dbError(rows.Err())
	})
	return out, err
}
