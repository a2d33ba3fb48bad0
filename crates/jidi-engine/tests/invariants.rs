//! Property tests of invariants, and the defined behaviour at the edges (constant columns, zeros,
//! negatives, all-missing indicators, a single unit).

use jidi_engine::aggregate::Aggregation;
use jidi_engine::error::EngineError;
use jidi_engine::normalise::{Direction, Normalisation};
use jidi_engine::pipeline::{self, Dataset, PipelineConfig, Treatment, Weighting};
use jidi_engine::scenario::{Alternatives, Evaluator, Group};
use jidi_engine::stars::StarRule;
use jidi_engine::structure::{NodeSpec, Structure};
use jidi_engine::treat::WinsoriseConfig;
use jidi_engine::uncertainty::{self, UncertaintyConfig};
use jidi_engine::weights::{self, AhpMethod, Convention, Criterion, RandomIndex};
use proptest::prelude::*;

fn structure(n_ind: usize, cost: &[usize]) -> Structure {
    let mut specs: Vec<NodeSpec> = (0..n_ind)
        .map(|j| {
            let parent = if j % 2 == 0 { "D1" } else { "D2" };
            let d = if cost.contains(&j) {
                Direction::Cost
            } else {
                Direction::Benefit
            };
            NodeSpec::indicator(&format!("i{j}"), parent, d).weighted(1.0 + j as f64)
        })
        .collect();
    specs.push(NodeSpec::aggregate("D1", Some("Index"), 2).weighted(2.0));
    specs.push(NodeSpec::aggregate("D2", Some("Index"), 2));
    specs.push(NodeSpec::aggregate("Index", None, 3));
    Structure::new(specs).unwrap()
}

fn dataset(s: &Structure, cols: Vec<Vec<f64>>) -> Dataset {
    let n = cols[0].len();
    let units = (0..n).map(|u| format!("U{u:02}")).collect();
    pipeline::dataset_from_columns(units, s, cols).unwrap()
}

