//! Growth rates and shares: 同比 (year on year), 环比 (on the previous month), 占比 (share) and
//! growth on a comparable basis (可比口径).
//!
//! Every rate is an exact percentage (`12.5` means +12.5 %), never rounded; rounding to one
//! decimal is presentation ([`crate::derive::units::round_half_away`]). A rate that cannot be
//! computed is an `Err(`[`Undefined`]`)` saying why, never `NaN` or infinity.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::period::{MonthlySeries, Period};

/// Why a growth rate, share or ratio has no value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Undefined {
    /// A figure is absent or not finite.
    Missing,
    /// The base (denominator) is zero.
    ZeroBase,
    /// The base is negative: officials publish no growth rate then (上年同期为负, reported as
    /// 扭亏 or 亏损增加/减少 instead), because the sign of the ratio would mislead.
    NegativeBase,
    /// The two figures cover different months, e.g. a combined 1–2月 value against a single
    /// February.
    SpanMismatch,
    /// The result is too large to represent (an absurd input such as 1e300 over 1e-300).
    OutOfRange,
}

impl Undefined {
    /// A short Chinese explanation, for pages and warning texts.
    pub fn text_zh(self) -> &'static str {
        match self {
            Undefined::Missing => "数据缺失",
            Undefined::ZeroBase => "基期为零",
            Undefined::NegativeBase => "基期为负，不计算增速",
            Undefined::SpanMismatch => "比较期口径不一致",
            Undefined::OutOfRange => "结果超出可表示范围",
        }
    }

    /// A short English explanation.
    pub fn text_en(self) -> &'static str {
        match self {
            Undefined::Missing => "figure missing",
            Undefined::ZeroBase => "base is zero",
            Undefined::NegativeBase => "base is negative; no growth rate is published",
            Undefined::SpanMismatch => "the compared periods cover different months",
            Undefined::OutOfRange => "the result is too large to represent",
        }
    }
}

/// Growth of `current` over `base` in percent: `(current − base) / base × 100`.
///
/// `Err` when either figure is not finite ([`Undefined::Missing`]), the base is zero
/// ([`Undefined::ZeroBase`]) or negative ([`Undefined::NegativeBase`]), or the rate overflows
/// ([`Undefined::OutOfRange`]). A negative `current`
/// over a positive base is a defined rate below −100 %.
///
/// ```
/// use jidi_monitor::derive::growth::{growth_rate, Undefined};
///
/// assert_eq!(growth_rate(110.0, 100.0), Ok(10.0));
/// assert_eq!(growth_rate(-5.0, 100.0), Ok(-105.0));
/// assert_eq!(growth_rate(5.0, -10.0), Err(Undefined::NegativeBase));
/// assert_eq!(growth_rate(f64::NAN, 1.0), Err(Undefined::Missing));
/// ```
pub fn growth_rate(current: f64, base: f64) -> Result<f64, Undefined> {
    if !current.is_finite() || !base.is_finite() {
        return Err(Undefined::Missing);
    }
    if base == 0.0 {
        return Err(Undefined::ZeroBase);
    }
    if base < 0.0 {
        return Err(Undefined::NegativeBase);
    }
    finite((current - base) / base * 100.0)
}

/// `Ok(value)` when finite, else [`Undefined::OutOfRange`].
pub(crate) fn finite(value: f64) -> Result<f64, Undefined> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(Undefined::OutOfRange)
    }
}

/// The change of a figure that is itself a percentage (利润率, 资产负债率, 产品销售率), in
/// percentage points (百分点): `current − base`. Officials compare ratios this way, not by a
/// growth rate of the ratio.
pub fn change_in_points(current: f64, base: f64) -> Result<f64, Undefined> {
    if !current.is_finite() || !base.is_finite() {
        return Err(Undefined::Missing);
    }
    finite(current - base)
}

/// `part / whole × 100`: a share (占比) in percent.
///
/// `Err` when a figure is not finite, the whole is zero, or the whole is negative (a share of a
/// negative total, such as a share of a group's net loss, has no meaning).
pub fn share(part: f64, whole: f64) -> Result<f64, Undefined> {
    if !part.is_finite() || !whole.is_finite() {
        return Err(Undefined::Missing);
    }
    if whole == 0.0 {
        return Err(Undefined::ZeroBase);
    }
    if whole < 0.0 {
        return Err(Undefined::NegativeBase);
    }
    finite(part / whole * 100.0)
}

/// Each part's share of the sum of all parts, in percent. Strict: when any part is not finite,
/// every share is [`Undefined::Missing`], because the whole is unknown and shares that do not add
/// up to 100 would mislead. An empty slice gives an empty vector.
pub fn shares(parts: &[f64]) -> Vec<Result<f64, Undefined>> {
    if parts.iter().any(|v| !v.is_finite()) {
        return vec![Err(Undefined::Missing); parts.len()];
    }
    let whole: f64 = parts.iter().sum();
    parts.iter().map(|&part| share(part, whole)).collect()
}

