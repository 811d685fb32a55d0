package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"errors"
	"strings"
	"time"
)

// Key is an API key as stored: its secret part is never kept, only a hash.
type Key struct {
	ID           string
	Name         string
	Role         string
	CreateTime   time.Time
	ExpireTime   time.Time // zero: never
	RevokeTime   time.Time // zero: not revoked
	LastUsedTime time.Time // zero: never used
	// Association, for a registrar key, limits it to one association and
	// its children: associations/{association}. Empty: no limit.
	Association string
	// Organization limits a key to the people who hold a current position
	// at one organization or those under it (store/unitscope.go):
	// organizations/{organization}. Empty: no limit.
	Organization string
}

// keyPrefix marks trithuc keys, so that a leaked one is recognisable.
const keyPrefix = "tt_"

var keyEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

func hashKey(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// CreateKey makes a new API key and returns it with the secret to hand to
// its holder, which is shown this once and never again.
func (db *DB) CreateKey(ctx context.Context, name, role string, expire time.Time) (*Key, string, error) {
	return db.CreateScopedKey(ctx, name, role, "", expire)
}

// CreateScopedKey is CreateKey for a key limited to scope: an association
// (associations/{association}) or an organization
// (organizations/{organization}, which must exist); an empty scope is no
// limit.
func (db *DB) CreateScopedKey(ctx context.Context, name, role, scope string, expire time.Time) (*Key, string, error) {
	if strings.TrimSpace(name) == "" {
		return nil, "", errorf(Invalid, "name", "required: say who or what the key is for")
	}
	if role == "" {
		return nil, "", errorf(Invalid, "role", "required")
	}
	b := make([]byte, 25)
	rand.Read(b)
	enc := strings.ToLower(keyEncoding.EncodeToString(b))
	id := enc[:8]
	secret := keyPrefix + id + "_" + enc[8:]
	assoc, org := splitScope(scope)
	k := &Key{ID: id, Name: name, Role: role, Association: assoc, Organization: org, ExpireTime: expire}
	err := db.write(ctx, false, nil, func(tx *Tx) error {
		if err := tx.checkScopeName(ctx, scope); err != nil {
			return err
		}
		k.CreateTime = tx.now
		var exp any
		if !expire.IsZero() {
			exp = micros(expire)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO api_keys(id, hash, name, role, association, organization, create_time, expire_time)
			VALUES (?, ?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), ?, ?)`, id, hashKey(secret), name, role, assoc, org, micros(tx.now), exp)
		return dbError(err)
	})
	if err != nil {
		return nil, "", err
	}
	return k, secret, nil
}

// ErrBadKey is returned for a key that is unknown, revoked or expired. The
// three are not told apart to the caller.
var ErrBadKey = errors.New("unknown, revoked or expired API key")

// Authenticate returns the live key whose secret is given.
func (db *DB) Authenticate(ctx context.Context, secret string) (*Key, error) {
	if !strings.HasPrefix(secret, keyPrefix) {
		return nil, ErrBadKey
	}
	hash := hashKey(secret)
	now := time.Now()
	k, gen := db.keys.get(string(hash), now)
	if k == nil {
		// One statement, outside a transaction: a read transaction's BEGIN
		// and ROLLBACK cost as much as the lookup.
		var err error
		k, err = scanKey(db.readRow(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE hash = ?`, hash))
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrBadKey
		}
		if err != nil {
			return nil, db.observe(dbError(err))
		}
		if k.RevokeTime.IsZero() {
			db.keys.put(string(hash), k, gen, now)
		}
	}
	if !k.RevokeTime.IsZero() || !k.ExpireTime.IsZero() && !db.Now().Before(k.ExpireTime) {
		return nil, ErrBadKey
	}
	return k, nil
}

// KeyKnown reports whether the key whose secret is given was found live by
// a lookup within the last day: a call whose key is not may cost a lookup,
// which the server spares an address sending made-up keys. (A known key is
// still looked up, so its revocation takes effect at once.)
func (db *DB) KeyKnown(secret string) bool {
	return db.keys.known(string(hashKey(secret)), time.Now())
}

// TouchKey records that a key was used at t.
func (db *DB) TouchKey(ctx context.Context, id string, t time.Time) error {
	return db.write(ctx, false, nil, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE api_keys SET last_used_time = ? WHERE id = ?`, micros(t), id)
		return dbError(err)
	})
}

// ListKeys lists every key, revoked and expired ones too, oldest first.
func (db *DB) ListKeys(ctx context.Context) ([]*Key, error) {
	var keys []*Key
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+keyColumns+` FROM api_keys ORDER BY create_time, id`)
		if err != nil {
			return dbError(err)
		}
		defer rows.Close()
		for rows.Next() {
			k, err := scanKey(rows)
			if err != nil {
				return dbError(err)
			}
			keys = append(keys, k)
		}
		return dbError(rows.Err())
	})
	return keys, err
}

// RevokeKey revokes a key at once.
func (db *DB) RevokeKey(ctx context.Context, id string) error {
	// Forgotten after the commit, so that the next call reads the revoked
	// key, and before it too, for a lookup that began before.
	db.keys.forget()
	defer db.keys.forget()
	return db.write(ctx, false, nil, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoke_time = ? WHERE id = ? AND revoke_time IS NULL`, micros(tx.now), id)
		if err != nil {
			return dbError(err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		// Revoked already, and the first revocation stands, or no such key.
		var revoked sql.NullInt64
		err = tx.QueryRowContext(ctx, `SELECT revoke_time FROM api_keys WHERE id = ?`, id).Scan(&revoked)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return errorf(NotFound, "id", "no key has id %q", id)
		case err != nil:
			return dbError(err)
		}
		return errorf(FailedPrecondition, "", "apiKeys/%s was revoked at %s", id, fromMicros(revoked.Int64).UTC().Format(time.RFC3339))
	})
}

const keyColumns = `id, name, role, COALESCE(association, ''), COALESCE(organization, ''), create_time, expire_time, revoke_time, last_used_time`

func scanKey(s scanner) (*Key, error) {
	var k Key
	var create int64
	var expire, revoke, used sql.NullInt64
	if err := s.Scan(&k.ID, &k.Name, &k.Role, &k.Association, &k.Organization, &create, &expire, &revoke, &used); err != nil {
		return nil, err
	}
	k.CreateTime = fromMicros(create)
	if expire.Valid {
		k.ExpireTime = fromMicros(expire.Int64)
	}
	if revoke.Valid {
		k.RevokeTime = fromMicros(revoke.Int64)
	}
	if used.Valid {
		k.LastUsedTime = fromMicros(used.Int64)
	}
	return &k, nil
}
