//! Properties: parsing never panics, conversions round-trip, checks never panic.

use std::collections::HashMap;

use jidi_collect::catalogue::{convert, convert_to};
use jidi_collect::check::{Context, check_values};
use jidi_collect::industry::check_industry_code;
use jidi_collect::parse::{BaseInfo, ParsedValue, Scope, ValuePeriod, parse_number, parse_period};
use jidi_collect::uscc::check_credit_code;
use jidi_collect::{CheckCatalogue, parse_long_form};
use jidi_monitor::period::Period;
use jidi_tabular::{Row, Table};
use proptest::prelude::*;

fn bases() -> HashMap<i64, BaseInfo> {
    (1..=3)
        .map(|id| {
            (
                id,
                BaseInfo {
                    name: format!("基地{id}"),
                    province_code: "430000".into(),
                },
            )
        })
        .collect()
}

/// Cells that are sometimes meaningful and sometimes garbage.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9,\\.\\-eE+ ]{0,12}",
        Just(String::new()),
        prop::sample::select(vec![
            "1",
            "2",
            "3",
            "99",
            "2024",
            "2024-03",
            "2024-13",
            "rev_main",
            "m_rev",
            "利润总额",
            "万元",
            "亿元",
            "元",
            "%",
            "NaN",
            "1e999",
            "１２",
            "2024年3月",
            "2024-Q1",
        ])
        .prop_map(String::from),
    ]
}

fn header() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        Just(
            [
                "base_id",
                "base_name",
                "period",
                "indicator",
                "value",
                "unit"
            ]
            .map(String::from)
            .to_vec()
        ),
        Just(
            ["基地编号", "期间", "指标", "数值"]
                .map(String::from)
                .to_vec()
        ),
        prop::collection::vec(cell(), 0..8),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn parsing_arbitrary_tables_never_panics(
        header in header(),
        rows in prop::collection::vec(prop::collection::vec(cell(), 0..9), 0..20),
        spreadsheet in any::<bool>(),
        scope in prop_oneof![Just(Scope::All), Just(Scope::Base(1)), Just(Scope::Province("430000".into()))],
    ) {
        let table = Table {
            file: "t.csv".into(),
            header,
            rows: rows.into_iter().enumerate().map(|(i, cells)| Row { number: i + 2, cells }).collect(),
            spreadsheet,
        };
        let catalogue = CheckCatalogue::standard();
        let out = parse_long_form(&table, catalogue, &bases(), &scope);
        for v in &out.values {
            prop_assert!(v.value.is_finite());
        }
        // Whatever was parsed can be checked.
        let _ = check_values(&out.values, &Context::new(catalogue));
    }

    #[test]
    fn scalar_parsers_never_panic(text in any::<String>()) {
        let _ = parse_number(&text);
        let _ = parse_period(&text);
        let _ = check_credit_code(&text);
        let _ = check_industry_code(&text);
        let _ = CheckCatalogue::from_csv(&text);
    }

    #[test]
    fn numbers_written_with_separators_read_back(x in -1e12f64..1e12) {
        let rounded = (x * 100.0).round() / 100.0;
        let plain = format!("{rounded:.2}");
        let (sign, digits) = plain.strip_prefix('-').map(|d| ("-", d)).unwrap_or(("", &plain));
        let (int, frac) = digits.split_once('.').unwrap();
        let grouped: Vec<String> = int.as_bytes().rchunks(3).rev()
            .map(|c| String::from_utf8(c.to_vec()).unwrap()).collect();
        let text = format!("{sign}{}.{frac}", grouped.join(","));
        prop_assert_eq!(parse_number(&text).unwrap(), Some(plain.parse::<f64>().unwrap()));
    }

    #[test]
    fn unit_conversions_round_trip(x in -1e9f64..1e9, pick in any::<prop::sample::Index>(), unit_pick in any::<prop::sample::Index>()) {
        let specs = CheckCatalogue::standard().specs();
        let spec = &specs[pick.index(specs.len())];
        let (unit, _) = &spec.accepted_units[unit_pick.index(spec.accepted_units.len())];
        let there = convert_to(x, unit, spec).unwrap();
        let back = convert(there, unit, spec).unwrap();
        prop_assert!((back - x).abs() <= 1e-12 * x.abs().max(1e-300), "{} {} {} -> {} -> {}", spec.code, unit, x, there, back);
    }

    #[test]
    fn check_values_never_panics(
        values in prop::collection::vec((1i64..4, any::<prop::sample::Index>(), 0u32..30, -1e12f64..1e12), 0..60),
        stored in prop::collection::vec((1i64..4, any::<prop::sample::Index>(), 0u32..30, -1e12f64..1e12), 0..60),
        zeros in any::<bool>(),
        groups in any::<bool>(),
    ) {
        let catalogue = CheckCatalogue::standard();
        let specs = catalogue.specs();
        // Periods: 2022 and 2023 as years, and 2022-01 … 2023-06 as months.
        let period = |k: u32| if k < 2 {
            ValuePeriod::Year(2022 + k as i32)
        } else {
            ValuePeriod::Month(Period::new(2022 + ((k - 2) / 12) as i32, (k - 2) % 12 + 1).unwrap())
        };
        let mut ctx = Context::new(catalogue);
        if groups {
            for b in 1..4 { ctx.set_peer_group(b, "g"); }
        }
        for (b, i, k, x) in &stored {
            let code = &specs[i.index(specs.len())].code;
            ctx.add_value(*b, code, period(*k), if zeros { 0.0 } else { *x });
        }
        let values: Vec<ParsedValue> = values.iter().enumerate().map(|(row, (b, i, k, x))| ParsedValue {
            row,
            base_id: *b,
            period: period(*k),
            indicator: specs[i.index(specs.len())].code.clone(),
            value: *x,
            reported: (*x, None),
        }).collect();
        for f in check_values(&values, &ctx) {
            prop_assert!(!f.message.is_empty());
        }
    }
}
