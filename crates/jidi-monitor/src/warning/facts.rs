//! The data a rule is evaluated on: one base's series, its peers' series, forecast bands made
//! earlier, and when its reports were due and arrived.
//!
//! Evaluating at a period reads nothing later than that period (a forecast band must have been
//! made before the period it forecasts), so evaluating a whole history at once gives the same
//! results as evaluating it month by month as the data arrive.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::period::{MonthlySeries, Period};
use crate::warning::rule::Measure;

/// Everything the rules may read about one base. Build it with `Facts::default()` and fill the
/// maps a rule set needs; a rule whose data are absent evaluates to
/// [`crate::warning::finding::Outcome::Unknown`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facts {
    /// The base's monthly series by indicator code, in the basis the rules expect (e.g. 1–N月
    /// cumulative `m_rev`, so that `yoy` is 累计同比; or the caller's own derived codes).
    pub series: BTreeMap<String, MonthlySeries>,
    /// The series of the *other* members of the base's peer group (same category), by
    /// indicator code. The base itself is added by the peer-relative rule.
    pub peers: BTreeMap<String, Vec<MonthlySeries>>,
    /// Forecast bands by indicator code and by the period they forecast.
    pub forecasts: BTreeMap<String, BTreeMap<Period, ForecastBand>>,
    /// When each period's report was due and received.
    pub reports: BTreeMap<Period, ReportTiming>,
    /// The whole peer group's figures by indicator code and measure, the base's own included.
    /// When present, a peer-relative rule ranks the base against these instead of `peers`.
    pub groups: BTreeMap<(String, Measure), Arc<GroupFigures>>,
}

/// A peer group's figures of one indicator and measure at each period, sorted.
///
/// A peer-relative rule ranks a base against its group at every period it replays, and a
/// group's members are all replayed: ranking each of `n` members against the other `n − 1`
/// series costs `n²` measures per period. Computed once per group and shared by its members'
/// [`Facts`] (hence the `Arc`), each rank is a binary search instead.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupFigures {
    by_period: BTreeMap<Period, Ranked>,
}

#[derive(Clone, Debug, Default, PartialEq)]
struct Ranked {
    /// The figures that are not NaN, ascending.
    sorted: Vec<f64>,
    /// NaN figures: counted as members with a figure, never below anyone.
    nan: usize,
}

impl GroupFigures {
    /// The figures of `members` (the whole group, every base that will be ranked included).
    pub fn new<'a>(
        members: impl IntoIterator<Item = &'a MonthlySeries>,
        measure: Measure,
    ) -> GroupFigures {
        let mut by_period: BTreeMap<Period, Ranked> = BTreeMap::new();
        for series in members {
            // Every measure needs the period's own value, so the series' periods are all the
            // periods it can have a figure at.
            for &period in series.keys() {
                if let Ok(value) = measure.apply(series, period) {
                    let ranked = by_period.entry(period).or_default();
                    if value.is_nan() {
                        ranked.nan += 1;
                    } else {
                        ranked.sorted.push(value);
                    }
                }
            }
        }
        for ranked in by_period.values_mut() {
            ranked.sorted.sort_by(f64::total_cmp);
        }
        GroupFigures { by_period }
    }

    /// At `period`: how many members' figures are strictly below `value`, and how many members
    /// have a figure. `value` must be one of the members' figures (the base ranked is in its
    /// group), which makes the second count the group a rank is out of.
    pub fn rank(&self, period: Period, value: f64) -> (usize, usize) {
        let Some(ranked) = self.by_period.get(&period) else {
            return (0, 0);
        };
        let lower = if value.is_nan() {
            0
        } else {
            ranked.sorted.partition_point(|v| *v < value)
        };
        (lower, ranked.sorted.len() + ranked.nan)
    }
}

/// A forecast of one period with its central prediction interval, made after observing
/// `origin` (the last month the forecaster saw).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForecastBand {
    /// The last period observed when the forecast was made; must be before the forecast period.
    pub origin: Period,
    /// The point forecast.
    pub point: f64,
    /// Lower bound of the interval.
    pub lower: f64,
    /// Upper bound of the interval.
    pub upper: f64,
    /// The interval's level, e.g. 0.95.
    pub level: f64,
}

