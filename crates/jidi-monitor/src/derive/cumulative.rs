//! Single months from 1–N月 cumulative reports, and back.
//!
//! Most monthly money and energy figures are reported year to date: the March report says
//! 1–3月. The single month (当月) is the difference of consecutive cumulative totals of the same
//! year; January's total is January itself.
//!
//! **Convention: a month without its own cumulative total is never invented.** NBS publishes
//! January and February together (1–2月), because the Spring Festival falls in either month and a
//! split would show a seasonal swing that is not in the economy. So when February's total is
//! there and January's is not, the result is one [`Span`] for January–February holding the
//! 1–2月 total, marked [`Diagnostic::JanFebCombined`]; it is not split. The same holds for any
//! other missing month: the next available total gives a span over the missing months and its
//! own ([`Diagnostic::Gap`]). Spans never cross a year. Summing a year's spans up to a month
//! always gives that month's cumulative total back ([`to_cumulative`]).
//!
//! A cumulative total that falls is kept as it is: for a flow that cannot be negative
//! (revenue, energy) the negative single month is reported as [`Diagnostic::Decreased`] (an
//! earlier total was revised), but its value is kept so that the identity above still holds; for
//! a signed flow (profit) a fall is an ordinary loss-making month and is not reported.

use serde::{Deserialize, Serialize};

use crate::derive::growth::{Undefined, growth_rate};
use crate::period::{MonthlySeries, Period};

/// A value covering the months `first..=last` of one year: one month, or several when a
/// cumulative total was missing (1–2月 combined).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Span {
    /// The first month covered.
    pub first: Period,
    /// The last month covered: the period of the report the value was derived from.
    pub last: Period,
    /// The flow over the covered months.
    pub value: f64,
}

impl Span {
    /// A span of one month.
    pub fn month(period: Period, value: f64) -> Span {
        Span {
            first: period,
            last: period,
            value,
        }
    }

    /// How many months the span covers (at least 1 for spans built by this module).
    pub fn n_months(&self) -> i64 {
        self.first.months_until(self.last) + 1
    }

    /// Whether the span is a true single month (当月).
    pub fn is_single_month(&self) -> bool {
        self.first == self.last
    }
}

/// Whether a flow can be negative; decides whether a falling cumulative total is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowSign {
    /// Amounts that cannot be negative: revenue, output, energy, taxes. A falling 1–N月 total is
    /// a revision and is reported.
    NonNegative,
    /// Amounts that can be negative: profit. A falling total is a loss-making month.
    Signed,
}

/// Something noteworthy met while deriving single months. The derivation still completes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Diagnostic {
    /// The value at `period` is not finite (or its difference with the previous total
    /// overflows); it was treated as missing.
    NonFinite {
        /// The period of the bad value.
        period: Period,
    },
    /// January's total is missing and February's is there: the 1–2月 total is kept as one span
    /// (the NBS convention), not split.
    JanFebCombined {
        /// The year.
        year: i32,
    },
    /// The totals of `first..=last` are missing (other than the January of a 1–2月 report); the
    /// next span covers them together with its own month.
    Gap {
        /// The first month without a total.
        first: Period,
        /// The last month without a total.
        last: Period,
    },
    /// The cumulative total of a non-negative flow fell from `previous` to `current`: an earlier
    /// report was revised. The negative difference is kept.
    Decreased {
        /// The period whose total is lower than the one before.
        period: Period,
        /// The earlier total of the same year.
        previous: f64,
        /// This total.
        current: f64,
    },
}

/// Single months (or spans) derived from a cumulative series, with what was noticed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Derivation {
    /// One span per finite cumulative total, in time order.
    pub spans: Vec<Span>,
    /// Missing, combined, non-finite and decreasing totals, in time order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Derivation {
    /// The true single months only (spans of one month), by period.
    pub fn single_months(&self) -> MonthlySeries {
        self.spans
            .iter()
            .filter(|s| s.is_single_month())
            .map(|s| (s.last, s.value))
            .collect()
    }

    /// The span that ends at `last`, if any.
    pub fn span_ending(&self, last: Period) -> Option<&Span> {
        // Spans are sorted by `last` and unique in it.
        self.spans
            .binary_search_by(|s| s.last.cmp(&last))
            .ok()
            .map(|i| &self.spans[i])
    }

    /// Year-on-year growth of the span ending at `last` over the span of the same months a year
    /// earlier, in percent. A 1–2月 span compares with last year's 1–2月 span; a single month
    /// with last year's single month. [`Undefined::SpanMismatch`] when last year's span covers
    /// other months (e.g. a single February against a combined 1–2月).
    pub fn yoy(&self, last: Period) -> Result<f64, Undefined> {
        let now = self.span_ending(last).ok_or(Undefined::Missing)?;
        let base_last = last.same_month_last_year().ok_or(Undefined::Missing)?;
        let before = self.span_ending(base_last).ok_or(Undefined::Missing)?;
        if before.n_months() != now.n_months() {
            return Err(Undefined::SpanMismatch);
        }
        growth_rate(now.value, before.value)
    }
}

