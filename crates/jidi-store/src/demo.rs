//! Bulk loading of the demo programme: one transaction, multi-row statements.

use chrono::Utc;
use jidi_domain::bulk::ProgrammeData;
use sqlx::{AssertSqlSafe, PgConnection, SqliteConnection};

use crate::accounts::NewUser;
use crate::error::{Result, StoreError};
use crate::roll::{INSERT_AUDIT, base_params};
use crate::row::{Param, bind_params, value_rows};
use crate::store::{Backend, Store, on_pool};

/// Parameters per multi-row statement. Small statements of one fixed shape are reused from the
/// statement cache; very wide ones (tens of thousands of parameters) cost SQLite seconds each.
const MAX_PARAMS: usize = 960;

/// Builds `INSERT INTO table (cols) VALUES (…), (…)` for `rows` rows of `width` parameters.
fn multi_insert(backend: Backend, table: &str, columns: &str, width: usize, rows: usize) -> String {
    format!(
        "INSERT INTO {table} ({columns}) VALUES {}",
        value_rows(backend, rows, width)
    )
}

/// The fact tables of the demo (`annual_values`, `monthly_values`), with the column that holds
/// their period.
const FACT_TABLES: [(&str, &str); 2] = [("annual_values", "year"), ("monthly_values", "period")];

/// The demo's annual and monthly values: 700,000 rows at scale 1, the bulk of the load. The one
/// step that differs by backend.
trait LoadFacts {
    async fn load_facts(&mut self, data: &ProgrammeData, base_ids: &[i64]) -> Result<()>;
}

/// Each `(table, period column, indicator code, rows)` of the demo's values.
fn fact_series(
    data: &ProgrammeData,
) -> impl Iterator<Item = (&'static str, &'static str, &str, &[(usize, i32, f64)])> {
    let [(annual, year), (monthly, period)] = FACT_TABLES;
    data.annual
        .iter()
        .map(move |(c, s)| (annual, year, *c, s.as_slice()))
        .chain(
            data.monthly
                .iter()
                .map(move |(c, s)| (monthly, period, *c, s.as_slice())),
        )
}

impl LoadFacts for SqliteConnection {
    async fn load_facts(&mut self, data: &ProgrammeData, base_ids: &[i64]) -> Result<()> {
        for (table, period, code, values) in fact_series(data) {
            let rows_per = MAX_PARAMS / 4;
            for chunk in values.chunks(rows_per) {
                // The indicator code is the same for the whole chunk: one literal-free
                // placeholder keeps the statement small.
                let mut sql = format!(
                    "INSERT INTO {table} (base_id, {period}, indicator_code, value, synthetic) VALUES "
                );
                let mut params: Vec<Param> = Vec::with_capacity(chunk.len() * 3 + 2);
                params.push(Param::Text(code.to_string()));
                params.push(Param::Bool(true));
                let mut n = 3;
                for (k, (b, p, v)) in chunk.iter().enumerate() {
                    if k > 0 {
                        sql.push_str(", ");
                    }
                    sql.push_str(&format!("(${}, ${}, $1, ${}, $2)", n, n + 1, n + 2));
                    n += 3;
                    params.push(Param::Int(base_ids[*b]));
                    params.push(Param::Int32(*p));
                    params.push(Param::Float(*v));
                }
                bind_params!(sqlx::query(AssertSqlSafe(sql)), &params)
                    .execute(&mut *self)
                    .await?;
            }
        }
        Ok(())
    }
}

