//! The managed indicator catalogue: numbered, append-only versions (each the whole catalogue as
//! canonical CSV) and the current version's rows in `indicators`, which the facts refer to.

use chrono::{DateTime, SubsecRound, Utc};
use jidi_collect::ManagedCatalogue;
use jidi_collect::managed::EntryChange;
use jidi_domain::engine::normalise::Direction;
use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};
use crate::roll::INSERT_AUDIT;
use crate::row::{Row, to_json};
use crate::store::{Store, on_pool};

/// One saved version of the catalogue, without its content.
#[derive(Clone, Debug, PartialEq)]
pub struct CatalogueVersion {
    /// 1, 2, …; version 1 is the shipped catalogue.
    pub version: i64,
    /// When it was saved.
    pub at: DateTime<Utc>,
    /// Who saved it (none: shipped, or the command line).
    pub user_id: Option<i64>,
    /// `shipped`, `cli`, `api` or `web`.
    pub source: String,
    /// The uploaded file's name, when it came as a file.
    pub file_name: String,
    /// Why.
    pub reason: String,
    /// SHA-256 of the canonical CSV, hex.
    pub sha256: String,
    /// Indicators in it.
    pub entries: i64,
    /// Indicators added or changed from the version before.
    pub changed: i64,
}

/// A version to save.
#[derive(Clone, Debug)]
pub struct NewCatalogueVersion<'a> {
    /// The catalogue.
    pub catalogue: &'a ManagedCatalogue,
    /// What changed from the current version (one audit entry each).
    pub changes: &'a [EntryChange],
    /// The version it was made from: saving fails with a conflict when another version was
    /// saved since (two officials editing at once).
    pub based_on: i64,
    /// `cli`, `api` or `web`.
    pub source: &'static str,
    /// The uploaded file's name, or empty.
    pub file_name: String,
    /// Why (required).
    pub reason: String,
}

const VERSION_COLUMNS: &str =
    "version, at, user_id, source, file_name, reason, sha256, entries, changed";

fn version_from_row(r: &impl Row) -> Result<CatalogueVersion> {
    Ok(CatalogueVersion {
        version: r.int("version")?,
        at: r.timestamp("at")?,
        user_id: r.opt_int("user_id")?,
        source: r.text("source")?,
        file_name: r.text("file_name")?,
        reason: r.text("reason")?,
        sha256: r.text("sha256")?,
        entries: r.int("entries")?,
        changed: r.int("changed")?,
    })
}

/// The newest parsed catalogue version a store has read (see `Store::catalogue_cache`).
#[derive(Clone, Debug, Default)]
pub(crate) struct CatalogueCache(
    std::sync::Arc<std::sync::Mutex<Option<(CatalogueVersion, ManagedCatalogue)>>>,
);

impl CatalogueCache {
    fn get(&self, version: i64) -> Option<(CatalogueVersion, ManagedCatalogue)> {
        let cached = self.0.lock().unwrap_or_else(|e| e.into_inner());
        cached
            .as_ref()
            .filter(|(v, _)| v.version == version)
            .cloned()
    }

    fn put(&self, version: &CatalogueVersion, catalogue: &ManagedCatalogue) {
        let mut cached = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if cached
            .as_ref()
            .is_none_or(|(v, _)| v.version < version.version)
        {
            *cached = Some((version.clone(), catalogue.clone()));
        }
    }
}

