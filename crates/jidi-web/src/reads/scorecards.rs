//! A base's full scorecard in a run.

use jidi_domain::access;
use jidi_domain::evaluation::{Contribution, DimensionScore};
use jidi_store::RunRecord;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::reads::bases::scope;
use crate::reads::results::{ResultView, full_view, result_view};
use crate::state::AppState;

/// A full scorecard.
#[derive(Serialize, ToSchema)]
pub struct Scorecard {
    /// The row.
    pub result: ResultView,
    /// Dimension scores with the peer-group median and best.
    #[schema(value_type = Vec<Object>)]
    pub dimensions: Vec<DimensionScore>,
    /// Indicator contributions against the peer-group median.
    #[schema(value_type = Vec<Object>)]
    pub contributions: Vec<Contribution>,
    /// What it would take to gain a star, and the change from last year.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    /// Category rank interval `[p05, p95]`.
    pub category_rank_interval: Option<[f64; 2]>,
    /// Stars in every published year `(year, stars)`.
    pub star_history: Vec<(i32, i32)>,
}

/// Loads a full scorecard the viewer may see.
pub async fn scorecard(
    state: &AppState,
    viewer: &Viewer,
    run: &RunRecord,
    base_id: i64,
) -> Result<Scorecard, AppError> {
    let base = state
        .store
        .base(base_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("base {base_id}")))?;
    if !full_view(viewer.who(), &base, run.status) {
        AppError::check(access::can_view_base_data(viewer.who(), scope(&base)))?;
        return Err(AppError::Forbidden);
    }
    let not_found = || AppError::NotFound(format!("base {base_id} in evaluation {}", run.id));
    let r = state
        .store
        .run_result(run.id, base_id)
        .await?
        .ok_or_else(not_found)?;
    let parts = state
        .store
        .result_details(run.id, base_id)
        .await?
        .ok_or_else(not_found)?;
    let view = result_view(state, viewer, run, &base, &r);
    let history = state
        .store
        .base_published_history(base_id)
        .await?
        .into_iter()
        .filter_map(|(y, r)| r.stars.map(|s| (y, s)))
        .collect();
    Ok(Scorecard {
        result: view,
        dimensions: serde_json::from_str(&parts.dimension_scores).unwrap_or_default(),
        contributions: serde_json::from_str(&parts.contributions).unwrap_or_default(),
        details: serde_json::from_str(&parts.details).unwrap_or_default(),
        category_rank_interval: r
            .category_rank_p05
            .zip(r.category_rank_p95)
            .map(|(a, b)| [a, b]),
        star_history: history,
    })
}
