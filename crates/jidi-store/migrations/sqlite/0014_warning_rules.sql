-- The ministry's warning rules (issue 11): the rule set of `jidi_monitor::warning::rule` as data.
-- Each saved version keeps the whole set as canonical JSON, so any version reads back as it was;
-- versions are append-only, like the audit log, and each save has an audit entry naming the
-- rules added, changed and removed. With no version the product runs its built-in set.
-- Keep in step with ../postgres/0014_warning_rules.sql.

CREATE TABLE warning_rule_versions (
    version   INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    user_id   INTEGER REFERENCES users(id),
    source    TEXT NOT NULL CHECK (source IN ('cli', 'api', 'web')),
    file_name TEXT NOT NULL DEFAULT '',
    reason    TEXT NOT NULL,
    content   TEXT NOT NULL,
    sha256    TEXT NOT NULL,
    rules     INTEGER NOT NULL
);
CREATE TRIGGER warning_rule_versions_append_only_update BEFORE UPDATE ON warning_rule_versions
BEGIN SELECT RAISE(ABORT, 'warning_rule_versions is append-only'); END;
CREATE TRIGGER warning_rule_versions_append_only_delete BEFORE DELETE ON warning_rule_versions
BEGIN SELECT RAISE(ABORT, 'warning_rule_versions is append-only'); END;
