//! The composite-indicator pipeline, in COINr's order:
//! denominate → impute → screen → treat → normalise → weight → aggregate → rank.
//!
//! [`run`] does it all once. The Monte Carlo and sensitivity modules reuse the stages:
//! [`prepare`] (everything before treatment, done once), [`Variant::compute`] (treatment and
//! normalisation for one choice of alternatives), [`resolve_weights`] and the tree aggregation.

use std::collections::HashMap;

use crate::aggregate::{self, Aggregation, Child};
use crate::error::{Diagnostic, EngineError};
use crate::impute::{self, Imputation};
use crate::normalise::{self, Direction, Normalisation};
use crate::rank::{self, Order, TieRule};
use crate::stats;
use crate::structure::Structure;
use crate::treat::{self, TreatmentReport, WinsoriseConfig};
use crate::weights::{self, AhpMethod, Convention, Criterion, RandomIndex};

/// Units and their data columns: numeric columns (indicators, denominators) and label columns
/// (groups). Missing numbers are `NaN`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dataset {
    units: Vec<String>,
    numeric: HashMap<String, Vec<f64>>,
    labels: HashMap<String, Vec<String>>,
}

impl Dataset {
    /// A dataset of `units` with no columns yet.
    pub fn new(units: Vec<String>) -> Dataset {
        Dataset {
            units,
            ..Dataset::default()
        }
    }

    /// Adds (or replaces) a numeric column.
    pub fn insert_numeric(&mut self, name: &str, values: Vec<f64>) -> Result<(), EngineError> {
        self.check_len(name, values.len())?;
        self.numeric.insert(name.to_string(), values);
        Ok(())
    }

    /// Adds (or replaces) a label column.
    pub fn insert_labels(&mut self, name: &str, values: Vec<String>) -> Result<(), EngineError> {
        self.check_len(name, values.len())?;
        self.labels.insert(name.to_string(), values);
        Ok(())
    }

    fn check_len(&self, name: &str, got: usize) -> Result<(), EngineError> {
        if got != self.units.len() {
            return Err(EngineError::LengthMismatch {
                column: name.into(),
                expected: self.units.len(),
                got,
            });
        }
        Ok(())
    }

    /// Unit identifiers.
    pub fn units(&self) -> &[String] {
        &self.units
    }

    /// A numeric column.
    pub fn numeric(&self, name: &str) -> Option<&[f64]> {
        self.numeric.get(name).map(Vec::as_slice)
    }

    /// A label column.
    pub fn labels(&self, name: &str) -> Option<&[String]> {
        self.labels.get(name).map(Vec::as_slice)
    }
}

/// Outlier treatment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Treatment {
    /// None.
    None,
    /// COINr's winsorisation with log fallback.
    Winsorise(WinsoriseConfig),
}

/// Options of AHP weighting.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AhpOptions {
    /// Eigenvector, geometric or column-mean weights.
    pub method: AhpMethod,
    /// Random-index table.
    pub random_index: RandomIndex,
    /// Largest acceptable consistency ratio (0.1 by Saaty's rule).
    pub max_cr: f64,
    /// Use the weights even when CR exceeds `max_cr`.
    pub force: bool,
}

impl Default for AhpOptions {
    fn default() -> AhpOptions {
        AhpOptions {
            method: AhpMethod::Eigenvector,
            random_index: RandomIndex::Saaty,
            max_cr: 0.1,
            force: false,
        }
    }
}

/// A pairwise comparison matrix over one group of siblings.
#[derive(Clone, Debug, PartialEq)]
pub struct PairwiseMatrix {
    /// Codes of the compared nodes, in matrix order; exactly the children of one aggregate.
    pub codes: Vec<String>,
    /// The matrix, by rows.
    pub matrix: Vec<Vec<f64>>,
}

/// Where weights come from.
#[derive(Clone, Debug, PartialEq)]
pub enum Weighting {
    /// The weights in the structure.
    Structure,
    /// Equal weights within every group of siblings.
    Equal,
    /// Entropy weights of the indicators within each group (on treated, unnormalised data);
    /// aggregates keep their structure weights.
    Entropy(Convention),
    /// CRITIC weights of the indicators within each group.
    Critic(Convention),
    /// Standard-deviation weights of the indicators within each group.
    StandardDeviation,
    /// Variance weights (of min-max scaled indicators) within each group.
    Variance,
    /// AHP on the given matrices; groups without a matrix keep their structure weights.
    Ahp(Vec<PairwiseMatrix>, AhpOptions),
}

