//! What if one unit's values were different: the group's index scores again, exactly, without
//! running the whole pipeline.
//!
//! A change in one unit's value of an indicator moves every unit's normalised value of that
//! indicator (the group's range, the treatment and imputed values may all shift), but no other
//! indicator. When the index is a weighted arithmetic mean at every level of structure weights and
//! no normalised value is missing, each score is `Σ effective weight × normalised value`, so the
//! new scores are the old ones plus the weighted change of the changed columns: `O(units ×
//! changed columns)` instead of the whole group. Any other configuration runs the pipeline again.
//!
//! [`WhatIf::standing`] answers what the star search asks — the unit's new score and the score
//! holding a given place among the others — without even that pass over the group when the method
//! is min-max normalisation of median-imputed, optionally winsorised indicators (`fast`): the
//! same numbers, bit for bit, in time that does not grow with the group.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::aggregate::Aggregation;
use crate::error::EngineError;
use crate::impute::{self, Imputation};
use crate::normalise;
use crate::pipeline::{self, Dataset, IndexResult, PipelineConfig, Treatment, Weighting};
use crate::structure::Structure;
use crate::treat;

/// A group's run, ready for what-if questions about one unit at a time.
pub struct WhatIf<'a> {
    structure: &'a Structure,
    config: &'a PipelineConfig,
    data: &'a Dataset,
    result: &'a IndexResult,
    /// `Some` when the fast path is exact: raw columns in indicator order and effective weights.
    linear: Option<Linear>,
    /// `Some` when [`WhatIf::standing`] can answer without a pass over the group.
    fast: Option<fast::Fast>,
    /// Questions answered by `fast`, and those that fell back to the pass over the group.
    answered: [AtomicUsize; 2],
}

mod fast;

struct Linear {
    raw: Vec<Vec<f64>>,
    weights: Vec<f64>,
}

