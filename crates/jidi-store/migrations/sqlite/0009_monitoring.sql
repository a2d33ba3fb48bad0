-- Monitoring (C5): the derived monthly series and the graded warnings. Keep in step with
-- ../postgres/0009_monitoring.sql: same tables, same columns.
--
-- monitor_values is derived from monthly_values by jidi-monitor and rebuilt for a base whenever
-- its monthly values are accepted; it is never edited by hand. Each row carries the comparison
-- figures of its own growth rates (last year's same span, the previous month), so that a group's
-- growth is a ratio of sums over the bases that report both periods (comparable basis) and
-- aggregates need no self-join. Flows are 1–N月 cumulative as reported; `single` is the month
-- (or the 1–2月 span, `span_months` = 2) derived from them.
CREATE TABLE monitor_values (
    base_id        INTEGER NOT NULL REFERENCES bases(id),
    period         INTEGER NOT NULL,
    indicator_code TEXT NOT NULL REFERENCES indicators(code),
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
    PRIMARY KEY (base_id, period, indicator_code)
) WITHOUT ROWID;
CREATE INDEX monitor_values_period ON monitor_values(period, indicator_code);

-- One row per warning of a (base, rule) pair: opened at `opened`, following its level while the
-- condition lasts, closed at `closed`. A warning is identified by (base, rule, opened), so that
-- rebuilding from the series keeps acknowledgements and annotations. `history` is the JSON list
-- of its changes (opened, escalated, de-escalated, closed) with their reasons.
CREATE TABLE monitor_warnings (
    id              INTEGER PRIMARY KEY,
    base_id         INTEGER NOT NULL REFERENCES bases(id),
    rule_id         TEXT NOT NULL,
    opened          INTEGER NOT NULL,
    level           TEXT NOT NULL CHECK (level IN ('blue', 'yellow', 'orange', 'red')),
    peak            TEXT NOT NULL CHECK (peak IN ('blue', 'yellow', 'orange', 'red')),
    last_change     INTEGER NOT NULL,
    closed          INTEGER,
    current_value   REAL,
    threshold       REAL,
    unit            TEXT NOT NULL DEFAULT '',
    reason_zh       TEXT NOT NULL,
    reason_en       TEXT NOT NULL,
    history         TEXT NOT NULL,
    acknowledged_by INTEGER REFERENCES users(id),
    acknowledged_at TEXT,
    annotation      TEXT NOT NULL DEFAULT '',
    annotated_by    INTEGER REFERENCES users(id),
    annotated_at    TEXT,
    refresh         INTEGER NOT NULL,
    synthetic       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (base_id, rule_id, opened)
);
CREATE INDEX monitor_warnings_open ON monitor_warnings(closed, level, base_id);
