//! Explaining a result: dimension scores against the peer group's median and best, indicator
//! contributions, and what it would take to gain a star.

use std::collections::HashMap;

use jidi_engine::aggregate::Aggregation;
use jidi_engine::normalise::Normalisation;
use jidi_engine::pipeline::PipelineConfig;
use jidi_engine::stars::StarRule;
use jidi_engine::whatif::WhatIf;

use super::group::GroupRun;
use super::result::{Combination, Contribution, DimensionScore, Lever, NextStar, Reach};

/// A group's column statistics, computed once per group and shared by the explanations of all
/// its members: recomputing them per base sorted the whole group's columns again for every
/// member, which made a year's evaluation quadratic in the size of its peer groups.
pub(super) struct GroupStats {
    /// Median of each node's scores, by node index.
    median: Vec<f64>,
    /// Best (largest) of each node's scores, by node index.
    best: Vec<f64>,
    /// Smallest and largest treated value of each indicator, by indicator position.
    treated_range: Vec<Option<(f64, f64)>>,
    /// Standard deviation of each indicator's treated values, by indicator position.
    treated_sd: Vec<Option<f64>>,
    /// The index scores that are not missing, best first.
    sorted_index: Vec<f64>,
}

impl GroupStats {
    pub(super) fn new(run: &GroupRun) -> GroupStats {
        let scores = &run.result.scores;
        let mut sorted_index: Vec<f64> = run
            .result
            .index()
            .iter()
            .copied()
            .filter(|x| !x.is_nan())
            .collect();
        sorted_index.sort_by(|a, b| b.total_cmp(a));
        GroupStats {
            median: scores
                .iter()
                .map(|col| jidi_engine::stats::median(col).unwrap_or(f64::NAN))
                .collect(),
            best: scores
                .iter()
                .map(|col| jidi_engine::stats::min_max(col).map_or(f64::NAN, |x| x.1))
                .collect(),
            treated_range: run
                .result
                .treated
                .iter()
                .map(|col| jidi_engine::stats::min_max(col))
                .collect(),
            treated_sd: run
                .result
                .treated
                .iter()
                .map(|col| jidi_engine::stats::sd(col))
                .collect(),
            sorted_index,
        }
    }
}

pub(super) fn dimension_scores(
    run: &GroupRun,
    stats: &GroupStats,
    k: usize,
) -> Vec<DimensionScore> {
    let s = &run.result.structure;
    s.children(s.root())
        .iter()
        .map(|&d| DimensionScore {
            code: s.node(d).code.clone(),
            score: run.result.scores[d][k],
            median: stats.median[d],
            best: stats.best[d],
        })
        .collect()
}

