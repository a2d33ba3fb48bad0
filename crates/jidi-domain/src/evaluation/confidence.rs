//! What a result's uncertainty means in words: how firmly a base holds its star.

use serde::{Deserialize, Serialize};

/// A star is borderline when another rating comes up in at least a third of the replications of
/// the published method's weights and data: small changes in either would change it.
pub const BORDERLINE_BELOW: f64 = 2.0 / 3.0;

/// How firmly a base holds its awarded star.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct StarConfidence {
    /// The awarded rating (after vetoes).
    pub stars: u8,
    /// The share of replications that award it.
    pub probability: f64,
    /// Whether the rating is borderline (probability below [`BORDERLINE_BELOW`]).
    pub borderline: bool,
    /// The likeliest other rating and its probability, when any replication gave one.
    pub alternative: Option<(u8, f64)>,
}

/// The confidence of an awarded rating given the probabilities of one to five stars.
pub fn star_confidence(stars: u8, probabilities: &[f64; 5]) -> StarConfidence {
    let index = usize::from(stars.clamp(1, 5) - 1);
    let probability = probabilities[index];
    let alternative = (0..5)
        .filter(|&k| k != index && probabilities[k] > 0.0)
        .max_by(|&a, &b| {
            probabilities[a]
                .total_cmp(&probabilities[b])
                .then(b.cmp(&a))
        })
        .map(|k| (k as u8 + 1, probabilities[k]));
    StarConfidence {
        stars,
        probability,
        borderline: probability < BORDERLINE_BELOW,
        alternative,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_firm_star_and_a_borderline_one() {
        let firm = star_confidence(4, &[0.0, 0.0, 0.05, 0.95, 0.0]);
        assert!(!firm.borderline);
        assert_eq!(firm.alternative, Some((3, 0.05)));
        let edge = star_confidence(4, &[0.0, 0.0, 0.45, 0.55, 0.0]);
        assert!(edge.borderline);
        assert_eq!(edge.alternative, Some((3, 0.45)));
        let sure = star_confidence(5, &[0.0, 0.0, 0.0, 0.0, 1.0]);
        assert_eq!(sure.alternative, None);
        assert!(!sure.borderline);
    }
}
