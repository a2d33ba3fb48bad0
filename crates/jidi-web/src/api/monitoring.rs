//! Monitoring and early warning through the API: group aggregates, ranked bases, a base's series
//! with its forecast, the XLSX export, and the warnings feed with acknowledgements.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use jidi_tabular::Cell;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::extract::{ApiJson, ApiQuery};
use crate::auth::Viewer;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::params::{csrf, parse_id};
use crate::reads::cache::Generation;
use crate::reads::monitoring::{
    BaseSeriesView, GroupView, MonitorBaseView, MonitorQuery, WarningQuery, WarningView,
    acknowledge, all_bases, base_series, bases_page, groups_page, period_text, warnings_page,
};
use crate::state::AppState;

/// Group figures of one month.
#[derive(Serialize, ToSchema)]
pub struct GroupsResponse {
    /// Indicator code.
    pub indicator: String,
    /// Month `YYYY-MM` (null when nothing is derived yet).
    pub period: Option<String>,
    /// Grouping.
    pub group_by: String,
    /// Groups, by code.
    pub items: Vec<GroupView>,
    /// Number of groups.
    pub total: i64,
    /// Page.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
}

/// Monitoring aggregates: each group's sums of the month and its growth rates as ratios of sums
/// over the bases reporting both periods (comparable basis). Signed-in users only.
#[utoipa::path(get, path = "/api/v1/monitoring/groups", tag = "monitoring", params(MonitorQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = GroupsResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list_monitoring_groups(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<MonitorQuery>,
) -> ApiResult<axum::Json<GroupsResponse>> {
    let (req, group, items, total) =
        groups_page(&state, Generation::now(&state).await?, &viewer, &q).await?;
    Ok(axum::Json(GroupsResponse {
        indicator: req.indicator,
        period: req.period.map(period_text),
        group_by: group.code().into(),
        items,
        total,
        page: req.paging.page,
        per_page: req.paging.per_page,
    }))
}

/// Ranked bases of one month.
#[derive(Serialize, ToSchema)]
pub struct MonitorBasesResponse {
    /// Indicator code.
    pub indicator: String,
    /// Month `YYYY-MM`.
    pub period: Option<String>,
    /// Bases.
    pub items: Vec<MonitorBaseView>,
    /// Total in scope.
    pub total: i64,
    /// Page.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
}

/// Bases in the viewer's scope ranked by growth (or level) with their open warnings: the
/// ministry and evaluators every base, a province its own, a base itself.
#[utoipa::path(get, path = "/api/v1/monitoring/bases", tag = "monitoring", params(MonitorQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = MonitorBasesResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_monitoring_bases(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<MonitorQuery>,
) -> ApiResult<axum::Json<MonitorBasesResponse>> {
    let (req, items, total) =
        bases_page(&state, Generation::now(&state).await?, &viewer, &q).await?;
    Ok(axum::Json(MonitorBasesResponse {
        indicator: req.indicator,
        period: req.period.map(period_text),
        items,
        total,
        page: req.paging.page,
        per_page: req.paging.per_page,
    }))
}

/// The indicator of a series.
#[derive(Deserialize, Serialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SeriesQuery {
    /// Monthly indicator code (default `m_rev`).
    pub indicator: Option<String>,
    /// Interface language.
    pub lang: Option<String>,
}

/// One base's monthly series with YoY, MoM and cumulative YoY, its category's and the nation's
/// growth (ratio of sums), and 12 months of forecast with the 95% band.
#[utoipa::path(get, path = "/api/v1/monitoring/bases/{id}/series", tag = "monitoring", params(("id" = i64, Path, description = "Base id"), SeriesQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = BaseSeriesView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_monitoring_series(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<SeriesQuery>,
) -> ApiResult<axum::Json<BaseSeriesView>> {
    let id = parse_id(&id, "id")?;
    Ok(axum::Json(
        base_series(
            &state,
            Generation::now(&state).await?,
            &viewer,
            id,
            q.indicator.as_deref(),
        )
        .await?,
    ))
}

