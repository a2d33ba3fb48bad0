//! The roll through the API: list, get, create, update, withdraw, history, indicators, import and
//! export.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jidi_domain::access;
use jidi_domain::roll::{Status, Withdrawal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::extract::{ApiJson, ApiQuery};
use crate::auth::Viewer;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::params::{csrf, parse_id};
use crate::reads::bases::{
    BaseRequest, IndicatorSeries, TierChangeView, history_views, render_roll, scope, series, today,
    visible_base, visible_roll,
};
use crate::state::AppState;
use crate::views::{BaseListQuery, BaseView, base_view};

/// A page of bases.
#[derive(Serialize, ToSchema)]
pub struct BaseListResponse {
    /// The bases of this page.
    pub items: Vec<BaseView>,
    /// Bases matching the filters in all.
    pub total: i64,
    /// Page number, from 1.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
}

/// A withdrawal.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawRequest {
    /// Date of withdrawal, YYYY-MM-DD.
    pub on: String,
    /// Reason (shown on the base's timeline).
    pub reason: String,
}

/// Lists bases with filters, sorting and paging. Anonymous users and out-of-province users see the
/// national roll only; provincial and cultivating lists are visible within scope.
#[utoipa::path(get, path = "/api/v1/bases", tag = "roll", params(BaseListQuery),
    responses(
        (status = 200, body = BaseListResponse),
        (status = 400, description = "A filter value is invalid", body = ErrorBody),
    ))]
pub async fn list_bases(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(query): ApiQuery<BaseListQuery>,
) -> ApiResult<axum::Json<BaseListResponse>> {
    let req = query.parse(&state)?;
    let scope = access::list_scope(viewer.who());
    let (bases, total) = state
        .store
        .list_bases(&req.filter, &scope, req.sort, req.order, req.store_page())
        .await?;
    let items = bases
        .iter()
        .map(|b| base_view(&state, b, viewer.lang))
        .collect();
    Ok(axum::Json(BaseListResponse {
        items,
        total,
        page: req.page,
        per_page: req.per_page,
    }))
}

/// One base.
#[utoipa::path(get, path = "/api/v1/bases/{id}", tag = "roll",
    params(("id" = i64, Path, description = "Base id")),
    responses(
        (status = 200, body = BaseView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
pub async fn get_base(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<BaseView>> {
    let id = parse_id(&id, "id")?;
    let base = visible_base(&state, &viewer, id).await?;
    Ok(axum::Json(base_view(&state, &base, viewer.lang)))
}

/// Creates a base (ministry).
#[utoipa::path(post, path = "/api/v1/bases", tag = "roll", request_body = BaseRequest,
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = 201, body = BaseView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "A base with this name exists", body = ErrorBody),
        (status = 422, description = "Field errors", body = ErrorBody),
    ))]
pub async fn create_base(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: ApiJson<BaseRequest>,
) -> ApiResult<Response> {
    AppError::check(access::can_edit_roll(viewer.who()))?;
    viewer.check_csrf(csrf(&headers))?;
    let body = body.parse()?;
    let draft = body.to_draft(&state, Status::Current)?;
    let id = state
        .store
        .create_base(&draft, viewer.user_id(), today())
        .await?;
    let base = state
        .store
        .base(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("base {id}")))?;
    let view = base_view(&state, &base, viewer.lang);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/bases/{id}"))],
        axum::Json(view),
    )
        .into_response())
}

/// Replaces the facts of a base (ministry). A change of tier is written to the history.
#[utoipa::path(put, path = "/api/v1/bases/{id}", tag = "roll", request_body = BaseRequest,
    params(("id" = i64, Path, description = "Base id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = 200, body = BaseView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
    ))]
pub async fn update_base(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<BaseRequest>,
) -> ApiResult<axum::Json<BaseView>> {
    let id = parse_id(&id, "id")?;
    AppError::check(access::can_edit_roll(viewer.who()))?;
    viewer.check_csrf(csrf(&headers))?;
    let body = body.parse()?;
    let before = state
        .store
        .base(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("base {id}")))?;
    let draft = body.to_draft(&state, before.facts.status.clone())?;
    let after = state
        .store
        .update_base(id, &draft, viewer.user_id(), today())
        .await?;
    Ok(axum::Json(base_view(&state, &after, viewer.lang)))
}