/// Derives single months from 1–N月 cumulative totals (see the module documentation for the
/// conventions). Never fails: an empty series gives an empty derivation.
///
/// ```
/// use jidi_monitor::derive::cumulative::{from_cumulative, Diagnostic, FlowSign};
/// use jidi_monitor::period::{MonthlySeries, Period};
///
/// let p = |t: &str| t.parse::<Period>().unwrap();
/// // NBS style: 1–2月 120, 1–3月 185, 1–4月 250.
/// let cumulative = MonthlySeries::from([(p("2024-02"), 120.0), (p("2024-03"), 185.0),
///                                       (p("2024-04"), 250.0)]);
/// let d = from_cumulative(&cumulative, FlowSign::NonNegative);
/// assert_eq!(d.spans[0].first, p("2024-01"));    // January–February together
/// assert_eq!(d.spans[0].value, 120.0);
/// assert_eq!(d.single_months()[&p("2024-03")], 65.0);
/// assert_eq!(d.single_months()[&p("2024-04")], 65.0);
/// assert_eq!(d.diagnostics, vec![Diagnostic::JanFebCombined { year: 2024 }]);
/// ```
pub fn from_cumulative(cumulative: &MonthlySeries, sign: FlowSign) -> Derivation {
    let mut out = Derivation::default();
    // The last finite total seen and its period.
    let mut previous: Option<(Period, f64)> = None;
    for (&period, &total) in cumulative {
        if !total.is_finite() {
            out.diagnostics.push(Diagnostic::NonFinite { period });
            continue;
        }
        let same_year = previous.filter(|(p, _)| p.year() == period.year());
        let (first, value) = match same_year {
            Some((before, before_total)) => {
                let first = before.next().expect("a later period exists");
                let value = total - before_total;
                if !value.is_finite() {
                    // Only absurd totals (±1e308) overflow; treat the later one as missing.
                    out.diagnostics.push(Diagnostic::NonFinite { period });
                    continue;
                }
                if sign == FlowSign::NonNegative && value < 0.0 {
                    out.diagnostics.push(Diagnostic::Decreased {
                        period,
                        previous: before_total,
                        current: total,
                    });
                }
                (first, value)
            }
            None => (period.january(), total),
        };
        if first != period {
            let missing_last = period.previous().expect("not January");
            if first.month() == 1 && period.month() == 2 {
                out.diagnostics.push(Diagnostic::JanFebCombined {
                    year: period.year(),
                });
            } else {
                out.diagnostics.push(Diagnostic::Gap {
                    first,
                    last: missing_last,
                });
            }
        }
        out.spans.push(Span {
            first,
            last: period,
            value,
        });
        previous = Some((period, total));
    }
    out
}

/// Why spans cannot be summed into cumulative totals.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SpanError {
    /// A span ends before it starts or crosses a year.
    #[error("span {first}..{last} is not within one year in order")]
    BadSpan {
        /// Its first month.
        first: Period,
        /// Its last month.
        last: Period,
    },
    /// A span does not start right after the previous one of its year (or in January): a month
    /// is missing or covered twice, so later totals of the year are unknown.
    #[error("span {first}..{last} does not follow on from the month before it")]
    NotContiguous {
        /// Its first month.
        first: Period,
        /// Its last month.
        last: Period,
    },
    /// A span's value is not finite.
    #[error("span ending {last} has a non-finite value")]
    NonFinite {
        /// Its last month.
        last: Period,
    },
}

