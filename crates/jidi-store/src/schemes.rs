//! Evaluation schemes: versions per year, one default per year, locked once a published run uses
//! them.

use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;

use crate::error::{Result, StoreError};
use crate::roll::INSERT_AUDIT;
use crate::row::{Param, Row, bind_params};
use crate::store::{Store, on_pool};

/// A stored scheme.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemeRecord {
    /// Id.
    pub id: i64,
    /// Evaluation year.
    pub year: i32,
    /// Version within the year, from 1.
    pub version: i32,
    /// Name.
    pub name: String,
    /// Canonical JSON of the scheme.
    pub definition: String,
    /// SHA-256 of the definition.
    pub content_hash: String,
    /// The scheme it was copied from.
    pub based_on: Option<i64>,
    /// Whether it is the year's default.
    pub is_default: bool,
    /// Whether a published evaluation used it (it can then never be removed).
    pub locked: bool,
    /// Author.
    pub created_by: Option<i64>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

const SCHEME_COLUMNS: &str = "id, year, version, name, definition, content_hash, based_on, is_default, locked, created_by, created_at";

fn scheme_from_row(r: &impl Row) -> Result<SchemeRecord> {
    Ok(SchemeRecord {
        id: r.int("id")?,
        year: r.int32("year")?,
        version: r.int32("version")?,
        name: r.text("name")?,
        definition: r.text("definition")?,
        content_hash: r.text("content_hash")?,
        based_on: r.opt_int("based_on")?,
        is_default: r.boolean("is_default")?,
        locked: r.boolean("locked")?,
        created_by: r.opt_int("created_by")?,
        created_at: r.timestamp("created_at")?,
    })
}

impl Store {
    /// Stores a scheme as the next version of its year.
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_scheme(
        &self,
        year: i32,
        name: &str,
        definition: &str,
        content_hash: &str,
        based_on: Option<i64>,
        make_default: bool,
        actor: Option<i64>,
    ) -> Result<SchemeRecord> {
        let now = Utc::now();
        let id: i64 = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let version: i32 = sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) + 1 FROM schemes WHERE year = $1")
                .bind(year).fetch_one(&mut *tx).await?;
            if make_default {
                sqlx::query("UPDATE schemes SET is_default = $1 WHERE year = $2").bind(false).bind(year).execute(&mut *tx).await?;
            }
            let id: i64 = sqlx::query_scalar("INSERT INTO schemes (year, version, name, definition, content_hash, based_on, is_default, locked, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
                .bind(year).bind(version).bind(name).bind(definition).bind(content_hash).bind(based_on)
                .bind(make_default).bind(false).bind(actor).bind(now)
                .fetch_one(&mut *tx).await?;
            sqlx::query(INSERT_AUDIT).bind(now).bind(actor).bind("create").bind("scheme").bind(id.to_string())
                .bind(serde_json::json!({"year": year, "version": version, "hash": content_hash}).to_string())
                .execute(&mut *tx).await?;
            tx.commit().await?;
            id
        });
        self.scheme(id).await?.ok_or(StoreError::NotFound {
            entity: "scheme",
            key: id.to_string(),
        })
    }

    /// A scheme.
    pub async fn scheme(&self, id: i64) -> Result<Option<SchemeRecord>> {
        let sql = format!("SELECT {SCHEME_COLUMNS} FROM schemes WHERE id = $1");
        on_pool!(self, pool => {
            let row = sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?;
            row.as_ref().map(scheme_from_row).transpose()
        })
    }

    /// Schemes, newest year and version first (one year when given).
    pub async fn schemes(&self, year: Option<i32>) -> Result<Vec<SchemeRecord>> {
        let (filter, params) = match year {
            Some(y) => ("WHERE year = $1", vec![Param::Int32(y)]),
            None => ("", vec![]),
        };
        let sql = format!(
            "SELECT {SCHEME_COLUMNS} FROM schemes {filter} ORDER BY year DESC, version DESC"
        );
        on_pool!(self, pool => {
            let rows = bind_params!(sqlx::query(AssertSqlSafe(sql)), &params).fetch_all(pool).await?;
            rows.iter().map(scheme_from_row).collect()
        })
    }

    /// The default scheme of a year.
    pub async fn default_scheme(&self, year: i32) -> Result<Option<SchemeRecord>> {
        let sql = format!(
            "SELECT {SCHEME_COLUMNS} FROM schemes WHERE year = $1 AND is_default = $2 ORDER BY version DESC LIMIT 1"
        );
        on_pool!(self, pool => {
            let row = sqlx::query(AssertSqlSafe(sql)).bind(year).bind(true).fetch_optional(pool).await?;
            row.as_ref().map(scheme_from_row).transpose()
        })
    }

    /// Makes a scheme its year's default.
    pub async fn set_default_scheme(&self, id: i64, actor: Option<i64>) -> Result<()> {
        let s = self.scheme(id).await?.ok_or(StoreError::NotFound {
            entity: "scheme",
            key: id.to_string(),
        })?;
        let now = Utc::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE schemes SET is_default = (id = $1) WHERE year = $2").bind(id).bind(s.year).execute(&mut *tx).await?;
            sqlx::query(INSERT_AUDIT).bind(now).bind(actor).bind("set_default").bind("scheme").bind(id.to_string()).bind("{}")
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }
}
