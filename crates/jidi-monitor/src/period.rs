//! Monthly periods: a year and a month, written `YYYY-MM`.
//!
//! A [`Period`] is what a monthly figure belongs to (the reporting month, 报告期), not a date.
//! Periods order by time, step by months ([`Period::offset`], [`Period::previous`],
//! [`Period::same_month_last_year`]) and serialise as their `YYYY-MM` text, so a rule file or a
//! stored warning state reads `"2024-03"`. Years run from 1 to 9999 so that the text always has
//! four digits; arithmetic that would leave that range returns `None` instead of wrapping.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// One base's monthly figures of one indicator, by period. Absent periods are missing months;
/// a non-finite value is treated as missing by every function of this crate.
pub type MonthlySeries = BTreeMap<Period, f64>;

/// A calendar month of a year: the period a monthly figure is reported for.
///
/// Ordered by time (year, then month). Built by [`Period::new`] or parsed from `YYYY-MM`.
///
/// ```
/// use jidi_monitor::period::Period;
///
/// let march = Period::new(2024, 3)?;
/// assert_eq!(march.to_string(), "2024-03");
/// assert_eq!("2024-03".parse::<Period>()?, march);
/// assert_eq!(march.previous().unwrap().to_string(), "2024-02");
/// assert_eq!(march.same_month_last_year().unwrap().to_string(), "2023-03");
/// assert_eq!(Period::new(2024, 1)?.previous().unwrap().to_string(), "2023-12");
/// # Ok::<(), jidi_monitor::period::PeriodError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    year: u16,
    month: u8,
}

/// Why a period could not be built or parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PeriodError {
    /// The text is not `YYYY-MM` (four digits, a hyphen, two digits).
    #[error("period `{text}` is not written YYYY-MM")]
    BadFormat {
        /// The offending text.
        text: String,
    },
    /// The month is not 1 to 12.
    #[error("month {month} is not 1 to 12")]
    MonthOutOfRange {
        /// The offending month.
        month: u32,
    },
    /// The year is not 1 to 9999.
    #[error("year {year} is not 1 to 9999")]
    YearOutOfRange {
        /// The offending year.
        year: i64,
    },
}

/// The first and last index [`Period::index`] can take (0001-01 and 9999-12).
const MIN_INDEX: i64 = 12;
const MAX_INDEX: i64 = 9999 * 12 + 11;

impl Period {
    /// The period of `month` (1–12) in `year` (1–9999).
    pub fn new(year: i32, month: u32) -> Result<Period, PeriodError> {
        if !(1..=9999).contains(&year) {
            return Err(PeriodError::YearOutOfRange { year: year.into() });
        }
        if !(1..=12).contains(&month) {
            return Err(PeriodError::MonthOutOfRange { month });
        }
        Ok(Period {
            year: year as u16,
            month: month as u8,
        })
    }

    /// The period a date falls in.
    pub fn of_date(date: NaiveDate) -> Result<Period, PeriodError> {
        Period::new(date.year(), date.month())
    }

    /// The year, 1–9999.
    pub fn year(self) -> i32 {
        self.year.into()
    }

    /// The month, 1–12.
    pub fn month(self) -> u32 {
        self.month.into()
    }

    /// Months since January of year 0: `year × 12 + month − 1`. Consecutive periods have
    /// consecutive indexes, so differences of indexes count months.
    pub fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    /// The period with [`Period::index`] `index`, if it lies in 0001-01 ..= 9999-12.
    pub fn from_index(index: i64) -> Option<Period> {
        if !(MIN_INDEX..=MAX_INDEX).contains(&index) {
            return None;
        }
        Some(Period {
            year: (index / 12) as u16,
            month: (index % 12 + 1) as u8,
        })
    }

    /// The period `months` later (earlier when negative), or `None` outside 0001-01 ..= 9999-12.
    pub fn offset(self, months: i64) -> Option<Period> {
        Period::from_index(self.index().checked_add(months)?)
    }

    /// The month before (December of the previous year for January).
    pub fn previous(self) -> Option<Period> {
        self.offset(-1)
    }

    /// The month after (January of the next year for December).
    pub fn next(self) -> Option<Period> {
        self.offset(1)
    }

    /// The same month one year earlier: the base of a year-on-year (同比) comparison.
    pub fn same_month_last_year(self) -> Option<Period> {
        self.offset(-12)
    }

    /// January of the same year: where a 1–N月 cumulative total starts.
    pub fn january(self) -> Period {
        Period {
            year: self.year,
            month: 1,
        }
    }

    /// Months from `self` to `later` (negative when `later` is earlier).
    pub fn months_until(self, later: Period) -> i64 {
        later.index() - self.index()
    }

