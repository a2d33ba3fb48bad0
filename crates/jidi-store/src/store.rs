//! The connection pool over either backend, and the migrations.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

use crate::error::{Result, StoreError};

#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the concrete pool of either backend. The body is compiled
/// once per backend, so every statement in it is checked against both drivers' type rules.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite($pool) => $body,
            $crate::store::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Which database a store talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// A connection pool to jidi's database.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: Pool,
    /// The newest catalogue version read, parsed: versions are append-only (a trigger refuses
    /// UPDATE and DELETE), so a version number names its content for good, and every form check
    /// and import reads the current one.
    pub(crate) catalogue_cache: crate::catalogue::CatalogueCache,
}

impl Store {
    /// Opens (creating if needed) the SQLite database `jidi.sqlite` in `data_dir`: WAL journal,
    /// foreign keys on, a busy timeout so that writers wait instead of failing.
    pub async fn open_sqlite(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            StoreError::Invalid(format!(
                "cannot create data directory {}: {e}",
                data_dir.display()
            ))
        })?;
        let path = data_dir.join("jidi.sqlite");
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // Rows travel from SQLite's worker thread one message at a time; a buffer larger than
            // a page of results lets the worker finish without waiting for the reader, which
            // halves the thread switches per query under load.
            .row_buffer_size(1024)
            .pragma("cache_size", "-32000")
            .pragma("temp_store", "memory");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            // sqlx pings a connection before lending it out, one more round trip to SQLite's
            // worker thread per query; a connection to a local file cannot have gone away.
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        Ok(Store {
            pool: Pool::Sqlite(pool),
            catalogue_cache: Default::default(),
        })
    }

    /// Connects to PostgreSQL.
    pub async fn open_postgres(url: &str) -> Result<Store> {
        let mut options = PgConnectOptions::from_str(url)?;
        // Like psql and libpq, a URL without a user (`postgres:///jidi?host=/var/run/postgresql`)
        // connects as the operating-system user, which peer authentication over the local socket
        // expects. sqlx would otherwise ask the environment, which may not name the user.
        if !url_names_user(url)
            && std::env::var_os("PGUSER").is_none()
            && let Some(user) = os_user()
        {
            options = options.username(&user);
        }
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Store {
            pool: Pool::Postgres(pool),
            catalogue_cache: Default::default(),
        })
    }

    /// Opens PostgreSQL when `database_url` is given, else SQLite under `data_dir`.
    pub async fn open(data_dir: &Path, database_url: Option<&str>) -> Result<Store> {
        match database_url {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Store::open_postgres(url).await
            }
            Some(url) if url.starts_with("sqlite:") => {
                let path = url
                    .trim_start_matches("sqlite://")
                    .trim_start_matches("sqlite:");
                let dir = Path::new(path).parent().unwrap_or(Path::new("."));
                Store::open_sqlite(dir).await
            }
            Some(url) => Err(StoreError::Invalid(format!(
                "unsupported database URL {url:?}: use postgres://… (or omit it for SQLite)"
            ))),
            None => Store::open_sqlite(data_dir).await,
        }
    }

    /// The backend of this store.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies pending migrations and (re)loads the shipped reference data.
    pub async fn migrate(&self) -> Result<()> {
        self.migrate_to(None).await
    }

    /// Applies migrations up to `version` (all when `None`); upgrade tests stop early to build
    /// the state an older release left behind.
    pub async fn migrate_to(&self, version: Option<i64>) -> Result<()> {
        let migrator = migrator(self.backend());
        match version {
            None => on_pool!(self, pool => migrator.run(pool).await)?,
            Some(v) => on_pool!(self, pool => migrator.run_to(v, pool).await)?,
        }
        self.sync_reference_data().await?;
        if version.is_none_or(|v| v >= 15) {
            self.backfill_name_keys().await?;
        }
        Ok(())
    }

    /// Versions of the migrations applied, oldest first.
    pub async fn applied_migrations(&self) -> Result<Vec<i64>> {
        let rows: Vec<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
                .fetch_all(pool)
                .await?
        });
        Ok(rows)
    }

    /// Drops every table of a PostgreSQL database's `public` schema (`jidi demo --reset`).
    pub async fn reset_postgres_schema(&self) -> Result<()> {
        match &self.pool {
            Pool::Postgres(pool) => {
                sqlx::query("DROP SCHEMA public CASCADE")
                    .execute(pool)
                    .await?;
                sqlx::query("CREATE SCHEMA public").execute(pool).await?;
                Ok(())
            }
            Pool::Sqlite(_) => Err(StoreError::Invalid(
                "reset_postgres_schema is for PostgreSQL; delete the SQLite file instead".into(),
            )),
        }
    }

    /// Refreshes the query planner's statistics. SQLite plans without them by guesswork (for
    /// example sorting the roll instead of reading it in name order from its index); a bounded
    /// `ANALYZE` after bulk writes costs milliseconds.
    pub async fn optimize(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(pool) => {
                sqlx::raw_sql("PRAGMA analysis_limit = 1000; ANALYZE; PRAGMA optimize;")
                    .execute(pool)
                    .await?;
            }
            Pool::Postgres(pool) => {
                sqlx::raw_sql("ANALYZE").execute(pool).await?;
            }
        }
        Ok(())
    }

    /// Succeeds when the database answers a query on a migrated table: a connection can be had
    /// and the schema is there. Reads at most one row, whatever the roll's size.
    pub async fn check_ready(&self) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("SELECT 1 FROM bases LIMIT 1").fetch_optional(pool).await?;
        });
        Ok(())
    }

    /// Closes the pool.
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}

