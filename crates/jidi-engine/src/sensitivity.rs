//! Variance-based sensitivity analysis: which assumptions move the ranks most.
//!
//! The estimators are COINr 1.1's `SA_estimate`: with the sample laid out as `N` rows of matrix
//! `A`, `N` rows of `B`, then `d` blocks `AB_i` (rows of `A` with column `i` taken from `B`),
//! `V = var(c(y_A, y_B))` (denominator `2N − 1`), first-order `S_i = mean(y_B (y_ABi − y_A)) / V`
//! (Saltelli 2010) and total-order `ST_i = Σ (y_A − y_ABi)² / (2N V)` (Jansen 1999).
//! [`sample`] draws that layout from uniform random numbers, as COINr's `SA_sample` does.
//!
//! [`rank_sensitivity`] applies them to an index: each factor is one uncertain assumption (a
//! weight, the normalisation, the aggregation, the treatment, which indicator to leave out), and
//! the output is the mean absolute shift of every unit's overall rank from its nominal rank.

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

use crate::error::EngineError;
use crate::rank::{self, Order, TieRule};
use crate::scenario::{Alternatives, Evaluator, Group};

/// First- and total-order indices of one input.
#[derive(Clone, Debug, PartialEq)]
pub struct SensitivityIndex {
    /// The input.
    pub factor: String,
    /// First-order index `S_i`.
    pub first_order: f64,
    /// Total-order index `ST_i`.
    pub total_order: f64,
}

/// The estimates of [`estimate`].
#[derive(Clone, Debug, PartialEq)]
pub struct Estimates {
    /// Output variance `V`.
    pub variance: f64,
    /// `S_i` per input.
    pub first_order: Vec<f64>,
    /// `ST_i` per input.
    pub total_order: Vec<f64>,
}

/// Draws a sample of `n × (d + 2)` rows of `d` uniform numbers in COINr's layout.
pub fn sample(n: usize, d: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut draw = |rows: usize| -> Vec<Vec<f64>> {
        (0..rows)
            .map(|_| (0..d).map(|_| rng.random::<f64>()).collect())
            .collect()
    };
    let a = draw(n);
    let b = draw(n);
    let mut out = Vec::with_capacity(n * (d + 2));
    out.extend(a.iter().cloned());
    out.extend(b.iter().cloned());
    for i in 0..d {
        for (ra, rb) in a.iter().zip(&b) {
            let mut row = ra.clone();
            row[i] = rb[i];
            out.push(row);
        }
    }
    out
}

/// COINr's `SA_estimate` on outputs `y` laid out as [`sample`] lays out its rows.
pub fn estimate(y: &[f64], n: usize, d: usize) -> Result<Estimates, EngineError> {
    if y.len() != n * (d + 2) {
        return Err(EngineError::Parameter {
            name: "sensitivity sample".into(),
            problem: format!(
                "{} outputs for N = {n} and d = {d} (expected {})",
                y.len(),
                n * (d + 2)
            ),
        });
    }
    if n < 2 {
        return Err(EngineError::TooFewUnits {
            operation: "a sensitivity estimate",
            needed: 2,
            found: n,
        });
    }
    let ya = &y[..n];
    let yb = &y[n..2 * n];
    let both: Vec<f64> = ya.iter().chain(yb).copied().collect();
    let variance = crate::stats::variance(&both).unwrap_or(0.0);
    let mut first_order = Vec::with_capacity(d);
    let mut total_order = Vec::with_capacity(d);
    for i in 0..d {
        let yab = &y[(2 + i) * n..(3 + i) * n];
        if variance == 0.0 {
            first_order.push(0.0);
            total_order.push(0.0);
            continue;
        }
        let s: f64 = yb
            .iter()
            .zip(yab)
            .zip(ya)
            .map(|((b, ab), a)| b * (ab - a))
            .sum::<f64>()
            / n as f64;
        let st: f64 = ya
            .iter()
            .zip(yab)
            .map(|(a, ab)| (a - ab) * (a - ab))
            .sum::<f64>()
            / (2.0 * n as f64 * variance);
        first_order.push(s / variance);
        total_order.push(st);
    }
    Ok(Estimates {
        variance,
        first_order,
        total_order,
    })
}

/// One uncertain assumption of [`rank_sensitivity`].
#[derive(Clone, Debug, PartialEq)]
pub enum Factor {
    /// The weight of the node with this code, multiplied by `U(1 − noise, 1 + noise)`.
    Weight {
        /// Node code.
        code: String,
        /// Half-width of the multiplier.
        noise: f64,
    },
    /// Which normalisation alternative is used.
    Normalisation,
    /// Which aggregation alternative is used.
    Aggregation,
    /// Whether treatment is switched.
    Treatment,
    /// Which indicator (or none) is left out.
    DropIndicator,
}

