//! The ranks-sensitivity of a scheme: one indicator at a time, and variance-based indices of its
//! weights and method choices.

use jidi_engine::rank::{self, Order, TieRule};
use jidi_engine::scenario::{Alternatives, Group};
use jidi_engine::sensitivity::{self, Factor, SensitivityConfig};

use super::group::GroupRun;
use super::result::{EvaluationError, SensitivityReport};

pub(super) fn scheme_sensitivity(
    groups: &[Group],
    runs: &[GroupRun],
    alternatives: &Alternatives,
    ties: TieRule,
) -> Result<SensitivityReport, EvaluationError> {
    let engine = |e| EvaluationError::Engine {
        group: "sensitivity".into(),
        source: e,
    };
    // One at a time: leave each indicator out, and raise its weight by a quarter.
    let mut evaluator =
        jidi_engine::scenario::Evaluator::new(groups, alternatives).map_err(engine)?;
    let mut scores = vec![Vec::new(); groups.len()];
    let nominal = evaluator.nominal();
    evaluator.evaluate(&nominal, &mut scores).map_err(engine)?;
    let flat = |s: &[Vec<f64>]| -> Vec<f64> { s.iter().flatten().copied().collect() };
    let base_rank = rank::rank(&flat(&scores), Order::HighestFirst, ties);
    let shift = |ranks: &[f64]| -> f64 {
        let pairs: Vec<f64> = ranks
            .iter()
            .zip(&base_rank)
            .filter(|(a, b)| !a.is_nan() && !b.is_nan())
            .map(|(a, b)| (a - b).abs())
            .collect();
        if pairs.is_empty() {
            0.0
        } else {
            pairs.iter().sum::<f64>() / pairs.len() as f64
        }
    };
    let mut indicators = Vec::new();
    for &code in evaluator.indicator_codes().to_vec().iter() {
        let mut s = evaluator.nominal();
        s.dropped = Some(code);
        evaluator.evaluate(&s, &mut scores).map_err(engine)?;
        let dropped = shift(&rank::rank(&flat(&scores), Order::HighestFirst, ties));
        let mut s = evaluator.nominal();
        s.multipliers[code] = 1.25;
        evaluator.evaluate(&s, &mut scores).map_err(engine)?;
        let raised = shift(&rank::rank(&flat(&scores), Order::HighestFirst, ties));
        indicators.push((evaluator.codes()[code].clone(), dropped, raised));
    }
    indicators.sort_by(|a, b| b.1.total_cmp(&a.1));
    // Variance-based: each dimension weight ±25 %, and the method choices.
    let mut factors: Vec<Factor> = Vec::new();
    let mut dims: Vec<String> = Vec::new();
    for r in runs {
        let s = &r.structure;
        for &d in s.children(s.root()) {
            let code = s.node(d).code.clone();
            if !dims.contains(&code) {
                dims.push(code);
            }
        }
    }
    for d in &dims {
        factors.push(Factor::Weight {
            code: d.clone(),
            noise: 0.25,
        });
    }
    if alternatives.normalisations.len() > 1 {
        factors.push(Factor::Normalisation);
    }
    if alternatives.aggregations.len() > 1 {
        factors.push(Factor::Aggregation);
    }
    if alternatives.vary_treatment {
        factors.push(Factor::Treatment);
    }
    factors.push(Factor::DropIndicator);
    let samples = 256;
    let indices = sensitivity::rank_sensitivity(
        groups,
        &SensitivityConfig {
            n: samples,
            seed: 7,
            factors,
            alternatives: alternatives.clone(),
            ties,
        },
    )
    .map_err(engine)?;
    Ok(SensitivityReport {
        indicators,
        factors: indices
            .into_iter()
            .map(|i| (i.factor, i.first_order, i.total_order))
            .collect(),
        samples,
    })
}
