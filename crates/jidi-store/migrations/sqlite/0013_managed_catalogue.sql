-- The managed catalogue (issue 10): the ministry edits the indicator catalogue as data. Each
-- saved version keeps the whole catalogue as canonical CSV (`jidi_collect::ManagedCatalogue`),
-- so any version can be read back as it was; `indicators` holds the current version's rows for
-- the facts' foreign keys and joins. Versions are append-only, like the audit log, and each
-- changed indicator has its own audit entry. A retired indicator keeps its row and its history.
-- Keep in step with ../postgres/0013_managed_catalogue.sql.

ALTER TABLE indicators ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'retired'));
ALTER TABLE indicators ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

CREATE TABLE catalogue_versions (
    version   INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    user_id   INTEGER REFERENCES users(id),
    source    TEXT NOT NULL CHECK (source IN ('shipped', 'cli', 'api', 'web')),
    file_name TEXT NOT NULL DEFAULT '',
    reason    TEXT NOT NULL,
    content   TEXT NOT NULL,
    sha256    TEXT NOT NULL,
    entries   INTEGER NOT NULL,
    changed   INTEGER NOT NULL
);
CREATE TRIGGER catalogue_versions_append_only_update BEFORE UPDATE ON catalogue_versions
BEGIN SELECT RAISE(ABORT, 'catalogue_versions is append-only'); END;
CREATE TRIGGER catalogue_versions_append_only_delete BEFORE DELETE ON catalogue_versions
BEGIN SELECT RAISE(ABORT, 'catalogue_versions is append-only'); END;
