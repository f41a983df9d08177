-- The back office (same meaning as the SQLite migration).
ALTER TABLE complaints ADD COLUMN enterprise_name TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN credit_code TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN closed_at TIMESTAMPTZ;
ALTER TABLE complaints ADD COLUMN erased_at TIMESTAMPTZ;
UPDATE complaints SET closed_at = (SELECT MAX(at) FROM complaint_events e WHERE e.receipt = complaints.receipt AND e.type = 'closed')
WHERE status = 'closed';
CREATE INDEX complaints_closed ON complaints (closed_at);
CREATE INDEX complaints_assignee ON complaints (assignee, created_at);

CREATE TABLE complaint_attachments (
	receipt TEXT NOT NULL REFERENCES complaints (receipt),
	id      INTEGER NOT NULL,
	name    TEXT NOT NULL,
	type    TEXT NOT NULL,
	size    BIGINT NOT NULL,
	sha256  TEXT NOT NULL,
	data    BYTEA NOT NULL,
	PRIMARY KEY (receipt, id)
);

CREATE TABLE complaint_notes (
	receipt TEXT NOT NULL REFERENCES complaints (receipt),
	seq     INTEGER NOT NULL,
	at      TIMESTAMPTZ NOT NULL,
	actor   TEXT NOT NULL,
	login   TEXT NOT NULL,
	text    TEXT NOT NULL,
	PRIMARY KEY (receipt, seq)
);
CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER complaint_notes_no_change BEFORE UPDATE OR DELETE ON complaint_notes
	FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER complaint_notes_no_truncate BEFORE TRUNCATE ON complaint_notes
	FOR EACH STATEMENT EXECUTE FUNCTION append_only();

CREATE TABLE staff_accounts (
	login          TEXT PRIMARY KEY,
	name           TEXT NOT NULL,
	department     TEXT NOT NULL DEFAULT '',
	role           TEXT NOT NULL,
	password_hash  TEXT NOT NULL,
	totp_secret    TEXT NOT NULL DEFAULT '',
	totp_last_step BIGINT NOT NULL DEFAULT 0,
	disabled       BOOLEAN NOT NULL DEFAULT FALSE,
	failed_logins  INTEGER NOT NULL DEFAULT 0,
	locked_until   TIMESTAMPTZ,
	created_at     TIMESTAMPTZ NOT NULL,
	updated_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE staff_sessions (
	id         TEXT PRIMARY KEY,
	login      TEXT NOT NULL REFERENCES staff_accounts (login),
	csrf       TEXT NOT NULL,
	addr       TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	last_seen  TIMESTAMPTZ NOT NULL
);
CREATE INDEX staff_sessions_login ON staff_sessions (login);

CREATE TABLE audit_log (
	seq     BIGSERIAL PRIMARY KEY,
	at      TIMESTAMPTZ NOT NULL,
	login   TEXT NOT NULL,
	addr    TEXT NOT NULL,
	action  TEXT NOT NULL,
	receipt TEXT NOT NULL DEFAULT '',
	detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_receipt ON audit_log (receipt);
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION append_only();
