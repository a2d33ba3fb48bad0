//! Objective and subjective weighting methods.
//!
//! Data-driven methods work on a decision matrix given as columns (one slice per criterion, no
//! missing values). Where pymcdm and pyDecision disagree, each behaviour is a named
//! [`Convention`]; the default is pymcdm's, because it is the textbook formula without guards:
//!
//! | method | [`Convention::Pymcdm`] (default) | [`Convention::PyDecision`] |
//! |---|---|---|
//! | entropy | `p = x/Σx` for every column (types ignored); zeros or negatives are an error | cost columns use `1/(x+1e-9)`; `|p|`; zero terms skipped; `1e-9` guards in the logs and `d` |
//! | CRITIC | min-max of every column (types ignored), a constant column is an error | cost columns flipped in the min-max step (`+1e-10` in the range); undefined correlations count as 0 |
//!
//! AHP reads a positive reciprocal matrix and returns the principal eigenvector (or pyDecision's
//! row geometric mean / column-normalised mean), λmax, CI and CR. The random index is either
//! Saaty's table ([`RandomIndex::Saaty`], used by pyDecision; the default) or the simulated values of
//! Tummala & Ling 1998 ([`RandomIndex::TummalaLing`], used by pymcdm).

use crate::error::EngineError;
use crate::normalise::Direction;
use crate::stats;

/// Which peer's behaviour a data-driven weighting method follows where the peers disagree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Convention {
    /// pymcdm 1.4: criterion types ignored, no numerical guards, undefined cases are errors.
    #[default]
    Pymcdm,
    /// pyDecision 5.1: cost criteria handled, small constants added as guards.
    PyDecision,
}

impl Convention {
    /// Parses `pymcdm` or `pydecision`.
    pub fn parse(text: &str) -> Option<Convention> {
        match text.to_ascii_lowercase().as_str() {
            "pymcdm" => Some(Convention::Pymcdm),
            "pydecision" => Some(Convention::PyDecision),
            _ => None,
        }
    }
}

/// A criterion column: its name (for errors), values and direction.
#[derive(Clone, Copy, Debug)]
pub struct Criterion<'a> {
    /// Name used in errors.
    pub name: &'a str,
    /// Values, one per alternative, none missing.
    pub values: &'a [f64],
    /// Benefit or cost.
    pub direction: Direction,
}

fn check_matrix(method: &'static str, criteria: &[Criterion<'_>]) -> Result<usize, EngineError> {
    let Some(first) = criteria.first() else {
        return Err(EngineError::Parameter {
            name: method.into(),
            problem: "no criteria".into(),
        });
    };
    let m = first.values.len();
    for c in criteria {
        if c.values.len() != m {
            return Err(EngineError::LengthMismatch {
                column: c.name.into(),
                expected: m,
                got: c.values.len(),
            });
        }
        if let Some(v) = c.values.iter().find(|v| !v.is_finite()) {
            return Err(EngineError::OutOfDomain {
                method,
                subject: c.name.into(),
                value: *v,
                requirement: "complete, finite data (impute missing values first)",
            });
        }
    }
    if m < 2 {
        return Err(EngineError::TooFewUnits {
            operation: method,
            needed: 2,
            found: m,
        });
    }
    Ok(m)
}

fn normalised(raw: Vec<f64>, method: &'static str) -> Result<Vec<f64>, EngineError> {
    let total: f64 = raw.iter().sum();
    if !(total > 0.0) || !total.is_finite() {
        return Err(EngineError::Parameter {
            name: method.into(),
            problem: "the weights are undefined: every criterion carries zero information".into(),
        });
    }
    Ok(raw.into_iter().map(|w| w / total).collect())
}

/// Equal weights summing to one.
pub fn equal(n: usize) -> Vec<f64> {
    vec![1.0 / n as f64; n]
}

