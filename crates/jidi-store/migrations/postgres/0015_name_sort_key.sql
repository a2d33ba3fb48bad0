-- The roll sorts Chinese names by pinyin (issue 13): a sort key computed from the name when it
-- is written (jidi_domain::pinyin_key::name_sort_key), so both backends order by one text column.
-- Rows written before this migration get their key from Store::migrate's backfill.
ALTER TABLE bases ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
CREATE INDEX bases_by_name_key ON bases(name_key, name);
