//! A base's full scorecard in a run.

use jidi_domain::access;
use jidi_domain::evaluation::{Contribution, Lever};
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
    pub dimensions: Vec<DimensionScoreView>,
    /// Indicator contributions against the peer-group median, largest first.
    pub contributions: Vec<ContributionView>,
    /// What it would take to gain a star, and the change from last year.
    pub details: ScorecardDetails,
    /// Category rank interval `[p05, p95]`.
    pub category_rank_interval: Option<[f64; 2]>,
    /// Stars in every published year `(year, stars)`.
    pub star_history: Vec<(i32, i32)>,
}

/// A dimension score with its peer group's median and best.
#[derive(Serialize, ToSchema)]
pub struct DimensionScoreView {
    /// Dimension code.
    pub code: String,
    /// Score (0–100).
    pub score: f64,
    /// Peer-group median.
    pub median: f64,
    /// Peer-group best.
    pub best: f64,
}

/// What one indicator adds to or takes from the score, against the peer-group median.
#[derive(Serialize, ToSchema)]
pub struct ContributionView {
    /// Indicator code.
    pub indicator: String,
    /// Value as reported (`null` when it was missing and imputed).
    pub value: Option<f64>,
    /// Normalised value.
    pub normalised: f64,
    /// Peer-group median of the normalised value.
    pub median: f64,
    /// Effective weight in the index.
    pub weight: f64,
    /// `weight × (normalised − median)`: points above or below a median base.
    pub contribution: f64,
}

/// The explanation of a result.
#[derive(Serialize, ToSchema)]
pub struct ScorecardDetails {
    /// What it would take to gain a star (`null` at five stars).
    pub next_star: Option<NextStarView>,
    /// The change from last year's published result.
    pub change: Option<ChangeView>,
}

/// What it would take to gain a star.
#[derive(Serialize, ToSchema)]
pub struct NextStarView {
    /// The rating within reach.
    pub stars: u8,
    /// Score the base must reach (`null` when the group has no place at that rating).
    pub threshold: Option<f64>,
    /// Points missing (`null` likewise).
    pub gap: Option<f64>,
    /// Indicators that could close the gap alone, with the change of the raw value needed.
    pub levers: Vec<LeverView>,
    /// When none can alone: the fewest indicators that close the gap together.
    pub combination: Option<CombinationView>,
    /// Which answer applies: `levers`, `combination`, `unreachable` (not even every indicator at
    /// the group's best), `no_place` (the group has no place at that rating) or `not_computed`
    /// (a method that is not linear in the values).
    pub reach: String,
}

/// Several indicators moving together, each the same share of the way to the group's best.
#[derive(Serialize, ToSchema)]
pub struct CombinationView {
    /// The share of the way from each value to the group's best (0.4 = 40 %).
    pub share_of_distance: f64,
    /// The indicators with their current and needed values.
    pub levers: Vec<LeverView>,
}

/// One way to close a gap.
#[derive(Serialize, ToSchema)]
pub struct LeverView {
    /// Indicator code.
    pub indicator: String,
    /// Current value.
    pub current: f64,
    /// Value needed, all else equal.
    pub needed: f64,
    /// Relative change (0.1 = +10 %); null when the current value is 0 (no finite change).
    pub relative_change: Option<f64>,
}

/// The change from last year.
#[derive(Serialize, ToSchema)]
pub struct ChangeView {
    /// Score difference.
    pub score: f64,
    /// National rank difference (negative = moved up).
    pub national_rank: f64,
    /// Stars last year.
    pub previous_stars: u8,
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
        dimensions: parts
            .dimension_scores
            .iter()
            .map(|d| DimensionScoreView {
                code: d.code.clone(),
                score: d.score,
                median: d.median,
                best: d.best,
            })
            .collect(),
        contributions: parts.contributions.iter().map(contribution_view).collect(),
        details: ScorecardDetails {
            next_star: parts.explanation.next_star.as_ref().map(|n| NextStarView {
                stars: n.stars,
                threshold: n.threshold.is_finite().then_some(n.threshold),
                gap: n.gap.is_finite().then_some(n.gap),
                levers: n.levers.iter().map(lever_view).collect(),
                combination: n.combination.as_ref().map(|c| CombinationView {
                    share_of_distance: c.share_of_distance,
                    levers: c.levers.iter().map(lever_view).collect(),
                }),
                reach: serde_json::to_value(n.reach)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default(),
            }),
            change: parts.explanation.change.map(|c| ChangeView {
                score: c.score,
                national_rank: c.national_rank,
                previous_stars: c.previous_stars,
            }),
        },
        category_rank_interval: r
            .category_rank_p05
            .zip(r.category_rank_p95)
            .map(|(a, b)| [a, b]),
        star_history: history,
    })
}

fn lever_view(l: &Lever) -> LeverView {
    LeverView {
        indicator: l.indicator.clone(),
        current: l.current,
        needed: l.needed,
        relative_change: l.relative_change.is_finite().then_some(l.relative_change),
    }
}

fn contribution_view(c: &Contribution) -> ContributionView {
    ContributionView {
        indicator: c.indicator.clone(),
        value: c.value,
        normalised: c.normalised,
        median: c.median,
        weight: c.weight,
        contribution: c.contribution,
    }
}
