//! Fast re-evaluation of an index under alternative assumptions, shared by the Monte Carlo
//! uncertainty analysis and the variance-based sensitivity analysis.
//!
//! Everything that does not depend on the random draws is computed once: the prepared data of
//! every peer group, its treated and normalised values for every combination of treatment and
//! normalisation alternative, and the logarithms and reciprocals the geometric and harmonic means
//! need. A [`Scenario`] then only re-weights and re-aggregates, which is a few multiply-adds per
//! unit and indicator.

use std::collections::BTreeMap;

use rand::{RngExt, SeedableRng};

use crate::aggregate::{self, Aggregation, Child};
use crate::error::EngineError;
use crate::normalise::Normalisation;
use crate::pipeline::{self, PipelineConfig, Prepared, Treatment, Variant};
use crate::structure::Structure;
use crate::treat::WinsoriseConfig;

/// One peer group: its prepared data, nominal configuration and the structure carrying the
/// nominal weights (as resolved by [`pipeline::resolve_weights`]).
#[derive(Clone, Debug)]
pub struct Group {
    /// Name for reports.
    pub name: String,
    /// Data after denomination, imputation and screening.
    pub prepared: Prepared,
    /// Nominal configuration.
    pub config: PipelineConfig,
    /// Structure with the nominal weights.
    pub weighted: Structure,
}

impl Group {
    /// Prepares `data` and resolves nominal weights, as [`pipeline::run`] would.
    pub fn build(
        name: &str,
        structure: &Structure,
        config: &PipelineConfig,
        data: &pipeline::Dataset,
    ) -> Result<Group, EngineError> {
        let prepared = pipeline::prepare(structure, config, data)?;
        let variant = Variant::compute(&prepared, &config.treatment, &|c| {
            config.normalisation_of(c).clone()
        })?;
        let mut diagnostics = Vec::new();
        let weighted =
            pipeline::resolve_weights(&prepared, &variant, &config.weighting, &mut diagnostics)?;
        Ok(Group {
            name: name.to_string(),
            prepared,
            config: config.clone(),
            weighted,
        })
    }
}

/// The alternatives a scenario may choose from.
#[derive(Clone, Debug, PartialEq)]
pub struct Alternatives {
    /// Normalisations replacing the nominal default (per-indicator overrides stay); empty means the
    /// nominal one only.
    pub normalisations: Vec<Normalisation>,
    /// Aggregations applied at every level; empty means the nominal ones only.
    pub aggregations: Vec<Aggregation>,
    /// Whether treatment is switched between the nominal choice and its opposite (winsorisation
    /// with COINr's defaults when the nominal run has none).
    pub vary_treatment: bool,
}

/// One draw of the assumptions.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// Index into the treatment choices (0 = nominal).
    pub treatment: usize,
    /// Index into the normalisation choices (0 = first alternative or nominal).
    pub normalisation: usize,
    /// Index into the aggregation alternatives; `None` = nominal per level.
    pub aggregation: Option<usize>,
    /// Global indicator code index to leave out.
    pub dropped: Option<usize>,
    /// Weight multiplier per global node code index.
    pub multipliers: Vec<f64>,
    /// Seed of this scenario's measurement noise on the data (`None`: the data as reported). See
    /// [`Evaluator::set_data_noise`].
    pub noise_seed: Option<u64>,
}

#[derive(Clone)]
struct GroupEngine {
    weighted: Structure,
    nominal: PipelineConfig,
    units: Vec<String>,
    /// `[treatment][normalisation]` → normalised columns per indicator.
    variants: Vec<Vec<Vec<Vec<f64>>>>,
    /// Same layout, natural logs (for the geometric mean) when every value is positive.
    logs: Vec<Vec<Option<Vec<Vec<f64>>>>>,
    /// Node index → global code index.
    node_code: Vec<usize>,
    /// Node index → position among the indicators (meaningful for indicators only).
    indicator_pos: Vec<usize>,
    /// Scratch: scores per node.
    scores: Vec<Vec<f64>>,
    /// `[treatment][normalisation][indicator]` → how much each unit's normalised value moves per
    /// unit of relative error in its raw value (`slope × treated value`), and the range the
    /// normalisation keeps values in; `None` where the normalisation is not linear.
    sensitivity: Vec<Vec<Vec<Option<Sensitivity>>>>,
}