/// Configuration of one run of the pipeline.
#[derive(Clone, Debug, PartialEq)]
pub struct PipelineConfig {
    /// Divide indicators by their denominator columns.
    pub denominate: bool,
    /// Imputation of missing values.
    pub impute: Imputation,
    /// Drop units whose share of present indicator values (before imputation) is below this.
    pub min_coverage: Option<f64>,
    /// Outlier treatment.
    pub treatment: Treatment,
    /// Normalisation of every indicator, unless overridden.
    pub normalisation: Normalisation,
    /// Per-indicator normalisation.
    pub normalisation_overrides: HashMap<String, Normalisation>,
    /// Weights.
    pub weighting: Weighting,
    /// Aggregation at every level, unless overridden.
    pub aggregation: Aggregation,
    /// Aggregation for particular levels.
    pub aggregation_by_level: HashMap<u32, Aggregation>,
    /// Tie rule of the ranking.
    pub ties: TieRule,
}

impl Default for PipelineConfig {
    /// COINr's defaults: no imputation, no screening, min-max onto [0, 100], arithmetic mean;
    /// winsorisation off unless asked; ties by the minimum.
    fn default() -> PipelineConfig {
        PipelineConfig {
            denominate: false,
            impute: Imputation::None,
            min_coverage: None,
            treatment: Treatment::None,
            normalisation: Normalisation::MINMAX_0_100,
            normalisation_overrides: HashMap::new(),
            weighting: Weighting::Structure,
            aggregation: Aggregation::ArithmeticMean,
            aggregation_by_level: HashMap::new(),
            ties: TieRule::Min,
        }
    }
}

impl PipelineConfig {
    /// The aggregation used at `level`.
    pub fn aggregation_at(&self, level: u32) -> Aggregation {
        self.aggregation_by_level
            .get(&level)
            .copied()
            .unwrap_or(self.aggregation)
    }

    /// The normalisation of indicator `code`.
    pub fn normalisation_of(&self, code: &str) -> &Normalisation {
        self.normalisation_overrides
            .get(code)
            .unwrap_or(&self.normalisation)
    }
}

/// A unit removed by screening.
#[derive(Clone, Debug, PartialEq)]
pub struct ScreenedUnit {
    /// The unit.
    pub unit: String,
    /// Its share of present indicator values.
    pub coverage: f64,
}

/// Data after denomination, imputation and screening: the part of the pipeline that does not
/// change between Monte Carlo replications.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The structure (weights as given).
    pub structure: Structure,
    /// Retained units.
    pub units: Vec<String>,
    /// Positions of the retained units in the input dataset.
    pub unit_rows: Vec<usize>,
    /// Units removed by screening.
    pub screened_out: Vec<ScreenedUnit>,
    /// Indicator values per indicator (in `structure.indicators()` order), retained units only.
    pub columns: Vec<Vec<f64>>,
    /// Imputed cells per indicator.
    pub imputed: Vec<usize>,
    /// Findings so far.
    pub diagnostics: Vec<Diagnostic>,
}

