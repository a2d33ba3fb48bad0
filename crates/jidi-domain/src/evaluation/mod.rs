//! The yearly development-quality evaluation (C3): builds the engine's input per peer group from a
//! scheme and a year's values, runs it, assigns stars, applies vetoes, and explains each result
//! (dimension scores against the group median and best, indicator contributions, the rank interval
//! from the uncertainty analysis, the change from last year, and what it would take to gain a
//! star). Pure: the store supplies the values and keeps the result.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use jidi_engine::aggregate::Aggregation;
use jidi_engine::normalise::Normalisation;
use jidi_engine::pipeline::{self, Dataset, PipelineConfig};
use jidi_engine::rank::{self, Order};
use jidi_engine::scenario::{Alternatives, Group};
use jidi_engine::stars::StarRule;
use jidi_engine::structure::Structure;
use jidi_engine::uncertainty::{self, UncertaintyConfig};
use jidi_engine::whatif::WhatIf;

use crate::incident::IncidentKind;
use crate::programme::is_eligible;
use crate::roll::Tier;
use crate::scheme::Scheme;

mod confidence;
mod explain;
mod group;
mod hash;
mod result;
mod sensitivity;

pub use confidence::{BORDERLINE_BELOW, StarConfidence, star_confidence};
use explain::{GroupStats, contributions, dimension_scores, next_star};
use group::{GroupRun, group_structure, method_config};
pub use hash::{hash_content, hash_inputs, hash_result_lines, hash_results, result_line};
pub use result::{
    BaseResult, Change, Combination, Contribution, DimensionScore, Evaluation, EvaluationError,
    Lever, NextStar, Reach, ResultExplanation, RunSummary, SensitivityReport,
};
use sensitivity::scheme_sensitivity;

/// A base as the evaluation needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct EvalBase {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Province code.
    pub province_code: String,
    /// Category code.
    pub category: String,
    /// Sub-type code.
    pub subcategory: Option<String>,
    /// Current tier.
    pub tier: Tier,
    /// Designation date.
    pub designated_on: Option<NaiveDate>,
    /// Designation year.
    pub designated_year: Option<i32>,
    /// Withdrawal date.
    pub withdrawn_on: Option<NaiveDate>,
}

/// Last year's published result of a base.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PreviousResult {
    /// Score.
    pub score: f64,
    /// National rank.
    pub national_rank: f64,
    /// Rank in its peer group.
    pub category_rank: f64,
    /// Stars.
    pub stars: u8,
}

/// Everything an evaluation reads.
pub struct EvaluationInput<'a> {
    /// The scheme.
    pub scheme: &'a Scheme,
    /// Candidate bases (eligibility is decided here).
    pub bases: &'a [EvalBase],
    /// The year's values: `(base id, indicator code) → value`.
    pub values: &'a HashMap<(i64, String), f64>,
    /// Incidents: `(base id, kind, date)`.
    pub incidents: &'a [(i64, IncidentKind, NaiveDate)],
    /// Last year's published results.
    pub previous: &'a HashMap<i64, PreviousResult>,
    /// Run the variance-based sensitivity analysis (slower; for the scheme page).
    pub with_sensitivity: bool,
}

/// Apportions cumulative star places between groups so that national totals match the shares
/// (largest remainder), then returns per group the cumulative cut-offs `[5★, ≥4★, ≥3★, ≥2★, all]`.
pub fn apportion_cutoffs(shares: &[f64; 5], sizes: &[usize]) -> Vec<[usize; 5]> {
    let total: usize = sizes.iter().sum();
    let mut out = vec![[0usize; 5]; sizes.len()];
    let mut cumulative = 0.0;
    for k in 0..5 {
        cumulative += shares[k];
        if k == 4 {
            for (g, &n) in sizes.iter().enumerate() {
                out[g][4] = n;
            }
            break;
        }
        let target = (total as f64 * cumulative).round() as usize;
        let ideal: Vec<f64> = sizes.iter().map(|&n| n as f64 * cumulative).collect();
        let mut counts: Vec<usize> = ideal.iter().map(|x| x.floor() as usize).collect();
        let mut left = target.saturating_sub(counts.iter().sum());
        let mut order: Vec<usize> = (0..sizes.len()).collect();
        order.sort_by(|&a, &b| {
            let fa = ideal[a] - ideal[a].floor();
            let fb = ideal[b] - ideal[b].floor();
            fb.total_cmp(&fa)
                .then(sizes[b].cmp(&sizes[a]))
                .then(a.cmp(&b))
        });
        for g in order {
            if left == 0 {
                break;
            }
            if counts[g] < sizes[g] {
                counts[g] += 1;
                left -= 1;
            }
        }
        for g in 0..sizes.len() {
            let floor = if k > 0 { out[g][k - 1] } else { 0 };
            out[g][k] = counts[g].max(floor).min(sizes[g]);
        }
    }
    out
}

