//! Normalisation of one indicator onto a common scale, with its direction applied.
//!
//! Two families handle direction differently, each as its reference tool does:
//!
//! * COINr's methods ([`Normalisation::MinMax`], [`Normalisation::ZScore`], [`Normalisation::Rank`],
//!   [`Normalisation::Borda`], [`Normalisation::PercentRank`], [`Normalisation::FractionOfMax`],
//!   [`Normalisation::DistanceToMax`], [`Normalisation::FloorScaled`]) multiply a cost indicator by
//!   −1 first and then normalise, so that higher is always better afterwards.
//! * Methods with an explicit cost formula ([`Normalisation::Goalposts`],
//!   [`Normalisation::Benchmark`], and pymcdm's [`Normalisation::Vector`], [`Normalisation::Sum`],
//!   [`Normalisation::Max`], [`Normalisation::Linear`]) use that formula.
//!
//! Missing values stay missing. Undefined cases are resolved by a stated convention and reported
//! as a [`Diagnostic`]: a constant indicator under min-max scaling takes the middle of the target
//! range (COINr returns `NaN`, pymcdm returns the top of the range); under z-scores it takes the
//! target mean. Methods that need positive values return an error naming the value.

use crate::error::{Diagnostic, EngineError};
use crate::rank::{self, Order, TieRule};
use crate::stats;

/// Whether higher values of an indicator are better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Direction {
    /// Higher is better (`1`).
    #[default]
    Benefit,
    /// Lower is better (`-1`).
    Cost,
}

impl Direction {
    /// `1.0` for a benefit, `-1.0` for a cost indicator.
    pub fn sign(self) -> f64 {
        match self {
            Direction::Benefit => 1.0,
            Direction::Cost => -1.0,
        }
    }

    /// Parses `1` / `-1` (also `+1`, `benefit`, `cost`).
    pub fn parse(text: &str) -> Option<Direction> {
        match text.trim() {
            "1" | "+1" | "1.0" | "benefit" => Some(Direction::Benefit),
            "-1" | "-1.0" | "cost" => Some(Direction::Cost),
            _ => None,
        }
    }
}

/// A normalisation method and its parameters.
#[derive(Clone, Debug, PartialEq)]
pub enum Normalisation {
    /// No normalisation (direction is still applied by sign).
    None,
    /// COINr `n_minmax`: `(x − min)/(max − min) · (upper − lower) + lower`.
    MinMax {
        /// Lower end of the target range.
        lower: f64,
        /// Upper end of the target range.
        upper: f64,
    },
    /// COINr `n_zscore`: `(x − mean)/sd · sd_target + mean_target`, sample sd.
    ZScore {
        /// Target mean.
        mean: f64,
        /// Target standard deviation.
        sd: f64,
    },
    /// COINr `n_rank`: rank from the lowest, ties by the minimum.
    Rank,
    /// COINr `n_borda`: `rank − 1`.
    Borda,
    /// COINr `n_prank`: `(rank − 1)/(n − 1)`.
    PercentRank,
    /// COINr `n_fracmax`: `x / max`.
    FractionOfMax,
    /// COINr `n_dist2max`: `1 − (max − x)/(max − min)`.
    DistanceToMax,
    /// COINr `n_goalposts`: `clamp((x − low)/(high − low)) · scale`, and for a cost indicator
    /// `clamp((high − x)/(high − low)) · scale`. The goalposts come from each indicator.
    Goalposts {
        /// Multiplier of the clamped distance (100 for a 0–100 score).
        scale: f64,
        /// Whether values beyond the goalposts are clamped (COINr's `trunc2posts`).
        truncate: bool,
    },
    /// Ratio to a benchmark, as 亩均 scoring rules do: `x / benchmark · scale`, for a cost
    /// indicator `benchmark / x · scale`, optionally capped. The benchmark comes from each indicator.
    Benchmark {
        /// Multiplier of the ratio (1 for a ratio, 100 for points).
        scale: f64,
        /// Largest score allowed, after scaling.
        cap: Option<f64>,
    },
    /// Min-max with a floor, as in provincial scoring rules: `floor + span · (x − min)/(max − min)`
    /// (for example 20 + 80·x).
    FloorScaled {
        /// Score of the worst unit.
        floor: f64,
        /// Distance from the worst to the best unit's score.
        span: f64,
    },
    /// pymcdm `vector_normalization`: `x/‖x‖`, cost `1 − x/‖x‖`.
    Vector,
    /// pymcdm `sum_normalization`: `x/Σx`, cost `(1/x)/Σ(1/x)`; needs positive values.
    Sum,
    /// pymcdm `max_normalization`: `x/max`, cost `1 − x/max`.
    Max,
    /// pymcdm `linear_normalization`: `x/max`, cost `min/x`; needs non-zero values.
    Linear,
}

