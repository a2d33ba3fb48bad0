//! Univariate forecasting for jidi's monthly and quarterly indicators: seasonal exponential
//! smoothing (ETS), the Theta method, seasonal naive, and their combination.
//!
//! # Brief overview
//!
//! A [`Series`] is a named run of equally spaced, complete observations with its season length
//! (12 for monthly data, 4 for quarterly, 1 for none). A [`Config`] says how far to forecast, at
//! which interval level and with which [`Method`]. [`forecast`] returns a [`Forecast`] — point
//! forecasts, the bounds of a central prediction interval, the level, the name of the model that
//! was used and the [`Diagnostic`]s of any fallback — and [`forecast_many`] does the same for many
//! series on all cores, with results that do not depend on the number of threads.
//!
//! The models follow the unfitted/fitted split of augurs: [`ets::Ets`] is a specification (or
//! automatic selection), [`ets::Ets::fit`] returns a [`ets::FittedEts`], whose
//! [`predict`](ets::FittedEts::predict) gives the forecasts.
//!
//! - [`ets`]: the state-space taxonomy of Hyndman, Koehler, Ord and Snyder (2008) as in R's
//!   `forecast::ets` and statsforecast's `AutoETS`, selected by AICc; analytic intervals for
//!   classes 1 and 2, simulated ones (seeded from the series) for class 3.
//! - [`Method::Theta`]: Assimakopoulos and Nikolopoulos (2000), as in the M4 benchmarks.
//! - [`Method::Damped`]: damped-trend exponential smoothing on seasonally adjusted data (the M4
//!   "Damped" benchmark; Gardner and McKenzie 1985).
//! - [`Method::SeasonalNaive`].
//! - [`Method::Combination`]: the arithmetic mean of ETS, Theta and Damped, in the spirit of the
//!   M4 "Comb" benchmark and of Petropoulos and Svetunkov's SCUM (2020): combinations of a few
//!   different exponential-smoothing forecasts are more accurate than the models chosen one by
//!   one. The interval is the envelope of the members' intervals (Gaba, Tsetlin and Winkler
//!   2017): each member's interval under-covers, and so did their average.
//! - [`Method::Auto`]: the mean of ETS and Theta, the most accurate option measured on the M1 and
//!   Tourism monthly series (`docs/FORECAST.md`): better than statsforecast's `AutoETS` on both
//!   sets in sMAPE and MASE, where the three-model combination loses on Tourism.
//!
//! # Conventions
//!
//! Forecasts and interval bounds of a series without negative values are clamped at zero.
//! Observations are `f64` and must be finite: a gap is an error ([`Error::MissingValue`]), never
//! interpolated, because only the caller knows the calendar to name the missing period. The level
//! is a probability (0.95 for a 95 % interval). Horizons count steps after the last observation.
//!
//! # Fallbacks
//!
//! Every fallback is reported as a [`Diagnostic`] in [`Forecast::diagnostics`]:
//!
//! | case | what is done |
//! | --- | --- |
//! | all values equal | that value, zero-width interval ([`Diagnostic::Constant`]) |
//! | fewer than 3 observations | their mean ([`Diagnostic::VeryShort`]; no interval for one) |
//! | fewer than two seasons | non-seasonal models only ([`Diagnostic::TooShortForSeason`]) |
//! | zero or negative values | additive models and decomposition only ([`Diagnostic::NonPositive`]) |
//! | a model cannot be fitted | the others, or naive ([`Diagnostic::ModelFailed`]) |
//!
//! The crate does no I/O, no async and no logging, reads no clock and uses no global random
//! generator: simulation draws come from a PCG generator seeded from the series' own values, so
//! the same input always gives the same output.
//!
//! ```
//! use jidi_forecast::{forecast, Config, Method, Series};
//!
//! // Seasonal naive repeats the last season; its interval uses the residual standard deviation
//! // of the seasonal differences: seven zeros and one 1, so σ = √(1/8).
//! let series = Series::new("demo", vec![1., 2., 3., 4., 1., 2., 3., 4., 1., 2., 3., 5.], 4)?;
//! let f = forecast(&series, &Config::new(5, Method::SeasonalNaive))?;
//! assert_eq!(f.point, vec![1., 2., 3., 5., 1.]);
//! let sigma = (1.0f64 / 8.0).sqrt();
//! assert!((f.lower[0] - (1.0 - 1.959964 * sigma)).abs() < 1e-6);
//! // The fifth step is a season further: the standard deviation grows by √2.
//! assert!((f.upper[4] - (1.0 + 1.959964 * sigma * 2f64.sqrt())).abs() < 1e-6);
//!
//! // A constant series gets a flat forecast with a zero-width interval, and says so.
//! let flat = Series::new("flat", vec![7.0; 30], 12)?;
//! let f = forecast(&flat, &Config::new(3, Method::Auto))?;
//! assert_eq!((f.point[2], f.lower[2], f.upper[2]), (7.0, 7.0, 7.0));
//! assert_eq!(f.diagnostics, vec![jidi_forecast::Diagnostic::Constant]);
//! # Ok::<(), jidi_forecast::Error>(())
//! ```
#![deny(missing_docs)]