/// Denominates, imputes and screens.
pub fn prepare(
    structure: &Structure,
    config: &PipelineConfig,
    data: &Dataset,
) -> Result<Prepared, EngineError> {
    let n = data.units().len();
    if n == 0 {
        return Err(EngineError::TooFewUnits {
            operation: "an index",
            needed: 1,
            found: 0,
        });
    }
    let mut diagnostics = Vec::new();
    let mut columns = Vec::with_capacity(structure.indicators().len());
    for &i in structure.indicators() {
        let node = structure.node(i);
        let raw = data
            .numeric(&node.code)
            .ok_or_else(|| EngineError::MissingColumn {
                column: node.code.clone(),
            })?;
        let mut col = raw.to_vec();
        if config.denominate
            && let Some(den_name) = &node.denominator
        {
            let den = data
                .numeric(den_name)
                .ok_or_else(|| EngineError::MissingColumn {
                    column: den_name.clone(),
                })?;
            for (u, (v, d)) in col.iter_mut().zip(den).enumerate() {
                if d.is_nan() || v.is_nan() {
                    *v = f64::NAN;
                } else if *d == 0.0 {
                    return Err(EngineError::OutOfDomain {
                        method: "denominate",
                        subject: format!("{den_name} of unit {}", data.units()[u]),
                        value: 0.0,
                        requirement: "a non-zero denominator",
                    });
                } else {
                    *v /= d;
                }
            }
        }
        columns.push(col);
    }
    // Coverage is measured before imputation: screening exists to drop units whose values would
    // otherwise be mostly invented.
    let n_ind = columns.len() as f64;
    let coverage: Vec<f64> = (0..n)
        .map(|u| columns.iter().filter(|c| !c[u].is_nan()).count() as f64 / n_ind)
        .collect();
    let group_labels = match config.impute.group_column() {
        Some(name) => Some(
            data.labels(name)
                .ok_or_else(|| EngineError::MissingColumn {
                    column: name.to_string(),
                })?,
        ),
        None => None,
    };
    let mut imputed = Vec::with_capacity(columns.len());
    for (k, col) in columns.iter_mut().enumerate() {
        let (filled, n_filled) = impute::impute(col, &config.impute, group_labels);
        if n_filled > 0 {
            diagnostics.push(Diagnostic::info(
                &structure.node(structure.indicators()[k]).code,
                format!("{n_filled} missing value(s) imputed"),
            ));
        }
        *col = filled;
        imputed.push(n_filled);
    }
    let mut keep: Vec<usize> = (0..n).collect();
    let mut screened_out = Vec::new();
    if let Some(min) = config.min_coverage {
        if !(0.0..=1.0).contains(&min) {
            return Err(EngineError::Parameter {
                name: "screen".into(),
                problem: format!("minimum coverage {min} must lie within [0, 1]"),
            });
        }
        keep.retain(|&u| {
            let ok = coverage[u] >= min;
            if !ok {
                screened_out.push(ScreenedUnit {
                    unit: data.units()[u].clone(),
                    coverage: coverage[u],
                });
            }
            ok
        });
        for s in &screened_out {
            diagnostics.push(Diagnostic::info(
                &s.unit,
                format!(
                    "screened out: {:.1}% of indicators present, below {:.1}%",
                    s.coverage * 100.0,
                    min * 100.0
                ),
            ));
        }
    }
    if keep.is_empty() {
        return Err(EngineError::TooFewUnits {
            operation: "an index after screening",
            needed: 1,
            found: 0,
        });
    }
    let columns: Vec<Vec<f64>> = columns
        .into_iter()
        .map(|c| keep.iter().map(|&u| c[u]).collect())
        .collect();
    for (k, col) in columns.iter().enumerate() {
        if col.iter().all(|v| v.is_nan()) {
            return Err(EngineError::AllMissing {
                indicator: structure.node(structure.indicators()[k]).code.clone(),
            });
        }
    }
    Ok(Prepared {
        structure: structure.clone(),
        units: keep.iter().map(|&u| data.units()[u].clone()).collect(),
        unit_rows: keep,
        screened_out,
        columns,
        imputed,
        diagnostics,
    })
}

/// Treated and normalised indicator values for one choice of treatment and normalisation.
#[derive(Clone, Debug)]
pub struct Variant {
    /// Values after treatment, per indicator.
    pub treated: Vec<Vec<f64>>,
    /// Values after normalisation (direction applied), per indicator.
    pub normalised: Vec<Vec<f64>>,
    /// Treatment report per indicator (empty when treatment is off).
    pub treatment: Vec<TreatmentReport>,
    /// Findings.
    pub diagnostics: Vec<Diagnostic>,
}

