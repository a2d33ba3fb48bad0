//! Each role's work through the API: what the first screen (`/`) shows, as data.

use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::extract::ApiQuery;
use crate::auth::Viewer;
use crate::error::{ApiResult, ErrorBody};
use crate::reads::work::{self as reads, WorkView};
use crate::state::AppState;

/// Query of the first screen.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct WorkQuery {
    /// Language of the labels (`zh` or `en`).
    pub lang: Option<String>,
}

/// What waits for the caller, most urgent first (pending decisions with exits and
/// rectifications first, late reports, submissions to review or correct, red and orange
/// warnings, unpublished runs), with the figures the caller's role checks first: the latest
/// published stars (a province's own bases beside the nation), bases that lost stars, the
/// newest reporting tasks, a base's own record, trial runs against the published run. The public
/// gets the published stars only.
#[utoipa::path(get, path = "/api/v1/work", tag = "session",
    params(WorkQuery),
    responses((status = 200, body = WorkView), (status = 400, body = ErrorBody)))]
pub async fn get_work(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(_q): ApiQuery<WorkQuery>,
) -> ApiResult<axum::Json<WorkView>> {
    Ok(axum::Json(reads::work(&state, &viewer).await?))
}
