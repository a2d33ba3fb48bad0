//! Times one year's evaluation of every national base of the demo at a scale, on inputs in memory
//! (no database): the computation that `cargo bench -p jidi-service --bench evaluation` calls
//! `compute*`, without its half-hour release build of the storage and web stack. Meant for
//! profiling (`perf record`) the engine at `--scale 10`.
//!
//! `cargo run --release -p jidi-demo --example eval_time -- --scale 10 --repeats 3`
#![allow(clippy::print_stdout)]

use std::collections::HashMap;
use std::time::Instant;

use chrono::NaiveDate;
use jidi_domain::evaluation::{self, EvalBase, EvaluationInput};
use jidi_domain::roll::{Status, Tier};
use jidi_domain::scheme::Scheme;

const YEAR: i32 = 2025;

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map_or(default, |x| x.parse().expect("a whole number"))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let scale = arg(&args, "--scale", 10);
    let repeats = arg(&args, "--repeats", 3);
    let mut config =
        jidi_demo::DemoConfig::standard(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
    config.scale = scale;
    config.months = 1;
    let data = jidi_demo::generate(&config);
    let national = |t: Tier| matches!(t, Tier::National | Tier::Excellence);
    let bases: Vec<EvalBase> = data
        .bases
        .iter()
        .enumerate()
        .filter(|(_, b)| national(b.draft.tier))
        .map(|(i, b)| EvalBase {
            id: i as i64 + 1,
            name: b.draft.name.clone(),
            province_code: b.draft.province_code.clone(),
            category: b.draft.category_code.clone(),
            subcategory: b.draft.subcategory_code.clone(),
            tier: b.draft.tier,
            designated_on: b.draft.designated_on,
            designated_year: b.draft.designated_year,
            withdrawn_on: match &b.draft.status {
                Status::Withdrawn { on, .. } => Some(*on),
                Status::Current => None,
            },
        })
        .collect();
    let wanted: std::collections::HashSet<i64> = bases.iter().map(|b| b.id).collect();
    let mut values: HashMap<(i64, String), f64> = HashMap::new();
    for (code, series) in &data.annual {
        for &(base, year, value) in series {
            let id = base as i64 + 1;
            if year == YEAR && wanted.contains(&id) {
                values.insert((id, (*code).to_string()), value);
            }
        }
    }
    let incidents: Vec<_> = data
        .incidents
        .iter()
        .map(|i| (i.base as i64 + 1, i.kind, i.on))
        .collect();
    let mut scheme = Scheme::national_default(YEAR);
    if let Some(noise) = std::env::var("EVAL_DATA_NOISE")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        scheme.uncertainty.data_noise = noise;
    }
    let previous = HashMap::new();
    let input = EvaluationInput {
        scheme: &scheme,
        bases: &bases,
        values: &values,
        incidents: &incidents,
        previous: &previous,
        with_sensitivity: false,
    };
    let mut times = Vec::new();
    let mut evaluated = 0;
    let mut digest = 0;
    for _ in 0..repeats {
        let started = Instant::now();
        let e = evaluation::evaluate(&input).unwrap();
        times.push(started.elapsed().as_secs_f64());
        evaluated = e.results.len();
        // `Debug` prints every `f64` exactly, so equal digests mean equal results to the bit.
        let mut hasher = std::hash::DefaultHasher::new();
        std::hash::Hash::hash(&format!("{:?}", e.results), &mut hasher);
        digest = std::hash::Hasher::finish(&hasher);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "scale {scale}: {evaluated} bases evaluated, {} replications; median {:.3} s (min {:.3}, max {:.3}); results digest {digest:016x}",
        scheme.uncertainty.replications,
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
}
