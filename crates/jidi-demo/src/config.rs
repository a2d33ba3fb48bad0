//! The generator's settings.

use chrono::{Datelike, NaiveDate};

/// Generator settings.
#[derive(Clone, Debug)]
pub struct DemoConfig {
    /// Seed of every random draw.
    pub seed: u64,
    /// "Today": annual data end with the previous calendar year, monthly data with the previous month.
    pub today: NaiveDate,
    /// First year of annual data (2018, so that the published 2018–2022 evaluations can be replayed).
    pub first_year: i32,
    /// Number of monthly periods.
    pub months: usize,
    /// Number of provincial bases.
    pub provincial: usize,
    /// Number of cultivating clusters.
    pub cultivating: usize,
    /// How many times the generated roll is present (1 to [`DemoConfig::MAX_SCALE`]): copies
    /// `2..=scale` of every synthetic base, each with its own values, for benchmarks and for
    /// trying jidi at size. The real bases appear once whatever the scale.
    pub scale: usize,
}

impl DemoConfig {
    /// The documented demo: seed 2026, 600 provincial bases, 300 cultivating clusters, 60 months.
    pub fn standard(today: NaiveDate) -> DemoConfig {
        DemoConfig {
            seed: 2026,
            today,
            first_year: 2018,
            months: 60,
            provincial: 600,
            cultivating: 300,
            scale: 1,
        }
    }

    /// The largest scale accepted: 100 copies are about 135,000 bases and 70 million monthly
    /// values, already more than a benchmark needs; beyond that a typo would fill the disk.
    pub const MAX_SCALE: usize = 100;

    /// Checks `scale` against `1..=MAX_SCALE`, naming the rule when it fails.
    pub fn check_scale(scale: usize) -> Result<usize, String> {
        if (1..=Self::MAX_SCALE).contains(&scale) {
            Ok(scale)
        } else {
            Err(format!(
                "scale must be between 1 and {} (got {scale}): 1 is the documented demo, N adds N-1 synthetic copies of each generated base",
                Self::MAX_SCALE
            ))
        }
    }

    /// Last year of annual data.
    pub fn last_year(&self) -> i32 {
        self.today.year() - 1
    }
}

/// A valid calendar date (the generator only builds valid ones).
pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}
