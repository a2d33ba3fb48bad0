//! A base's timeline and incident reports through the API.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use jidi_domain::access::Role;
use jidi_domain::roll::FieldError;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::extract::ApiJson;
use crate::auth::Viewer;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::params::{csrf, parse_id};
use crate::reads::bases::{today, visible_base};
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
    ApiJson(body): ApiJson<IncidentRequest>,
) -> ApiResult<StatusCode> {
    let id = parse_id(&id, "id")?;
    let base = visible_base(&state, &viewer, id).await?;
    let allowed = viewer.principal.as_ref().is_some_and(|p| {
        p.role == Role::Ministry
            || (p.role == Role::Province
                && p.province_code.as_deref() == Some(base.facts.province_code.as_str()))
    });
    if !allowed {
        return Err(if viewer.principal.is_some() {
            AppError::Forbidden
        } else {
            AppError::Unauthorized
        }
        .into());
    }
    viewer.check_csrf(csrf(&headers))?;
    let mut errors = Vec::new();
    let kind = jidi_domain::incident::IncidentKind::parse(&body.kind);
    if kind.is_none() {
        errors.push(FieldError {
            field: "kind".into(),
            message: format!("{:?} is not an incident kind", body.kind),
        });
    }
    let on = jidi_domain::import::parse_date(&body.on);
    match on {
        None => errors.push(FieldError {
            field: "on".into(),
            message: format!("{:?} is not a date", body.on),
        }),
        Some(d) if d > today() => errors.push(FieldError {
            field: "on".into(),
            message: format!("{d} is in the future"),
        }),
        _ => {}
    }
    if body.description.trim().is_empty() {
        errors.push(FieldError {
            field: "description".into(),
            message: "a description is required".into(),
        });
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors).into());
    }
    state
        .store
        .add_incident(
            id,
            kind.expect("checked"),
            on.expect("checked"),
            body.description.trim(),
            viewer.user_id(),
        )
        .await?;
    Ok(StatusCode::CREATED)
}