pub mod error;
pub mod ets;
mod naive;
mod optim;
mod stats;
mod theta;

use std::sync::atomic::{AtomicUsize, Ordering};

pub use error::{Diagnostic, Error};
pub use stats::normal_quantile;

/// A named series of equally spaced, complete observations.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    id: String,
    values: Vec<f64>,
    season_length: usize,
}

impl Series {
    /// Checks the observations once: at least one, all finite, season length at least 1.
    pub fn new(
        id: impl Into<String>,
        values: Vec<f64>,
        season_length: usize,
    ) -> Result<Series, Error> {
        let id = id.into();
        if values.is_empty() {
            return Err(Error::Empty { series: id });
        }
        if let Some(index) = values.iter().position(|v| !v.is_finite()) {
            return Err(Error::MissingValue { series: id, index });
        }
        if season_length == 0 {
            return Err(Error::BadSeasonLength {
                series: id,
                season_length,
            });
        }
        Ok(Series {
            id,
            values,
            season_length,
        })
    }

    /// The name.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The observations.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The season length.
    pub fn season_length(&self) -> usize {
        self.season_length
    }
}

/// Which model forecasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// The most accurate option measured: the mean of ETS and Theta, with the envelope of
    /// their intervals.
    Auto,
    /// ETS selected by AICc.
    Ets,
    /// The Theta method.
    Theta,
    /// Damped-trend exponential smoothing on seasonally adjusted data.
    Damped,
    /// Seasonal naive.
    SeasonalNaive,
    /// The mean of ETS, Theta and Damped, with the envelope of their intervals.
    Combination,
}

impl Method {
    /// Every method, for command-line parsing and tests.
    pub const ALL: [Method; 6] = [
        Method::Auto,
        Method::Ets,
        Method::Theta,
        Method::Damped,
        Method::SeasonalNaive,
        Method::Combination,
    ];

    /// The short name (`auto`, `ets`, `theta`, `damped`, `snaive`, `comb`).
    pub fn name(self) -> &'static str {
        match self {
            Method::Auto => "auto",
            Method::Ets => "ets",
            Method::Theta => "theta",
            Method::Damped => "damped",
            Method::SeasonalNaive => "snaive",
            Method::Combination => "comb",
        }
    }
}

/// What to forecast. Built with [`Config::new`]; the fields may then be changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Steps to forecast after the last observation (at least 1).
    pub horizon: usize,
    /// Central interval level in (0, 1); 0.95 by default.
    pub level: f64,
    /// The method.
    pub method: Method,
    /// Worker threads for [`forecast_many`]; 0 means one per available core. Results do not
    /// depend on it.
    pub threads: usize,
}

impl Config {
    /// A horizon and a method, with a 95 % interval and all cores.
    pub fn new(horizon: usize, method: Method) -> Config {
        Config {
            horizon,
            level: 0.95,
            method,
            threads: 0,
        }
    }

