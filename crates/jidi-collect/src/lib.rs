//! Validation of collected indicator values (in progress).
#![deny(missing_docs)]

pub mod catalogue;
pub mod finding;

pub use catalogue::{CheckCatalogue, Frequency, IndicatorSpec, convert};
pub use finding::{Finding, Report, Rule, Severity};
