//! Benchmarks of the platform's heavy jobs on SQLite:
//!
//! * one year's evaluation of every current national base (about 40 indicators, 1,000-replication
//!   uncertainty analysis) loaded from the database, computed and stored as a trial — the issue's
//!   goal is under 3 s;
//! * building the documented demo database from nothing — the goal is under 10 s.
//!
//! Run with `cargo bench -p jidi-service --bench evaluation` (`-- --scales 1,10` for the
//! evaluation at the demo's scales 1 and 10, the default; `-- --no-build` to skip the demo build;
//! `-- --postgres` to run the evaluation on PostgreSQL too, in a fresh database of the server of
//! `JIDI_TEST_DATABASE_URL`, as the tests do; `-- --repeats N` for N runs per figure, 5 by
//! default). Machines are noisy, so each figure is also given as
//! a ratio to a baseline measured in the same process: the pure computation
//! (`jidi_domain::evaluation::evaluate` on inputs already in memory) for the evaluation, and the
//! generation of the demo data in memory for the demo build. The whole run is also split into its
//! phases (load, compute, store: `RunOutcome::phases`).

#![allow(clippy::print_stdout)]

use std::collections::HashMap;
use std::time::Instant;

use chrono::NaiveDate;
use jidi_domain::evaluation::{self, EvaluationInput};
use jidi_domain::scheme::Scheme;
use jidi_service::demo::{self, DemoOptions};
use jidi_service::evaluation::{SchemeChoice, candidates, run_evaluation};
use jidi_test_support::TestDb;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const YEAR: i32 = 2025;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
}

/// Medians of `repeats` runs at one scale on one backend.
struct Figures {
    backend: &'static str,
    scale: usize,
    evaluated: usize,
    /// `evaluate` on inputs in memory.
    pure: f64,
    /// `run_evaluation`: loaded, computed, stored.
    whole: f64,
    load: f64,
    compute: f64,
    store: f64,
    /// A digest of every result with its explanation (`Debug` prints each `f64` exactly), so that
    /// two builds can be shown to compute the same thing.
    digest: u64,
}

