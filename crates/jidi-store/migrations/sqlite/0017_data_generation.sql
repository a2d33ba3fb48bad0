-- One counter that advances whenever something the monitoring's reads are made of changes (the
-- derived monthly table, the warnings, the roll, account names, the warning rules), so that a
-- server can keep an aggregate until the data under it changes and check that with one seek.
-- The derived table and the warnings advance it from the store's writers (one UPDATE per
-- transaction, not per row: a demo build writes 545,000 derived rows); the rest by trigger.
-- Keep in step with ../postgres/0017_data_generation.sql.

CREATE TABLE data_generation (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO data_generation (id, generation) VALUES (1, 1);

CREATE TRIGGER bases_advance_generation_insert AFTER INSERT ON bases
BEGIN
    UPDATE data_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER bases_advance_generation_update AFTER UPDATE ON bases
BEGIN
    UPDATE data_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER bases_advance_generation_delete AFTER DELETE ON bases
BEGIN
    UPDATE data_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER users_advance_generation AFTER UPDATE OF display_name ON users
BEGIN
    UPDATE data_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER warning_rule_versions_advance_generation AFTER INSERT ON warning_rule_versions
BEGIN
    UPDATE data_generation SET generation = generation + 1 WHERE id = 1;
END;
