-- Published editions of the annual development report. An edition is frozen when published: the
-- generated HTML and DOCX, the sidecar of their figures, and optionally the final DOCX or PDF the
-- programme office edited and uploaded, each with its SHA-256. Editions of a year are numbered
-- 1, 2, …; earlier editions and years are kept. Keep in step with ../postgres/0010_report_editions.sql.

CREATE TABLE report_editions (
    id            INTEGER PRIMARY KEY,
    year          INTEGER NOT NULL,
    edition       INTEGER NOT NULL,
    lang          TEXT NOT NULL CHECK (lang IN ('zh', 'en')),
    html          BLOB NOT NULL,
    html_sha256   TEXT NOT NULL,
    docx          BLOB NOT NULL,
    docx_sha256   TEXT NOT NULL,
    figures       TEXT NOT NULL,
    final_format  TEXT CHECK (final_format IN ('docx', 'pdf')),
    final_file    BLOB,
    final_sha256  TEXT,
    final_name    TEXT,
    synthetic     INTEGER NOT NULL DEFAULT 0,
    published_by  INTEGER REFERENCES users(id),
    published_at  TEXT NOT NULL,
    UNIQUE (year, edition)
);
CREATE INDEX report_editions_year ON report_editions(year, edition);
