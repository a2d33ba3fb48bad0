//! Benchmark of the uncertainty workload: 500 units × 40 indicators, 1,000 Monte Carlo
//! replications varying weights ±25 %, normalisation (min-max or z-score), aggregation (arithmetic
//! or geometric) and winsorisation (on or off), with full re-ranking.
//!
//! Run with `cargo bench -p jidi-engine --bench uncertainty`. Machines are noisy, so besides the
//! wall time it reports the ratio to a baseline measured in the same process: the straightforward
//! method of re-running the whole pipeline for every replication (what COINr does), timed on a
//! subset of replications and scaled.

#![allow(clippy::print_stdout)]

use std::hint::black_box;
use std::time::Instant;

use jidi_engine::aggregate::Aggregation;
use jidi_engine::normalise::{Direction, Normalisation};
use jidi_engine::pipeline::{self, Dataset, PipelineConfig, Treatment};
use jidi_engine::rank::TieRule;
use jidi_engine::scenario::{Alternatives, Group};
use jidi_engine::stars::StarRule;
use jidi_engine::structure::{NodeSpec, Structure};
use jidi_engine::treat::WinsoriseConfig;
use jidi_engine::uncertainty::{self, UncertaintyConfig};

const UNITS: usize = 500;
const INDICATORS: usize = 40;
const DIMENSIONS: usize = 6;

/// Deterministic skewed data (a xorshift generator, so the bench needs no data file).
fn data() -> (Structure, Dataset) {
    let mut specs = Vec::new();
    for j in 0..INDICATORS {
        let d = if j % 7 == 3 {
            Direction::Cost
        } else {
            Direction::Benefit
        };
        specs.push(NodeSpec::indicator(
            &format!("x{j:02}"),
            &format!("D{}", j % DIMENSIONS),
            d,
        ));
    }
    for k in 0..DIMENSIONS {
        specs.push(NodeSpec::aggregate(&format!("D{k}"), Some("Index"), 2));
    }
    specs.push(NodeSpec::aggregate("Index", None, 3));
    let structure = Structure::new(specs).unwrap();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let units: Vec<String> = (0..UNITS).map(|u| format!("U{u:03}")).collect();
    let mut d = Dataset::new(units);
    for j in 0..INDICATORS {
        let col: Vec<f64> = (0..UNITS)
            .map(|_| {
                let z: f64 = (0..6).map(|_| next()).sum::<f64>() - 3.0;
                (1.0 + j as f64 * 0.1) * (0.8 * z).exp() * 100.0
            })
            .collect();
        d.insert_numeric(&format!("x{j:02}"), col).unwrap();
    }
    (structure, d)
}

fn config(threads: usize) -> UncertaintyConfig {
    UncertaintyConfig {
        replications: 1000,
        seed: 2026,
        weight_noise: 0.25,
        data_noise: 0.0,
        alternatives: Alternatives {
            normalisations: vec![
                Normalisation::MinMax {
                    lower: 1.0,
                    upper: 100.0,
                },
                // A z-score far from zero keeps every value positive for the geometric mean.
                Normalisation::ZScore {
                    mean: 100.0,
                    sd: 10.0,
                },
            ],
            aggregations: vec![Aggregation::ArithmeticMean, Aggregation::GeometricMean],
            vary_treatment: true,
        },
        drop_one_indicator: false,
        stars: Some(StarRule::PUBLISHED_2021),
        star_cutoffs: None,
        ties: TieRule::Min,
        threads,
    }
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> f64 {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let (structure, data) = data();
    let nominal = PipelineConfig {
        treatment: Treatment::Winsorise(WinsoriseConfig::COINR),
        normalisation: Normalisation::MinMax {
            lower: 1.0,
            upper: 100.0,
        },
        ..PipelineConfig::default()
    };
    let groups = vec![Group::build("all", &structure, &nominal, &data).unwrap()];

    let all_cores = best_of(5, || uncertainty::analyse(&groups, &config(0)).unwrap());
    let one_core = best_of(3, || uncertainty::analyse(&groups, &config(1)).unwrap());

    // Baseline: the full pipeline re-run per replication, on 50 replications, scaled to 1,000.
    let alternatives = config(1).alternatives;
    let baseline_reps = 50;
    let baseline = best_of(2, || {
        for r in 0..baseline_reps {
            let mut c = nominal.clone();
            c.normalisation = alternatives.normalisations[r % 2].clone();
            c.aggregation = alternatives.aggregations[(r / 2) % 2];
            c.treatment = if r % 3 == 0 {
                Treatment::None
            } else {
                Treatment::Winsorise(WinsoriseConfig::COINR)
            };
            let weights: Vec<f64> = structure
                .nodes()
                .iter()
                .enumerate()
                .map(|(i, _)| 0.75 + 0.5 * ((i * 31 + r * 17) % 100) as f64 / 100.0)
                .collect();
            let s = structure.with_weights(&weights).unwrap();
            black_box(pipeline::run(&s, &c, &data).unwrap());
        }
    }) * (1000.0 / baseline_reps as f64);

    println!("uncertainty analysis, {UNITS} units x {INDICATORS} indicators, 1000 replications");
    println!("  precomputed evaluator, all cores : {:>8.3} s", all_cores);
    println!("  precomputed evaluator, one core  : {:>8.3} s", one_core);
    println!(
        "  baseline (full pipeline per rep) : {:>8.3} s (50 reps scaled)",
        baseline
    );
    println!(
        "  speed-up vs baseline             : {:>8.1}x (all cores), {:.1}x (one core)",
        baseline / all_cores,
        baseline / one_core
    );
    println!(
        "  goal: under 1 s on a 2-core machine -> {}",
        if all_cores < 1.0 { "met" } else { "NOT met" }
    );
}