pub(super) fn contributions(
    run: &GroupRun,
    stats: &GroupStats,
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
            let median = stats.median[i];
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

/// One indicator's linear effect on the score: points per unit of raw value towards the best,
/// and the group's best value (the treated maximum, or minimum for a cost).
struct Slope {
    ki: usize,
    code: String,
    /// Current raw value (after imputation).
    current: f64,
    /// Current treated value.
    treated: f64,
    /// The group's best treated value.
    best: f64,
    /// Score points per unit of raw value moved towards the best.
    per_unit: f64,
}

impl Slope {
    /// Points gained by moving all the way to the group's best.
    fn room(&self) -> f64 {
        self.per_unit * (self.best - self.treated).abs()
    }

    fn lever(&self, needed: f64) -> Lever {
        let delta = needed - self.current;
        Lever {
            indicator: self.code.clone(),
            current: self.current,
            needed,
            relative_change: if self.current != 0.0 {
                delta / self.current.abs()
            } else {
                f64::INFINITY
            },
        }
    }
}

/// The linear slopes of a group's indicators, or `None` when the method is not linear in the
/// values.
fn slopes(
    run: &GroupRun,
    stats: &GroupStats,
    k: usize,
    config: &PipelineConfig,
) -> Option<Vec<Slope>> {
    if !matches!(config.aggregation, Aggregation::ArithmeticMean) {
        return None;
    }
    let s = &run.result.structure;
    let effective = s.effective_weights();
    let mut out = Vec::new();
    for (ki, &i) in s.indicators().iter().enumerate() {
        let node = s.node(i);
        let treated = &run.result.treated[ki];
        let Some((lo, hi)) = stats.treated_range[ki] else {
            continue;
        };
        let slope_norm = match &config.normalisation {
            Normalisation::MinMax { lower, upper } if hi > lo => (upper - lower) / (hi - lo),
            Normalisation::MinMax { .. } => continue,
            Normalisation::ZScore { sd, .. } => match stats.treated_sd[ki] {
                Some(x) if x > 0.0 => sd / x,
                _ => continue,
            },
            _ => return None,
        };
        let per_unit = effective[i] * slope_norm;
        let current = run.result.prepared[ki][k];
        let treated_now = treated[k];
        if per_unit <= 0.0 || !current.is_finite() || !treated_now.is_finite() {
            continue;
        }
        out.push(Slope {
            ki,
            code: node.code.clone(),
            current,
            treated: treated_now,
            best: if node.direction.sign() > 0.0 { hi } else { lo },
            per_unit,
        });
    }
    Some(out)
}

/// Whether moving unit `k`'s values as given gains the target: the group's scores again with the
/// new values (so that changes of the group's range, treatment and imputation count too).
struct Check<'a> {
    what_if: &'a WhatIf<'a>,
    k: usize,
    /// Places at the target rating (share rules) or the threshold score (threshold rules).
    target: Target,
}

#[derive(Clone, Copy)]
enum Target {
    Places(usize),
    Score(f64),
}

impl Check<'_> {
    /// How far unit `k` is past the target after the moves (≥ 0: gained), in score points.
    fn margin(&self, moves: &[(&Slope, f64)]) -> f64 {
        let changes: Vec<(usize, f64)> = moves.iter().map(|(x, v)| (x.ki, *v)).collect();
        // Ties share the better rank, so equalling the holder of the last place is enough.
        let places = match self.target {
            Target::Places(places) => places,
            Target::Score(_) => 0,
        };
        let Ok((own, holder)) = self.what_if.standing(self.k, &changes, places) else {
            return f64::NEG_INFINITY;
        };
        if own.is_nan() {
            return f64::NEG_INFINITY;
        }
        match self.target {
            Target::Places(_) => holder.map_or(f64::INFINITY, |h| own - h),
            Target::Score(t) => own - t,
        }
    }

    /// The smallest share of the way to the group's best (within half a percent) at which moving
    /// every slope together gains the target, starting from the linear estimate `linear`; `None`
    /// if not even all the way does. Regula falsi (Illinois) on the margin, which rises with the
    /// share: a few runs of the group, not a scan.
    fn smallest_share(&self, slopes: &[&Slope], linear: f64) -> Option<f64> {
        let margin = |share: f64| -> f64 {
            let moves: Vec<(&Slope, f64)> = slopes
                .iter()
                .map(|&x| (x, x.current + share * (x.best - x.treated)))
                .collect();
            self.margin(&moves)
        };
        // A hair past the target, so that a sum taken in another order still gains it.
        const PAST: f64 = 1e-6;
        let linear = linear.clamp(0.0, 1.0);
        let m = margin(linear) - PAST;
        if m >= 0.0 {
            return Some(linear);
        }
        let (mut lo, mut m_lo) = (linear, m);
        let (mut hi, mut m_hi) = (1.0, margin(1.0) - PAST);
        if m_hi < 0.0 {
            return None;
        }
        let mut side = 0i8;
        for _ in 0..8 {
            if hi - lo < 0.005 || !m_lo.is_finite() || !m_hi.is_finite() {
                break;
            }
            let mid = (lo * m_hi - hi * m_lo) / (m_hi - m_lo);
            let mid = if mid > lo && mid < hi {
                mid
            } else {
                0.5 * (lo + hi)
            };
            let m = margin(mid) - PAST;
            if m >= 0.0 {
                hi = mid;
                m_hi = m;
                if side == 1 {
                    m_lo *= 0.5;
                }
                side = 1;
                if m < 0.05 {
                    break;
                }
            } else {
                lo = mid;
                m_lo = m;
                if side == -1 {
                    m_hi *= 0.5;
                }
                side = -1;
            }
        }
        Some(hi)
    }
}

