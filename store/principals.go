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

// ScopeSubtree returns the names of scope, an association or an
// organization, and of those under it to a depth of 100 (subtree): the
// scopes whose people a caller limited to scope reads.
func (db *DB) ScopeSubtree(ctx context.Context, scope string) (map[string]bool, error) {
	out := map[string]bool{scope: true}
	table, _, ok := strings.Cut(scope, "/")
	if !ok || table != "associations" && table != "organizations" {
		return out, nil
	}
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `WITH RECURSIVE down(pk, id, depth) AS (
				SELECT pk, id, 0 FROM `+table+` WHERE id = ?
				UNION ALL SELECT t.pk, t.id, down.depth + 1 FROM `+table+` t JOIN down ON t.parent_pk = down.pk
				WHERE down.depth < 100)
			SELECT id FROM down`, strings.TrimPrefix(scope, table+"/"))
		if err != nil {
			return dbError(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return dbError(err)
			}
			out[table+"/"+id] = true
		}
		return dbError(rows.Err())
	})
	return out, err
}
