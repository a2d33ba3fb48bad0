//! Test support for jidi's crates, used only as a dev-dependency: a fresh database per test on
//! either backend ([`TestDb`]), and [`backend_tests!`], which runs a test function once per
//! backend.
//!
//! SQLite needs nothing and always runs. PostgreSQL needs a server: its variant of every test is
//! `#[ignore]`d with the reason, so that `cargo test` reports it as ignored (never as passed) on a
//! machine without one, and `cargo test -- --include-ignored` (what CI runs) requires
//! `JIDI_TEST_DATABASE_URL` and fails loudly without it.
#![deny(missing_docs)]

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

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

/// A database built once per process and content key (a demo load takes seconds in a debug
/// build, tens of seconds on PostgreSQL), copied for every test that asks for the same content.
enum Template {
    /// A closed SQLite data directory.
    Sqlite(PathBuf),
    /// A PostgreSQL database nobody is connected to.
    Postgres(String),
}

type TemplateCell = Arc<tokio::sync::OnceCell<Template>>;

/// One cell per (backend, key). Tokio's `OnceCell` lets the first test build while the others
/// wait, across the tests' separate runtimes; a build that panics leaves the cell empty, so the
/// next test builds again rather than copying half a database.
static TEMPLATES: LazyLock<Mutex<HashMap<(&'static str, String), TemplateCell>>> =
    LazyLock::new(Default::default);

/// Where SQLite templates live: one directory per test process, swept by later processes.
fn template_root() -> PathBuf {
    std::env::temp_dir().join("jidi-test-templates")
}

/// Removes SQLite template directories and PostgreSQL template databases left by test processes
/// that have ended (a process cannot clean up after its statics), so templates never pile up.
async fn sweep_templates(admin_url: Option<&str>) {
    let alive = |pid: &str| Path::new("/proc").join(pid).exists();
    if let Ok(entries) = std::fs::read_dir(template_root()) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let pid = name.split('-').next().unwrap_or_default();
            if !alive(pid) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    if let Some(url) = admin_url
        && let Ok(mut admin) = PgConnection::connect(url).await
    {
        let names: Vec<(String,)> =
            sqlx::query_as("SELECT datname FROM pg_database WHERE datname LIKE 'jidi\\_tpl\\_%'")
                .fetch_all(&mut admin)
                .await
                .unwrap_or_default();
        for (name,) in names {
            let pid = name.split('_').nth(2).unwrap_or_default();
            if !alive(pid) {
                let _ = sqlx::query(AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut admin)
                .await;
            }
        }
        admin.close().await.ok();
    }
}

impl TestDb {
    /// Replaces this fresh, fully migrated database with a copy of the content `build` writes
    /// into an empty migrated store. `build` runs once per test process for each `key` and
    /// backend; every later call copies its result (a file copy on SQLite, `CREATE DATABASE …
    /// TEMPLATE` on PostgreSQL), so tests that load the same demo do not each build it again.
    /// The key must name everything the content depends on (e.g. the demo options' `Debug`).
    pub async fn fill_from_template<F, Fut>(&mut self, key: &str, build: F)
    where
        F: FnOnce(Store) -> Fut,
        Fut: Future<Output = ()>,
    {
        let cell = TEMPLATES
            .lock()
            .expect("templates")
            .entry((self.label, key.to_string()))
            .or_default()
            .clone();
        let postgres = match &self.cleanup {
            Cleanup::Sqlite(_) => None,
            Cleanup::Postgres { admin_url, .. } => Some(admin_url.clone()),
        };
        let template = cell
            .get_or_init(|| async move {
                let n = COUNTER.fetch_add(1, Ordering::SeqCst);
                match postgres {
                    None => {
                        sweep_templates(None).await;
                        let dir = template_root().join(format!("{}-{n}", std::process::id()));
                        let _ = std::fs::remove_dir_all(&dir);
                        let store = Store::open_sqlite(&dir)
                            .await
                            .expect("open SQLite template");
                        store
                            .migrate_to(None)
                            .await
                            .expect("migrate SQLite template");
                        build(store.clone()).await;
                        store.close().await;
                        Template::Sqlite(dir)
                    }
                    Some(admin_url) => {
                        let admin_url = admin_url.as_str();
                        sweep_templates(Some(admin_url)).await;
                        let name = format!("jidi_tpl_{}_{n}", std::process::id());
                        let mut admin = PgConnection::connect(admin_url).await.expect("connect");
                        for sql in [
                            format!("DROP DATABASE IF EXISTS {name}"),
                            format!("CREATE DATABASE {name}"),
                        ] {
                            sqlx::query(AssertSqlSafe(sql))
                                .execute(&mut admin)
                                .await
                                .expect("create template database");
                        }
                        admin.close().await.ok();
                        let store = Store::open_postgres(&with_database(admin_url, &name))
                            .await
                            .expect("open PostgreSQL template");
                        store
                            .migrate_to(None)
                            .await
                            .expect("migrate PostgreSQL template");
                        build(store.clone()).await;
                        store.close().await;
                        Template::Postgres(name)
                    }
                }
            })
            .await;
        self.store.close().await;
        match (&self.cleanup, template) {
            (Cleanup::Sqlite(dir), Template::Sqlite(from)) => {
                for e in std::fs::read_dir(dir.path())
                    .expect("test directory")
                    .flatten()
                {
                    let _ = std::fs::remove_file(e.path());
                }
                copy_dir(from, dir.path());
                self.store = Store::open_sqlite(dir.path())
                    .await
                    .expect("open SQLite copy");
            }
            (
                Cleanup::Postgres {
                    admin_url,
                    name,
                    url,
                },
                Template::Postgres(from),
            ) => {
                let mut admin = PgConnection::connect(admin_url).await.expect("connect");
                sqlx::query(AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut admin)
                .await
                .expect("drop the empty test database");
                // PostgreSQL refuses to copy a template while another session is connected to it
                // (a copy in progress briefly counts): a few retries cover concurrent tests.
                let mut attempt = 0;
                loop {
                    let r = sqlx::query(AssertSqlSafe(format!(
                        "CREATE DATABASE {name} TEMPLATE {from}"
                    )))
                    .execute(&mut admin)
                    .await;
                    match r {
                        Ok(_) => break,
                        Err(e) if attempt < 50 && e.to_string().contains("being accessed") => {
                            attempt += 1;
                            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                        }
                        Err(e) => panic!("copy template {from}: {e}"),
                    }
                }
                admin.close().await.ok();
                self.store = Store::open_postgres(url)
                    .await
                    .expect("open PostgreSQL copy");
            }
            _ => unreachable!("a template is made on the backend that asked for it"),
        }
    }
}

/// Copies a directory tree (a SQLite data directory: the database file and whatever files the
/// store keeps beside it).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create directory");
    for e in std::fs::read_dir(from)
        .expect("template directory")
        .flatten()
    {
        let target = to.join(e.file_name());
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy template file");
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