impl Normalisation {
    /// COINr's default: min-max onto [0, 100].
    pub const MINMAX_0_100: Normalisation = Normalisation::MinMax {
        lower: 0.0,
        upper: 100.0,
    };

    /// Parses the command-line spelling, e.g. `minmax:0:100`, `zscore:10:2`, `rank`, `borda`,
    /// `prank`, `fracmax`, `dist2max`, `goalposts[:SCALE]`, `benchmark[:SCALE[:CAP]]`,
    /// `floor:20:80`, `vector`, `sum`, `max`, `linear`, `none`.
    pub fn parse(text: &str) -> Result<Normalisation, EngineError> {
        let mut parts = text.split(':');
        let name = parts.next().unwrap_or_default();
        let args: Vec<&str> = parts.collect();
        let number = |i: usize, default: Option<f64>| -> Result<f64, EngineError> {
            match args.get(i) {
                Some(s) => s
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| EngineError::Parameter {
                        name: format!("normalise {name}"),
                        problem: format!("{s:?} is not a number"),
                    }),
                None => default.ok_or_else(|| EngineError::Parameter {
                    name: format!("normalise {name}"),
                    problem: format!("needs argument {}", i + 1),
                }),
            }
        };
        let n = match name {
            "none" => Normalisation::None,
            "minmax" => Normalisation::MinMax {
                lower: number(0, Some(0.0))?,
                upper: number(1, Some(100.0))?,
            },
            "zscore" => Normalisation::ZScore {
                mean: number(0, Some(0.0))?,
                sd: number(1, Some(1.0))?,
            },
            "rank" => Normalisation::Rank,
            "borda" => Normalisation::Borda,
            "prank" => Normalisation::PercentRank,
            "fracmax" => Normalisation::FractionOfMax,
            "dist2max" => Normalisation::DistanceToMax,
            "goalposts" => Normalisation::Goalposts {
                scale: number(0, Some(100.0))?,
                truncate: true,
            },
            "benchmark" => Normalisation::Benchmark {
                scale: number(0, Some(1.0))?,
                cap: if args.len() > 1 {
                    Some(number(1, None)?)
                } else {
                    None
                },
            },
            "floor" => Normalisation::FloorScaled {
                floor: number(0, Some(20.0))?,
                span: number(1, Some(80.0))?,
            },
            "vector" => Normalisation::Vector,
            "sum" => Normalisation::Sum,
            "max" => Normalisation::Max,
            "linear" => Normalisation::Linear,
            _ => {
                return Err(EngineError::Parameter {
                    name: "normalise".into(),
                    problem: format!("unknown method {name:?}"),
                });
            }
        };
        n.validate()?;
        Ok(n)
    }

    /// Checks the parameters.
    pub fn validate(&self) -> Result<(), EngineError> {
        let bad = |problem: &str| {
            Err(EngineError::Parameter {
                name: "normalise".into(),
                problem: problem.into(),
            })
        };
        match *self {
            Normalisation::MinMax { lower, upper } if !(lower < upper) => {
                bad("min-max needs lower < upper")
            }
            Normalisation::ZScore { sd, .. } if !(sd > 0.0) => bad("z-score needs sd > 0"),
            Normalisation::Goalposts { scale, .. } | Normalisation::Benchmark { scale, .. }
                if !(scale > 0.0) =>
            {
                bad("scale must be positive")
            }
            Normalisation::FloorScaled { span, .. } if !(span > 0.0) => {
                bad("span must be positive")
            }
            _ => Ok(()),
        }
    }

    /// The spelling [`Normalisation::parse`] accepts.
    pub fn spec(&self) -> String {
        match self {
            Normalisation::None => "none".into(),
            Normalisation::MinMax { lower, upper } => format!("minmax:{lower}:{upper}"),
            Normalisation::ZScore { mean, sd } => format!("zscore:{mean}:{sd}"),
            Normalisation::Rank => "rank".into(),
            Normalisation::Borda => "borda".into(),
            Normalisation::PercentRank => "prank".into(),
            Normalisation::FractionOfMax => "fracmax".into(),
            Normalisation::DistanceToMax => "dist2max".into(),
            Normalisation::Goalposts { scale, .. } => format!("goalposts:{scale}"),
            Normalisation::Benchmark { scale, cap } => match cap {
                Some(c) => format!("benchmark:{scale}:{c}"),
                None => format!("benchmark:{scale}"),
            },
            Normalisation::FloorScaled { floor, span } => format!("floor:{floor}:{span}"),
            Normalisation::Vector => "vector".into(),
            Normalisation::Sum => "sum".into(),
            Normalisation::Max => "max".into(),
            Normalisation::Linear => "linear".into(),
        }
    }

    /// Whether every normalised value is strictly positive for any input (so that geometric and
    /// harmonic means are defined).
    pub fn always_positive(&self) -> bool {
        match *self {
            Normalisation::MinMax { lower, .. } => lower > 0.0,
            Normalisation::Rank => true,
            Normalisation::FloorScaled { floor, .. } => floor > 0.0,
            _ => false,
        }
    }
}