    /// The first day of the month.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year(), self.month(), 1).expect("valid year and month")
    }

    /// The last day of the month.
    pub fn last_day(self) -> NaiveDate {
        match self.next() {
            Some(next) => next.first_day().pred_opt().expect("not the first day ever"),
            None => NaiveDate::from_ymd_opt(9999, 12, 31).expect("a valid date"),
        }
    }

    /// Every period from `first` to `last`, both included; empty when `last` is before `first`.
    pub fn range(first: Period, last: Period) -> impl Iterator<Item = Period> {
        (first.index()..=last.index()).filter_map(Period::from_index)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    /// Parses exactly `YYYY-MM`: four ASCII digits, a hyphen, two ASCII digits. `2024-3`,
    /// `202403` and `2024-03-01` are refused, so a stored key has one spelling only.
    fn from_str(text: &str) -> Result<Period, PeriodError> {
        let bad = || PeriodError::BadFormat { text: text.into() };
        let bytes = text.as_bytes();
        if bytes.len() != 7 || bytes[4] != b'-' {
            return Err(bad());
        }
        let digits = |range: std::ops::Range<usize>| -> Result<u32, PeriodError> {
            let part = &text[range];
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            part.parse().map_err(|_| bad())
        };
        let year = digits(0..4)?;
        let month = digits(5..7)?;
        Period::new(year as i32, month)
    }
}

impl TryFrom<String> for Period {
    type Error = PeriodError;

    fn try_from(text: String) -> Result<Period, PeriodError> {
        text.parse()
    }
}

impl From<Period> for String {
    fn from(period: Period) -> String {
        period.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Period {
        text.parse().unwrap()
    }

    #[test]
    fn parses_and_formats_only_the_canonical_spelling() {
        assert_eq!(p("2024-03"), Period::new(2024, 3).unwrap());
        assert_eq!(p("0001-01").to_string(), "0001-01");
        assert_eq!(p("9999-12").to_string(), "9999-12");
        for bad in [
            "",
            "2024-3",
            "202403",
            "2024-03-01",
            "2024/03",
            "24-03",
            "2024-00",
            "2024-13",
            "0000-05",
            "+024-03",
            "2024--3",
            "２０２４-03",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad} should be refused");
        }
        assert_eq!(
            "2024-13".parse::<Period>(),
            Err(PeriodError::MonthOutOfRange { month: 13 })
        );
        assert_eq!(
            "0000-05".parse::<Period>(),
            Err(PeriodError::YearOutOfRange { year: 0 })
        );
    }

    #[test]
    fn arithmetic_crosses_years_and_stops_at_the_ends() {
        assert_eq!(p("2024-01").previous(), Some(p("2023-12")));
        assert_eq!(p("2023-12").next(), Some(p("2024-01")));
        assert_eq!(p("2024-02").same_month_last_year(), Some(p("2023-02")));
        assert_eq!(p("2024-05").offset(-17), Some(p("2022-12")));
        assert_eq!(p("2024-05").january(), p("2024-01"));
        assert_eq!(p("2023-11").months_until(p("2024-02")), 3);
        assert_eq!(p("0001-01").previous(), None);
        assert_eq!(p("9999-12").next(), None);
        assert_eq!(p("2024-05").offset(i64::MAX), None);
        assert_eq!(p("2024-05").offset(i64::MIN), None);
    }

    #[test]
    fn orders_by_time_and_ranges_inclusively() {
        assert!(p("2023-12") < p("2024-01"));
        assert!(p("2024-02") < p("2024-10"));
        let months: Vec<String> = Period::range(p("2023-11"), p("2024-02"))
            .map(|x| x.to_string())
            .collect();
        assert_eq!(months, ["2023-11", "2023-12", "2024-01", "2024-02"]);
        assert_eq!(Period::range(p("2024-02"), p("2024-01")).count(), 0);
    }

    #[test]
    fn knows_its_days() {
        assert_eq!(p("2024-02").last_day().to_string(), "2024-02-29");
        assert_eq!(p("2023-02").last_day().to_string(), "2023-02-28");
        assert_eq!(p("2023-12").last_day().to_string(), "2023-12-31");
        assert_eq!(p("9999-12").last_day().to_string(), "9999-12-31");
        let date = NaiveDate::from_ymd_opt(2024, 7, 15).unwrap();
        assert_eq!(Period::of_date(date).unwrap(), p("2024-07"));
    }

    #[test]
    fn serialises_as_text() {
        let json = serde_json::to_string(&p("2024-03")).unwrap();
        assert_eq!(json, "\"2024-03\"");
        assert_eq!(serde_json::from_str::<Period>(&json).unwrap(), p("2024-03"));
        assert!(serde_json::from_str::<Period>("\"2024-3\"").is_err());
    }
}
