//! Dynamic-management proposals and their decisions; an accepted promotion or exit changes the
//! roll in the same transaction.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use jidi_domain::access::RecordScope;
use jidi_domain::roll::Tier;
use jidi_domain::rules::{Decision, ProposalDraft, ProposalKind, ProposalStatus};
use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::error::{Result, StoreError};
use crate::roll::Page;
use crate::roll::{INSERT_AUDIT, INSERT_TIER_CHANGE};
use crate::row::{Conditions, Param, Row, push_where};
use crate::store::{Store, on_pool};

/// A stored proposal.
#[derive(Clone, Debug, PartialEq)]
pub struct ProposalRecord {
    /// Id.
    pub id: i64,
    /// Base.
    pub base_id: i64,
    /// The run it came from.
    pub run_id: Option<i64>,
    /// Evaluation year.
    pub year: i32,
    /// Kind.
    pub kind: ProposalKind,
    /// Rule code.
    pub rule: String,
    /// Tier when proposed.
    pub from_tier: Tier,
    /// Target tier.
    pub to_tier: Option<Tier>,
    /// Rectification deadline.
    pub deadline: Option<NaiveDate>,
    /// Reasons: data, or lines of Chinese text for proposals stored before reasons were data.
    pub reasons: Vec<jidi_domain::rules::StoredReason>,
    /// Where it stands.
    pub status: ProposalStatus,
    /// When proposed.
    pub created_at: DateTime<Utc>,
    /// Who decided.
    pub decided_by: Option<i64>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
    /// The decision's written reason.
    pub decision_reason: Option<String>,
}

/// Filters of the proposal list. The scope is required: no filter defaults to everything.
#[derive(Clone, Debug, PartialEq)]
pub struct ProposalFilter {
    /// Whose proposals (from [`jidi_domain::access::record_scope`]).
    pub scope: RecordScope,
    /// Status.
    pub status: Option<ProposalStatus>,
    /// Year.
    pub year: Option<i32>,
    /// Kind.
    pub kind: Option<ProposalKind>,
    /// Bases of one province (within the scope).
    pub province: Option<String>,
    /// Bases of one category.
    pub category: Option<String>,
    /// One rule.
    pub rule: Option<String>,
    /// These proposals only (a bulk decision reads its proposals back through the scope).
    pub ids: Option<Vec<i64>>,
}

impl ProposalFilter {
    /// Every proposal within `scope`.
    pub fn within(scope: RecordScope) -> ProposalFilter {
        ProposalFilter {
            scope,
            status: None,
            year: None,
            kind: None,
            province: None,
            category: None,
            rule: None,
            ids: None,
        }
    }
}

/// What accepting a proposal does to the roll.
#[derive(Clone, Debug, PartialEq)]
pub enum ProposalEffect {
    /// Nothing beyond the record (warnings, rectifications).
    Record,
    /// Move the base to a tier.
    ChangeTier(Tier),
    /// Withdraw the base.
    Withdraw,
}

/// Inserts a pending proposal; one already made (same base, year, kind and rule) is kept.
pub(crate) const INSERT_PROPOSAL: &str = "INSERT INTO proposals (base_id, run_id, year, kind, rule_code, from_tier, to_tier, deadline, reasons, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10) ON CONFLICT (base_id, year, kind, rule_code) DO NOTHING";

pub(crate) const PROPOSAL_COLUMNS: &str = "p.id, p.base_id, p.run_id, p.year, p.kind, p.rule_code, p.from_tier, p.to_tier, p.deadline, p.reasons, p.status, p.created_at, p.decided_by, p.decided_at, p.decision_reason";

fn proposal_from_row(r: &impl Row) -> Result<ProposalRecord> {
    let kind = r.text("kind")?;
    let from = r.text("from_tier")?;
    let status = r.text("status")?;
    Ok(ProposalRecord {
        id: r.int("id")?,
        base_id: r.int("base_id")?,
        run_id: r.opt_int("run_id")?,
        year: r.int32("year")?,
        kind: ProposalKind::parse(&kind)
            .ok_or_else(|| StoreError::corrupt("proposal kind", &kind))?,
        rule: r.text("rule_code")?,
        from_tier: Tier::parse(&from).ok_or_else(|| StoreError::corrupt("tier", &from))?,
        to_tier: r
            .opt_text("to_tier")?
            .map(|t| Tier::parse(&t).ok_or_else(|| StoreError::corrupt("tier", &t)))
            .transpose()?,
        deadline: r.opt_date("deadline")?,
        reasons: r.json("reasons")?,
        status: ProposalStatus::parse(&status)
            .ok_or_else(|| StoreError::corrupt("proposal status", &status))?,
        created_at: r.timestamp("created_at")?,
        decided_by: r.opt_int("decided_by")?,
        decided_at: r.opt_timestamp("decided_at")?,
        decision_reason: r.opt_text("decision_reason")?,
    })
}

