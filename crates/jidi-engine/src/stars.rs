//! Star ratings (1–5) from scores, within peer groups.

use crate::error::EngineError;
use crate::rank::{self, Order, TieRule};

/// The stars of a within-group rank (ties by the minimum) given cumulative places
/// `[5★, ≥4★, ≥3★, ≥2★, all]`: five stars up to the first cut-off, four up to the second, and so on.
pub fn from_cutoffs(rank: f64, cutoffs: &[usize; 5]) -> u8 {
    let level = cutoffs.iter().position(|&c| rank <= c as f64).unwrap_or(4);
    5 - level as u8
}

/// How scores become stars.
#[derive(Clone, Debug, PartialEq)]
pub enum StarRule {
    /// Shares of each star level within a peer group, best first: `[five, four, three, two, one]`.
    ///
    /// A unit with within-group rank `r` (ties by the minimum) among `n` units gets five stars when
    /// `r ≤ round(n · s5)`, four when `r ≤ round(n · (s5 + s4))`, and so on; units beyond the
    /// cumulative shares get one star. Rounding is half away from zero. Tied units share a star.
    Shares([f64; 5]),
    /// Minimum scores for five, four, three and two stars, best first; below the last, one star.
    Thresholds([f64; 4]),
}

impl StarRule {
    /// Shares close to the published 2021 outcome (6.7 % five stars, 58 % four stars): 7 %, 58 %,
    /// 27 %, 6 %, 2 %.
    pub const PUBLISHED_2021: StarRule = StarRule::Shares([0.07, 0.58, 0.27, 0.06, 0.02]);

    /// Checks the parameters.
    pub fn validate(&self) -> Result<(), EngineError> {
        match self {
            StarRule::Shares(s) => {
                if s.iter().any(|v| !(0.0..=1.0).contains(v)) {
                    return Err(EngineError::Parameter {
                        name: "star shares".into(),
                        problem: "each share must lie within [0, 1]".into(),
                    });
                }
                let total: f64 = s.iter().sum();
                if (total - 1.0).abs() > 1e-6 {
                    return Err(EngineError::Parameter {
                        name: "star shares".into(),
                        problem: format!("shares sum to {total}, not 1"),
                    });
                }
                Ok(())
            }
            StarRule::Thresholds(t) => {
                if t.windows(2).any(|w| !(w[0] >= w[1])) || t.iter().any(|v| !v.is_finite()) {
                    return Err(EngineError::Parameter {
                        name: "star thresholds".into(),
                        problem:
                            "thresholds must be finite and non-increasing from five to two stars"
                                .into(),
                    });
                }
                Ok(())
            }
        }
    }

    /// Stars for one peer group's scores; a missing score gets no star (`None`).
    pub fn assign(&self, scores: &[f64]) -> Vec<Option<u8>> {
        match self {
            StarRule::Shares(_) => {
                let ranks = rank::rank(scores, Order::HighestFirst, TieRule::Min);
                self.assign_from_ranks(&ranks)
            }
            StarRule::Thresholds(t) => scores
                .iter()
                .map(|&s| {
                    if s.is_nan() {
                        return None;
                    }
                    // Thresholds are non-increasing, so the ones a score meets form a suffix.
                    let met = t.iter().filter(|&&min| s >= min).count();
                    Some(1 + met as u8)
                })
                .collect(),
        }
    }

    /// Stars from within-group ranks (ties by the minimum), for the share rule. Under the threshold
    /// rule the ranks carry no information; use [`StarRule::assign`].
    pub fn assign_from_ranks(&self, ranks: &[f64]) -> Vec<Option<u8>> {
        let StarRule::Shares(shares) = self else {
            return vec![None; ranks.len()];
        };
        let n = ranks.iter().filter(|r| !r.is_nan()).count();
        let cutoffs = share_cutoffs(shares, n);
        ranks
            .iter()
            .map(|&r| {
                if r.is_nan() {
                    return None;
                }
                let level = cutoffs.iter().position(|&c| r <= c as f64).unwrap_or(4);
                Some(5 - level as u8)
            })
            .collect()
    }
}

/// Cumulative rank cut-offs for five, four, three, two and one star in a group of `n`.
pub fn share_cutoffs(shares: &[f64; 5], n: usize) -> [usize; 5] {
    let mut cumulative = 0.0;
    let mut out = [0usize; 5];
    for (k, s) in shares.iter().enumerate() {
        cumulative += s;
        out[k] = (n as f64 * cumulative).round() as usize;
    }
    out[4] = n;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_give_published_proportions() {
        let scores: Vec<f64> = (0..100).map(|i| i as f64).collect();
        let stars = StarRule::PUBLISHED_2021.assign(&scores);
        let count = |k: u8| stars.iter().filter(|s| **s == Some(k)).count();
        assert_eq!(
            (count(5), count(4), count(3), count(2), count(1)),
            (7, 58, 27, 6, 2)
        );
    }

    #[test]
    fn thresholds_are_inclusive() {
        let rule = StarRule::Thresholds([90.0, 80.0, 70.0, 60.0]);
        assert_eq!(
            rule.assign(&[95.0, 90.0, 79.9, 60.0, 10.0, f64::NAN]),
            vec![Some(5), Some(5), Some(3), Some(2), Some(1), None]
        );
    }

    #[test]
    fn tied_units_share_a_star() {
        let stars = StarRule::Shares([0.2, 0.2, 0.2, 0.2, 0.2]).assign(&[5.0, 5.0, 3.0, 2.0, 1.0]);
        assert_eq!(stars, vec![Some(5), Some(5), Some(3), Some(2), Some(1)]);
    }
}
