-- Who confirmed a profile review, by principal (key:ID, user:EMAIL)
-- beside the name shown: a caller limited to a unit reads the name only
-- when the principal is of its own scope (server/principals.go). A review
-- confirmed before has none, and its confirmer's name is shown to callers
-- without a limit alone.
ALTER TABLE profile_reviews ADD COLUMN confirmer_principal TEXT NOT NULL DEFAULT '';