/// The response of one linearly normalised indicator to relative errors in its raw values.
#[derive(Clone, Debug)]
struct Sensitivity {
    per_unit: Vec<f64>,
    range: Option<(f64, f64)>,
}

/// Precomputed alternatives of several peer groups sharing one set of draws.
#[derive(Clone)]
pub struct Evaluator {
    groups: Vec<GroupEngine>,
    alternatives: Alternatives,
    codes: Vec<String>,
    indicator_codes: Vec<usize>,
    n_treatments: usize,
    n_normalisations: usize,
    acc: Vec<f64>,
    wsum: Vec<f64>,
    data_noise: f64,
}

/// Whether a normalisation is linear in the raw value (so that a relative error in the raw value
/// moves the normalised value by `slope × value × error`), and the range it keeps values in.
fn linear_range(n: &Normalisation) -> Option<Option<(f64, f64)>> {
    match n {
        Normalisation::MinMax { lower, upper } => {
            Some(Some((lower.min(*upper), lower.max(*upper))))
        }
        Normalisation::ZScore { .. } | Normalisation::None | Normalisation::FractionOfMax => {
            Some(None)
        }
        Normalisation::DistanceToMax => Some(Some((0.0, 1.0))),
        _ => None,
    }
}

/// The sensitivity of one treated and normalised column: its slope is read off two units with
/// different treated values (exact for a linear normalisation).
fn sensitivity_of(treated: &[f64], normalised: &[f64], range: Option<(f64, f64)>) -> Sensitivity {
    let finite: Vec<usize> = (0..treated.len())
        .filter(|&u| treated[u].is_finite() && normalised[u].is_finite())
        .collect();
    let slope = finite
        .iter()
        .find_map(|&i| {
            finite.iter().find_map(|&j| {
                let dt = treated[j] - treated[i];
                (dt.abs() > 0.0).then(|| (normalised[j] - normalised[i]) / dt)
            })
        })
        .unwrap_or(0.0);
    Sensitivity {
        per_unit: treated
            .iter()
            .map(|t| if t.is_finite() { slope * t } else { 0.0 })
            .collect(),
        range,
    }
}

impl Evaluator {
    /// Precomputes every treatment × normalisation variant of every group and checks that each
    /// aggregation alternative is defined on it.
    pub fn new(groups: &[Group], alternatives: &Alternatives) -> Result<Evaluator, EngineError> {
        let mut code_index: BTreeMap<String, usize> = BTreeMap::new();
        for g in groups {
            for n in g.weighted.nodes() {
                let next = code_index.len();
                code_index.entry(n.code.clone()).or_insert(next);
            }
        }
        let mut codes = vec![String::new(); code_index.len()];
        for (c, &i) in &code_index {
            codes[i] = c.clone();
        }
        let mut indicator_codes: Vec<usize> = Vec::new();
        for g in groups {
            for &i in g.weighted.indicators() {
                let gi = code_index[&g.weighted.node(i).code];
                if !indicator_codes.contains(&gi) {
                    indicator_codes.push(gi);
                }
            }
        }
        let n_normalisations = alternatives.normalisations.len().max(1);
        let n_treatments = if alternatives.vary_treatment { 2 } else { 1 };
        let mut engines = Vec::with_capacity(groups.len());
        for g in groups {
            let treatments: Vec<Treatment> = match (g.config.treatment, alternatives.vary_treatment)
            {
                (t, false) => vec![t],
                (Treatment::None, true) => {
                    vec![
                        Treatment::None,
                        Treatment::Winsorise(WinsoriseConfig::COINR),
                    ]
                }
                (t @ Treatment::Winsorise(_), true) => vec![t, Treatment::None],
            };
            let mut variants = Vec::with_capacity(n_treatments);
            let mut logs = Vec::with_capacity(n_treatments);
            let mut sensitivity = Vec::with_capacity(n_treatments);
            for t in &treatments {
                let mut per_norm = Vec::with_capacity(n_normalisations);
                let mut per_norm_logs = Vec::with_capacity(n_normalisations);
                let mut per_norm_sens = Vec::with_capacity(n_normalisations);
                for k in 0..n_normalisations {
                    let normalisation_of = |code: &str| {
                        if let Some(o) = g.config.normalisation_overrides.get(code) {
                            o.clone()
                        } else if let Some(alt) = alternatives.normalisations.get(k) {
                            alt.clone()
                        } else {
                            g.config.normalisation.clone()
                        }
                    };
                    let v = Variant::compute(&g.prepared, t, &normalisation_of)?;
                    let s = &g.prepared.structure;
                    per_norm_sens.push(
                        s.indicators()
                            .iter()
                            .enumerate()
                            .map(|(i, &node)| {
                                linear_range(&normalisation_of(&s.node(node).code)).map(|range| {
                                    sensitivity_of(&v.treated[i], &v.normalised[i], range)
                                })
                            })
                            .collect(),
                    );
                    let all_positive = v
                        .normalised
                        .iter()
                        .all(|c| c.iter().all(|x| x.is_nan() || *x > 0.0));
                    per_norm_logs.push(all_positive.then(|| {
                        v.normalised
                            .iter()
                            .map(|c| c.iter().map(|x| x.ln()).collect())
                            .collect()
                    }));
                    check_domain(g, &v, alternatives, &treatments, t, k)?;
                    per_norm.push(v.normalised);
                }
                variants.push(per_norm);
                logs.push(per_norm_logs);
                sensitivity.push(per_norm_sens);
            }
            let node_code = g
                .weighted
                .nodes()
                .iter()
                .map(|n| code_index[&n.code])
                .collect();
            let mut indicator_pos = vec![0; g.weighted.nodes().len()];
            for (k, &i) in g.weighted.indicators().iter().enumerate() {
                indicator_pos[i] = k;
            }
            engines.push(GroupEngine {
                indicator_pos,
                weighted: g.weighted.clone(),
                nominal: g.config.clone(),
                units: g.prepared.units.clone(),
                variants,
                logs,
                node_code,
                scores: vec![Vec::new(); g.weighted.nodes().len()],
                sensitivity,
            });
        }
        let max_units = groups
            .iter()
            .map(|g| g.prepared.units.len())
            .max()
            .unwrap_or(0);
        Ok(Evaluator {
            groups: engines,
            alternatives: alternatives.clone(),
            codes,
            indicator_codes,
            n_treatments,
            n_normalisations,
            acc: vec![0.0; max_units],
            wsum: vec![0.0; max_units],
            data_noise: 0.0,
        })
    }

