//! Monthly monitoring and early warning for the demonstration bases: periods ([`period`]), derived
//! series ([`mod@derive`]), graded warnings ([`warning`]) and energy and carbon accounting ([`carbon`]).
//! Pure computation; the store, the web and the CLI feed it plain data.
#![deny(missing_docs)]

pub mod carbon;
pub mod derive;
pub mod period;
pub mod warning;
