//! Ranking with a selectable tie rule.
//!
//! The peers disagree on ties: COINr ranks with `rank(-x, ties.method = "min")` (sport ranking,
//! 1, 2, 2, 4), pymcdm's `rrankdata` gives tied units the average of their positions (1, 2.5, 2.5, 4).
//! [`TieRule::Min`] is the default because published league tables use it.

use std::cmp::Ordering;

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
    let mut idx: Vec<usize> = Vec::with_capacity(scores.len());
    rank_into(scores, order, ties, &mut idx, &mut out);
    out
}

/// As [`rank`], writing into `out` and reusing `scratch`, for the Monte Carlo loops.
pub fn rank_into(
    scores: &[f64],
    order: Order,
    ties: TieRule,
    scratch: &mut Vec<usize>,
    out: &mut [f64],
) {
    debug_assert_eq!(scores.len(), out.len());
    scratch.clear();
    scratch.extend((0..scores.len()).filter(|&i| !scores[i].is_nan()));
    for (i, s) in scores.iter().enumerate() {
        if s.is_nan() {
            out[i] = f64::NAN;
        }
    }
    let cmp = |a: &usize, b: &usize| -> Ordering {
        let (x, y) = (scores[*a], scores[*b]);
        match order {
            Order::HighestFirst => y.partial_cmp(&x).unwrap_or(Ordering::Equal),
            Order::LowestFirst => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        }
    };
    scratch.sort_unstable_by(cmp);
    let n = scratch.len();
    let mut start = 0;
    while start < n {
        let mut end = start + 1;
        while end < n && scores[scratch[end]] == scores[scratch[start]] {
            end += 1;
        }
        let value = match ties {
            TieRule::Min => (start + 1) as f64,
            TieRule::Max => end as f64,
            TieRule::Average => (start + 1 + end) as f64 / 2.0,
        };
        for &i in &scratch[start..end] {
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
}
