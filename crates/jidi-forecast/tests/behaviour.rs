//! Fallbacks, errors, determinism and thread-count independence, case by case.

use jidi_forecast::{Config, Diagnostic, Error, Forecast, Method, Series, forecast, forecast_many};

fn seasonal(n: usize, level: f64, seed: u64) -> Vec<f64> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|t| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let noise = (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
            let season = 1.0 + 0.2 * (t as f64 * std::f64::consts::PI / 6.0).sin();
            level * (1.0 + 0.01 * t as f64) * season * (1.0 + 0.05 * noise)
        })
        .collect()
}

/// The one helper that calls the API: forecasts `values` with season 12 and horizon 6.
fn check(values: Vec<f64>, method: Method) -> Forecast {
    let series = Series::new("s", values, 12).unwrap();
    let f = forecast(&series, &Config::new(6, method)).unwrap();
    assert_eq!(f.point.len(), 6);
    assert_eq!(f.lower.len(), 6);
    assert_eq!(f.upper.len(), 6);
    f
}

#[test]
fn fallbacks_case_by_case() {
    let negative: Vec<f64> = seasonal(60, 100.0, 3).iter().map(|v| v - 110.0).collect();
    // (case, values, expected diagnostics, expected model prefix)
    let cases: Vec<(&str, Vec<f64>, Vec<Diagnostic>, &str)> = vec![
        (
            "constant",
            vec![5.0; 40],
            vec![Diagnostic::Constant],
            "Constant",
        ),
        (
            "one point",
            vec![3.0],
            vec![Diagnostic::Constant],
            "Constant",
        ),
        (
            "two points",
            vec![3.0, 5.0],
            vec![Diagnostic::VeryShort { n: 2 }],
            "Mean",
        ),
        (
            "five points",
            vec![3.0, 5.0, 4.0, 6.0, 5.0],
            vec![
                Diagnostic::TooShortForSeason { n: 5, needed: 24 },
                Diagnostic::ModelFailed {
                    model: "ETS".into(),
                    replacement: "the other components".into(),
                },
            ],
            "Comb(Theta)",
        ),
        (
            "one and a half seasons",
            seasonal(18, 100.0, 1),
            vec![Diagnostic::TooShortForSeason { n: 18, needed: 24 }],
            "Comb(ETS(",
        ),
        (
            "negative values",
            negative,
            vec![Diagnostic::NonPositive],
            "Comb(ETS(A,",
        ),
        ("regular", seasonal(60, 100.0, 2), vec![], "Comb(ETS("),
    ];
    for (case, values, diagnostics, model) in cases {
        let f = check(values, Method::Auto);
        assert_eq!(f.diagnostics, diagnostics, "{case}");
        assert!(f.model.starts_with(model), "{case}: {}", f.model);
        for h in 0..6 {
            assert!(f.point[h].is_finite(), "{case}");
            assert!(
                f.lower[h] <= f.point[h] && f.point[h] <= f.upper[h],
                "{case}"
            );
        }
    }
}

#[test]
fn a_constant_series_has_a_zero_width_interval_and_one_point_no_interval() {
    let f = check(vec![2.5; 30], Method::Ets);
    assert!(
        f.point
            .iter()
            .chain(&f.lower)
            .chain(&f.upper)
            .all(|&v| v == 2.5)
    );
    let two = check(vec![1.0, 3.0], Method::Auto);
    assert_eq!(two.point, vec![2.0; 6]);
    // s = √2, times √(1 + 1/2), times z(0.975).
    let half_width = 1.959_963_984_540_054 * 2f64.sqrt() * 1.5f64.sqrt();
    assert!((two.upper[0] - 2.0 - half_width).abs() < 1e-8);
}

#[test]
fn every_method_handles_a_regular_series() {
    let y = seasonal(72, 1000.0, 9);
    for method in Method::ALL {
        let f = check(y.clone(), method);
        assert!(f.diagnostics.is_empty(), "{method:?}: {:?}", f.diagnostics);
        // The series grows about 1 % a month from 1,000: forecasts stay in a sane range.
        assert!(
            f.point.iter().all(|&v| v > 1000.0 && v < 3000.0),
            "{method:?}: {:?}",
            f.point
        );
    }
}