    /// Sets the measurement noise on the data: in a scenario with a noise seed, every raw value is
    /// taken as `x · (1 + e)` with `e` uniform on `[−noise, noise]`, drawn for each group,
    /// indicator and unit in that order from the seed. The normalised value moves by
    /// `slope × treated value × e` and stays within the normalisation's range (the group's
    /// minimum and maximum are held at their reported values); indicators whose normalisation is
    /// not linear keep their values.
    pub fn set_data_noise(&mut self, noise: f64) {
        self.data_noise = noise;
    }

    /// Codes of every node of every group, in global index order.
    pub fn codes(&self) -> &[String] {
        &self.codes
    }

    /// Global code indices of the indicators.
    pub fn indicator_codes(&self) -> &[usize] {
        &self.indicator_codes
    }

    /// Number of treatment choices.
    pub fn n_treatments(&self) -> usize {
        self.n_treatments
    }

    /// Number of normalisation choices.
    pub fn n_normalisations(&self) -> usize {
        self.n_normalisations
    }

    /// Number of aggregation alternatives (0 = nominal only).
    pub fn n_aggregations(&self) -> usize {
        self.alternatives.aggregations.len()
    }

    /// Number of groups.
    pub fn n_groups(&self) -> usize {
        self.groups.len()
    }

    /// Units of group `g`.
    pub fn units(&self, g: usize) -> &[String] {
        &self.groups[g].units
    }

    /// The nominal scenario: first choices, no drop, unit multipliers.
    pub fn nominal(&self) -> Scenario {
        Scenario {
            treatment: 0,
            normalisation: 0,
            aggregation: None,
            dropped: None,
            multipliers: vec![1.0; self.codes.len()],
            noise_seed: None,
        }
    }

