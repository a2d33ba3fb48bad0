//! The managed indicator catalogue through the API: read any version (JSON, CSV or XLSX; public
//! reference data), list the versions, and (the ministry) replace it with a file or edit one
//! indicator, each checked whole and saved as the next version, or refused with every problem.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jidi_domain::access;
use jidi_service::catalogue::{self, CatalogueEdit};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::api::extract::{ApiJson, ApiQuery};
use crate::auth::Viewer;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::params::csrf;
use crate::reads::catalogue::{
    CatalogueEditResponse, CatalogueEntryView, CatalogueVersionView, CatalogueView, catalogue_view,
    edit_error, edit_response, entry_cells, rejected, version_view,
};
use crate::state::AppState;

/// Which version, in which form.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CatalogueQuery {
    /// A version number (default: the current one).
    pub version: Option<i64>,
    /// `json` (default), `csv` or `xlsx`: the file form the ministry edits and uploads back.
    pub format: Option<String>,
}

/// The indicator catalogue: every indicator with its names, unit and accepted units, frequency,
/// cumulation, direction, dimension, categories, formula, bounds, year-on-year bounds, whether
/// it is required, the totals it must not exceed, and whether it is retired.
#[utoipa::path(get, path = "/api/v1/catalogue", tag = "reference", params(CatalogueQuery),
    responses(
        (status = 200, description = "The catalogue (JSON), or its file (CSV/XLSX)", body = CatalogueView),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
pub async fn get_catalogue(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CatalogueQuery>,
) -> ApiResult<Response> {
    let format = q.format.as_deref().unwrap_or("json");
    if !matches!(format, "json" | "csv" | "xlsx") {
        return Err(
            AppError::bad_field("format", format!("{format:?} is not json, csv or xlsx")).into(),
        );
    }
    let (version, c) = match q.version {
        None => state.store.current_catalogue().await?,
        Some(v) => state
            .store
            .catalogue_at(v)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("catalogue version {v}")))?,
    };
    let (header_row, rows) = c.to_rows();
    let name = format!("catalogue-v{}", version.version);
    let (bytes, content_type, ext) = match format {
        "json" => return Ok(axum::Json(catalogue_view(&version, &c)).into_response()),
        "xlsx" => (
            jidi_tabular::write_xlsx("指标目录", &header_row, &rows).map_err(AppError::internal)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        _ => (
            jidi_tabular::write_csv(&header_row, &rows).map_err(AppError::internal)?,
            "text/csv; charset=utf-8",
            "csv",
        ),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.{ext}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Every saved version of the catalogue, newest first.
#[utoipa::path(get, path = "/api/v1/catalogue/versions", tag = "reference",
    responses((status = 200, body = Vec<CatalogueVersionView>)))]
pub async fn list_catalogue_versions(
    State(state): State<AppState>,
) -> ApiResult<axum::Json<Vec<CatalogueVersionView>>> {
    let versions = state.store.catalogue_versions(1_000).await?;
    Ok(axum::Json(versions.iter().map(version_view).collect()))
}

/// Query of a catalogue upload.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CatalogueUploadQuery {
    /// File name (its extension tells CSV from XLSX when the content does not).
    pub file: Option<String>,
    /// Why (required; recorded with the version and in each indicator's audit entry).
    pub reason: Option<String>,
    /// The version the file was made from: 409 when another one was saved since.
    pub based_on: Option<i64>,
    /// Check only; save nothing.
    pub dry_run: Option<bool>,
}

/// Replaces the catalogue with a file (CSV or XLSX, the columns of `GET /api/v1/catalogue?format=csv`,
/// English or Chinese headers). Checked whole: an indicator is retired, never removed; the unit,
/// frequency and cumulation of an indicator with stored values cannot change; any problem refuses
/// the file (422, nothing saved). The ministry only.
#[utoipa::path(post, path = "/api/v1/catalogue", tag = "reference", params(CatalogueUploadQuery),
    request_body(content = Vec<u8>, content_type = "text/csv", description = "The catalogue file (CSV or XLSX)"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = 201, description = "Saved as the next version", body = CatalogueEditResponse),
        (status = 200, description = "Dry run, or nothing changed", body = CatalogueEditResponse),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, description = "Refused; nothing saved. `error.problems` lists every problem by row and column", body = ErrorBody),
    ))]
pub async fn upload_catalogue(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<CatalogueUploadQuery>,
    body: Bytes,
) -> ApiResult<Response> {
    AppError::check(access::can_edit_catalogue(viewer.who()))?;
    viewer.check_csrf(csrf(&headers))?;
    let file: String = q
        .file
        .unwrap_or_else(|| "catalogue.csv".into())
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let dry_run = q.dry_run.unwrap_or(false);
    let how = CatalogueEdit {
        user_id: viewer.user_id(),
        source: "api",
        reason: q.reason.unwrap_or_default(),
        based_on: q.based_on,
        dry_run,
    };
    let outcome = catalogue::import_catalogue(&state.store, &file, &body, &how)
        .await
        .map_err(edit_error)?;
    if !outcome.errors.is_empty() {
        return Err(rejected(&file, &outcome.errors).into());
    }
    let code = if outcome.saved.is_some() {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((code, axum::Json(edit_response(&outcome, dry_run))).into_response())
}

/// An edit of one indicator.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditIndicatorBody {
    /// The version the edit was made on: 409 when another one was saved since.
    pub based_on: Option<i64>,
    /// Why (required).
    pub reason: String,
    /// The indicator as it should be (its `code` must be the path's).
    pub indicator: CatalogueEntryView,
}

/// Adds an indicator or changes one, checked as a catalogue file would be (the row in its place
/// among the others), saved as the next version with its audit entry. The ministry only.
#[utoipa::path(put, path = "/api/v1/catalogue/indicators/{code}", tag = "reference",
    params(("code" = String, Path, description = "Indicator code")),
    request_body = EditIndicatorBody,
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = 200, description = "Saved, or nothing changed", body = CatalogueEditResponse),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, description = "Refused; `error.fields` names each column", body = ErrorBody),
    ))]
pub async fn put_indicator(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(code): Path<String>,
    body: ApiJson<EditIndicatorBody>,
) -> ApiResult<axum::Json<CatalogueEditResponse>> {
    AppError::check(access::can_edit_catalogue(viewer.who()))?;
    viewer.check_csrf(csrf(&headers))?;
    let body = body.parse()?;
    if body.indicator.code != code {
        return Err(AppError::bad_field(
            "indicator.code",
            format!(
                "{:?} is not the code of the path",
                body.indicator.code.chars().take(40).collect::<String>()
            ),
        )
        .into());
    }
    let how = CatalogueEdit {
        user_id: viewer.user_id(),
        source: "api",
        reason: body.reason,
        based_on: body.based_on,
        dry_run: false,
    };
    let outcome = catalogue::save_entry(&state.store, &entry_cells(&body.indicator), &how)
        .await
        .map_err(edit_error)?;
    if !outcome.errors.is_empty() {
        return Err(rejected("", &outcome.errors).into());
    }
    Ok(axum::Json(edit_response(&outcome, false)))
}
