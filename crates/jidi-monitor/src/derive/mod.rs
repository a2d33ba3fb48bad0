//! The statistical conventions of monthly figures: single months from 1–N月 cumulative reports
//! ([`cumulative`]), growth rates and shares ([`growth`]), money units and presentation rounding
//! ([`units`]), and group series from many bases ([`aggregate`]).
//!
//! Values are exact `f64`s; a figure that cannot be computed is an `Err(`[`growth::Undefined`]`)`
//! with its reason, never `NaN`. Input values that are not finite count as missing.

pub mod aggregate;
pub mod cumulative;
pub mod growth;
pub mod units;
