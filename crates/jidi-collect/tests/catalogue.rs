//! The shipped check specs cover the reference catalogue exactly and agree with it.

use jidi_collect::catalogue::{
    CheckCatalogue, Frequency, STANDARD_CHECKS_CSV, convert, convert_to,
};
use jidi_domain::catalogue::{self as domain, reference_catalogue};

#[test]
fn every_reference_indicator_has_a_spec_with_its_unit_and_frequency() {
    let checks = CheckCatalogue::standard();
    assert_eq!(checks.len(), reference_catalogue().len());
    for indicator in reference_catalogue() {
        let spec = checks
            .get(&indicator.code)
            .unwrap_or_else(|| panic!("no spec for {}", indicator.code));
        assert_eq!(spec.unit, indicator.unit, "{}", indicator.code);
        assert_eq!(spec.name_zh, indicator.name_zh, "{}", indicator.code);
        let frequency = match indicator.frequency {
            domain::Frequency::Annual => Frequency::Annual,
            domain::Frequency::Monthly => Frequency::Monthly,
        };
        assert_eq!(spec.frequency, frequency, "{}", indicator.code);
        // Only year-to-date sums are cumulative here; every one is 1–N月 in the reference.
        if spec.cumulative {
            assert!(indicator.cumulative, "{}", indicator.code);
        }
    }
}

#[test]
fn shares_are_bounded_and_money_converts_across_the_family() {
    let checks = CheckCatalogue::standard();
    for spec in checks.specs() {
        if spec.unit == "%" && spec.code.ends_with("_share") {
            assert_eq!(
                (spec.min, spec.max),
                (Some(0.0), Some(100.0)),
                "{}",
                spec.code
            );
        }
        if spec.unit == "亿元" {
            for (unit, factor) in [("元", 1e-8), ("万元", 1e-4), ("亿元", 1.0)] {
                assert_eq!(spec.factor(unit), Some(factor), "{} {unit}", spec.code);
            }
        }
        if spec.unit == "个" || spec.unit == "家" {
            assert_eq!(spec.min, Some(0.0), "{}", spec.code);
        }
    }
    let rev = checks.get("rev_main").unwrap();
    assert_eq!(convert(1.0, "元", rev).unwrap(), 1e-8);
    assert_eq!(convert_to(31.2, "万元", rev).unwrap(), 312000.0);
}

#[test]
fn the_documented_part_of_relations_hold() {
    let checks = CheckCatalogue::standard();
    let parts = |code: &str| checks.get(code).unwrap().parts_of.clone();
    assert_eq!(parts("m_export_delivery"), ["m_sales_output"]);
    assert_eq!(parts("m_sales_output"), ["m_output_gross"]);
    assert_eq!(parts("profit_total"), ["rev_main"]);
    assert_eq!(parts("m_profit"), ["m_rev"]);
}

#[test]
fn the_shipped_file_round_trips_through_from_csv() {
    let parsed = CheckCatalogue::from_csv(STANDARD_CHECKS_CSV).unwrap();
    assert_eq!(&parsed, CheckCatalogue::standard());
    let with_bom = format!("\u{feff}{STANDARD_CHECKS_CSV}");
    assert_eq!(CheckCatalogue::from_csv(&with_bom).unwrap().len(), 68);
}