/// The conditions of a page of proposals.
pub(crate) fn proposal_conditions(filter: &ProposalFilter) -> Conditions {
    let mut c = Conditions::default();
    match &filter.scope {
        RecordScope::All => {}
        RecordScope::Province(code) => {
            c.push("b.province_code = ?", vec![Param::Text(code.clone())])
        }
        RecordScope::Base(id) => c.push("p.base_id = ?", vec![Param::Int(*id)]),
    }
    if let Some(v) = filter.status {
        c.push("p.status = ?", vec![Param::Text(v.code().into())]);
    }
    if let Some(v) = filter.year {
        c.push("p.year = ?", vec![Param::Int32(v)]);
    }
    if let Some(v) = filter.kind {
        c.push("p.kind = ?", vec![Param::Text(v.code().into())]);
    }
    if let Some(v) = &filter.province {
        c.push("b.province_code = ?", vec![Param::Text(v.clone())]);
    }
    if let Some(v) = &filter.category {
        c.push("b.category_code = ?", vec![Param::Text(v.clone())]);
    }
    if let Some(v) = &filter.rule {
        c.push("p.rule_code = ?", vec![Param::Text(v.clone())]);
    }
    if let Some(ids) = &filter.ids {
        c.push_in("p.id", ids.iter().map(|i| Param::Int(*i)).collect());
    }
    c
}

/// The two statements of a page of proposals (the count, the page), each after `$prefix` (see
/// [`crate::roll::roll_page_statements`]): newest year first, pending before decided. The count is
/// its own statement: a window count (`COUNT(*) OVER ()`) made SQLite read and sort every matching
/// proposal for each page instead of reading the page in index order (`proposals_order`).
macro_rules! proposals_page_statements {
    ($prefix:expr, $c:expr, $limit:expr, $offset:expr) => {{
        let mut count = QueryBuilder::new(format!(
            "{}SELECT COUNT(*) FROM proposals p JOIN bases b ON b.id = p.base_id",
            $prefix
        ));
        push_where!(count, $c);
        // `+p.base_id` keeps SQLite from reaching proposals through their base index: with
        // statistics of a small roll it would read every base, join and sort, where the page is
        // read in `proposals_order` and each base fetched by id (PostgreSQL plans both alike).
        let mut qb = QueryBuilder::new(format!(
            "{}SELECT {} FROM proposals p JOIN bases b ON b.id = +p.base_id",
            $prefix,
            $crate::proposals::PROPOSAL_COLUMNS
        ));
        push_where!(qb, $c);
        qb.push(
            " ORDER BY p.year DESC, CASE p.status WHEN 'pending' THEN 0 ELSE 1 END, p.id LIMIT ",
        )
        .push_bind($limit)
        .push(" OFFSET ")
        .push_bind($offset);
        (count, qb)
    }};
}
pub(crate) use proposals_page_statements;

