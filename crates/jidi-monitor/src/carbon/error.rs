//! The error of the carbon accounting functions.

use crate::carbon::fuel::Fuel;

/// Why energy, factors or a target cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CarbonError {
    /// A quantity of energy is negative or not finite.
    #[error("{fuel} quantity {value} is not a finite, non-negative number")]
    BadQuantity {
        /// The fuel.
        fuel: Fuel,
        /// The offending quantity.
        value: f64,
    },
    /// No emission factor is configured for a fuel.
    #[error("no emission factor for {fuel}")]
    MissingFactor {
        /// The fuel.
        fuel: Fuel,
    },
    /// A factor is unusable.
    #[error("emission factor `{code}`: {problem}")]
    BadFactor {
        /// The factor's code.
        code: String,
        /// What is wrong, with the value.
        problem: String,
    },
    /// A target or the current value is unusable.
    #[error("target: {problem}")]
    BadTarget {
        /// What is wrong, with the value.
        problem: String,
    },
}
