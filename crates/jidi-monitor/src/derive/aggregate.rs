//! Group series from many bases' series: how each monthly indicator adds up.
//!
//! Amounts add: a group's revenue is the sum of its bases' revenue, for 1–N月 totals and
//! month-end stocks alike. Ratios never average: a group's profit margin is Σ利润 / Σ营收, not
//! the mean of the bases' margins (a small base with a high margin would otherwise weigh as much
//! as a large one). Growth rates are weighted by the base-period level, which makes them the
//! growth of the summed levels. [`Aggregation`] names the rule; [`MONTHLY_INDICATORS`] gives it
//! for each of the 22 monthly indicators of the catalogue.

use std::collections::BTreeMap;

use crate::derive::cumulative::FlowSign;
use crate::derive::growth::{Undefined, finite};
use crate::period::{MonthlySeries, Period};

/// How an indicator's values of many bases combine into one group value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Aggregation {
    /// A flow reported 1–N月 cumulative (revenue, output, energy): summed over bases; a total
    /// may be differenced into single months ([`crate::derive::cumulative`]).
    FlowCumulative {
        /// Whether the flow can be negative (profit) or not.
        sign: FlowSign,
    },
    /// A month-end stock (inventory, receivables, number of firms): summed over bases, never
    /// differenced over months.
    StockMonthEnd,
    /// A count reported on a 1–N月 basis that is not a flow (loss-making firms, 亏损企业数: the
    /// firms whose year-to-date result is a loss): summed over bases, never differenced.
    CountYearToDate,
    /// `Σ numerator / Σ denominator × scale` over the bases that report both components.
    Ratio {
        /// Indicator code of the numerator.
        numerator: &'static str,
        /// Indicator code of the denominator.
        denominator: &'static str,
        /// 100 for a percentage.
        scale: f64,
    },
    /// A growth rate in percent, aggregated as `Σ wᵢ gᵢ / Σ wᵢ` with `wᵢ` the base's level in
    /// the base period (last year's same period): exactly the growth of the summed levels.
    GrowthRate {
        /// Code of the weight: the base-period level of the quantity that grows.
        weight: &'static str,
    },
}

impl Aggregation {
    /// The indicator codes a base must report for `code` to contribute to a group value.
    pub fn inputs(self, code: &str) -> Vec<&str> {
        match self {
            Aggregation::Ratio {
                numerator,
                denominator,
                ..
            } => vec![numerator, denominator],
            Aggregation::GrowthRate { weight } => vec![code, weight],
            _ => vec![code],
        }
    }

    /// Whether single months can be derived by differencing 1–N月 totals.
    pub fn differences_over_months(self) -> bool {
        matches!(self, Aggregation::FlowCumulative { .. })
    }
}

const NON_NEGATIVE: Aggregation = Aggregation::FlowCumulative {
    sign: FlowSign::NonNegative,
};

/// 亏损面: loss-making firms as a share of all above-scale firms, in percent.
pub const LOSS_SHARE: Aggregation = Aggregation::Ratio {
    numerator: "m_loss_ent",
    denominator: "m_ent_count",
    scale: 100.0,
};

