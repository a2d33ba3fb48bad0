//! Monthly monitoring and early warning for the demonstration bases (stub).
#![deny(missing_docs)]

pub mod derive;
pub mod period;