impl LoadFacts for PgConnection {
    /// `COPY` instead of multi-row `INSERT`s (no parameters to bind), with the tables' two
    /// foreign keys dropped for the load and added again after it in the same transaction:
    /// PostgreSQL checks a foreign key row by row with a query of its own, 1.4 million of them
    /// at scale 1, while adding the constraint to a full table checks every row with one join.
    /// The database is empty (the load refuses otherwise), and a failed check rolls everything
    /// back, constraints included.
    async fn load_facts(&mut self, data: &ProgrammeData, base_ids: &[i64]) -> Result<()> {
        use std::fmt::Write;
        // The roll's rows just written have their data-generation triggers pending (deferred to
        // commit, migration 17), and PostgreSQL refuses to add a foreign key to `bases` while
        // any are: fire them now.
        sqlx::query("SET CONSTRAINTS ALL IMMEDIATE")
            .execute(&mut *self)
            .await?;
        for (table, _) in FACT_TABLES {
            sqlx::query(AssertSqlSafe(format!(
                "ALTER TABLE {table} DROP CONSTRAINT {table}_base_id_fkey, \
                 DROP CONSTRAINT {table}_indicator_code_fkey"
            )))
            .execute(&mut *self)
            .await?;
        }
        for (table, period) in FACT_TABLES {
            let mut copy = self
                .copy_in_raw(&format!(
                    "COPY {table} (base_id, {period}, indicator_code, value, synthetic) FROM STDIN (FORMAT text)"
                ))
                .await?;
            let mut buf = String::with_capacity(256 * 1024);
            for (t, _, code, values) in fact_series(data) {
                if t != table {
                    continue;
                }
                // Indicator codes are the catalogue's (ASCII letters, digits, `_`): nothing to
                // escape in COPY's text format.
                debug_assert!(code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
                for (b, p, v) in values {
                    let _ = writeln!(buf, "{}\t{p}\t{code}\t{v}\tt", base_ids[*b]);
                    if buf.len() >= 240 * 1024 {
                        if let Err(e) = copy.send(buf.as_bytes()).await {
                            let _ = copy.abort("demo values not sent").await;
                            return Err(e.into());
                        }
                        buf.clear();
                    }
                }
            }
            if let Err(e) = copy.send(buf.as_bytes()).await {
                let _ = copy.abort("demo values not sent").await;
                return Err(e.into());
            }
            copy.finish().await?;
        }
        for (table, _) in FACT_TABLES {
            sqlx::query(AssertSqlSafe(format!(
                "ALTER TABLE {table} \
                 ADD CONSTRAINT {table}_base_id_fkey FOREIGN KEY (base_id) REFERENCES bases(id), \
                 ADD CONSTRAINT {table}_indicator_code_fkey FOREIGN KEY (indicator_code) REFERENCES indicators(code)"
            )))
            .execute(&mut *self)
            .await?;
        }
        Ok(())
    }
}

/// What was loaded.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoSummary {
    /// Ids of the bases, in the order of [`ProgrammeData::bases`].
    pub base_ids: Vec<i64>,
    /// Annual values stored.
    pub annual: usize,
    /// Monthly values stored.
    pub monthly: usize,
    /// Users created.
    pub users: usize,
}