/// Year-on-year growth (同比) at `period`: the value at `period` over the value of the same
/// month a year earlier, in percent.
///
/// Applied to a 1–N月 cumulative series this is 累计同比; applied to single months it is 当月
/// 同比; applied to month-end stocks it is the growth of the stock.
pub fn yoy(series: &MonthlySeries, period: Period) -> Result<f64, Undefined> {
    let base_period = period.same_month_last_year().ok_or(Undefined::Missing)?;
    growth_between(series, period, base_period)
}

/// Month-on-month growth (环比) at `period`: over the previous month, in percent.
///
/// Computed on the figures as given, without seasonal adjustment (NBS's published 环比 of value
/// added is seasonally adjusted; this one is not). For a 1–N月 cumulative series it is
/// meaningless, so derive single months first ([`crate::derive::cumulative::from_cumulative`]).
pub fn mom(series: &MonthlySeries, period: Period) -> Result<f64, Undefined> {
    let base_period = period.previous().ok_or(Undefined::Missing)?;
    growth_between(series, period, base_period)
}

fn growth_between(series: &MonthlySeries, period: Period, base: Period) -> Result<f64, Undefined> {
    let current = series.get(&period).copied().ok_or(Undefined::Missing)?;
    let base = series.get(&base).copied().ok_or(Undefined::Missing)?;
    growth_rate(current, base)
}

/// [`yoy`] at every period of the series.
pub fn yoy_series(series: &MonthlySeries) -> BTreeMap<Period, Result<f64, Undefined>> {
    series.keys().map(|&p| (p, yoy(series, p))).collect()
}

/// [`mom`] at every period of the series.
pub fn mom_series(series: &MonthlySeries) -> BTreeMap<Period, Result<f64, Undefined>> {
    series.keys().map(|&p| (p, mom(series, p))).collect()
}

/// Growth of an aggregate, plainly and on a comparable basis (可比口径), with the members that
/// entered or left the roll between the two periods.
#[derive(Clone, Debug, PartialEq)]
pub struct ComparableGrowth<K> {
    /// Growth of the total over every member present now against the total over every member
    /// present in the base period: what dividing two published totals gives.
    pub plain: Result<f64, Undefined>,
    /// Growth over the members present in both periods only: what NBS publishes (同口径).
    pub comparable: Result<f64, Undefined>,
    /// Total now, over every member present now.
    pub current_total: f64,
    /// Total in the base period, over every member present then.
    pub base_total: f64,
    /// Total now over the members present in both periods.
    pub comparable_current: f64,
    /// Total in the base period over the members present in both periods.
    pub comparable_base: f64,
    /// Members present now and not in the base period (newly designated or newly reporting).
    pub entered: Vec<K>,
    /// Members present in the base period and not now (withdrawn or not reporting).
    pub left: Vec<K>,
}

