//! Validation of collected indicator values (in progress).
#![deny(missing_docs)]

pub mod catalogue;
pub mod check;
pub mod finding;
mod fxhash;
pub mod parse;

pub use catalogue::{CheckCatalogue, Frequency, IndicatorSpec, convert};
pub use check::{Context, check_values, missing_required};
pub use finding::{Finding, Report, Rule, Severity};
pub use parse::{
    BaseInfo, BaseLookup, ParseOutcome, ParsedValue, Scope, ValuePeriod, parse_long_form,
};
pub mod industry;
pub mod uscc;