/// The peer group's label of the national run, on a common normalisation across all bases.
pub const NATIONAL_GROUP: &str = "national";

fn engine_error(group: &str) -> impl Fn(jidi_engine::EngineError) -> EvaluationError + '_ {
    move |e| EvaluationError::Engine {
        group: group.to_string(),
        source: e,
    }
}

/// Runs one group through the pipeline, keeping the engine's warnings.
fn run_group(
    key: String,
    members: Vec<usize>,
    structure: Structure,
    config: &PipelineConfig,
    data: Dataset,
    diagnostics: &mut Vec<String>,
) -> Result<GroupRun, EvaluationError> {
    let result = pipeline::run(&structure, config, &data).map_err(engine_error(&key))?;
    diagnostics.extend(
        result
            .diagnostics
            .iter()
            .filter(|d| d.severity == jidi_engine::Severity::Warning)
            .map(|d| format!("{key}: {d}")),
    );
    Ok(GroupRun {
        key,
        members,
        structure,
        config: config.clone(),
        data,
        result,
    })
}

/// The national run: every base together, without category overrides, on one normalisation; an
/// indicator that a base's category excludes counts as missing for it (and is imputed as the
/// scheme says).
fn national_run(
    scheme: &Scheme,
    bases: &[&EvalBase],
    values: &HashMap<(i64, String), f64>,
    config: &PipelineConfig,
    diagnostics: &mut Vec<String>,
) -> Result<GroupRun, EvaluationError> {
    let everyone: Vec<usize> = (0..bases.len()).collect();
    let value = |m: usize, code: &str| -> Option<f64> {
        let excluded = scheme
            .category_overrides
            .iter()
            .any(|o| o.category == bases[m].category && o.exclude.iter().any(|e| e == code));
        if excluded {
            None
        } else {
            values.get(&(bases[m].id, code.to_string())).copied()
        }
    };
    let reported = |code: &str| everyone.iter().any(|&m| value(m, code).is_some());
    let structure = group_structure(scheme, None, NATIONAL_GROUP, &reported, diagnostics)?;
    let data = group::dataset(
        &structure,
        everyone.iter().map(|&m| bases[m].id.to_string()).collect(),
        &everyone,
        &value,
        &|m| bases[m].id,
        None,
        NATIONAL_GROUP,
    )?;
    run_group(
        NATIONAL_GROUP.to_string(),
        everyone,
        structure,
        config,
        data,
        diagnostics,
    )
}

/// The scheme's score of `bases` evaluated among themselves on one normalisation (the national
/// run's convention, whatever their tier): how candidates for promotion are ranked. Bases without
/// a score (no values at all) are left out.
pub fn candidate_scores(
    scheme: &Scheme,
    bases: &[EvalBase],
    values: &HashMap<(i64, String), f64>,
) -> Result<HashMap<i64, f64>, EvaluationError> {
    let errors = scheme.validate();
    if !errors.is_empty() {
        return Err(EvaluationError::Scheme(errors));
    }
    let with_values: Vec<&EvalBase> = {
        let reporting: std::collections::HashSet<i64> = values.keys().map(|k| k.0).collect();
        bases.iter().filter(|b| reporting.contains(&b.id)).collect()
    };
    if with_values.is_empty() {
        return Ok(HashMap::new());
    }
    let config = method_config(scheme)?;
    let run = national_run(scheme, &with_values, values, &config, &mut Vec::new())?;
    Ok(with_values
        .iter()
        .zip(run.result.index())
        .filter(|(_, s)| s.is_finite())
        .map(|(b, s)| (b.id, *s))
        .collect())
}

