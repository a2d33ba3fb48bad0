//! The crate's error type and the non-fatal diagnostics returned beside a forecast.

use std::fmt;

/// Why a series could not be forecast.
///
/// Every variant names the series so that a caller forecasting thousands of them can point at the
/// one to fix.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The series has no observation.
    #[error("series {series:?}: no observation")]
    Empty {
        /// The series.
        series: String,
    },
    /// An observation is missing (`NaN`) or infinite. Gaps are not interpolated: the caller knows
    /// the calendar and should name the missing period (the CLI does).
    #[error("series {series:?}: observation {index} (0-based) is missing or not finite")]
    MissingValue {
        /// The series.
        series: String,
        /// The 0-based position of the first bad observation.
        index: usize,
    },
    /// The season length is zero.
    #[error("series {series:?}: the season length must be at least 1, got {season_length}")]
    BadSeasonLength {
        /// The series.
        series: String,
        /// The season length given.
        season_length: usize,
    },
    /// The configuration is unusable (horizon 0, level outside (0, 1)).
    #[error("configuration: {problem}")]
    BadConfig {
        /// What is wrong.
        problem: String,
    },
}

/// A fallback or adjustment made while forecasting one series. The forecast is still valid; the
/// diagnostic says that it is not the model that was asked for, or why its interval is special.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Diagnostic {
    /// Every observation is equal: the forecast is that value with a zero-width interval.
    Constant,
    /// Fewer than three observations: the forecast is their mean.
    VeryShort {
        /// Number of observations.
        n: usize,
    },
    /// Fewer than two full seasons (or too few points for any seasonal ETS): only non-seasonal
    /// models were considered.
    TooShortForSeason {
        /// Number of observations.
        n: usize,
        /// Observations a seasonal model needs.
        needed: usize,
    },
    /// Zero or negative observations: multiplicative models and the multiplicative decomposition
    /// were left out (additive ones only).
    NonPositive,
    /// A component model failed and the named replacement was used.
    ModelFailed {
        /// The model that failed.
        model: String,
        /// What was used instead.
        replacement: String,
    },
    /// No interval can be estimated (one observation); the bounds are `NaN`.
    NoInterval,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Diagnostic::Constant => {
                write!(f, "constant series: flat forecast, zero-width interval")
            }
            Diagnostic::VeryShort { n } => {
                write!(f, "only {n} observation(s): forecast is their mean")
            }
            Diagnostic::TooShortForSeason { n, needed } => write!(
                f,
                "{n} observations, a seasonal model needs {needed}: non-seasonal models only"
            ),
            Diagnostic::NonPositive => write!(
                f,
                "zero or negative values: additive models and decomposition only"
            ),
            Diagnostic::ModelFailed { model, replacement } => {
                write!(f, "{model} could not be fitted: {replacement} used instead")
            }
            Diagnostic::NoInterval => write!(f, "no interval can be estimated"),
        }
    }
}
