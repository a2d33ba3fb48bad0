//! Exponential smoothing state-space models (ETS), after Hyndman, Koehler, Ord and Snyder (2008),
//! *Forecasting with Exponential Smoothing: the State Space Approach*, as implemented by R's
//! `forecast::ets` and statsforecast's `AutoETS`.
//!
//! # Parameterisation
//!
//! The state is a level `l`, a trend `b` and `m` seasonal states `s_1..s_m` (`s_1` the most
//! recent). With `q = l + φb` (or `l` without trend) the one-step forecast is `μ = q`, `q + s_m`
//! or `q · s_m`; the error is `e = y − μ` (additive) or `(y − μ)/μ` (multiplicative). The states
//! are updated in the error-correction form of `forecast`'s `etscalc`, the same for both error
//! types:
//!
//! ```text
//! l' = q + α (p − q)                 p = y, y − s_m or y / s_m
//! b' = φb + (β/α) (l' − l − φb)
//! s' = s_m + γ (t − s_m)             t = y − q or y / q;  s_1 ← s', the others shift
//! ```
//!
//! so `β` and `γ` are the error-correction coefficients (`β ≤ α`, `γ ≤ 1 − α`). The parameters
//! live in `forecast`'s "usual" region: `1e-4 ≤ α ≤ 0.9999`, `1e-4 ≤ β ≤ α`,
//! `1e-4 ≤ γ ≤ 1 − α`, `0.8 ≤ φ ≤ 0.98`. The optimiser works on the real line through logistic
//! maps onto these intervals, so every trial point is admissible.
//!
//! # Estimation
//!
//! The smoothing parameters, the initial level and the initial trend maximise the likelihood
//! (`n log Σe² + 2 Σ log|μ|` for multiplicative errors, `n log Σe²` for additive ones) by
//! Nelder–Mead. The initial seasonal states come from `forecast`'s `initstate` heuristic (a
//! classical decomposition of the first three seasons, or a linear-plus-Fourier regression when
//! there are fewer); for models whose states enter linearly (additive season) they are then
//! refined by least squares with the smoothing parameters held, and the smoothing parameters
//! re-optimised. This is where the crate departs from `forecast::ets`, which puts all `m − 1`
//! seasonal states into the Nelder–Mead search: a 17-dimensional simplex is slow and rarely
//! converges within its iteration cap. The parameter count used by the information criteria still
//! includes the seasonal states, as in `ets`. Multiplicative-error models start from the optimum of
//! their additive-error twin, multiplicative-season models from the multiplicative-error
//! additive-season fit (seasonal states mapped `s ↦ 1 + s/ℓ0`), additive-error damped models from
//! their undamped fit (which they nest). In the automatic selection the search stops when the
//! simplex's values of `−2 log L` lie within 0.2 of each other (a tenth of a unit of
//! log-likelihood); a single requested model is searched to 1e-3. Nelder–Mead evaluates one
//! point at a time through the filter (a monomorphised loop per model, run on `q = l + φb` so
//! that one step waits for only two operations of the previous one).
//!
//! # Selection
//!
//! [`Ets::auto`] fits every combination `ets` allows by default (`restrict = TRUE`, no
//! multiplicative trend): error A or M, trend N, A or Ad, season N, A or M, without the
//! additive-error/multiplicative-season combinations; multiplicative error or season only for
//! strictly positive data; seasonal models only when `n ≥ 2m`; a model only when `n` exceeds its
//! parameter count by more than four. The one with the smallest AICc wins.
//!
//! # Intervals
//!
//! Class 1 (additive error and components) and class 2 (multiplicative error, additive
//! components) have analytic forecast variances (Hyndman et al. 2008, chapter 6):
//! `v_h = σ²(1 + Σ_{j<h} c_j²)` and `v_h = (1 + σ²)θ_h − μ_h²` with
//! `θ_h = μ_h² + σ² Σ_{j<h} c_j² θ_{h−j}`, where `c_j = α + βφ_j + γ[j ≡ 0 mod m]`. Class 3
//! (multiplicative error and season) intervals are the empirical quantiles of
//! [`SIMULATED_PATHS`] simulated sample paths, in antithetic pairs (the second half of the paths
//! gets the negated errors of the first), with normal errors from the ziggurat method on a PCG
//! generator seeded from the series itself (so the same series always gets the same interval).
//! `σ²` is `Σe² / (n − k)` with `k` the number of estimated parameters.
//!
//! ```
//! use jidi_forecast::ets::{self, ErrorKind, EtsParams, EtsSpec, EtsState, SeasonKind, TrendKind};
//!
//! // Simple exponential smoothing, ETS(A,N,N), with α = 0.5 from ℓ0 = 10: the first error is
//! // 12 − 10 = 2 and the level moves half-way, to 11; the second observation is 11, no error.
//! let spec = EtsSpec { error: ErrorKind::Additive, trend: TrendKind::None, season: SeasonKind::None };
//! let params = EtsParams { alpha: 0.5, beta: 0.0, gamma: 0.0, phi: 1.0 };
//! let start = EtsState { level: 10.0, trend: 0.0, season: vec![] };
//! let fit = ets::evaluate(spec, params, &start, &[12.0, 11.0]);
//! assert_eq!(fit.residuals, vec![2.0, 0.0]);
//! assert_eq!(fit.point_forecast(2), vec![11.0, 11.0]);
//! // −2 log L as `ets` reports it: n log Σe² = 2 log 4.
//! assert!((fit.neg2_loglik - 2.0 * 4f64.ln()).abs() < 1e-12);
//! ```

