-- The monitoring's busy reads, made cheap where their cost grew with the tables. Keep in step with
-- ../postgres/0016_monitoring_reads.sql.
--
-- 1. monitor_values is keyed by (indicator, period, base): every aggregate reads one indicator's
--    rows of one month (a group's figures) or of a run of months (a group's series), which are then
--    one stretch of the table. Keyed by base first, each of those rows was a lookup through the
--    (period, indicator) index: the national series of one indicator read 27,000 rows one lookup
--    at a time. A base's own series and the refresh's deletes use the (base, indicator, period)
--    index. The table has no foreign keys any more: its rows are derived, written only from
--    monthly_values, whose own keys are checked, and bases and indicators are never deleted; the
--    checks cost a lookup per derived row, 545,000 in a full rebuild of the demo. SQLite cannot
--    change a key or drop a constraint, so the table is rebuilt (same columns).
CREATE TABLE monitor_values_by_indicator (
    base_id        INTEGER NOT NULL,
    period         INTEGER NOT NULL,
    indicator_code TEXT NOT NULL,
    value          REAL NOT NULL,
    single         REAL,
    span_months    INTEGER NOT NULL,
    cumulative     REAL,
    single_ly      REAL,
    cumulative_ly  REAL,
    single_pm      REAL,
    yoy            REAL,
    mom            REAL,
    cum_yoy        REAL,
    synthetic      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (indicator_code, period, base_id)
) WITHOUT ROWID;
INSERT INTO monitor_values_by_indicator SELECT base_id, period, indicator_code, value, single, span_months, cumulative, single_ly, cumulative_ly, single_pm, yoy, mom, cum_yoy, synthetic FROM monitor_values;
DROP TABLE monitor_values;
ALTER TABLE monitor_values_by_indicator RENAME TO monitor_values;
CREATE INDEX monitor_values_base ON monitor_values(base_id, indicator_code, period);

-- 2. The warnings board's order (open first, then red to blue, the latest change first) as an
--    index, with the columns its filters test: a page is the index's first rows instead of a sort
--    of every warning with its history (11 ms per page on the demo's 2,200 warnings).
CREATE INDEX monitor_warnings_board ON monitor_warnings(
    (closed IS NOT NULL),
    (CASE level WHEN 'red' THEN 0 WHEN 'orange' THEN 1 WHEN 'yellow' THEN 2 ELSE 3 END),
    last_change DESC, id, level, rule_id);

-- 3. The period indexes of the fact tables carry the value: a year's December fuel reports or
--    annual figures of every base (the green view reads them per year) are read from the index
--    alone instead of a lookup into the table per value.
DROP INDEX monthly_values_period;
CREATE INDEX monthly_values_period ON monthly_values(period, indicator_code, value, synthetic);
DROP INDEX annual_values_year;
CREATE INDEX annual_values_year ON annual_values(year, indicator_code, value, synthetic);