const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "roll accounts",
        include_str!("../migrations/sqlite/0001_roll_accounts.sql"),
    ),
    (
        2,
        "evaluation",
        include_str!("../migrations/sqlite/0002_evaluation.sql"),
    ),
    (
        3,
        "read paths",
        include_str!("../migrations/sqlite/0003_read_paths.sql"),
    ),
    (
        4,
        "national score",
        include_str!("../migrations/sqlite/0004_national_score.sql"),
    ),
    (
        5,
        "collection",
        include_str!("../migrations/sqlite/0005_collection.sql"),
    ),
    (
        6,
        "submissions",
        include_str!("../migrations/sqlite/0006_submissions.sql"),
    ),
    (
        7,
        "reporting tasks",
        include_str!("../migrations/sqlite/0007_reporting_tasks.sql"),
    ),
    (
        8,
        "busy indexes",
        include_str!("../migrations/sqlite/0008_busy_indexes.sql"),
    ),
    (
        9,
        "monitoring",
        include_str!("../migrations/sqlite/0009_monitoring.sql"),
    ),
    (
        10,
        "report editions",
        include_str!("../migrations/sqlite/0010_report_editions.sql"),
    ),
    (
        12,
        "generated fields",
        include_str!("../migrations/sqlite/0012_generated_fields.sql"),
    ),
    (
        13,
        "managed catalogue",
        include_str!("../migrations/sqlite/0013_managed_catalogue.sql"),
    ),
    (
        14,
        "warning rules",
        include_str!("../migrations/sqlite/0014_warning_rules.sql"),
    ),
    (
        15,
        "name sort key",
        include_str!("../migrations/sqlite/0015_name_sort_key.sql"),
    ),
    (
        16,
        "monitoring reads",
        include_str!("../migrations/sqlite/0016_monitoring_reads.sql"),
    ),
    (
        17,
        "data generation",
        include_str!("../migrations/sqlite/0017_data_generation.sql"),
    ),
];

const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "roll accounts",
        include_str!("../migrations/postgres/0001_roll_accounts.sql"),
    ),
    (
        2,
        "evaluation",
        include_str!("../migrations/postgres/0002_evaluation.sql"),
    ),
    (
        3,
        "read paths",
        include_str!("../migrations/postgres/0003_read_paths.sql"),
    ),
    (
        4,
        "national score",
        include_str!("../migrations/postgres/0004_national_score.sql"),
    ),
    (
        5,
        "collection",
        include_str!("../migrations/postgres/0005_collection.sql"),
    ),
    (
        6,
        "submissions",
        include_str!("../migrations/postgres/0006_submissions.sql"),
    ),
    (
        7,
        "reporting tasks",
        include_str!("../migrations/postgres/0007_reporting_tasks.sql"),
    ),
    (
        8,
        "busy indexes",
        include_str!("../migrations/postgres/0008_busy_indexes.sql"),
    ),
    (
        9,
        "monitoring",
        include_str!("../migrations/postgres/0009_monitoring.sql"),
    ),
    (
        10,
        "report editions",
        include_str!("../migrations/postgres/0010_report_editions.sql"),
    ),
    (
        12,
        "generated fields",
        include_str!("../migrations/postgres/0012_generated_fields.sql"),
    ),
    (
        13,
        "managed catalogue",
        include_str!("../migrations/postgres/0013_managed_catalogue.sql"),
    ),
    (
        14,
        "warning rules",
        include_str!("../migrations/postgres/0014_warning_rules.sql"),
    ),
    (
        15,
        "name sort key",
        include_str!("../migrations/postgres/0015_name_sort_key.sql"),
    ),
    (
        16,
        "monitoring reads",
        include_str!("../migrations/postgres/0016_monitoring_reads.sql"),
    ),
    (
        17,
        "data generation",
        include_str!("../migrations/postgres/0017_data_generation.sql"),
    ),
];

/// Whether a PostgreSQL URL names its user (`postgres://user@…`).
fn url_names_user(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    authority.contains('@')
}

/// The name of the user this process runs as: the owner of `/proc/self` looked up in
/// `/etc/passwd` (no C call needed; `None` elsewhere, where sqlx's own default applies).
fn os_user() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    std::fs::read_to_string("/etc/passwd")
        .ok()?
        .lines()
        .find_map(|line| {
            let mut fields = line.split(':');
            let name = fields.next()?;
            let id: u32 = fields.nth(1)?.parse().ok()?;
            (id == uid).then(|| name.to_string())
        })
}

