//! Evaluation runs through the API: list, run a trial, read, delete a trial, publish, verify.
//! Trial runs only for evaluators and the ministry; published ones for everyone.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jidi_domain::access;
use jidi_service::evaluation as service;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::extract::ApiJson;
use crate::auth::Viewer;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::params::{csrf, parse_id};
use crate::reads::runs::{RunView, run_view, start_run, visible_run};
use crate::state::AppState;

/// Lists evaluations: published ones for everyone, trials too for evaluators and the ministry.
#[utoipa::path(get, path = "/api/v1/evaluations", tag = "evaluation",
    responses((status = 200, body = Vec<RunView>)))]
pub async fn list_evaluations(
    State(state): State<AppState>,
    viewer: Viewer,
) -> ApiResult<axum::Json<Vec<RunView>>> {
    let trials = access::can_view_trials(viewer.who()).granted();
    let runs = state.store.runs(None, trials).await?;
    Ok(axum::Json(runs.iter().map(run_view).collect()))
}

/// A trial run request.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationRequest {
    /// Year of the data.
    pub year: i32,
    /// A stored scheme (default: the year's default scheme).
    #[serde(default)]
    pub scheme_id: Option<i64>,
    /// Also run the ranks-sensitivity analysis of the scheme.
    #[serde(default)]
    pub sensitivity: bool,
}

/// Runs a trial evaluation (evaluators and the ministry).
#[utoipa::path(post, path = "/api/v1/evaluations", tag = "evaluation", request_body = EvaluationRequest,
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = 201, body = RunView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
    ))]
pub async fn create_evaluation(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: ApiJson<EvaluationRequest>,
) -> ApiResult<Response> {
    AppError::check(access::can_run_trials(viewer.who()))?;
    viewer.check_csrf(csrf(&headers))?;
    let body = body.parse()?;
    let run = start_run(&state, &viewer, body.year, body.scheme_id, body.sensitivity).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/evaluations/{}", run.id))],
        axum::Json(run_view(&run)),
    )
        .into_response())
}

/// One evaluation run.
#[utoipa::path(get, path = "/api/v1/evaluations/{id}", tag = "evaluation",
    params(("id" = i64, Path, description = "Run id")),
    responses((status = 200, body = RunView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_evaluation(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<RunView>> {
    let id = parse_id(&id, "id")?;
    Ok(axum::Json(run_view(
        &visible_run(&state, &viewer, id).await?,
    )))
}

/// Deletes a trial run (evaluators and the ministry); a published run can never be deleted (409).
#[utoipa::path(delete, path = "/api/v1/evaluations/{id}", tag = "evaluation",
    params(("id" = i64, Path, description = "Run id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_evaluation(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = parse_id(&id, "id")?;
    AppError::check(access::can_run_trials(viewer.who()))?;
    viewer.check_csrf(csrf(&headers))?;
    state.store.delete_trial_run(id, viewer.user_id()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Publication result.
#[derive(Serialize, ToSchema)]
pub struct PublishResponse {
    /// The published run.
    pub run: RunView,
    /// Proposals made by the rules.
    pub proposals: usize,
}

/// Publishes a trial run (ministry): freezes inputs and results, locks the scheme, and turns the
/// results into proposals. A year has at most one published evaluation (409 otherwise).
#[utoipa::path(post, path = "/api/v1/evaluations/{id}/publish", tag = "evaluation",
    params(("id" = i64, Path, description = "Run id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = PublishResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn publish_evaluation(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<PublishResponse>> {
    let id = parse_id(&id, "id")?;
    AppError::check(access::can_publish(viewer.who()))?;
    viewer.check_csrf(csrf(&headers))?;
    let (run, proposals) = service::publish(&state.store, id, viewer.user_id()).await?;
    Ok(axum::Json(PublishResponse {
        run: run_view(&run),
        proposals,
    }))
}

/// Integrity check.
#[derive(Serialize, ToSchema)]
pub struct VerifyResponse {
    /// Whether the stored scheme, inputs and results hash to the recorded content hash.
    pub verified: bool,
    /// The recorded hash.
    pub content_hash: String,
}

/// Recomputes a run's hashes from what is stored.
#[utoipa::path(get, path = "/api/v1/evaluations/{id}/verify", tag = "evaluation",
    params(("id" = i64, Path, description = "Run id")),
    responses((status = 200, body = VerifyResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn verify_evaluation(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<VerifyResponse>> {
    let id = parse_id(&id, "id")?;
    let run = visible_run(&state, &viewer, id).await?;
    let verified = service::verify_run(&state.store, id).await?;
    Ok(axum::Json(VerifyResponse {
        verified,
        content_hash: run.content_hash,
    }))
}
