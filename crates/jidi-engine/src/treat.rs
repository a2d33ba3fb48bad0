//! Outlier treatment as COINr 1.1 does it (`Treat()` with its defaults).
//!
//! An indicator *passes* when `|skew| < skew_threshold` **or** `kurtosis < kurtosis_threshold`
//! (COINr's `check_SkewKurt`). One that fails is winsorised: the most extreme value(s) on the side of
//! the skew are replaced by the next value inward, one step at a time, until it passes or `winmax`
//! points have been changed. If it still fails, the winsorisation is discarded and COINr's log
//! transform `ln(x - min + 0.01 (max - min))` is applied to the *original* values instead.
//! An indicator whose skew or kurtosis is undefined (fewer than four values, or all equal) is left
//! untreated, as COINr does when its check returns `NA`.

use crate::stats;

/// Parameters of the skew/kurtosis check and of winsorisation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WinsoriseConfig {
    /// Maximum number of points to winsorise; `None` for no limit. COINr's default is 5.
    pub winmax: Option<usize>,
    /// Absolute skewness at or above which an indicator may fail. COINr's default is 2.
    pub skew_threshold: f64,
    /// Kurtosis at or above which an indicator may fail. COINr's default is 3.5.
    pub kurtosis_threshold: f64,
    /// Whether a failing indicator falls back to COINr's log transform (`log_CT`).
    pub log_fallback: bool,
}

impl WinsoriseConfig {
    /// COINr's defaults: `winmax = 5`, thresholds 2 and 3.5, log fallback on.
    pub const COINR: WinsoriseConfig = WinsoriseConfig {
        winmax: Some(5),
        skew_threshold: 2.0,
        kurtosis_threshold: 3.5,
        log_fallback: true,
    };
}

/// Result of the skew and kurtosis check.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SkewKurtosis {
    /// Skewness (e1071 type 2).
    pub skew: f64,
    /// Kurtosis (e1071 type 2).
    pub kurtosis: f64,
    /// Whether the indicator passes.
    pub pass: bool,
}

/// COINr's `check_SkewKurt`: `None` when skewness or kurtosis is undefined.
pub fn check_skew_kurtosis(values: &[f64], config: &WinsoriseConfig) -> Option<SkewKurtosis> {
    let (skew, kurtosis) = stats::skewness_kurtosis(values);
    let (skew, kurtosis) = (skew?, kurtosis?);
    Some(SkewKurtosis {
        skew,
        kurtosis,
        pass: skew.abs() < config.skew_threshold || kurtosis < config.kurtosis_threshold,
    })
}

/// Which end of the distribution a point was moved from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointTreatment {
    /// Left as it was.
    None,
    /// Replaced by the next value below it (`winhi` in COINr).
    WinsorisedHigh,
    /// Replaced by the next value above it (`winlo` in COINr).
    WinsorisedLow,
    /// Log-transformed with the whole indicator.
    Log,
}

/// Winsorised values and what was changed.
#[derive(Clone, Debug, PartialEq)]
pub struct Winsorised {
    /// The values after winsorisation.
    pub values: Vec<f64>,
    /// COINr's `nwin`: the points moved in the last step of each side (tied points count once each).
    pub n_winsorised: usize,
    /// Per point, whether and how it was moved.
    pub points: Vec<PointTreatment>,
}

/// COINr's `winsorise()`, step for step, including its way of counting `nwin`.
pub fn winsorise(values: &[f64], config: &WinsoriseConfig) -> Winsorised {
    winsorise_from(values, check_skew_kurtosis(values, config), config)
}

/// [`winsorise`] given the check of `values` already made: each step's check also gives the
/// next step its skew, so every step computes the moments once.
fn winsorise_from(
    values: &[f64],
    first_check: Option<SkewKurtosis>,
    config: &WinsoriseConfig,
) -> Winsorised {
    let mut x = values.to_vec();
    let mut check = first_check;
    let mut last_high: Vec<usize> = Vec::new();
    let mut last_low: Vec<usize> = Vec::new();
    let mut n_winsorised = 0usize;
    let below_limit = |n: usize| config.winmax.is_none_or(|max| n < max);
    while let Some(c) = check.filter(|c| !c.pass)
        && below_limit(n_winsorised)
    {
        // A check is `Some` only with a defined skewness, the one this step needs.
        let skew = c.skew;
        let Some((lo, hi)) = stats::min_max(&x) else {
            break;
        };
        if skew >= 0.0 {
            last_high = (0..x.len()).filter(|&i| x[i] == hi).collect();
            let Some(next) = x
                .iter()
                .copied()
                .filter(|v| !v.is_nan() && *v != hi)
                .reduce(f64::max)
            else {
                break;
            };
            for &i in &last_high {
                x[i] = next;
            }
        } else {
            last_low = (0..x.len()).filter(|&i| x[i] == lo).collect();
            let Some(next) = x
                .iter()
                .copied()
                .filter(|v| !v.is_nan() && *v != lo)
                .reduce(f64::min)
            else {
                break;
            };
            for &i in &last_low {
                x[i] = next;
            }
        }
        n_winsorised = last_high.len() + last_low.len();
        check = check_skew_kurtosis(&x, config);
    }
    let mut points = vec![PointTreatment::None; x.len()];
    for &i in &last_high {
        points[i] = PointTreatment::WinsorisedHigh;
    }
    for &i in &last_low {
        points[i] = PointTreatment::WinsorisedLow;
    }
    Winsorised {
        values: x,
        n_winsorised,
        points,
    }
}

