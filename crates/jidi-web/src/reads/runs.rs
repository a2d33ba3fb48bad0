//! Evaluation runs as every caller sees them: the run view, visibility of trials, starting a trial.

use std::collections::HashMap;

use jidi_domain::access;
use jidi_domain::evaluation::RunSummary;
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
    /// Scheme, groups, diagnostics, sensitivity.
    pub summary: RunSummaryView,
}

/// What a run records about itself.
#[derive(Serialize, ToSchema)]
pub struct RunSummaryView {
    /// The scheme's name.
    pub scheme_name: String,
    /// The scheme's version within its year.
    pub scheme_version: i32,
    /// SHA-256 of the scheme.
    pub scheme_hash: String,
    /// Bases per peer group.
    pub groups: Vec<GroupView>,
    /// Findings of the engine.
    pub diagnostics: Vec<String>,
    /// Ranks-sensitivity of the scheme, when it was run.
    pub sensitivity: Option<SensitivityView>,
    /// Weight noise of the uncertainty analysis (0.25 = ±25 %).
    pub weight_noise: f64,
    /// Data noise of the uncertainty analysis (0.05 = ±5 %).
    pub data_noise: f64,
}

/// A peer group and its size.
#[derive(Serialize, ToSchema)]
pub struct GroupView {
    /// Category or sub-type code.
    pub code: String,
    /// Bases evaluated in it.
    pub bases: usize,
}

/// The ranks-sensitivity of a scheme.
#[derive(Serialize, ToSchema)]
pub struct SensitivityView {
    /// One at a time, per indicator.
    pub indicators: Vec<IndicatorSensitivityView>,
    /// Variance-based indices per factor.
    pub factors: Vec<FactorSensitivityView>,
    /// Base sample size of the variance-based analysis.
    pub samples: usize,
}

/// How much ranks move when one indicator changes.
#[derive(Serialize, ToSchema)]
pub struct IndicatorSensitivityView {
    /// Indicator code.
    pub indicator: String,
    /// Mean absolute national-rank shift when it is left out.
    pub dropped: f64,
    /// Mean absolute national-rank shift when its weight rises by a quarter.
    pub raised: f64,
}

/// A factor's share of the rank variance.
#[derive(Serialize, ToSchema)]
pub struct FactorSensitivityView {
    /// Factor (`weight:<dimension>`, `normalisation`, `aggregation`, `treatment`, `drop_indicator`).
    pub factor: String,
    /// First-order index.
    pub first_order: f64,
    /// Total-order index.
    pub total_order: f64,
}

fn summary_view(s: &RunSummary) -> RunSummaryView {
    RunSummaryView {
        scheme_name: s.scheme_name.clone(),
        scheme_version: s.scheme_version,
        scheme_hash: s.scheme_hash.clone(),
        groups: s
            .groups
            .iter()
            .map(|(code, bases)| GroupView {
                code: code.clone(),
                bases: *bases,
            })
            .collect(),
        diagnostics: s.diagnostics.clone(),
        sensitivity: s.sensitivity.as_ref().map(|x| SensitivityView {
            indicators: x
                .indicators
                .iter()
                .map(|(indicator, dropped, raised)| IndicatorSensitivityView {
                    indicator: indicator.clone(),
                    dropped: *dropped,
                    raised: *raised,
                })
                .collect(),
            factors: x
                .factors
                .iter()
                .map(|(factor, first, total)| FactorSensitivityView {
                    factor: factor.clone(),
                    first_order: *first,
                    total_order: *total,
                })
                .collect(),
            samples: x.samples,
        }),
        weight_noise: s.weight_noise,
        data_noise: s.data_noise,
    }
}

/// The view of a run.
pub fn run_view(r: &RunRecord) -> RunView {
    RunView {
        id: r.id,
        year: r.year,
        status: r.status.code().into(),
        scheme_id: r.scheme_id,
        n_bases: r.n_bases,
        replications: r.replications,
        star_counts: r.summary.star_counts.iter().map(|n| *n as i64).collect(),
        content_hash: r.content_hash.clone(),
        synthetic: r.synthetic,
        created_at: r.created_at.to_rfc3339(),
        published_at: r.published_at.map(|t| t.to_rfc3339()),
        summary: summary_view(&r.summary),
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
/// Where a year has more than one published run, the latest (highest id) counts.
pub fn star_counts_by_year(runs: &[RunRecord]) -> HashMap<i32, Vec<i64>> {
    let mut latest: HashMap<i32, &RunRecord> = HashMap::new();
    for r in runs.iter().filter(|r| r.status == RunStatus::Published) {
        let slot = latest.entry(r.year).or_insert(r);
        if r.id > slot.id {
            *slot = r;
        }
    }
    latest
        .into_iter()
        .map(|(year, r)| (year, run_view(r).star_counts))
        .collect()
}
