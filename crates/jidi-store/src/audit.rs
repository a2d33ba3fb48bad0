//! Reading the append-only audit log (the database refuses UPDATE and DELETE on it).

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use crate::error::Result;
use crate::row::{Conditions, Param, Row, push_where};
use crate::store::{Store, on_pool};

/// One audit entry.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditEntry {
    /// Sequence number.
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (none: the command line or the system).
    pub user_id: Option<i64>,
    /// What was done (`accept_values`, `create_base`, `decide_proposal`, …).
    pub action: String,
    /// The kind of record.
    pub entity: String,
    /// Its key.
    pub entity_id: String,
    /// JSON: old and new values, reasons, file names and hashes.
    pub detail: String,
}

/// Which entries to read.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Only this kind of record.
    pub entity: Option<String>,
    /// Only this record (with `entity`).
    pub entity_id: Option<String>,
    /// Only this user's actions.
    pub user_id: Option<i64>,
    /// Entries before this id (paging backwards from the newest).
    pub before: Option<i64>,
}

impl Store {
    /// Audit entries, newest first, at most `limit`.
    pub async fn audit_entries(
        &self,
        filter: &AuditFilter,
        limit: usize,
    ) -> Result<Vec<AuditEntry>> {
        let mut c = Conditions::default();
        if let Some(e) = &filter.entity {
            c.push("entity = ?", vec![Param::Text(e.clone())]);
        }
        if let Some(id) = &filter.entity_id {
            c.push("entity_id = ?", vec![Param::Text(id.clone())]);
        }
        if let Some(u) = filter.user_id {
            c.push("user_id = ?", vec![Param::Int(u)]);
        }
        if let Some(b) = filter.before {
            c.push("id < ?", vec![Param::Int(b)]);
        }
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new("SELECT id, at, user_id, action, entity, entity_id, detail FROM audit_log");
            push_where!(qb, c);
            qb.push(" ORDER BY id DESC LIMIT ").push_bind(limit.min(10_000) as i64);
            let rows = qb.build().fetch_all(pool).await?;
            rows.iter().map(|r| Ok(AuditEntry {
                id: r.int("id")?,
                at: r.timestamp("at")?,
                user_id: r.opt_int("user_id")?,
                action: r.text("action")?,
                entity: r.text("entity")?,
                entity_id: r.text("entity_id")?,
                detail: r.text("detail")?,
            })).collect::<Result<Vec<_>>>()
        })
    }
}