/// Withdraws a base from the roll (摘牌, ministry).
#[utoipa::path(post, path = "/api/v1/bases/{id}/withdraw", tag = "roll", request_body = WithdrawRequest,
    params(("id" = i64, Path, description = "Base id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = 200, body = BaseView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "Already withdrawn", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
pub async fn withdraw_base(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<WithdrawRequest>,
) -> ApiResult<axum::Json<BaseView>> {
    let id = parse_id(&id, "id")?;
    AppError::check(access::can_edit_roll(viewer.who()))?;
    viewer.check_csrf(csrf(&headers))?;
    let body = body.parse()?;
    let withdrawal =
        Withdrawal::parse(&body.on, &body.reason, today()).map_err(AppError::invalid)?;
    state
        .store
        .base(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("base {id}")))?;
    let after = state
        .store
        .withdraw_base(
            id,
            withdrawal.on,
            &withdrawal.reason,
            None,
            viewer.user_id(),
        )
        .await?;
    Ok(axum::Json(base_view(&state, &after, viewer.lang)))
}

/// The tier history of a base, oldest first.
#[utoipa::path(get, path = "/api/v1/bases/{id}/tier-history", tag = "roll",
    params(("id" = i64, Path, description = "Base id")),
    responses(
        (status = 200, body = Vec<TierChangeView>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
pub async fn list_tier_history(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Vec<TierChangeView>>> {
    let id = parse_id(&id, "id")?;
    visible_base(&state, &viewer, id).await?;
    let history = state.store.tier_history(id).await?;
    Ok(axum::Json(history_views(&history, viewer.lang)))
}

/// Query of a base's indicator series.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct IndicatorQuery {
    /// `annual` (default) or `monthly`.
    pub frequency: Option<String>,
    /// Comma-separated indicator codes (all when absent).
    pub codes: Option<String>,
    /// Monthly: first period `YYYYMM`.
    pub from: Option<String>,
    /// Interface language (`zh` or `en`).
    pub lang: Option<String>,
}

/// Indicator values of a base (unpublished data: ministry, evaluators, the base's province and the
/// base itself).
#[utoipa::path(get, path = "/api/v1/bases/{id}/indicators", tag = "roll",
    params(("id" = i64, Path, description = "Base id"), IndicatorQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = 200, body = Vec<IndicatorSeries>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
pub async fn list_base_indicators(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<IndicatorQuery>,
) -> ApiResult<axum::Json<Vec<IndicatorSeries>>> {
    let id = parse_id(&id, "id")?;
    let base = visible_base(&state, &viewer, id).await?;
    AppError::check(access::can_view_base_data(viewer.who(), scope(&base)))?;
    let monthly = match q.frequency.as_deref() {
        None | Some("annual") => false,
        Some("monthly") => true,
        Some(other) => {
            return Err(AppError::bad_field(
                "frequency",
                format!("{other:?} is not annual or monthly"),
            )
            .into());
        }
    };
    let codes: Vec<String> = q
        .codes
        .as_deref()
        .map(|c| {
            c.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    for c in &codes {
        if jidi_domain::catalogue::indicator(c).is_none() {
            return Err(AppError::bad_field("codes", format!("unknown indicator {c:?}")).into());
        }
    }
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    Ok(axum::Json(
        series(&state, id, monthly, &refs, q.from.as_deref()).await?,
    ))
}

/// Result of an import.
#[derive(Serialize, ToSchema)]
pub struct ImportResponse {
    /// Ids of the bases created, in file order (empty on a dry run).
    pub created: Vec<i64>,
    /// Rows that passed every check.
    pub valid_rows: usize,
    /// Whether this was a dry run (nothing written).
    pub dry_run: bool,
}

/// Query of an import.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// File name (its extension tells CSV from XLSX when the content does not).
    pub file: Option<String>,
    /// Check only; write nothing.
    pub dry_run: Option<bool>,
    /// Interface language (`zh` or `en`).
    pub lang: Option<String>,
}

/// Imports a roll file (CSV or XLSX as the raw body), all or nothing (ministry). On any problem
/// nothing is written and every problem is listed with its row, column and rule.
#[utoipa::path(post, path = "/api/v1/bases/import", tag = "roll", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "text/csv", description = "The file (CSV, UTF-8 or GB18030; or XLSX)"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = 201, description = "Imported", body = ImportResponse),
        (status = 200, description = "Dry run: every row passed", body = ImportResponse),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "Rejected; nothing written. `error.problems` lists every problem by row, column and rule", body = ErrorBody),
    ))]
pub async fn import_roll(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Bytes,
) -> ApiResult<Response> {
    AppError::check(access::can_edit_roll(viewer.who()))?;
    viewer.check_csrf(csrf(&headers))?;
    let file = q.file.unwrap_or_else(|| "upload.csv".into());
    let cats = state.categories();
    let dry_run = q.dry_run.unwrap_or(false);
    match jidi_service::roll::import_roll(
        &state.store,
        &cats,
        &file,
        &body,
        viewer.user_id(),
        dry_run,
    )
    .await
    {
        Ok(r) => {
            let status = if r.dry_run {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            };
            let body = ImportResponse {
                created: r.created,
                valid_rows: r.valid_rows,
                dry_run: r.dry_run,
            };
            Ok((status, axum::Json(body)).into_response())
        }
        Err(problems) => Err(AppError::import_rejected(problems).into()),
    }
}

/// Exports the roll visible to the caller as CSV (UTF-8 with BOM), XLSX or JSON, with the list's
/// filters and sorting (`format` selects the file type).
#[utoipa::path(get, path = "/api/v1/bases/export", tag = "roll", params(BaseListQuery),
    responses(
        (status = 200, description = "The roll file", content_type = "text/csv"),
        (status = 400, body = ErrorBody),
    ))]
pub async fn export_roll(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<BaseListQuery>,
) -> ApiResult<Response> {
    let format = q.format.as_deref().unwrap_or("csv");
    if !matches!(format, "csv" | "xlsx" | "json") {
        return Err(
            AppError::bad_field("format", format!("{format:?} is not csv, xlsx or json")).into(),
        );
    }
    let req = q.parse(&state)?;
    let bases = visible_roll(&state, &viewer, &req).await?;
    render_roll(&state, &bases, format, viewer.lang).map_err(Into::into)
}
