//! Dynamic-management proposals in the viewer's scope, and deciding one.

use jidi_domain::access;
use jidi_domain::roll::Base;
use jidi_domain::rules::{Decision, ProposalKind, ProposalStatus};
use jidi_service::management;
use jidi_store::{ProposalFilter, ProposalRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::params::{Paging, parse_opt};
use crate::reads::bases::scope;
use crate::state::AppState;
use crate::views::tier_name;

/// Proposal filters.
#[derive(Deserialize, Serialize, IntoParams, Default, Clone)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ProposalQuery {
    /// `pending`, `accepted` or `rejected`.
    pub status: Option<String>,
    /// Year.
    pub year: Option<String>,
    /// `promotion`, `warning`, `rectification` or `exit`.
    pub kind: Option<String>,
    /// Bases of one province (GB/T 2260 code).
    pub province: Option<String>,
    /// Bases of one category.
    pub category: Option<String>,
    /// One rule code (e.g. `E1`).
    pub rule: Option<String>,
    /// Page from 1.
    pub page: Option<String>,
    /// Rows per page (1–500, default 50).
    pub per_page: Option<String>,
    /// Interface language.
    pub lang: Option<String>,
}

/// A proposal.
#[derive(Serialize, ToSchema)]
pub struct ProposalView {
    /// Id.
    pub id: i64,
    /// Base.
    pub base_id: i64,
    /// Base name.
    pub base_name: String,
    /// Province name.
    pub province_name: String,
    /// Year.
    pub year: i32,
    /// Kind code.
    pub kind: String,
    /// Kind name.
    pub kind_name: String,
    /// Rule code.
    pub rule: String,
    /// Tier when proposed (`cultivating`, `provincial`, `national`, `excellence`).
    pub from_tier: String,
    /// Tier when proposed, named.
    pub from_tier_name: String,
    /// Target tier of a promotion.
    pub to_tier: Option<String>,
    /// Target tier, named.
    pub to_tier_name: Option<String>,
    /// Rectification deadline.
    pub deadline: Option<String>,
    /// Reasons, in the requested language.
    pub reasons: Vec<String>,
    /// `pending`, `accepted`, `rejected`.
    pub status: String,
    /// Decision reason.
    pub decision_reason: Option<String>,
    /// Decided (RFC 3339).
    pub decided_at: Option<String>,
    /// Whether the viewer may decide it.
    pub can_decide: bool,
    /// The evaluation run whose result proposed it.
    pub run_id: Option<i64>,
    /// The evidence: the base's scorecard in that run (or its profile's star history).
    pub evidence: String,
}

/// Proposals of one kind matching the other filters: a tab of the proposals page.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct KindTab {
    /// `exit`, `rectification`, `warning` or `promotion` (most severe first).
    pub kind: String,
    /// Its name.
    pub name: String,
    /// How many.
    pub count: i64,
}

/// Views of proposals, their bases read in one query.
pub async fn proposal_views(
    state: &AppState,
    viewer: &Viewer,
    rows: &[ProposalRecord],
) -> Result<Vec<ProposalView>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|p| p.base_id).collect();
    let bases = state.store.bases_by_ids(&ids).await?;
    Ok(rows
        .iter()
        .map(|p| proposal_view(viewer, p, bases.get(&p.base_id)))
        .collect())
}

/// One page (50) of the proposals in the viewer's scope, with the total and the page number.
pub async fn proposals_page(
    state: &AppState,
    viewer: &Viewer,
    q: &ProposalQuery,
) -> Result<(Vec<ProposalView>, i64, u32), AppError> {
    let (filter, paging) = proposal_scope(state, viewer, q)?;
    let (rows, total) = state.store.proposals(&filter, paging.store_page()).await?;
    Ok((
        proposal_views(state, viewer, &rows).await?,
        total,
        paging.page,
    ))
}

/// The view of a proposal on `base` (`None` when the base is gone).
pub fn proposal_view(viewer: &Viewer, p: &ProposalRecord, base: Option<&Base>) -> ProposalView {
    let lang = viewer.lang;
    let can_decide = p.status == ProposalStatus::Pending
        && base.is_some_and(|b| {
            access::can_decide_proposal(viewer.who(), scope(b), p.kind, p.to_tier).granted()
        });
    ProposalView {
        id: p.id,
        base_id: p.base_id,
        base_name: base.map(|b| b.facts.name.clone()).unwrap_or_default(),
        province_name: base
            .map(|b| crate::views::province_name(&b.facts.province_code, lang))
            .unwrap_or_default(),
        year: p.year,
        kind: p.kind.code().into(),
        kind_name: lang.pick(p.kind.name_zh(), p.kind.name_en()).into(),
        rule: p.rule.clone(),
        from_tier: p.from_tier.code().into(),
        from_tier_name: tier_name(p.from_tier, lang),
        to_tier: p.to_tier.map(|t| t.code().into()),
        to_tier_name: p.to_tier.map(|t| tier_name(t, lang)),
        deadline: p.deadline.map(|d| d.to_string()),
        reasons: crate::views::reason_texts(&p.reasons, lang),
        status: p.status.code().into(),
        decision_reason: p.decision_reason.clone(),
        decided_at: p.decided_at.map(|t| t.to_rfc3339()),
        can_decide,
        run_id: p.run_id,
        // Only national bases are scored in a run: a provincial base's promotion proposal has a
        // run (the year's) but no scorecard in it, so its evidence is the profile.
        evidence: match p.run_id {
            Some(run) if p.from_tier.is_national() => {
                format!("/evaluations/{run}/bases/{}", p.base_id)
            }
            _ => format!("/bases/{}#evaluations", p.base_id),
        },
    }
}

