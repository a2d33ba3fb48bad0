//! Aggregation of children (indicators or lower aggregates) into one score per unit.
//!
//! Means work unit by unit and treat missing values as COINr 1.1 does: the arithmetic, geometric
//! and harmonic means drop a missing child and re-normalise the remaining weights; the generalised
//! mean returns a missing value when any child is missing (COINr's `a_genmean` does, whatever its
//! documentation says). TOPSIS, VIKOR and Copeland compare units with each other, so they work on the
//! whole matrix; TOPSIS and VIKOR give a unit with a missing child a missing score, Copeland skips
//! the missing comparisons as COINr's outranking matrix does.
//!
//! All methods assume that children are already oriented so that higher is better (the
//! normalisation step applies directions), except where [`mcdm_topsis`] and [`mcdm_vikor`] take
//! criterion types explicitly for use on raw decision matrices.

use crate::error::EngineError;
use crate::normalise::Direction;
use crate::stats;

/// How TOPSIS normalises its decision matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TopsisNormalisation {
    /// `x/‖x‖` per criterion: Hwang & Yoon's original, pyDecision. The default.
    #[default]
    Vector,
    /// Min-max per criterion: pymcdm's default.
    MinMax,
}

/// An aggregation method.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Aggregation {
    /// Weighted arithmetic mean (COINr `a_amean`).
    ArithmeticMean,
    /// Weighted geometric mean (COINr `a_gmean`); needs positive values.
    GeometricMean,
    /// Weighted harmonic mean (COINr `a_hmean`); needs non-zero values.
    HarmonicMean,
    /// Weighted generalised (power) mean of order `p` (COINr `a_genmean`); `p ≠ 0`.
    GeneralisedMean {
        /// The order.
        p: f64,
    },
    /// Closeness to the ideal solution.
    Topsis {
        /// Normalisation of the children inside TOPSIS.
        normalisation: TopsisNormalisation,
    },
    /// VIKOR compromise ranking; the score is `1 − Q`, so that higher is better like every
    /// other method here.
    Vikor {
        /// Weight of the group utility `S` against individual regret `R` (0.5 usually).
        v: f64,
    },
    /// Copeland score from COINr's outranking matrix: wins minus losses over all other units.
    Copeland,
}

impl Aggregation {
    /// Parses `amean`, `gmean`, `hmean`, `genmean:P`, `topsis[:vector|:minmax]`, `vikor[:V]`,
    /// `copeland`.
    pub fn parse(text: &str) -> Result<Aggregation, EngineError> {
        let mut parts = text.split(':');
        let name = parts.next().unwrap_or_default();
        let arg = parts.next();
        let bad = |problem: String| EngineError::Parameter {
            name: "aggregate".into(),
            problem,
        };
        let number = |s: &str| {
            s.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| bad(format!("{s:?} is not a number")))
        };
        let a = match (name, arg) {
            ("amean", None) => Aggregation::ArithmeticMean,
            ("gmean", None) => Aggregation::GeometricMean,
            ("hmean", None) => Aggregation::HarmonicMean,
            ("genmean", Some(p)) => {
                let p = number(p)?;
                if p == 0.0 {
                    return Err(bad(
                        "genmean order 0 is the geometric mean: use gmean".into()
                    ));
                }
                Aggregation::GeneralisedMean { p }
            }
            ("genmean", None) => return Err(bad("genmean needs an order, e.g. genmean:2".into())),
            ("topsis", None | Some("vector")) => Aggregation::Topsis {
                normalisation: TopsisNormalisation::Vector,
            },
            ("topsis", Some("minmax")) => Aggregation::Topsis {
                normalisation: TopsisNormalisation::MinMax,
            },
            ("vikor", None) => Aggregation::Vikor { v: 0.5 },
            ("vikor", Some(v)) => {
                let v = number(v)?;
                if !(0.0..=1.0).contains(&v) {
                    return Err(bad("vikor v must be within [0, 1]".into()));
                }
                Aggregation::Vikor { v }
            }
            ("copeland", None) => Aggregation::Copeland,
            _ => return Err(bad(format!("unknown method {text:?}"))),
        };
        Ok(a)
    }

    /// The spelling [`Aggregation::parse`] accepts.
    pub fn spec(&self) -> String {
        match self {
            Aggregation::ArithmeticMean => "amean".into(),
            Aggregation::GeometricMean => "gmean".into(),
            Aggregation::HarmonicMean => "hmean".into(),
            Aggregation::GeneralisedMean { p } => format!("genmean:{p}"),
            Aggregation::Topsis { normalisation } => match normalisation {
                TopsisNormalisation::Vector => "topsis:vector".into(),
                TopsisNormalisation::MinMax => "topsis:minmax".into(),
            },
            Aggregation::Vikor { v } => format!("vikor:{v}"),
            Aggregation::Copeland => "copeland".into(),
        }
    }

    /// Whether the method combines each unit's children alone (a mean) rather than comparing units.
    pub fn is_unitwise(&self) -> bool {
        matches!(
            self,
            Aggregation::ArithmeticMean
                | Aggregation::GeometricMean
                | Aggregation::HarmonicMean
                | Aggregation::GeneralisedMean { .. }
        )
    }
}

