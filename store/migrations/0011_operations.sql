-- Long-running operations (google.longrunning, AIP-151): imports. The
-- metadata, response and error are serialized protos that the server reads;
-- the store keeps them as they are. An operation that is not done when the
-- server starts was cut by a stop or a crash: its work ran in one
-- transaction that never committed, and it is marked failed.
CREATE TABLE operations (
	pk          INTEGER PRIMARY KEY,
	id          TEXT NOT NULL UNIQUE,
	kind        TEXT NOT NULL,
	principal   TEXT NOT NULL,
	create_time INTEGER NOT NULL,
	update_time INTEGER NOT NULL,
	done        INTEGER NOT NULL DEFAULT 0,
	metadata    BLOB,
	response    BLOB,
	error       BLOB
) STRICT;

CREATE INDEX operations_by_principal ON operations (principal, pk);
