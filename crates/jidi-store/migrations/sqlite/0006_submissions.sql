-- A base's upload waits for review: its values and explained warnings are kept apart from the
-- accepted values until its province (or the ministry) accepts or returns it.
CREATE TABLE value_submissions (
    id             INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    user_id        INTEGER REFERENCES users(id),
    base_id        INTEGER REFERENCES bases(id),
    province_code  TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('submitted', 'accepted', 'returned')),
    source         TEXT NOT NULL,
    file_name      TEXT NOT NULL DEFAULT '',
    file_sha256    TEXT NOT NULL DEFAULT '',
    rows_read      INTEGER NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    reviewed_by    INTEGER REFERENCES users(id),
    reviewed_at    TEXT,
    review_comment TEXT NOT NULL DEFAULT '',
    batch_id       INTEGER REFERENCES value_batches(id)
);
CREATE INDEX value_submissions_scope ON value_submissions(province_code, status, id);

CREATE TABLE submission_values (
    submission_id  INTEGER NOT NULL REFERENCES value_submissions(id),
    frequency      TEXT NOT NULL CHECK (frequency IN ('annual', 'monthly')),
    base_id        INTEGER NOT NULL REFERENCES bases(id),
    period         INTEGER NOT NULL,
    indicator_code TEXT NOT NULL REFERENCES indicators(code),
    value          REAL NOT NULL,
    reported_value REAL NOT NULL,
    reported_unit  TEXT NOT NULL,
    PRIMARY KEY (submission_id, frequency, base_id, period, indicator_code)
) WITHOUT ROWID;

-- Warnings of a submission with the reporter's explanations; copied to value_warnings with the
-- batch when it is accepted.
CREATE TABLE submission_warnings (
    submission_id  INTEGER NOT NULL REFERENCES value_submissions(id),
    frequency      TEXT NOT NULL,
    base_id        INTEGER NOT NULL REFERENCES bases(id),
    period         INTEGER NOT NULL,
    indicator_code TEXT NOT NULL,
    rule           TEXT NOT NULL,
    message        TEXT NOT NULL,
    explanation    TEXT NOT NULL
);
CREATE INDEX submission_warnings_submission ON submission_warnings(submission_id);