impl Store {
    /// Stores proposals; a proposal already made (same base, year, kind and rule) is kept as it
    /// was. Returns how many were new.
    pub async fn insert_proposals(
        &self,
        drafts: &[ProposalDraft],
        run_id: Option<i64>,
    ) -> Result<usize> {
        let now = Utc::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let mut added = 0;
            for p in drafts {
                let n = sqlx::query(INSERT_PROPOSAL)
                    .bind(p.base_id).bind(run_id).bind(p.year).bind(p.kind.code()).bind(&p.rule)
                    .bind(p.from_tier.code()).bind(p.to_tier.map(|t| t.code())).bind(p.deadline)
                    .bind(crate::row::to_json(&p.reasons)).bind(now)
                    .execute(&mut *tx).await?.rows_affected();
                added += n as usize;
            }
            tx.commit().await?;
            Ok(added)
        })
    }

    /// A page of proposals with the total, newest first.
    pub async fn proposals(
        &self,
        filter: &ProposalFilter,
        page: Page,
    ) -> Result<(Vec<ProposalRecord>, i64)> {
        let c = proposal_conditions(filter);
        let limit = page.limit.clamp(1, 500) as i64;
        let offset = page.offset as i64;
        on_pool!(self, pool => {
            let (mut count, mut qb) = proposals_page_statements!("", c, limit, offset);
            let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
            let rows = qb.build().fetch_all(pool).await?;
            Ok((rows.iter().map(proposal_from_row).collect::<Result<Vec<_>>>()?, total))
        })
    }

    /// A proposal.
    pub async fn proposal(&self, id: i64) -> Result<Option<ProposalRecord>> {
        let sql = format!("SELECT {PROPOSAL_COLUMNS} FROM proposals p WHERE p.id = $1");
        on_pool!(self, pool => {
            let row = sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?;
            row.as_ref().map(proposal_from_row).transpose()
        })
    }

    /// Accepts or rejects a pending proposal with a written reason; an accepted promotion or exit
    /// changes the roll in the same transaction, its history entry reading `note` and dated `on`.
    /// `decided_at` is the moment recorded as the decision's (the demo's simulated decisions are
    /// dated inside the year they decide; everyone else passes the present).
    #[allow(clippy::too_many_arguments)]
    pub async fn decide_proposal(
        &self,
        id: i64,
        decision: Decision,
        reason: &str,
        effect: ProposalEffect,
        on: NaiveDate,
        decided_at: DateTime<Utc>,
        note: &str,
        actor: Option<i64>,
    ) -> Result<ProposalRecord> {
        let p = self.proposal(id).await?.ok_or(StoreError::NotFound {
            entity: "proposal",
            key: id.to_string(),
        })?;
        if p.status != ProposalStatus::Pending {
            return Err(StoreError::Conflict(format!(
                "proposal {id} was already {}",
                p.status.code()
            )));
        }
        if reason.trim().is_empty() {
            return Err(StoreError::Invalid(
                "a decision needs a written reason".into(),
            ));
        }
        let base = self.base(p.base_id).await?.ok_or(StoreError::NotFound {
            entity: "base",
            key: p.base_id.to_string(),
        })?;
        let now = Utc::now();
        let accept = decision == Decision::Accept;
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let updated = sqlx::query("UPDATE proposals SET status = $1, decided_by = $2, decided_at = $3, decision_reason = $4 WHERE id = $5 AND status = 'pending'")
                .bind(decision.status().code()).bind(actor).bind(decided_at).bind(reason.trim()).bind(id)
                .execute(&mut *tx).await?.rows_affected();
            if updated != 1 {
                return Err(StoreError::Conflict(format!("proposal {id} was decided meanwhile")));
            }
            if accept {
                match &effect {
                    ProposalEffect::Record => {}
                    ProposalEffect::ChangeTier(to) => {
                        sqlx::query("UPDATE bases SET tier = $1, updated_at = $2 WHERE id = $3")
                            .bind(to.code()).bind(now).bind(p.base_id).execute(&mut *tx).await?;
                        if *to == Tier::National {
                            // A new national base is designated by this decision.
                            sqlx::query("UPDATE bases SET designated_on = $1, designated_year = $2, batch = NULL WHERE id = $3")
                                .bind(on).bind(chrono::Datelike::year(&on)).bind(p.base_id).execute(&mut *tx).await?;
                        }
                        sqlx::query(INSERT_TIER_CHANGE)
                            .bind(p.base_id).bind(Some(base.facts.tier.code())).bind(Some(to.code())).bind(on).bind(Some(id)).bind(note)
                            .execute(&mut *tx).await?;
                    }
                    ProposalEffect::Withdraw => {
                        sqlx::query("UPDATE bases SET status = 'withdrawn', withdrawn_on = $1, withdrawn_reason = $2, updated_at = $3 WHERE id = $4 AND status = 'current'")
                            .bind(on).bind(note).bind(now).bind(p.base_id).execute(&mut *tx).await?;
                        sqlx::query(INSERT_TIER_CHANGE)
                            .bind(p.base_id).bind(Some(base.facts.tier.code())).bind(None::<String>).bind(on).bind(Some(id)).bind(note)
                            .execute(&mut *tx).await?;
                    }
                }
            }
            sqlx::query(INSERT_AUDIT).bind(now).bind(actor).bind(decision.code()).bind("proposal").bind(id.to_string())
                .bind(serde_json::json!({"base": p.base_id, "kind": p.kind.code(), "reason": reason}).to_string())
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        self.proposal(id).await?.ok_or(StoreError::NotFound {
            entity: "proposal",
            key: id.to_string(),
        })
    }

    /// Accepted rectifications, the latest per base: `base → deadline`.
    pub async fn accepted_rectifications(&self) -> Result<HashMap<i64, NaiveDate>> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT base_id, deadline FROM proposals WHERE kind = 'rectification' AND status = 'accepted' AND deadline IS NOT NULL ORDER BY deadline")
                .fetch_all(pool).await?;
            let mut out = HashMap::new();
            for r in &rows {
                out.insert(r.int("base_id")?, r.date("deadline")?);
            }
            Ok(out)
        })
    }
}