use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_pcg::Pcg64Mcg;

use crate::optim::NelderMead;
use crate::stats;

mod estimate;
mod filter;

pub use estimate::initial_state;
use estimate::*;
use filter::*;

/// Number of sample paths for the simulated intervals of class-3 models.
pub const SIMULATED_PATHS: usize = 1000;

const LOWER: f64 = 1e-4;
const UPPER: f64 = 0.9999;
const PHI_LOWER: f64 = 0.8;
const PHI_UPPER: f64 = 0.98;
const TOL: f64 = 1e-10;
const HUGE: f64 = 1e10;

/// The error component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Additive errors.
    Additive,
    /// Multiplicative (relative) errors.
    Multiplicative,
}

/// The trend component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrendKind {
    /// No trend.
    None,
    /// Additive (linear) trend.
    Additive,
    /// Additive damped trend (damping parameter φ).
    Damped,
}

/// The seasonal component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeasonKind {
    /// No season.
    None,
    /// Additive season.
    Additive,
    /// Multiplicative season.
    Multiplicative,
}

/// One ETS model of the taxonomy, e.g. ETS(M,Ad,M).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EtsSpec {
    /// The error.
    pub error: ErrorKind,
    /// The trend.
    pub trend: TrendKind,
    /// The season.
    pub season: SeasonKind,
}

impl EtsSpec {
    /// The model's name in the usual notation, e.g. `ETS(M,Ad,M)`.
    pub fn name(&self) -> String {
        let e = match self.error {
            ErrorKind::Additive => "A",
            ErrorKind::Multiplicative => "M",
        };
        let t = match self.trend {
            TrendKind::None => "N",
            TrendKind::Additive => "A",
            TrendKind::Damped => "Ad",
        };
        let s = match self.season {
            SeasonKind::None => "N",
            SeasonKind::Additive => "A",
            SeasonKind::Multiplicative => "M",
        };
        format!("ETS({e},{t},{s})")
    }

    fn n_smoothing(&self) -> usize {
        1 + usize::from(self.trend != TrendKind::None)
            + usize::from(self.season != SeasonKind::None)
            + usize::from(self.trend == TrendKind::Damped)
    }

    /// Number of estimated parameters: smoothing parameters and initial states (`m − 1` seasonal
    /// ones, the last being fixed by normalisation).
    fn n_params(&self, m: usize) -> usize {
        self.n_smoothing()
            + 1
            + usize::from(self.trend != TrendKind::None)
            + if self.season == SeasonKind::None {
                0
            } else {
                m - 1
            }
    }

    /// The candidates `ets` considers by default, in its order.
    fn candidates(seasonal: bool, positive: bool) -> Vec<EtsSpec> {
        let mut out = Vec::new();
        for error in [ErrorKind::Additive, ErrorKind::Multiplicative] {
            for trend in [TrendKind::None, TrendKind::Additive, TrendKind::Damped] {
                for season in [
                    SeasonKind::None,
                    SeasonKind::Additive,
                    SeasonKind::Multiplicative,
                ] {
                    if !seasonal && season != SeasonKind::None {
                        continue;
                    }
                    if error == ErrorKind::Additive && season == SeasonKind::Multiplicative {
                        continue;
                    }
                    if !positive
                        && (error == ErrorKind::Multiplicative
                            || season == SeasonKind::Multiplicative)
                    {
                        continue;
                    }
                    out.push(EtsSpec {
                        error,
                        trend,
                        season,
                    });
                }
            }
        }
        out
    }
}

