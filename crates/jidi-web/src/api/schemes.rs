//! Evaluation schemes through the API: list, read (JSON or TOML), upload a version, make default.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jidi_domain::access;
use jidi_domain::scheme::SchemeFormat;
use jidi_service::evaluation as service;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::extract::ApiQuery;
use crate::auth::Viewer;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::params::{csrf, parse_id, parse_opt};
use crate::reads::schemes::{SchemeView, save_scheme_text, scheme_view};
use crate::state::AppState;

/// Year filter.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct YearQuery {
    /// Year.
    pub year: Option<String>,
    /// Interface language (`zh` or `en`).
    pub lang: Option<String>,
}

/// Lists schemes (unpublished ones only for evaluators and the ministry).
#[utoipa::path(get, path = "/api/v1/schemes", tag = "evaluation", params(YearQuery),
    responses((status = 200, body = Vec<SchemeView>), (status = 400, body = ErrorBody)))]
pub async fn list_schemes(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<axum::Json<Vec<SchemeView>>> {
    let year = parse_opt(&q.year, "year", |v| v.parse::<i32>().ok(), "a year")?;
    let schemes = state.store.schemes(year).await?;
    Ok(axum::Json(
        schemes
            .iter()
            .filter(|s| access::can_view_scheme(viewer.who(), s.locked).granted())
            .map(scheme_view)
            .collect(),
    ))
}

/// Scheme format query.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SchemeFormatQuery {
    /// `json` (the scheme as a JSON object, default) or `toml` (a file to download and edit).
    pub format: Option<String>,
    /// Interface language (`zh` or `en`).
    pub lang: Option<String>,
}

/// A scheme's definition.
#[utoipa::path(get, path = "/api/v1/schemes/{id}", tag = "evaluation",
    params(("id" = i64, Path, description = "Scheme id"), SchemeFormatQuery),
    responses((status = 200, description = "The scheme (JSON, or TOML with format=toml)"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_scheme(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<SchemeFormatQuery>,
) -> ApiResult<Response> {
    let id = parse_id(&id, "id")?;
    let record = state
        .store
        .scheme(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("scheme {id}")))?;
    AppError::check(access::can_view_scheme(viewer.who(), record.locked))?;
    let scheme = service::scheme_of(&record)?;
    match q.format.as_deref() {
        None | Some("json") => Ok(axum::Json(scheme).into_response()),
        Some("toml") => Ok((
            [
                (
                    header::CONTENT_TYPE,
                    "application/toml; charset=utf-8".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"scheme-{}-v{}.toml\"",
                        record.year, record.version
                    ),
                ),
            ],
            scheme.to_text(SchemeFormat::Toml),
        )
            .into_response()),
        Some(other) => {
            Err(AppError::bad_field("format", format!("{other:?} is not json or toml")).into())
        }
    }
}

/// Creates a scheme version from a TOML or JSON file (evaluators and the ministry). Problems are
/// listed with their paths (422).
#[utoipa::path(post, path = "/api/v1/schemes", tag = "evaluation",
    request_body(content = String, content_type = "application/toml", description = "The scheme as TOML or JSON"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 201, body = SchemeView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, description = "Invalid scheme: every problem with its path in `error.fields`", body = ErrorBody)))]
pub async fn create_scheme(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    AppError::check(access::can_run_trials(viewer.who()))?;
    viewer.check_csrf(csrf(&headers))?;
    let text = String::from_utf8_lossy(&body).to_string();
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    let file = if is_json {
        "scheme.json"
    } else {
        "scheme.toml"
    };
    let record = save_scheme_text(&state, &viewer, file, &text, None).await?;
    Ok((StatusCode::CREATED, axum::Json(scheme_view(&record))).into_response())
}

/// Makes a scheme its year's default (ministry).
#[utoipa::path(post, path = "/api/v1/schemes/{id}/default", tag = "evaluation",
    params(("id" = i64, Path, description = "Scheme id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn set_default_scheme(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = parse_id(&id, "id")?;
    AppError::check(access::can_publish(viewer.who()))?;
    viewer.check_csrf(csrf(&headers))?;
    state.store.set_default_scheme(id, viewer.user_id()).await?;
    Ok(StatusCode::NO_CONTENT)
}