impl Store {
    /// The current catalogue and its version (an error on a database whose catalogue migration
    /// has not run: `jidi migrate` seeds version 1).
    pub async fn current_catalogue(&self) -> Result<(CatalogueVersion, ManagedCatalogue)> {
        let newest: Option<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT version FROM catalogue_versions ORDER BY version DESC LIMIT 1")
                .fetch_optional(pool).await?
        });
        let Some(newest) = newest else {
            return Err(StoreError::Invalid(
                "the catalogue has no version: run `jidi migrate`".into(),
            ));
        };
        if let Some(hit) = self.catalogue_cache.get(newest) {
            return Ok(hit);
        }
        let (version, catalogue) = self
            .catalogue_at(newest)
            .await?
            .ok_or_else(|| StoreError::Invalid(format!("catalogue version {newest} vanished")))?;
        self.catalogue_cache.put(&version, &catalogue);
        Ok((version, catalogue))
    }

    /// The catalogue as it was in `version`.
    pub async fn catalogue_at(
        &self,
        version: i64,
    ) -> Result<Option<(CatalogueVersion, ManagedCatalogue)>> {
        let row: Option<(CatalogueVersion, String)> = on_pool!(self, pool => {
            let r = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {VERSION_COLUMNS}, content FROM catalogue_versions WHERE version = $1")))
                .bind(version).fetch_optional(pool).await?;
            r.map(|r| Ok::<_, StoreError>((version_from_row(&r)?, r.text("content")?))).transpose()?
        });
        row.map(|(v, content)| Ok((v.clone(), parse_stored(&v, &content)?)))
            .transpose()
    }

    /// Every version, newest first, at most `limit`.
    pub async fn catalogue_versions(&self, limit: usize) -> Result<Vec<CatalogueVersion>> {
        on_pool!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {VERSION_COLUMNS} FROM catalogue_versions ORDER BY version DESC LIMIT $1")))
                .bind(limit.min(10_000) as i64).fetch_all(pool).await?;
            rows.iter().map(version_from_row).collect()
        })
    }

    /// Whether any value (accepted, or waiting for review) of `code` is stored: its unit,
    /// frequency and cumulation are then fixed.
    pub async fn indicator_has_values(&self, code: &str) -> Result<bool> {
        on_pool!(self, pool => {
            let n: i64 = sqlx::query_scalar(
                "SELECT CAST((CASE WHEN EXISTS (SELECT 1 FROM annual_values WHERE indicator_code = $1) \
                 OR EXISTS (SELECT 1 FROM monthly_values WHERE indicator_code = $1) \
                 OR EXISTS (SELECT 1 FROM value_revisions WHERE indicator_code = $1) \
                 OR EXISTS (SELECT 1 FROM submission_values WHERE indicator_code = $1) THEN 1 ELSE 0 END) AS BIGINT)")
                .bind(code).fetch_one(pool).await?;
            Ok(n == 1)
        })
    }

    /// Saves a new version: the version row, the current rows of `indicators` and an audit
    /// entry per changed indicator, in one transaction. Fails with a conflict when the current
    /// version is no longer `based_on`.
    pub async fn save_catalogue(
        &self,
        new: &NewCatalogueVersion<'_>,
        actor: Option<i64>,
    ) -> Result<CatalogueVersion> {
        let version = new.based_on + 1;
        let content = new.catalogue.to_csv();
        let record = CatalogueVersion {
            version,
            // As stored: PostgreSQL keeps microseconds.
            at: Utc::now().trunc_subsecs(6),
            user_id: actor,
            source: new.source.to_string(),
            file_name: new.file_name.clone(),
            reason: new.reason.clone(),
            sha256: hex::encode(Sha256::digest(content.as_bytes())),
            entries: new.catalogue.entries().len() as i64,
            changed: new.changes.len() as i64,
        };
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let current: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM catalogue_versions")
                .fetch_one(&mut *tx).await?;
            if current.unwrap_or(0) != new.based_on {
                return Err(StoreError::Conflict(format!(
                    "the catalogue changed meanwhile (version {} is current, the edit was made on version {}): reload and edit again",
                    current.unwrap_or(0), new.based_on
                )));
            }
            sqlx::query("INSERT INTO catalogue_versions (version, at, user_id, source, file_name, reason, content, sha256, entries, changed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                .bind(version).bind(record.at).bind(actor).bind(new.source).bind(&new.file_name)
                .bind(&new.reason).bind(&content).bind(&record.sha256)
                .bind(record.entries).bind(record.changed)
                .execute(&mut *tx).await
                // Two saves on the same version: the second one's number is taken.
                .map_err(|e| StoreError::from_unique(e, "the catalogue changed meanwhile: reload and edit again"))?;
            for (i, e) in new.catalogue.entries().iter().enumerate() {
                let s = &e.spec;
                sqlx::query("INSERT INTO indicators (code, name_zh, name_en, unit, frequency, cumulative, direction, dimension, formula, applies_to, sort_order, status, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, unit = excluded.unit, frequency = excluded.frequency, cumulative = excluded.cumulative, direction = excluded.direction, dimension = excluded.dimension, formula = excluded.formula, applies_to = excluded.applies_to, sort_order = excluded.sort_order, status = excluded.status, version = excluded.version")
                    .bind(&s.code).bind(&s.name_zh).bind(&e.name_en).bind(&s.unit)
                    .bind(s.frequency.code()).bind(s.cumulative)
                    .bind(if e.direction == Direction::Cost { -1i32 } else { 1i32 })
                    .bind(&e.dimension).bind(&e.formula)
                    .bind(to_json(&e.applies_to))
                    .bind(i as i32).bind(e.status.code()).bind(version as i32)
                    .execute(&mut *tx).await?;
            }
            for c in new.changes {
                let detail = serde_json::json!({
                    "version": version,
                    "reason": new.reason,
                    "source": new.source,
                    "file": new.file_name,
                    "columns": c.columns,
                    "old": c.old,
                    "new": c.new,
                });
                sqlx::query(INSERT_AUDIT)
                    .bind(record.at).bind(actor)
                    .bind(if c.old.is_some() { "edit_indicator" } else { "add_indicator" })
                    .bind("indicator").bind(&c.code).bind(detail.to_string())
                    .execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(record)
    }

    /// Seeds version 1 with the shipped catalogue when the catalogue migration has run and no
    /// version exists yet (a new database, or one upgraded from before the catalogue was managed).
    pub(crate) async fn seed_catalogue(&self) -> Result<()> {
        let has_versions_table = self.applied_migrations().await?.contains(&13);
        if !has_versions_table {
            return Ok(());
        }
        let any: Option<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT MAX(version) FROM catalogue_versions").fetch_one(pool).await?
        });
        if any.is_some() {
            return Ok(());
        }
        let shipped = ManagedCatalogue::shipped();
        let none = ManagedCatalogue::from_entries(Vec::new()).expect("an empty catalogue is valid");
        let changes = none
            .changes_to(&shipped, |_| false)
            .expect("adding to an empty catalogue removes nothing");
        let saved = self
            .save_catalogue(
                &NewCatalogueVersion {
                    catalogue: &shipped,
                    changes: &changes,
                    based_on: 0,
                    source: "shipped",
                    file_name: String::new(),
                    reason: "出厂参考目录（shipped reference catalogue）".into(),
                },
                None,
            )
            .await;
        match saved {
            // Two processes opening a new database at once: the other one seeded it.
            Ok(_) | Err(StoreError::Conflict(_)) => Ok(()),
            Err(StoreError::Database(sqlx::Error::Database(d))) if d.is_unique_violation() => {
                Ok(())
            }
            Err(e) => Err(e),
        }
    }
}

fn parse_stored(version: &CatalogueVersion, content: &str) -> Result<ManagedCatalogue> {
    ManagedCatalogue::from_csv(content).map_err(|errors| {
        StoreError::Invalid(format!(
            "catalogue version {} does not read back: {}",
            version.version,
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ))
    })
}
