//! The engine against every file of the peer vectors in `tests/vectors/` (copied from
//! `shared/vectors/`; see its README for how each number was produced: COINr 1.1.14 on R 4.2.2,
//! pymcdm 1.4.0 and pyDecision 5.1.8 on Python 3.11.7 / numpy 2.4.6).
//!
//! Where the peer convention is ours, values must agree to [`prec::REL`] relative. Where the
//! peers return NaN or raise, the test asserts jidi's documented behaviour instead.

use std::collections::HashMap;
use std::path::PathBuf;

use jidi_engine::aggregate::{self, Aggregation, TopsisNormalisation};
use jidi_engine::error::EngineError;
use jidi_engine::normalise::{self, Direction, IndicatorReference, Normalisation};
use jidi_engine::pipeline::{self, Dataset, PipelineConfig};
use jidi_engine::rank::{self, Order, TieRule};
use jidi_engine::sensitivity;
use jidi_engine::stats;
use jidi_engine::structure::{NodeSpec, Structure};
use jidi_engine::treat::{self, PointTreatment, TreatmentOutcome, WinsoriseConfig};
use jidi_engine::weights::{self, AhpMethod, Convention, Criterion, RandomIndex};
use serde_json::Value;

/// Tolerances, in one place.
mod prec {
    /// Relative agreement required with a peer where conventions match (the bar).
    pub const REL: f64 = 1e-9;
    /// Absolute floor for values that are exactly zero in the peer output.
    pub const ABS: f64 = 1e-12;
}

fn close(got: f64, want: f64) -> bool {
    if got.is_nan() || want.is_nan() {
        return got.is_nan() && want.is_nan();
    }
    let diff = (got - want).abs();
    diff <= prec::ABS || diff <= prec::REL * got.abs().max(want.abs())
}

#[track_caller]
fn assert_close_all(what: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            close(*g, *w),
            "{what}[{i}]: got {g:?}, want {w:?}\n got: {got:?}\nwant: {want:?}"
        );
    }
}