impl<'a> WhatIf<'a> {
    /// Prepares what-if questions about a run of `structure` with `config` on `data`, whose
    /// result is `result`.
    pub fn new(
        structure: &'a Structure,
        config: &'a PipelineConfig,
        data: &'a Dataset,
        result: &'a IndexResult,
    ) -> WhatIf<'a> {
        let linear = Self::linear(config, data, result);
        let fast = linear
            .as_ref()
            .and_then(|l| fast::Fast::new(config, &l.raw, result));
        WhatIf {
            structure,
            config,
            data,
            result,
            linear,
            fast,
            answered: [AtomicUsize::new(0), AtomicUsize::new(0)],
        }
    }

    fn linear(config: &PipelineConfig, data: &Dataset, result: &IndexResult) -> Option<Linear> {
        let s = &result.structure;
        let levels_linear = (2..=s.nodes().iter().map(|n| n.level).max().unwrap_or(1))
            .all(|level| config.aggregation_at(level) == Aggregation::ArithmeticMean);
        let simple = !config.denominate
            && config.min_coverage.is_none()
            && matches!(config.weighting, Weighting::Structure | Weighting::Equal)
            && matches!(
                config.impute,
                Imputation::None | Imputation::Mean | Imputation::Median
            )
            && result.units.len() == data.units().len();
        if !levels_linear || !simple {
            return None;
        }
        let weights = s.effective_weights();
        let raw: Vec<Vec<f64>> = s
            .indicators()
            .iter()
            .map(|&i| data.numeric(&s.node(i).code).map(<[f64]>::to_vec))
            .collect::<Option<_>>()?;
        // Exact only when every score is the weighted sum: no missing normalised value (the
        // aggregation would re-weight around it), checked against the stored scores.
        let index = result.index();
        for (u, score) in index.iter().enumerate() {
            let mut sum = 0.0;
            for &i in s.indicators() {
                let v = result.scores[i][u];
                if !v.is_finite() {
                    return None;
                }
                sum += weights[i] * v;
            }
            if (sum - score).abs() > 1e-9 * score.abs().max(1.0) {
                return None;
            }
        }
        Some(Linear { raw, weights })
    }

    /// Whether questions take the fast path (else each runs the pipeline).
    pub fn is_linear(&self) -> bool {
        self.linear.is_some()
    }

    /// The index scores of every unit if `unit` had the raw values `changes` (`(indicator
    /// position, value)`, positions as in the structure's indicators), all else as run.
    pub fn scores(
        &self,
        unit: usize,
        changes: &[(usize, f64)],
        out: &mut Vec<f64>,
    ) -> Result<(), EngineError> {
        out.clear();
        out.extend_from_slice(self.result.index());
        let Some(linear) = &self.linear else {
            return self.rerun(unit, changes, out);
        };
        let s = &self.result.structure;
        let mut diagnostics = Vec::new();
        for &(position, value) in changes {
            let node_index = s.indicators()[position];
            let node = s.node(node_index);
            let mut col = linear.raw[position].clone();
            col[unit] = value;
            if col.iter().any(|v| v.is_nan()) {
                col = impute::impute(&col, &self.config.impute, None).0;
            }
            let treated = match &self.config.treatment {
                Treatment::None => col,
                Treatment::Winsorise(cfg) => treat::treat(&col, cfg).0,
            };
            let normalised = normalise::normalise(
                &treated,
                self.config.normalisation_of(&node.code),
                node.direction,
                &node.reference,
                &node.code,
                &mut diagnostics,
            )?;
            let old = &self.result.scores[node_index];
            let w = linear.weights[node_index];
            for ((score, new), old) in out.iter_mut().zip(&normalised).zip(old) {
                *score += w * (new - old);
            }
        }
        Ok(())
    }

    /// Unit `unit`'s index score if it had the raw values `changes`, and the score holding place
    /// `places` (1 = the best) among the other units' scores that are not missing (`None` when
    /// `places` is 0 or more than there are): what it takes to gain a place-based star. Equal,
    /// bit for bit, to [`WhatIf::standing_by_scores`].
    pub fn standing(
        &self,
        unit: usize,
        changes: &[(usize, f64)],
        places: usize,
    ) -> Result<(f64, Option<f64>), EngineError> {
        if let (Some(fast), Some(linear)) = (&self.fast, &self.linear)
            && let Some(answer) = fast.standing(
                self.result,
                &linear.raw,
                &linear.weights,
                unit,
                changes,
                places,
            )
        {
            self.answered[0].fetch_add(1, Ordering::Relaxed);
            return Ok(answer);
        }
        self.answered[1].fetch_add(1, Ordering::Relaxed);
        self.standing_by_scores(unit, changes, places)
    }

    /// [`WhatIf::standing`] computed from every unit's new score ([`WhatIf::scores`]): the
    /// straightforward way, linear in the group's size.
    pub fn standing_by_scores(
        &self,
        unit: usize,
        changes: &[(usize, f64)],
        places: usize,
    ) -> Result<(f64, Option<f64>), EngineError> {
        let mut scores = Vec::new();
        self.scores(unit, changes, &mut scores)?;
        let own = scores[unit];
        let mut others: Vec<f64> = scores
            .iter()
            .enumerate()
            .filter(|&(u, x)| u != unit && !x.is_nan())
            .map(|(_, x)| *x)
            .collect();
        let Some(p) = places.checked_sub(1).filter(|&p| p < others.len()) else {
            return Ok((own, None));
        };
        let (_, holder, _) = others.select_nth_unstable_by(p, |a, b| b.total_cmp(a));
        Ok((own, Some(*holder)))
    }

    /// How many questions [`WhatIf::standing`] answered without a pass over the group, and how
    /// many it answered with one.
    pub fn answered(&self) -> (usize, usize) {
        (
            self.answered[0].load(Ordering::Relaxed),
            self.answered[1].load(Ordering::Relaxed),
        )
    }

    fn rerun(
        &self,
        unit: usize,
        changes: &[(usize, f64)],
        out: &mut Vec<f64>,
    ) -> Result<(), EngineError> {
        let mut data = self.data.clone();
        let s = &self.result.structure;
        for &(position, value) in changes {
            let code = &s.node(s.indicators()[position]).code;
            let mut col = data
                .numeric(code)
                .ok_or_else(|| EngineError::MissingColumn {
                    column: code.clone(),
                })?
                .to_vec();
            col[unit] = value;
            data.insert_numeric(code, col)?;
        }
        let result = pipeline::run(self.structure, self.config, &data)?;
        out.clear();
        out.extend_from_slice(result.index());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::Direction;
    use crate::structure::NodeSpec;
    use crate::treat::WinsoriseConfig;

    fn group() -> (Structure, Dataset) {
        let structure = Structure::new(vec![
            NodeSpec::indicator("a", "D1", Direction::Benefit).weighted(2.0),
            NodeSpec::indicator("b", "D1", Direction::Cost),
            NodeSpec::indicator("c", "D2", Direction::Benefit),
            NodeSpec::aggregate("D1", Some("Index"), 2).weighted(3.0),
            NodeSpec::aggregate("D2", Some("Index"), 2),
            NodeSpec::aggregate("Index", None, 3),
        ])
        .unwrap();
        let n = 40;
        let mut data = Dataset::new((0..n).map(|u| format!("U{u}")).collect());
        // A skewed column (winsorised), one with gaps (imputed), a plain one.
        data.insert_numeric(
            "a",
            (0..n)
                .map(|u| 1.0 + (u as f64).powi(3) / 100.0 + (u % 7) as f64)
                .collect(),
        )
        .unwrap();
        data.insert_numeric(
            "b",
            (0..n)
                .map(|u| {
                    if u % 9 == 4 {
                        f64::NAN
                    } else {
                        5.0 + ((u * 13) % 17) as f64
                    }
                })
                .collect(),
        )
        .unwrap();
        data.insert_numeric("c", (0..n).map(|u| ((u * 29) % 31) as f64).collect())
            .unwrap();
        (structure, data)
    }

    fn check(config: &PipelineConfig, expect_linear: bool) {
        let (structure, data) = group();
        let result = pipeline::run(&structure, config, &data).unwrap();
        let what_if = WhatIf::new(&structure, config, &data, &result);
        assert_eq!(what_if.is_linear(), expect_linear);
        let mut fast = Vec::new();
        // The lowest unit to the top, a middle one down, a gap filled, an outlier made.
        for (unit, changes) in [
            (0usize, vec![(0usize, 700.0), (2, 30.0)]),
            (17, vec![(1, 40.0)]),
            (4, vec![(1, 6.0), (0, 2.0)]),
            (25, vec![(0, 5_000.0)]),
        ] {
            what_if.scores(unit, &changes, &mut fast).unwrap();
            let mut changed = data.clone();
            for &(position, value) in &changes {
                let code = ["a", "b", "c"][position];
                let mut col = changed.numeric(code).unwrap().to_vec();
                col[unit] = value;
                changed.insert_numeric(code, col).unwrap();
            }
            let full = pipeline::run(&structure, config, &changed).unwrap();
            for (f, g) in fast.iter().zip(full.index()) {
                assert!((f - g).abs() < 1e-9, "{f} vs {g}");
            }
        }
    }

    #[test]
    fn the_fast_path_equals_a_full_run() {
        check(
            &PipelineConfig {
                impute: Imputation::Median,
                treatment: Treatment::Winsorise(WinsoriseConfig::COINR),
                ..PipelineConfig::default()
            },
            true,
        );
    }

    #[test]
    fn other_methods_run_the_pipeline() {
        check(
            &PipelineConfig {
                impute: Imputation::Median,
                aggregation: Aggregation::GeometricMean,
                normalisation: normalise::Normalisation::MinMax {
                    lower: 1.0,
                    upper: 100.0,
                },
                ..PipelineConfig::default()
            },
            false,
        );
        // Missing values left missing: aggregation re-weights around them.
        check(&PipelineConfig::default(), false);
    }
}
