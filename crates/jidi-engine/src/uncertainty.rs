//! Monte Carlo uncertainty analysis of ranks and stars.
//!
//! Each replication draws, independently: a multiplier `U(1 − noise, 1 + noise)` for every weight
//! of the structure (indicators and aggregates alike); when asked, a relative measurement error
//! `U(−data noise, +data noise)` on every raw value (see [`Evaluator::set_data_noise`]); one of the
//! normalisation alternatives; one of the aggregation alternatives (applied at every level);
//! whether treatment is switched; and, when asked, one indicator to leave out (or none, with the
//! same probability as each indicator). Every peer group shares the same draws. Units are then
//! re-ranked overall and within their group, and stars re-assigned within the group.
//!
//! An analysis of a published result's own uncertainty uses weights and data only (no
//! alternatives), so that its nominal replication *is* the published result; method alternatives
//! belong to the sensitivity analysis of a scheme.
//!
//! Replication `r` draws from its own generator, PCG-64 MCG seeded with
//! `splitmix64(seed + r)`, so results do not depend on the number of threads.
//! Rank intervals are R's type-7 quantiles of the valid replications.

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

use crate::error::EngineError;
use crate::rank::{self, Order, TieRule};
use crate::scenario::{Alternatives, Evaluator, Group, Scenario};
use crate::stars::StarRule;
use crate::stats;

/// Settings of an uncertainty analysis.
#[derive(Clone, Debug, PartialEq)]
pub struct UncertaintyConfig {
    /// Number of replications.
    pub replications: usize,
    /// Seed of the random draws.
    pub seed: u64,
    /// Half-width of the uniform multiplicative weight noise (0.25 = ±25 %).
    pub weight_noise: f64,
    /// Half-width of the uniform relative error on every raw value (0.05 = ±5 %; 0 = none).
    pub data_noise: f64,
    /// Alternatives to draw from.
    pub alternatives: Alternatives,
    /// Whether one indicator (or none) is left out in each replication.
    pub drop_one_indicator: bool,
    /// Star rule applied within each group, if stars are wanted.
    pub stars: Option<StarRule>,
    /// Per group, the cumulative places `[5★, ≥4★, ≥3★, ≥2★, all]` that a published result
    /// apportioned between groups; when given they replace a share rule's own per-group rounding,
    /// so that the nominal replication awards exactly the published stars.
    pub star_cutoffs: Option<Vec<[usize; 5]>>,
    /// Tie rule of the ranks.
    pub ties: TieRule,
    /// Worker threads; 0 = all available cores.
    pub threads: usize,
}

impl UncertaintyConfig {
    /// Weights ±25 % only, 1,000 replications, seed 1.
    pub fn weights_only(replications: usize, seed: u64) -> UncertaintyConfig {
        UncertaintyConfig {
            replications,
            seed,
            weight_noise: 0.25,
            data_noise: 0.0,
            alternatives: Alternatives {
                normalisations: Vec::new(),
                aggregations: Vec::new(),
                vary_treatment: false,
            },
            drop_one_indicator: false,
            stars: None,
            star_cutoffs: None,
            ties: TieRule::Min,
            threads: 0,
        }
    }
}

/// Rank distribution of one unit.
#[derive(Clone, Debug, PartialEq)]
pub struct RankSummary {
    /// Rank in the nominal run.
    pub nominal: f64,
    /// Median over replications.
    pub median: f64,
    /// Mean over replications.
    pub mean: f64,
    /// 5th percentile (type 7).
    pub p05: f64,
    /// 95th percentile (type 7).
    pub p95: f64,
}

/// Uncertainty of one unit.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitUncertainty {
    /// The unit.
    pub unit: String,
    /// Index of its group.
    pub group: usize,
    /// Rank among all units of all groups.
    pub overall: RankSummary,
    /// Rank within its group.
    pub within_group: RankSummary,
    /// Probability of one to five stars (`[1★, 2★, 3★, 4★, 5★]`), when a star rule was given.
    pub star_probability: Option<[f64; 5]>,
}