/// Smoothing parameters. `beta` is 0 without trend, `gamma` 0 without season, `phi` 1 without
/// damping.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EtsParams {
    /// Level smoothing α.
    pub alpha: f64,
    /// Trend smoothing β (error-correction form, `β ≤ α`).
    pub beta: f64,
    /// Seasonal smoothing γ (error-correction form, `γ ≤ 1 − α`).
    pub gamma: f64,
    /// Damping φ.
    pub phi: f64,
}

/// The states at one time: level, trend and `m` seasonal states, `season[0]` the most recent
/// (`s_1`).
#[derive(Debug, Clone, PartialEq)]
pub struct EtsState {
    /// The level.
    pub level: f64,
    /// The trend (0 without trend).
    pub trend: f64,
    /// `s_1..s_m` (empty without season).
    pub season: Vec<f64>,
}

/// Why no ETS model could be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EtsError {
    /// The series is too short for the requested model (or for any model).
    #[error("{n} observations are too few for {model} (it needs more than {needed})")]
    TooShort {
        /// The model.
        model: String,
        /// Observations.
        n: usize,
        /// Observations needed.
        needed: usize,
    },
    /// A multiplicative model was requested for data with zero or negative values.
    #[error("{model} needs strictly positive data")]
    NonPositive {
        /// The model.
        model: String,
    },
    /// The likelihood is not finite anywhere the optimiser looked.
    #[error("{model}: the likelihood could not be evaluated")]
    NoLikelihood {
        /// The model.
        model: String,
    },
}

/// An unfitted ETS model: one specification, or automatic selection by AICc.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ets {
    spec: Option<EtsSpec>,
    season_length: usize,
}

impl Ets {
    /// Automatic selection among the admissible models (see the module docs) for data with the
    /// given season length (1 for none).
    pub fn auto(season_length: usize) -> Ets {
        Ets {
            spec: None,
            season_length: season_length.max(1),
        }
    }

    /// One model.
    pub fn with_spec(spec: EtsSpec, season_length: usize) -> Ets {
        Ets {
            spec: Some(spec),
            season_length: season_length.max(1),
        }
    }

    /// Fits to `y` (finite values).
    pub fn fit(&self, y: &[f64]) -> Result<FittedEts, EtsError> {
        let m = self.season_length;
        let n = y.len();
        let positive = y.iter().all(|&v| v > 0.0);
        let mut cache = InitCache::default();
        match self.spec {
            Some(spec) => {
                let needed = needed_for(spec, m);
                if n <= needed {
                    return Err(EtsError::TooShort {
                        model: spec.name(),
                        n,
                        needed,
                    });
                }
                if !positive
                    && (spec.error == ErrorKind::Multiplicative
                        || spec.season == SeasonKind::Multiplicative)
                {
                    return Err(EtsError::NonPositive { model: spec.name() });
                }
                fit_spec(spec, m, y, &mut cache, Start::Heuristic, SINGLE)
                    .ok_or(EtsError::NoLikelihood { model: spec.name() })
            }
            None => {
                let seasonal = m > 1 && n >= 2 * m;
                // Every fit is kept (the best is taken out at the end, not copied) and may start
                // others: an additive-error fit its multiplicative-error twin, a
                // multiplicative-error additive-season fit the multiplicative season, and an
                // additive-error undamped fit its damped version.
                let mut fits: Vec<FittedEts> = Vec::new();
                let mut best: Option<usize> = None;
                for spec in EtsSpec::candidates(seasonal, positive) {
                    if n <= needed_for(spec, m) {
                        continue;
                    }
                    let starters = || {
                        fits.iter()
                            .filter(|f| f.spec.season != SeasonKind::Multiplicative)
                    };
                    let warm = starters().find(|f| {
                        f.spec.trend == spec.trend
                            && (f.spec.season == spec.season
                                || (spec.season == SeasonKind::Multiplicative
                                    && f.spec.season == SeasonKind::Additive
                                    && f.spec.error == ErrorKind::Multiplicative))
                    });
                    let from = match warm {
                        Some(w) => Start::Twin(w),
                        None if spec.trend == TrendKind::Damped => starters()
                            .find(|f| {
                                f.spec.error == spec.error
                                    && f.spec.season == spec.season
                                    && f.spec.trend == TrendKind::Additive
                            })
                            .map_or(Start::Heuristic, Start::Undamped),
                        None => Start::Heuristic,
                    };
                    let Some(fit) = fit_spec(spec, m, y, &mut cache, from, SELECTION) else {
                        continue;
                    };
                    if fit.aicc.is_finite() && best.is_none_or(|b| fit.aicc < fits[b].aicc) {
                        best = Some(fits.len());
                    }
                    fits.push(fit);
                }
                let best = best.map(|b| fits.swap_remove(b));
                best.ok_or(EtsError::TooShort {
                    model: "ETS".into(),
                    n,
                    needed: needed_for(
                        EtsSpec {
                            error: ErrorKind::Additive,
                            trend: TrendKind::None,
                            season: SeasonKind::None,
                        },
                        1,
                    ),
                })
            }
        }
    }
}

