-- A person's phone as one number however it was typed (store/phone_key.go:
-- 0912 345 678, +84 912345678 and 0912.345.678 are 0912345678), indexed:
-- an import's operation that quotes a phone finds the person who has it,
-- whoever they are, without reading every person (ImportWithholds). The
-- key is computed in Go; the writer's connection has trithuc_phone_key
-- for this backfill, and writes set the key themselves.

ALTER TABLE people ADD COLUMN phone_key TEXT NOT NULL DEFAULT '';

UPDATE people SET phone_key = trithuc_phone_key(phone) WHERE phone != '';

CREATE INDEX people_phone_key ON people(phone_key) WHERE phone_key != '';
