//! Test databases for the integration tests of this crate and the web crate: a fresh SQLite file
//! always, and a fresh PostgreSQL database when `JIDI_TEST_DATABASE_URL` names a server (CI sets
//! it, and `JIDI_REQUIRE_POSTGRES=1` so that a missing server fails instead of skipping).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::{AssertSqlSafe, Connection, PgConnection};

use crate::store::Store;

/// A database that exists for one test.
pub struct TestDb {
    /// Which backend, for messages.
    pub label: &'static str,
    /// The migrated store.
    pub store: Store,
    /// The URL it was opened with (PostgreSQL) or its directory (SQLite).
    pub location: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
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
            location: dir.path().display().to_string(),
            store,
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    /// A migrated store in a new PostgreSQL database, when a server is configured.
    pub async fn postgres() -> Option<TestDb> {
        TestDb::postgres_at(None).await
    }

    /// As [`TestDb::postgres`], migrated up to `version` only (all when `None`).
    pub async fn postgres_at(version: Option<i64>) -> Option<TestDb> {
        let Ok(admin_url) = std::env::var("JIDI_TEST_DATABASE_URL") else {
            if std::env::var("JIDI_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                panic!("JIDI_REQUIRE_POSTGRES=1 but JIDI_TEST_DATABASE_URL is not set");
            }
            return None;
        };
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
        Some(TestDb {
            label: "postgres",
            location: url,
            store,
            cleanup: Cleanup::Postgres { admin_url, name },
        })
    }

    /// SQLite, and PostgreSQL when configured.
    pub async fn all() -> Vec<TestDb> {
        TestDb::all_at(None).await
    }

    /// Both backends migrated up to `version` only (all when `None`).
    pub async fn all_at(version: Option<i64>) -> Vec<TestDb> {
        let mut out = vec![TestDb::sqlite_at(version).await];
        if let Some(pg) = TestDb::postgres_at(version).await {
            out.push(pg);
        }
        out
    }

    /// Runs a SQL script on the test database (to build states older code left behind).
    pub async fn execute(&self, sql: &str) {
        crate::store::on_pool!(self.store, pool => {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string())).execute(pool).await.expect("test script");
        });
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
            Cleanup::Postgres { .. } => Some(&self.location),
            Cleanup::Sqlite(_) => None,
        }
    }

    /// Closes the store and drops the database.
    pub async fn finish(self) {
        self.store.close().await;
        if let Cleanup::Postgres { admin_url, name } = self.cleanup
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
