//! jidi's domain: the roll of bases, reference data, the indicator catalogue, access rules, the
//! demo programme, evaluation schemes and the rules of dynamic management.
//!
//! Pure: no I/O, no async, no database or HTTP types. Dates come in as arguments; randomness from
//! seeds. Storage and the web layer convert to and from these types.
#![deny(missing_docs)]

pub mod access;
pub mod catalogue;
pub mod demo;
pub mod evaluation;
pub mod import;
pub mod reference;
pub mod roll;
pub mod rules;
pub mod scheme;

pub use jidi_engine as engine;