    /// Evaluates `scenario` and writes each group's top-aggregate scores into `out[g]`.
    pub fn evaluate(
        &mut self,
        scenario: &Scenario,
        out: &mut [Vec<f64>],
    ) -> Result<(), EngineError> {
        let mut noise = scenario
            .noise_seed
            .filter(|_| self.data_noise > 0.0)
            .map(rand_pcg::Pcg64Mcg::seed_from_u64);
        for (g, engine) in self.groups.iter_mut().enumerate() {
            let s = &engine.weighted;
            let cols = &engine.variants[scenario.treatment][scenario.normalisation];
            let sens = &engine.sensitivity[scenario.treatment][scenario.normalisation];
            let n_units = engine.units.len();
            let method_of = |a: usize| match scenario.aggregation {
                Some(k) => self.alternatives.aggregations[k],
                None => engine.nominal.aggregation_at(s.node(a).level),
            };
            // Without noise, and where every aggregate reads its children unit by unit, the
            // indicators' columns are read where they are, not copied for each replication.
            let copied = noise.is_some()
                || s.aggregates_bottom_up()
                    .iter()
                    .any(|&a| !method_of(a).is_unitwise());
            for (k, &i) in s.indicators().iter().enumerate() {
                if !copied {
                    break;
                }
                let dst = &mut engine.scores[i];
                dst.clear();
                // A draw for every unit, in unit order, whether its value is present or not.
                if let (Some(rng), Some(sens)) = (noise.as_mut(), sens[k].as_ref()) {
                    let amplitude = self.data_noise;
                    let n = cols[k].len().min(sens.per_unit.len());
                    let mut noisy = |x: f64, d: f64| -> f64 {
                        let u: f64 = rng.random();
                        let e = amplitude * (2.0 * u - 1.0);
                        select(x.is_finite(), x + d * e, x)
                    };
                    let pairs = cols[k][..n].iter().zip(&sens.per_unit[..n]);
                    match sens.range {
                        Some((lo, hi)) => dst.extend(pairs.map(|(&x, &d)| {
                            let y = noisy(x, d);
                            select(x.is_finite(), y.clamp(lo, hi), y)
                        })),
                        None => dst.extend(pairs.map(|(&x, &d)| noisy(x, d))),
                    }
                    dst.extend_from_slice(&cols[k][n..]);
                } else {
                    dst.extend_from_slice(&cols[k]);
                }
            }
            // With noise the logs precomputed for the geometric mean no longer match the values.
            let logs = if noise.is_some() {
                &None
            } else {
                &engine.logs[scenario.treatment][scenario.normalisation]
            };
            for &a in s.aggregates_bottom_up() {
                let method = method_of(a);
                let weight_of = |c: usize| -> f64 {
                    let code = engine.node_code[c];
                    if scenario.dropped == Some(code) {
                        0.0
                    } else {
                        s.node(c).weight * scenario.multipliers[code]
                    }
                };
                let mut result = std::mem::take(&mut engine.scores[a]);
                result.clear();
                result.resize(n_units, 0.0);
                if method.is_unitwise() {
                    let acc = &mut self.acc[..n_units];
                    let wsum = &mut self.wsum[..n_units];
                    acc.fill(0.0);
                    wsum.fill(0.0);
                    for &c in s.children(a) {
                        let w = weight_of(c);
                        if w == 0.0 {
                            continue;
                        }
                        let is_indicator = s.node(c).level == 1;
                        let values: &[f64] = if is_indicator && !copied {
                            &cols[engine.indicator_pos[c]]
                        } else {
                            &engine.scores[c]
                        };
                        match method {
                            Aggregation::GeometricMean => {
                                let pre = match (is_indicator, logs) {
                                    (true, Some(l)) => Some(&l[engine.indicator_pos[c]]),
                                    _ => None,
                                };
                                for u in 0..n_units {
                                    let x = values[u];
                                    if !x.is_nan() {
                                        let lx = match pre {
                                            Some(l) => l[u],
                                            None => x.ln(),
                                        };
                                        acc[u] += w * lx;
                                        wsum[u] += w;
                                    }
                                }
                            }
                            Aggregation::HarmonicMean => {
                                for u in 0..n_units {
                                    let x = values[u];
                                    if !x.is_nan() {
                                        acc[u] += w / x;
                                        wsum[u] += w;
                                    }
                                }
                            }
                            Aggregation::GeneralisedMean { p } => {
                                for u in 0..n_units {
                                    let x = values[u];
                                    // The generalised mean is missing when any child is.
                                    if x.is_nan() {
                                        acc[u] = f64::NAN;
                                    } else {
                                        acc[u] += w * x.powf(p);
                                    }
                                    wsum[u] += w;
                                }
                            }
                            _ => {
                                let values = &values[..n_units];
                                // Columns are rarely missing anywhere after imputation; without
                                // a missing value the loop has no branch and vectorises.
                                if values.iter().any(|x| x.is_nan()) {
                                    // Indicators excluded for a category are missing for all of
                                    // its units: the sums of a missing value stay as they were,
                                    // chosen by bit mask so that the loop still vectorises.
                                    for ((a, ws), &x) in
                                        acc.iter_mut().zip(wsum.iter_mut()).zip(values)
                                    {
                                        let present = !x.is_nan();
                                        *a = select(present, *a + w * x, *a);
                                        *ws = select(present, *ws + w, *ws);
                                    }
                                } else {
                                    for ((a, ws), &x) in
                                        acc.iter_mut().zip(wsum.iter_mut()).zip(values)
                                    {
                                        *a += w * x;
                                        *ws += w;
                                    }
                                }
                            }
                        }
                    }
                    for u in 0..n_units {
                        result[u] = if wsum[u] == 0.0 {
                            f64::NAN
                        } else {
                            match method {
                                Aggregation::GeometricMean => (acc[u] / wsum[u]).exp(),
                                Aggregation::HarmonicMean => wsum[u] / acc[u],
                                Aggregation::GeneralisedMean { p } => {
                                    (acc[u] / wsum[u]).powf(1.0 / p)
                                }
                                _ => acc[u] / wsum[u],
                            }
                        };
                    }
                } else {
                    let kids: Vec<usize> = s
                        .children(a)
                        .iter()
                        .copied()
                        .filter(|&c| weight_of(c) > 0.0)
                        .collect();
                    let weights: Vec<f64> = kids.iter().map(|&c| weight_of(c)).collect();
                    let children: Vec<Child<'_>> = kids
                        .iter()
                        .zip(&weights)
                        .map(|(&c, &w)| Child {
                            name: &s.node(c).code,
                            values: &engine.scores[c],
                            weight: w,
                        })
                        .collect();
                    if children.is_empty() {
                        result.fill(f64::NAN);
                    } else {
                        let v = aggregate::aggregate(&children, &method, &engine.units)?;
                        result.copy_from_slice(&v);
                    }
                }
                engine.scores[a] = result;
            }
            out[g].clear();
            out[g].extend_from_slice(&engine.scores[s.root()]);
        }
        Ok(())
    }
}