/// Growth of a summed figure between a base period and now, plainly and on the set of members
/// present in both (可比口径). A member whose value is not finite counts as absent in that period.
///
/// ```
/// use std::collections::BTreeMap;
/// use jidi_monitor::derive::growth::comparable_growth;
///
/// // Base A grew 100 → 110; B left the roll (50 last year); C is new (40 this year).
/// let base = BTreeMap::from([("A", 100.0), ("B", 50.0)]);
/// let now = BTreeMap::from([("A", 110.0), ("C", 40.0)]);
/// let g = comparable_growth(&now, &base);
/// assert_eq!(g.comparable, Ok(10.0));                 // 110 / 100
/// assert_eq!(g.plain, Ok(0.0));                       // 150 / 150
/// assert_eq!((g.entered, g.left), (vec!["C"], vec!["B"]));
/// ```
pub fn comparable_growth<K: Ord + Clone>(
    current: &BTreeMap<K, f64>,
    base: &BTreeMap<K, f64>,
) -> ComparableGrowth<K> {
    let now: BTreeMap<&K, f64> = current
        .iter()
        .filter(|(_, v)| v.is_finite())
        .map(|(k, &v)| (k, v))
        .collect();
    let then: BTreeMap<&K, f64> = base
        .iter()
        .filter(|(_, v)| v.is_finite())
        .map(|(k, &v)| (k, v))
        .collect();
    let current_total: f64 = now.values().sum();
    let base_total: f64 = then.values().sum();
    let mut comparable_current = 0.0;
    let mut comparable_base = 0.0;
    let mut entered = Vec::new();
    for (&key, &value) in &now {
        match then.get(key) {
            Some(&before) => {
                comparable_current += value;
                comparable_base += before;
            }
            None => entered.push(key.clone()),
        }
    }
    let left = then
        .keys()
        .filter(|k| !now.contains_key(*k))
        .map(|&k| k.clone())
        .collect();
    ComparableGrowth {
        plain: growth_rate(current_total, base_total),
        comparable: growth_rate(comparable_current, comparable_base),
        current_total,
        base_total,
        comparable_current,
        comparable_base,
        entered,
        left,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(entries: &[(&str, f64)]) -> MonthlySeries {
        entries
            .iter()
            .map(|(p, v)| (p.parse().unwrap(), *v))
            .collect()
    }

    fn p(text: &str) -> Period {
        text.parse().unwrap()
    }

    #[test]
    fn growth_rate_cases() {
        // (current, base, expected)
        let table: &[(f64, f64, Result<f64, Undefined>)] = &[
            (120.0, 100.0, Ok(20.0)),
            (80.0, 100.0, Ok(-20.0)),
            (0.0, 100.0, Ok(-100.0)),
            (-30.0, 100.0, Ok(-130.0)),
            (5.0, 0.0, Err(Undefined::ZeroBase)),
            (5.0, -1.0, Err(Undefined::NegativeBase)),
            (f64::NAN, 1.0, Err(Undefined::Missing)),
            (1.0, f64::INFINITY, Err(Undefined::Missing)),
            (1e300, 1e-300, Err(Undefined::OutOfRange)),
        ];
        for (current, base, expected) in table {
            assert_eq!(
                growth_rate(*current, *base),
                *expected,
                "{current} / {base}"
            );
        }
        assert_eq!(
            change_in_points(5.76, 4.60).map(|d| (d * 100.0).round()),
            Ok(116.0)
        );
        assert_eq!(change_in_points(f64::NAN, 1.0), Err(Undefined::Missing));
    }

    #[test]
    fn year_on_year_and_month_on_month() {
        let s = series(&[
            ("2023-01", 50.0),
            ("2023-12", 80.0),
            ("2024-01", 60.0),
            ("2024-02", 45.0),
        ]);
        assert_eq!(yoy(&s, p("2024-01")), Ok(20.0));
        assert_eq!(yoy(&s, p("2024-02")), Err(Undefined::Missing));
        assert_eq!(mom(&s, p("2024-01")), Ok(-25.0));
        assert_eq!(mom(&s, p("2024-02")), Ok(-25.0));
        assert_eq!(mom(&s, p("2023-01")), Err(Undefined::Missing));
        let all = yoy_series(&s);
        assert_eq!(all.len(), 4);
        assert_eq!(all[&p("2024-01")], Ok(20.0));
        assert_eq!(mom_series(&s)[&p("2023-12")], Err(Undefined::Missing));
        assert!(yoy_series(&MonthlySeries::new()).is_empty());
        assert_eq!(
            yoy(&MonthlySeries::new(), p("0001-01")),
            Err(Undefined::Missing)
        );
    }

    #[test]
    fn shares_are_strict_about_missing_parts() {
        assert_eq!(share(25.0, 200.0), Ok(12.5));
        assert_eq!(share(1.0, 0.0), Err(Undefined::ZeroBase));
        assert_eq!(share(1.0, -4.0), Err(Undefined::NegativeBase));
        assert_eq!(shares(&[1.0, 3.0]), vec![Ok(25.0), Ok(75.0)]);
        assert_eq!(
            shares(&[1.0, f64::NAN]),
            vec![Err(Undefined::Missing), Err(Undefined::Missing)]
        );
        assert_eq!(shares(&[0.0, 0.0]), vec![Err(Undefined::ZeroBase); 2]);
        assert!(shares(&[]).is_empty());
    }

    #[test]
    fn comparable_growth_over_a_changing_roll() {
        // Three bases last year (A 100, B 50, D NaN = not reported), three this year
        // (A 120, C 30, D 10). Common set {A}: 120 / 100 → +20 %. Plain: 160 / 150.
        let base = BTreeMap::from([("A", 100.0), ("B", 50.0), ("D", f64::NAN)]);
        let now = BTreeMap::from([("A", 120.0), ("C", 30.0), ("D", 10.0)]);
        let g = comparable_growth(&now, &base);
        assert_eq!(g.comparable, Ok(20.0));
        let plain = g.plain.unwrap();
        assert!((plain - (160.0 / 150.0 - 1.0) * 100.0).abs() < 1e-12);
        assert_eq!((g.current_total, g.base_total), (160.0, 150.0));
        assert_eq!((g.comparable_current, g.comparable_base), (120.0, 100.0));
        assert_eq!(g.entered, vec!["C", "D"]);
        assert_eq!(g.left, vec!["B"]);

        let empty: BTreeMap<&str, f64> = BTreeMap::new();
        let g = comparable_growth(&empty, &empty);
        assert_eq!(g.plain, Err(Undefined::ZeroBase));
        assert_eq!(g.comparable, Err(Undefined::ZeroBase));
    }
}
