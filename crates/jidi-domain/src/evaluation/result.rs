//! What an evaluation produces: per base its score, ranks, stars and explanation, and for the run
//! its groups, diagnostics, sensitivity and hashes.

use serde::{Deserialize, Serialize};

/// A dimension score and its peer group's median and best.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DimensionScore {
    /// Dimension code.
    pub code: String,
    /// Score.
    pub score: f64,
    /// Peer-group median.
    pub median: f64,
    /// Peer-group best.
    pub best: f64,
}

/// What one indicator adds to or takes from a score, against the peer-group median.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    /// Indicator code.
    pub indicator: String,
    /// Value as reported (`None` when missing and imputed).
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

/// What it would take to gain a star.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NextStar {
    /// The rating within reach.
    pub stars: u8,
    /// Score the base must exceed (NaN when the group has no place at that rating).
    pub threshold: f64,
    /// Points missing.
    pub gap: f64,
    /// Indicators that could close the gap alone, with the change of the raw value needed.
    pub levers: Vec<Lever>,
    /// When no indicator can close the gap alone: the fewest indicators that close it together,
    /// each moving the same share of the way from its value to the group's best.
    #[serde(default)]
    pub combination: Option<Combination>,
    /// Which of the answers applies.
    #[serde(default)]
    pub reach: Reach,
}

/// How a star can be reached.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// One indicator can close the gap alone (see the levers).
    #[default]
    Levers,
    /// Several indicators together (see the combination).
    Combination,
    /// Not even every indicator at the group's best closes the gap.
    Unreachable,
    /// The group has no place at that rating this year.
    NoPlace,
    /// The method is not linear in the values (geometric mean, ranks), so no exact answer is
    /// computed.
    NotComputed,
}

/// Several indicators moving together.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Combination {
    /// The share of the way from each value to the group's best (0.4 = 40 % of the distance).
    pub share_of_distance: f64,
    /// The indicators, with their current and needed values.
    pub levers: Vec<Lever>,
}

/// One way to close a gap.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lever {
    /// Indicator code.
    pub indicator: String,
    /// Current value.
    pub current: f64,
    /// Value needed, all else equal.
    pub needed: f64,
    /// Relative change (0.1 = +10 %); infinite when the current value is 0.
    #[serde(deserialize_with = "infinite_if_null")]
    pub relative_change: f64,
}

/// Reads back a relative change as JSON writes it: an infinite change (from a current value of
/// 0) is written as `null`, which a plain `f64` refuses, so every scorecard of a base with such a
/// lever failed to load (about 18 of 445 in the demo's latest run).
fn infinite_if_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::INFINITY))
}

/// The change from last year.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Score difference.
    pub score: f64,
    /// National rank difference (negative = moved up).
    pub national_rank: f64,
    /// Stars last year.
    pub previous_stars: u8,
}

/// The result of one base.
#[derive(Clone, Debug, PartialEq)]
pub struct BaseResult {
    /// Base id.
    pub base_id: i64,
    /// Peer group (category or sub-type code).
    pub group: String,
    /// Province code.
    pub province_code: String,
    /// Score within the peer group (what stars and the group rank rest on).
    pub score: f64,
    /// Score on the common normalisation across all bases (what the national rank rests on).
    pub national_score: f64,
    /// Rank among all bases evaluated, by the national score.
    pub national_rank: f64,
    /// Rank within the peer group.
    pub category_rank: f64,
    /// Stars after vetoes.
    pub stars: u8,
    /// Stars before vetoes.
    pub stars_before_veto: u8,
    /// Whether a veto applied.
    pub vetoed: bool,
    /// The vetoing incidents.
    pub veto_reason: Option<String>,
    /// Median national rank over the replications (of the published method's weights and data).
    pub rank_median: Option<f64>,
    /// 5th percentile of the national rank.
    pub rank_p05: Option<f64>,
    /// 95th percentile of the national rank.
    pub rank_p95: Option<f64>,
    /// 5th percentile of the group rank.
    pub category_rank_p05: Option<f64>,
    /// 95th percentile of the group rank.
    pub category_rank_p95: Option<f64>,
    /// Probability of one to five stars (after the veto cap).
    pub star_probabilities: Option<[f64; 5]>,
    /// Dimension scores.
    pub dimension_scores: Vec<DimensionScore>,
    /// Indicator contributions, largest in size first.
    pub contributions: Vec<Contribution>,
    /// What it would take to gain a star.
    pub next_star: Option<NextStar>,
    /// Change from last year.
    pub change: Option<Change>,
}