/// A child of an aggregate: its values per unit, its relative weight, and a name for errors.
#[derive(Clone, Copy, Debug)]
pub struct Child<'a> {
    /// Name for errors.
    pub name: &'a str,
    /// One value per unit; `NaN` is missing.
    pub values: &'a [f64],
    /// Relative weight (re-normalised inside the group).
    pub weight: f64,
}

/// Aggregates `children` into one score per unit.
pub fn aggregate(
    children: &[Child<'_>],
    method: &Aggregation,
    unit_names: &[String],
) -> Result<Vec<f64>, EngineError> {
    let Some(first) = children.first() else {
        return Err(EngineError::Parameter {
            name: "aggregate".into(),
            problem: "an aggregate without children".into(),
        });
    };
    let n = first.values.len();
    for c in children {
        if c.values.len() != n {
            return Err(EngineError::LengthMismatch {
                column: c.name.into(),
                expected: n,
                got: c.values.len(),
            });
        }
    }
    match *method {
        Aggregation::ArithmeticMean
        | Aggregation::GeometricMean
        | Aggregation::HarmonicMean
        | Aggregation::GeneralisedMean { .. } => {
            check_domain(children, method, unit_names)?;
            let mut out = Vec::with_capacity(n);
            let mut x = Vec::with_capacity(children.len());
            let mut w = Vec::with_capacity(children.len());
            for u in 0..n {
                x.clear();
                w.clear();
                for c in children {
                    x.push(c.values[u]);
                    w.push(c.weight);
                }
                out.push(unitwise_mean(&x, &w, method));
            }
            Ok(out)
        }
        Aggregation::Topsis { normalisation } => {
            let cols: Vec<&[f64]> = children.iter().map(|c| c.values).collect();
            let w: Vec<f64> = normalised_weights(children);
            let types = vec![Direction::Benefit; cols.len()];
            Ok(topsis_complete_rows(&cols, &w, &types, normalisation))
        }
        Aggregation::Vikor { v } => {
            let cols: Vec<&[f64]> = children.iter().map(|c| c.values).collect();
            let w: Vec<f64> = normalised_weights(children);
            let types = vec![Direction::Benefit; cols.len()];
            let q = vikor_complete_rows(&cols, &w, &types, v);
            Ok(q.into_iter().map(|q| 1.0 - q).collect())
        }
        Aggregation::Copeland => {
            let cols: Vec<&[f64]> = children.iter().map(|c| c.values).collect();
            let w: Vec<f64> = children.iter().map(|c| c.weight).collect();
            Ok(copeland(&cols, &w))
        }
    }
}

fn normalised_weights(children: &[Child<'_>]) -> Vec<f64> {
    let total: f64 = children.iter().map(|c| c.weight).sum();
    children.iter().map(|c| c.weight / total).collect()
}

fn check_domain(
    children: &[Child<'_>],
    method: &Aggregation,
    unit_names: &[String],
) -> Result<(), EngineError> {
    let (ok, requirement, name): (fn(f64) -> bool, _, _) = match method {
        Aggregation::GeometricMean => (|v| v > 0.0, "positive values", "geometric mean"),
        Aggregation::HarmonicMean => (|v| v != 0.0, "non-zero values", "harmonic mean"),
        Aggregation::GeneralisedMean { p } if *p < 0.0 => {
            (|v| v > 0.0, "positive values", "generalised mean")
        }
        _ => return Ok(()),
    };
    for c in children {
        if let Some(u) = c.values.iter().position(|&v| !v.is_nan() && !ok(v)) {
            let unit = unit_names.get(u).map(String::as_str).unwrap_or("?");
            return Err(EngineError::OutOfDomain {
                method: name,
                subject: format!("{} of unit {unit}", c.name),
                value: c.values[u],
                requirement,
            });
        }
    }
    Ok(())
}

/// One unit's weighted mean, skipping missing children as COINr does. The domain of the values is
/// assumed checked.
pub fn unitwise_mean(x: &[f64], w: &[f64], method: &Aggregation) -> f64 {
    match *method {
        Aggregation::GeneralisedMean { p } => {
            if x.iter().any(|v| v.is_nan()) {
                return f64::NAN;
            }
            let total: f64 = w.iter().sum();
            let s: f64 = x.iter().zip(w).map(|(v, w)| w / total * v.powf(p)).sum();
            s.powf(1.0 / p)
        }
        _ => {
            // Sums are exact (see `stats::fsum`) so that COINr's ties survive; the formulas and
            // their order of operations are COINr's.
            let present = || x.iter().zip(w).filter(|(v, _)| !v.is_nan());
            let wsum = stats::fsum(present().map(|(_, wi)| *wi));
            if wsum == 0.0 {
                return f64::NAN;
            }
            match method {
                Aggregation::GeometricMean => {
                    (stats::fsum(present().map(|(v, wi)| wi * v.ln())) / wsum).exp()
                }
                Aggregation::HarmonicMean => wsum / stats::fsum(present().map(|(v, wi)| wi / v)),
                _ => stats::fsum(present().map(|(v, wi)| wi / wsum * v)),
            }
        }
    }
}

fn complete_rows(cols: &[&[f64]]) -> Vec<bool> {
    let n = cols.first().map_or(0, |c| c.len());
    (0..n)
        .map(|u| cols.iter().all(|c| !c[u].is_nan()))
        .collect()
}

fn topsis_complete_rows(
    cols: &[&[f64]],
    w: &[f64],
    types: &[Direction],
    normalisation: TopsisNormalisation,
) -> Vec<f64> {
    let keep = complete_rows(cols);
    let sub: Vec<Vec<f64>> = cols
        .iter()
        .map(|c| {
            c.iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(v, _)| *v)
                .collect()
        })
        .collect();
    let sub_refs: Vec<&[f64]> = sub.iter().map(Vec::as_slice).collect();
    let scores = mcdm_topsis(&sub_refs, w, types, normalisation);
    let mut it = scores.into_iter();
    keep.iter()
        .map(|&k| {
            if k {
                it.next().unwrap_or(f64::NAN)
            } else {
                f64::NAN
            }
        })
        .collect()
}

fn vikor_complete_rows(cols: &[&[f64]], w: &[f64], types: &[Direction], v: f64) -> Vec<f64> {
    let keep = complete_rows(cols);
    let sub: Vec<Vec<f64>> = cols
        .iter()
        .map(|c| {
            c.iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(v, _)| *v)
                .collect()
        })
        .collect();
    let sub_refs: Vec<&[f64]> = sub.iter().map(Vec::as_slice).collect();
    let q = mcdm_vikor(&sub_refs, w, types, v).q;
    let mut it = q.into_iter();
    keep.iter()
        .map(|&k| {
            if k {
                it.next().unwrap_or(f64::NAN)
            } else {
                f64::NAN
            }
        })
        .collect()
}

/// TOPSIS on a complete decision matrix given as columns, with criterion types, as pymcdm 1.4
/// computes it: normalise (cost branch `1 − x/‖x‖` or `(max − x)/(max − min)`), weight, ideal =
/// column maximum, anti-ideal = column minimum, closeness `D⁻/(D⁺ + D⁻)`. With vector
/// normalisation this equals the classic formulation (and pyDecision). A constant column scales to
/// ones under min-max, as in pymcdm. When every unit is identical, each gets 0.5.
pub fn mcdm_topsis(
    cols: &[&[f64]],
    w: &[f64],
    types: &[Direction],
    normalisation: TopsisNormalisation,
) -> Vec<f64> {
    let n = cols.first().map_or(0, |c| c.len());
    let weighted: Vec<Vec<f64>> = cols
        .iter()
        .zip(w)
        .zip(types)
        .map(|((col, &wj), &t)| {
            let cost = t == Direction::Cost;
            let normed: Vec<f64> = match normalisation {
                TopsisNormalisation::Vector => {
                    let norm = col.iter().map(|v| v * v).sum::<f64>().sqrt();
                    col.iter()
                        .map(|v| {
                            let r = if norm == 0.0 { 0.0 } else { v / norm };
                            if cost { 1.0 - r } else { r }
                        })
                        .collect()
                }
                TopsisNormalisation::MinMax => {
                    let lo = col.iter().copied().fold(f64::INFINITY, f64::min);
                    let hi = col.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    col.iter()
                        .map(|v| {
                            if hi == lo {
                                1.0
                            } else if cost {
                                (hi - v) / (hi - lo)
                            } else {
                                (v - lo) / (hi - lo)
                            }
                        })
                        .collect()
                }
            };
            normed.into_iter().map(|r| r * wj).collect()
        })
        .collect();
    let pis: Vec<f64> = weighted
        .iter()
        .map(|c| c.iter().copied().fold(f64::NEG_INFINITY, f64::max))
        .collect();
    let nis: Vec<f64> = weighted
        .iter()
        .map(|c| c.iter().copied().fold(f64::INFINITY, f64::min))
        .collect();
    (0..n)
        .map(|u| {
            let mut dp = 0.0;
            let mut dm = 0.0;
            for (j, c) in weighted.iter().enumerate() {
                dp += (c[u] - pis[j]).powi(2);
                dm += (c[u] - nis[j]).powi(2);
            }
            let (dp, dm) = (dp.sqrt(), dm.sqrt());
            if dp + dm == 0.0 { 0.5 } else { dm / (dp + dm) }
        })
        .collect()
}

/// VIKOR's intermediate and final values.
#[derive(Clone, Debug, PartialEq)]
pub struct Vikor {
    /// Group utility `S` per unit.
    pub s: Vec<f64>,
    /// Individual regret `R` per unit.
    pub r: Vec<f64>,
    /// Compromise `Q` per unit (lower is better).
    pub q: Vec<f64>,
}

/// VIKOR as pymcdm 1.4 computes it (criterion functions `x` for benefits and `max − x` for costs,
/// `f* = max`, `f⁻ = min`). Where pymcdm divides by zero, this module uses a stated convention:
/// a constant criterion contributes no regret, and when all units share the same `S` (or `R`)
/// that term of `Q` is zero for everyone.
pub fn mcdm_vikor(cols: &[&[f64]], w: &[f64], types: &[Direction], v: f64) -> Vikor {
    let n = cols.first().map_or(0, |c| c.len());
    let mut s = vec![0.0; n];
    let mut r = vec![0.0f64; n];
    for ((col, &wj), &t) in cols.iter().zip(w).zip(types) {
        let f: Vec<f64> = match t {
            Direction::Benefit => col.to_vec(),
            Direction::Cost => {
                let hi = col.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                col.iter().map(|x| hi - x).collect()
            }
        };
        let fstar = f.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let fminus = f.iter().copied().fold(f64::INFINITY, f64::min);
        for u in 0..n {
            let d = if fstar == fminus {
                0.0
            } else {
                wj * ((fstar - f[u]) / (fstar - fminus))
            };
            s[u] += d;
            r[u] = r[u].max(d);
        }
    }
    let span = |x: &[f64]| {
        let lo = x.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lo, hi)
    };
    let (s_star, s_minus) = span(&s);
    let (r_star, r_minus) = span(&r);
    let q = (0..n)
        .map(|u| {
            let a = if s_minus > s_star {
                v * (s[u] - s_star) / (s_minus - s_star)
            } else {
                0.0
            };
            let b = if r_minus > r_star {
                (1.0 - v) * (r[u] - r_star) / (r_minus - r_star)
            } else {
                0.0
            };
            a + b
        })
        .collect();
    Vikor { s, r, q }
}