impl Factor {
    fn label(&self) -> String {
        match self {
            Factor::Weight { code, .. } => format!("weight:{code}"),
            Factor::Normalisation => "normalisation".into(),
            Factor::Aggregation => "aggregation".into(),
            Factor::Treatment => "treatment".into(),
            Factor::DropIndicator => "drop-indicator".into(),
        }
    }
}

/// Settings of [`rank_sensitivity`].
#[derive(Clone, Debug, PartialEq)]
pub struct SensitivityConfig {
    /// Base sample size `N`; the model runs `N (d + 2)` times.
    pub n: usize,
    /// Seed of the sample.
    pub seed: u64,
    /// The factors.
    pub factors: Vec<Factor>,
    /// Alternatives the discrete factors choose from.
    pub alternatives: Alternatives,
    /// Tie rule of the ranks.
    pub ties: TieRule,
}

/// Sensitivity of the ranks to each factor.
pub fn rank_sensitivity(
    groups: &[Group],
    config: &SensitivityConfig,
) -> Result<Vec<SensitivityIndex>, EngineError> {
    let d = config.factors.len();
    if d == 0 {
        return Err(EngineError::Parameter {
            name: "sensitivity factors".into(),
            problem: "no factor given".into(),
        });
    }
    let mut evaluator = Evaluator::new(groups, &config.alternatives)?;
    let code_of: Vec<Option<usize>> = config
        .factors
        .iter()
        .map(|f| match f {
            Factor::Weight { code, .. } => evaluator.codes().iter().position(|c| c == code),
            _ => None,
        })
        .collect();
    for (f, c) in config.factors.iter().zip(&code_of) {
        if let (Factor::Weight { code, noise }, pos) = (f, c) {
            if pos.is_none() {
                return Err(EngineError::Parameter {
                    name: "sensitivity factor".into(),
                    problem: format!("no node has code {code:?}"),
                });
            }
            if !(0.0..1.0).contains(noise) {
                return Err(EngineError::Parameter {
                    name: format!("noise of {code}"),
                    problem: format!("{noise} must lie within [0, 1)"),
                });
            }
        }
    }
    let n_groups = evaluator.n_groups();
    let mut scores = vec![Vec::new(); n_groups];
    let nominal_scenario = evaluator.nominal();
    evaluator.evaluate(&nominal_scenario, &mut scores)?;
    let flatten = |scores: &[Vec<f64>]| -> Vec<f64> { scores.iter().flatten().copied().collect() };
    let nominal_rank = rank::rank(&flatten(&scores), Order::HighestFirst, config.ties);

    let rows = sample(config.n, d, config.seed);
    let mut y = Vec::with_capacity(rows.len());
    let mut scratch = Vec::new();
    let mut ranks = vec![0.0; nominal_rank.len()];
    for row in &rows {
        let mut s = evaluator.nominal();
        for ((factor, &u), code) in config.factors.iter().zip(row).zip(&code_of) {
            let pick = |k: usize| ((u * k as f64) as usize).min(k.saturating_sub(1));
            match factor {
                Factor::Weight { noise, .. } => {
                    if let Some(c) = code {
                        s.multipliers[*c] = 1.0 - noise + 2.0 * noise * u;
                    }
                }
                Factor::Normalisation => s.normalisation = pick(evaluator.n_normalisations()),
                Factor::Aggregation => {
                    if evaluator.n_aggregations() > 0 {
                        s.aggregation = Some(pick(evaluator.n_aggregations()));
                    }
                }
                Factor::Treatment => s.treatment = pick(evaluator.n_treatments()),
                Factor::DropIndicator => {
                    let n = evaluator.indicator_codes().len();
                    let k = pick(n + 1);
                    s.dropped = (k < n).then(|| evaluator.indicator_codes()[k]);
                }
            }
        }
        evaluator.evaluate(&s, &mut scores)?;
        let all = flatten(&scores);
        rank::rank_into(
            &all,
            Order::HighestFirst,
            config.ties,
            &mut scratch,
            &mut ranks,
        );
        let (mut total, mut count) = (0.0, 0usize);
        for (r, n0) in ranks.iter().zip(&nominal_rank) {
            if !r.is_nan() && !n0.is_nan() {
                total += (r - n0).abs();
                count += 1;
            }
        }
        y.push(if count == 0 {
            0.0
        } else {
            total / count as f64
        });
    }
    let est = estimate(&y, config.n, d)?;
    Ok(config
        .factors
        .iter()
        .enumerate()
        .map(|(i, f)| SensitivityIndex {
            factor: f.label(),
            first_order: est.first_order[i],
            total_order: est.total_order[i],
        })
        .collect())
}
