-- Reporting tasks (填报任务): a period, the indicators asked, the bases that must answer and a
-- deadline. Each base's answer is tracked in task_bases, updated in the same transaction as the
-- submission, acceptance or return that changes it, so completeness boards aggregate one small
-- table instead of scanning submissions.
CREATE TABLE reporting_tasks (
    id          INTEGER PRIMARY KEY,
    frequency   TEXT NOT NULL CHECK (frequency IN ('annual', 'monthly')),
    period      INTEGER NOT NULL,
    title       TEXT NOT NULL,
    deadline    TEXT NOT NULL,
    opened_at   TEXT NOT NULL,
    opened_by   INTEGER REFERENCES users(id),
    -- 'calendar' when the monthly calendar opened it, 'ministry' by hand, 'demo' for the demo.
    opened_via  TEXT NOT NULL,
    synthetic   BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (frequency, period)
);

CREATE TABLE task_indicators (
    task_id        INTEGER NOT NULL REFERENCES reporting_tasks(id),
    indicator_code TEXT NOT NULL REFERENCES indicators(code),
    PRIMARY KEY (task_id, indicator_code)
) WITHOUT ROWID;

CREATE TABLE task_bases (
    task_id       INTEGER NOT NULL REFERENCES reporting_tasks(id),
    base_id       INTEGER NOT NULL REFERENCES bases(id),
    province_code TEXT NOT NULL,
    category_code TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('not_reported', 'submitted', 'returned', 'accepted')),
    submission_id INTEGER REFERENCES value_submissions(id),
    submitted_at  TEXT,
    accepted_at   TEXT,
    reminders     INTEGER NOT NULL DEFAULT 0,
    reminded_at   TEXT,
    PRIMARY KEY (task_id, base_id)
) WITHOUT ROWID;
CREATE INDEX task_bases_province ON task_bases(task_id, province_code, status);
CREATE INDEX task_bases_base ON task_bases(base_id, task_id);

-- In-app reminders (催报) sent to late bases; the history stays.
CREATE TABLE task_reminders (
    id       INTEGER PRIMARY KEY,
    task_id  INTEGER NOT NULL REFERENCES reporting_tasks(id),
    base_id  INTEGER NOT NULL REFERENCES bases(id),
    at       TEXT NOT NULL,
    sent_by  INTEGER REFERENCES users(id),
    message  TEXT NOT NULL
);
CREATE INDEX task_reminders_base ON task_reminders(base_id, id);

-- A base's form saved as typed, before it is checked and submitted (one draft per base and period).
CREATE TABLE value_drafts (
    base_id        INTEGER NOT NULL REFERENCES bases(id),
    frequency      TEXT NOT NULL CHECK (frequency IN ('annual', 'monthly')),
    period         INTEGER NOT NULL,
    indicator_code TEXT NOT NULL REFERENCES indicators(code),
    typed          TEXT NOT NULL,
    unit           TEXT NOT NULL,
    explanation    TEXT NOT NULL,
    saved_by       INTEGER REFERENCES users(id),
    saved_at       TEXT NOT NULL,
    PRIMARY KEY (base_id, frequency, period, indicator_code)
) WITHOUT ROWID;

-- A reviewer's comment on one field of a returned submission.
CREATE TABLE submission_comments (
    submission_id  INTEGER NOT NULL REFERENCES value_submissions(id),
    indicator_code TEXT NOT NULL,
    period         INTEGER NOT NULL,
    comment        TEXT NOT NULL,
    PRIMARY KEY (submission_id, indicator_code, period)
) WITHOUT ROWID;
