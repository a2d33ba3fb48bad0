//! One peer group's run: the scheme's structure with the group's overrides, the method, and the
//! engine's result.

use std::collections::HashMap;

use jidi_engine::aggregate::Aggregation;
use jidi_engine::normalise::Normalisation;
use jidi_engine::pipeline::{self, Dataset, PipelineConfig, Treatment};
use jidi_engine::structure::{NodeSpec, Structure};
use jidi_engine::treat::WinsoriseConfig;

use super::result::EvaluationError;
use crate::scheme::Scheme;

pub(super) struct GroupRun {
    pub key: String,
    pub members: Vec<usize>,
    pub structure: Structure,
    pub config: PipelineConfig,
    pub data: Dataset,
    pub result: pipeline::IndexResult,
}

pub(super) fn method_config(scheme: &Scheme) -> Result<PipelineConfig, EvaluationError> {
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
pub(super) fn group_structure(
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
