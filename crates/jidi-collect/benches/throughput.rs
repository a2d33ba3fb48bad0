//! Throughput of parsing and checking a large long-form file: 500 bases × 12 months × the 22
//! monthly indicators (132,000 rows), checked against a stored previous year and ten peer
//! groups. Run with `cargo bench -p jidi-collect`; prints rows per second.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

use jidi_collect::check::{Context, check_values};
use jidi_collect::parse::{BaseInfo, Scope, ValuePeriod};
use jidi_collect::{CheckCatalogue, Frequency, parse_long_form};
use jidi_monitor::period::Period;
use jidi_tabular::{Row, Table};

const BASES: i64 = 500;

/// A plausible figure of `code` for `base` in month `m` (cumulative where the spec says so).
fn figure(catalogue: &CheckCatalogue, code: &str, base: i64, m: u32, year_factor: f64) -> f64 {
    let spec = catalogue.get(code).unwrap();
    let size = 5.0 + (base % 37) as f64 * 3.0;
    let wobble = |m: u32| 1.0 + ((base * 31 + i64::from(m) * 7) % 11) as f64 / 100.0;
    let share = match code {
        "m_output_gross" => 1.0,
        "m_sales_output" => 0.95,
        "m_export_delivery" => 0.2,
        "m_rev" => 1.05,
        "m_cost" => 0.9,
        "m_profit" => 0.07,
        _ => 0.5,
    };
    let monthly = |m: u32| size * share * wobble(m) * year_factor;
    if spec.unit == "%" {
        40.0 + (base % 20) as f64
    } else if spec.cumulative {
        (1..=m).map(monthly).sum()
    } else {
        monthly(m)
    }
}

fn main() {
    let catalogue = CheckCatalogue::standard();
    let monthly: Vec<&str> = catalogue
        .specs()
        .iter()
        .filter(|s| s.frequency == Frequency::Monthly)
        .map(|s| s.code.as_str())
        .collect();
    let bases: HashMap<i64, BaseInfo> = (1..=BASES)
        .map(|id| {
            (
                id,
                BaseInfo {
                    name: format!("基地{id}"),
                    province_code: format!("{}0000", 11 + id % 30),
                },
            )
        })
        .collect();

    let mut rows = Vec::new();
    for base in 1..=BASES {
        for m in 1..=12u32 {
            for code in &monthly {
                let value = figure(catalogue, code, base, m, 1.08);
                let cells = vec![
                    base.to_string(),
                    String::new(),
                    format!("2024-{m:02}"),
                    code.to_string(),
                    format!("{value:.4}"),
                    String::new(),
                ];
                rows.push(Row {
                    number: rows.len() + 2,
                    cells,
                });
            }
        }
    }
    let table = Table {
        file: "bench.csv".into(),
        header: [
            "base_id",
            "base_name",
            "period",
            "indicator",
            "value",
            "unit",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        spreadsheet: false,
    };

    let mut context = Context::new(catalogue);
    for base in 1..=BASES {
        context.set_peer_group(base, &format!("group{}", base % 10));
        for m in 1..=12u32 {
            for code in &monthly {
                let period = ValuePeriod::Month(Period::new(2023, m).unwrap());
                context.add_value(base, code, period, figure(catalogue, code, base, m, 1.0));
            }
        }
    }

    let n = table.rows.len();
    let runs = 5;
    let mut best_parse = f64::INFINITY;
    let mut best_total = f64::INFINITY;
    let mut findings = 0;
    let mut by_rule: std::collections::BTreeMap<&str, usize> = Default::default();
    for _ in 0..runs {
        let start = Instant::now();
        let parsed = parse_long_form(black_box(&table), catalogue, &bases, &Scope::All);
        let parse_done = start.elapsed().as_secs_f64();
        let checked = check_values(black_box(&parsed.values), &context);
        let total = start.elapsed().as_secs_f64();
        assert_eq!(parsed.values.len(), n, "{:?}", parsed.findings.first());
        findings = parsed.findings.len() + checked.len();
        by_rule.clear();
        for f in parsed.findings.iter().chain(&checked) {
            *by_rule.entry(f.rule.name()).or_default() += 1;
        }
        best_parse = best_parse.min(parse_done);
        best_total = best_total.min(total);
    }
    println!(
        "jidi-collect: {n} rows parsed in {:.1} ms, parsed and checked in {:.1} ms (best of {runs}): \
         {:.0} rows/s ({findings} findings)",
        best_parse * 1e3,
        best_total * 1e3,
        n as f64 / best_total
    );
    println!("findings by rule (synthetic data): {by_rule:?}");
}