/// The aggregation of each of the catalogue's 22 monthly indicators (`m_*` codes of
/// `indicator_catalogue_reference.csv`), in catalogue order.
///
/// Components that the catalogue does not collect monthly, and that a caller must supply for a
/// group value to exist:
/// - `va_ind` weighs `m_va_growth` (value added of the base period, at comparable prices; the
///   previous year's annual `va_ind` is the usual stand-in);
/// - `fai_total` weighs `m_fai` (industrial investment of the base period);
/// - `m_liabilities` and `m_assets` (负债合计, 资产总计) make `m_asset_liab`; averaging the
///   bases' ratios instead would be wrong, so without them there is no group value.
pub const MONTHLY_INDICATORS: [(&str, Aggregation); 22] = [
    ("m_va_growth", Aggregation::GrowthRate { weight: "va_ind" }),
    ("m_output_gross", NON_NEGATIVE),
    ("m_sales_output", NON_NEGATIVE),
    ("m_rev", NON_NEGATIVE),
    ("m_cost", NON_NEGATIVE),
    (
        "m_profit",
        Aggregation::FlowCumulative {
            sign: FlowSign::Signed,
        },
    ),
    (
        "m_margin",
        Aggregation::Ratio {
            numerator: "m_profit",
            denominator: "m_rev",
            scale: 100.0,
        },
    ),
    ("m_export_delivery", NON_NEGATIVE),
    (
        "m_sales_ratio",
        Aggregation::Ratio {
            numerator: "m_sales_output",
            denominator: "m_output_gross",
            scale: 100.0,
        },
    ),
    ("m_elec", NON_NEGATIVE),
    ("m_energy", NON_NEGATIVE),
    ("m_coal", NON_NEGATIVE),
    ("m_oil", NON_NEGATIVE),
    ("m_gas", NON_NEGATIVE),
    ("m_heat", NON_NEGATIVE),
    (
        "m_fai",
        Aggregation::GrowthRate {
            weight: "fai_total",
        },
    ),
    ("m_loss_ent", Aggregation::CountYearToDate),
    (
        "m_asset_liab",
        Aggregation::Ratio {
            numerator: "m_liabilities",
            denominator: "m_assets",
            scale: 100.0,
        },
    ),
    ("m_receivables", Aggregation::StockMonthEnd),
    ("m_inventory", Aggregation::StockMonthEnd),
    ("m_tax", NON_NEGATIVE),
    ("m_ent_count", Aggregation::StockMonthEnd),
];

/// The aggregation of a monthly indicator of the catalogue, by code.
pub fn monthly_aggregation(code: &str) -> Option<Aggregation> {
    MONTHLY_INDICATORS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, a)| *a)
}

/// One base's monthly figures: indicator code → series.
pub type Panel = BTreeMap<String, MonthlySeries>;

/// A group's value at one period, with who contributed.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupValue<K> {
    /// The group value, or why there is none (no contributor, zero denominator …).
    pub value: Result<f64, Undefined>,
    /// How many bases contributed.
    pub n_contributors: usize,
    /// Bases that lacked a finite value of an input at this period (not counted in `value`).
    pub missing: Vec<K>,
}

/// The group series of indicator `code`: at every period where any base reports an input, the
/// aggregate over the bases that report every input finite (a base's numerator is never paired
/// with another base's denominator). Bases lacking an input are listed in
/// [`GroupValue::missing`]; a group total over fewer bases than usual is the caller's to judge.
///
/// ```
/// use std::collections::BTreeMap;
/// use jidi_monitor::derive::aggregate::{aggregate, monthly_aggregation, Panel};
/// use jidi_monitor::period::Period;
///
/// let march: Period = "2024-03".parse()?;
/// let base = |profit: f64, revenue: f64| -> Panel {
///     Panel::from([("m_profit".to_string(), [(march, profit)].into()),
///                  ("m_rev".to_string(), [(march, revenue)].into())])
/// };
/// // A: 1 / 10 = 10 %; B: 9 / 90 = 10 %; C: 20 / 100 = 20 %. Mean of ratios 13.3 %;
/// // ratio of sums 30 / 200 = 15 %.
/// let bases = BTreeMap::from([("A", base(1.0, 10.0)), ("B", base(9.0, 90.0)),
///                             ("C", base(20.0, 100.0))]);
/// let margin = monthly_aggregation("m_margin").unwrap();
/// let group = aggregate("m_margin", margin, &bases);
/// assert_eq!(group[&march].value, Ok(15.0));
/// # Ok::<(), jidi_monitor::period::PeriodError>(())
/// ```
pub fn aggregate<K: Ord + Clone>(
    code: &str,
    aggregation: Aggregation,
    bases: &BTreeMap<K, Panel>,
) -> BTreeMap<Period, GroupValue<K>> {
    let inputs = aggregation.inputs(code);
    let periods: std::collections::BTreeSet<Period> = bases
        .values()
        .flat_map(|panel| {
            inputs
                .iter()
                .filter_map(|input| panel.get(*input))
                .flat_map(|series| series.keys().copied())
        })
        .collect();
    periods
        .into_iter()
        .map(|period| (period, aggregate_at(aggregation, &inputs, bases, period)))
        .collect()
}

