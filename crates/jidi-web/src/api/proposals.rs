//! Dynamic management through the API: proposals in scope and their decisions.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use jidi_domain::access;
use jidi_domain::rules::Decision;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::extract::{ApiJson, ApiQuery};
use crate::auth::Viewer;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::params::{csrf, parse_id};
use crate::reads::proposals::{
    KindTab, ProposalQuery, ProposalView, decide, decide_many, kind_tabs, proposal_view,
    proposals_page,
};
use crate::state::AppState;

/// A page of proposals.
#[derive(Serialize, ToSchema)]
pub struct ProposalsResponse {
    /// Proposals.
    pub items: Vec<ProposalView>,
    /// Total matching.
    pub total: i64,
    /// Page.
    pub page: u32,
    /// The count of each kind under the other filters, most severe first.
    pub kinds: Vec<KindTab>,
}

/// Proposals of dynamic management within the viewer's scope.
#[utoipa::path(get, path = "/api/v1/proposals", tag = "management", params(ProposalQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = ProposalsResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list_proposals(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<ProposalQuery>,
) -> ApiResult<axum::Json<ProposalsResponse>> {
    let (items, total, page) = proposals_page(&state, &viewer, &q).await?;
    let kinds = kind_tabs(&state, &viewer, &q).await?;
    Ok(axum::Json(ProposalsResponse {
        items,
        total,
        page,
        kinds,
    }))
}

/// A decision.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// Accept (true) or reject (false).
    pub accept: bool,
    /// The written reason.
    pub reason: String,
}

/// Decides a proposal with a written reason: the ministry decides everything, a province the
/// changes among its own tiers. An accepted promotion or exit changes the tier history.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/decision", tag = "management", request_body = DecisionRequest,
    params(("id" = i64, Path, description = "Proposal id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = ProposalView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn decide_proposal(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<DecisionRequest>,
) -> ApiResult<axum::Json<ProposalView>> {
    let id = parse_id(&id, "id")?;
    AppError::check(access::can_decide_some(viewer.who()))?;
    viewer.check_csrf(csrf(&headers))?;
    let body = body.parse()?;
    let decision = if body.accept {
        Decision::Accept
    } else {
        Decision::Reject
    };
    let p = decide(&state, &viewer, id, decision, &body.reason).await?;
    let base = state.store.base(p.base_id).await?;
    Ok(axum::Json(proposal_view(&viewer, &p, base.as_ref())))
}

/// One decision for several proposals.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkDecisionRequest {
    /// The proposals (at most 500).
    pub ids: Vec<i64>,
    /// Accept (true) or reject (false) every one.
    pub accept: bool,
    /// The written reason shared by every decision.
    pub reason: String,
}

/// The proposals decided.
#[derive(Serialize, ToSchema)]
pub struct BulkDecisionResponse {
    /// Each proposal as decided, by id.
    pub decided: Vec<ProposalView>,
}

/// Decides several proposals with one written reason, each recorded on its own proposal and
/// base. Every proposal is checked (in scope, pending, decidable by the caller) before any is
/// decided.
#[utoipa::path(post, path = "/api/v1/proposals/decisions", tag = "management", request_body = BulkDecisionRequest,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = BulkDecisionResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn decide_proposals(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: ApiJson<BulkDecisionRequest>,
) -> ApiResult<axum::Json<BulkDecisionResponse>> {
    AppError::check(access::can_decide_some(viewer.who()))?;
    viewer.check_csrf(csrf(&headers))?;
    let body = body.parse()?;
    let decision = if body.accept {
        Decision::Accept
    } else {
        Decision::Reject
    };
    let decided = decide_many(&state, &viewer, &body.ids, decision, &body.reason).await?;
    let bases = state
        .store
        .bases_by_ids(&decided.iter().map(|p| p.base_id).collect::<Vec<_>>())
        .await?;
    Ok(axum::Json(BulkDecisionResponse {
        decided: decided
            .iter()
            .map(|p| proposal_view(&viewer, p, bases.get(&p.base_id)))
            .collect(),
    }))
}
