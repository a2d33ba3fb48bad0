//! Dynamic management: proposals from published results and the rules in force, and decisions.

use std::collections::HashMap;

use jidi_domain::access::ListScope;
use jidi_domain::evaluation::{self, EvalBase};
use jidi_domain::roll::{Status, Tier};
use jidi_domain::rules::{
    Condition, Decision, ProposalDraft, ProposalKind, RuleBase, RuleInput, RuleSet, YearResult,
    tier_change_note,
};
use jidi_domain::scheme::Scheme;
use jidi_store::{BaseFilter, BaseSort, ProposalEffect, ProposalRecord, SortOrder, Store};

/// Settings key of the rules in force (JSON).
pub const RULES_SETTING: &str = "management_rules";

/// Why a management step failed.
#[derive(Debug, thiserror::Error)]
pub enum ManagementError {
    /// The store failed or refused.
    #[error(transparent)]
    Store(#[from] jidi_store::StoreError),
    /// Rules offered for saving are invalid: every problem with its path.
    #[error("invalid rules: {}", .0.join("; "))]
    InvalidRules(Vec<String>),
    /// The stored rules no longer parse: corrupt data.
    #[error("the stored rules are corrupt")]
    CorruptRules(#[source] serde_json::Error),
    /// The decision's reason is empty.
    #[error("a decision needs a written reason")]
    NoReason,
    /// The decision's reason breaks the rule for free text.
    #[error("reason: {0}")]
    BadReason(String),
    /// Reading the monitoring warnings of the year failed.
    #[error(transparent)]
    Monitoring(#[from] crate::monitoring::MonitoringError),
    /// Ranking the candidates of a rule with a quota failed.
    #[error("ranking the candidates: {0}")]
    Ranking(#[source] jidi_domain::evaluation::EvaluationError),
}

type Result<T> = std::result::Result<T, ManagementError>;

/// The rules in force: the stored table, or the standard one.
pub async fn rules(store: &Store) -> Result<RuleSet> {
    match store.setting(RULES_SETTING).await? {
        None => Ok(RuleSet::standard()),
        Some(text) => serde_json::from_str(&text).map_err(ManagementError::CorruptRules),
    }
}

/// Replaces the rules in force after checking them.
pub async fn set_rules(store: &Store, rules: &RuleSet, actor: Option<i64>) -> Result<()> {
    let errors = rules.validate();
    if !errors.is_empty() {
        return Err(ManagementError::InvalidRules(errors));
    }
    let text = serde_json::to_string(rules).expect("rule tables serialise to JSON");
    store.set_setting(RULES_SETTING, &text, actor).await?;
    Ok(())
}

/// The proposals the rules make for `year`. With `pending`, that (trial) run's results count as
/// published: publishing computes them first and stores them with the run in one transaction.
/// Bases below the national tier are ranked by `scheme` among the bases of their own tier, for
/// the rules with a quota.
pub async fn proposal_drafts(
    store: &Store,
    year: i32,
    pending: Option<i64>,
    scheme: &Scheme,
) -> Result<Vec<ProposalDraft>> {
    let rules = rules(store).await?;
    let filter = BaseFilter {
        status: Some(jidi_store::StatusFilter::Current),
        ..BaseFilter::default()
    };
    let bases = store
        .all_bases(
            &filter,
            &ListScope::Everything,
            BaseSort::Id,
            SortOrder::Asc,
        )
        .await?;
    let rule_bases: Vec<RuleBase> = bases
        .iter()
        .map(|b| RuleBase {
            id: b.id,
            province_code: b.facts.province_code.clone(),
            tier: b.facts.tier,
            series: b.facts.series,
            tier_since: b.facts.designated_on.or_else(|| {
                b.facts
                    .designated_year
                    .and_then(|y| chrono::NaiveDate::from_ymd_opt(y, 6, 30))
            }),
            current: b.facts.status == Status::Current,
        })
        .collect();
    let history: HashMap<i64, Vec<YearResult>> = store
        .published_star_history(year, pending)
        .await?
        .into_iter()
        .map(|(b, h)| {
            (
                b,
                h.into_iter()
                    .map(|(year, stars, vetoed)| YearResult {
                        year,
                        stars: stars as u8,
                        vetoed,
                    })
                    .collect(),
            )
        })
        .collect();
    // Provincial and cultivating bases are judged on their own values.
    let below_national: Vec<i64> = bases
        .iter()
        .filter(|b| b.facts.tier.is_provincial())
        .map(|b| b.id)
        .collect();
    let values: HashMap<(i64, String), f64> = store
        .annual_values_for_year(year, &below_national)
        .await?
        .into_iter()
        .map(|p| ((p.base_id, p.indicator), p.value))
        .collect();
    let rectifications = store.accepted_rectifications().await?;
    let mut scores = HashMap::new();
    if rules.rules.iter().any(|r| r.quota.is_some()) {
        for tier in [Tier::Provincial, Tier::Cultivating] {
            let of_tier: Vec<EvalBase> = bases
                .iter()
                .filter(|b| b.facts.tier == tier)
                .map(|b| EvalBase {
                    id: b.id,
                    name: b.facts.name.clone(),
                    province_code: b.facts.province_code.clone(),
                    category: b.facts.category_code.clone(),
                    subcategory: b.facts.subcategory_code.clone(),
                    tier: b.facts.tier,
                    designated_on: b.facts.designated_on,
                    designated_year: b.facts.designated_year,
                    withdrawn_on: None,
                })
                .collect();
            scores.extend(
                evaluation::candidate_scores(scheme, &of_tier, &values)
                    .map_err(ManagementError::Ranking)?,
            );
        }
    }
    // The monitoring warnings of the year, when a rule reads them.
    let warnings = if rules
        .rules
        .iter()
        .any(|r| matches!(r.condition, Condition::OpenWarnings { .. }))
    {
        crate::monitoring::year_warnings(store, year).await?
    } else {
        HashMap::new()
    };
    Ok(rules.apply(&RuleInput {
        year,
        bases: &rule_bases,
        history: &history,
        values: &values,
        rectifications: &rectifications,
        scores: &scores,
        warnings: &warnings,
    }))
}

/// What accepting a proposal of this kind does to the roll.
pub fn effect(p: &ProposalRecord) -> ProposalEffect {
    match (p.kind, p.to_tier) {
        (ProposalKind::Promotion, Some(to)) => ProposalEffect::ChangeTier(to),
        (ProposalKind::Exit, _) => ProposalEffect::Withdraw,
        _ => ProposalEffect::Record,
    }
}

/// Accepts or rejects a proposal with a written reason (access is the caller's to check).
pub async fn decide(
    store: &Store,
    id: i64,
    decision: Decision,
    reason: &str,
    actor: Option<i64>,
) -> Result<ProposalRecord> {
    decide_at(store, id, decision, reason, chrono::Utc::now(), actor).await
}

/// [`decide`], recording the decision at `at` and any change of tier on that day in China
/// (UTC+8). Only the demo passes a moment other than the present: its simulated decisions on a
/// past year's proposals are dated inside that year.
pub async fn decide_at(
    store: &Store,
    id: i64,
    decision: Decision,
    reason: &str,
    at: chrono::DateTime<chrono::Utc>,
    actor: Option<i64>,
) -> Result<ProposalRecord> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ManagementError::NoReason);
    }
    if let Some(e) = jidi_domain::roll::check_text("reason", reason, 2_000) {
        return Err(ManagementError::BadReason(e.message));
    }
    let p = store
        .proposal(id)
        .await?
        .ok_or(jidi_store::StoreError::NotFound {
            entity: "proposal",
            key: id.to_string(),
        })?;
    let note = tier_change_note(p.kind, id, reason);
    Ok(store
        .decide_proposal(
            id,
            decision,
            reason,
            effect(&p),
            crate::tasks::china_date(at),
            at,
            &note,
            actor,
        )
        .await?)
}
