-- The ministry's warning rules (issue 11): the rule set of `jidi_monitor::warning::rule` as data.
-- Each saved version keeps the whole set as canonical JSON, so any version reads back as it was;
-- versions are append-only, like the audit log, and each save has an audit entry naming the
-- rules added, changed and removed. With no version the product runs its built-in set.
-- Keep in step with ../sqlite/0014_warning_rules.sql.

CREATE TABLE warning_rule_versions (
    version   BIGINT PRIMARY KEY,
    at        TIMESTAMPTZ NOT NULL,
    user_id   BIGINT REFERENCES users(id),
    source    TEXT NOT NULL CHECK (source IN ('cli', 'api', 'web')),
    file_name TEXT NOT NULL DEFAULT '',
    reason    TEXT NOT NULL,
    content   TEXT NOT NULL,
    sha256    TEXT NOT NULL,
    rules     BIGINT NOT NULL
);
CREATE TRIGGER warning_rule_versions_append_only BEFORE UPDATE OR DELETE ON warning_rule_versions
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER warning_rule_versions_no_truncate BEFORE TRUNCATE ON warning_rule_versions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