/// Result of an uncertainty analysis.
#[derive(Clone, Debug, PartialEq)]
pub struct UncertaintyResult {
    /// Per unit, groups in order, units in group order.
    pub units: Vec<UnitUncertainty>,
    /// Replications run.
    pub replications: usize,
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Draws the scenario of replication `r`.
pub fn draw_scenario(evaluator: &Evaluator, config: &UncertaintyConfig, r: usize) -> Scenario {
    let mut rng = Pcg64Mcg::seed_from_u64(splitmix64(config.seed.wrapping_add(r as u64)));
    let mut s = evaluator.nominal();
    for m in s.multipliers.iter_mut() {
        let u: f64 = rng.random();
        *m = 1.0 - config.weight_noise + 2.0 * config.weight_noise * u;
    }
    if evaluator.n_normalisations() > 1 {
        s.normalisation = rng.random_range(0..evaluator.n_normalisations());
    }
    if evaluator.n_aggregations() > 0 {
        s.aggregation = Some(rng.random_range(0..evaluator.n_aggregations()));
    }
    if evaluator.n_treatments() > 1 {
        s.treatment = rng.random_range(0..evaluator.n_treatments());
    }
    if config.drop_one_indicator {
        let n = evaluator.indicator_codes().len();
        let k = rng.random_range(0..=n);
        s.dropped = (k < n).then(|| evaluator.indicator_codes()[k]);
    }
    if config.data_noise > 0.0 {
        s.noise_seed = Some(rng.random());
    }
    s
}

/// Ranks of one replication: overall and within group, per unit in group order. Ranks are whole
/// or halves below 2^24, so `f32` holds them exactly at half the memory of 1,000 replications.
struct Replication {
    overall: Vec<f32>,
    within: Vec<f32>,
    stars: Vec<Option<u8>>,
}

/// Buffers one worker reuses across its replications.
#[derive(Default)]
struct RankBuffers {
    scratch: Vec<(u64, usize)>,
    all: Vec<f64>,
    overall: Vec<f64>,
    within: Vec<f64>,
    min_ranks: Vec<f64>,
}

fn rank_replication(
    scores: &[Vec<f64>],
    offsets: &[usize],
    config: &UncertaintyConfig,
    buffers: &mut RankBuffers,
) -> Replication {
    let total = *offsets.last().unwrap_or(&0);
    let RankBuffers {
        scratch,
        all,
        overall,
        within,
        min_ranks,
    } = buffers;
    all.clear();
    for s in scores {
        all.extend_from_slice(s);
    }
    overall.clear();
    overall.resize(total, 0.0);
    rank::rank_into(all, Order::HighestFirst, config.ties, scratch, overall);
    within.clear();
    within.resize(total, 0.0);
    let mut stars = vec![None; total];
    let wants_stars = config.star_cutoffs.is_some() || config.stars.is_some();
    for (g, s) in scores.iter().enumerate() {
        let range = offsets[g]..offsets[g + 1];
        if scores.len() == 1 {
            // One group: its ranking is the overall one.
            within.copy_from_slice(overall);
        } else {
            rank::rank_into(
                s,
                Order::HighestFirst,
                config.ties,
                scratch,
                &mut within[range.clone()],
            );
        }
        // Star places are defined on minimum-tie ranks, whatever the reporting tie rule.
        let needs_min_ranks =
            config.star_cutoffs.is_some() || matches!(config.stars, Some(StarRule::Shares(_)));
        let min_ranks: &[f64] = if !wants_stars || !needs_min_ranks {
            &[]
        } else if config.ties == TieRule::Min {
            &within[range.clone()]
        } else {
            min_ranks.clear();
            min_ranks.resize(s.len(), 0.0);
            rank::rank_into(s, Order::HighestFirst, TieRule::Min, scratch, min_ranks);
            min_ranks
        };
        if let Some(cutoffs) = &config.star_cutoffs {
            for (star, rank) in stars[range].iter_mut().zip(min_ranks) {
                *star = (!rank.is_nan()).then(|| crate::stars::from_cutoffs(*rank, &cutoffs[g]));
            }
        } else if let Some(rule) = &config.stars {
            let assigned = match rule {
                StarRule::Shares(_) => rule.assign_from_ranks(min_ranks),
                StarRule::Thresholds(_) => rule.assign(s),
            };
            stars[range].copy_from_slice(&assigned);
        }
    }
    Replication {
        overall: overall.iter().map(|&r| r as f32).collect(),
        within: within.iter().map(|&r| r as f32).collect(),
        stars,
    }
}

/// Runs the analysis over `groups`.
pub fn analyse(
    groups: &[Group],
    config: &UncertaintyConfig,
) -> Result<UncertaintyResult, EngineError> {
    if config.replications == 0 {
        return Err(EngineError::Parameter {
            name: "replications".into(),
            problem: "at least one replication is needed".into(),
        });
    }
    if !(0.0..1.0).contains(&config.weight_noise) {
        return Err(EngineError::Parameter {
            name: "weight noise".into(),
            problem: format!("{} must lie within [0, 1)", config.weight_noise),
        });
    }
    if !(0.0..1.0).contains(&config.data_noise) {
        return Err(EngineError::Parameter {
            name: "data noise".into(),
            problem: format!("{} must lie within [0, 1)", config.data_noise),
        });
    }
    if let Some(rule) = &config.stars {
        rule.validate()?;
    }
    let mut evaluator = Evaluator::new(groups, &config.alternatives)?;
    evaluator.set_data_noise(config.data_noise);
    let n_groups = evaluator.n_groups();
    if let Some(cutoffs) = &config.star_cutoffs
        && (cutoffs.len() != n_groups
            || cutoffs.iter().enumerate().any(|(g, c)| {
                c.windows(2).any(|w| w[0] > w[1]) || c[4] != evaluator.units(g).len()
            }))
    {
        return Err(EngineError::Parameter {
            name: "star cut-offs".into(),
            problem: "one non-decreasing set of cut-offs per group, ending at the group's size"
                .into(),
        });
    }
    let mut offsets = vec![0usize];
    for g in 0..n_groups {
        offsets.push(offsets[g] + evaluator.units(g).len());
    }
    let total = offsets[n_groups];

    let mut buffers = RankBuffers::default();
    let mut scores = vec![Vec::new(); n_groups];
    let nominal_scenario = evaluator.nominal();
    evaluator.evaluate(&nominal_scenario, &mut scores)?;
    let nominal = rank_replication(&scores, &offsets, config, &mut buffers);

    let threads = if config.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        config.threads
    }
    .clamp(1, config.replications);
    // Each thread owns an evaluator (its scratch buffers) and a contiguous block of replications.
    let chunk = config.replications.div_ceil(threads);
    let results: Vec<Result<Vec<Replication>, EngineError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let offsets = &offsets;
                let start = t * chunk;
                let end = ((t + 1) * chunk).min(config.replications);
                let mut ev = evaluator.clone();
                scope.spawn(move || -> Result<Vec<Replication>, EngineError> {
                    let mut buffers = RankBuffers::default();
                    let mut scores = vec![Vec::new(); n_groups];
                    let mut out = Vec::with_capacity(end.saturating_sub(start));
                    for r in start..end {
                        let scenario = draw_scenario(&ev, config, r);
                        ev.evaluate(&scenario, &mut scores)?;
                        out.push(rank_replication(&scores, offsets, config, &mut buffers));
                    }
                    Ok(out)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("uncertainty worker panicked"))
            .collect()
    });
    let mut reps = Vec::with_capacity(config.replications);
    for r in results {
        reps.extend(r?);
    }

    // Per unit, its ranks across replications, summarised on every core: each worker takes a
    // contiguous run of units, so the units come back in order.
    let names: Vec<(usize, &String)> = (0..n_groups)
        .flat_map(|g| evaluator.units(g).iter().map(move |name| (g, name)))
        .collect();
    let per_thread = total.div_ceil(threads).max(1);
    let units: Vec<UnitUncertainty> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..total)
            .step_by(per_thread)
            .map(|first| {
                let (reps, names, nominal) = (&reps, &names, &nominal);
                let last = (first + per_thread).min(total);
                scope.spawn(move || summarise_units(reps, nominal, names, first..last, config))
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("uncertainty summary worker panicked"))
            .collect()
    });
    Ok(UncertaintyResult {
        units,
        replications: reps.len(),
    })
}

