//! Progress against an intensity target (e.g. the Five-Year Plan's −13.5 % energy intensity over
//! five years): on track or behind, the share of the way covered, and the rate still needed.
//!
//! **Convention: the expected path is geometric** (a constant rate per period), as targets like
//! "−13.5 % over 2021–2025" are read: after `k` of `n` periods the value should be
//! `baseline × (target / baseline)^(k/n)`.

use serde::{Deserialize, Serialize};

use crate::carbon::error::CarbonError;

/// Whether lower or higher values are better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// Lower is better: intensities.
    Lower,
    /// Higher is better: utilisation rates, renewable shares.
    Higher,
}

/// A target: from `baseline` (period 0) to `target` after `n_periods` periods.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetPath {
    /// The value at the start.
    pub baseline: f64,
    /// The value to reach.
    pub target: f64,
    /// Periods from the baseline to the deadline (years, or months), at least 1.
    pub n_periods: u32,
    /// Which way is better.
    pub better: Better,
}

/// Where the value stands against the path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgressStatus {
    /// The target is already reached.
    Achieved,
    /// At or better than the expected path value.
    OnTrack,
    /// Worse than the expected path value.
    Behind,
}

/// Progress at `elapsed` periods after the baseline.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Achieved, on track or behind.
    pub status: ProgressStatus,
    /// `(current − baseline) / (target − baseline)`: 0 at the start, 1 when reached, negative
    /// when the value moved the wrong way; `None` when the target equals the baseline.
    pub share_achieved: Option<f64>,
    /// Where the geometric path says the value should be now.
    pub expected_now: f64,
    /// Average growth per period so far, in percent; `None` at period 0.
    pub rate_so_far: Option<f64>,
    /// Growth per period needed over the remaining periods to reach the target, in percent;
    /// `None` when no period remains.
    pub required_rate: Option<f64>,
}

/// Progress of `current`, `elapsed` periods after the baseline. Values must be positive and
/// finite (the path is geometric); `elapsed` beyond `n_periods` compares with the target itself.
///
/// ```
/// use jidi_monitor::carbon::target::{progress, Better, ProgressStatus, TargetPath};
///
/// // −13.5 % over five years; after two years the intensity is down 5 %.
/// let path = TargetPath { baseline: 1.0, target: 0.865, n_periods: 5, better: Better::Lower };
/// let p = progress(&path, 0.95, 2)?;
/// assert_eq!(p.status, ProgressStatus::Behind);          // the path says 0.9436
/// assert!((p.share_achieved.unwrap() - 0.05 / 0.135).abs() < 1e-12);
/// assert!((p.required_rate.unwrap() - -3.076110442990665).abs() < 1e-9);  // % a year, 3 years
/// # Ok::<(), jidi_monitor::carbon::error::CarbonError>(())
/// ```
pub fn progress(path: &TargetPath, current: f64, elapsed: u32) -> Result<Progress, CarbonError> {
    let positive = |name: &str, value: f64| {
        if value.is_finite() && value > 0.0 {
            Ok(())
        } else {
            Err(CarbonError::BadTarget {
                problem: format!("{name} must be positive and finite, got {value}"),
            })
        }
    };
    positive("the baseline", path.baseline)?;
    positive("the target", path.target)?;
    positive("the current value", current)?;
    if path.n_periods == 0 {
        return Err(CarbonError::BadTarget {
            problem: "the target needs at least one period".into(),
        });
    }
    let (baseline, target, n) = (path.baseline, path.target, f64::from(path.n_periods));
    let k = f64::from(elapsed.min(path.n_periods));
    let expected_now = baseline * (target / baseline).powf(k / n);
    let at_least = |value: f64, bar: f64| match path.better {
        Better::Lower => value <= bar,
        Better::Higher => value >= bar,
    };
    let status = if at_least(current, target) {
        ProgressStatus::Achieved
    } else if at_least(current, expected_now) {
        ProgressStatus::OnTrack
    } else {
        ProgressStatus::Behind
    };
    let share_achieved = (target != baseline).then(|| (current - baseline) / (target - baseline));
    let rate_so_far =
        (elapsed > 0).then(|| ((current / baseline).powf(1.0 / f64::from(elapsed)) - 1.0) * 100.0);
    let remaining = path.n_periods.saturating_sub(elapsed);
    let required_rate = (remaining > 0)
        .then(|| ((target / current).powf(1.0 / f64::from(remaining)) - 1.0) * 100.0);
    Ok(Progress {
        status,
        share_achieved,
        expected_now,
        rate_so_far,
        required_rate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn a_reduction_target_behind_on_track_and_achieved() {
        let path = TargetPath {
            baseline: 1.0,
            target: 0.865,
            n_periods: 5,
            better: Better::Lower,
        };
        let p = progress(&path, 0.95, 2).unwrap();
        assert!(close(p.expected_now, 0.9436402195693916));
        assert!(close(p.rate_so_far.unwrap(), -2.5320565519103666));
        assert_eq!(p.status, ProgressStatus::Behind);
        assert_eq!(
            progress(&path, 0.94, 2).unwrap().status,
            ProgressStatus::OnTrack
        );
        let done = progress(&path, 0.86, 3).unwrap();
        assert_eq!(done.status, ProgressStatus::Achieved);
        assert!(done.share_achieved.unwrap() > 1.0);
        let start = progress(&path, 1.0, 0).unwrap();
        assert_eq!((start.rate_so_far, start.share_achieved), (None, Some(0.0)));
        assert_eq!(start.status, ProgressStatus::OnTrack);
        let late = progress(&path, 0.9, 7).unwrap();
        assert_eq!(
            (late.status, late.required_rate),
            (ProgressStatus::Behind, None)
        );
        assert!(close(late.expected_now, 0.865));
    }

    #[test]
    fn an_increase_target() {
        // Solid-waste utilisation 60 % → 72 % over four years; 64 % after one.
        let path = TargetPath {
            baseline: 60.0,
            target: 72.0,
            n_periods: 4,
            better: Better::Higher,
        };
        let p = progress(&path, 64.0, 1).unwrap();
        assert_eq!(p.status, ProgressStatus::OnTrack);
        assert!(close(p.expected_now, 62.79810836352634));
        assert!(close(p.share_achieved.unwrap(), 1.0 / 3.0));
        assert!(close(p.required_rate.unwrap(), 4.0041911525952045));
        assert!(close(p.rate_so_far.unwrap(), 6.666666666666665));
    }

    #[test]
    fn hold_targets_and_bad_inputs() {
        let hold = TargetPath {
            baseline: 0.5,
            target: 0.5,
            n_periods: 1,
            better: Better::Lower,
        };
        let p = progress(&hold, 0.5, 1).unwrap();
        assert_eq!(
            (p.status, p.share_achieved),
            (ProgressStatus::Achieved, None)
        );
        for (path, current) in [
            (
                TargetPath {
                    baseline: 0.0,
                    ..hold
                },
                1.0,
            ),
            (
                TargetPath {
                    target: f64::NAN,
                    ..hold
                },
                1.0,
            ),
            (
                TargetPath {
                    n_periods: 0,
                    ..hold
                },
                1.0,
            ),
            (hold, -1.0),
            (hold, f64::INFINITY),
        ] {
            assert!(matches!(
                progress(&path, current, 1),
                Err(CarbonError::BadTarget { .. })
            ));
        }
    }
}