/// Reference values some methods need per indicator.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct IndicatorReference {
    /// Goalposts `(low, high)` for [`Normalisation::Goalposts`], in the indicator's own units.
    pub goalposts: Option<(f64, f64)>,
    /// Benchmark for [`Normalisation::Benchmark`].
    pub benchmark: Option<f64>,
}

/// Normalises one indicator. `subject` names it in errors and diagnostics.
pub fn normalise(
    values: &[f64],
    method: &Normalisation,
    direction: Direction,
    reference: &IndicatorReference,
    subject: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<f64>, EngineError> {
    method.validate()?;
    let sign = direction.sign();
    let signed = || -> Vec<f64> { values.iter().map(|v| v * sign).collect() };
    let is_cost = direction == Direction::Cost;
    let out = match *method {
        Normalisation::None => signed(),
        Normalisation::MinMax { lower, upper } => {
            let x = signed();
            match range_of(&x) {
                Some((lo, hi)) if hi > lo => x
                    .iter()
                    .map(|v| (v - lo) / (hi - lo) * (upper - lower) + lower)
                    .collect(),
                Some(_) => {
                    diagnostics.push(Diagnostic::warning(
                        subject,
                        "constant indicator: every unit gets the middle of the min-max range",
                    ));
                    constant_like(&x, (lower + upper) / 2.0)
                }
                None => x,
            }
        }
        Normalisation::FloorScaled { floor, span } => {
            let x = signed();
            match range_of(&x) {
                Some((lo, hi)) if hi > lo => x
                    .iter()
                    .map(|v| floor + span * (v - lo) / (hi - lo))
                    .collect(),
                Some(_) => {
                    diagnostics.push(Diagnostic::warning(
                        subject,
                        "constant indicator: every unit gets the middle of the scaled range",
                    ));
                    constant_like(&x, floor + span / 2.0)
                }
                None => x,
            }
        }
        Normalisation::ZScore { mean, sd } => {
            let x = signed();
            match (stats::mean(&x), stats::sd(&x)) {
                (Some(m), Some(s)) if s > 0.0 => {
                    x.iter().map(|v| (v - m) / s * sd + mean).collect()
                }
                (Some(_), _) => {
                    diagnostics.push(Diagnostic::warning(
                        subject,
                        "constant indicator or a single value: every unit gets the target mean",
                    ));
                    constant_like(&x, mean)
                }
                (None, _) => x,
            }
        }
        Normalisation::Rank => ascending_ranks(&signed()),
        Normalisation::Borda => ascending_ranks(&signed()).iter().map(|r| r - 1.0).collect(),
        Normalisation::PercentRank => {
            let x = signed();
            let n = stats::count_present(&x);
            let ranks = ascending_ranks(&x);
            if n < 2 {
                diagnostics.push(Diagnostic::warning(
                    subject,
                    "percentile rank of a single value is undefined: it gets 1",
                ));
                ranks
                    .iter()
                    .map(|r| if r.is_nan() { *r } else { 1.0 })
                    .collect()
            } else {
                ranks.iter().map(|r| (r - 1.0) / (n - 1) as f64).collect()
            }
        }
        Normalisation::FractionOfMax => {
            let x = signed();
            let max = range_of(&x).map(|r| r.1);
            match max {
                Some(m) if m != 0.0 => x.iter().map(|v| v / m).collect(),
                Some(_) => {
                    return Err(EngineError::OutOfDomain {
                        method: "fraction of max",
                        subject: subject.into(),
                        value: 0.0,
                        requirement: "a non-zero maximum",
                    });
                }
                None => x,
            }
        }
        Normalisation::DistanceToMax => {
            let x = signed();
            match range_of(&x) {
                Some((lo, hi)) if hi > lo => x.iter().map(|v| 1.0 - (hi - v) / (hi - lo)).collect(),
                Some(_) => {
                    diagnostics.push(Diagnostic::warning(
                        subject,
                        "constant indicator: every unit gets 0.5 distance-to-max score",
                    ));
                    constant_like(&x, 0.5)
                }
                None => x,
            }
        }
        Normalisation::Goalposts { scale, truncate } => {
            let (low, high) = reference.goalposts.ok_or_else(|| EngineError::Parameter {
                name: format!("goalposts of {subject}"),
                problem: "goalpost normalisation needs low and high goalposts for the indicator"
                    .into(),
            })?;
            if !(high > low) {
                return Err(EngineError::Parameter {
                    name: format!("goalposts of {subject}"),
                    problem: format!("low {low} must be below high {high}"),
                });
            }
            values
                .iter()
                .map(|&v| {
                    let mut y = if is_cost {
                        (high - v) / (high - low)
                    } else {
                        (v - low) / (high - low)
                    };
                    if truncate && !y.is_nan() {
                        y = y.clamp(0.0, 1.0);
                    }
                    y * scale
                })
                .collect()
        }
        Normalisation::Benchmark { scale, cap } => {
            let benchmark = reference.benchmark.ok_or_else(|| EngineError::Parameter {
                name: format!("benchmark of {subject}"),
                problem: "benchmark normalisation needs a benchmark value for the indicator".into(),
            })?;
            if !(benchmark > 0.0) {
                return Err(EngineError::Parameter {
                    name: format!("benchmark of {subject}"),
                    problem: format!("benchmark {benchmark} must be positive"),
                });
            }
            let mut out = Vec::with_capacity(values.len());
            for &v in values {
                let y = if v.is_nan() {
                    v
                } else if is_cost {
                    if v <= 0.0 {
                        return Err(EngineError::OutOfDomain {
                            method: "benchmark ratio (cost)",
                            subject: subject.into(),
                            value: v,
                            requirement: "positive values",
                        });
                    }
                    benchmark / v * scale
                } else {
                    v / benchmark * scale
                };
                out.push(match cap {
                    Some(c) if y > c => c,
                    _ => y,
                });
            }
            out
        }
        Normalisation::Vector => {
            let norm = values
                .iter()
                .filter(|v| !v.is_nan())
                .map(|v| v * v)
                .sum::<f64>()
                .sqrt();
            if norm == 0.0 {
                return Err(EngineError::Constant {
                    method: "vector normalisation",
                    subject: subject.into(),
                });
            }
            values
                .iter()
                .map(|v| if is_cost { 1.0 - v / norm } else { v / norm })
                .collect()
        }
        Normalisation::Sum => {
            require_all(
                values,
                |v| v > 0.0,
                "sum normalisation",
                subject,
                "positive values",
            )?;
            if is_cost {
                let total: f64 = values.iter().filter(|v| !v.is_nan()).map(|v| 1.0 / v).sum();
                values.iter().map(|v| (1.0 / v) / total).collect()
            } else {
                let total: f64 = values.iter().filter(|v| !v.is_nan()).sum();
                values.iter().map(|v| v / total).collect()
            }
        }
        Normalisation::Max => {
            let max = range_of(values).map(|r| r.1).unwrap_or(f64::NAN);
            if max == 0.0 {
                return Err(EngineError::OutOfDomain {
                    method: "max normalisation",
                    subject: subject.into(),
                    value: 0.0,
                    requirement: "a non-zero maximum",
                });
            }
            values
                .iter()
                .map(|v| if is_cost { 1.0 - v / max } else { v / max })
                .collect()
        }
        Normalisation::Linear => {
            require_all(
                values,
                |v| v != 0.0,
                "linear normalisation",
                subject,
                "non-zero values",
            )?;
            let (lo, hi) = range_of(values).unwrap_or((f64::NAN, f64::NAN));
            values
                .iter()
                .map(|v| if is_cost { lo / v } else { v / hi })
                .collect()
        }
    };
    Ok(out)
}

fn range_of(x: &[f64]) -> Option<(f64, f64)> {
    stats::min_max(x)
}

fn constant_like(x: &[f64], value: f64) -> Vec<f64> {
    x.iter()
        .map(|v| if v.is_nan() { f64::NAN } else { value })
        .collect()
}

fn ascending_ranks(x: &[f64]) -> Vec<f64> {
    rank::rank(x, Order::LowestFirst, TieRule::Min)
}

fn require_all(
    values: &[f64],
    ok: impl Fn(f64) -> bool,
    method: &'static str,
    subject: &str,
    requirement: &'static str,
) -> Result<(), EngineError> {
    match values.iter().copied().find(|&v| !v.is_nan() && !ok(v)) {
        Some(value) => Err(EngineError::OutOfDomain {
            method,
            subject: subject.into(),
            value,
            requirement,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(x: &[f64], m: Normalisation, d: Direction) -> Vec<f64> {
        let mut diags = Vec::new();
        normalise(x, &m, d, &IndicatorReference::default(), "x", &mut diags).unwrap()
    }

    #[test]
    fn constant_indicator_takes_the_middle_with_a_warning() {
        let mut diags = Vec::new();
        let y = normalise(
            &[3.0, 3.0, f64::NAN],
            &Normalisation::MINMAX_0_100,
            Direction::Benefit,
            &IndicatorReference::default(),
            "c",
            &mut diags,
        )
        .unwrap();
        assert_eq!(&y[..2], &[50.0, 50.0]);
        assert!(y[2].is_nan());
        assert_eq!(diags.len(), 1);
    }

    #[test]
    fn cost_minmax_equals_pymcdm_cost_branch() {
        let y = run(
            &[1.0, 3.0, 2.0],
            Normalisation::MinMax {
                lower: 0.0,
                upper: 1.0,
            },
            Direction::Cost,
        );
        assert_eq!(y, vec![1.0, 0.0, 0.5]);
    }

    #[test]
    fn benchmark_ratio_caps() {
        let mut diags = Vec::new();
        let r = IndicatorReference {
            benchmark: Some(20.0),
            goalposts: None,
        };
        let y = normalise(
            &[10.0, 40.0, 80.0],
            &Normalisation::Benchmark {
                scale: 30.0,
                cap: Some(45.0),
            },
            Direction::Benefit,
            &r,
            "tax_per_mu",
            &mut diags,
        )
        .unwrap();
        assert_eq!(y, vec![15.0, 45.0, 45.0]);
    }

    #[test]
    fn parse_round_trips() {
        for s in [
            "minmax:1:100",
            "zscore:10:2",
            "rank",
            "goalposts:100",
            "benchmark:1:1.5",
            "floor:20:80",
        ] {
            assert_eq!(Normalisation::parse(s).unwrap().spec(), s);
        }
        assert!(Normalisation::parse("minmax:5:1").is_err());
        assert!(Normalisation::parse("nope").is_err());
    }
}
