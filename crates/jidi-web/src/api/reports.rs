//! The annual development report through the API: drafts (ministry), published editions and
//! their files (public), publishing an edition (ministry). Uploading the office's final file
//! goes through the `/reports` page (multipart form).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::extract::{ApiJson, ApiQuery};
use crate::auth::Viewer;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::params::{csrf, parse_id};
use crate::reads::reports::{self, DraftQuery, EditionView};
use crate::state::AppState;

/// Generates a draft of a year's report (ministry): HTML shown inline, DOCX and PDF as downloads.
/// Every figure in the HTML carries `data-fig` and `data-source` (the query or evaluation run it
/// came from). PDF needs Chromium on the server (503 without it).
#[utoipa::path(get, path = "/api/v1/reports/draft", tag = "report", params(DraftQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = 200, description = "The report file (text/html, DOCX or application/pdf)", content_type = "text/html"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 503, body = ErrorBody),
    ))]
pub async fn get_report_draft(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<DraftQuery>,
) -> ApiResult<Response> {
    crate::error::AppError::check(jidi_domain::access::can_manage_reports(viewer.who()))?;
    let spec = q.parse()?;
    Ok(reports::draft(&state, &viewer, &spec)
        .await?
        .into_response())
}

/// Lists the published editions of the report, newest first (public).
#[utoipa::path(get, path = "/api/v1/reports/editions", tag = "report",
    responses((status = 200, body = Vec<EditionView>)))]
pub async fn list_report_editions(
    State(state): State<AppState>,
) -> ApiResult<axum::Json<Vec<EditionView>>> {
    Ok(axum::Json(reports::editions(&state).await?))
}

/// An edition to publish.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditionRequest {
    /// Year of the data.
    pub year: i32,
    /// `zh` (default) or `en`.
    #[serde(default)]
    pub lang: Option<String>,
}

/// Publishes the next edition of a year's report (ministry): the generated HTML and DOCX are
/// frozen with their SHA-256 and become public.
#[utoipa::path(post, path = "/api/v1/reports/editions", tag = "report", request_body = EditionRequest,
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = 201, body = EditionView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
    ))]
pub async fn publish_report_edition(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: ApiJson<EditionRequest>,
) -> ApiResult<Response> {
    AppError::check(jidi_domain::access::can_manage_reports(viewer.who()))?;
    viewer.check_csrf(csrf(&headers))?;
    let body = body.parse()?;
    let year = reports::year_field(&body.year.to_string())?;
    let lang = reports::lang_field(body.lang.as_deref().unwrap_or(""))?;
    let view = reports::publish(&state, &viewer, year, lang, None).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, view.links.html.clone())],
        axum::Json(view),
    )
        .into_response())
}

/// One file of a published edition (public): `html`, `docx`, `final` (the office's uploaded
/// DOCX or PDF) or `figures` (the sidecar JSON of every figure with its source).
#[utoipa::path(get, path = "/api/v1/reports/editions/{id}/files/{file}", tag = "report",
    params(("id" = i64, Path, description = "Edition id"), ("file" = String, Path, description = "html, docx, final or figures")),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
pub async fn get_report_edition_file(
    State(state): State<AppState>,
    Path((id, file)): Path<(String, String)>,
) -> ApiResult<Response> {
    let id = parse_id(&id, "id")?;
    Ok(reports::edition_file(&state, id, &file)
        .await?
        .into_response())
}