/// COINr's outranking matrix: entry `(i, j)` is the weight of the children where unit `i` beats
/// `j` plus half the weight of ties; the lower triangle is `1 −` the upper, as COINr fills it.
pub fn outranking_matrix(cols: &[&[f64]], w: &[f64]) -> Vec<Vec<f64>> {
    let n = cols.first().map_or(0, |c| c.len());
    let total: f64 = w.iter().sum();
    let w: Vec<f64> = w.iter().map(|x| x / total).collect();
    let mut m = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in (i + 1)..n {
            let mut better = 0.0;
            let mut tied = 0.0;
            for (col, wk) in cols.iter().zip(&w) {
                let (a, b) = (col[i], col[j]);
                if a > b {
                    better += wk;
                } else if a == b {
                    tied += wk;
                }
            }
            m[i][j] = better + tied / 2.0;
            m[j][i] = 1.0 - m[i][j];
        }
    }
    m
}

/// Copeland scores: for each unit, the number of units it outranks (entry above one half) minus
/// the number that outrank it.
pub fn copeland(cols: &[&[f64]], w: &[f64]) -> Vec<f64> {
    let m = outranking_matrix(cols, w);
    m.iter()
        .enumerate()
        .map(|(i, row)| {
            row.iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, &x)| {
                    if x > 0.5 {
                        1.0
                    } else if x < 0.5 {
                        -1.0
                    } else {
                        0.0
                    }
                })
                .sum()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amean_skips_missing_and_renormalises() {
        let y = unitwise_mean(
            &[10.0, f64::NAN, 90.0, 30.0],
            &[0.4, 0.3, 0.2, 0.1],
            &Aggregation::ArithmeticMean,
        );
        assert!((y - 35.714285714285715).abs() < 1e-12);
    }

    #[test]
    fn geometric_mean_rejects_zero_with_unit_name() {
        let units = vec!["A".to_string(), "B".to_string()];
        let c = [Child {
            name: "x",
            values: &[1.0, 0.0],
            weight: 1.0,
        }];
        let e = aggregate(&c, &Aggregation::GeometricMean, &units).unwrap_err();
        assert!(e.to_string().contains("unit B"), "{e}");
    }

    #[test]
    fn parse_round_trips() {
        for s in [
            "amean",
            "gmean",
            "hmean",
            "genmean:2",
            "topsis:vector",
            "topsis:minmax",
            "vikor:0.5",
            "copeland",
        ] {
            assert_eq!(Aggregation::parse(s).unwrap().spec(), s);
        }
        assert!(Aggregation::parse("genmean:0").is_err());
    }
}
