//! The ministry's warning rules: numbered, append-only versions, each the whole rule set as
//! canonical JSON. The store keeps the text; `jidi-service::warning_rules` parses and checks it
//! (this crate knows no rule types), so a version is saved only after it was validated.

use chrono::{DateTime, SubsecRound, Utc};
use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};
use crate::roll::INSERT_AUDIT;
use crate::row::Row;
use crate::store::{Store, on_pool};

/// One saved version of the warning rules, without its content.
#[derive(Clone, Debug, PartialEq)]
pub struct WarningRulesVersion {
    /// 1, 2, …
    pub version: i64,
    /// When it was saved.
    pub at: DateTime<Utc>,
    /// Who saved it (none: the command line).
    pub user_id: Option<i64>,
    /// `cli`, `api` or `web`.
    pub source: String,
    /// The uploaded file's name, when it came as a file.
    pub file_name: String,
    /// Why.
    pub reason: String,
    /// SHA-256 of the canonical JSON, hex.
    pub sha256: String,
    /// Rules in it.
    pub rules: i64,
}

/// A version to save.
#[derive(Clone, Debug)]
pub struct NewWarningRules<'a> {
    /// The whole rule set as canonical JSON (already validated by the caller).
    pub content: &'a str,
    /// Rules in it.
    pub rules: usize,
    /// The version it was made from (0: the built-in set): saving fails with a conflict when
    /// another version was saved since.
    pub based_on: i64,
    /// `cli`, `api` or `web`.
    pub source: &'static str,
    /// The uploaded file's name, or empty.
    pub file_name: String,
    /// Why (required).
    pub reason: String,
    /// The audit entry's detail (what was added, changed, removed), JSON.
    pub detail: serde_json::Value,
}

const VERSION_COLUMNS: &str = "version, at, user_id, source, file_name, reason, sha256, rules";

fn version_from_row(r: &impl Row) -> Result<WarningRulesVersion> {
    Ok(WarningRulesVersion {
        version: r.int("version")?,
        at: r.timestamp("at")?,
        user_id: r.opt_int("user_id")?,
        source: r.text("source")?,
        file_name: r.text("file_name")?,
        reason: r.text("reason")?,
        sha256: r.text("sha256")?,
        rules: r.int("rules")?,
    })
}

impl Store {
    /// The latest saved version of the warning rules with its JSON, if one was ever saved.
    pub async fn current_warning_rules(&self) -> Result<Option<(WarningRulesVersion, String)>> {
        on_pool!(self, pool => {
            let r = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {VERSION_COLUMNS}, content FROM warning_rule_versions ORDER BY version DESC LIMIT 1")))
                .fetch_optional(pool).await?;
            r.map(|r| Ok::<_, StoreError>((version_from_row(&r)?, r.text("content")?))).transpose()
        })
    }

    /// The warning rules as saved in `version`, with their JSON.
    pub async fn warning_rules_at(
        &self,
        version: i64,
    ) -> Result<Option<(WarningRulesVersion, String)>> {
        on_pool!(self, pool => {
            let r = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {VERSION_COLUMNS}, content FROM warning_rule_versions WHERE version = $1")))
                .bind(version).fetch_optional(pool).await?;
            r.map(|r| Ok::<_, StoreError>((version_from_row(&r)?, r.text("content")?))).transpose()
        })
    }

    /// Saved versions, newest first, at most `limit`.
    pub async fn warning_rules_versions(&self, limit: usize) -> Result<Vec<WarningRulesVersion>> {
        on_pool!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {VERSION_COLUMNS} FROM warning_rule_versions ORDER BY version DESC LIMIT $1")))
                .bind(limit.min(10_000) as i64).fetch_all(pool).await?;
            rows.iter().map(version_from_row).collect()
        })
    }

    /// Saves the next version and its audit entry in one transaction. Fails with a conflict
    /// when the latest version is no longer `based_on` (two officials editing at once).
    pub async fn save_warning_rules(
        &self,
        new: &NewWarningRules<'_>,
        actor: Option<i64>,
    ) -> Result<WarningRulesVersion> {
        let version = new.based_on + 1;
        let record = WarningRulesVersion {
            version,
            // As stored: PostgreSQL keeps microseconds.
            at: Utc::now().trunc_subsecs(6),
            user_id: actor,
            source: new.source.to_string(),
            file_name: new.file_name.clone(),
            reason: new.reason.clone(),
            sha256: hex::encode(Sha256::digest(new.content.as_bytes())),
            rules: new.rules as i64,
        };
        let conflict = |current: i64| {
            StoreError::Conflict(format!(
                "the warning rules changed meanwhile (version {current} is current, the edit was made on version {}): reload and edit again",
                new.based_on
            ))
        };
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let current: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM warning_rule_versions")
                .fetch_one(&mut *tx).await?;
            if current.unwrap_or(0) != new.based_on {
                return Err(conflict(current.unwrap_or(0)));
            }
            sqlx::query("INSERT INTO warning_rule_versions (version, at, user_id, source, file_name, reason, content, sha256, rules) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .bind(version).bind(record.at).bind(actor).bind(new.source).bind(&new.file_name)
                .bind(&new.reason).bind(new.content).bind(&record.sha256).bind(record.rules)
                .execute(&mut *tx).await
                // Two saves on the same version: the second one's number is taken.
                .map_err(|e| StoreError::from_unique(e, "the warning rules changed meanwhile: reload and edit again"))?;
            let mut detail = new.detail.clone();
            if let Some(map) = detail.as_object_mut() {
                map.insert("version".into(), version.into());
                map.insert("reason".into(), new.reason.clone().into());
                map.insert("source".into(), new.source.into());
                map.insert("file".into(), new.file_name.clone().into());
            }
            sqlx::query(INSERT_AUDIT)
                .bind(record.at).bind(actor).bind("save").bind("warning_rules").bind(version.to_string())
                .bind(detail.to_string())
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(record)
    }
}