/// One year's evaluation of every current national base of the demo at `scale`: the pure
/// computation on inputs in memory and the whole service call, medians of `repeats` runs.
async fn evaluation_at(db: TestDb, scale: usize, repeats: usize) -> Figures {
    let store = &db.store;
    let mut options = DemoOptions::standard(today());
    options.evaluations = false;
    // The evaluation reads annual values only; one month keeps the fixture's load short.
    options.config.months = 1;
    options.config.scale = scale;
    demo::load(store, &options).await.unwrap();

    let scheme = Scheme::national_default(YEAR);
    let bases = candidates(store).await.unwrap();
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
    let mut digest = 0;
    for _ in 0..repeats {
        let started = Instant::now();
        let e = evaluation::evaluate(&input).unwrap();
        pure.push(started.elapsed().as_secs_f64());
        evaluated = e.results.len();
        let mut hasher = std::hash::DefaultHasher::new();
        std::hash::Hash::hash(&format!("{:?}", e.results), &mut hasher);
        digest = std::hash::Hasher::finish(&hasher);
    }
    let (mut whole, mut load, mut compute, mut stored) = (vec![], vec![], vec![], vec![]);
    for _ in 0..repeats {
        let started = Instant::now();
        let outcome = run_evaluation(store, YEAR, SchemeChoice::Default, false, None)
            .await
            .unwrap();
        whole.push(started.elapsed().as_secs_f64());
        load.push(outcome.phases.load.as_secs_f64());
        compute.push(outcome.phases.compute.as_secs_f64());
        stored.push(outcome.phases.store.as_secs_f64());
        store.delete_trial_run(outcome.run.id, None).await.unwrap();
    }
    let backend = db.label;
    db.finish().await;
    Figures {
        backend,
        scale,
        evaluated,
        pure: median(pure),
        whole: median(whole),
        load: median(load),
        compute: median(compute),
        store: median(stored),
        digest,
    }
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
    let with_postgres = args.iter().any(|a| a == "--postgres");
    // `-- --repeats N`: runs per figure (the median is shown), 5 by default.
    let repeats: usize = args
        .iter()
        .position(|a| a == "--repeats")
        .and_then(|i| args.get(i + 1))
        .map_or(5, |x| x.parse().expect("--repeats N"));
    rt.block_on(async {
        let mut figures: Vec<Figures> = Vec::new();
        for &scale in &scales {
            figures.push(evaluation_at(TestDb::sqlite().await, scale, repeats).await);
            if with_postgres {
                figures.push(evaluation_at(TestDb::postgres().await, scale, repeats).await);
            }
        }
        let scheme = Scheme::national_default(YEAR);
        println!(
            "evaluation {YEAR}: {} indicators, {} replications; median of {repeats} (loaded, computed, stored as a trial)",
            scheme.indicators.len(),
            scheme.uncertainty.replications
        );
        println!(
            "  {:<8} {:>5} {:>6} {:>9} {:>8} {:>8} {:>8} {:>8} {:>9} {:>16} {:>38}",
            "backend",
            "scale",
            "bases",
            "compute*",
            "whole",
            "load",
            "compute",
            "store",
            "whole/c*",
            "vs first scale",
            "digest of the results"
        );
        for f in &figures {
            let first = figures
                .iter()
                .find(|g| g.backend == f.backend)
                .expect("the figures of the first scale");
            println!(
                "  {:<8} {:>5} {:>6} {:>9.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.1}x   compute* {:.1}x, whole {:.1}x   {:016x}",
                f.backend,
                f.scale,
                f.evaluated,
                f.pure,
                f.whole,
                f.load,
                f.compute,
                f.store,
                f.whole / f.pure,
                f.pure / first.pure,
                f.whole / first.whole,
                f.digest
            );
        }
        println!(
            "  compute* = evaluate() on inputs in memory, the baseline; seconds, medians. Goals: whole < 3 s at scale 10; scale 10 <= about 12x scale 1"
        );
        if !with_build {
            return;
        }
        // The demo build, from an empty database, on each backend.
        println!(
            "demo build (1,356 bases, 248k annual and 450k monthly values, 8 published evaluations; median of {repeats})"
        );
        let mut generate = Vec::new();
        for _ in 0..repeats {
            let started = Instant::now();
            let data = jidi_demo::generate(&DemoOptions::standard(today()).config);
            generate.push(started.elapsed().as_secs_f64());
            std::hint::black_box(data);
        }
        let generate = median(generate);
        println!("  generation in memory (baseline)  {generate:>7.3} s");
        let mut backends = vec![false];
        if with_postgres {
            backends.push(true);
        }
        for postgres in backends {
            let (mut build, mut phases) = (Vec::new(), Vec::new());
            let mut label = "";
            for _ in 0..repeats {
                let db = if postgres {
                    TestDb::postgres().await
                } else {
                    TestDb::sqlite().await
                };
                label = db.label;
                let started = Instant::now();
                let report = demo::load(&db.store, &DemoOptions::standard(today()))
                    .await
                    .unwrap();
                build.push(started.elapsed().as_secs_f64());
                phases.push(report.timings);
                assert_eq!(report.evaluations.len(), 8);
                db.finish().await;
            }
            let build_median = median(build.clone());
            let at = build.iter().position(|b| *b == build_median).unwrap();
            let [_, load, hash, evaluate] = phases[at];
            println!(
                "  full build into {label:<8}        {build_median:>7.3} s   {:.0}x the baseline   goal < 10 s   (runs {}; of the median run: load {load:.2} s, passwords {hash:.2} s, evaluations and the rest {evaluate:.2} s)",
                build_median / generate,
                build
                    .iter()
                    .map(|b| format!("{b:.2}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    });
}
