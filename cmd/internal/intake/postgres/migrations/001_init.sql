-- Complaints and their append-only history (same meaning as the SQLite schema).
CREATE TABLE complaints (
	receipt          TEXT PRIMARY KEY,
	day              TEXT NOT NULL,
	created_at       TIMESTAMPTZ NOT NULL,
	category         TEXT NOT NULL,
	department       TEXT NOT NULL,
	related_id       TEXT NOT NULL DEFAULT '',
	objection_reason TEXT NOT NULL DEFAULT '',
	title            TEXT NOT NULL,
	description      TEXT NOT NULL,
	name             TEXT NOT NULL DEFAULT '',
	phone            TEXT NOT NULL,
	email            TEXT NOT NULL DEFAULT '',
	anonymous        BOOLEAN NOT NULL DEFAULT FALSE,
	consent_publish  BOOLEAN NOT NULL DEFAULT FALSE,
	status           TEXT NOT NULL,
	assignee         TEXT NOT NULL DEFAULT '',
	extension_days   INTEGER NOT NULL DEFAULT 0,
	duplicate_of     TEXT NOT NULL DEFAULT '',
	query_hash       TEXT NOT NULL,
	fingerprint      TEXT NOT NULL,
	updated_at       TIMESTAMPTZ NOT NULL
);

CREATE INDEX complaints_fingerprint ON complaints (fingerprint, created_at);
CREATE INDEX complaints_created ON complaints (created_at);
CREATE INDEX complaints_status ON complaints (status);

CREATE TABLE complaint_events (
	receipt      TEXT NOT NULL REFERENCES complaints (receipt),
	seq          INTEGER NOT NULL,
	at           TIMESTAMPTZ NOT NULL,
	actor        TEXT NOT NULL,
	type         TEXT NOT NULL,
	note         TEXT NOT NULL DEFAULT '',
	assignee     TEXT NOT NULL DEFAULT '',
	satisfaction TEXT NOT NULL DEFAULT '',
	days         INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (receipt, seq)
);

-- The history is append-only: the database itself refuses edits.
CREATE FUNCTION complaint_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'complaint history is append-only';
END;
$$;
CREATE TRIGGER complaint_events_no_change BEFORE UPDATE OR DELETE ON complaint_events
	FOR EACH ROW EXECUTE FUNCTION complaint_events_append_only();
CREATE TRIGGER complaint_events_no_truncate BEFORE TRUNCATE ON complaint_events
	FOR EACH STATEMENT EXECUTE FUNCTION complaint_events_append_only();

-- Per-day receipt sequence (TS-YYYYMMDD-NNNNNN).
CREATE TABLE receipt_counters (
	day  TEXT PRIMARY KEY,
	last INTEGER NOT NULL
);