/// The header of the monitoring table export.
pub const EXPORT_HEADER: [&str; 12] = [
    "base_id",
    "base_name",
    "province",
    "category",
    "period",
    "cumulative_1_to_n",
    "month",
    "span_months",
    "yoy_pct",
    "cumulative_yoy_pct",
    "mom_pct",
    "open_warnings",
];

/// An optional figure as a workbook cell (empty when absent); the green export uses it too.
pub(crate) fn opt(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Number)
}

/// The monitoring table of one month (every base in the viewer's scope) as an XLSX workbook.
#[utoipa::path(get, path = "/api/v1/monitoring/export", tag = "monitoring", params(MonitorQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, description = "XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn export_monitoring(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<MonitorQuery>,
) -> ApiResult<Response> {
    let (req, items) = all_bases(&state, Generation::now(&state).await?, &viewer, &q).await?;
    let rows: Vec<Vec<Cell>> = items
        .iter()
        .map(|b| {
            vec![
                Cell::Number(b.base_id as f64),
                Cell::Text(b.name.clone()),
                Cell::Text(b.province_name.clone()),
                Cell::Text(b.category_name.clone()),
                Cell::Text(b.period.clone()),
                opt(b.cumulative),
                opt(b.single),
                Cell::Number(f64::from(b.span_months)),
                opt(b.yoy),
                opt(b.cum_yoy),
                opt(b.mom),
                Cell::Number(b.open_warnings as f64),
            ]
        })
        .collect();
    let bytes = jidi_tabular::write_xlsx("monitoring", &EXPORT_HEADER, &rows)
        .map_err(AppError::internal)?;
    let name = format!(
        "monitoring-{}-{}.xlsx",
        req.indicator,
        req.period.map(period_text).unwrap_or_default()
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// A page of warnings.
#[derive(Serialize, ToSchema)]
pub struct WarningsResponse {
    /// Warnings: open first, then by level and latest change.
    pub items: Vec<WarningView>,
    /// Total matching.
    pub total: i64,
    /// Page.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
    /// Open warnings in scope by level: blue, yellow, orange, red.
    pub open_by_level: Vec<i64>,
}

/// The warnings feed in the viewer's scope (the ministry and evaluators every base, a province
/// its own, a base itself; the public none).
#[utoipa::path(get, path = "/api/v1/warnings", tag = "monitoring", params(WarningQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = WarningsResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list_warnings(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<WarningQuery>,
) -> ApiResult<axum::Json<WarningsResponse>> {
    let (items, total, paging, open_by_level) =
        warnings_page(&state, Generation::now(&state).await?, &viewer, &q).await?;
    Ok(axum::Json(WarningsResponse {
        items,
        total,
        page: paging.page,
        per_page: paging.per_page,
        open_by_level: open_by_level.to_vec(),
    }))
}

/// An acknowledgement and/or annotation.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgementRequest {
    /// Acknowledge the warning.
    #[serde(default)]
    pub acknowledge: bool,
    /// Set the annotation (at most 2000 characters).
    pub annotation: Option<String>,
}

/// Acknowledges and/or annotates a warning: the ministry, the base's province or the base itself.
/// An escalation to a new peak level clears the acknowledgement.
#[utoipa::path(post, path = "/api/v1/warnings/{id}/acknowledgement", tag = "monitoring", request_body = AcknowledgementRequest,
    params(("id" = i64, Path, description = "Warning id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = WarningView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn acknowledge_warning(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<AcknowledgementRequest>,
) -> ApiResult<axum::Json<WarningView>> {
    let id = parse_id(&id, "id")?;
    if viewer.who().is_none() {
        return Err(AppError::Unauthorized.into());
    }
    viewer.check_csrf(csrf(&headers))?;
    let body = body.parse()?;
    Ok(axum::Json(
        acknowledge(
            &state,
            &viewer,
            id,
            body.acknowledge,
            body.annotation.as_deref(),
        )
        .await?,
    ))
}