impl Variant {
    /// Treats and normalises the prepared data.
    pub fn compute(
        prepared: &Prepared,
        treatment: &Treatment,
        normalisation: &dyn Fn(&str) -> Normalisation,
    ) -> Result<Variant, EngineError> {
        let s = &prepared.structure;
        let mut diagnostics = Vec::new();
        let mut treated = Vec::with_capacity(prepared.columns.len());
        let mut reports = Vec::new();
        for (k, col) in prepared.columns.iter().enumerate() {
            let code = &s.node(s.indicators()[k]).code;
            match treatment {
                Treatment::None => treated.push(col.clone()),
                Treatment::Winsorise(cfg) => {
                    let (values, report) = treat::treat(col, cfg);
                    match report.outcome {
                        treat::TreatmentOutcome::Passed | treat::TreatmentOutcome::Undefined => {}
                        outcome => diagnostics.push(Diagnostic::info(
                            code,
                            match outcome {
                                treat::TreatmentOutcome::Winsorised => {
                                    format!("{} point(s) winsorised", report.n_winsorised)
                                }
                                other => other.label().to_string(),
                            },
                        )),
                    }
                    treated.push(values);
                    reports.push(report);
                }
            }
        }
        let mut normalised = Vec::with_capacity(treated.len());
        for (k, col) in treated.iter().enumerate() {
            let node = s.node(s.indicators()[k]);
            let method = normalisation(&node.code);
            normalised.push(normalise::normalise(
                col,
                &method,
                node.direction,
                &node.reference,
                &node.code,
                &mut diagnostics,
            )?);
        }
        Ok(Variant {
            treated,
            normalised,
            treatment: reports,
            diagnostics,
        })
    }
}

