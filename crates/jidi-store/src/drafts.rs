//! Drafts of the web form (暂存): what a base typed for a period, kept as typed (even a value that
//! would not pass the checks) until it is submitted. One draft per base, frequency and period;
//! saving replaces it whole.

use chrono::{DateTime, Utc};

use crate::collection::Frequency;
use crate::error::Result;
use crate::row::Row;
use crate::store::{Store, on_pool};

/// One field of a draft.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftField {
    /// Indicator code.
    pub indicator: String,
    /// The value as typed.
    pub typed: String,
    /// The unit (the catalogue's).
    pub unit: String,
    /// The explanation typed for a warning.
    pub explanation: String,
}

/// A saved draft.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    /// Its fields, by indicator code.
    pub fields: Vec<DraftField>,
    /// Who saved it last.
    pub saved_by: Option<i64>,
    /// When.
    pub saved_at: DateTime<Utc>,
}

impl Store {
    /// Saves the draft of a base's period, replacing the previous one, in one transaction.
    pub async fn save_draft(
        &self,
        base_id: i64,
        frequency: Frequency,
        period: i32,
        fields: &[DraftField],
        saved_by: Option<i64>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM value_drafts WHERE base_id = $1 AND frequency = $2 AND period = $3")
                .bind(base_id).bind(frequency.code()).bind(period)
                .execute(&mut *tx).await?;
            for f in fields {
                sqlx::query("INSERT INTO value_drafts (base_id, frequency, period, indicator_code, typed, unit, explanation, saved_by, saved_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                    .bind(base_id).bind(frequency.code()).bind(period).bind(&f.indicator)
                    .bind(&f.typed).bind(&f.unit).bind(&f.explanation).bind(saved_by).bind(at)
                    .execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// The draft of a base's period, if one is saved.
    pub async fn draft(
        &self,
        base_id: i64,
        frequency: Frequency,
        period: i32,
    ) -> Result<Option<Draft>> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT indicator_code, typed, unit, explanation, saved_by, saved_at FROM value_drafts WHERE base_id = $1 AND frequency = $2 AND period = $3 ORDER BY indicator_code")
                .bind(base_id).bind(frequency.code()).bind(period)
                .fetch_all(pool).await?;
            let Some(first) = rows.first() else { return Ok(None) };
            let saved_by = first.opt_int("saved_by")?;
            let saved_at = first.timestamp("saved_at")?;
            let fields = rows.iter().map(|r| Ok(DraftField {
                indicator: r.text("indicator_code")?,
                typed: r.text("typed")?,
                unit: r.text("unit")?,
                explanation: r.text("explanation")?,
            })).collect::<Result<Vec<_>>>()?;
            Ok(Some(Draft { fields, saved_by, saved_at }))
        })
    }

    /// Discards the draft of a base's period (after it was submitted).
    pub async fn delete_draft(
        &self,
        base_id: i64,
        frequency: Frequency,
        period: i32,
    ) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM value_drafts WHERE base_id = $1 AND frequency = $2 AND period = $3")
                .bind(base_id).bind(frequency.code()).bind(period)
                .execute(pool).await?;
            Ok(())
        })
    }
}
