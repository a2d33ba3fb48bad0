//! Test support for jidi's crates, used only as a dev-dependency: a fresh database per test on
//! either backend ([`TestDb`]), and [`backend_tests!`], which runs a test function once per
//! backend.
//!
//! SQLite needs nothing and always runs. PostgreSQL needs a server: its variant of every test is
//! `#[ignore]`d with the reason, so that `cargo test` reports it as ignored (never as passed) on a
//! machine without one, and `cargo test -- --include-ignored` (what CI runs) requires
//! `JIDI_TEST_DATABASE_URL` and fails loudly without it.
#![deny(missing_docs)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use jidi_store::Store;
use sqlx::{AssertSqlSafe, Connection, PgConnection, SqliteConnection};

/// The reason every PostgreSQL variant is ignored by default.
pub const NEEDS_POSTGRES: &str =
    "needs PostgreSQL: set JIDI_TEST_DATABASE_URL and run with --include-ignored";

/// Declares, for each named `async fn name(db: TestDb)`, the tests `name::sqlite` (always run)
/// and `name::postgres` (ignored unless `--include-ignored`, and then requiring
/// `JIDI_TEST_DATABASE_URL`). The function stays a plain function that rustfmt formats.
///
/// ```ignore
/// async fn bases_are_listed(db: TestDb) {
///     assert!(db.store.is_empty().await.unwrap());
///     db.finish().await;
/// }
/// backend_tests!(bases_are_listed);
/// ```
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name($crate::TestDb::sqlite().await).await
            }

            #[tokio::test]
            #[ignore = "needs PostgreSQL: set JIDI_TEST_DATABASE_URL and run with --include-ignored"]
            async fn postgres() {
                super::$name($crate::TestDb::postgres().await).await
            }
        }
    )*};
}

/// A database that exists for one test.
pub struct TestDb {
    /// Which backend, for messages.
    pub label: &'static str,
    /// The migrated store.
    pub store: Store,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(tempfile::TempDir),
    Postgres {
        admin_url: String,
        name: String,
        url: String,
    },
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl TestDb {
    /// A migrated SQLite store in a temporary directory.
    pub async fn sqlite() -> TestDb {
        TestDb::sqlite_at(None).await
    }

    /// A SQLite store migrated up to `version` only (all when `None`), for upgrade tests.
    pub async fn sqlite_at(version: Option<i64>) -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let store = Store::open_sqlite(dir.path()).await.expect("open SQLite");
        store.migrate_to(version).await.expect("migrate SQLite");
        TestDb {
            label: "sqlite",
            store,
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    /// A migrated store in a new PostgreSQL database. Panics without `JIDI_TEST_DATABASE_URL`:
    /// a test that asked for PostgreSQL must not pass without it.
    pub async fn postgres() -> TestDb {
        TestDb::postgres_at(None).await
    }

    /// As [`TestDb::postgres`], migrated up to `version` only (all when `None`).
    pub async fn postgres_at(version: Option<i64>) -> TestDb {
        let admin_url = std::env::var("JIDI_TEST_DATABASE_URL").unwrap_or_else(|_| {
            panic!("this test {NEEDS_POSTGRES}");
        });
        let name = format!(
            "jidi_test_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let mut admin = PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("connect to {admin_url}: {e}"));
        sqlx::query(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}")))
            .execute(&mut admin)
            .await
            .expect("drop old test database");
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create test database");
        admin.close().await.ok();
        let url = with_database(&admin_url, &name);
        let store = Store::open_postgres(&url).await.expect("open PostgreSQL");
        store.migrate_to(version).await.expect("migrate PostgreSQL");
        TestDb {
            label: "postgres",
            store,
            cleanup: Cleanup::Postgres {
                admin_url,
                name,
                url,
            },
        }
    }

    /// Runs a SQL script on the test database over a connection of its own (to build states that
    /// older code left behind, or to tamper with stored data).
    pub async fn execute(&self, sql: &str) {
        if let Err(e) = self.try_execute(sql).await {
            panic!("test script: {e}");
        }
    }

    /// Like [`TestDb::execute`], returning the database's refusal as text (to show that the
    /// database itself refuses a statement, whoever sends it).
    pub async fn try_execute(&self, sql: &str) -> Result<(), String> {
        let script = AssertSqlSafe(sql.to_string());
        let result = match &self.cleanup {
            Cleanup::Sqlite(_) => {
                let mut conn = SqliteConnection::connect(&self.url())
                    .await
                    .expect("connect SQLite");
                let r = sqlx::raw_sql(script).execute(&mut conn).await.map(|_| ());
                conn.close().await.ok();
                r
            }
            Cleanup::Postgres { url, .. } => {
                let mut conn = PgConnection::connect(url)
                    .await
                    .expect("connect PostgreSQL");
                let r = sqlx::raw_sql(script).execute(&mut conn).await.map(|_| ());
                conn.close().await.ok();
                r
            }
        };
        result.map_err(|e| e.to_string())
    }

    /// A URL that sqlx connects to (`sqlite://…/jidi.sqlite` or the PostgreSQL URL), for tests
    /// that write behind the store's back with bound values.
    pub fn url(&self) -> String {
        match &self.cleanup {
            Cleanup::Sqlite(dir) => {
                format!("sqlite://{}", dir.path().join("jidi.sqlite").display())
            }
            Cleanup::Postgres { url, .. } => url.clone(),
        }
    }

    /// The data directory of a SQLite test database.
    pub fn sqlite_dir(&self) -> Option<PathBuf> {
        match &self.cleanup {
            Cleanup::Sqlite(dir) => Some(dir.path().to_path_buf()),
            Cleanup::Postgres { .. } => None,
        }
    }

    /// The `--database-url` to reach this database from a child process (PostgreSQL only).
    pub fn database_url(&self) -> Option<&str> {
        match &self.cleanup {
            Cleanup::Postgres { url, .. } => Some(url),
            Cleanup::Sqlite(_) => None,
        }
    }

    /// Closes the store and drops the database.
    pub async fn finish(self) {
        self.store.close().await;
        if let Cleanup::Postgres {
            admin_url, name, ..
        } = self.cleanup
            && let Ok(mut admin) = PgConnection::connect(&admin_url).await
        {
            let _ = sqlx::query(AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut admin)
            .await;
        }
    }
}

/// Replaces the database name of a PostgreSQL URL, keeping the query string (e.g. `host=`).
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map(|i| scheme_end + i);
    let mut out = match path_start {
        Some(i) => format!("{}/{name}", &base[..i]),
        None => format!("{base}/{name}"),
    };
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_names_are_replaced() {
        assert_eq!(
            super::with_database("postgres:///postgres?host=/var/run/postgresql", "x"),
            "postgres:///x?host=/var/run/postgresql"
        );
        assert_eq!(
            super::with_database("postgres://u:p@h:5432/db", "x"),
            "postgres://u:p@h:5432/x"
        );
    }
}
