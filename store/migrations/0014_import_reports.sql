-- The report of an import with problems: a copy of the file with a column
-- of errors and the bad cells marked, downloaded apart from the operation
-- so that polling the operation does not carry it.
ALTER TABLE operations ADD COLUMN report BLOB;
