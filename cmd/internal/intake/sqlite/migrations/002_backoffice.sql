-- The back office: enterprise complainants, attachments, internal notes,
-- staff accounts and sessions, the audit trail, and retention.
ALTER TABLE complaints ADD COLUMN enterprise_name TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN credit_code TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN closed_at DATETIME;
ALTER TABLE complaints ADD COLUMN erased_at DATETIME;
UPDATE complaints SET closed_at = (SELECT MAX(at) FROM complaint_events e WHERE e.receipt = complaints.receipt AND e.type = 'closed')
WHERE status = 'closed';
CREATE INDEX complaints_closed ON complaints (closed_at);
CREATE INDEX complaints_assignee ON complaints (assignee, created_at);

-- Files sent with a complaint; deleted when its personal data is erased.
CREATE TABLE complaint_attachments (
	receipt TEXT NOT NULL REFERENCES complaints (receipt),
	id      INTEGER NOT NULL,
	name    TEXT NOT NULL,
	type    TEXT NOT NULL,
	size    INTEGER NOT NULL,
	sha256  TEXT NOT NULL,
	data    BLOB NOT NULL,
	PRIMARY KEY (receipt, id)
);

-- Internal notes: staff only, append-only like the history.
CREATE TABLE complaint_notes (
	receipt TEXT NOT NULL REFERENCES complaints (receipt),
	seq     INTEGER NOT NULL,
	at      DATETIME NOT NULL,
	actor   TEXT NOT NULL,
	login   TEXT NOT NULL,
	text    TEXT NOT NULL,
	PRIMARY KEY (receipt, seq)
);
CREATE TRIGGER complaint_notes_no_update BEFORE UPDATE ON complaint_notes
BEGIN SELECT RAISE(ABORT, 'complaint notes are append-only'); END;
CREATE TRIGGER complaint_notes_no_delete BEFORE DELETE ON complaint_notes
BEGIN SELECT RAISE(ABORT, 'complaint notes are append-only'); END;

CREATE TABLE staff_accounts (
	login          TEXT PRIMARY KEY,
	name           TEXT NOT NULL,
	department     TEXT NOT NULL DEFAULT '',
	role           TEXT NOT NULL,
	password_hash  TEXT NOT NULL,
	totp_secret    TEXT NOT NULL DEFAULT '',
	totp_last_step INTEGER NOT NULL DEFAULT 0,
	disabled       INTEGER NOT NULL DEFAULT 0,
	failed_logins  INTEGER NOT NULL DEFAULT 0,
	locked_until   DATETIME,
	created_at     DATETIME NOT NULL,
	updated_at     DATETIME NOT NULL
);

CREATE TABLE staff_sessions (
	id         TEXT PRIMARY KEY,
	login      TEXT NOT NULL REFERENCES staff_accounts (login),
	csrf       TEXT NOT NULL,
	addr       TEXT NOT NULL,
	created_at DATETIME NOT NULL,
	last_seen  DATETIME NOT NULL
);
CREATE INDEX staff_sessions_login ON staff_sessions (login);

-- Who did what, when, from where: append-only, in the database itself.
CREATE TABLE audit_log (
	seq     INTEGER PRIMARY KEY AUTOINCREMENT,
	at      DATETIME NOT NULL,
	login   TEXT NOT NULL,
	addr    TEXT NOT NULL,
	action  TEXT NOT NULL,
	receipt TEXT NOT NULL DEFAULT '',
	detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_receipt ON audit_log (receipt);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