fn aggregate_at<K: Ord + Clone>(
    aggregation: Aggregation,
    inputs: &[&str],
    bases: &BTreeMap<K, Panel>,
    period: Period,
) -> GroupValue<K> {
    let mut missing = Vec::new();
    let mut rows: Vec<Vec<f64>> = Vec::new();
    for (key, panel) in bases {
        let row: Option<Vec<f64>> = inputs
            .iter()
            .map(|input| {
                panel
                    .get(*input)
                    .and_then(|series| series.get(&period))
                    .copied()
                    .filter(|v| v.is_finite())
            })
            .collect();
        match row {
            // A growth rate's weight is a level: a negative one cannot weigh.
            Some(row) if matches!(aggregation, Aggregation::GrowthRate { .. }) && row[1] < 0.0 => {
                missing.push(key.clone())
            }
            Some(row) => rows.push(row),
            None => missing.push(key.clone()),
        }
    }
    let n_contributors = rows.len();
    let value = if rows.is_empty() {
        Err(Undefined::Missing)
    } else {
        match aggregation {
            Aggregation::FlowCumulative { .. }
            | Aggregation::StockMonthEnd
            | Aggregation::CountYearToDate => finite(rows.iter().map(|r| r[0]).sum()),
            Aggregation::Ratio { scale, .. } => {
                let numerator: f64 = rows.iter().map(|r| r[0]).sum();
                let denominator: f64 = rows.iter().map(|r| r[1]).sum();
                ratio(numerator, denominator, scale)
            }
            Aggregation::GrowthRate { .. } => {
                let weighted: f64 = rows.iter().map(|r| r[0] * r[1]).sum();
                let weights: f64 = rows.iter().map(|r| r[1]).sum();
                ratio(weighted, weights, 1.0)
            }
        }
    };
    GroupValue {
        value,
        n_contributors,
        missing,
    }
}

