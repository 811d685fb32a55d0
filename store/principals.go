package store

import (
	"context"
	"strings"
)

// PrincipalScopes gives what each principal among ids is limited to, by
// principal: the association or organization of the API key (key:ID) or
// console account (user:EMAIL) it names, "" for one without a limit.
// Principals of another kind, and keys or accounts not stored, are left
// out. The server shows a limited caller only the principals of its own
// scope (server/principals.go).
func (db *DB) PrincipalScopes(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	var keys, emails []any
	for _, id := range ids {
		if k, ok := strings.CutPrefix(id, "key:"); ok {
			keys = append(keys, k)
		} else if e, ok := strings.CutPrefix(id, "user:"); ok {
			emails = append(emails, strings.ToLower(e))
		}
	}
	if len(keys)+len(emails) == 0 {
		return out, nil
	}
	found := map[string]string{} // by principal in lower case
	err := db.read(ctx, func(tx *Tx) error {
		for _, q := range []struct {
			prefix, sql string
			args        []any
		}{
			{"key:", `SELECT id, COALESCE(NULLIF(association, ''), NULLIF(organization, ''), '') FROM api_keys WHERE id IN `, keys},
			{"user:", `SELECT email, COALESCE(NULLIF(association, ''), NULLIF(organization, ''), '') FROM accounts WHERE email IN `, emails},
		} {
			if len(q.args) == 0 {
				continue
			}
			rows, err := tx.QueryContext(ctx, q.sql+`(?`+strings.Repeat(",?", len(q.args)-1)+`)`, q.args...)
			if err != nil {
				return dbError(err)
			}
			for rows.Next() {
				var id, scope string
				if err := rows.Scan(&id, &scope); err != nil {
					rows.Close()
					return dbError(err)
				}
				found[q.prefix+strings.ToLower(id)] = scope
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return dbError(err)
			}
		}
		return nil
	})
	for _, id := range ids {
		if scope, ok := found[strings.ToLower(id)]; ok {
			out[id] = scope
		}
	}
	return out, err
}