#[test]
fn a_combination_averages_the_points_and_spans_its_members_intervals() {
    for seed in [3, 9, 27] {
        let y = seasonal(60, 500.0, seed);
        let [auto, ets, theta] =
            [Method::Auto, Method::Ets, Method::Theta].map(|m| check(y.clone(), m));
        for h in 0..6 {
            let mean = (ets.point[h] + theta.point[h]) / 2.0;
            assert!(
                (auto.point[h] - mean).abs() < 1e-9 * mean,
                "seed {seed} step {h}"
            );
            assert_eq!(
                auto.lower[h],
                ets.lower[h].min(theta.lower[h]),
                "seed {seed} step {h}"
            );
            assert_eq!(
                auto.upper[h],
                ets.upper[h].max(theta.upper[h]),
                "seed {seed} step {h}"
            );
        }
    }
}

#[test]
fn errors_name_the_series_and_the_problem() {
    assert_eq!(
        Series::new("gap", vec![1.0, f64::NAN, 2.0], 12),
        Err(Error::MissingValue {
            series: "gap".into(),
            index: 1
        })
    );
    assert_eq!(
        Series::new("empty", vec![], 12),
        Err(Error::Empty {
            series: "empty".into()
        })
    );
    let s = Series::new("ok", vec![1.0, 2.0, 3.0], 1).unwrap();
    let mut config = Config::new(0, Method::Auto);
    assert!(matches!(
        forecast(&s, &config),
        Err(Error::BadConfig { .. })
    ));
    config.horizon = 3;
    config.level = 1.0;
    assert!(matches!(
        forecast(&s, &config),
        Err(Error::BadConfig { .. })
    ));
    let text = Error::MissingValue {
        series: "gap".into(),
        index: 1,
    }
    .to_string();
    assert_eq!(
        text,
        "series \"gap\": observation 1 (0-based) is missing or not finite"
    );
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let series: Vec<Series> = (0..40)
        .map(|i| {
            let n = 20 + (i * 7) % 70;
            Series::new(format!("s{i}"), seasonal(n, 10.0 + i as f64, i as u64), 12).unwrap()
        })
        .collect();
    let mut config = Config::new(18, Method::Auto);
    config.threads = 1;
    let one = forecast_many(&series, &config);
    for threads in [2, 3, 8] {
        config.threads = threads;
        assert_eq!(forecast_many(&series, &config), one, "{threads} threads");
    }
    // And the same as one series at a time, twice (no hidden state).
    for (s, r) in series.iter().zip(&one) {
        assert_eq!(&forecast(s, &config), r);
    }
}

#[test]
fn simulated_intervals_are_reproducible_and_plausible() {
    // Strongly multiplicative seasonality: ETS picks a class-3 model, whose interval is simulated.
    let y: Vec<f64> = seasonal(96, 500.0, 5);
    let s = Series::new("m", y, 12).unwrap();
    let a = forecast(&s, &Config::new(18, Method::Ets)).unwrap();
    let b = forecast(&s, &Config::new(18, Method::Ets)).unwrap();
    assert_eq!(a, b);
    for h in 0..18 {
        assert!(
            a.lower[h] < a.point[h] && a.point[h] < a.upper[h],
            "{h}: {a:?}"
        );
    }
    // Intervals widen with the horizon (compare a season apart to remove the seasonal factor).
    assert!(a.upper[12] - a.lower[12] > a.upper[0] - a.lower[0]);
}

#[test]
fn non_negative_series_get_non_negative_forecasts() {
    // A decaying count that reaches zero: a trend model would extrapolate below zero.
    let y: Vec<f64> = (0..40).map(|t| (40.0 - 1.5 * t as f64).max(0.0)).collect();
    for method in Method::ALL {
        let f = check(y.clone(), method);
        assert!(
            f.point.iter().chain(&f.lower).all(|&v| v >= 0.0),
            "{method:?}: {f:?}"
        );
    }
}
