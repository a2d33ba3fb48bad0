//! Evaluation runs as every caller sees them: the run view, visibility of trials, starting a trial.

use std::collections::HashMap;

use jidi_domain::access;
use jidi_domain::roll::FieldError;
use jidi_service::evaluation::{self as service, SchemeChoice};
use jidi_store::{RunRecord, RunStatus};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::state::AppState;

/// A run as listed.
#[derive(Serialize, ToSchema)]
pub struct RunView {
    /// Id.
    pub id: i64,
    /// Year.
    pub year: i32,
    /// `trial` or `published`.
    pub status: String,
    /// Scheme.
    pub scheme_id: i64,
    /// Bases evaluated.
    pub n_bases: i32,
    /// Replications of the uncertainty analysis.
    pub replications: i32,
    /// Bases per star `[1★ … 5★]`.
    pub star_counts: Vec<i64>,
    /// SHA-256 binding scheme, inputs and results.
    pub content_hash: String,
    /// Run on demo data.
    pub synthetic: bool,
    /// When it ran (RFC 3339).
    pub created_at: String,
    /// When it was published.
    pub published_at: Option<String>,
    /// Summary: groups, diagnostics, sensitivity.
    #[schema(value_type = Object)]
    pub summary: serde_json::Value,
}

/// The view of a run.
pub fn run_view(r: &RunRecord) -> RunView {
    let summary: serde_json::Value = serde_json::from_str(&r.summary).unwrap_or_default();
    RunView {
        id: r.id,
        year: r.year,
        status: match r.status {
            RunStatus::Trial => "trial".into(),
            RunStatus::Published => "published".into(),
        },
        scheme_id: r.scheme_id,
        n_bases: r.n_bases,
        replications: r.replications,
        star_counts: summary["star_counts"]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x.as_i64()).collect())
            .unwrap_or_default(),
        content_hash: r.content_hash.clone(),
        synthetic: r.synthetic,
        created_at: r.created_at.to_rfc3339(),
        published_at: r.published_at.map(|t| t.to_rfc3339()),
        summary,
    }
}

/// A run the viewer may see (trials only for evaluators and the ministry).
pub async fn visible_run(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
) -> Result<RunRecord, AppError> {
    let run = state
        .store
        .run(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("evaluation {id}")))?;
    if run.status == RunStatus::Trial {
        AppError::check(access::can_view_trials(viewer.who()))?;
    }
    Ok(run)
}

/// Runs a trial; shared by the API and the page.
pub async fn start_run(
    state: &AppState,
    viewer: &Viewer,
    year: i32,
    scheme_id: Option<i64>,
    sensitivity: bool,
) -> Result<RunRecord, AppError> {
    let years = state.store.annual_years().await?;
    if !years.contains(&year) {
        return Err(AppError::invalid(vec![FieldError {
            field: "year".into(),
            message: format!(
                "no annual data for {year} (years with data: {})",
                years
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }]));
    }
    let choice = scheme_id.map_or(SchemeChoice::Default, SchemeChoice::Stored);
    let outcome =
        service::run_evaluation(&state.store, year, choice, sensitivity, viewer.user_id()).await?;
    Ok(outcome.run)
}

/// Star counts of runs by year, for charts: `year → [1★ … 5★]`.
pub fn star_counts_by_year(runs: &[RunRecord]) -> HashMap<i32, Vec<i64>> {
    runs.iter()
        .filter(|r| r.status == RunStatus::Published)
        .map(|r| (r.year, run_view(r).star_counts))
        .collect()
}