fn matrix_strategy(n_units: usize, n_ind: usize) -> impl Strategy<Value = Vec<Vec<f64>>> {
    prop::collection::vec(prop::collection::vec(0.1f64..1000.0, n_units), n_ind)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Raising one unit's value of a benefit indicator never lowers its index or worsens its rank.
    #[test]
    fn index_is_monotone_in_a_benefit_indicator(cols in matrix_strategy(12, 4), unit in 0usize..12, bump in 0.0f64..500.0) {
        let s = structure(4, &[1]);
        let config = PipelineConfig::default();
        let before = pipeline::run(&s, &config, &dataset(&s, cols.clone())).unwrap();
        let mut raised = cols;
        raised[0][unit] += bump;
        let after = pipeline::run(&s, &config, &dataset(&s, raised)).unwrap();
        prop_assert!(after.index()[unit] >= before.index()[unit] - 1e-9);
        prop_assert!(after.rank[unit] <= before.rank[unit]);
    }

    /// Min-max normalisation does not see units of measurement: x and a·x + b (a > 0) give the
    /// same normalised values and index.
    #[test]
    fn minmax_is_scale_invariant(cols in matrix_strategy(9, 4), a in 0.001f64..1e4, b in -1e3f64..1e3) {
        let s = structure(4, &[3]);
        let config = PipelineConfig::default();
        let r1 = pipeline::run(&s, &config, &dataset(&s, cols.clone())).unwrap();
        let scaled: Vec<Vec<f64>> = cols.iter().map(|c| c.iter().map(|x| a * x + b).collect()).collect();
        let r2 = pipeline::run(&s, &config, &dataset(&s, scaled)).unwrap();
        for (x, y) in r1.index().iter().zip(r2.index()) {
            prop_assert!((x - y).abs() <= 1e-9 * x.abs().max(1.0), "{x} vs {y}");
        }
    }

    /// Every weighting method gives non-negative weights summing to one.
    #[test]
    fn weights_sum_to_one(cols in matrix_strategy(10, 5)) {
        let types = [Direction::Benefit, Direction::Cost, Direction::Benefit, Direction::Benefit, Direction::Cost];
        let criteria: Vec<Criterion<'_>> = cols.iter().zip(types).map(|(c, d)| Criterion { name: "c", values: c, direction: d }).collect();
        for w in [
            weights::entropy(&criteria, Convention::Pymcdm).unwrap(),
            weights::entropy(&criteria, Convention::PyDecision).unwrap(),
            weights::critic(&criteria, Convention::Pymcdm).unwrap(),
            weights::critic(&criteria, Convention::PyDecision).unwrap(),
            weights::standard_deviation(&criteria).unwrap(),
            weights::variance(&criteria).unwrap(),
        ] {
            prop_assert!(w.iter().all(|x| *x >= 0.0));
            prop_assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
        let s = structure(5, &[]);
        let eff = s.effective_weights();
        let total: f64 = s.indicators().iter().map(|&i| eff[i]).sum();
        prop_assert!((total - 1.0).abs() < 1e-12);
    }

    /// AHP weights of any reciprocal matrix built from a positive vector recover that vector.
    #[test]
    fn ahp_recovers_consistent_priorities(v in prop::collection::vec(0.1f64..10.0, 3..8)) {
        let m: Vec<Vec<f64>> = v.iter().map(|a| v.iter().map(|b| a / b).collect()).collect();
        let total: f64 = v.iter().sum();
        for method in [AhpMethod::Eigenvector, AhpMethod::GeometricMean, AhpMethod::ColumnMean] {
            let r = weights::ahp(&m, method, RandomIndex::Saaty).unwrap();
            for (w, x) in r.weights.iter().zip(&v) {
                prop_assert!((w - x / total).abs() < 1e-9);
            }
            prop_assert!(r.cr.abs() < 1e-9);
        }
    }
}

#[test]
fn single_unit_gets_a_defined_score() {
    let s = structure(4, &[]);
    let data = dataset(&s, vec![vec![5.0]; 4]);
    let r = pipeline::run(&s, &PipelineConfig::default(), &data).unwrap();
    assert!((r.index()[0] - 50.0).abs() < 1e-9);
    assert_eq!(r.rank, vec![1.0]);
    assert!(r.diagnostics.iter().any(|d| d.message.contains("constant")));
    let z = PipelineConfig {
        normalisation: Normalisation::ZScore {
            mean: 10.0,
            sd: 2.0,
        },
        ..PipelineConfig::default()
    };
    assert!((pipeline::run(&s, &z, &data).unwrap().index()[0] - 10.0).abs() < 1e-9);
}

#[test]
fn all_missing_indicator_is_an_error_naming_it() {
    let s = structure(2, &[]);
    let data = dataset(&s, vec![vec![1.0, 2.0, 3.0], vec![f64::NAN; 3]]);
    let err = pipeline::run(&s, &PipelineConfig::default(), &data).unwrap_err();
    assert_eq!(
        err,
        EngineError::AllMissing {
            indicator: "i1".into()
        }
    );
}

#[test]
fn geometric_mean_of_zero_or_negative_values_is_refused_with_the_unit() {
    let s = structure(2, &[]);
    let data = dataset(&s, vec![vec![1.0, 2.0, 3.0], vec![4.0, 5.0, 6.0]]);
    // minmax onto [0, 100] puts the lowest unit at 0: undefined for a geometric mean.
    let config = PipelineConfig {
        aggregation: Aggregation::GeometricMean,
        ..PipelineConfig::default()
    };
    let err = pipeline::run(&s, &config, &data).unwrap_err();
    assert!(err.to_string().contains("U00"), "{err}");
    let ok = PipelineConfig {
        normalisation: Normalisation::MinMax {
            lower: 1.0,
            upper: 100.0,
        },
        ..config
    };
    assert!(pipeline::run(&s, &ok, &data).is_ok());
}

#[test]
fn negative_values_and_missing_cells_are_handled_as_coinr() {
    let s = structure(2, &[1]);
    let data = dataset(
        &s,
        vec![
            vec![-3.0, 0.0, 3.0, f64::NAN],
            vec![-1.0, -2.0, f64::NAN, -4.0],
        ],
    );
    let r = pipeline::run(&s, &PipelineConfig::default(), &data).unwrap();
    // Each unit's missing indicator is skipped and its siblings' weights re-normalised.
    assert!(r.index().iter().all(|x| x.is_finite()));
    let entropy = PipelineConfig {
        weighting: Weighting::Entropy(Convention::Pymcdm),
        ..PipelineConfig::default()
    };
    // Entropy under the pymcdm convention refuses non-positive data, naming the indicator.
    let s3 = structure(4, &[]);
    let d3 = dataset(
        &s3,
        vec![
            vec![-1.0, 2.0, 3.0],
            vec![1.0, 2.0, 3.0],
            vec![1.0, 2.0, 4.0],
            vec![2.0, 2.0, 3.0],
        ],
    );
    let err = pipeline::run(&s3, &entropy, &d3).unwrap_err();
    assert!(err.to_string().contains("i0"), "{err}");
}

#[test]
fn screening_drops_thin_units_before_imputation() {
    let s = structure(4, &[]);
    let data = dataset(
        &s,
        vec![
            vec![1.0, 2.0, f64::NAN],
            vec![1.0, 2.0, f64::NAN],
            vec![3.0, 1.0, f64::NAN],
            vec![1.0, 5.0, 7.0],
        ],
    );
    let config = PipelineConfig {
        impute: jidi_engine::impute::Imputation::Mean,
        min_coverage: Some(0.5),
        ..PipelineConfig::default()
    };
    let r = pipeline::run(&s, &config, &data).unwrap();
    assert_eq!(r.units, vec!["U00".to_string(), "U01".to_string()]);
    assert_eq!(r.screened_out[0].unit, "U02");
}

fn groups_for_ua() -> Vec<Group> {
    let s = structure(6, &[2]);
    let mut groups = Vec::new();
    for g in 0..2 {
        let cols: Vec<Vec<f64>> = (0..6)
            .map(|j| {
                (0..30)
                    .map(|u| {
                        1.0 + ((u * 7 + j * 13 + g * 5) % 31) as f64
                            + (u as f64).powf(1.5) * (j % 3) as f64
                    })
                    .collect()
            })
            .collect();
        let config = PipelineConfig {
            treatment: Treatment::Winsorise(WinsoriseConfig::COINR),
            ..PipelineConfig::default()
        };
        groups.push(Group::build(&format!("g{g}"), &s, &config, &dataset(&s, cols)).unwrap());
    }
    groups
}

fn ua_config(threads: usize) -> UncertaintyConfig {
    UncertaintyConfig {
        replications: 300,
        seed: 42,
        weight_noise: 0.25,
        data_noise: 0.05,
        alternatives: Alternatives {
            normalisations: vec![
                Normalisation::MinMax {
                    lower: 1.0,
                    upper: 100.0,
                },
                Normalisation::ZScore {
                    mean: 10.0,
                    sd: 2.0,
                },
            ],
            aggregations: vec![Aggregation::ArithmeticMean, Aggregation::GeometricMean],
            vary_treatment: true,
        },
        drop_one_indicator: true,
        stars: Some(StarRule::PUBLISHED_2021),
        star_cutoffs: None,
        ties: jidi_engine::rank::TieRule::Min,
        threads,
    }
}

#[test]
fn uncertainty_is_reproducible_and_independent_of_threads() {
    let groups = groups_for_ua();
    let one = uncertainty::analyse(&groups, &ua_config(1)).unwrap();
    let two = uncertainty::analyse(&groups, &ua_config(2)).unwrap();
    assert_eq!(one, two);
    assert_eq!(one.replications, 300);
    for u in &one.units {
        assert!(u.overall.p05 <= u.overall.median && u.overall.median <= u.overall.p95);
        let p = u.star_probability.unwrap();
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
}

#[test]
fn uncertainty_without_noise_reproduces_the_nominal_ranks() {
    let groups = groups_for_ua();
    let mut config = UncertaintyConfig::weights_only(20, 7);
    config.weight_noise = 0.0;
    let r = uncertainty::analyse(&groups, &config).unwrap();
    for u in &r.units {
        assert_eq!(u.overall.p05, u.overall.nominal);
        assert_eq!(u.overall.p95, u.overall.nominal);
        assert_eq!(u.within_group.median, u.within_group.nominal);
    }
    // And the nominal within-group rank is the rank of a plain run.
    let single = pipeline::run(&groups[0].prepared.structure, &groups[0].config, &{
        let s = &groups[0].prepared.structure;
        let cols = groups[0].prepared.columns.clone();
        pipeline::dataset_from_columns(groups[0].prepared.units.clone(), s, cols).unwrap()
    })
    .unwrap();
    for (k, u) in r.units.iter().filter(|u| u.group == 0).enumerate() {
        assert_eq!(u.within_group.nominal, single.rank[k]);
    }
}

#[test]
fn uncertainty_refuses_geometric_alternative_on_non_positive_normalisation() {
    let groups = groups_for_ua();
    let mut config = ua_config(1);
    config.alternatives.normalisations = vec![Normalisation::ZScore { mean: 0.0, sd: 1.0 }];
    let err = uncertainty::analyse(&groups, &config).unwrap_err();
    assert!(err.to_string().contains("zscore:0:1"), "{err}");
}

#[test]
fn data_noise_alone_is_centred_on_the_published_result() {
    let groups = groups_for_ua();
    let mut config = UncertaintyConfig::weights_only(400, 11);
    config.weight_noise = 0.0;
    config.data_noise = 0.05;
    let r = uncertainty::analyse(&groups, &config).unwrap();
    let mut spread = 0;
    for u in &r.units {
        // The nominal replication is the data as reported.
        assert!(u.within_group.nominal >= 1.0 && u.within_group.nominal <= 30.0);
        assert!(
            u.overall.p05 <= u.overall.nominal && u.overall.nominal <= u.overall.p95,
            "{}: nominal {} outside [{}, {}]",
            u.unit,
            u.overall.nominal,
            u.overall.p05,
            u.overall.p95
        );
        if u.overall.p95 > u.overall.p05 {
            spread += 1;
        }
    }
    assert!(
        spread > r.units.len() / 2,
        "noise moved only {spread} ranks"
    );
    // Without noise the same settings give a degenerate interval.
    config.data_noise = 0.0;
    let flat = uncertainty::analyse(&groups, &config).unwrap();
    assert!(flat.units.iter().all(|u| u.overall.p05 == u.overall.p95));
}

#[test]
fn data_noise_keeps_scores_within_the_normalisation_range() {
    let groups = groups_for_ua();
    let mut evaluator = Evaluator::new(
        &groups,
        &Alternatives {
            normalisations: Vec::new(),
            aggregations: Vec::new(),
            vary_treatment: false,
        },
    )
    .unwrap();
    evaluator.set_data_noise(0.9);
    let mut scores = vec![Vec::new(); evaluator.n_groups()];
    let mut nominal = vec![Vec::new(); evaluator.n_groups()];
    evaluator
        .evaluate(&evaluator.nominal(), &mut nominal)
        .unwrap();
    let mut moved = false;
    for seed in 0..50u64 {
        let mut scenario = evaluator.nominal();
        scenario.noise_seed = Some(seed);
        evaluator.evaluate(&scenario, &mut scores).unwrap();
        for (g, col) in scores.iter().enumerate() {
            for (k, s) in col.iter().enumerate() {
                // Min–max onto [0, 100] by default: a score is a weighted mean of values in range.
                assert!((0.0..=100.0).contains(s), "group {g} unit {k}: {s}");
                moved |= (s - nominal[g][k]).abs() > 1e-9;
            }
        }
    }
    assert!(moved);
}

#[test]
fn published_cut_offs_give_the_published_stars_in_the_nominal_replication() {
    let groups = groups_for_ua();
    let mut config = UncertaintyConfig::weights_only(50, 3);
    config.weight_noise = 0.0;
    // Deliberately uneven: 3 and 2 five-star places, 20 and 10 four-star or better.
    config.star_cutoffs = Some(vec![[3, 20, 25, 28, 30], [2, 10, 26, 29, 30]]);
    let r = uncertainty::analyse(&groups, &config).unwrap();
    for u in &r.units {
        let cut = &config.star_cutoffs.as_ref().unwrap()[u.group];
        let expected = jidi_engine::stars::from_cutoffs(u.within_group.nominal, cut);
        let p = u.star_probability.unwrap();
        assert_eq!(p[(expected - 1) as usize], 1.0, "{}", u.unit);
    }
    config.star_cutoffs = Some(vec![[3, 20, 25, 28, 30]]);
    assert!(uncertainty::analyse(&groups, &config).is_err());
}
