-- The monitoring's busy reads, made cheap where their cost grew with the tables. Keep in step with
-- ../sqlite/0016_monitoring_reads.sql (where the reasons are given at length).
--
-- 1. monitor_values keyed by (indicator, period, base), with a (base, indicator, period) index for
--    a base's own series and the refresh's deletes; no foreign keys (derived rows: every derived
--    row cost a trigger query per key, a scan of the 68-row indicators table among them, most of
--    the 22 s a full rebuild of the demo took).
ALTER TABLE monitor_values
    DROP CONSTRAINT monitor_values_base_id_fkey,
    DROP CONSTRAINT monitor_values_indicator_code_fkey,
    DROP CONSTRAINT monitor_values_pkey,
    ADD CONSTRAINT monitor_values_pkey PRIMARY KEY (indicator_code, period, base_id);
DROP INDEX monitor_values_period;
CREATE INDEX monitor_values_base ON monitor_values(base_id, indicator_code, period);

-- 2. The warnings board's order as an index, with the columns its filters test.
CREATE INDEX monitor_warnings_board ON monitor_warnings(
    (closed IS NOT NULL),
    (CASE level WHEN 'red' THEN 0 WHEN 'orange' THEN 1 WHEN 'yellow' THEN 2 ELSE 3 END),
    last_change DESC, id, level, rule_id);

-- 3. The period indexes of the fact tables carry the value (index-only reads of a period).
DROP INDEX monthly_values_period;
CREATE INDEX monthly_values_period ON monthly_values(period, indicator_code) INCLUDE (value, synthetic);
DROP INDEX annual_values_year;
CREATE INDEX annual_values_year ON annual_values(year, indicator_code) INCLUDE (value, synthetic);
