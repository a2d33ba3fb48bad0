//! The what-if search's fast answer (`WhatIf::standing`: a unit's new score and the score holding a
//! place among the others, from sorted columns and prefix sums) against the straightforward one
//! (`WhatIf::standing_by_scores`: every unit's score again), bit for bit, on random groups: small
//! and large, with ties, missing values (median-imputed), skewed columns that COINr's treatment
//! winsorises or log-transforms, benefit and cost indicators, and changes that move the unit past
//! the group's range, onto other units' values and onto the treatment's levels.

use jidi_engine::aggregate::Aggregation;
use jidi_engine::impute::Imputation;
use jidi_engine::normalise::{Direction, Normalisation};
use jidi_engine::pipeline::{self, Dataset, PipelineConfig, Treatment};
use jidi_engine::structure::{NodeSpec, Structure};
use jidi_engine::treat::WinsoriseConfig;
use jidi_engine::whatif::WhatIf;

/// splitmix64: a small deterministic generator, so that a failure names its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn normal(&mut self) -> f64 {
        let (a, b) = (self.unit().max(1e-300), self.unit());
        (-2.0 * a.ln()).sqrt() * (std::f64::consts::TAU * b).cos()
    }
}

fn structure(n_ind: usize, rng: &mut Rng) -> Structure {
    let mut specs: Vec<NodeSpec> = (0..n_ind)
        .map(|j| {
            let parent = if j % 2 == 0 { "D1" } else { "D2" };
            let d = if rng.below(3) == 0 {
                Direction::Cost
            } else {
                Direction::Benefit
            };
            NodeSpec::indicator(&format!("i{j}"), parent, d).weighted(1.0 + rng.below(3) as f64)
        })
        .collect();
    specs.push(NodeSpec::aggregate("D1", Some("Index"), 2).weighted(1.5));
    specs.push(NodeSpec::aggregate("D2", Some("Index"), 2));
    specs.push(NodeSpec::aggregate("Index", None, 3));
    Structure::new(specs).unwrap()
}

/// A column of one of several shapes.
fn column(n: usize, rng: &mut Rng) -> Vec<f64> {
    let shape = rng.below(5);
    let missing = [0.0, 0.0, 0.05, 0.2][rng.below(4)];
    (0..n)
        .map(|_| {
            if rng.unit() < missing {
                return f64::NAN;
            }
            match shape {
                // Skewed: winsorised or log-transformed.
                0 => (1.5 * rng.normal()).exp() * 10.0,
                // Many ties.
                1 => rng.below(6) as f64,
                // Plain.
                2 => 50.0 + 10.0 * rng.normal(),
                // A few far outliers.
                3 => {
                    if rng.unit() < 0.05 {
                        1_000.0 * rng.unit()
                    } else {
                        rng.unit()
                    }
                }
                // Negative and positive.
                _ => rng.normal() * 3.0 - 1.0,
            }
        })
        .collect()
}

fn value_near(col: &[f64], rng: &mut Rng) -> f64 {
    let present: Vec<f64> = col.iter().copied().filter(|v| !v.is_nan()).collect();
    let (lo, hi) = present
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    match rng.below(6) {
        0 => present[rng.below(present.len())],
        1 => hi,
        2 => lo,
        3 => hi + (hi - lo) * rng.unit(),
        4 => lo - (hi - lo) * 0.1 * rng.unit(),
        _ => lo + (hi - lo) * rng.unit(),
    }
}

#[test]
fn the_fast_standing_equals_the_straightforward_one() {
    let mut answered = (0usize, 0usize);
    let mut compared = 0usize;
    for seed in 0..400u64 {
        let mut rng = Rng(seed);
        let n = [4, 5, 7, 12, 25, 60, 150][rng.below(7)];
        let n_ind = 2 + rng.below(3);
        let s = structure(n_ind, &mut rng);
        let cols: Vec<Vec<f64>> = (0..n_ind).map(|_| column(n, &mut rng)).collect();
        // Every indicator needs a value, and a column with a single value is constant.
        if cols
            .iter()
            .any(|c| c.iter().filter(|v| !v.is_nan()).count() < 2)
        {
            continue;
        }
        let units = (0..n).map(|u| format!("U{u}")).collect();
        let data: Dataset = pipeline::dataset_from_columns(units, &s, cols.clone()).unwrap();
        let config = PipelineConfig {
            impute: Imputation::Median,
            treatment: if rng.below(4) == 0 {
                Treatment::None
            } else {
                Treatment::Winsorise(WinsoriseConfig::COINR)
            },
            normalisation: Normalisation::MinMax {
                lower: 0.0,
                upper: 100.0,
            },
            aggregation: Aggregation::ArithmeticMean,
            ..PipelineConfig::default()
        };
        let Ok(result) = pipeline::run(&s, &config, &data) else {
            continue;
        };
        let what_if = WhatIf::new(&s, &config, &data, &result);
        if !what_if.is_linear() {
            continue;
        }
        for _ in 0..30 {
            let unit = rng.below(n);
            let mut changes: Vec<(usize, f64)> = Vec::new();
            for (position, col) in cols.iter().enumerate() {
                if changes.is_empty() || rng.below(3) == 0 {
                    changes.push((position, value_near(col, &mut rng)));
                }
            }
            let places = [0, 1, 1 + rng.below(n), n - 1, n, n + 1][rng.below(6)];
            let fast = what_if.standing(unit, &changes, places).unwrap();
            let slow = what_if.standing_by_scores(unit, &changes, places).unwrap();
            let bits = |x: (f64, Option<f64>)| (x.0.to_bits(), x.1.map(f64::to_bits));
            assert_eq!(
                bits(fast),
                bits(slow),
                "seed {seed}, unit {unit}, changes {changes:?}, places {places}: {fast:?} against {slow:?}"
            );
            compared += 1;
        }
        let (f, b) = what_if.answered();
        answered.0 += f;
        answered.1 += b;
    }
    eprintln!(
        "{compared} questions compared; fast answers {}, fallbacks {}",
        answered.0, answered.1
    );
    // The comparison means something only if the fast path answered most questions.
    assert!(compared > 5_000, "{compared} questions compared");
    assert!(
        answered.0 > 3 * answered.1,
        "fast answers {}, fallbacks {}",
        answered.0,
        answered.1
    );
}
