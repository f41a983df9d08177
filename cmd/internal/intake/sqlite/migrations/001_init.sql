-- Complaints and their append-only history. Times are UTC, written by the
-- driver in SQLite's own format (_time_format=sqlite) so they sort as text.
CREATE TABLE complaints (
	receipt          TEXT PRIMARY KEY,
	day              TEXT NOT NULL,
	created_at       DATETIME NOT NULL,
	category         TEXT NOT NULL,
	department       TEXT NOT NULL,
	related_id       TEXT NOT NULL DEFAULT '',
	objection_reason TEXT NOT NULL DEFAULT '',
	title            TEXT NOT NULL,
	description      TEXT NOT NULL,
	name             TEXT NOT NULL DEFAULT '',
	phone            TEXT NOT NULL,
	email            TEXT NOT NULL DEFAULT '',
	anonymous        INTEGER NOT NULL DEFAULT 0,
	consent_publish  INTEGER NOT NULL DEFAULT 0,
	status           TEXT NOT NULL,
	assignee         TEXT NOT NULL DEFAULT '',
	extension_days   INTEGER NOT NULL DEFAULT 0,
	duplicate_of     TEXT NOT NULL DEFAULT '',
	query_hash       TEXT NOT NULL,
	fingerprint      TEXT NOT NULL,
	updated_at       DATETIME NOT NULL
);

CREATE INDEX complaints_fingerprint ON complaints (fingerprint, created_at);
CREATE INDEX complaints_created ON complaints (created_at);
CREATE INDEX complaints_status ON complaints (status);

CREATE TABLE complaint_events (
	receipt      TEXT NOT NULL REFERENCES complaints (receipt),
	seq          INTEGER NOT NULL,
	at           DATETIME NOT NULL,
	actor        TEXT NOT NULL,
	type         TEXT NOT NULL,
	note         TEXT NOT NULL DEFAULT '',
	assignee     TEXT NOT NULL DEFAULT '',
	satisfaction TEXT NOT NULL DEFAULT '',
	days         INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (receipt, seq)
);

-- The history is append-only: the database itself refuses edits.
CREATE TRIGGER complaint_events_no_update BEFORE UPDATE ON complaint_events
BEGIN SELECT RAISE(ABORT, 'complaint history is append-only'); END;
CREATE TRIGGER complaint_events_no_delete BEFORE DELETE ON complaint_events
BEGIN SELECT RAISE(ABORT, 'complaint history is append-only'); END;

-- Per-day receipt sequence (TS-YYYYMMDD-NNNNNN).
CREATE TABLE receipt_counters (
	day  TEXT PRIMARY KEY,
	last INTEGER NOT NULL
);