/// Observations a model needs beyond its parameter count (`ets` skips a model unless
/// `n > k + 4`).
fn needed_for(spec: EtsSpec, m: usize) -> usize {
    spec.n_params(m) + 4
}

/// A fitted ETS model.
#[derive(Debug, Clone, PartialEq)]
pub struct FittedEts {
    /// The model.
    pub spec: EtsSpec,
    /// The season length used (1 without season).
    pub season_length: usize,
    /// The smoothing parameters.
    pub params: EtsParams,
    /// The estimated initial states.
    pub initial: EtsState,
    /// The states after the last observation.
    pub last: EtsState,
    /// `−2 log L` up to a constant, as `ets` reports it: `n log Σe² (+ 2 Σ log|μ|)`.
    pub neg2_loglik: f64,
    /// The corrected Akaike information criterion.
    pub aicc: f64,
    /// The one-step residuals (relative for multiplicative errors).
    pub residuals: Vec<f64>,
    /// The residual variance `Σe² / (n − k)`.
    pub sigma2: f64,
    /// Number of estimated parameters `k` (smoothing parameters and initial states).
    pub n_params: usize,
    seed: u64,
}

/// The forecasts of a fitted model: the mean path and the bounds of a central interval.
#[derive(Debug, Clone, PartialEq)]
pub struct PathForecast {
    /// Point forecasts.
    pub point: Vec<f64>,
    /// Lower bounds.
    pub lower: Vec<f64>,
    /// Upper bounds.
    pub upper: Vec<f64>,
}

impl FittedEts {
    /// Point forecasts and central `level` intervals (e.g. 0.95) for `horizon` steps.
    pub fn predict(&self, horizon: usize, level: f64) -> PathForecast {
        let point = self.point_forecast(horizon);
        let z = stats::normal_quantile(0.5 + level / 2.0);
        let (lower, upper) = match (self.spec.error, self.spec.season) {
            (_, SeasonKind::Multiplicative) => self.simulated_bounds(horizon, level),
            (ErrorKind::Additive, _) => {
                let c = self.c_values(horizon);
                let mut acc = 0.0;
                point
                    .iter()
                    .enumerate()
                    .map(|(h, &mu)| {
                        if h > 0 {
                            acc += c[h - 1] * c[h - 1];
                        }
                        let sd = (self.sigma2 * (1.0 + acc)).sqrt();
                        (mu - z * sd, mu + z * sd)
                    })
                    .unzip()
            }
            (ErrorKind::Multiplicative, _) => {
                let c = self.c_values(horizon);
                let s2 = self.sigma2;
                let mut theta = vec![0.0; horizon];
                point
                    .iter()
                    .enumerate()
                    .map(|(h, &mu)| {
                        let mut t = mu * mu;
                        for j in 1..=h {
                            t += s2 * c[j - 1] * c[j - 1] * theta[h - j];
                        }
                        theta[h] = t;
                        let v = ((1.0 + s2) * t - mu * mu).max(0.0);
                        (mu - z * v.sqrt(), mu + z * v.sqrt())
                    })
                    .unzip()
            }
        };
        PathForecast {
            point,
            lower,
            upper,
        }
    }

    /// Point forecasts (the conditional mean for classes 1 and 2, the recursion for class 3).
    pub fn point_forecast(&self, horizon: usize) -> Vec<f64> {
        forecast_from(self.spec, self.params.phi, &self.last, horizon)
    }

    /// Fitted one-step forecasts over the sample.
    pub fn fitted(&self, y: &[f64]) -> Vec<f64> {
        y.iter()
            .zip(&self.residuals)
            .map(|(&v, &e)| match self.spec.error {
                ErrorKind::Additive => v - e,
                ErrorKind::Multiplicative => v / (1.0 + e),
            })
            .collect()
    }

    /// `c_j = α + βφ_j + γ[j ≡ 0 mod m]` for `j = 1..horizon`.
    fn c_values(&self, horizon: usize) -> Vec<f64> {
        let p = self.params;
        let m = self.season_length;
        let mut phi_j = 0.0;
        let mut phi_pow = 1.0;
        (1..=horizon)
            .map(|j| {
                phi_pow *= p.phi;
                phi_j += if self.spec.trend == TrendKind::Damped {
                    phi_pow
                } else {
                    1.0
                };
                let mut c = p.alpha;
                if self.spec.trend != TrendKind::None {
                    c += p.beta * phi_j;
                }
                if self.spec.season != SeasonKind::None && j % m == 0 {
                    c += p.gamma;
                }
                c
            })
            .collect()
    }