impl ForecastBand {
    /// The band of step `step` (1 = the month after `origin`) of a [`jidi_forecast::Forecast`]
    /// made from a series whose last observation is `origin`, with the period it forecasts.
    /// `None` when the forecast has no such step, or the step has no finite interval (a
    /// one-observation forecast has none).
    ///
    /// ```
    /// use jidi_forecast::{forecast, Config, Method, Series};
    /// use jidi_monitor::warning::facts::ForecastBand;
    ///
    /// let series = Series::new("rev", vec![1., 2., 3., 4., 1., 2., 3., 4., 1., 2., 3., 5.], 4)?;
    /// let f = forecast(&series, &Config::new(2, Method::SeasonalNaive))?;
    /// let origin = "2024-12".parse().unwrap();
    /// let (target, band) = ForecastBand::from_forecast(&f, origin, 1).unwrap();
    /// assert_eq!(target.to_string(), "2025-01");
    /// assert_eq!((band.point, band.level), (1.0, 0.95));
    /// assert!(band.lower < 1.0 && band.upper > 1.0);
    /// # Ok::<(), jidi_forecast::Error>(())
    /// ```
    pub fn from_forecast(
        forecast: &jidi_forecast::Forecast,
        origin: Period,
        step: usize,
    ) -> Option<(Period, ForecastBand)> {
        let index = step.checked_sub(1)?;
        let band = ForecastBand {
            origin,
            point: *forecast.point.get(index)?,
            lower: *forecast.lower.get(index)?,
            upper: *forecast.upper.get(index)?,
            level: forecast.level,
        };
        let target = origin.offset(i64::try_from(step).ok()?)?;
        band.is_usable().then_some((target, band))
    }

    /// Whether the band has finite bounds in order and a level in (0, 1).
    pub fn is_usable(&self) -> bool {
        self.lower.is_finite()
            && self.upper.is_finite()
            && self.point.is_finite()
            && self.lower <= self.upper
            && self.level > 0.0
            && self.level < 1.0
    }
}

/// When a period's report was due, whether and when it arrived, and the date of the check.
///
/// The check date comes in as data (this crate reads no clock): pass today's date for a live
/// check, or the date the check ran for a replay.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportTiming {
    /// The last day the report was due.
    pub due: NaiveDate,
    /// The day it was received, if it was.
    pub received: Option<NaiveDate>,
    /// The date of the check.
    pub checked_on: NaiveDate,
}

impl ReportTiming {
    /// Days past due: received − due for a report that arrived (by the check date), check date
    /// − due for one still missing; 0 when on time or not yet due. A receipt dated after the
    /// check date is not yet known at the check, so the report counts as missing then.
    pub fn days_late(&self) -> i64 {
        let end = match self.received {
            Some(received) if received <= self.checked_on => received,
            _ => self.checked_on,
        };
        (end - self.due).num_days().max(0)
    }

    /// Whether the report had arrived by the check date.
    pub fn is_received(&self) -> bool {
        self.received.is_some_and(|r| r <= self.checked_on)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn days_late() {
        let due = d("2024-04-15");
        let table = [
            (None, "2024-04-10", 0, false),
            (None, "2024-04-15", 0, false),
            (None, "2024-04-25", 10, false),
            (Some("2024-04-14"), "2024-04-25", 0, true),
            (Some("2024-04-18"), "2024-04-25", 3, true),
            // Received after the check: missing at the check.
            (Some("2024-05-30"), "2024-04-20", 5, false),
        ];
        for (received, checked_on, days, received_yet) in table {
            let t = ReportTiming {
                due,
                received: received.map(d),
                checked_on: d(checked_on),
            };
            assert_eq!(t.days_late(), days, "{t:?}");
            assert_eq!(t.is_received(), received_yet, "{t:?}");
        }
    }

    #[test]
    fn bands_from_a_forecast() {
        let f = jidi_forecast::Forecast {
            point: vec![10.0, 11.0],
            lower: vec![8.0, f64::NAN],
            upper: vec![12.0, f64::NAN],
            level: 0.95,
            model: "test".into(),
            diagnostics: Vec::new(),
        };
        let origin: Period = "2024-11".parse().unwrap();
        let (target, band) = ForecastBand::from_forecast(&f, origin, 1).unwrap();
        assert_eq!(target.to_string(), "2024-12");
        assert_eq!((band.lower, band.upper, band.origin), (8.0, 12.0, origin));
        assert_eq!(ForecastBand::from_forecast(&f, origin, 2), None);
        assert_eq!(ForecastBand::from_forecast(&f, origin, 0), None);
        assert_eq!(ForecastBand::from_forecast(&f, origin, 3), None);
        let last: Period = "9999-12".parse().unwrap();
        assert_eq!(ForecastBand::from_forecast(&f, last, 1), None);
    }
}