/// The score needed for the next star and how to get there: the indicators that could close the
/// gap alone, or else the fewest that close it together, each moving the same share of the way to
/// the group's best. The linear model of the score (arithmetic means of min-max or z-score
/// normalised values) proposes; running the group again with the new values confirms, so that
/// each answer is a change that does gain the star, all other bases' values as reported.
#[allow(clippy::too_many_arguments)] // the group's run, its statistics and the base's rating
pub(super) fn next_star(
    run: &GroupRun,
    stats: &GroupStats,
    what_if: &WhatIf<'_>,
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
    let answer = |threshold: f64, gap: f64, reach: Reach| NextStar {
        stars: stars + 1,
        threshold,
        gap,
        levers: Vec::new(),
        combination: None,
        reach,
    };
    let (threshold, target) = match (rule, cutoffs) {
        (StarRule::Thresholds(t), _) => {
            let t = t[(4 - stars) as usize];
            (t, Target::Score(t))
        }
        (StarRule::Shares(_), Some(c)) => {
            // The lowest score that holds the next star in this group.
            let places = c[(4 - stars) as usize];
            match places
                .checked_sub(1)
                .and_then(|p| stats.sorted_index.get(p))
            {
                Some(t) => (*t, Target::Places(places)),
                None => return Some(answer(f64::NAN, f64::NAN, Reach::NoPlace)),
            }
        }
        _ => return None,
    };
    let gap = (threshold - score).max(0.0) + 1e-6;
    let Some(mut slopes) = slopes(run, stats, k, config) else {
        return Some(answer(threshold, gap, Reach::NotComputed));
    };
    let check = Check { what_if, k, target };
    // Alone: the smallest relative changes first, at most three confirmed.
    let mut alone: Vec<(&Slope, f64)> = slopes
        .iter()
        .filter(|x| x.room() >= gap)
        .map(|x| (x, gap / x.room()))
        .collect();
    alone.sort_by(|a, b| {
        let change = |(x, share): &(&Slope, f64)| {
            (share * (x.best - x.treated) / x.current.abs().max(f64::MIN_POSITIVE)).abs()
        };
        change(a).total_cmp(&change(b))
    });
    let mut levers = Vec::new();
    for (x, linear) in alone.into_iter().take(4) {
        if let Some(share) = check.smallest_share(&[x], linear) {
            let lever = x.lever(x.current + share * (x.best - x.treated));
            if lever.needed >= 0.0 || lever.current < 0.0 {
                levers.push(lever);
            }
        }
        if levers.len() == 3 {
            break;
        }
    }
    if !levers.is_empty() {
        return Some(NextStar {
            levers,
            ..answer(threshold, gap, Reach::Levers)
        });
    }
    // Together: those with the most room first, as few as confirm.
    slopes.retain(|x| x.room() > 0.0);
    slopes.sort_by(|a, b| b.room().total_cmp(&a.room()).then(a.ki.cmp(&b.ki)));
    let mut room = 0.0;
    for n in 1..=slopes.len() {
        room += slopes[n - 1].room();
        if room < gap && n < slopes.len() {
            continue;
        }
        let chosen: Vec<&Slope> = slopes[..n].iter().collect();
        if let Some(share) = check.smallest_share(&chosen, gap / room) {
            let levers = chosen
                .iter()
                .map(|x| x.lever(x.current + share * (x.best - x.treated)))
                .collect();
            return Some(NextStar {
                combination: Some(Combination {
                    share_of_distance: share,
                    levers,
                }),
                ..answer(threshold, gap, Reach::Combination)
            });
        }
    }
    Some(answer(threshold, gap, Reach::Unreachable))
}
