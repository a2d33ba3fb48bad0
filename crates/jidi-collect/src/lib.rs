#![doc = include_str!("../README.md")]
//!
//! ## Modules
//!
//! * [`finding`]: [`Rule`], [`Severity`], [`Finding`], [`Report`].
//! * [`catalogue`]: [`IndicatorSpec`], [`CheckCatalogue`], [`convert`].
//! * [`parse`]: [`parse_long_form`], [`ValuePeriod`], [`ParsedValue`], [`Scope`], [`BaseLookup`].
//! * [`check`]: [`Context`], [`check_values`], [`missing_required`].
//! * [`formula`]: [`formula::Formula`], the arithmetic of derived indicators.
//! * [`managed`]: [`ManagedCatalogue`], the whole catalogue as the ministry edits it.
//! * [`uscc`]: unified social credit codes (GB 32100-2015).
//! * [`industry`]: industry codes (GB/T 4754-2017).
#![deny(missing_docs)]

pub mod catalogue;
pub mod check;
pub mod finding;
pub mod formula;
mod fxhash;
pub mod industry;
pub mod managed;
pub mod parse;
pub mod uscc;

pub use catalogue::{CheckCatalogue, Frequency, IndicatorSpec, convert};
pub use check::{Context, check_values, missing_required};
pub use finding::{Finding, Report, Rule, Severity};
pub use managed::{CatalogueEntry, ManagedCatalogue, Status};
pub use parse::{
    BaseInfo, BaseLookup, ParseOutcome, ParsedValue, Scope, ValuePeriod, parse_long_form,
};