/// The summaries of the units `range`. Replications are stored one after another, so the ranks
/// are gathered a block of units at a time: each replication's slice for the block is read once,
/// in order, instead of one value per replication and unit.
fn summarise_units(
    reps: &[Replication],
    nominal: &Replication,
    names: &[(usize, &String)],
    range: std::ops::Range<usize>,
    config: &UncertaintyConfig,
) -> Vec<UnitUncertainty> {
    const BLOCK: usize = 256;
    let n_reps = reps.len();
    let wants_stars = config.stars.is_some() || config.star_cutoffs.is_some();
    let mut units = Vec::with_capacity(range.len());
    let mut overall_block = vec![0.0f64; BLOCK * n_reps];
    let mut within_block = vec![0.0f64; BLOCK * n_reps];
    for first in range.clone().step_by(BLOCK) {
        let last = (first + BLOCK).min(range.end);
        let mut star_block = [[0usize; 5]; BLOCK];
        for (r, rep) in reps.iter().enumerate() {
            for (k, u) in (first..last).enumerate() {
                overall_block[k * n_reps + r] = f64::from(rep.overall[u]);
                within_block[k * n_reps + r] = f64::from(rep.within[u]);
                if let Some(s) = rep.stars[u] {
                    star_block[k][(s - 1) as usize] += 1;
                }
            }
        }
        for (k, u) in (first..last).enumerate() {
            let (g, name) = names[u];
            let star_counts = star_block[k];
            let n_star: usize = star_counts.iter().sum();
            let star_probability = wants_stars.then(|| {
                let mut p = [0.0; 5];
                if n_star > 0 {
                    for k in 0..5 {
                        p[k] = star_counts[k] as f64 / n_star as f64;
                    }
                }
                p
            });
            let mut overall = overall_block[k * n_reps..(k + 1) * n_reps].to_vec();
            let mut within = within_block[k * n_reps..(k + 1) * n_reps].to_vec();
            units.push(UnitUncertainty {
                unit: name.clone(),
                group: g,
                overall: summarise(f64::from(nominal.overall[u]), &mut overall),
                within_group: summarise(f64::from(nominal.within[u]), &mut within),
                star_probability,
            });
        }
    }
    units
}

fn summarise(nominal: f64, ranks: &mut Vec<f64>) -> RankSummary {
    ranks.retain(|r| !r.is_nan());
    if ranks.is_empty() {
        return RankSummary {
            nominal,
            median: f64::NAN,
            mean: f64::NAN,
            p05: f64::NAN,
            p95: f64::NAN,
        };
    }
    // Ranks are numbers without NaN: the unstable sort orders them the same as a stable one.
    ranks.sort_unstable_by(f64::total_cmp);
    RankSummary {
        nominal,
        median: stats::quantile_sorted(ranks, 0.5),
        mean: ranks.iter().sum::<f64>() / ranks.len() as f64,
        p05: stats::quantile_sorted(ranks, 0.05),
        p95: stats::quantile_sorted(ranks, 0.95),
    }
}
