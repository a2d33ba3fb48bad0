//! Dynamic-management proposals in the viewer's scope, and deciding one.

use jidi_domain::access::{self, Role};
use jidi_domain::roll::{Base, FieldError};
use jidi_domain::rules::ProposalKind;
use jidi_service::management;
use jidi_store::{Page, ProposalFilter, ProposalRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::params::parse_opt;
use crate::reads::bases::scope;
use crate::state::AppState;
use crate::views::tier_name;

/// Proposal filters.
#[derive(Deserialize, Serialize, IntoParams, Default, Clone)]
#[into_params(parameter_in = Query)]
pub struct ProposalQuery {
    /// `pending`, `accepted` or `rejected`.
    pub status: Option<String>,
    /// Year.
    pub year: Option<String>,
    /// `promotion`, `warning`, `rectification` or `exit`.
    pub kind: Option<String>,
    /// Page from 1.
    pub page: Option<String>,
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
    /// Reasons.
    pub reasons: Vec<String>,
    /// `pending`, `accepted`, `rejected`.
    pub status: String,
    /// Decision reason.
    pub decision_reason: Option<String>,
    /// Decided (RFC 3339).
    pub decided_at: Option<String>,
    /// Whether the viewer may decide it.
    pub can_decide: bool,
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
    let (filter, page) = proposal_scope(viewer, q)?;
    let (rows, total) = state
        .store
        .proposals(
            &filter,
            Page {
                offset: (page - 1) * 50,
                limit: 50,
            },
        )
        .await?;
    Ok((proposal_views(state, viewer, &rows).await?, total, page))
}

/// The view of a proposal on `base` (`None` when the base is gone).
pub fn proposal_view(viewer: &Viewer, p: &ProposalRecord, base: Option<&Base>) -> ProposalView {
    let lang = viewer.lang;
    let can_decide = p.status == "pending"
        && base.is_some_and(|b| {
            access::can_decide(
                viewer.who(),
                scope(b),
                p.to_tier.or(if p.kind == ProposalKind::Exit {
                    None
                } else {
                    Some(b.facts.tier)
                }),
            )
            .granted()
        });
    ProposalView {
        id: p.id,
        base_id: p.base_id,
        base_name: base.map(|b| b.facts.name.clone()).unwrap_or_default(),
        province_name: base
            .and_then(|b| jidi_domain::reference::Regions::get().province(&b.facts.province_code))
            .map(|x| x.name.clone())
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
        reasons: p.reasons.clone(),
        status: p.status.clone(),
        decision_reason: p.decision_reason.clone(),
        decided_at: p.decided_at.map(|t| t.to_rfc3339()),
        can_decide,
    }
}

/// The proposal filter for a viewer (401 for the public; a province sees its own; a base its own).
pub fn proposal_scope(
    viewer: &Viewer,
    q: &ProposalQuery,
) -> Result<(ProposalFilter, u32), AppError> {
    let p = viewer.principal.as_ref().ok_or(AppError::Unauthorized)?;
    let mut filter = ProposalFilter {
        status: parse_opt(
            &q.status,
            "status",
            |v| matches!(v, "pending" | "accepted" | "rejected").then(|| v.to_string()),
            "pending, accepted or rejected",
        )?,
        year: parse_opt(&q.year, "year", |v| v.parse::<i32>().ok(), "a year")?,
        kind: parse_opt(
            &q.kind,
            "kind",
            ProposalKind::parse,
            "promotion, warning, rectification or exit",
        )?,
        ..ProposalFilter::default()
    };
    match p.role {
        Role::Ministry | Role::Evaluator => {}
        Role::Province => filter.province = p.province_code.clone(),
        Role::Base => filter.base_id = Some(p.base_id.unwrap_or(-1)),
    }
    let page = parse_opt(
        &q.page,
        "page",
        |v| v.parse::<u32>().ok().filter(|x| *x > 0),
        "a positive integer",
    )?
    .unwrap_or(1);
    Ok((filter, page))
}

/// Checks scope and decides; shared by the API and the page.
pub async fn decide(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    accept: bool,
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
    let target = match p.kind {
        ProposalKind::Exit => None,
        ProposalKind::Promotion => p.to_tier,
        _ => Some(base.facts.tier),
    };
    AppError::check(access::can_decide(viewer.who(), scope(&base), target))?;
    if reason.trim().is_empty() {
        return Err(AppError::invalid(vec![FieldError {
            field: "reason".into(),
            message: "a written reason is required".into(),
        }]));
    }
    management::decide(&state.store, id, accept, reason, viewer.user_id())
        .await
        .map_err(|e| match e {
            management::ManagementError::Store(s) => s.into(),
            other => AppError::Internal(anyhow::anyhow!(other)),
        })
}