/// Sums spans into 1–N月 cumulative totals, one at each span's last month: the inverse of
/// [`from_cumulative`]. Each year must be covered from January without holes or overlaps.
pub fn to_cumulative(spans: &[Span]) -> Result<MonthlySeries, SpanError> {
    let mut sorted: Vec<&Span> = spans.iter().collect();
    sorted.sort_by_key(|s| s.last);
    let mut out = MonthlySeries::new();
    let mut running: Option<(Period, f64)> = None;
    for span in sorted {
        let (first, last) = (span.first, span.last);
        if first > last || first.year() != last.year() {
            return Err(SpanError::BadSpan { first, last });
        }
        if !span.value.is_finite() {
            return Err(SpanError::NonFinite { last });
        }
        let expected_first = match running.filter(|(p, _)| p.year() == last.year()) {
            Some((before, _)) => before.next().expect("a later period exists"),
            None => last.january(),
        };
        if first != expected_first {
            return Err(SpanError::NotContiguous { first, last });
        }
        let base = running
            .filter(|(p, _)| p.year() == last.year())
            .map_or(0.0, |(_, total)| total);
        let total = base + span.value;
        out.insert(last, total);
        running = Some((last, total));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Period {
        text.parse().unwrap()
    }

    fn series(entries: &[(&str, f64)]) -> MonthlySeries {
        entries.iter().map(|(q, v)| (p(q), *v)).collect()
    }

    fn spans(d: &Derivation) -> Vec<(String, String, f64)> {
        d.spans
            .iter()
            .map(|s| (s.first.to_string(), s.last.to_string(), s.value))
            .collect()
    }

    fn span(first: &str, last: &str, value: f64) -> (String, String, f64) {
        (first.into(), last.into(), value)
    }

    #[test]
    fn full_year_differences_and_round_trip() {
        // Revenue 1–N月 of a base: 10, 22, 35, 47 (亿元). Single months 10, 12, 13, 12.
        let c = series(&[
            ("2024-01", 10.0),
            ("2024-02", 22.0),
            ("2024-03", 35.0),
            ("2024-04", 47.0),
        ]);
        let d = from_cumulative(&c, FlowSign::NonNegative);
        assert_eq!(
            spans(&d),
            vec![
                span("2024-01", "2024-01", 10.0),
                span("2024-02", "2024-02", 12.0),
                span("2024-03", "2024-03", 13.0),
                span("2024-04", "2024-04", 12.0),
            ]
        );
        assert!(d.diagnostics.is_empty());
        assert_eq!(to_cumulative(&d.spans).unwrap(), c);
    }

    #[test]
    fn january_restarts_the_year() {
        let c = series(&[("2023-11", 110.0), ("2023-12", 121.0), ("2024-01", 9.0)]);
        let d = from_cumulative(&c, FlowSign::NonNegative);
        assert_eq!(
            spans(&d),
            vec![
                span("2023-01", "2023-11", 110.0),
                span("2023-12", "2023-12", 11.0),
                span("2024-01", "2024-01", 9.0),
            ]
        );
        // 2023 starts in November: the months before have no totals.
        assert_eq!(
            d.diagnostics,
            vec![Diagnostic::Gap {
                first: p("2023-01"),
                last: p("2023-10")
            }]
        );
        assert_eq!(to_cumulative(&d.spans).unwrap(), c);
    }

    #[test]
    fn jan_feb_combined_is_kept_and_compares_with_last_years_combined() {
        let c = series(&[
            ("2023-02", 100.0),
            ("2023-03", 160.0),
            ("2024-02", 110.0),
            ("2024-03", 176.0),
        ]);
        let d = from_cumulative(&c, FlowSign::NonNegative);
        assert_eq!(
            d.diagnostics,
            vec![
                Diagnostic::JanFebCombined { year: 2023 },
                Diagnostic::JanFebCombined { year: 2024 }
            ]
        );
        assert_eq!(d.spans[2].n_months(), 2);
        assert!(!d.spans[2].is_single_month());
        // 1–2月: 110 over 100 → +10 %. March: 66 over 60 → +10 %.
        assert!((d.yoy(p("2024-02")).unwrap() - 10.0).abs() < 1e-12);
        assert!((d.yoy(p("2024-03")).unwrap() - 10.0).abs() < 1e-12);
        assert_eq!(d.single_months().len(), 2);
        assert_eq!(d.yoy(p("2024-04")), Err(Undefined::Missing));
    }

    #[test]
    fn a_single_february_does_not_compare_with_a_combined_one() {
        let c = series(&[("2023-02", 100.0), ("2024-01", 50.0), ("2024-02", 110.0)]);
        let d = from_cumulative(&c, FlowSign::NonNegative);
        assert_eq!(d.yoy(p("2024-02")), Err(Undefined::SpanMismatch));
    }

    #[test]
    fn a_gap_in_the_middle_gives_a_two_month_span() {
        let c = series(&[("2024-01", 10.0), ("2024-02", 20.0), ("2024-04", 41.0)]);
        let d = from_cumulative(&c, FlowSign::NonNegative);
        assert_eq!(spans(&d)[2], span("2024-03", "2024-04", 21.0));
        assert_eq!(
            d.diagnostics,
            vec![Diagnostic::Gap {
                first: p("2024-03"),
                last: p("2024-03")
            }]
        );
        assert_eq!(to_cumulative(&d.spans).unwrap(), c);
    }

    #[test]
    fn revisions_are_reported_for_non_negative_flows_only() {
        // Revenue total fell from 30 to 28 (a revision); profit fell (a loss month).
        let c = series(&[("2024-01", 10.0), ("2024-02", 30.0), ("2024-03", 28.0)]);
        let revenue = from_cumulative(&c, FlowSign::NonNegative);
        assert_eq!(revenue.spans[2].value, -2.0);
        assert_eq!(
            revenue.diagnostics,
            vec![Diagnostic::Decreased {
                period: p("2024-03"),
                previous: 30.0,
                current: 28.0
            }]
        );
        let profit = from_cumulative(&c, FlowSign::Signed);
        assert_eq!(profit.spans[2].value, -2.0);
        assert!(profit.diagnostics.is_empty());
        assert_eq!(to_cumulative(&revenue.spans).unwrap(), c);
    }

    #[test]
    fn non_finite_totals_are_missing_and_empty_is_empty() {
        let c = series(&[
            ("2024-01", 10.0),
            ("2024-02", f64::NAN),
            ("2024-03", 31.0),
            ("2024-04", f64::INFINITY),
        ]);
        let d = from_cumulative(&c, FlowSign::NonNegative);
        assert_eq!(
            spans(&d),
            vec![
                span("2024-01", "2024-01", 10.0),
                span("2024-02", "2024-03", 21.0)
            ]
        );
        assert_eq!(
            d.diagnostics,
            vec![
                Diagnostic::NonFinite {
                    period: p("2024-02")
                },
                Diagnostic::Gap {
                    first: p("2024-02"),
                    last: p("2024-02")
                },
                Diagnostic::NonFinite {
                    period: p("2024-04")
                },
            ]
        );
        let empty = from_cumulative(&MonthlySeries::new(), FlowSign::Signed);
        assert_eq!(empty, Derivation::default());
        assert_eq!(to_cumulative(&[]).unwrap(), MonthlySeries::new());
    }

    #[test]
    fn to_cumulative_refuses_holes_overlaps_and_bad_spans() {
        let jan = Span::month(p("2024-01"), 1.0);
        let mar = Span::month(p("2024-03"), 1.0);
        assert_eq!(
            to_cumulative(&[jan, mar]),
            Err(SpanError::NotContiguous {
                first: p("2024-03"),
                last: p("2024-03")
            })
        );
        let across = Span {
            first: p("2023-12"),
            last: p("2024-01"),
            value: 1.0,
        };
        assert!(matches!(
            to_cumulative(&[across]),
            Err(SpanError::BadSpan { .. })
        ));
        let overlap = Span {
            first: p("2024-01"),
            last: p("2024-02"),
            value: 1.0,
        };
        assert!(matches!(
            to_cumulative(&[jan, overlap]),
            Err(SpanError::NotContiguous { .. })
        ));
        assert!(matches!(
            to_cumulative(&[Span::month(p("2024-01"), f64::NAN)]),
            Err(SpanError::NonFinite { .. })
        ));
        // Order of the input does not matter.
        let feb = Span::month(p("2024-02"), 2.0);
        assert_eq!(
            to_cumulative(&[feb, jan]).unwrap(),
            series(&[("2024-01", 1.0), ("2024-02", 3.0)])
        );
    }
}
