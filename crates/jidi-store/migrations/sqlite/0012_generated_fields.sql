-- Which facts of a real base were generated because its public source leaves them empty (issue 8,
-- item 7): a JSON array of roll column names, e.g. ["batch","series"]. Synthetic records are
-- generated as a whole and keep it empty; pages mark the generated values, not the base's name.
ALTER TABLE bases ADD COLUMN generated_fields TEXT NOT NULL DEFAULT '[]';
