-- One counter that advances whenever something the monitoring's reads are made of changes (the
-- derived monthly table, the warnings, the roll, account names, the warning rules), so that a
-- server can keep an aggregate until the data under it changes and check that with one seek.
-- The derived table and the warnings advance it from the store's writers, as their
-- transaction's last statement; the rest by trigger. The triggers are deferred constraint
-- triggers: they run at commit, so a transaction holds the counter's row lock only while it
-- commits. An immediate trigger would take the lock at its first changed row and could deadlock
-- with another transaction that changed other rows first.
-- Keep in step with ../sqlite/0017_data_generation.sql.

CREATE TABLE data_generation (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO data_generation (id, generation) VALUES (1, 1);

CREATE FUNCTION advance_data_generation() RETURNS trigger AS $$
BEGIN
    UPDATE data_generation SET generation = generation + 1 WHERE id = 1;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER bases_advance_generation AFTER INSERT OR UPDATE OR DELETE ON bases
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION advance_data_generation();
CREATE CONSTRAINT TRIGGER users_advance_generation AFTER UPDATE OF display_name ON users
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION advance_data_generation();
CREATE CONSTRAINT TRIGGER warning_rule_versions_advance_generation AFTER INSERT ON warning_rule_versions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION advance_data_generation();
