//! Monthly monitoring and early warning for the demonstration bases (in progress).
#![deny(missing_docs)]

pub mod carbon;
pub mod derive;
pub mod period;
pub mod warning;
