//! Results and scorecards of a run through the API.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::extract::ApiQuery;
use crate::auth::Viewer;
use crate::error::{ApiResult, ErrorBody};
use crate::params::parse_id;
use crate::reads::results::{
    ResultView, ResultsQuery, export_results, parse_results_order, parse_results_query,
    results_page,
};
use crate::reads::runs::visible_run;
use crate::reads::scorecards::{Scorecard, scorecard};
use crate::state::AppState;

/// A page of results.
#[derive(Serialize, ToSchema)]
pub struct ResultsResponse {
    /// Rows in the order asked for (national rank by default).
    pub items: Vec<ResultView>,
    /// Rows matching.
    pub total: i64,
    /// Page.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
}

/// Results of a run, by national rank unless sorted otherwise, with filters, a name search and
/// the changes from last year.
#[utoipa::path(get, path = "/api/v1/evaluations/{id}/results", tag = "evaluation",
    params(("id" = i64, Path, description = "Run id"), ResultsQuery),
    responses((status = 200, body = ResultsResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_evaluation_results(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ResultsQuery>,
) -> ApiResult<Response> {
    let id = parse_id(&id, "id")?;
    let run = visible_run(&state, &viewer, id).await?;
    let (filter, paging) = parse_results_query(&q)?;
    let order = parse_results_order(&q)?;
    if let Some(format) = q.format.as_deref() {
        return Ok(export_results(&state, &viewer, &run, &filter, &order, format).await?);
    }
    let (items, total) = results_page(&state, &viewer, &run, &filter, &order, paging).await?;
    Ok(axum::Json(ResultsResponse {
        items,
        total,
        page: paging.page,
        per_page: paging.per_page,
    })
    .into_response())
}

/// A base's full scorecard in a run (the base itself, its province, evaluators, the ministry).
#[utoipa::path(get, path = "/api/v1/evaluations/{id}/results/{base_id}", tag = "evaluation",
    params(("id" = i64, Path, description = "Run id"), ("base_id" = i64, Path, description = "Base id")),
    responses((status = 200, body = Scorecard), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_scorecard(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, base_id)): Path<(String, String)>,
) -> ApiResult<axum::Json<Scorecard>> {
    let id = parse_id(&id, "id")?;
    let base_id = parse_id(&base_id, "base_id")?;
    let run = visible_run(&state, &viewer, id).await?;
    Ok(axum::Json(scorecard(&state, &viewer, &run, base_id).await?))
}
