//! Benchmarks of the platform's heavy jobs on SQLite:
//!
//! * one year's evaluation of every current national base (about 40 indicators, 1,000-replication
//!   uncertainty analysis) loaded from the database, computed and stored as a trial — the issue's
//!   goal is under 3 s;
//! * building the documented demo database from nothing — the goal is under 10 s.
//!
//! Run with `cargo bench -p jidi-service --bench evaluation` (`-- --scales 1,10` for the
//! evaluation at the demo's scales 1 and 10, the default; `-- --no-build` to skip the demo build). Machines are noisy, so each figure is
//! also given as a ratio to a baseline measured in the same process: the pure computation
//! (`jidi_domain::evaluation::evaluate` on inputs already in memory) for the evaluation, and the
//! generation of the demo data in memory for the demo build.

#![allow(clippy::print_stdout)]

use std::collections::HashMap;
use std::time::Instant;

use chrono::NaiveDate;
use jidi_domain::evaluation::{self, EvaluationInput};
use jidi_domain::scheme::Scheme;
use jidi_service::demo::{self, DemoOptions};
use jidi_service::evaluation::{SchemeChoice, candidates, run_evaluation};
use jidi_store::Store;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const YEAR: i32 = 2025;
const REPEATS: usize = 5;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
}

async fn fresh_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sqlite(dir.path()).await.unwrap();
    store.migrate().await.unwrap();
    (dir, store)
}

/// One year's evaluation of every current national base of the demo at `scale`: the pure
/// computation on inputs in memory and the whole service call, medians of [`REPEATS`] runs.
async fn evaluation_at(scale: usize) -> (f64, f64, usize) {
    let (_dir, store) = fresh_store().await;
    let mut options = DemoOptions::standard(today());
    options.evaluations = false;
    // The evaluation reads annual values only; one month keeps the fixture's load short.
    options.config.months = 1;
    options.config.scale = scale;
    demo::load(&store, &options).await.unwrap();

    let scheme = Scheme::national_default(YEAR);
    let bases = candidates(&store).await.unwrap();
    let ids: Vec<i64> = bases.iter().map(|b| b.id).collect();
    let values: HashMap<(i64, String), f64> = store
        .annual_values_for_year(YEAR, &ids)
        .await
        .unwrap()
        .into_iter()
        .map(|p| ((p.base_id, p.indicator), p.value))
        .collect();
    let incidents = store.incidents_in_year(YEAR).await.unwrap();
    let previous = HashMap::new();
    let input = EvaluationInput {
        scheme: &scheme,
        bases: &bases,
        values: &values,
        incidents: &incidents,
        previous: &previous,
        with_sensitivity: false,
    };
    let mut pure = Vec::new();
    let mut evaluated = 0;
    for _ in 0..REPEATS {
        let started = Instant::now();
        let e = evaluation::evaluate(&input).unwrap();
        pure.push(started.elapsed().as_secs_f64());
        evaluated = e.results.len();
    }
    let mut whole = Vec::new();
    for _ in 0..REPEATS {
        let started = Instant::now();
        let outcome = run_evaluation(&store, YEAR, SchemeChoice::Default, false, None)
            .await
            .unwrap();
        whole.push(started.elapsed().as_secs_f64());
        store.delete_trial_run(outcome.run.id, None).await.unwrap();
    }
    store.close().await;
    (median(pure), median(whole), evaluated)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    // `-- --scales 1,10` (the default) measures the evaluation at each scale of the demo
    // (`jidi demo --scale N`); `-- --no-build` skips the demo build.
    let args: Vec<String> = std::env::args().collect();
    let scales: Vec<usize> = args
        .iter()
        .position(|a| a == "--scales")
        .and_then(|i| args.get(i + 1))
        .map_or("1,10", String::as_str)
        .split(',')
        .map(|x| x.parse().expect("--scales 1,10"))
        .collect();
    let with_build = !args.iter().any(|a| a == "--no-build");
    rt.block_on(async {
        let mut figures: Vec<(usize, usize, f64, f64)> = Vec::new();
        for &scale in &scales {
            let (pure, whole, evaluated) = evaluation_at(scale).await;
            figures.push((scale, evaluated, pure, whole));
        }
        let scheme = Scheme::national_default(YEAR);
        println!(
            "evaluation {YEAR}: {} indicators, {} replications; median of {REPEATS} (loaded from SQLite, computed, stored as a trial)",
            scheme.indicators.len(),
            scheme.uncertainty.replications
        );
        println!(
            "  {:>5} {:>7} {:>16} {:>20} {:>14}",
            "scale", "bases", "compute only s", "load+compute+store s", "vs scale 1"
        );
        let first = figures.first().map(|f| (f.2, f.3));
        for (scale, evaluated, pure, whole) in &figures {
            let (p1, w1) = first.unwrap();
            println!(
                "  {scale:>5} {evaluated:>7} {pure:>16.3} {whole:>20.3}   compute {:.1}×, whole {:.1}×",
                pure / p1,
                whole / w1
            );
        }
        println!("  goals: whole < 3 s at scale 10; scale 10 ≤ about 12× scale 1");
        if !with_build {
            return;
        }
        // The demo build, from an empty database.
        let mut generate = Vec::new();
        let mut build = Vec::new();
        for _ in 0..3 {
            let started = Instant::now();
            let data = jidi_demo::generate(&DemoOptions::standard(today()).config);
            generate.push(started.elapsed().as_secs_f64());
            std::hint::black_box(data);
            let (_dir, store) = fresh_store().await;
            let started = Instant::now();
            let report = demo::load(&store, &DemoOptions::standard(today()))
                .await
                .unwrap();
            build.push(started.elapsed().as_secs_f64());
            assert_eq!(report.evaluations.len(), 8);
            store.close().await;
        }
        let (generate, build) = (median(generate), median(build));
        println!(
            "demo build (1,356 bases, 248k annual and 450k monthly values, 8 published evaluations)"
        );
        println!("  generation in memory (baseline)  {generate:>7.3} s");
        println!(
            "  full build into SQLite           {build:>7.3} s   {:.0}× the baseline   goal < 10 s",
            build / generate
        );
    });
}
