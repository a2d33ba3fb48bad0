-- Development-quality evaluation and dynamic management: versioned schemes, evaluation runs with
-- their frozen inputs and results, and proposals with their decisions. Keep in step with
-- ../postgres/0002_evaluation.sql.

CREATE TABLE schemes (
    id           INTEGER PRIMARY KEY,
    year         INTEGER NOT NULL,
    version      INTEGER NOT NULL,
    name         TEXT NOT NULL,
    definition   TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    based_on     INTEGER REFERENCES schemes(id),
    is_default   INTEGER NOT NULL DEFAULT 0,
    locked       INTEGER NOT NULL DEFAULT 0,
    created_by   INTEGER REFERENCES users(id),
    created_at   TEXT NOT NULL,
    UNIQUE (year, version)
);

CREATE TABLE evaluation_runs (
    id           INTEGER PRIMARY KEY,
    year         INTEGER NOT NULL,
    scheme_id    INTEGER NOT NULL REFERENCES schemes(id),
    status       TEXT NOT NULL CHECK (status IN ('trial', 'published')),
    replications INTEGER NOT NULL,
    seed         INTEGER NOT NULL,
    inputs_hash  TEXT NOT NULL,
    results_hash TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    n_bases      INTEGER NOT NULL,
    synthetic    INTEGER NOT NULL DEFAULT 0,
    summary      TEXT NOT NULL DEFAULT '{}',
    created_by   INTEGER REFERENCES users(id),
    created_at   TEXT NOT NULL,
    published_by INTEGER REFERENCES users(id),
    published_at TEXT
);
CREATE UNIQUE INDEX evaluation_runs_one_published ON evaluation_runs(year) WHERE status = 'published';
CREATE INDEX evaluation_runs_year ON evaluation_runs(year, status);

CREATE TABLE evaluation_inputs (
    run_id         INTEGER NOT NULL REFERENCES evaluation_runs(id),
    base_id        INTEGER NOT NULL REFERENCES bases(id),
    indicator_code TEXT NOT NULL,
    value          REAL,
    PRIMARY KEY (run_id, base_id, indicator_code)
) WITHOUT ROWID;

CREATE TABLE evaluation_results (
    run_id             INTEGER NOT NULL REFERENCES evaluation_runs(id),
    base_id            INTEGER NOT NULL REFERENCES bases(id),
    category_code      TEXT NOT NULL,
    province_code      TEXT NOT NULL,
    score              REAL,
    national_rank      REAL,
    category_rank      REAL,
    stars              INTEGER,
    stars_before_veto  INTEGER,
    vetoed             INTEGER NOT NULL DEFAULT 0,
    veto_reason        TEXT,
    rank_median        REAL,
    rank_p05           REAL,
    rank_p95           REAL,
    category_rank_p05  REAL,
    category_rank_p95  REAL,
    star_probabilities TEXT,
    dimension_scores   TEXT NOT NULL DEFAULT '{}',
    contributions      TEXT NOT NULL DEFAULT '[]',
    details            TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (run_id, base_id)
) WITHOUT ROWID;
CREATE INDEX evaluation_results_base ON evaluation_results(base_id, run_id);

CREATE TABLE proposals (
    id              INTEGER PRIMARY KEY,
    base_id         INTEGER NOT NULL REFERENCES bases(id),
    run_id          INTEGER REFERENCES evaluation_runs(id),
    year            INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('promotion', 'warning', 'rectification', 'exit')),
    rule_code       TEXT NOT NULL,
    from_tier       TEXT NOT NULL,
    to_tier         TEXT,
    deadline        TEXT,
    reasons         TEXT NOT NULL DEFAULT '[]',
    status          TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    created_at      TEXT NOT NULL,
    decided_by      INTEGER REFERENCES users(id),
    decided_at      TEXT,
    decision_reason TEXT,
    UNIQUE (base_id, year, kind, rule_code)
);
CREATE INDEX proposals_status ON proposals(status, year);
CREATE INDEX proposals_base ON proposals(base_id, year);
