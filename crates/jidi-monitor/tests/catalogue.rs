//! The aggregation table agrees with the shipped indicator catalogue of jidi-domain: the same 22
//! monthly codes, flows exactly where the catalogue says 1–N月, stocks where it says month-end,
//! and ratios whose components exist.

use jidi_domain::catalogue::{Frequency, indicator, reference_catalogue};
use jidi_monitor::derive::aggregate::{Aggregation, LOSS_SHARE, MONTHLY_INDICATORS};

/// Components a caller must supply that the catalogue does not collect monthly (documented on
/// `MONTHLY_INDICATORS`).
const EXTERNAL_COMPONENTS: [&str; 2] = ["m_liabilities", "m_assets"];

#[test]
fn the_table_covers_exactly_the_catalogues_monthly_indicators() {
    let mut catalogue: Vec<&str> = reference_catalogue()
        .iter()
        .filter(|i| i.frequency == Frequency::Monthly)
        .map(|i| i.code.as_str())
        .collect();
    let mut table: Vec<&str> = MONTHLY_INDICATORS.iter().map(|(c, _)| *c).collect();
    // The table is in catalogue order.
    assert_eq!(table, catalogue);
    catalogue.sort();
    table.sort();
    table.dedup();
    assert_eq!(table, catalogue);
}

#[test]
fn kinds_agree_with_the_catalogues_flags_and_formulas() {
    for (code, kind) in MONTHLY_INDICATORS {
        let entry = indicator(code).unwrap();
        match kind {
            Aggregation::FlowCumulative { .. } | Aggregation::CountYearToDate => {
                assert!(entry.cumulative, "{code} is reported 1–N月");
            }
            Aggregation::StockMonthEnd => {
                assert!(!entry.cumulative, "{code} is a month-end figure");
            }
            Aggregation::Ratio {
                numerator,
                denominator,
                scale,
            } => {
                assert_eq!(scale, 100.0, "{code}");
                assert_eq!(entry.unit, "%", "{code}");
                assert!(!entry.formula.is_empty(), "{code} has a formula");
                for component in [numerator, denominator] {
                    let known =
                        indicator(component).is_some() || EXTERNAL_COMPONENTS.contains(&component);
                    assert!(known, "{code}: component {component}");
                }
            }
            Aggregation::GrowthRate { weight } => {
                assert_eq!(entry.unit, "%", "{code}");
                // The weights are the annual levels of the same quantity.
                assert_eq!(indicator(weight).unwrap().frequency, Frequency::Annual);
            }
        }
    }
    // Money flows are in 亿元 except taxes (万元): the table sums within one indicator only.
    assert_eq!(indicator("m_tax").unwrap().unit, "万元");
    // 亏损面's components are both monthly indicators.
    if let Aggregation::Ratio {
        numerator,
        denominator,
        ..
    } = LOSS_SHARE
    {
        assert!(indicator(numerator).is_some() && indicator(denominator).is_some());
    }
}