    /// Class-3 intervals: [`SIMULATED_PATHS`] sample paths, simulated side by side (one step of
    /// every path at a time, so the loop over paths is straight-line arithmetic), with the
    /// empirical quantiles of each step.
    fn simulated_bounds(&self, horizon: usize, level: f64) -> (Vec<f64>, Vec<f64>) {
        const N: u8 = 0;
        const A: u8 = 1;
        const M: u8 = 2;
        let mut rng = Pcg64Mcg::seed_from_u64(self.seed);
        let sigma = self.sigma2.sqrt();
        let paths = SIMULATED_PATHS;
        let seasonal = self.spec.season != SeasonKind::None;
        let m = if seasonal { self.last.season.len() } else { 1 };
        let mult = self.spec.error == ErrorKind::Multiplicative;
        let trend = self.spec.trend != TrendKind::None;
        let q0 = self.last.level
            + if trend {
                self.params.phi * self.last.trend
            } else {
                0.0
            };
        let mut qs = vec![q0; paths];
        let mut trends = vec![self.last.trend; paths];
        // Row k holds s_{m−k} of every path (oldest first), as in the filter.
        let mut season: Vec<f64> = Vec::with_capacity(m * paths);
        if seasonal {
            for &s in self.last.season.iter().rev() {
                season.resize(season.len() + paths, s);
            }
        } else {
            season.resize(paths, 0.0);
        }
        let mut noise = vec![0.0; paths];
        let mut row = vec![0.0; paths];
        let k = Coefficients::of(self.params);
        let lo_p = 0.5 - level / 2.0;
        let hi_p = 0.5 + level / 2.0;
        let mut lower = Vec::with_capacity(horizon);
        let mut upper = Vec::with_capacity(horizon);
        for h in 0..horizon {
            // Antithetic pairs: path i + P/2 gets the opposite draw of path i.
            let (first, second) = noise.split_at_mut(paths / 2);
            for (z, w) in first.iter_mut().zip(second.iter_mut()) {
                *z = sigma * rng.sample::<f64, _>(StandardNormal);
                *w = -*z;
            }
            let states = &mut season[(h % m) * paths..][..paths];
            macro_rules! dispatch {
                ($($m:literal, $t:literal, $s:ident => $kind:path);* $(;)?) => {
                    match (mult, trend, self.spec.season) {
                        $(($m, $t, $kind) => simulate_step::<$m, $t, $s>(
                            &k, &mut qs, &mut trends, states, &noise, &mut row,
                        ),)*
                    }
                };
            }
            dispatch!(
                false, false, N => SeasonKind::None;
                false, false, A => SeasonKind::Additive;
                false, false, M => SeasonKind::Multiplicative;
                false, true, N => SeasonKind::None;
                false, true, A => SeasonKind::Additive;
                false, true, M => SeasonKind::Multiplicative;
                true, false, N => SeasonKind::None;
                true, false, A => SeasonKind::Additive;
                true, false, M => SeasonKind::Multiplicative;
                true, true, N => SeasonKind::None;
                true, true, A => SeasonKind::Additive;
                true, true, M => SeasonKind::Multiplicative;
            );
            let (lo, hi) = stats::tail_quantiles(&mut row, lo_p, hi_p);
            lower.push(lo);
            upper.push(hi);
        }
        (lower, upper)
    }
}

/// Fits simple exponential smoothing, ETS(A,N,N), without the length check of [`Ets::fit`]
/// (Theta needs it on short series).
pub(crate) fn fit_ses(y: &[f64]) -> Option<FittedEts> {
    let spec = EtsSpec {
        error: ErrorKind::Additive,
        trend: TrendKind::None,
        season: SeasonKind::None,
    };
    fit_spec(
        spec,
        1,
        y,
        &mut InitCache::default(),
        Start::Heuristic,
        SINGLE,
    )
}

/// Evaluates a given model with given parameters and initial states (no estimation), for tests
/// against reference implementations.
pub fn evaluate(spec: EtsSpec, params: EtsParams, initial: &EtsState, y: &[f64]) -> FittedEts {
    let m = initial.season.len().max(1);
    let mut buf = Vec::new();
    finish(
        spec,
        m,
        params,
        initial.level,
        initial.trend,
        &initial.season,
        y,
        &mut buf,
    )
}

#[cfg(test)]
mod tests;
