//! Safety and environmental incidents, which the evaluation reads for its vetoes.

use chrono::{NaiveDate, Utc};
use jidi_domain::incident::IncidentKind;

use crate::error::{Result, StoreError};
use crate::roll::INSERT_AUDIT;
use crate::row::Row;
use crate::store::{Store, on_pool};

impl Store {
    /// Incidents of a year: `(base, kind, date)`.
    pub async fn incidents_in_year(
        &self,
        year: i32,
    ) -> Result<Vec<(i64, IncidentKind, NaiveDate)>> {
        let from = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid date");
        let to = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid date");
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT base_id, kind, occurred_on FROM incidents WHERE occurred_on >= $1 AND occurred_on <= $2 ORDER BY occurred_on")
                .bind(from).bind(to).fetch_all(pool).await?;
            rows.iter().filter_map(|r| {
                let kind = r.text("kind").ok().and_then(|k| IncidentKind::parse(&k))?;
                Some(Ok((r.int("base_id").ok()?, kind, r.date("occurred_on").ok()?)))
            }).collect()
        })
    }

    /// Incidents of a base: `(kind, date, description, synthetic)`.
    pub async fn base_incidents(
        &self,
        base_id: i64,
    ) -> Result<Vec<(String, NaiveDate, String, bool)>> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT kind, occurred_on, description, synthetic FROM incidents WHERE base_id = $1 ORDER BY occurred_on")
                .bind(base_id).fetch_all(pool).await?;
            rows.iter().map(|r| Ok((r.text("kind")?, r.date("occurred_on")?, r.text("description")?, r.boolean("synthetic")?))).collect()
        })
    }

    /// Records an incident.
    pub async fn add_incident(
        &self,
        base_id: i64,
        kind: IncidentKind,
        on: NaiveDate,
        description: &str,
        actor: Option<i64>,
    ) -> Result<()> {
        let now = Utc::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO incidents (base_id, kind, occurred_on, description, synthetic) VALUES ($1, $2, $3, $4, $5)")
                .bind(base_id).bind(kind.code()).bind(on).bind(description).bind(false)
                .execute(&mut *tx).await.map_err(|e| StoreError::from_unique(e, "incident"))?;
            sqlx::query(INSERT_AUDIT).bind(now).bind(actor).bind("create").bind("incident").bind(base_id.to_string())
                .bind(serde_json::json!({"kind": kind.code(), "on": on.to_string()}).to_string())
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }
}
