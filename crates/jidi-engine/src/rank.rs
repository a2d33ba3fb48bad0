//! Ranking with a selectable tie rule.
//!
//! The peers disagree on ties: COINr ranks with `rank(-x, ties.method = "min")` (sport ranking,
//! 1, 2, 2, 4), pymcdm's `rrankdata` gives tied units the average of their positions (1, 2.5, 2.5, 4).
//! [`TieRule::Min`] is the default because published league tables use it.

/// How tied scores share ranks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TieRule {
    /// Tied units all get the best of their positions (COINr, R `ties.method = "min"`).
    #[default]
    Min,
    /// Tied units get the mean of their positions (pymcdm `rrankdata`, R `"average"`).
    Average,
    /// Tied units all get the worst of their positions (R `"max"`).
    Max,
}

impl TieRule {
    /// Parses `min`, `average` or `max`.
    pub fn parse(text: &str) -> Option<TieRule> {
        match text {
            "min" => Some(TieRule::Min),
            "average" | "mean" => Some(TieRule::Average),
            "max" => Some(TieRule::Max),
            _ => None,
        }
    }

    /// The name [`TieRule::parse`] accepts.
    pub fn name(self) -> &'static str {
        match self {
            TieRule::Min => "min",
            TieRule::Average => "average",
            TieRule::Max => "max",
        }
    }
}

/// Which end of the scale is rank 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// The highest score is rank 1 (composite indices, TOPSIS closeness).
    HighestFirst,
    /// The lowest score is rank 1 (VIKOR's Q, costs).
    LowestFirst,
}

/// Ranks `scores`; missing scores (`NaN`) get a missing rank (`NaN`) and do not take a position.
pub fn rank(scores: &[f64], order: Order, ties: TieRule) -> Vec<f64> {
    let mut out = vec![f64::NAN; scores.len()];
    let mut scratch = Vec::with_capacity(scores.len());
    rank_into(scores, order, ties, &mut scratch, &mut out);
    out
}

/// A key whose unsigned order is `x`'s order, with `-0.0` and `0.0` equal (as `==` has them).
/// Sorting keys beside positions, rather than positions through a comparison that looks each
/// score up, keeps the Monte Carlo loops' sorts in cache: ranks depend only on which scores are
/// equal and which are greater, so any sort of the keys gives the same ranks.
fn order_key(x: f64) -> u64 {
    let bits = (x + 0.0).to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// As [`rank`], writing into `out` and reusing `scratch`, for the Monte Carlo loops.
pub fn rank_into(
    scores: &[f64],
    order: Order,
    ties: TieRule,
    scratch: &mut Vec<(u64, usize)>,
    out: &mut [f64],
) {
    debug_assert_eq!(scores.len(), out.len());
    scratch.clear();
    for (i, &s) in scores.iter().enumerate() {
        if s.is_nan() {
            out[i] = f64::NAN;
        } else {
            let key = order_key(s);
            scratch.push((
                match order {
                    Order::HighestFirst => !key,
                    Order::LowestFirst => key,
                },
                i,
            ));
        }
    }
    scratch.sort_unstable();
    let n = scratch.len();
    let mut start = 0;
    while start < n {
        let mut end = start + 1;
        while end < n && scratch[end].0 == scratch[start].0 {
            end += 1;
        }
        let value = match ties {
            TieRule::Min => (start + 1) as f64,
            TieRule::Max => end as f64,
            TieRule::Average => (start + 1 + end) as f64 / 2.0,
        };
        for &(_, i) in &scratch[start..end] {
            out[i] = value;
        }
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tie_rules_follow_r() {
        // R: rank(-c(3, 5, 5, 1), ties.method = "min"/"average"/"max")
        let s = [3.0, 5.0, 5.0, 1.0];
        assert_eq!(
            rank(&s, Order::HighestFirst, TieRule::Min),
            [3.0, 1.0, 1.0, 4.0]
        );
        assert_eq!(
            rank(&s, Order::HighestFirst, TieRule::Average),
            [3.0, 1.5, 1.5, 4.0]
        );
        assert_eq!(
            rank(&s, Order::HighestFirst, TieRule::Max),
            [3.0, 2.0, 2.0, 4.0]
        );
        assert_eq!(
            rank(&s, Order::LowestFirst, TieRule::Min),
            [2.0, 3.0, 3.0, 1.0]
        );
    }

    #[test]
    fn missing_scores_have_no_rank() {
        let r = rank(&[1.0, f64::NAN, 2.0], Order::HighestFirst, TieRule::Min);
        assert_eq!(r[0], 2.0);
        assert!(r[1].is_nan());
        assert_eq!(r[2], 1.0);
    }

    /// The definition: a unit's rank counts the scores better than its own (and, for the tie
    /// rules, the equal ones), compared as `f64`.
    fn rank_by_counting(scores: &[f64], order: Order, ties: TieRule) -> Vec<f64> {
        scores
            .iter()
            .map(|&x| {
                if x.is_nan() {
                    return f64::NAN;
                }
                let better = scores
                    .iter()
                    .filter(|&&y| match order {
                        Order::HighestFirst => y > x,
                        Order::LowestFirst => y < x,
                    })
                    .count() as f64;
                let equal = scores.iter().filter(|&&y| y == x).count() as f64;
                match ties {
                    TieRule::Min => better + 1.0,
                    TieRule::Max => better + equal,
                    TieRule::Average => better + (1.0 + equal) / 2.0,
                }
            })
            .collect()
    }

    #[test]
    fn keys_rank_as_the_comparisons_do() {
        let specials = [
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            1e-310,
            -1e-310,
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for n in [0usize, 1, 2, 7, 64, 300] {
            for _ in 0..20 {
                let scores: Vec<f64> = (0..n)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        match state % 10 {
                            0 => specials[(state >> 8) as usize % specials.len()],
                            // Few distinct values, so that ties are common.
                            1..=4 => ((state >> 8) % 5) as f64 - 2.0,
                            _ => (state >> 11) as f64 / (1u64 << 53) as f64 * 200.0 - 100.0,
                        }
                    })
                    .collect();
                for order in [Order::HighestFirst, Order::LowestFirst] {
                    for ties in [TieRule::Min, TieRule::Max, TieRule::Average] {
                        let got = rank(&scores, order, ties);
                        let want = rank_by_counting(&scores, order, ties);
                        for (g, w) in got.iter().zip(&want) {
                            assert!(g == w || (g.is_nan() && w.is_nan()), "{scores:?}");
                        }
                    }
                }
            }
        }
    }
}
