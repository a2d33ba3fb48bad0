//! jidi's domain: the roll of bases, reference data, the indicator catalogue, access rules,
//! incidents, the programme's eligibility rules, evaluation schemes, the yearly evaluation and the
//! rules of dynamic management. The demo generator is a separate crate (`jidi-demo`) that nothing
//! here depends on.
//!
//! Pure: no I/O, no async, no database or HTTP types. Dates come in as arguments; randomness from
//! seeds. Storage and the web layer convert to and from these types.
#![deny(missing_docs)]

pub mod access;
pub mod bulk;
pub mod catalogue;
pub mod evaluation;
pub mod import;
pub mod incident;
pub mod national;
pub mod parse;
pub mod pinyin_key;
pub mod programme;
pub mod reference;
pub mod roll;
pub mod rules;
pub mod scheme;

pub use jidi_engine as engine;