/// Ranks-sensitivity of a scheme.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SensitivityReport {
    /// One at a time, per indicator: mean absolute national-rank shift when it is left out, and
    /// when its weight rises by a quarter.
    pub indicators: Vec<(String, f64, f64)>,
    /// Variance-based indices per factor: `(factor, first order, total order)`.
    pub factors: Vec<(String, f64, f64)>,
    /// Base sample size of the variance-based analysis.
    pub samples: usize,
}

/// What a stored run records about itself beyond its results: shown on the run's page, read back
/// typed (a stored summary that does not parse is corrupt, not empty).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// The scheme's name.
    pub scheme_name: String,
    /// The scheme's version within its year.
    pub scheme_version: i32,
    /// SHA-256 of the scheme.
    pub scheme_hash: String,
    /// Bases per star, `[1★ … 5★]`.
    pub star_counts: [usize; 5],
    /// Bases per peer group.
    pub groups: Vec<(String, usize)>,
    /// Findings of the engine.
    pub diagnostics: Vec<String>,
    /// Ranks-sensitivity, when it was asked for.
    pub sensitivity: Option<SensitivityReport>,
    /// The weight noise of the uncertainty analysis (0.25 = ±25 %).
    pub weight_noise: f64,
    /// The data noise of the uncertainty analysis (0.05 = ±5 %; runs stored before it: 0).
    #[serde(default)]
    pub data_noise: f64,
}

/// The explanation stored with each result: what it takes to gain a star, and the change from
/// last year.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ResultExplanation {
    /// What it would take to gain a star.
    pub next_star: Option<NextStar>,
    /// Change from last year.
    pub change: Option<Change>,
}

/// An evaluation's outcome, with its frozen inputs and hashes.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// Year.
    pub year: i32,
    /// Hash of the scheme.
    pub scheme_hash: String,
    /// Results, by national rank.
    pub results: Vec<BaseResult>,
    /// The inputs as used: `(base id, indicator, value)`.
    pub inputs: Vec<(i64, String, Option<f64>)>,
    /// Bases per peer group.
    pub groups: Vec<(String, usize)>,
    /// Bases per star, `[1★ … 5★]`.
    pub star_counts: [usize; 5],
    /// Findings of the engine.
    pub diagnostics: Vec<String>,
    /// Replications run.
    pub replications: usize,
    /// Ranks-sensitivity, when asked.
    pub sensitivity: Option<SensitivityReport>,
    /// SHA-256 of the inputs.
    pub inputs_hash: String,
    /// SHA-256 of the results.
    pub results_hash: String,
    /// SHA-256 binding scheme, inputs and results.
    pub content_hash: String,
}

/// Why an evaluation could not run.
#[derive(Debug, thiserror::Error)]
pub enum EvaluationError {
    /// The scheme is invalid: every problem with its path.
    #[error("the scheme is invalid: {}", join_problems(.0))]
    Scheme(Vec<crate::scheme::SchemeError>),
    /// No base takes part.
    #[error("no base is eligible for the {0} evaluation")]
    NoBases(i32),
    /// The engine refused a peer group.
    #[error("peer group {group}: {source}")]
    Engine {
        /// The group.
        group: String,
        /// The engine's error.
        source: jidi_engine::EngineError,
    },
}

pub(super) fn join_problems(problems: &[crate::scheme::SchemeError]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lever_from_zero_reads_back_as_written() {
        let lever = Lever {
            indicator: "incubators".into(),
            current: 0.0,
            needed: 7.5,
            relative_change: f64::INFINITY,
        };
        let json = serde_json::to_string(&lever).unwrap();
        assert!(json.contains("\"relative_change\":null"), "{json}");
        let back: Lever = serde_json::from_str(&json).unwrap();
        assert_eq!(back, lever);
        let finite: Lever = serde_json::from_str(
            r#"{"indicator":"x","current":2.0,"needed":3.0,"relative_change":0.5}"#,
        )
        .unwrap();
        assert_eq!(finite.relative_change, 0.5);
    }
}
