-- The roll sorts Chinese names by pinyin (issue 13): a sort key computed from the name when it
-- is written (jidi_domain::pinyin_key::name_sort_key), so both backends order by one text column.
-- Rows written before this migration get their key from Store::migrate's backfill.
-- COLLATE "C": the key compares byte by byte, as SQLite and the Rust sorts do (a locale's
-- collation would skip punctuation and order keys differently on this backend).
ALTER TABLE bases ADD COLUMN name_key TEXT COLLATE "C" NOT NULL DEFAULT '';
-- The roll in name order, whole, filtered and as the public's national roll: the twins of
-- migration 0008's name indexes on the key the list now sorts by (then name, then id).
CREATE INDEX bases_by_name_key ON bases(name_key, name, id);
CREATE INDEX bases_province_name_key ON bases(province_code, name_key, name, id);
CREATE INDEX bases_category_name_key ON bases(category_code, name_key, name, id);
CREATE INDEX bases_series_name_key ON bases(series, name_key, name, id);
CREATE INDEX bases_region_name_key ON bases(region, name_key, name, id);
CREATE INDEX bases_national_name_key ON bases(name_key, name, id) WHERE tier IN ('national', 'excellence');
