//! One peer group's run: the scheme's structure with the group's overrides, the method, and the
//! engine's result.

use std::collections::{BTreeMap, HashMap};

use jidi_engine::aggregate::Aggregation;
use jidi_engine::normalise::Normalisation;
use jidi_engine::pipeline::{self, Dataset, PipelineConfig, Treatment};
use jidi_engine::structure::{NodeSpec, Structure};
use jidi_engine::treat::WinsoriseConfig;

use super::result::EvaluationError;
use crate::scheme::{DEFAULT_MIN_GROUP_SIZE, PeerGroup, Scheme};

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
///
/// `category` is `None` for the national run, which applies no category's overrides; `label`
/// names the group in diagnostics.
pub(super) fn group_structure(
    scheme: &Scheme,
    category: Option<&str>,
    label: &str,
    reported: &dyn Fn(&str) -> bool,
    diagnostics: &mut Vec<String>,
) -> Result<Structure, EvaluationError> {
    let overrides = category.and_then(|category| {
        scheme
            .category_overrides
            .iter()
            .find(|o| o.category == category)
    });
    let excluded = |code: &str| overrides.is_some_and(|o| o.exclude.iter().any(|e| e == code));
    let mut specs = Vec::new();
    let mut used_dims: Vec<&str> = Vec::new();
    for ind in &scheme.indicators {
        if excluded(&ind.code) {
            continue;
        }
        if !reported(&ind.code) {
            diagnostics.push(format!(
                "{label}: indicator {} has no values and is left out",
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
                "{label}: dimension {} has no indicator and is left out",
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
        group: label.to_string(),
        source: e,
    })
}

/// The engine's dataset of `members` for a structure's indicators, recording each value used
/// in `inputs` when given.
pub(super) fn dataset(
    structure: &Structure,
    units: Vec<String>,
    members: &[usize],
    value: &dyn Fn(usize, &str) -> Option<f64>,
    ids: &dyn Fn(usize) -> i64,
    mut inputs: Option<&mut Vec<(i64, String, Option<f64>)>>,
    label: &str,
) -> Result<Dataset, EvaluationError> {
    let mut data = Dataset::new(units);
    for &i in structure.indicators() {
        let code = &structure.node(i).code;
        let col: Vec<f64> = members
            .iter()
            .map(|&m| {
                let v = value(m, code);
                if let Some(inputs) = inputs.as_deref_mut() {
                    inputs.push((ids(m), code.clone(), v));
                }
                v.unwrap_or(f64::NAN)
            })
            .collect();
        data.insert_numeric(code, col)
            .map_err(|e| EvaluationError::Engine {
                group: label.to_string(),
                source: e,
            })?;
    }
    Ok(data)
}

/// The peer groups of a scheme: group key → indices into `members`' slice, given each member's
/// `(category, sub-type)`.
///
/// Under `subcategory_where_large` a sub-type with at least the minimum number of bases is its own
/// group (keyed by the sub-type's code); the rest of its category is one group keyed by the
/// category's code. While that rest is smaller than the minimum but not empty, the smallest
/// sub-type groups of the category join it (ties by code), so no group is formed of a handful of
/// unrelated bases; at the end a category may be whole again.
pub(super) fn peer_groups(
    scheme: &Scheme,
    members: &[(&str, Option<&str>)],
) -> BTreeMap<String, Vec<usize>> {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    match scheme.peer_group {
        PeerGroup::Category => {
            for (i, (category, _)) in members.iter().enumerate() {
                groups.entry((*category).to_string()).or_default().push(i);
            }
        }
        PeerGroup::Subcategory => {
            for (i, (category, sub)) in members.iter().enumerate() {
                groups
                    .entry(sub.unwrap_or(category).to_string())
                    .or_default()
                    .push(i);
            }
        }
        PeerGroup::SubcategoryWhereLarge => {
            let min = scheme.min_group_size.unwrap_or(DEFAULT_MIN_GROUP_SIZE);
            let mut by_category: BTreeMap<&str, BTreeMap<Option<&str>, Vec<usize>>> =
                BTreeMap::new();
            for (i, (category, sub)) in members.iter().enumerate() {
                // A sub-type named like its category is no sub-type.
                let sub = sub.filter(|s| s != category);
                by_category
                    .entry(category)
                    .or_default()
                    .entry(sub)
                    .or_default()
                    .push(i);
            }
            for (category, subs) in by_category {
                let mut rest: Vec<usize> = Vec::new();
                let mut large: Vec<(&str, Vec<usize>)> = Vec::new();
                for (sub, list) in subs {
                    match sub {
                        Some(code) if list.len() >= min => large.push((code, list)),
                        _ => rest.extend(list),
                    }
                }
                // Smallest first, then by code, so the merge order is fixed.
                large.sort_by(|a, b| a.1.len().cmp(&b.1.len()).then(a.0.cmp(b.0)));
                let mut large = large.into_iter();
                while !rest.is_empty() && rest.len() < min {
                    match large.next() {
                        Some((_, list)) => rest.extend(list),
                        None => break,
                    }
                }
                for (code, list) in large {
                    groups.insert(code.to_string(), list);
                }
                if !rest.is_empty() {
                    rest.sort_unstable();
                    groups.insert(category.to_string(), rest);
                }
            }
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scheme(min: usize) -> Scheme {
        let mut s = Scheme::national_default(2025);
        s.peer_group = PeerGroup::SubcategoryWhereLarge;
        s.min_group_size = Some(min);
        s
    }

    fn members(
        spec: &[(&'static str, Option<&'static str>, usize)],
    ) -> Vec<(&'static str, Option<&'static str>)> {
        spec.iter()
            .flat_map(|&(c, s, n)| std::iter::repeat_n((c, s), n))
            .collect()
    }

    fn sizes(groups: &BTreeMap<String, Vec<usize>>) -> Vec<(String, usize)> {
        groups.iter().map(|(k, v)| (k.clone(), v.len())).collect()
    }

    #[test]
    fn large_sub_types_are_their_own_groups_and_the_rest_is_the_category() {
        let m = members(&[
            ("materials", Some("steel"), 25),
            ("materials", Some("chemicals"), 30),
            ("materials", Some("cement"), 8),
            ("materials", None, 14),
            ("information", Some("software"), 5),
        ]);
        let g = peer_groups(&scheme(20), &m);
        assert_eq!(
            sizes(&g),
            vec![
                ("chemicals".into(), 30),
                ("information".into(), 5),
                ("materials".into(), 22),
                ("steel".into(), 25),
            ]
        );
        // Every member in exactly one group.
        let mut all: Vec<usize> = g.values().flatten().copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..m.len()).collect::<Vec<_>>());
    }

    #[test]
    fn a_small_rest_takes_in_the_smallest_large_sub_type() {
        let m = members(&[
            ("materials", Some("steel"), 25),
            ("materials", Some("chemicals"), 30),
            ("materials", Some("cement"), 5),
        ]);
        let g = peer_groups(&scheme(20), &m);
        assert_eq!(
            sizes(&g),
            vec![("chemicals".into(), 30), ("materials".into(), 30)]
        );
    }

    #[test]
    fn category_grouping_is_unchanged() {
        let mut s = scheme(20);
        s.peer_group = PeerGroup::Category;
        let m = members(&[("materials", Some("steel"), 25), ("equipment", None, 3)]);
        assert_eq!(
            sizes(&peer_groups(&s, &m)),
            vec![("equipment".into(), 3), ("materials".into(), 25)]
        );
    }
}
