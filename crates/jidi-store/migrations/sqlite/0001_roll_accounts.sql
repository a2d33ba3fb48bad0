-- The roll of bases, reference data, the indicator catalogue and its values, accounts and
-- sessions. Keep in step with ../postgres/0001_roll_accounts.sql: same tables, same columns,
-- same constraints; only the type names differ (TEXT dates and timestamps, INTEGER booleans).

CREATE TABLE categories (
    code        TEXT PRIMARY KEY,
    parent_code TEXT REFERENCES categories(code),
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    sort_order  INTEGER NOT NULL,
    builtin     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE provinces (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    short_name TEXT NOT NULL,
    region     TEXT NOT NULL CHECK (region IN ('east', 'central', 'west', 'northeast'))
);

CREATE TABLE prefectures (
    code          TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    province_code TEXT NOT NULL REFERENCES provinces(code)
);

CREATE TABLE bases (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL UNIQUE,
    province_code      TEXT NOT NULL REFERENCES provinces(code),
    prefecture_code    TEXT REFERENCES prefectures(code),
    region             TEXT NOT NULL,
    category_code      TEXT NOT NULL REFERENCES categories(code),
    subcategory_code   TEXT REFERENCES categories(code),
    series             TEXT CHECK (series IN ('advantage', 'specialty')),
    tier               TEXT NOT NULL CHECK (tier IN ('cultivating', 'provincial', 'national', 'excellence')),
    batch              INTEGER,
    designated_year    INTEGER,
    designated_on      TEXT,
    leading_industries TEXT NOT NULL DEFAULT '[]',
    managing_body      TEXT,
    area_km2           REAL,
    status             TEXT NOT NULL CHECK (status IN ('current', 'withdrawn')),
    withdrawn_on       TEXT,
    withdrawn_reason   TEXT,
    synthetic          INTEGER NOT NULL DEFAULT 0,
    source             TEXT,
    note               TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX bases_province ON bases(province_code, tier);
CREATE INDEX bases_category ON bases(category_code, subcategory_code);
CREATE INDEX bases_tier_status ON bases(tier, status);

CREATE TABLE tier_changes (
    id          INTEGER PRIMARY KEY,
    base_id     INTEGER NOT NULL REFERENCES bases(id),
    from_tier   TEXT,
    to_tier     TEXT,
    changed_on  TEXT NOT NULL,
    proposal_id INTEGER,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tier_changes_base ON tier_changes(base_id, changed_on);

CREATE TABLE indicators (
    code        TEXT PRIMARY KEY,
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    unit        TEXT NOT NULL,
    frequency   TEXT NOT NULL CHECK (frequency IN ('annual', 'monthly')),
    cumulative  INTEGER NOT NULL,
    direction   INTEGER NOT NULL CHECK (direction IN (1, -1)),
    dimension   TEXT NOT NULL,
    formula     TEXT NOT NULL DEFAULT '',
    applies_to  TEXT NOT NULL DEFAULT '[]',
    sort_order  INTEGER NOT NULL
);

-- Fact tables are keyed by base and period, so that every query pages and aggregates by them.
CREATE TABLE annual_values (
    base_id        INTEGER NOT NULL REFERENCES bases(id),
    year           INTEGER NOT NULL,
    indicator_code TEXT NOT NULL REFERENCES indicators(code),
    value          REAL NOT NULL,
    synthetic      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (base_id, year, indicator_code)
) WITHOUT ROWID;
CREATE INDEX annual_values_year ON annual_values(year, indicator_code);

CREATE TABLE monthly_values (
    base_id        INTEGER NOT NULL REFERENCES bases(id),
    period         INTEGER NOT NULL,
    indicator_code TEXT NOT NULL REFERENCES indicators(code),
    value          REAL NOT NULL,
    synthetic      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (base_id, period, indicator_code)
) WITHOUT ROWID;
CREATE INDEX monthly_values_period ON monthly_values(period, indicator_code);

CREATE TABLE incidents (
    id          INTEGER PRIMARY KEY,
    base_id     INTEGER NOT NULL REFERENCES bases(id),
    kind        TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    description TEXT NOT NULL,
    synthetic   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX incidents_base ON incidents(base_id, occurred_on);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('ministry', 'province', 'base', 'evaluator')),
    province_code TEXT REFERENCES provinces(code),
    base_id       INTEGER REFERENCES bases(id),
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_attempts (
    id           INTEGER PRIMARY KEY,
    attempt_key  TEXT NOT NULL,
    succeeded    INTEGER NOT NULL,
    attempted_at TEXT NOT NULL
);
CREATE INDEX login_attempts_key ON login_attempts(attempt_key, attempted_at);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    user_id   INTEGER REFERENCES users(id),
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
