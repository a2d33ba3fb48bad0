//! What the forecast-breach rule costs a full warnings replay, and what it raises, on the
//! documented demo (every base, 60 months) in SQLite:
//!
//! * the replay of every warning (`monitoring::rebuild_all`) with the built-in rules less
//!   `rev_below_forecast` (the baseline) and with them (timed alternately, medians), and the
//!   ratio of the two;
//! * the bands alone: `breach_bands` for every base's revenue, one thread, with the number of
//!   forecasts and the time per forecast;
//! * the warnings of each rule in the demo, by peak level and open.
//!
//! `cargo run --release -p jidi-service --example breach_cost [-- REPEATS]`

#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::NaiveDate;
use jidi_domain::access::RecordScope;
use jidi_service::demo::{self, DemoOptions};
use jidi_service::monitoring::{self, BREACH_MONTHS, breach_bands, breach_series};
use jidi_service::warning_rules::{RulesEdit, save_rules};
use jidi_store::{Page, Store, WarningFilter};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

async fn counts(store: &Store) -> BTreeMap<(String, String), (usize, usize)> {
    let filter = WarningFilter::within(RecordScope::All);
    let mut out: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    let mut offset = 0;
    loop {
        let page = Page { offset, limit: 500 };
        let (rows, total) = store.monitor_warnings(&filter, page).await.unwrap();
        for r in &rows {
            let e = out
                .entry((r.warning.rule_id.clone(), r.warning.peak.clone()))
                .or_default();
            e.0 += 1;
            e.1 += usize::from(r.warning.closed.is_none());
        }
        offset += rows.len() as u32;
        if rows.is_empty() || i64::from(offset) >= total {
            break;
        }
    }
    out
}

#[tokio::main]
async fn main() {
    let repeats: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sqlite(dir.path()).await.unwrap();
    store.migrate().await.unwrap();
    let started = Instant::now();
    let options = DemoOptions::standard(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
    demo::load(&store, &options).await.unwrap();
    println!("demo loaded in {:.1} s", started.elapsed().as_secs_f64());

    let with = monitoring::warning_rules();
    let without: Vec<_> = with
        .iter()
        .filter(|r| r.id != "rev_below_forecast")
        .cloned()
        .collect();
    assert_eq!(without.len() + 1, with.len());
    let how = |reason: &str| RulesEdit {
        user_id: None,
        source: "cli",
        reason: reason.into(),
        based_on: None,
        dry_run: false,
    };
    let (mut base, mut full) = (Vec::new(), Vec::new());
    for _ in 0..repeats {
        save_rules(&store, without.clone(), "", &how("baseline"))
            .await
            .unwrap();
        let t = Instant::now();
        monitoring::rebuild_all(&store).await.unwrap();
        base.push(t.elapsed().as_secs_f64());
        save_rules(&store, with.clone(), "", &how("with breach"))
            .await
            .unwrap();
        let t = Instant::now();
        let report = monitoring::rebuild_all(&store).await.unwrap();
        full.push(t.elapsed().as_secs_f64());
        println!(
            "replay: without breach {:.2} s, with {:.2} s ({} bases, {} warnings)",
            base.last().unwrap(),
            full.last().unwrap(),
            report.replayed,
            report.warnings
        );
    }
    let (b, f) = (median(base), median(full));
    println!(
        "replay medians: without {b:.2} s, with {f:.2} s: ratio {:.2}",
        f / b
    );

    // The bands alone, one thread.
    let bases = store.monthly_base_categories().await.unwrap();
    let mut series = Vec::new();
    for (id, _) in &bases {
        let points = store.monthly_values(*id, &["m_rev"], 0).await.unwrap();
        let s: jidi_monitor::period::MonthlySeries = points
            .iter()
            .filter_map(|p| Some((monitoring::period_of_key(p.period)?, p.value)))
            .collect();
        series.push(breach_series("m_rev", &s));
    }
    let t = Instant::now();
    let mut bands = 0;
    for (input, actual) in &series {
        bands += breach_bands(input, actual, BREACH_MONTHS).len();
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "bands: {} bases, {bands} forecasts in {secs:.2} s on one thread ({:.0} µs each)",
        series.len(),
        secs * 1e6 / bands.max(1) as f64
    );

    for ((rule, peak), (n, open)) in counts(&store).await {
        println!("{rule:28} {peak:7} {n:5} ({open} open)");
    }
}