/// Shannon entropy weights.
pub fn entropy(
    criteria: &[Criterion<'_>],
    convention: Convention,
) -> Result<Vec<f64>, EngineError> {
    let m = check_matrix("entropy weights", criteria)?;
    let mf = m as f64;
    let mut d = Vec::with_capacity(criteria.len());
    match convention {
        Convention::Pymcdm => {
            for c in criteria {
                if let Some(&v) = c.values.iter().find(|&&v| v <= 0.0) {
                    return Err(EngineError::OutOfDomain {
                        method: "entropy weights",
                        subject: c.name.into(),
                        value: v,
                        requirement: "strictly positive values (pymcdm convention)",
                    });
                }
                let total: f64 = c.values.iter().sum();
                let e: f64 = -c
                    .values
                    .iter()
                    .map(|v| {
                        let p = v / total;
                        p * p.ln()
                    })
                    .sum::<f64>()
                    / mf.ln();
                d.push(1.0 - e);
            }
            normalised(d, "entropy weights")
        }
        Convention::PyDecision => {
            for c in criteria {
                let p: Vec<f64> = match c.direction {
                    Direction::Benefit => {
                        let total: f64 = c.values.iter().sum();
                        c.values.iter().map(|v| (v / total).abs()).collect()
                    }
                    Direction::Cost => {
                        let total: f64 = c.values.iter().map(|v| 1.0 / (v + 1e-9)).sum();
                        c.values
                            .iter()
                            .map(|v| ((1.0 / (v + 1e-9)) / total).abs())
                            .collect()
                    }
                };
                let h_sum: f64 = p
                    .iter()
                    .filter(|&&x| x != 0.0)
                    .map(|x| x * (x + 1e-9).ln())
                    .sum();
                let h = h_sum * -(mf + 1e-9).ln().powi(-1);
                d.push(1.0 - h + 1e-9);
            }
            let total: f64 = d.iter().sum();
            Ok(d.into_iter().map(|x| x / total).collect())
        }
    }
}

/// CRITIC weights (Diakoulaki et al. 1995): `C_j = σ_j Σ_k (1 − r_jk)` on min-max scaled columns.
pub fn critic(criteria: &[Criterion<'_>], convention: Convention) -> Result<Vec<f64>, EngineError> {
    let m = check_matrix("CRITIC weights", criteria)?;
    let mut scaled: Vec<Vec<f64>> = Vec::with_capacity(criteria.len());
    for c in criteria {
        let (lo, hi) = stats::min_max(c.values).unwrap_or((0.0, 0.0));
        match convention {
            Convention::Pymcdm => {
                if hi == lo {
                    return Err(EngineError::Constant {
                        method: "CRITIC weights",
                        subject: c.name.into(),
                    });
                }
                scaled.push(c.values.iter().map(|v| (v - lo) / (hi - lo)).collect());
            }
            Convention::PyDecision => {
                let (best, worst) = match c.direction {
                    Direction::Benefit => (hi, lo),
                    Direction::Cost => (lo, hi),
                };
                scaled.push(
                    c.values
                        .iter()
                        .map(|v| (v - worst) / (best - worst + 1e-10))
                        .collect(),
                );
            }
        }
    }
    let n = criteria.len();
    let sds: Vec<f64> = scaled
        .iter()
        .map(|col| stats::sd(col).unwrap_or(0.0))
        .collect();
    let mut info = Vec::with_capacity(n);
    for j in 0..n {
        let mut conflict = 0.0;
        for k in 0..n {
            let r = if j == k {
                // np.corrcoef gives exactly 1 on the diagonal of a non-constant column
                // and NaN (turned into 0 by pyDecision) on a constant one.
                if sds[j] > 0.0 { 1.0 } else { 0.0 }
            } else {
                stats::pearson(&scaled[j], &scaled[k]).unwrap_or(0.0)
            };
            conflict += 1.0 - r;
        }
        info.push(sds[j] * conflict);
    }
    let _ = m;
    normalised(info, "CRITIC weights")
}

/// Standard-deviation weights: the sample standard deviation of each raw column, normalised
/// (pymcdm `standard_deviation_weights`).
pub fn standard_deviation(criteria: &[Criterion<'_>]) -> Result<Vec<f64>, EngineError> {
    check_matrix("standard-deviation weights", criteria)?;
    let sds = criteria
        .iter()
        .map(|c| stats::sd(c.values).unwrap_or(0.0))
        .collect();
    normalised(sds, "standard-deviation weights")
}

/// Variance weights: the sample variance of each min-max scaled column, normalised
/// (pymcdm `variance_weights`; a constant column scales to ones and gets weight zero).
pub fn variance(criteria: &[Criterion<'_>]) -> Result<Vec<f64>, EngineError> {
    check_matrix("variance weights", criteria)?;
    let vars = criteria
        .iter()
        .map(|c| {
            let (lo, hi) = stats::min_max(c.values).unwrap_or((0.0, 0.0));
            if hi == lo {
                return 0.0;
            }
            let scaled: Vec<f64> = c.values.iter().map(|v| (v - lo) / (hi - lo)).collect();
            stats::variance(&scaled).unwrap_or(0.0)
        })
        .collect();
    normalised(vars, "variance weights")
}

/// Table of random consistency indices for AHP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RandomIndex {
    /// Saaty's table (n = 3: 0.58, 4: 0.90, … 15: 1.59), as pyDecision uses.
    #[default]
    Saaty,
    /// Tummala & Ling 1998 (n = 3: 0.5799, 4: 0.8921, … 15: 1.5831), as pymcdm uses.
    TummalaLing,
}

impl RandomIndex {
    /// Parses `saaty` or `tummala-ling`.
    pub fn parse(text: &str) -> Option<RandomIndex> {
        match text.to_ascii_lowercase().as_str() {
            "saaty" => Some(RandomIndex::Saaty),
            "tummala-ling" | "tummala_ling" | "tummalaling" => Some(RandomIndex::TummalaLing),
            _ => None,
        }
    }

    /// The random index for an `n × n` matrix; `None` beyond 15.
    pub fn value(self, n: usize) -> Option<f64> {
        const SAATY: [f64; 15] = [
            0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
        ];
        const TUMMALA_LING: [f64; 15] = [
            0.0, 0.0, 0.5799, 0.8921, 1.1159, 1.2358, 1.3322, 1.3952, 1.4537, 1.4882, 1.5117,
            1.5356, 1.5571, 1.5714, 1.5831,
        ];
        let table = match self {
            RandomIndex::Saaty => &SAATY,
            RandomIndex::TummalaLing => &TUMMALA_LING,
        };
        n.checked_sub(1).and_then(|i| table.get(i)).copied()
    }
}

/// How AHP turns a pairwise matrix into weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum AhpMethod {
    /// Principal right eigenvector (Saaty; pymcdm, pyDecision `wd = "me"`).
    #[default]
    Eigenvector,
    /// Normalised row geometric means (pyDecision `wd = "g"`).
    GeometricMean,
    /// Mean of the column-normalised rows (pyDecision `wd = "m"`).
    ColumnMean,
}

/// Weights and consistency of a pairwise comparison matrix.
#[derive(Clone, Debug, PartialEq)]
pub struct AhpResult {
    /// Weights summing to one.
    pub weights: Vec<f64>,
    /// Principal eigenvalue (eigenvector method) or `mean((A w)_i / w_i)` (other methods).
    pub lambda_max: f64,
    /// Consistency index `(λmax − n)/(n − 1)`.
    pub ci: f64,
    /// Consistency ratio `CI / RI`; zero for n ≤ 2, where every reciprocal matrix is consistent.
    pub cr: f64,
}

/// Analytic hierarchy process on a positive reciprocal `n × n` matrix given by rows.
pub fn ahp(
    matrix: &[Vec<f64>],
    method: AhpMethod,
    random_index: RandomIndex,
) -> Result<AhpResult, EngineError> {
    let n = matrix.len();
    if n == 0 {
        return Err(EngineError::Pairwise {
            problem: "the matrix is empty".into(),
        });
    }
    for (i, row) in matrix.iter().enumerate() {
        if row.len() != n {
            return Err(EngineError::Pairwise {
                problem: format!("row {} has {} entries, expected {n}", i + 1, row.len()),
            });
        }
        for (j, &a) in row.iter().enumerate() {
            if !(a > 0.0) || !a.is_finite() {
                return Err(EngineError::Pairwise {
                    problem: format!(
                        "entry ({}, {}) is {a}; entries must be positive",
                        i + 1,
                        j + 1
                    ),
                });
            }
            if i == j && (a - 1.0).abs() > 1e-9 {
                return Err(EngineError::Pairwise {
                    problem: format!("diagonal entry ({}, {}) is {a}, not 1", i + 1, j + 1),
                });
            }
            let reciprocal = matrix[j][i];
            // Matrices are typed with rounded fractions (0.333 for 1/3), so reciprocity is
            // checked to three significant digits.
            if (a * reciprocal - 1.0).abs() > 2e-3 {
                return Err(EngineError::Pairwise {
                    problem: format!(
                        "entries ({}, {}) = {a} and ({}, {}) = {reciprocal} are not reciprocal",
                        i + 1,
                        j + 1,
                        j + 1,
                        i + 1
                    ),
                });
            }
        }
    }
    let (weights, lambda_max) = match method {
        AhpMethod::Eigenvector => principal_eigenvector(matrix),
        AhpMethod::GeometricMean => {
            let g: Vec<f64> = matrix
                .iter()
                .map(|row| row.iter().product::<f64>().powf(1.0 / n as f64))
                .collect();
            let total: f64 = g.iter().sum();
            let w: Vec<f64> = g.iter().map(|v| v / total).collect();
            let lambda = lambda_from_weights(matrix, &w);
            (w, lambda)
        }
        AhpMethod::ColumnMean => {
            let col_sums: Vec<f64> = (0..n).map(|j| matrix.iter().map(|r| r[j]).sum()).collect();
            let w: Vec<f64> = matrix
                .iter()
                .map(|row| row.iter().zip(&col_sums).map(|(a, s)| a / s).sum::<f64>() / n as f64)
                .collect();
            let lambda = lambda_from_weights(matrix, &w);
            (w, lambda)
        }
    };
    let (ci, cr) = if n <= 2 {
        (0.0, 0.0)
    } else {
        let ci = (lambda_max - n as f64) / (n as f64 - 1.0);
        let ri = random_index.value(n).ok_or_else(|| EngineError::Pairwise {
            problem: format!("no random index is tabulated for n = {n} (at most 15 criteria)"),
        })?;
        (ci, ci / ri)
    };
    Ok(AhpResult {
        weights,
        lambda_max,
        ci,
        cr,
    })
}

fn lambda_from_weights(matrix: &[Vec<f64>], w: &[f64]) -> f64 {
    let n = w.len();
    matrix
        .iter()
        .zip(w)
        .map(|(row, wi)| row.iter().zip(w).map(|(a, wj)| a * wj).sum::<f64>() / wi)
        .sum::<f64>()
        / n as f64
}

/// Perron vector of a positive matrix by power iteration.
///
/// Written by hand rather than with a linear-algebra crate because the matrices are at most
/// 15 × 15 and positive, so power iteration converges geometrically to the unique positive
/// eigenvector (Perron–Frobenius) and needs no general non-symmetric eigen solver.
fn principal_eigenvector(matrix: &[Vec<f64>]) -> (Vec<f64>, f64) {
    let n = matrix.len();
    let mut w = vec![1.0 / n as f64; n];
    let mut next = vec![0.0; n];
    let mut lambda = n as f64;
    for _ in 0..10_000 {
        for (i, row) in matrix.iter().enumerate() {
            next[i] = row.iter().zip(&w).map(|(a, x)| a * x).sum();
        }
        let total: f64 = next.iter().sum();
        // With w summing to one, Σ(A w) is the Rayleigh-type estimate of λmax.
        lambda = total;
        let mut change: f64 = 0.0;
        for i in 0..n {
            let v = next[i] / total;
            change = change.max((v - w[i]).abs());
            w[i] = v;
        }
        if change < 1e-16 {
            break;
        }
    }
    (w, lambda)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consistent_matrix_has_zero_cr() {
        let m = vec![
            vec![1.0, 2.0, 4.0],
            vec![0.5, 1.0, 2.0],
            vec![0.25, 0.5, 1.0],
        ];
        let r = ahp(&m, AhpMethod::Eigenvector, RandomIndex::Saaty).unwrap();
        assert!((r.weights[0] - 4.0 / 7.0).abs() < 1e-14);
        assert!(r.cr.abs() < 1e-12);
    }

    #[test]
    fn non_reciprocal_matrix_is_rejected() {
        let m = vec![vec![1.0, 3.0], vec![3.0, 1.0]];
        assert!(matches!(
            ahp(&m, AhpMethod::Eigenvector, RandomIndex::Saaty),
            Err(EngineError::Pairwise { .. })
        ));
    }

    #[test]
    fn entropy_pymcdm_rejects_zeros() {
        let c = [Criterion {
            name: "a",
            values: &[0.0, 1.0, 2.0],
            direction: Direction::Benefit,
        }];
        assert!(matches!(
            entropy(&c, Convention::Pymcdm),
            Err(EngineError::OutOfDomain { .. })
        ));
    }
}