    fn check(&self) -> Result<(), Error> {
        if self.horizon == 0 {
            return Err(Error::BadConfig {
                problem: "the horizon must be at least 1".into(),
            });
        }
        if !(self.level > 0.0 && self.level < 1.0) {
            return Err(Error::BadConfig {
                problem: format!("the level must lie in (0, 1), got {}", self.level),
            });
        }
        Ok(())
    }
}

/// Forecasts of one series.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// Point forecasts, one per step.
    pub point: Vec<f64>,
    /// Lower bounds of the central interval (`NaN` when none can be estimated).
    pub lower: Vec<f64>,
    /// Upper bounds of the central interval.
    pub upper: Vec<f64>,
    /// The interval level, e.g. 0.95.
    pub level: f64,
    /// The model used, e.g. `ETS(M,Ad,M)` or `Comb(ETS(A,A,A), Theta, Damped)`.
    pub model: String,
    /// Fallbacks and adjustments made, empty when none.
    pub diagnostics: Vec<Diagnostic>,
}

/// Forecasts one series.
pub fn forecast(series: &Series, config: &Config) -> Result<Forecast, Error> {
    config.check()?;
    let y = series.values();
    let n = y.len();
    let m = series.season_length();
    let h = config.horizon;
    let level = config.level;
    let mut diagnostics = Vec::new();
    let done = |[point, lower, upper]: [Vec<f64>; 3], model: String, diagnostics| Forecast {
        point,
        lower,
        upper,
        level,
        model,
        diagnostics,
    };
    if y.iter().all(|&v| v == y[0]) {
        diagnostics.push(Diagnostic::Constant);
        return Ok(done(
            [vec![y[0]; h], vec![y[0]; h], vec![y[0]; h]],
            "Constant".into(),
            diagnostics,
        ));
    }
    if n < 3 {
        diagnostics.push(Diagnostic::VeryShort { n });
        if n < 2 {
            diagnostics.push(Diagnostic::NoInterval);
        }
        return Ok(done(naive::mean(y, h, level), "Mean".into(), diagnostics));
    }
    if m > 1 && n < 2 * m && config.method != Method::SeasonalNaive {
        diagnostics.push(Diagnostic::TooShortForSeason { n, needed: 2 * m });
    }
    if y.iter().any(|&v| v <= 0.0) && config.method != Method::SeasonalNaive {
        diagnostics.push(Diagnostic::NonPositive);
    }
    let method = config.method;
    let naive_fallback = |model: &str, diagnostics: &mut Vec<Diagnostic>| {
        diagnostics.push(Diagnostic::ModelFailed {
            model: model.into(),
            replacement: "Naive".into(),
        });
        naive::naive(y, h, level)
    };
    let out = match method {
        Method::SeasonalNaive => {
            if n > m {
                done(
                    naive::seasonal_naive(y, m, h, level),
                    "SNaive".into(),
                    diagnostics,
                )
            } else {
                let f = naive_fallback("SNaive", &mut diagnostics);
                done(f, "Naive".into(), diagnostics)
            }
        }
        Method::Ets => match ets::Ets::auto(m).fit(y) {
            Ok(fit) => {
                let f = fit.predict(h, level);
                done([f.point, f.lower, f.upper], fit.spec.name(), diagnostics)
            }
            Err(_) => {
                let f = naive_fallback("ETS", &mut diagnostics);
                done(f, "Naive".into(), diagnostics)
            }
        },
        Method::Theta => match theta::theta(y, m, h, level) {
            Some(f) => done(f, "Theta".into(), diagnostics),
            None => {
                let f = naive_fallback("Theta", &mut diagnostics);
                done(f, "Naive".into(), diagnostics)
            }
        },
        Method::Damped => match theta::damped(y, m, h, level) {
            Some(f) => done(f, "Damped".into(), diagnostics),
            None => {
                let f = naive_fallback("Damped", &mut diagnostics);
                done(f, "Naive".into(), diagnostics)
            }
        },
        Method::Combination | Method::Auto => {
            let with_damped = method == Method::Combination;
            let mut parts: Vec<(String, [Vec<f64>; 3])> = Vec::new();
            let failed = |model: &str, diagnostics: &mut Vec<Diagnostic>| {
                diagnostics.push(Diagnostic::ModelFailed {
                    model: model.into(),
                    replacement: "the other components".into(),
                })
            };
            match ets::Ets::auto(m).fit(y) {
                Ok(fit) => {
                    let f = fit.predict(h, level);
                    parts.push((fit.spec.name(), [f.point, f.lower, f.upper]));
                }
                Err(_) => failed("ETS", &mut diagnostics),
            }
            match theta::theta(y, m, h, level) {
                Some(f) => parts.push(("Theta".into(), f)),
                None => failed("Theta", &mut diagnostics),
            }
            if with_damped {
                match theta::damped(y, m, h, level) {
                    Some(f) => parts.push(("Damped".into(), f)),
                    None => failed("Damped", &mut diagnostics),
                }
            }
            if parts.is_empty() {
                let f = naive_fallback("Comb", &mut diagnostics);
                done(f, "Naive".into(), diagnostics)
            } else {
                // Each member obeys the non-negativity rule before they are averaged.
                let non_negative = y.iter().all(|&v| v >= 0.0);
                for (_, part) in &mut parts {
                    for v in part.iter_mut().flatten() {
                        if non_negative && *v < 0.0 {
                            *v = 0.0;
                        }
                    }
                }
                // Points: the mean. Interval: the envelope of the members' intervals (the lowest
                // lower bound, the highest upper bound; Gaba, Tsetlin & Winkler 2017). Every
                // member's interval under-covers on held-out data, and so does their average;
                // the envelope is closer to the nominal level (docs/FORECAST.md).
                let k = parts.len() as f64;
                let mut combined = [
                    vec![0.0; h],
                    vec![f64::INFINITY; h],
                    vec![f64::NEG_INFINITY; h],
                ];
                for (_, [point, lower, upper]) in &parts {
                    for i in 0..h {
                        combined[0][i] += point[i] / k;
                        combined[1][i] = combined[1][i].min(lower[i]);
                        combined[2][i] = combined[2][i].max(upper[i]);
                    }
                }
                let names: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
                done(combined, format!("Comb({})", names.join(", ")), diagnostics)
            }
        }
    };
    Ok(clamp_non_negative(y, out))
}