/// The migrations of a backend, embedded in the binary (no files are read at run time).
fn migrator(backend: Backend) -> Migrator {
    let list = match backend {
        Backend::Sqlite => SQLITE_MIGRATIONS,
        Backend::Postgres => POSTGRES_MIGRATIONS,
    };
    Migrator::with_migrations(
        list.iter()
            .map(|(version, description, sql)| {
                Migration::new(
                    *version,
                    (*description).into(),
                    MigrationType::Simple,
                    sqlx::SqlSafeStr::into_sql_str(*sql),
                    false,
                )
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_have_the_same_migration_versions() {
        let a: Vec<i64> = SQLITE_MIGRATIONS.iter().map(|m| m.0).collect();
        let b: Vec<i64> = POSTGRES_MIGRATIONS.iter().map(|m| m.0).collect();
        assert_eq!(a, b);
    }

    #[test]
    fn urls_with_and_without_a_user() {
        assert!(url_names_user("postgres://jidi:pw@localhost/jidi"));
        assert!(url_names_user(
            "postgres://root@/jidi?host=/var/run/postgresql"
        ));
        assert!(!url_names_user("postgres:///jidi?host=/var/run/postgresql"));
        assert!(!url_names_user("postgres://localhost/jidi?user=x@y"));
    }

    /// The migrations are listed by hand so that the binary embeds them; a file added to a folder
    /// but not to the list would be silently skipped, so the list is checked against the folders.
    #[test]
    fn every_migration_file_is_embedded() {
        for (folder, list) in [
            ("sqlite", SQLITE_MIGRATIONS),
            ("postgres", POSTGRES_MIGRATIONS),
        ] {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("migrations")
                .join(folder);
            let mut files: Vec<(i64, String)> = std::fs::read_dir(&dir)
                .expect("migrations folder")
                .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .filter(|name| name.ends_with(".sql"))
                .map(|name| {
                    let version = name
                        .split('_')
                        .next()
                        .and_then(|v| v.parse().ok())
                        .unwrap_or_else(|| panic!("{folder}/{name}: no version prefix"));
                    (version, name)
                })
                .collect();
            files.sort();
            let embedded: Vec<i64> = list.iter().map(|m| m.0).collect();
            let on_disk: Vec<i64> = files.iter().map(|f| f.0).collect();
            assert_eq!(embedded, on_disk, "{folder}: {files:?}");
            for ((_, name), (_, _, sql)) in files.iter().zip(list) {
                let text = std::fs::read_to_string(dir.join(name)).expect("migration file");
                assert_eq!(&text, sql, "{folder}/{name} is the embedded text");
            }
        }
    }

    #[test]
    fn both_backends_create_the_same_tables_and_columns() {
        fn shape(sql: &str) -> Vec<String> {
            let mut out = Vec::new();
            let mut table = String::new();
            for line in sql.lines() {
                let l = line.trim();
                // Triggers and functions are written in each dialect and differ by design (one
                // PostgreSQL trigger for UPDATE and DELETE, two in SQLite); a test exercises them
                // on both backends.
                if l.starts_with("CREATE TRIGGER")
                    || l.starts_with("CREATE FUNCTION")
                    || (l.starts_with(')') && l.ends_with(';'))
                {
                    table.clear();
                }
                if let Some(rest) = l
                    .strip_prefix("ALTER TABLE ")
                    .and_then(|r| r.split_once(" ADD COLUMN "))
                {
                    out.push(format!(
                        "{}.{}",
                        rest.0,
                        rest.1.split_whitespace().next().unwrap_or("")
                    ));
                    continue;
                }
                if let Some(rest) = l.strip_prefix("CREATE TABLE ") {
                    table = rest.trim_end_matches(" (").to_string();
                    out.push(format!("table {table}"));
                } else if l.starts_with("CREATE INDEX") || l.starts_with("CREATE UNIQUE INDEX") {
                    out.push(l.split(" ON ").next().unwrap_or(l).to_string());
                } else if !table.is_empty()
                    && !l.is_empty()
                    && !l.starts_with("--")
                    && !l.starts_with(')')
                    && !l.starts_with("PRIMARY KEY")
                    && !l.starts_with("UNIQUE")
                {
                    out.push(format!(
                        "{table}.{}",
                        l.split_whitespace().next().unwrap_or("")
                    ));
                }
            }
            // A SQLite table rebuild (the only way there to change a key or drop a constraint:
            // create `t_new`, copy, drop `t`, rename `t_new` to `t`) recreates columns that
            // PostgreSQL alters in place; the rebuilt table's content is checked by the upgrade
            // tests in tests/store.rs.
            let rebuilt: Vec<&str> = sql
                .lines()
                .filter_map(|l| l.trim().strip_prefix("ALTER TABLE "))
                .filter_map(|r| r.split_once(" RENAME TO ").map(|(from, _)| from))
                .collect();
            out.retain(|entry| {
                !rebuilt
                    .iter()
                    .any(|t| entry == &format!("table {t}") || entry.starts_with(&format!("{t}.")))
            });
            out
        }
        for (s, p) in SQLITE_MIGRATIONS.iter().zip(POSTGRES_MIGRATIONS) {
            assert_eq!(shape(s.2), shape(p.2), "migration {}", s.0);
        }
    }
}
