//! Anomalies planted on purpose in the latest month, so that the monitoring and the collection
//! checks have something real to find in a demo whose series are otherwise plausible.
//!
//! Only generated bases carry them (never one of the real bases, whose names are public), and
//! only in the last month of the monthly series, so that each one shows as exactly one jump per
//! affected indicator (against the previous month and the same month of last year).

use jidi_domain::bulk::BaseWithHistory;
use jidi_domain::roll::{BaseDraft, Status};

use crate::calibration::economics;
use crate::config::DemoConfig;
use crate::rng::Rng;

/// What kind of anomaly was planted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnomalyKind {
    /// Production stopped for most of the month (maintenance, power rationing): every flow of
    /// the month is 40 % of what it would have been.
    Shutdown,
    /// A large export order delivered in one month: export delivery value 1.9 times its level.
    ExportSurge,
    /// The debt ratio jumps by 30 % of its level at the month's end.
    LeverageSpike,
}

/// One planted anomaly.
#[derive(Clone, Debug, PartialEq)]
pub struct PlantedAnomaly {
    /// The base, as an index into [`crate::DemoData`]'s `bases`.
    pub base: usize,
    /// The month, `YYYYMM`.
    pub period: i32,
    /// What happened.
    pub kind: AnomalyKind,
    /// The monthly indicators whose values are off, each of which the `jump` check flags.
    pub indicators: &'static [&'static str],
    /// What happened, in Chinese, marked as simulated.
    pub note: &'static str,
}

const SHUTDOWN: &[&str] = &[
    "m_output_gross",
    "m_sales_output",
    "m_rev",
    "m_cost",
    "m_export_delivery",
    "m_elec",
    "m_energy",
    "m_coal",
    "m_oil",
    "m_gas",
    "m_heat",
    "m_tax",
];

/// The anomalies the generator plants in `bases` (the programme generated with `config`).
pub fn planted_anomalies(config: &DemoConfig, bases: &[BaseWithHistory]) -> Vec<PlantedAnomaly> {
    plant(config, bases.iter().map(|b| &b.draft))
}

/// The last full month before `config.today`, `YYYYMM`.
pub(crate) fn last_month(config: &DemoConfig) -> i32 {
    use chrono::Datelike;
    let (y, m) = (config.today.year(), config.today.month() as i32);
    if m == 1 {
        (y - 1) * 100 + 12
    } else {
        y * 100 + m - 1
    }
}

pub(crate) fn plant<'a>(
    config: &DemoConfig,
    drafts: impl Iterator<Item = &'a BaseDraft>,
) -> Vec<PlantedAnomaly> {
    if config.months == 0 {
        return Vec::new();
    }
    let period = last_month(config);
    // Only in the documented roll, before the copies of a scaled demo (which follow it), so that
    // every scale holds the same seven anomalies.
    let drafts: Vec<&BaseDraft> = drafts.collect();
    let n_synthetic = drafts.iter().filter(|d| d.synthetic).count();
    let n_first = drafts.len() - n_synthetic + n_synthetic / config.scale.max(1);
    let mut eligible: Vec<(usize, bool)> = drafts[..n_first]
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, d)| d.synthetic && d.tier.is_national() && d.status == Status::Current)
        .map(|(i, d)| {
            // Export surges only where exports are a small share, so that the month's exports
            // stay well below its sales.
            let low_export = economics(d.subcategory_code.as_deref().unwrap_or(""))[6] <= 12.0;
            (i, low_export)
        })
        .collect();
    let mut rng = Rng::new(config.seed, 900_000);
    rng.shuffle(&mut eligible);
    let mut out = Vec::new();
    let mut take = |kind: AnomalyKind, n: usize, needs_low_export: bool, out: &mut Vec<_>| {
        let mut taken = 0;
        eligible.retain(|&(base, low_export)| {
            if taken < n && (low_export || !needs_low_export) {
                taken += 1;
                out.push(PlantedAnomaly {
                    base,
                    period,
                    kind,
                    indicators: match kind {
                        AnomalyKind::Shutdown => SHUTDOWN,
                        AnomalyKind::ExportSurge => &["m_export_delivery"],
                        AnomalyKind::LeverageSpike => &["m_asset_liab"],
                    },
                    note: match kind {
                        AnomalyKind::Shutdown => {
                            "模拟异常：当月主要企业停产检修，产值、营收、用电等当月值约为正常水平的四成"
                        }
                        AnomalyKind::ExportSurge => {
                            "模拟异常：当月集中交付大额出口订单，出口交货值约为正常水平的1.9倍"
                        }
                        AnomalyKind::LeverageSpike => {
                            "模拟异常：月末集中举债，资产负债率较正常水平上升约三成"
                        }
                    },
                });
                false
            } else {
                true
            }
        });
    };
    take(AnomalyKind::Shutdown, 3, false, &mut out);
    take(AnomalyKind::ExportSurge, 2, true, &mut out);
    take(AnomalyKind::LeverageSpike, 2, false, &mut out);
    out.sort_by_key(|a| a.base);
    out
}