fn load(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn matrix(v: &Value) -> Vec<Vec<f64>> {
    v.as_array().unwrap().iter().map(nums).collect()
}

fn columns(rows: &[Vec<f64>]) -> Vec<Vec<f64>> {
    (0..rows[0].len())
        .map(|j| rows.iter().map(|r| r[j]).collect())
        .collect()
}

fn directions(v: &Value) -> Vec<Direction> {
    nums(v)
        .into_iter()
        .map(|t| {
            if t < 0.0 {
                Direction::Cost
            } else {
                Direction::Benefit
            }
        })
        .collect()
}

fn one(values: &[f64], method: Normalisation, d: Direction, r: IndicatorReference) -> Vec<f64> {
    let mut diags = Vec::new();
    normalise::normalise(values, &method, d, &r, "x", &mut diags).unwrap()
}

// ---------------------------------------------------------------------------------------------
// COINr function level: coinr_functions.json

#[test]
fn coinr_skew_kurtosis_and_check() {
    let v = load("coinr_functions.json");
    for (name, case) in v["cases"].as_object().unwrap() {
        let x = nums(&case["x"]);
        assert!(
            close(stats::skewness(&x).unwrap(), case["skew"].as_f64().unwrap()),
            "{name} skew"
        );
        assert!(
            close(stats::kurtosis(&x).unwrap(), case["kurt"].as_f64().unwrap()),
            "{name} kurt"
        );
        let c = treat::check_skew_kurtosis(&x, &WinsoriseConfig::COINR).unwrap();
        assert_eq!(
            c.pass,
            case["check_SkewKurt_pass"].as_bool().unwrap(),
            "{name} pass"
        );
    }
}

fn check_winsorised(name: &str, got: &treat::Winsorised, want: &Value) {
    assert_close_all(
        &format!("{name} winsorised x"),
        &got.values,
        &nums(&want["x"]),
    );
    assert_eq!(
        got.n_winsorised as u64,
        want["nwin"].as_u64().unwrap(),
        "{name} nwin"
    );
    let flags: Vec<&str> = got
        .points
        .iter()
        .map(|p| match p {
            PointTreatment::WinsorisedHigh => "winhi",
            PointTreatment::WinsorisedLow => "winlo",
            _ => "",
        })
        .collect();
    let want_flags: Vec<&str> = want["treated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(flags, want_flags, "{name} treated points");
    if let Some(skew) = want["skew_after"].as_f64() {
        assert!(
            close(stats::skewness(&got.values).unwrap(), skew),
            "{name} skew after"
        );
        assert!(close(
            stats::kurtosis(&got.values).unwrap(),
            want["kurt_after"].as_f64().unwrap()
        ));
    }
}

#[test]
fn coinr_winsorise_with_and_without_limit() {
    let v = load("coinr_functions.json");
    for (name, case) in v["cases"].as_object().unwrap() {
        let x = nums(&case["x"]);
        let limited = treat::winsorise(&x, &WinsoriseConfig::COINR);
        check_winsorised(name, &limited, &case["winsorise_winmax5"]);
        let unlimited = treat::winsorise(
            &x,
            &WinsoriseConfig {
                winmax: None,
                ..WinsoriseConfig::COINR
            },
        );
        check_winsorised(
            &format!("{name} (no limit)"),
            &unlimited,
            &case["winsorise_nolimit"],
        );
    }
}

#[test]
fn coinr_treat_numeric_default() {
    let v = load("coinr_functions.json");
    for (name, case) in v["cases"].as_object().unwrap() {
        let x = nums(&case["x"]);
        let want = &case["Treat_numeric_default"];
        let (got, report) = treat::treat(&x, &WinsoriseConfig::COINR);
        assert_close_all(&format!("{name} treated"), &got, &nums(&want["x"]));
        let dets = want["Dets_Table"].as_object().unwrap();
        let before = report.before.unwrap();
        assert_eq!(
            before.pass,
            dets["check_SkewKurt0"]["Pass"].as_bool().unwrap()
        );
        let expected_outcome = if dets.contains_key("log_CT") {
            TreatmentOutcome::LogTransformed
        } else if dets.contains_key("winsorise") {
            TreatmentOutcome::Winsorised
        } else {
            TreatmentOutcome::Passed
        };
        assert_eq!(report.outcome, expected_outcome, "{name}");
        if let Some(w) = dets.get("winsorise") {
            assert_eq!(
                report.n_winsorised as u64,
                w["nwin"].as_u64().unwrap(),
                "{name} nwin"
            );
            let after = report.after_winsorising.unwrap();
            assert!(close(
                after.skew,
                dets["check_SkewKurt1"]["Skew"].as_f64().unwrap()
            ));
            assert_eq!(
                after.pass,
                dets["check_SkewKurt1"]["Pass"].as_bool().unwrap()
            );
        }
        if let Some(c2) = dets.get("check_SkewKurt2") {
            let after = report.after_log.unwrap();
            assert!(
                close(after.skew, c2["Skew"].as_f64().unwrap()),
                "{name} skew after log"
            );
            assert!(
                close(after.kurtosis, c2["Kurt"].as_f64().unwrap()),
                "{name} kurt after log"
            );
        }
        assert_close_all(
            &format!("{name} log_CT"),
            &treat::log_ct(&x),
            &nums(&case["log_CT"]),
        );
    }
}

#[test]
fn coinr_normalisation_functions() {
    let v = load("coinr_functions.json");
    let b = Direction::Benefit;
    let none = IndicatorReference::default();
    let goal = IndicatorReference {
        goalposts: Some((0.0, 10.0)),
        benchmark: None,
    };
    for (name, case) in v["cases"].as_object().unwrap() {
        let x = nums(&case["x"]);
        let checks: Vec<(&str, Vec<f64>)> = vec![
            (
                "n_minmax_0_100",
                one(
                    &x,
                    Normalisation::MinMax {
                        lower: 0.0,
                        upper: 100.0,
                    },
                    b,
                    none,
                ),
            ),
            (
                "n_minmax_1_100",
                one(
                    &x,
                    Normalisation::MinMax {
                        lower: 1.0,
                        upper: 100.0,
                    },
                    b,
                    none,
                ),
            ),
            (
                "n_zscore_0_1",
                one(&x, Normalisation::ZScore { mean: 0.0, sd: 1.0 }, b, none),
            ),
            (
                "n_zscore_10_2",
                one(
                    &x,
                    Normalisation::ZScore {
                        mean: 10.0,
                        sd: 2.0,
                    },
                    b,
                    none,
                ),
            ),
            ("n_rank_min", one(&x, Normalisation::Rank, b, none)),
            ("n_borda", one(&x, Normalisation::Borda, b, none)),
            ("n_prank", one(&x, Normalisation::PercentRank, b, none)),
            ("n_fracmax", one(&x, Normalisation::FractionOfMax, b, none)),
            ("n_dist2max", one(&x, Normalisation::DistanceToMax, b, none)),
            (
                "n_goalposts_0_10_100",
                one(
                    &x,
                    Normalisation::Goalposts {
                        scale: 100.0,
                        truncate: true,
                    },
                    b,
                    goal,
                ),
            ),
            (
                "n_goalposts_0_10_100_neg",
                one(
                    &x,
                    Normalisation::Goalposts {
                        scale: 100.0,
                        truncate: true,
                    },
                    Direction::Cost,
                    goal,
                ),
            ),
        ];
        for (key, got) in checks {
            assert_close_all(&format!("{name} {key}"), &got, &nums(&case[key]));
        }
    }
}

#[test]
fn coinr_aggregation_functions() {
    let v = load("coinr_functions.json");
    for (i, case) in v["aggregation"].as_array().unwrap().iter().enumerate() {
        let x = nums(&case["x"]);
        let w = nums(&case["w"]);
        for (key, method) in [
            ("a_amean", Aggregation::ArithmeticMean),
            ("a_gmean", Aggregation::GeometricMean),
            ("a_hmean", Aggregation::HarmonicMean),
            ("a_genmean_p2", Aggregation::GeneralisedMean { p: 2.0 }),
            ("a_genmean_pm1", Aggregation::GeneralisedMean { p: -1.0 }),
        ] {
            let want = case[key].as_f64().unwrap_or(f64::NAN);
            let got = aggregate::unitwise_mean(&x, &w, &method);
            assert!(close(got, want), "case {i} {key}: got {got}, want {want}");
        }
    }
}

#[test]
fn coinr_outranking_and_copeland() {
    let v = load("coinr_functions.json");
    let c = &v["copeland"];
    let rows: Vec<Vec<f64>> = c["X"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            ["a", "b", "c", "d"]
                .iter()
                .map(|k| r[*k].as_f64().unwrap())
                .collect()
        })
        .collect();
    let cols = columns(&rows);
    let refs: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
    let w = nums(&c["w"]);
    let m = aggregate::outranking_matrix(&refs, &w);
    for (got, want) in m.iter().zip(matrix(&c["outrank_matrix"])) {
        assert_close_all("outranking matrix", got, &want);
    }
    assert_close_all(
        "copeland",
        &aggregate::copeland(&refs, &w),
        &nums(&c["a_copeland"]),
    );
}

// ---------------------------------------------------------------------------------------------
// COINr coins: coinr_m5x4.json, coinr_m12x6.json, coinr_lit_critic_tus2019.json

fn coin(file: &str) -> (Value, Structure, Dataset) {
    let v = load(file);
    let units: Vec<String> = v["uCode"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    let cols = columns(&matrix(&v["X"]));
    let dirs = directions(&v["types"]);
    let w = nums(&v["weights"]);
    let mut specs: Vec<NodeSpec> = (0..cols.len())
        .map(|j| NodeSpec::indicator(&format!("i{j}"), "Index", dirs[j]).weighted(w[j]))
        .collect();
    specs.push(NodeSpec::aggregate("Index", None, 2));
    let structure = Structure::new(specs).unwrap();
    let data = pipeline::dataset_from_columns(units, &structure, cols).unwrap();
    (v, structure, data)
}

#[test]
fn coinr_coins_normalise_aggregate_rank() {
    for file in [
        "coinr_m5x4.json",
        "coinr_m12x6.json",
        "coinr_lit_critic_tus2019.json",
    ] {
        let (v, structure, data) = coin(file);
        let specs = [
            (
                "minmax_0_100",
                Normalisation::MinMax {
                    lower: 0.0,
                    upper: 100.0,
                },
            ),
            (
                "minmax_1_100",
                Normalisation::MinMax {
                    lower: 1.0,
                    upper: 100.0,
                },
            ),
            ("zscore_0_1", Normalisation::ZScore { mean: 0.0, sd: 1.0 }),
            ("rank", Normalisation::Rank),
            ("borda", Normalisation::Borda),
        ];
        for (spec, normalisation) in specs {
            for (ag, aggregation) in [
                ("a_amean", Aggregation::ArithmeticMean),
                ("a_gmean", Aggregation::GeometricMean),
            ] {
                let key = format!("index_{spec}_{ag}");
                let Some(want) = v.get(&key) else { continue };
                let config = PipelineConfig {
                    normalisation: normalisation.clone(),
                    aggregation,
                    ..PipelineConfig::default()
                };
                let r = pipeline::run(&structure, &config, &data).unwrap();
                assert_close_all(&format!("{file} {key}"), r.index(), &nums(want));
                assert_close_all(
                    &format!("{file} rank_{spec}_{ag}"),
                    &r.rank,
                    &nums(&v[format!("rank_{spec}_{ag}")]),
                );
                let want_norm = columns(&matrix(&v[format!("normalised_{spec}")]));
                for (k, &i) in r.structure.indicators().iter().enumerate() {
                    assert_close_all(
                        &format!("{file} normalised_{spec} col {k}"),
                        &r.scores[i],
                        &want_norm[k],
                    );
                }
            }
        }
        let config = PipelineConfig {
            aggregation: Aggregation::Copeland,
            ..PipelineConfig::default()
        };
        let r = pipeline::run(&structure, &config, &data).unwrap();
        assert_close_all(
            &format!("{file} copeland"),
            r.index(),
            &nums(&v["copeland_on_minmax_0_100"]),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// pymcdm / pyDecision: mcdm_*.json

const MCDM_FILES: [&str; 4] = [
    "mcdm_m5x4.json",
    "mcdm_m12x6.json",
    "mcdm_lit_entropy_elsayed2017.json",
    "mcdm_lit_critic_tus2019.json",
];

struct Mcdm {
    v: Value,
    cols: Vec<Vec<f64>>,
    types: Vec<Direction>,
    weights: Vec<f64>,
}

fn mcdm(file: &str) -> Mcdm {
    let v = load(file);
    let cols = columns(&matrix(&v["X"]));
    let types = directions(&v["types"]);
    let weights = nums(&v["weights_given"]);
    Mcdm {
        v,
        cols,
        types,
        weights,
    }
}

impl Mcdm {
    fn criteria(&self) -> Vec<Criterion<'_>> {
        self.cols
            .iter()
            .zip(&self.types)
            .map(|(c, &t)| Criterion {
                name: "c",
                values: c,
                direction: t,
            })
            .collect()
    }

    fn refs(&self) -> Vec<&[f64]> {
        self.cols.iter().map(Vec::as_slice).collect()
    }

    fn normalised(&self, method: Normalisation) -> Vec<Vec<f64>> {
        self.cols
            .iter()
            .zip(&self.types)
            .map(|(c, &t)| one(c, method.clone(), t, IndicatorReference::default()))
            .collect()
    }

    fn weighted_mean(&self, normalised: &[Vec<f64>], method: Aggregation) -> Vec<f64> {
        let n = normalised[0].len();
        (0..n)
            .map(|u| {
                let x: Vec<f64> = normalised.iter().map(|c| c[u]).collect();
                aggregate::unitwise_mean(&x, &self.weights, &method)
            })
            .collect()
    }
}

#[test]
fn pymcdm_normalisations() {
    for file in MCDM_FILES {
        let m = mcdm(file);
        for (key, method) in [
            (
                "pymcdm_minmax_normalization",
                Normalisation::MinMax {
                    lower: 0.0,
                    upper: 1.0,
                },
            ),
            ("pymcdm_vector_normalization", Normalisation::Vector),
            ("pymcdm_sum_normalization", Normalisation::Sum),
            ("pymcdm_max_normalization", Normalisation::Max),
            ("pymcdm_linear_normalization", Normalisation::Linear),
        ] {
            let want = columns(&matrix(&m.v[key]));
            for (j, col) in m.normalised(method).iter().enumerate() {
                assert_close_all(&format!("{file} {key} col {j}"), col, &want[j]);
            }
        }
    }
}

#[test]
fn objective_weights_both_conventions() {
    for file in MCDM_FILES {
        let m = mcdm(file);
        let c = m.criteria();
        let cases: Vec<(&str, Result<Vec<f64>, EngineError>)> = vec![
            (
                "pymcdm_entropy_weights",
                weights::entropy(&c, Convention::Pymcdm),
            ),
            (
                "pyDecision_entropy_method",
                weights::entropy(&c, Convention::PyDecision),
            ),
            (
                "pymcdm_critic_weights",
                weights::critic(&c, Convention::Pymcdm),
            ),
            (
                "pyDecision_critic_method",
                weights::critic(&c, Convention::PyDecision),
            ),
            (
                "pymcdm_standard_deviation_weights",
                weights::standard_deviation(&c),
            ),
            ("pymcdm_variance_weights", weights::variance(&c)),
        ];
        for (key, got) in cases {
            assert_close_all(&format!("{file} {key}"), &got.unwrap(), &nums(&m.v[key]));
        }
    }
}

#[test]
fn topsis_vikor_and_weighted_sums() {
    for file in MCDM_FILES {
        let m = mcdm(file);
        let refs = m.refs();
        let tv = aggregate::mcdm_topsis(&refs, &m.weights, &m.types, TopsisNormalisation::Vector);
        let tm = aggregate::mcdm_topsis(&refs, &m.weights, &m.types, TopsisNormalisation::MinMax);
        assert_close_all(
            &format!("{file} TOPSIS vector"),
            &tv,
            &nums(&m.v["pymcdm_TOPSIS_vector"]),
        );
        assert_close_all(
            &format!("{file} pyDecision TOPSIS"),
            &tv,
            &nums(&m.v["pyDecision_topsis_method"]),
        );
        assert_close_all(
            &format!("{file} TOPSIS minmax"),
            &tm,
            &nums(&m.v["pymcdm_TOPSIS_minmax"]),
        );
        // pymcdm ranks with average ties.
        let avg = |s: &[f64]| rank::rank(s, Order::HighestFirst, TieRule::Average);
        assert_close_all(
            &format!("{file} TOPSIS vector rank"),
            &avg(&tv),
            &nums(&m.v["pymcdm_TOPSIS_vector_rank"]),
        );
        assert_close_all(
            &format!("{file} TOPSIS minmax rank"),
            &avg(&tm),
            &nums(&m.v["pymcdm_TOPSIS_minmax_rank"]),
        );

        let ew = weights::entropy(&m.criteria(), Convention::Pymcdm).unwrap();
        let te = aggregate::mcdm_topsis(&refs, &ew, &m.types, TopsisNormalisation::Vector);
        assert_close_all(
            &format!("{file} entropy-TOPSIS"),
            &te,
            &nums(&m.v["pymcdm_TOPSIS_vector_with_entropy_weights"]),
        );

        let minmax = m.normalised(Normalisation::MinMax {
            lower: 0.0,
            upper: 1.0,
        });
        assert_close_all(
            &format!("{file} WSM minmax"),
            &m.weighted_mean(&minmax, Aggregation::ArithmeticMean),
            &nums(&m.v["pymcdm_WSM_minmax"]),
        );
        let sum = m.normalised(Normalisation::Sum);
        assert_close_all(
            &format!("{file} WSM"),
            &m.weighted_mean(&sum, Aggregation::ArithmeticMean),
            &nums(&m.v["pymcdm_WSM_default"]),
        );
        assert_close_all(
            &format!("{file} WPM"),
            &m.weighted_mean(&sum, Aggregation::GeometricMean),
            &nums(&m.v["pymcdm_WPM_default"]),
        );

        let q = aggregate::mcdm_vikor(&refs, &m.weights, &m.types, 0.5).q;
        let want_q = nums(&m.v["pymcdm_VIKOR_Q"]);
        if want_q.iter().any(|x| x.is_nan()) {
            // pymcdm divides 0 by 0 when all units share the same regret R; jidi's convention
            // drops that term, so Q is the S term alone and stays defined.
            assert!(
                q.iter().all(|x| x.is_finite()),
                "{file}: VIKOR must stay defined"
            );
            let s = aggregate::mcdm_vikor(&refs, &m.weights, &m.types, 1.0).q;
            assert_close_all(
                &format!("{file} VIKOR degenerate R"),
                &q,
                &s.iter().map(|x| x * 0.5).collect::<Vec<_>>(),
            );
        } else {
            assert_close_all(&format!("{file} VIKOR Q"), &q, &want_q);
        }
    }
}

#[test]
fn mcdm_edge_cases() {
    let v = load("mcdm_edge_cases.json");
    for (name, case) in v["cases"].as_object().unwrap() {
        let cols = columns(&matrix(&case["X"]));
        let types = directions(&case["types"]);
        let w = nums(&case["weights"]);
        let criteria: Vec<Criterion<'_>> = cols
            .iter()
            .zip(&types)
            .map(|(c, &t)| Criterion {
                name: name.as_str(),
                values: c,
                direction: t,
            })
            .collect();
        // pymcdm convention: refuse what pymcdm refuses or leaves undefined, with the column named.
        match &case["pymcdm_entropy_weights"] {
            Value::String(s) if s.starts_with("ERROR") => {
                assert!(matches!(
                    weights::entropy(&criteria, Convention::Pymcdm),
                    Err(EngineError::OutOfDomain { .. })
                ));
            }
            want => assert_close_all(
                &format!("{name} entropy"),
                &weights::entropy(&criteria, Convention::Pymcdm).unwrap(),
                &nums(want),
            ),
        }
        let critic = weights::critic(&criteria, Convention::Pymcdm);
        let want = nums(&case["pymcdm_critic_weights"]);
        if want.iter().any(|x| x.is_nan()) {
            assert!(
                matches!(critic, Err(EngineError::Constant { .. })),
                "{name}: {critic:?}"
            );
        } else {
            assert_close_all(&format!("{name} critic"), &critic.unwrap(), &want);
        }
        // pyDecision convention reproduces pyDecision, guards included.
        assert_close_all(
            &format!("{name} pyDecision entropy"),
            &weights::entropy(&criteria, Convention::PyDecision).unwrap(),
            &nums(&case["pyDecision_entropy_method"]),
        );
        assert_close_all(
            &format!("{name} pyDecision critic"),
            &weights::critic(&criteria, Convention::PyDecision).unwrap(),
            &nums(&case["pyDecision_critic_method"]),
        );
        let refs: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
        assert_close_all(
            &format!("{name} TOPSIS minmax"),
            &aggregate::mcdm_topsis(&refs, &w, &types, TopsisNormalisation::MinMax),
            &nums(&case["pymcdm_TOPSIS_minmax"]),
        );
        assert_close_all(
            &format!("{name} pyDecision TOPSIS"),
            &aggregate::mcdm_topsis(&refs, &w, &types, TopsisNormalisation::Vector),
            &nums(&case["pyDecision_topsis_method"]),
        );
        let want_mm = columns(&matrix(&case["pymcdm_minmax_normalization"]));
        for (j, (c, &t)) in cols.iter().zip(&types).enumerate() {
            let got = one(
                c,
                Normalisation::MinMax {
                    lower: 0.0,
                    upper: 1.0,
                },
                t,
                IndicatorReference::default(),
            );
            if want_mm[j].iter().all(|x| *x == 1.0) && c.iter().all(|x| *x == c[0]) {
                // pymcdm scales a constant column to ones; jidi gives the middle of the range.
                assert!(got.iter().all(|x| *x == 0.5));
            } else {
                assert_close_all(&format!("{name} minmax col {j}"), &got, &want_mm[j]);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// AHP: ahp.json

#[test]
fn ahp_weights_and_consistency() {
    let v = load("ahp.json");
    for (name, case) in v["cases"].as_object().unwrap() {
        let m = matrix(&case["matrix"]);
        let eig_saaty = weights::ahp(&m, AhpMethod::Eigenvector, RandomIndex::Saaty).unwrap();
        let eig_tl = weights::ahp(&m, AhpMethod::Eigenvector, RandomIndex::TummalaLing).unwrap();
        assert_close_all(
            &format!("{name} pymcdm weights"),
            &eig_tl.weights,
            &nums(&case["pymcdm_AHP_weights"]),
        );
        assert_close_all(
            &format!("{name} pyDecision me weights"),
            &eig_saaty.weights,
            &nums(&case["pyDecision_ahp_me_weights"]),
        );
        assert!(
            close(eig_tl.cr, case["pymcdm_AHP_CR"].as_f64().unwrap()),
            "{name} CR Tummala-Ling {}",
            eig_tl.cr
        );
        assert!(
            close(eig_saaty.cr, case["pyDecision_ahp_me_CR"].as_f64().unwrap()),
            "{name} CR Saaty"
        );
        assert!(
            close(
                eig_saaty.lambda_max,
                case["lambda_max_eig"].as_f64().unwrap()
            ),
            "{name} lambda"
        );
        assert!(
            close(eig_saaty.ci, case["CI"].as_f64().unwrap()),
            "{name} CI"
        );
        for (key, method) in [
            ("g", AhpMethod::GeometricMean),
            ("m", AhpMethod::ColumnMean),
        ] {
            let r = weights::ahp(&m, method, RandomIndex::Saaty).unwrap();
            assert_close_all(
                &format!("{name} {key}"),
                &r.weights,
                &nums(&case[format!("pyDecision_ahp_{key}_weights")]),
            );
            assert!(
                close(
                    r.cr,
                    case[format!("pyDecision_ahp_{key}_CR")].as_f64().unwrap()
                ),
                "{name} {key} CR"
            );
        }
    }
}

#[test]
fn ahp_refuses_inconsistent_matrices_unless_forced() {
    let v = load("ahp.json");
    let m = matrix(&v["cases"]["ahp4_inconsistent"]["matrix"]);
    let structure = Structure::new(vec![
        NodeSpec::indicator("a", "I", Direction::Benefit),
        NodeSpec::indicator("b", "I", Direction::Benefit),
        NodeSpec::indicator("c", "I", Direction::Benefit),
        NodeSpec::indicator("d", "I", Direction::Benefit),
        NodeSpec::aggregate("I", None, 2),
    ])
    .unwrap();
    let cols = vec![vec![1.0, 2.0, 3.0]; 4];
    let data =
        pipeline::dataset_from_columns(vec!["x".into(), "y".into(), "z".into()], &structure, cols)
            .unwrap();
    let matrix = pipeline::PairwiseMatrix {
        codes: vec!["a".into(), "b".into(), "c".into(), "d".into()],
        matrix: m,
    };
    let mut options = pipeline::AhpOptions::default();
    let config = |o| PipelineConfig {
        weighting: pipeline::Weighting::Ahp(vec![matrix.clone()], o),
        ..PipelineConfig::default()
    };
    let err = pipeline::run(&structure, &config(options), &data).unwrap_err();
    assert!(matches!(err, EngineError::Inconsistent { .. }), "{err}");
    options.force = true;
    let r = pipeline::run(&structure, &config(options), &data).unwrap();
    assert!(r.diagnostics.iter().any(|d| d.message.contains("forced")));
}

// ---------------------------------------------------------------------------------------------
// Sensitivity estimators: coinr_SA_linear_sample.csv + coinr_SA_linear_estimates.csv

#[test]
fn coinr_sensitivity_estimators_exactly() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut reader = csv::Reader::from_path(dir.join("coinr_SA_linear_sample.csv")).unwrap();
    let mut y = Vec::new();
    for row in reader.records() {
        let row = row.unwrap();
        let x: Vec<f64> = (0..3).map(|i| row[i].parse().unwrap()).collect();
        let yv: f64 = row[3].parse().unwrap();
        // The sample is y = x1 + 2 x2 + 3 x3; check the file is what it says.
        assert!((x[0] + 2.0 * x[1] + 3.0 * x[2] - yv).abs() < 1e-12);
        y.push(yv);
    }
    let est = sensitivity::estimate(&y, 500, 3).unwrap();
    let mut reader = csv::Reader::from_path(dir.join("coinr_SA_linear_estimates.csv")).unwrap();
    let mut want: HashMap<usize, (f64, f64, f64)> = HashMap::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.unwrap();
        want.insert(
            i,
            (
                row[1].parse().unwrap(),
                row[2].parse().unwrap(),
                row[3].parse().unwrap(),
            ),
        );
    }
    for i in 0..3 {
        let (s, st, var) = want[&i];
        assert!(
            close(est.first_order[i], s),
            "S{i}: {} vs {s}",
            est.first_order[i]
        );
        assert!(
            close(est.total_order[i], st),
            "ST{i}: {} vs {st}",
            est.total_order[i]
        );
        assert!(close(est.variance, var));
    }
}
