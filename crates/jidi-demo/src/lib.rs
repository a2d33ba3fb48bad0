//! The demo programme: the 58 real bases of `data/bases.csv` (public facts, with sources) as facts, and a generated remainder
//! calibrated to the published figures, deterministically from a seed.
//!
//! What is generated (and flagged `synthetic`):
//! * 398 further national bases so that the ten batches hold 62, 66, 57, 40, 37, 36, 35, 51, 39
//!   and 33 bases (`data/batches.csv`; batches 4–7 are only known to total 148, split here), 11 of
//!   them withdrawn in 2018–2022 so that the 2022 roll is 445; the regional split 193 east, 91
//!   central, 122 west, 39 northeast with Jiangsu and Shandong at 30 each; 95 raw-materials bases.
//! * about 600 provincial bases and 300 cultivating clusters;
//! * annual indicator values from 2018 to the previous calendar year, calibrated to the published
//!   magnitudes (five-star bases average 3,500–4,800亿 revenue, 8.4 % margin, 3.5–4.8 % R&D,
//!   about 180 above-scale firms per base), and 60 months of monthly series to the last full month.
//!   Each base follows persistent paths (its own growth trend, autocorrelated shocks, slowly
//!   moving ratios), its months add up to its years, and parts stay below their totals, so that
//!   the data pass the collection checks of `jidi-collect` (`tests/checks.rs`) except for
//! * a handful of anomalies planted on purpose in the latest month of a few generated bases
//!   ([`planted_anomalies`]), for the monitoring and the checks to find;
//! * safety and environmental incidents (the evaluation's one-vote vetoes);
//! * at `scale` N > 1 (`jidi demo --scale N`), N−1 further copies of every generated base, named
//!   with the suffix `（合成 k）`, in the same province, prefecture, category and tier, with their
//!   own latent quality and therefore their own values. Every base's random stream depends only
//!   on its position, and copies come after the documented roll, so the first 1,356 bases and
//!   their values are the same at every scale.
//!
//! Fields of real bases that the sources leave empty (category, sub-type, series, batch, year) are
//! filled by the generator and listed field by field in the base's `generated_fields`, which the
//! pages mark value by value (the real name stays unmarked). Indicator values of real bases are synthetic, like
//! all values. Names of generated bases contain `模拟园区` so that no generated record can be taken
//! for a real park.
//!
//! Nothing in the product depends on this crate except the loader that writes its output
//! (`jidi_service::demo`): the domain and the store know only [`ProgrammeData`], the shape of any
//! bulk load.
#![deny(missing_docs)]

use std::collections::HashMap;

use jidi_domain::bulk::{BaseWithHistory, ProgrammeData};
use jidi_domain::reference::MacroRegion;
use jidi_domain::roll::Status;

mod anomalies;
mod calibration;
mod config;
mod incidents;
mod real;
mod rng;
mod roll;
mod values;

pub use anomalies::{AnomalyKind, PlantedAnomaly, planted_anomalies};
pub use calibration::{BATCHES, Batch, PROVINCE_QUOTA};
pub use config::DemoConfig;
pub use real::{BASES_CSV, RealBase, real_bases};

/// Everything the demo generates: a programme ready for a bulk load.
pub type DemoData = ProgrammeData;

/// Generates the demo programme.
pub fn generate(config: &DemoConfig) -> DemoData {
    let mut bases = roll::generate_roll(config);
    roll::replicate(config, &mut bases);
    let incidents = incidents::generate_incidents(config, &bases);
    let annual = values::generate_annual(config, &bases, &incidents);
    let planted = anomalies::plant(config, bases.iter().map(|b| &b.draft));
    let monthly = values::generate_monthly(config, &bases, &annual.truth, &planted);
    DemoData {
        bases: bases
            .into_iter()
            .map(|b| BaseWithHistory {
                draft: b.draft,
                history: b.history,
            })
            .collect(),
        annual: annual.series,
        monthly,
        incidents,
    }
}

/// Regions of the current national roll, for checks.
pub fn region_counts(bases: &[BaseWithHistory]) -> HashMap<MacroRegion, usize> {
    let mut counts = HashMap::new();
    for b in bases {
        if b.draft.tier.is_national()
            && b.draft.status == Status::Current
            && let Some(r) = MacroRegion::of_province(&b.draft.province_code)
        {
            *counts.entry(r).or_insert(0) += 1;
        }
    }
    counts
}