/// Forecasts and bounds of a series with no negative value are not negative (as in the M4
/// benchmarks' code): a count or an amount cannot go below zero.
fn clamp_non_negative(y: &[f64], mut f: Forecast) -> Forecast {
    if y.iter().all(|&v| v >= 0.0) {
        for v in f.point.iter_mut().chain(&mut f.lower).chain(&mut f.upper) {
            if *v < 0.0 {
                *v = 0.0;
            }
        }
    }
    f
}

/// Forecasts many series on `config.threads` threads (all cores when 0). Result `i` belongs to
/// series `i`; each series is computed on its own from its own data, so the results are the same
/// for any number of threads.
pub fn forecast_many(series: &[Series], config: &Config) -> Vec<Result<Forecast, Error>> {
    let threads = if config.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        config.threads
    }
    .clamp(1, series.len().max(1));
    if threads == 1 {
        return series.iter().map(|s| forecast(s, config)).collect();
    }
    // Series differ in cost, so threads take the next one from a shared counter.
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<Result<Forecast, Error>>> = vec![None; series.len()];
    let chunks: Vec<Vec<(usize, Result<Forecast, Error>)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= series.len() {
                            break;
                        }
                        out.push((i, forecast(&series[i], config)));
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("forecast worker panicked"))
            .collect()
    });
    for (i, r) in chunks.into_iter().flatten() {
        results[i] = Some(r);
    }
    results
        .into_iter()
        .map(|r| r.expect("every series forecast"))
        .collect()
}
