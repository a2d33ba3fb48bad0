//! Composite indicators and multi-criteria decision methods for jidi's evaluations.
//!
//! # Brief overview
//!
//! A [`structure::Structure`] is the hierarchy indicators → aggregates → index. A
//! [`pipeline::Dataset`] holds the units and their columns. [`pipeline::run`] takes both and a
//! [`pipeline::PipelineConfig`] and runs COINr's sequence — denominate, impute, screen, treat
//! ([`treat`]), normalise ([`normalise`]), weight ([`weights`]), aggregate ([`aggregate`]) — and
//! ranks ([`rank`]) the units. [`stars::StarRule`] turns scores into one to five stars within peer
//! groups. [`uncertainty::analyse`] re-runs the index under perturbed assumptions for rank
//! intervals and star probabilities, and [`sensitivity`] attributes the rank variance to each
//! assumption.
//!
//! The crate does no I/O, no async and no logging, reads no clock and uses no global random
//! generator: randomness comes from seeds in the configuration, so the same input always gives the
//! same output.
//!
//! Missing values are `NaN`. Where the reference tools (COINr 1.1.14, pymcdm 1.4.0, pyDecision
//! 5.1.8) disagree, the behaviour is a named option; each module's documentation lists them.
//!
//! ```
//! use jidi_engine::normalise::Direction;
//! use jidi_engine::pipeline::{self, Dataset, PipelineConfig};
//! use jidi_engine::structure::{NodeSpec, Structure};
//!
//! let structure = Structure::new(vec![
//!     NodeSpec::indicator("revenue", "Index", Direction::Benefit),
//!     NodeSpec::indicator("energy", "Index", Direction::Cost),
//!     NodeSpec::aggregate("Index", None, 2),
//! ])?;
//! let mut data = Dataset::new(vec!["A".into(), "B".into(), "C".into()]);
//! data.insert_numeric("revenue", vec![100.0, 300.0, 200.0])?;
//! data.insert_numeric("energy", vec![0.5, 0.9, 0.6])?;
//! let result = pipeline::run(&structure, &PipelineConfig::default(), &data)?;
//! // Min-max onto [0, 100] (energy reversed), then the equally weighted mean:
//! // A = (0 + 100)/2, B = (100 + 0)/2, C = (50 + 75)/2.
//! assert!((result.index()[2] - 62.5).abs() < 1e-9);
//! assert_eq!(result.rank, vec![2.0, 2.0, 1.0]);
//! # Ok::<(), jidi_engine::error::EngineError>(())
//! ```
#![deny(missing_docs)]

pub mod aggregate;
pub mod error;
pub mod impute;
pub mod normalise;
pub mod pipeline;
pub mod rank;
pub mod scenario;
pub mod sensitivity;
pub mod stars;
pub mod stats;
pub mod structure;
pub mod treat;
pub mod uncertainty;
pub mod weights;
pub mod whatif;

pub use error::{Diagnostic, EngineError, Severity};
