//! Green and safe (C6): energy by fuel → standard coal and CO₂ with configurable emission
//! factors ([`factors`], shipped defaults with their sources in `data/emission_factors.csv`),
//! intensities per 万元 of value added ([`footprint`]), and progress against intensity targets
//! ([`target`]).

pub mod error;
pub mod factors;
pub mod footprint;
pub mod fuel;
pub mod indicators;
pub mod target;
