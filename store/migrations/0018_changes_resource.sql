-- The change feed's triggers (0015) look for the row the running
-- transaction already wrote for a resource: seq > change_clock.start AND
-- resource = ?. Without an index on resource that scans every row the
-- transaction wrote, once per row written: quadratic in the size of a
-- transaction, minutes for a bulk batch or an import of many thousand
-- people. With it, a lookup.
CREATE INDEX changes_resource ON changes (resource, seq);
