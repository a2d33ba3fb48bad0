-- Data collection: every accepted value keeps its revisions, imports are recorded as batches with
-- their warnings and explanations, an evaluation records the revision of each input it read, and
-- the audit log and the revision history become append-only in the database itself.

-- One accepted upload, form or API body: who, when, from which file (name and SHA-256).
CREATE TABLE value_batches (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    user_id     INTEGER REFERENCES users(id),
    source      TEXT NOT NULL CHECK (source IN ('cli', 'api', 'web', 'xlsx')),
    file_name   TEXT NOT NULL DEFAULT '',
    file_sha256 TEXT NOT NULL DEFAULT '',
    rows_read   INTEGER NOT NULL,
    changed     INTEGER NOT NULL,
    reason      TEXT NOT NULL DEFAULT ''
);

-- Every accepted value, revision by revision; the current one is also in annual_values or
-- monthly_values (what reads use). period is YYYY (annual) or YYYYMM (monthly).
CREATE TABLE value_revisions (
    base_id        INTEGER NOT NULL REFERENCES bases(id),
    frequency      TEXT NOT NULL CHECK (frequency IN ('annual', 'monthly')),
    period         INTEGER NOT NULL,
    indicator_code TEXT NOT NULL REFERENCES indicators(code),
    revision       INTEGER NOT NULL,
    value          REAL NOT NULL,
    reported_value REAL NOT NULL,
    reported_unit  TEXT NOT NULL,
    -- NULL for revision 0: the value a bulk load wrote before revisions were recorded.
    batch_id       INTEGER REFERENCES value_batches(id),
    PRIMARY KEY (base_id, frequency, period, indicator_code, revision)
) WITHOUT ROWID;
CREATE INDEX value_revisions_batch ON value_revisions(batch_id);

-- Warnings a batch was accepted with, and the reporter's explanation of each.
CREATE TABLE value_warnings (
    batch_id       INTEGER NOT NULL REFERENCES value_batches(id),
    base_id        INTEGER NOT NULL REFERENCES bases(id),
    frequency      TEXT NOT NULL,
    period         INTEGER NOT NULL,
    indicator_code TEXT NOT NULL,
    rule           TEXT NOT NULL,
    message        TEXT NOT NULL,
    explanation    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX value_warnings_base ON value_warnings(base_id, frequency, period);

-- 0: loaded before revisions were recorded (the demo's bulk load).
ALTER TABLE annual_values ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE monthly_values ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE evaluation_inputs ADD COLUMN revision INTEGER;

CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER value_revisions_append_only_update BEFORE UPDATE ON value_revisions
BEGIN SELECT RAISE(ABORT, 'value_revisions is append-only'); END;
CREATE TRIGGER value_revisions_append_only_delete BEFORE DELETE ON value_revisions
BEGIN SELECT RAISE(ABORT, 'value_revisions is append-only'); END;
