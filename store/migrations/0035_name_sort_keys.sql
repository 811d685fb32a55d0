-- Organizations and associations in Vietnamese order, as people are
-- (0003): a key computed in Go (vntext.SortKey of the display name), since
-- SQLite knows no Vietnamese collation; code-point order puts "Trạm" after
-- "Trường" and "Ủy ban" after "Viện". The writer's connection has
-- trithuc_sort_key for this backfill; writes set the key themselves.

ALTER TABLE organizations ADD COLUMN sort_key BLOB NOT NULL DEFAULT x'';
ALTER TABLE associations ADD COLUMN sort_key BLOB NOT NULL DEFAULT x'';

UPDATE organizations SET sort_key = trithuc_sort_key(display_name);
UPDATE associations SET sort_key = trithuc_sort_key(display_name);

CREATE INDEX organizations_sort_key ON organizations(sort_key);
CREATE INDEX associations_sort_key ON associations(sort_key);
