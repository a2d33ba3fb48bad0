//! Explaining a result: dimension scores against the peer group's median and best, indicator
//! contributions, and what it would take to gain a star.

use std::collections::HashMap;

use jidi_engine::aggregate::Aggregation;
use jidi_engine::normalise::Normalisation;
use jidi_engine::pipeline::PipelineConfig;
use jidi_engine::stars::StarRule;

use super::group::GroupRun;
use super::result::{Contribution, DimensionScore, Lever, NextStar};

pub(super) fn dimension_scores(run: &GroupRun, k: usize) -> Vec<DimensionScore> {
    let s = &run.result.structure;
    s.children(s.root())
        .iter()
        .map(|&d| {
            let col = &run.result.scores[d];
            DimensionScore {
                code: s.node(d).code.clone(),
                score: col[k],
                median: jidi_engine::stats::median(col).unwrap_or(f64::NAN),
                best: jidi_engine::stats::min_max(col).map_or(f64::NAN, |x| x.1),
            }
        })
        .collect()
}

pub(super) fn contributions(
    run: &GroupRun,
    k: usize,
    values: &HashMap<(i64, String), f64>,
    base_id: i64,
) -> Vec<Contribution> {
    let s = &run.result.structure;
    let effective = s.effective_weights();
    let mut out: Vec<Contribution> = s
        .indicators()
        .iter()
        .map(|&i| {
            let col = &run.result.scores[i];
            let median = jidi_engine::stats::median(col).unwrap_or(f64::NAN);
            Contribution {
                indicator: s.node(i).code.clone(),
                value: values.get(&(base_id, s.node(i).code.clone())).copied(),
                normalised: col[k],
                median,
                weight: effective[i],
                contribution: effective[i] * (col[k] - median),
            }
        })
        .filter(|c| c.contribution.is_finite())
        .collect();
    out.sort_by(|a, b| b.contribution.abs().total_cmp(&a.contribution.abs()));
    out
}

/// The score needed for the next star and the indicators that could close the gap alone
/// (exact for arithmetic means of min-max or z-score normalised values, while the change stays
/// within the group's range).
pub(super) fn next_star(
    run: &GroupRun,
    k: usize,
    cutoffs: Option<&[usize; 5]>,
    rule: &StarRule,
    stars: u8,
    config: &PipelineConfig,
) -> Option<NextStar> {
    if stars >= 5 {
        return None;
    }
    let scores = run.result.index();
    let score = scores[k];
    let threshold = match (rule, cutoffs) {
        (StarRule::Thresholds(t), _) => t[(4 - stars) as usize],
        (StarRule::Shares(_), Some(c)) => {
            // The lowest score that holds the next star in this group.
            let places = c[(4 - stars) as usize];
            if places == 0 {
                return None;
            }
            let mut sorted: Vec<f64> = scores.iter().copied().filter(|x| !x.is_nan()).collect();
            sorted.sort_by(|a, b| b.total_cmp(a));
            *sorted.get(places - 1)?
        }
        _ => return None,
    };
    let gap = (threshold - score).max(0.0) + 1e-6;
    let s = &run.result.structure;
    let effective = s.effective_weights();
    let linear = matches!(config.aggregation, Aggregation::ArithmeticMean);
    let mut levers = Vec::new();
    if linear {
        for (ki, &i) in s.indicators().iter().enumerate() {
            let node = s.node(i);
            let treated = &run.result.treated[ki];
            let Some((lo, hi)) = jidi_engine::stats::min_max(treated) else {
                continue;
            };
            let slope_norm = match &config.normalisation {
                Normalisation::MinMax { lower, upper } if hi > lo => (upper - lower) / (hi - lo),
                Normalisation::ZScore { sd, .. } => match jidi_engine::stats::sd(treated) {
                    Some(x) if x > 0.0 => sd / x,
                    _ => continue,
                },
                _ => continue,
            };
            let sign = node.direction.sign();
            let per_unit = effective[i] * slope_norm;
            if per_unit <= 0.0 {
                continue;
            }
            let current = run.result.prepared[ki][k];
            if !current.is_finite() {
                continue;
            }
            let delta = sign * gap / per_unit;
            let needed = current + delta;
            // Beyond the group's best the normalised value cannot rise further.
            let within = if sign > 0.0 {
                needed <= hi
            } else {
                needed >= lo
            };
            if !within || (sign < 0.0 && needed < 0.0) {
                continue;
            }
            let relative = if current != 0.0 {
                delta / current.abs()
            } else {
                f64::INFINITY
            };
            levers.push(Lever {
                indicator: node.code.clone(),
                current,
                needed,
                relative_change: relative,
            });
        }
        levers.sort_by(|a, b| a.relative_change.abs().total_cmp(&b.relative_change.abs()));
        levers.truncate(3);
    }
    Some(NextStar {
        stars: stars + 1,
        threshold,
        gap,
        levers,
    })
}
