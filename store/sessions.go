package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Session is a signed-in account in the web console. Its secret (the
// cookie's value) is never kept, only a hash.
type Session struct {
	ID      string
	Account *Account
	// CSRF is the token every form of this session must send back.
	CSRF         string
	Client       string
	CreateTime   time.Time
	LastSeenTime time.Time
	ExpireTime   time.Time
}

// SessionLifetime is the longest a session lasts, however busy.
const SessionLifetime = 12 * time.Hour

// ErrBadSession is returned for a session that is unknown, revoked, expired
// or idle too long, or whose account is disabled.
var ErrBadSession = errors.New("the session has ended; sign in again")

// CreateSession starts a session for an account that has just signed in
// from client, and returns it with the secret for its cookie.
func (db *DB) CreateSession(ctx context.Context, a *Account, client string) (*Session, string, error) {
	secret := newToken(25)
	s := &Session{ID: newToken(5), Account: a, CSRF: newToken(20), Client: client}
	err := db.write(ctx, false, nil, func(tx *Tx) error {
		s.CreateTime, s.LastSeenTime, s.ExpireTime = tx.now, tx.now, tx.now.Add(SessionLifetime)
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions(hash, id, account_id, csrf, client_address, create_time, last_seen_time, expire_time)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, hashKey(secret), s.ID, a.ID, s.CSRF, client, micros(tx.now), micros(tx.now), micros(s.ExpireTime))
		return dbError(err)
	})
	if err != nil {
		return nil, "", err
	}
	return s, secret, nil
}

// Session returns the live session whose secret is given: not revoked, not
// expired, used within idle, of an enabled account.
func (db *DB) Session(ctx context.Context, secret string, idle time.Duration) (*Session, error) {
	var s Session
	var create, seen, expire int64
	var revoke sql.NullInt64
	a, err := scanAccount(db.readRow(ctx, `SELECT a.id, a.email, a.name, a.role, COALESCE(a.association, ''), COALESCE(a.organization, ''), a.create_time, a.password_time, a.disable_time,
			s.id, s.csrf, s.client_address, s.create_time, s.last_seen_time, s.expire_time, s.revoke_time
		FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.hash = ?`, hashKey(secret)),
		&s.ID, &s.CSRF, &s.Client, &create, &seen, &expire, &revoke)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrBadSession
	}
	if err != nil {
		return nil, db.observe(dbError(err))
	}
	s.Account, s.CreateTime, s.LastSeenTime, s.ExpireTime = a, fromMicros(create), fromMicros(seen), fromMicros(expire)
	now := db.Now()
	if revoke.Valid || a.Disabled() || !now.Before(s.ExpireTime) || idle > 0 && now.Sub(s.LastSeenTime) >= idle {
		return nil, ErrBadSession
	}
	return &s, nil
}

// TouchSession records that a session was used now.
func (db *DB) TouchSession(ctx context.Context, id string) error {
	return db.write(ctx, false, nil, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_time = ? WHERE id = ? AND last_seen_time < ?`, micros(tx.now), id, micros(tx.now))
		return dbError(err)
	})
}

// RevokeSession ends a session (signing out).
func (db *DB) RevokeSession(ctx context.Context, secret string) error {
	return db.write(ctx, false, nil, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET revoke_time = ? WHERE hash = ? AND revoke_time IS NULL`, micros(tx.now), hashKey(secret))
		return dbError(err)
	})
}

// RevokeSessions ends every session of an account (given by id or email).
func (db *DB) RevokeSessions(ctx context.Context, idOrEmail string) error {
	return db.write(ctx, false, nil, func(tx *Tx) error {
		var id string
		if err := tx.QueryRowContext(ctx, `SELECT id FROM accounts`+accountWhere, idOrEmail).Scan(&id); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return errorf(NotFound, "account", "no account has the id or email %q", idOrEmail)
			}
			return dbError(err)
		}
		return tx.revokeSessions(ctx, id)
	})
}

func (tx *Tx) revokeSessions(ctx context.Context, accountID string) error {
	_, err := tx.ExecContext(ctx, `UPDATE sessions SET revoke_time = ? WHERE account_id = ? AND revoke_time IS NULL`, micros(tx.now), accountID)
	return dbError(err)
}

// SameCSRF reports whether a form's token is the session's.
func (s *Session) SameCSRF(token string) bool {
	return token != "" && sameToken(s.CSRF, token)
}
