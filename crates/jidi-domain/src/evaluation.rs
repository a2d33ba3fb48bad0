//! The yearly development-quality evaluation (C3): builds the engine's input per peer group from a
//! scheme and a year's values, runs it, assigns stars, applies vetoes, and explains each result
//! (dimension scores against the group median and best, indicator contributions, the rank interval
//! from the uncertainty analysis, the change from last year, and what it would take to gain a
//! star). Pure: the store supplies the values and keeps the result.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use jidi_engine::aggregate::Aggregation;
use jidi_engine::normalise::Normalisation;
use jidi_engine::pipeline::{self, Dataset, PipelineConfig, Treatment};
use jidi_engine::rank::{self, Order, TieRule};
use jidi_engine::scenario::{Alternatives, Group};
use jidi_engine::sensitivity::{self, Factor, SensitivityConfig};
use jidi_engine::stars::StarRule;
use jidi_engine::structure::{NodeSpec, Structure};
use jidi_engine::treat::WinsoriseConfig;
use jidi_engine::uncertainty::{self, UncertaintyConfig};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::incident::IncidentKind;
use crate::programme::is_eligible;
use crate::roll::Tier;
use crate::scheme::{PeerGroup, Scheme};

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
    /// Score the base must exceed.
    pub threshold: f64,
    /// Points missing.
    pub gap: f64,
    /// Indicators that could close the gap alone, with the change of the raw value needed.
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
    /// Relative change (0.1 = +10 %).
    pub relative_change: f64,
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
    /// Overall score.
    pub score: f64,
    /// Rank among all bases evaluated.
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
    /// Median national rank over the replications.
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

fn join_problems(problems: &[crate::scheme::SchemeError]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

struct GroupRun {
    key: String,
    members: Vec<usize>,
    structure: Structure,
    config: PipelineConfig,
    data: Dataset,
    result: pipeline::IndexResult,
}

fn method_config(scheme: &Scheme) -> Result<PipelineConfig, EvaluationError> {
    let bad = |path: &str, e: jidi_engine::EngineError| {
        EvaluationError::Scheme(vec![crate::scheme::SchemeError {
            path: path.into(),
            message: e.to_string(),
        }])
    };
    Ok(PipelineConfig {
        denominate: false,
        impute: scheme.method.impute.engine(),
        min_coverage: None,
        treatment: if scheme.method.winsorise {
            Treatment::Winsorise(WinsoriseConfig::COINR)
        } else {
            Treatment::None
        },
        normalisation: Normalisation::parse(&scheme.method.normalisation)
            .map_err(|e| bad("method.normalisation", e))?,
        normalisation_overrides: HashMap::new(),
        weighting: pipeline::Weighting::Structure,
        aggregation: Aggregation::parse(&scheme.method.aggregation)
            .map_err(|e| bad("method.aggregation", e))?,
        aggregation_by_level: HashMap::new(),
        ties: scheme.method.ties.engine(),
    })
}

/// The structure of one peer group: the scheme's dimensions and indicators with its overrides,
/// leaving out excluded indicators and those nobody in the group reported.
fn group_structure(
    scheme: &Scheme,
    category: &str,
    reported: &dyn Fn(&str) -> bool,
    diagnostics: &mut Vec<String>,
) -> Result<Structure, EvaluationError> {
    let overrides = scheme
        .category_overrides
        .iter()
        .find(|o| o.category == category);
    let excluded = |code: &str| overrides.is_some_and(|o| o.exclude.iter().any(|e| e == code));
    let mut specs = Vec::new();
    let mut used_dims: Vec<&str> = Vec::new();
    for ind in &scheme.indicators {
        if excluded(&ind.code) {
            continue;
        }
        if !reported(&ind.code) {
            diagnostics.push(format!(
                "{category}: indicator {} has no values and is left out",
                ind.code
            ));
            continue;
        }
        let factor = overrides
            .and_then(|o| o.indicator_factors.get(&ind.code))
            .copied()
            .unwrap_or(1.0);
        specs.push(
            NodeSpec::indicator(&ind.code, &ind.dimension, Scheme::direction(&ind.code))
                .weighted(ind.weight * factor),
        );
        if !used_dims.contains(&ind.dimension.as_str()) {
            used_dims.push(&ind.dimension);
        }
    }
    for d in &scheme.dimensions {
        if !used_dims.contains(&d.code.as_str()) {
            diagnostics.push(format!(
                "{category}: dimension {} has no indicator and is left out",
                d.code
            ));
            continue;
        }
        let factor = overrides
            .and_then(|o| o.dimension_factors.get(&d.code))
            .copied()
            .unwrap_or(1.0);
        specs.push(NodeSpec::aggregate(&d.code, Some("index"), 2).weighted(d.weight * factor));
    }
    specs.push(NodeSpec::aggregate("index", None, 3));
    Structure::new(specs).map_err(|e| EvaluationError::Engine {
        group: category.to_string(),
        source: e,
    })
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

fn dimension_scores(run: &GroupRun, k: usize) -> Vec<DimensionScore> {
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

fn contributions(
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
fn next_star(
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

fn scheme_sensitivity(
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

fn sha256_lines(lines: impl Iterator<Item = String>) -> String {
    let mut h = Sha256::new();
    for l in lines {
        h.update(l.as_bytes());
        h.update(b"\n");
    }
    hex::encode(h.finalize())
}

/// SHA-256 of inputs `(base, indicator, value)`, sorted; values by their exact bits.
pub fn hash_inputs(inputs: &[(i64, String, Option<f64>)]) -> String {
    let mut sorted: Vec<&(i64, String, Option<f64>)> = inputs.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    sha256_lines(sorted.into_iter().map(|(b, c, v)| match v {
        Some(x) => format!("{b}\t{c}\t{:016x}", x.to_bits()),
        None => format!("{b}\t{c}\t-"),
    }))
}

/// The stored, hashed form of a result's headline figures.
pub fn result_line(
    base_id: i64,
    score: f64,
    national_rank: f64,
    category_rank: f64,
    stars: u8,
    vetoed: bool,
) -> String {
    format!(
        "{base_id}\t{:016x}\t{:016x}\t{:016x}\t{stars}\t{}",
        score.to_bits(),
        national_rank.to_bits(),
        category_rank.to_bits(),
        u8::from(vetoed)
    )
}

/// SHA-256 of the results' headline figures, sorted by base.
pub fn hash_results(results: &[BaseResult]) -> String {
    hash_result_lines(
        results
            .iter()
            .map(|r| {
                (
                    r.base_id,
                    result_line(
                        r.base_id,
                        r.score,
                        r.national_rank,
                        r.category_rank,
                        r.stars,
                        r.vetoed,
                    ),
                )
            })
            .collect(),
    )
}

/// SHA-256 of `(base, result_line)` pairs sorted by base: what [`hash_results`] hashes, for
/// checking stored results.
pub fn hash_result_lines(mut lines: Vec<(i64, String)>) -> String {
    lines.sort_by_key(|l| l.0);
    sha256_lines(lines.into_iter().map(|l| l.1))
}

/// SHA-256 binding a scheme, its inputs and results, and the Monte Carlo settings.
pub fn hash_content(
    scheme_hash: &str,
    inputs_hash: &str,
    results_hash: &str,
    replications: usize,
    seed: u64,
) -> String {
    sha256_lines(
        [
            scheme_hash.to_string(),
            inputs_hash.to_string(),
            results_hash.to_string(),
            format!("{replications}\t{seed}"),
        ]
        .into_iter(),
    )
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