/// Runs an evaluation.
///
/// Scores, group ranks and stars come from each peer group's own normalisation (分类指导). The
/// national rank comes from a second run of the same scheme over all bases together, without
/// category overrides, on one common normalisation: a score of 80 in a group of 25 is not a
/// score of 80 in a group of 140. The uncertainty of both is the published method's own (weights
/// and data noise), so the published result is its nominal replication.
pub fn evaluate(input: &EvaluationInput<'_>) -> Result<Evaluation, EvaluationError> {
    let scheme = input.scheme;
    let errors = scheme.validate();
    if !errors.is_empty() {
        return Err(EvaluationError::Scheme(errors));
    }
    let year = scheme.year;
    let cutoff = scheme.cutoff();
    let eligible: Vec<&EvalBase> = input
        .bases
        .iter()
        .filter(|b| {
            is_eligible(
                b.tier,
                b.designated_on,
                b.designated_year,
                b.withdrawn_on,
                year,
                cutoff,
            )
        })
        .collect();
    if eligible.is_empty() {
        return Err(EvaluationError::NoBases(year));
    }
    let mut diagnostics = Vec::new();
    let config = method_config(scheme)?;
    let value = |m: usize, code: &str| {
        input
            .values
            .get(&(eligible[m].id, code.to_string()))
            .copied()
    };
    let id_of = |m: usize| eligible[m].id;
    let unit_names = |members: &[usize]| -> Vec<String> {
        members
            .iter()
            .map(|&m| eligible[m].id.to_string())
            .collect()
    };

    // Peer groups.
    let keys: Vec<(&str, Option<&str>)> = eligible
        .iter()
        .map(|b| (b.category.as_str(), b.subcategory.as_deref()))
        .collect();
    let mut inputs: Vec<(i64, String, Option<f64>)> = Vec::new();
    let mut runs: Vec<GroupRun> = Vec::new();
    for (key, members) in group::peer_groups(scheme, &keys) {
        let category = eligible[members[0]].category.clone();
        let reported = |code: &str| members.iter().any(|&m| value(m, code).is_some());
        let structure =
            group_structure(scheme, Some(&category), &key, &reported, &mut diagnostics)?;
        let data = group::dataset(
            &structure,
            unit_names(&members),
            &members,
            &value,
            &id_of,
            Some(&mut inputs),
            &key,
        )?;
        runs.push(run_group(
            key,
            members,
            structure,
            &config,
            data,
            &mut diagnostics,
        )?);
    }
    inputs.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));

    let national_run = national_run(scheme, &eligible, input.values, &config, &mut diagnostics)?;
    let national_scores = national_run.result.index().to_vec();
    let ties = config.ties;
    let national = rank::rank(&national_scores, Order::HighestFirst, ties);

    // Stars.
    let sizes: Vec<usize> = runs.iter().map(|r| r.members.len()).collect();
    let rule = scheme.star_rule();
    let cutoffs = match &rule {
        StarRule::Shares(shares) => Some(apportion_cutoffs(shares, &sizes)),
        StarRule::Thresholds(_) => None,
    };
    let veto_kinds = scheme.veto_kinds();
    let vetoes: HashMap<i64, Vec<(IncidentKind, NaiveDate)>> = input
        .incidents
        .iter()
        .filter(|(_, kind, on)| on.year() == year && veto_kinds.contains(kind))
        .fold(HashMap::new(), |mut m, (b, kind, on)| {
            m.entry(*b).or_insert_with(Vec::new).push((*kind, *on));
            m
        });

    // Uncertainty of the published method: weights and data, all groups sharing the draws; the
    // national rank's over the national run with the same seed.
    let u = &scheme.uncertainty;
    let engine_groups: Vec<Group> = runs
        .iter()
        .map(|r| Group::build(&r.key, &r.structure, &r.config, &r.data))
        .collect::<Result<_, _>>()
        .map_err(engine_error("uncertainty"))?;
    let national_group = Group::build(
        NATIONAL_GROUP,
        &national_run.structure,
        &national_run.config,
        &national_run.data,
    )
    .map_err(engine_error(NATIONAL_GROUP))?;
    let published_only = Alternatives {
        normalisations: Vec::new(),
        aggregations: Vec::new(),
        vary_treatment: false,
    };
    let (ua, national_ua) = if u.replications > 0 {
        let cfg = UncertaintyConfig {
            replications: u.replications,
            seed: u.seed,
            weight_noise: u.weight_noise,
            data_noise: u.data_noise,
            alternatives: published_only,
            drop_one_indicator: false,
            stars: Some(rule.clone()),
            star_cutoffs: cutoffs.clone(),
            ties,
            threads: 0,
        };
        let groups_ua =
            uncertainty::analyse(&engine_groups, &cfg).map_err(engine_error("uncertainty"))?;
        let national_cfg = UncertaintyConfig {
            stars: None,
            star_cutoffs: None,
            ..cfg
        };
        let national_ua =
            uncertainty::analyse(std::slice::from_ref(&national_group), &national_cfg)
                .map_err(engine_error(NATIONAL_GROUP))?;
        (Some(groups_ua), Some(national_ua))
    } else {
        (None, None)
    };

    // Where each eligible base sits: its group, its place in the group, its place in the
    // group analysis's flat order.
    let mut place = vec![(0usize, 0usize, 0usize); eligible.len()];
    let mut flat = 0;
    for (g, run) in runs.iter().enumerate() {
        for (k, &m) in run.members.iter().enumerate() {
            place[m] = (g, k, flat);
            flat += 1;
        }
    }

    // What it takes to gain a star re-runs a base's group a few times per base: spread over the
    // cores, each thread taking every n-th base.
    let stars_nominal: Vec<u8> = place
        .iter()
        .map(|&(g, k, _)| match (&cutoffs, &rule) {
            (Some(c), _) => jidi_engine::stars::from_cutoffs(runs[g].result.rank[k], &c[g]),
            (None, r) => r.assign(&[runs[g].result.index()[k]])[0].unwrap_or(1),
        })
        .collect();
    let what_ifs: Vec<WhatIf<'_>> = runs
        .iter()
        .map(|r| WhatIf::new(&r.structure, &r.config, &r.data, &r.result))
        .collect();
    let group_stats: Vec<GroupStats> = runs.iter().map(GroupStats::new).collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let mut next_stars: Vec<Option<NextStar>> = vec![None; eligible.len()];
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (place, runs, group_stats, what_ifs, cutoffs, rule, config, stars_nominal) = (
                    &place,
                    &runs,
                    &group_stats,
                    &what_ifs,
                    &cutoffs,
                    &rule,
                    &config,
                    &stars_nominal,
                );
                scope.spawn(move || {
                    (t..place.len())
                        .step_by(threads)
                        .map(|m| {
                            let (g, k, _) = place[m];
                            let c = cutoffs.as_ref().map(|c| &c[g]);
                            (
                                m,
                                next_star(
                                    &runs[g],
                                    &group_stats[g],
                                    &what_ifs[g],
                                    k,
                                    c,
                                    rule,
                                    stars_nominal[m],
                                    config,
                                ),
                            )
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            for (m, n) in h.join().expect("next-star worker panicked") {
                next_stars[m] = n;
            }
        }
    });

    let mut results = Vec::with_capacity(eligible.len());
    for (m, base) in eligible.iter().enumerate() {
        let (g, k, flat) = place[m];
        let run = &runs[g];
        let score = run.result.index()[k];
        let category_rank = run.result.rank[k];
        let stars_nominal = stars_nominal[m];
        let veto = vetoes.get(&base.id);
        let stars = match veto {
            Some(_) => stars_nominal.min(scheme.vetoes.cap_stars),
            None => stars_nominal,
        };
        let group_ua = ua.as_ref().map(|ua| &ua.units[flat]);
        let national_unit = national_ua.as_ref().map(|ua| &ua.units[m].overall);
        let star_probabilities = group_ua.and_then(|x| x.star_probability).map(|mut p| {
            if veto.is_some() {
                let cap = scheme.vetoes.cap_stars as usize;
                let above: f64 = p[cap..].iter().sum();
                for x in p[cap..].iter_mut() {
                    *x = 0.0;
                }
                p[cap - 1] += above;
            }
            p
        });
        results.push(BaseResult {
            base_id: base.id,
            group: run.key.clone(),
            province_code: base.province_code.clone(),
            score,
            national_score: national_scores[m],
            national_rank: national[m],
            category_rank,
            stars,
            stars_before_veto: stars_nominal,
            vetoed: veto.is_some(),
            veto_reason: veto.map(|v| crate::incident::veto_reason(v)),
            rank_median: national_unit.map(|x| x.median),
            rank_p05: national_unit.map(|x| x.p05),
            rank_p95: national_unit.map(|x| x.p95),
            category_rank_p05: group_ua.map(|x| x.within_group.p05),
            category_rank_p95: group_ua.map(|x| x.within_group.p95),
            star_probabilities,
            dimension_scores: dimension_scores(run, &group_stats[g], k),
            contributions: contributions(run, &group_stats[g], k, input.values, base.id),
            next_star: next_stars[m].take(),
            change: input.previous.get(&base.id).map(|p| Change {
                score: score - p.score,
                national_rank: national[m] - p.national_rank,
                previous_stars: p.stars,
            }),
        });
    }
    results.sort_by(|a, b| {
        a.national_rank
            .total_cmp(&b.national_rank)
            .then(a.base_id.cmp(&b.base_id))
    });
    let mut star_counts = [0usize; 5];
    for r in &results {
        star_counts[(r.stars - 1) as usize] += 1;
    }
    let sensitivity = if input.with_sensitivity {
        // The scheme's method alternatives, on the national ranking.
        let alternatives = Alternatives {
            normalisations: u
                .normalisations
                .iter()
                .filter_map(|n| Normalisation::parse(n).ok())
                .collect(),
            aggregations: u
                .aggregations
                .iter()
                .filter_map(|a| Aggregation::parse(a).ok())
                .collect(),
            vary_treatment: u.vary_treatment,
        };
        Some(scheme_sensitivity(
            std::slice::from_ref(&national_group),
            std::slice::from_ref(&national_run),
            &alternatives,
            ties,
        )?)
    } else {
        None
    };
    let scheme_hash = scheme.content_hash();
    let inputs_hash = hash_inputs(&inputs);
    let results_hash = hash_results(&results);
    let content_hash = hash_content(
        &scheme_hash,
        &inputs_hash,
        &results_hash,
        u.replications,
        u.seed,
    );
    Ok(Evaluation {
        year,
        scheme_hash,
        groups: runs
            .iter()
            .map(|r| (r.key.clone(), r.members.len()))
            .collect(),
        results,
        inputs,
        star_counts,
        diagnostics,
        replications: ua.as_ref().map_or(0, |u| u.replications),
        sensitivity,
        inputs_hash,
        results_hash,
        content_hash,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportioned_cutoffs_keep_national_totals() {
        let shares = [0.07, 0.58, 0.27, 0.06, 0.02];
        let sizes = [140, 90, 95, 70, 25, 25];
        let c = apportion_cutoffs(&shares, &sizes);
        let total: usize = sizes.iter().sum();
        let five: usize = c.iter().map(|x| x[0]).sum();
        let four_plus: usize = c.iter().map(|x| x[1]).sum();
        assert_eq!(five, (total as f64 * 0.07).round() as usize);
        assert_eq!(four_plus, (total as f64 * 0.65).round() as usize);
        for (g, x) in c.iter().enumerate() {
            assert!(x.windows(2).all(|w| w[0] <= w[1]));
            assert_eq!(x[4], sizes[g]);
        }
    }
}