/// The tabs of the proposals page: the count of each kind under the other filters, most
/// severe first.
pub async fn kind_tabs(
    state: &AppState,
    viewer: &Viewer,
    q: &ProposalQuery,
) -> Result<Vec<KindTab>, AppError> {
    let (filter, _) = proposal_scope(state, viewer, q)?;
    let counts = state
        .store
        .proposal_counts(&ProposalFilter {
            kind: None,
            ..filter
        })
        .await?;
    Ok(counts
        .iter()
        .map(|(k, n)| KindTab {
            kind: k.code().into(),
            name: viewer.lang.pick(k.name_zh(), k.name_en()).into(),
            count: *n,
        })
        .collect())
}

/// The proposal filter for a viewer (401 for the public; a province sees its own; a base its own)
/// and the page asked for.
pub fn proposal_scope(
    state: &AppState,
    viewer: &Viewer,
    q: &ProposalQuery,
) -> Result<(ProposalFilter, Paging), AppError> {
    let scope = access::record_scope(viewer.who()).map_err(|a| match a {
        access::Access::NeedsLogin => AppError::Unauthorized,
        _ => AppError::Forbidden,
    })?;
    let filter = ProposalFilter {
        scope,
        status: parse_opt(
            &q.status,
            "status",
            ProposalStatus::parse,
            "pending, accepted or rejected",
        )?,
        year: parse_opt(&q.year, "year", |v| v.parse::<i32>().ok(), "a year")?,
        kind: parse_opt(
            &q.kind,
            "kind",
            ProposalKind::parse,
            "promotion, warning, rectification or exit",
        )?,
        province: parse_opt(
            &q.province,
            "province",
            |v| {
                jidi_domain::reference::Regions::get()
                    .province(v)
                    .map(|p| p.code.clone())
            },
            "a GB/T 2260 province code",
        )?,
        category: parse_opt(
            &q.category,
            "category",
            |v| {
                state
                    .categories()
                    .iter()
                    .any(|c| c.code == v)
                    .then(|| v.to_string())
            },
            "a category code",
        )?,
        rule: parse_opt(
            &q.rule,
            "rule",
            |v| {
                (v.len() <= 20 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
                    .then(|| v.to_string())
            },
            "a rule code (letters and digits, at most 20)",
        )?,
        ids: None,
    };
    let paging = Paging::parse(&q.page, &q.per_page, 50, 500)?;
    Ok((filter, paging))
}

/// Checks scope and decides; shared by the API and the page.
pub async fn decide(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    decision: Decision,
    reason: &str,
) -> Result<ProposalRecord, AppError> {
    let p = state
        .store
        .proposal(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("proposal {id}")))?;
    let base = state
        .store
        .base(p.base_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("base {}", p.base_id)))?;
    AppError::check(access::can_decide_proposal(
        viewer.who(),
        scope(&base),
        p.kind,
        p.to_tier,
    ))?;
    Ok(management::decide(&state.store, id, decision, reason, viewer.user_id()).await?)
}

/// Most proposals one bulk decision may take.
pub const MAX_BULK: usize = 500;

/// Decides several proposals with one written reason (each decision still recorded on its own
/// proposal and base). Every proposal is checked first (it exists within the viewer's scope, is
/// pending, and the viewer may decide it); only then are they decided, in id order. A failure
/// after that point (a concurrent decision) stops the batch and names the proposal; the ones
/// before it stay decided, as they would be one by one.
pub async fn decide_many(
    state: &AppState,
    viewer: &Viewer,
    ids: &[i64],
    decision: Decision,
    reason: &str,
) -> Result<Vec<ProposalRecord>, AppError> {
    if ids.is_empty() {
        return Err(AppError::bad_field("ids", "choose at least one proposal"));
    }
    if ids.len() > MAX_BULK {
        return Err(AppError::bad_field(
            "ids",
            format!("at most {MAX_BULK} proposals at once"),
        ));
    }
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if reason.trim().is_empty() {
        return Err(AppError::bad_field(
            "reason",
            "a written reason is required",
        ));
    }
    if let Some(e) = jidi_domain::roll::check_text("reason", reason.trim(), 2_000) {
        return Err(AppError::bad_field("reason", e.message));
    }
    let within = access::record_scope(viewer.who()).map_err(|a| match a {
        access::Access::NeedsLogin => AppError::Unauthorized,
        _ => AppError::Forbidden,
    })?;
    let (rows, _) = state
        .store
        .proposals(
            &ProposalFilter {
                ids: Some(ids.clone()),
                ..ProposalFilter::within(within)
            },
            jidi_store::Page::first(MAX_BULK as u32),
        )
        .await?;
    if let Some(missing) = ids.iter().find(|id| !rows.iter().any(|p| p.id == **id)) {
        return Err(AppError::NotFound(format!("proposal {missing}")));
    }
    let bases = state
        .store
        .bases_by_ids(&rows.iter().map(|p| p.base_id).collect::<Vec<_>>())
        .await?;
    for p in &rows {
        if p.status != ProposalStatus::Pending {
            return Err(AppError::Conflict(format!(
                "proposal {} is already decided",
                p.id
            )));
        }
        let base = bases
            .get(&p.base_id)
            .ok_or_else(|| AppError::NotFound(format!("base {}", p.base_id)))?;
        AppError::check(access::can_decide_proposal(
            viewer.who(),
            scope(base),
            p.kind,
            p.to_tier,
        ))?;
    }
    let mut decided = Vec::with_capacity(ids.len());
    for id in ids {
        decided
            .push(management::decide(&state.store, id, decision, reason, viewer.user_id()).await?);
    }
    Ok(decided)
}
