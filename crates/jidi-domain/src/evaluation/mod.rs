//! The yearly development-quality evaluation (C3): builds the engine's input per peer group from a
//! scheme and a year's values, runs it, assigns stars, applies vetoes, and explains each result
//! (dimension scores against the group median and best, indicator contributions, the rank interval
//! from the uncertainty analysis, the change from last year, and what it would take to gain a
//! star). Pure: the store supplies the values and keeps the result.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use jidi_engine::aggregate::Aggregation;
use jidi_engine::normalise::Normalisation;
use jidi_engine::pipeline::{self, Dataset};
use jidi_engine::rank::{self, Order};
use jidi_engine::scenario::{Alternatives, Group};
use jidi_engine::stars::StarRule;
use jidi_engine::uncertainty::{self, UncertaintyConfig};

use crate::incident::IncidentKind;
use crate::programme::is_eligible;
use crate::roll::Tier;
use crate::scheme::{PeerGroup, Scheme};

mod explain;
mod group;
mod hash;
mod result;
mod sensitivity;

use explain::{contributions, dimension_scores, next_star};
use group::{GroupRun, group_structure, method_config};
pub use hash::{hash_content, hash_inputs, hash_result_lines, hash_results, result_line};
pub use result::{
    BaseResult, Change, Contribution, DimensionScore, Evaluation, EvaluationError, Lever, NextStar,
    ResultExplanation, RunSummary, SensitivityReport,
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

fn stars_from_cutoffs(category_rank: f64, cutoffs: &[usize; 5]) -> u8 {
    let level = cutoffs
        .iter()
        .position(|&c| category_rank <= c as f64)
        .unwrap_or(4);
    5 - level as u8
}

/// Runs an evaluation.
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

    // Peer groups.
    let mut by_group: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, b) in eligible.iter().enumerate() {
        let key = if scheme.peer_group == PeerGroup::Subcategory {
            b.subcategory.clone().unwrap_or_else(|| b.category.clone())
        } else {
            b.category.clone()
        };
        by_group.entry(key).or_default().push(i);
    }
    let mut inputs: Vec<(i64, String, Option<f64>)> = Vec::new();
    let mut runs: Vec<GroupRun> = Vec::new();
    for (key, members) in by_group {
        let category = eligible[members[0]].category.clone();
        let value = |b: &EvalBase, code: &str| input.values.get(&(b.id, code.to_string())).copied();
        let reported = |code: &str| members.iter().any(|&m| value(eligible[m], code).is_some());
        let structure = group_structure(scheme, &category, &reported, &mut diagnostics)?;
        let units: Vec<String> = members
            .iter()
            .map(|&m| eligible[m].id.to_string())
            .collect();
        let mut data = Dataset::new(units);
        for &i in structure.indicators() {
            let code = &structure.node(i).code;
            let col: Vec<f64> = members
                .iter()
                .map(|&m| {
                    let v = value(eligible[m], code);
                    inputs.push((eligible[m].id, code.clone(), v));
                    v.unwrap_or(f64::NAN)
                })
                .collect();
            data.insert_numeric(code, col)
                .map_err(|e| EvaluationError::Engine {
                    group: key.clone(),
                    source: e,
                })?;
        }
        let result =
            pipeline::run(&structure, &config, &data).map_err(|e| EvaluationError::Engine {
                group: key.clone(),
                source: e,
            })?;
        diagnostics.extend(
            result
                .diagnostics
                .iter()
                .filter(|d| d.severity == jidi_engine::Severity::Warning)
                .map(|d| format!("{key}: {d}")),
        );
        runs.push(GroupRun {
            key,
            members,
            structure,
            config: config.clone(),
            data,
            result,
        });
    }
    inputs.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));

    // National ranks.
    let mut all_scores = Vec::new();
    let mut owner = Vec::new();
    for (g, run) in runs.iter().enumerate() {
        for (k, s) in run.result.index().iter().enumerate() {
            all_scores.push(*s);
            owner.push((g, k));
        }
    }
    let ties = config.ties;
    let national = rank::rank(&all_scores, Order::HighestFirst, ties);

    // Stars.
    let sizes: Vec<usize> = runs.iter().map(|r| r.members.len()).collect();
    let rule = scheme.star_rule();
    let cutoffs = match &rule {
        StarRule::Shares(shares) => Some(apportion_cutoffs(shares, &sizes)),
        StarRule::Thresholds(_) => None,
    };
    let veto_kinds = scheme.veto_kinds();
    let vetoes: HashMap<i64, Vec<String>> = input
        .incidents
        .iter()
        .filter(|(_, kind, on)| on.year() == year && veto_kinds.contains(kind))
        .fold(HashMap::new(), |mut m, (b, kind, on)| {
            m.entry(*b)
                .or_insert_with(Vec::new)
                .push(format!("{}（{on}）", kind.name_zh()));
            m
        });

    // Uncertainty, all groups sharing the draws.
    let u = &scheme.uncertainty;
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
    let engine_groups: Vec<Group> = runs
        .iter()
        .map(|r| Group::build(&r.key, &r.structure, &r.config, &r.data))
        .collect::<Result<_, _>>()
        .map_err(|e| EvaluationError::Engine {
            group: "uncertainty".into(),
            source: e,
        })?;
    let ua = if u.replications > 0 {
        let cfg = UncertaintyConfig {
            replications: u.replications,
            seed: u.seed,
            weight_noise: u.weight_noise,
            alternatives: alternatives.clone(),
            drop_one_indicator: u.drop_one_indicator,
            stars: Some(rule.clone()),
            ties,
            threads: 0,
        };
        Some(
            uncertainty::analyse(&engine_groups, &cfg).map_err(|e| EvaluationError::Engine {
                group: "uncertainty".into(),
                source: e,
            })?,
        )
    } else {
        None
    };

    let mut results = Vec::with_capacity(all_scores.len());
    for (flat, &(g, k)) in owner.iter().enumerate() {
        let run = &runs[g];
        let base = eligible[run.members[k]];
        let score = all_scores[flat];
        let category_rank = run.result.rank[k];
        let stars_nominal = match (&cutoffs, &rule) {
            (Some(c), _) => stars_from_cutoffs(category_rank, &c[g]),
            (None, r) => r.assign(&[score])[0].unwrap_or(1),
        };
        let veto = vetoes.get(&base.id);
        let stars = match veto {
            Some(_) => stars_nominal.min(scheme.vetoes.cap_stars),
            None => stars_nominal,
        };
        let unit_ua = ua.as_ref().map(|ua| &ua.units[flat]);
        let star_probabilities = unit_ua.and_then(|x| x.star_probability).map(|mut p| {
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
            national_rank: national[flat],
            category_rank,
            stars,
            stars_before_veto: stars_nominal,
            vetoed: veto.is_some(),
            veto_reason: veto.map(|v| v.join("；")),
            rank_median: unit_ua.map(|x| x.overall.median),
            rank_p05: unit_ua.map(|x| x.overall.p05),
            rank_p95: unit_ua.map(|x| x.overall.p95),
            category_rank_p05: unit_ua.map(|x| x.within_group.p05),
            category_rank_p95: unit_ua.map(|x| x.within_group.p95),
            star_probabilities,
            dimension_scores: dimension_scores(run, k),
            contributions: contributions(run, k, input.values, base.id),
            next_star: next_star(
                run,
                k,
                cutoffs.as_ref().map(|c| &c[g]),
                &rule,
                stars_nominal,
                &config,
            ),
            change: input.previous.get(&base.id).map(|p| Change {
                score: score - p.score,
                national_rank: national[flat] - p.national_rank,
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
        Some(scheme_sensitivity(
            &engine_groups,
            &runs,
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