impl Store {
    /// Loads the demo into an empty database, all or nothing. `users` receives the base ids and
    /// returns the demo accounts to create.
    pub async fn load_demo(
        &self,
        data: &ProgrammeData,
        users: impl FnOnce(&[i64]) -> Vec<NewUser>,
    ) -> Result<DemoSummary> {
        if !self.is_empty().await? {
            return Err(StoreError::Conflict(
                "the database already holds bases; the demo loads only into an empty database"
                    .into(),
            ));
        }
        let now = Utc::now();
        let base_ids: Vec<i64> = (1..=data.bases.len() as i64).collect();
        let accounts = users(&base_ids);

        // Bases with explicit ids, so that values can refer to them without a round trip.
        let base_width = 25;
        let base_cols = "id, name, name_key, province_code, prefecture_code, region, category_code, subcategory_code, series, tier, batch, designated_year, designated_on, leading_industries, managing_body, area_km2, status, withdrawn_on, withdrawn_reason, synthetic, source, note, generated_fields, created_at, updated_at";
        let mut base_batches: Vec<(String, Vec<Param>)> = Vec::new();
        for (chunk_no, chunk) in data.bases.chunks(MAX_PARAMS / base_width).enumerate() {
            let mut params = Vec::with_capacity(chunk.len() * base_width);
            for (k, b) in chunk.iter().enumerate() {
                params.push(Param::Int(
                    (chunk_no * (MAX_PARAMS / base_width) + k + 1) as i64,
                ));
                params.extend(base_params(&b.draft));
                params.push(Param::Timestamp(now));
                params.push(Param::Timestamp(now));
            }
            base_batches.push((
                multi_insert(self.backend(), "bases", base_cols, base_width, chunk.len()),
                params,
            ));
        }

        let mut history: Vec<Param> = Vec::new();
        let mut n_history = 0;
        for (i, b) in data.bases.iter().enumerate() {
            for h in &b.history {
                history.extend([
                    Param::Int(base_ids[i]),
                    Param::OptText(h.from.map(|t| t.code().to_string())),
                    Param::OptText(h.to.map(|t| t.code().to_string())),
                    Param::Date(h.on),
                    Param::OptInt(None),
                    Param::Text(h.note.clone()),
                ]);
                n_history += 1;
            }
        }
        let mut incidents: Vec<Param> = Vec::new();
        for inc in &data.incidents {
            incidents.extend([
                Param::Int(base_ids[inc.base]),
                Param::Text(inc.kind.code().into()),
                Param::Date(inc.on),
                Param::Text(inc.description.clone()),
                Param::Bool(true),
            ]);
        }

        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for (sql, params) in &base_batches {
                bind_params!(sqlx::query(AssertSqlSafe(sql.clone())), params).execute(&mut *tx).await?;
            }
            for chunk in history.chunks((MAX_PARAMS / 6) * 6) {
                let sql = multi_insert(self.backend(), "tier_changes", "base_id, from_tier, to_tier, changed_on, proposal_id, note", 6, chunk.len() / 6);
                bind_params!(sqlx::query(AssertSqlSafe(sql)), chunk).execute(&mut *tx).await?;
            }
            for chunk in incidents.chunks((MAX_PARAMS / 5) * 5) {
                let sql = multi_insert(self.backend(), "incidents", "base_id, kind, occurred_on, description, synthetic", 5, chunk.len() / 5);
                bind_params!(sqlx::query(AssertSqlSafe(sql)), chunk).execute(&mut *tx).await?;
            }
            tx.load_facts(data, &base_ids).await?;
            for u in &accounts {
                sqlx::query("INSERT INTO users (username, display_name, password_hash, role, province_code, base_id, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                    .bind(&u.username).bind(&u.display_name).bind(&u.password_hash).bind(u.role.code())
                    .bind(&u.province_code).bind(u.base_id).bind(true).bind(now)
                    .execute(&mut *tx).await
                    .map_err(|e| StoreError::from_unique(e, format!("user {} already exists", u.username)))?;
            }
            sqlx::query(INSERT_AUDIT).bind(now).bind(None::<i64>).bind("load_demo").bind("database").bind("demo")
                .bind(serde_json::json!({"bases": data.bases.len(), "annual": data.n_annual(), "monthly": data.n_monthly(), "history": n_history}).to_string())
                .execute(&mut *tx).await?;
            sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .bind("demo").bind("synthetic demo data loaded").execute(&mut *tx).await?;
            tx.commit().await?;
        });
        if let crate::store::Pool::Postgres(pool) = &self.pool {
            // Explicit ids do not advance an identity sequence.
            sqlx::query(
                "SELECT setval(pg_get_serial_sequence('bases', 'id'), (SELECT MAX(id) FROM bases))",
            )
            .execute(pool)
            .await?;
        }
        Ok(DemoSummary {
            base_ids,
            annual: data.n_annual(),
            monthly: data.n_monthly(),
            users: accounts.len(),
        })
    }

    /// Whether the database holds the synthetic demo.
    pub async fn is_demo(&self) -> Result<bool> {
        on_pool!(self, pool => {
            let v: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind("demo").fetch_optional(pool).await?;
            Ok(v.is_some())
        })
    }
}
