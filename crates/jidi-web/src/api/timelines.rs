//! A base's timeline and incident reports through the API.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use jidi_domain::access;
use jidi_domain::incident::IncidentReport;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::extract::ApiJson;
use crate::auth::Viewer;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::params::{csrf, parse_id};
use crate::reads::bases::{scope, today, visible_base};
use crate::reads::timelines::{TimelineEvent, timeline};
use crate::state::AppState;

/// A base's timeline.
#[utoipa::path(get, path = "/api/v1/bases/{id}/timeline", tag = "management",
    params(("id" = i64, Path, description = "Base id")),
    responses((status = 200, body = Vec<TimelineEvent>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_base_timeline(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Vec<TimelineEvent>>> {
    let id = parse_id(&id, "id")?;
    let base = visible_base(&state, &viewer, id).await?;
    let tiers = state.store.tier_history(base.id).await?;
    let ratings = state.store.base_published_history(base.id).await?;
    Ok(axum::Json(
        timeline(&state, &viewer, &base, &tiers, &ratings).await?,
    ))
}

/// An incident report.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentRequest {
    /// `safety_major`, `safety_serious`, `environment_level1` or `environment_level2`.
    pub kind: String,
    /// Date (YYYY-MM-DD).
    pub on: String,
    /// Description.
    pub description: String,
}

/// Records an incident (the ministry, or the base's province); vetoing kinds cap the year's stars.
#[utoipa::path(post, path = "/api/v1/bases/{id}/incidents", tag = "management", request_body = IncidentRequest,
    params(("id" = i64, Path, description = "Base id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 201), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_incident(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<IncidentRequest>,
) -> ApiResult<StatusCode> {
    let id = parse_id(&id, "id")?;
    let base = visible_base(&state, &viewer, id).await?;
    AppError::check(access::can_record_incident(viewer.who(), scope(&base)))?;
    viewer.check_csrf(csrf(&headers))?;
    let body = body.parse()?;
    let report = IncidentReport::parse(&body.kind, &body.on, &body.description, today())
        .map_err(AppError::invalid)?;
    state
        .store
        .add_incident(
            id,
            report.kind,
            report.on,
            &report.description,
            viewer.user_id(),
        )
        .await?;
    Ok(StatusCode::CREATED)
}