/// `if condition { a } else { b }` by bit mask: both sides are computed, nothing branches, and the
/// loops of a replication vectorise; the value is the branch's, bit for bit.
#[inline(always)]
fn select(condition: bool, a: f64, b: f64) -> f64 {
    let mask = (condition as u64).wrapping_neg();
    f64::from_bits((a.to_bits() & mask) | (b.to_bits() & !mask))
}

fn check_domain(
    group: &Group,
    variant: &Variant,
    alternatives: &Alternatives,
    treatments: &[Treatment],
    treatment: &Treatment,
    normalisation: usize,
) -> Result<(), EngineError> {
    let _ = treatments;
    let s = &group.prepared.structure;
    let positive_only =
        |a: &Aggregation| matches!(a, Aggregation::GeometricMean | Aggregation::HarmonicMean);
    let needs_positive = if alternatives.aggregations.is_empty() {
        positive_only(&group.config.aggregation)
            || group
                .config
                .aggregation_by_level
                .values()
                .any(positive_only)
    } else {
        alternatives.aggregations.iter().any(positive_only)
    };
    if !needs_positive {
        return Ok(());
    }
    for (k, col) in variant.normalised.iter().enumerate() {
        if let Some(u) = col.iter().position(|&x| !x.is_nan() && x <= 0.0) {
            let norm = alternatives
                .normalisations
                .get(normalisation)
                .map(Normalisation::spec)
                .unwrap_or_else(|| group.config.normalisation.spec());
            let treat = match treatment {
                Treatment::None => "no treatment",
                Treatment::Winsorise(_) => "winsorisation",
            };
            return Err(EngineError::OutOfDomain {
                method: "uncertainty analysis (geometric/harmonic mean alternative)",
                subject: format!(
                    "{} of unit {} in group {} under {norm} with {treat}",
                    s.node(s.indicators()[k]).code,
                    group.prepared.units[u],
                    group.name
                ),
                value: col[u],
                requirement: "positive normalised values: choose normalisations onto a positive range, such as minmax:1:100, or a z-score with a mean far above its sd (zscore:100:10)",
            });
        }
    }
    Ok(())
}