/// COINr's `log_CT`: `ln(x - min(x) + 0.01 (max(x) - min(x)))`; missing values stay missing.
pub fn log_ct(values: &[f64]) -> Vec<f64> {
    let Some((lo, hi)) = stats::min_max(values) else {
        return values.to_vec();
    };
    let shift = 0.01 * (hi - lo);
    values.iter().map(|v| (v - lo + shift).ln()).collect()
}

/// What was done to one indicator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TreatmentOutcome {
    /// It passed the check as it was.
    Passed,
    /// Its skew or kurtosis is undefined (too few values, or all equal): left as it was.
    Undefined,
    /// Winsorisation brought it within the thresholds.
    Winsorised,
    /// Winsorisation up to `winmax` did not suffice and the log transform was applied.
    LogTransformed,
    /// Winsorisation did not suffice and no fallback was configured: the winsorised values are kept.
    WinsorisedStillFailing,
}

impl TreatmentOutcome {
    /// A short English label for reports.
    pub fn label(self) -> &'static str {
        match self {
            TreatmentOutcome::Passed => "passed",
            TreatmentOutcome::Undefined => "undefined skew/kurtosis, untreated",
            TreatmentOutcome::Winsorised => "winsorised",
            TreatmentOutcome::LogTransformed => "log-transformed",
            TreatmentOutcome::WinsorisedStillFailing => "winsorised, still failing",
        }
    }
}

/// Report of the treatment of one indicator, as COINr's `Dets_Table` row.
#[derive(Clone, Debug, PartialEq)]
pub struct TreatmentReport {
    /// What was done.
    pub outcome: TreatmentOutcome,
    /// Check before treatment (`check_SkewKurt0`).
    pub before: Option<SkewKurtosis>,
    /// Check after winsorisation (`check_SkewKurt1`), when it ran.
    pub after_winsorising: Option<SkewKurtosis>,
    /// Check after the log transform (`check_SkewKurt2`), when it ran.
    pub after_log: Option<SkewKurtosis>,
    /// COINr's `nwin`.
    pub n_winsorised: usize,
    /// Per point, whether and how it was moved.
    pub points: Vec<PointTreatment>,
}

/// COINr's `Treat.numeric` with `f1 = winsorise`, `f2 = log_CT` (applied to the original values)
/// and `f_pass = check_SkewKurt`.
pub fn treat(values: &[f64], config: &WinsoriseConfig) -> (Vec<f64>, TreatmentReport) {
    let untreated = |outcome, before| {
        (
            values.to_vec(),
            TreatmentReport {
                outcome,
                before,
                after_winsorising: None,
                after_log: None,
                n_winsorised: 0,
                points: vec![PointTreatment::None; values.len()],
            },
        )
    };
    let Some(before) = check_skew_kurtosis(values, config) else {
        return untreated(TreatmentOutcome::Undefined, None);
    };
    if before.pass {
        return untreated(TreatmentOutcome::Passed, Some(before));
    }
    let win = winsorise_from(values, Some(before), config);
    let after = check_skew_kurtosis(&win.values, config);
    let mut report = TreatmentReport {
        outcome: TreatmentOutcome::Winsorised,
        before: Some(before),
        after_winsorising: after,
        after_log: None,
        n_winsorised: win.n_winsorised,
        points: win.points,
    };
    match after {
        // COINr returns the untreated vector when the check becomes NA.
        None => untreated(TreatmentOutcome::Undefined, Some(before)),
        Some(check) if check.pass => (win.values, report),
        Some(_) if config.log_fallback => {
            let logged = log_ct(values);
            report.after_log = check_skew_kurtosis(&logged, config);
            report.outcome = TreatmentOutcome::LogTransformed;
            report.points = values
                .iter()
                .map(|v| {
                    if v.is_nan() {
                        PointTreatment::None
                    } else {
                        PointTreatment::Log
                    }
                })
                .collect();
            (logged, report)
        }
        Some(_) => {
            report.outcome = TreatmentOutcome::WinsorisedStillFailing;
            (win.values, report)
        }
    }
}