/// Applies a [`Weighting`] and returns the structure carrying the weights used.
pub fn resolve_weights(
    prepared: &Prepared,
    variant: &Variant,
    weighting: &Weighting,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Structure, EngineError> {
    let s = &prepared.structure;
    let mut w: Vec<f64> = s.nodes().iter().map(|n| n.weight).collect();
    let indicator_pos: HashMap<usize, usize> = s
        .indicators()
        .iter()
        .enumerate()
        .map(|(k, &i)| (i, k))
        .collect();
    match weighting {
        Weighting::Structure => {}
        Weighting::Equal => w.iter_mut().for_each(|x| *x = 1.0),
        Weighting::Ahp(matrices, options) => {
            for m in matrices {
                let group = sibling_group(s, &m.codes)?;
                let mut reordered = vec![vec![0.0; group.len()]; group.len()];
                let pos: Vec<usize> = group
                    .iter()
                    .map(|&node| {
                        m.codes
                            .iter()
                            .position(|c| *c == s.node(node).code)
                            .expect("checked by sibling_group")
                    })
                    .collect();
                for (a, &pa) in pos.iter().enumerate() {
                    for (b, &pb) in pos.iter().enumerate() {
                        reordered[a][b] = m.matrix[pa][pb];
                    }
                }
                let result = weights::ahp(&reordered, options.method, options.random_index)?;
                let parent = s
                    .node(group[0])
                    .parent
                    .map_or("?", |p| s.node(p).code.as_str());
                if result.cr > options.max_cr {
                    if !options.force {
                        return Err(EngineError::Inconsistent {
                            subject: format!("the children of {parent}"),
                            cr: result.cr,
                            threshold: options.max_cr,
                        });
                    }
                    diagnostics.push(Diagnostic::warning(
                        parent,
                        format!(
                            "AHP consistency ratio {:.4} exceeds {} but was forced",
                            result.cr, options.max_cr
                        ),
                    ));
                }
                for (node, weight) in group.iter().zip(result.weights) {
                    w[*node] = weight;
                }
            }
        }
        data_driven => {
            for &parent in s.aggregates_bottom_up() {
                let kids: Vec<usize> = s
                    .children(parent)
                    .iter()
                    .copied()
                    .filter(|c| s.node(*c).level == 1)
                    .collect();
                if kids.len() < 2 {
                    continue;
                }
                let cols: Vec<&Vec<f64>> = kids
                    .iter()
                    .map(|k| &variant.treated[indicator_pos[k]])
                    .collect();
                let complete: Vec<usize> = (0..prepared.units.len())
                    .filter(|&u| cols.iter().all(|c| !c[u].is_nan()))
                    .collect();
                if complete.len() < prepared.units.len() {
                    diagnostics.push(Diagnostic::info(
                        &s.node(parent).code,
                        format!(
                            "data-driven weights computed on the {} unit(s) with complete data",
                            complete.len()
                        ),
                    ));
                }
                let sub: Vec<Vec<f64>> = cols
                    .iter()
                    .map(|c| complete.iter().map(|&u| c[u]).collect())
                    .collect();
                let criteria: Vec<Criterion<'_>> = kids
                    .iter()
                    .zip(&sub)
                    .map(|(&k, values)| Criterion {
                        name: &s.node(k).code,
                        values,
                        direction: s.node(k).direction,
                    })
                    .collect();
                let computed = match data_driven {
                    Weighting::Entropy(c) => weights::entropy(&criteria, *c)?,
                    Weighting::Critic(c) => weights::critic(&criteria, *c)?,
                    Weighting::StandardDeviation => weights::standard_deviation(&criteria)?,
                    Weighting::Variance => weights::variance(&criteria)?,
                    _ => unreachable!("handled above"),
                };
                for (k, x) in kids.iter().zip(computed) {
                    w[*k] = x;
                }
            }
        }
    }
    s.with_weights(&w)
}

fn sibling_group(s: &Structure, codes: &[String]) -> Result<Vec<usize>, EngineError> {
    let first = codes.first().ok_or_else(|| EngineError::Pairwise {
        problem: "a matrix without codes".into(),
    })?;
    let node = s.find(first).ok_or_else(|| EngineError::Pairwise {
        problem: format!("code {first:?} is not in the structure"),
    })?;
    let parent = s.node(node).parent.ok_or_else(|| EngineError::Pairwise {
        problem: format!("{first:?} is the top aggregate and has no siblings"),
    })?;
    let group = s.children(parent).to_vec();
    let mut expected: Vec<&str> = group.iter().map(|&c| s.node(c).code.as_str()).collect();
    let mut given: Vec<&str> = codes.iter().map(String::as_str).collect();
    expected.sort_unstable();
    given.sort_unstable();
    if expected != given {
        return Err(EngineError::Pairwise {
            problem: format!(
                "the matrix compares {} but the children of {} are {}",
                given.join(", "),
                s.node(parent).code,
                expected.join(", ")
            ),
        });
    }
    Ok(group)
}

/// Scores of every node: for indicators their normalised values, for aggregates the aggregation of
/// their children, computed bottom-up.
pub fn aggregate_tree(
    structure: &Structure,
    normalised: &[Vec<f64>],
    aggregation_at: &dyn Fn(u32) -> Aggregation,
    units: &[String],
) -> Result<Vec<Vec<f64>>, EngineError> {
    let mut scores: Vec<Vec<f64>> = vec![Vec::new(); structure.nodes().len()];
    for (k, &i) in structure.indicators().iter().enumerate() {
        scores[i] = normalised[k].clone();
    }
    for &a in structure.aggregates_bottom_up() {
        let node = structure.node(a);
        let children: Vec<Child<'_>> = structure
            .children(a)
            .iter()
            .map(|&c| Child {
                name: &structure.node(c).code,
                values: &scores[c],
                weight: structure.node(c).weight,
            })
            .collect();
        let method = aggregation_at(node.level);
        let values = aggregate::aggregate(&children, &method, units).map_err(|e| match e {
            EngineError::OutOfDomain {
                method,
                subject,
                value,
                requirement,
            } => EngineError::OutOfDomain {
                method,
                subject: format!("{subject} (aggregating {})", node.code),
                value,
                requirement,
            },
            other => other,
        })?;
        scores[a] = values;
    }
    Ok(scores)
}

/// Everything one run of the pipeline produces.
#[derive(Clone, Debug)]
pub struct IndexResult {
    /// Retained units.
    pub units: Vec<String>,
    /// Positions of the retained units in the input dataset.
    pub unit_rows: Vec<usize>,
    /// Units removed by screening.
    pub screened_out: Vec<ScreenedUnit>,
    /// The structure with the weights actually used.
    pub structure: Structure,
    /// Indicator values after denomination and imputation, per indicator.
    pub prepared: Vec<Vec<f64>>,
    /// Indicator values after treatment, per indicator.
    pub treated: Vec<Vec<f64>>,
    /// Treatment report per indicator (empty when treatment is off).
    pub treatment: Vec<TreatmentReport>,
    /// Scores of every node (indicators: normalised values), indexed like `structure.nodes()`.
    pub scores: Vec<Vec<f64>>,
    /// Rank of each unit by the top aggregate.
    pub rank: Vec<f64>,
    /// Findings.
    pub diagnostics: Vec<Diagnostic>,
}

impl IndexResult {
    /// Scores of the top aggregate.
    pub fn index(&self) -> &[f64] {
        &self.scores[self.structure.root()]
    }

    /// Scores of the node with `code`.
    pub fn scores_of(&self, code: &str) -> Option<&[f64]> {
        self.structure.find(code).map(|i| self.scores[i].as_slice())
    }
}

/// Runs the whole pipeline once.
pub fn run(
    structure: &Structure,
    config: &PipelineConfig,
    data: &Dataset,
) -> Result<IndexResult, EngineError> {
    let prepared = prepare(structure, config, data)?;
    let variant = Variant::compute(&prepared, &config.treatment, &|code| {
        config.normalisation_of(code).clone()
    })?;
    check_aggregation_domain(&prepared, &variant, config)?;
    let mut diagnostics = prepared.diagnostics.clone();
    diagnostics.extend(variant.diagnostics.iter().cloned());
    let weighted = resolve_weights(&prepared, &variant, &config.weighting, &mut diagnostics)?;
    let scores = aggregate_tree(
        &weighted,
        &variant.normalised,
        &|level| config.aggregation_at(level),
        &prepared.units,
    )?;
    let root_scores = &scores[weighted.root()];
    for (u, s) in root_scores.iter().enumerate() {
        if s.is_nan() {
            diagnostics.push(Diagnostic::warning(
                &prepared.units[u],
                "no index score: every indicator value is missing or the method left it undefined",
            ));
        }
    }
    let rank = rank::rank(root_scores, Order::HighestFirst, config.ties);
    Ok(IndexResult {
        units: prepared.units.clone(),
        unit_rows: prepared.unit_rows.clone(),
        screened_out: prepared.screened_out.clone(),
        structure: weighted,
        prepared: prepared.columns,
        treated: variant.treated,
        treatment: variant.treatment,
        scores,
        rank,
        diagnostics,
    })
}

/// Refuses a geometric or harmonic mean at the indicator level when a normalised value is outside
/// its domain, naming the unit, before any work is done.
fn check_aggregation_domain(
    prepared: &Prepared,
    variant: &Variant,
    config: &PipelineConfig,
) -> Result<(), EngineError> {
    let s = &prepared.structure;
    for (k, &i) in s.indicators().iter().enumerate() {
        let Some(parent) = s.node(i).parent else {
            continue;
        };
        let method = config.aggregation_at(s.node(parent).level);
        let requirement = match method {
            Aggregation::GeometricMean => {
                "positive values: normalise onto a positive range (for example minmax:1:100)"
            }
            Aggregation::HarmonicMean => {
                "non-zero values: normalise onto a positive range (for example minmax:1:100)"
            }
            Aggregation::GeneralisedMean { p } if p < 0.0 => "positive values",
            _ => continue,
        };
        let bad = |v: f64| match method {
            Aggregation::HarmonicMean => v == 0.0,
            _ => v <= 0.0,
        };
        if let Some(u) = variant.normalised[k]
            .iter()
            .position(|&v| !v.is_nan() && bad(v))
        {
            return Err(EngineError::OutOfDomain {
                method: match method {
                    Aggregation::GeometricMean => "geometric mean",
                    Aggregation::HarmonicMean => "harmonic mean",
                    _ => "generalised mean",
                },
                subject: format!(
                    "normalised {} of unit {}",
                    s.node(i).code,
                    prepared.units[u]
                ),
                value: variant.normalised[k][u],
                requirement,
            });
        }
    }
    Ok(())
}

/// Convenience for callers that hold a plain matrix: a dataset of units `U1…Un` (or given names)
/// whose columns are named after the structure's indicators in order.
pub fn dataset_from_columns(
    units: Vec<String>,
    structure: &Structure,
    columns: Vec<Vec<f64>>,
) -> Result<Dataset, EngineError> {
    let mut d = Dataset::new(units);
    for (&i, col) in structure.indicators().iter().zip(columns) {
        d.insert_numeric(&structure.node(i).code, col)?;
    }
    Ok(d)
}

/// Direction of an indicator as `±1`, for reports.
pub fn direction_sign(d: Direction) -> i8 {
    match d {
        Direction::Benefit => 1,
        Direction::Cost => -1,
    }
}

/// Median of each indicator's normalised values, for contribution analysis against a peer group.
pub fn column_medians(columns: &[Vec<f64>]) -> Vec<f64> {
    columns
        .iter()
        .map(|c| stats::median(c).unwrap_or(f64::NAN))
        .collect()
}