/// `numerator / denominator × scale`; `Err` for a missing figure, a zero or negative
/// denominator, or a result too large to represent.
pub fn ratio(numerator: f64, denominator: f64, scale: f64) -> Result<f64, Undefined> {
    if !numerator.is_finite() || !denominator.is_finite() || !scale.is_finite() {
        return Err(Undefined::Missing);
    }
    if denominator == 0.0 {
        return Err(Undefined::ZeroBase);
    }
    if denominator < 0.0 {
        return Err(Undefined::NegativeBase);
    }
    finite(numerator / denominator * scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Period {
        text.parse().unwrap()
    }

    fn panel(entries: &[(&str, &str, f64)]) -> Panel {
        let mut out = Panel::new();
        for (code, period, value) in entries {
            out.entry(code.to_string())
                .or_default()
                .insert(p(period), *value);
        }
        out
    }

    #[test]
    fn flows_and_stocks_sum_and_name_who_is_missing() {
        let bases = BTreeMap::from([
            (
                "A",
                panel(&[("m_rev", "2024-01", 10.0), ("m_rev", "2024-02", 25.0)]),
            ),
            (
                "B",
                panel(&[("m_rev", "2024-01", 5.0), ("m_rev", "2024-02", f64::NAN)]),
            ),
            ("C", panel(&[])),
        ]);
        let g = aggregate("m_rev", monthly_aggregation("m_rev").unwrap(), &bases);
        assert_eq!(g.len(), 2);
        assert_eq!(g[&p("2024-01")].value, Ok(15.0));
        assert_eq!(g[&p("2024-01")].n_contributors, 2);
        assert_eq!(g[&p("2024-01")].missing, vec!["C"]);
        assert_eq!(g[&p("2024-02")].value, Ok(25.0));
        assert_eq!(g[&p("2024-02")].missing, vec!["B", "C"]);
        let stock = aggregate("m_inventory", Aggregation::StockMonthEnd, &bases);
        assert!(stock.is_empty());
    }

    #[test]
    fn ratios_are_ratios_of_sums_over_bases_with_both_components() {
        // Sales ratio: A 95 / 100, B 40 / 50, C has output but no sales (excluded entirely,
        // not paired). Σ sales / Σ output = 135 / 150 = 90 %. Mean of ratios would be 87.5 %.
        let bases = BTreeMap::from([
            (
                1,
                panel(&[
                    ("m_sales_output", "2024-03", 95.0),
                    ("m_output_gross", "2024-03", 100.0),
                ]),
            ),
            (
                2,
                panel(&[
                    ("m_sales_output", "2024-03", 40.0),
                    ("m_output_gross", "2024-03", 50.0),
                ]),
            ),
            (3, panel(&[("m_output_gross", "2024-03", 1000.0)])),
        ]);
        let kind = monthly_aggregation("m_sales_ratio").unwrap();
        let g = aggregate("m_sales_ratio", kind, &bases);
        let v = &g[&p("2024-03")];
        assert!((v.value.unwrap() - 90.0).abs() < 1e-12);
        assert_eq!((v.n_contributors, v.missing.clone()), (2, vec![3]));
    }

    #[test]
    fn loss_share_and_zero_denominators() {
        let bases = BTreeMap::from([
            (
                "A",
                panel(&[
                    ("m_loss_ent", "2024-05", 3.0),
                    ("m_ent_count", "2024-05", 20.0),
                ]),
            ),
            (
                "B",
                panel(&[
                    ("m_loss_ent", "2024-05", 7.0),
                    ("m_ent_count", "2024-05", 30.0),
                ]),
            ),
        ]);
        let g = aggregate("loss_share", LOSS_SHARE, &bases);
        assert_eq!(g[&p("2024-05")].value, Ok(20.0));
        let zero = BTreeMap::from([(
            "A",
            panel(&[
                ("m_loss_ent", "2024-05", 0.0),
                ("m_ent_count", "2024-05", 0.0),
            ]),
        )]);
        let g = aggregate("loss_share", LOSS_SHARE, &zero);
        assert_eq!(g[&p("2024-05")].value, Err(Undefined::ZeroBase));
    }

    #[test]
    fn growth_rates_weigh_by_base_period_level() {
        // A grew 10 % from 100, B grew −5 % from 300: levels 110 + 285 = 395 over 400 →
        // −1.25 %. The weights make it exact: (100·10 + 300·(−5)) / 400 = −1.25.
        // C reports a growth but no weight; D a negative weight: both excluded.
        let bases = BTreeMap::from([
            (
                "A",
                panel(&[
                    ("m_va_growth", "2024-06", 10.0),
                    ("va_ind", "2024-06", 100.0),
                ]),
            ),
            (
                "B",
                panel(&[
                    ("m_va_growth", "2024-06", -5.0),
                    ("va_ind", "2024-06", 300.0),
                ]),
            ),
            ("C", panel(&[("m_va_growth", "2024-06", 50.0)])),
            (
                "D",
                panel(&[
                    ("m_va_growth", "2024-06", 50.0),
                    ("va_ind", "2024-06", -1.0),
                ]),
            ),
        ]);
        let kind = monthly_aggregation("m_va_growth").unwrap();
        let g = aggregate("m_va_growth", kind, &bases);
        let v = &g[&p("2024-06")];
        assert!((v.value.unwrap() - (395.0 / 400.0 - 1.0) * 100.0).abs() < 1e-12);
        assert_eq!(v.missing, vec!["C", "D"]);
    }

    #[test]
    fn the_mapping_covers_each_code_once() {
        let mut codes: Vec<&str> = MONTHLY_INDICATORS.iter().map(|(c, _)| *c).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 22);
        assert_eq!(monthly_aggregation("rev_main"), None);
        assert!(
            monthly_aggregation("m_rev")
                .unwrap()
                .differences_over_months()
        );
        assert!(
            !monthly_aggregation("m_loss_ent")
                .unwrap()
                .differences_over_months()
        );
        assert_eq!(
            monthly_aggregation("m_margin").unwrap().inputs("m_margin"),
            vec!["m_profit", "m_rev"]
        );
        assert_eq!(ratio(1.0, -2.0, 1.0), Err(Undefined::NegativeBase));
        assert_eq!(ratio(f64::MAX, 1e-300, 1.0), Err(Undefined::OutOfRange));
    }
}
