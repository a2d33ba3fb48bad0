//! The Theta method of Assimakopoulos and Nikolopoulos (2000) as run in the M3 and M4 benchmarks
//! (`Theta.classic` of the M4 code; Hyndman and Billah 2003 showed it is simple exponential
//! smoothing with drift), and the M4 "Damped" benchmark on the same seasonally adjusted data.
//!
//! 1. When the series has at least three seasons and the autocorrelation at lag `m` exceeds its
//!    90 % limit ([`is_seasonal`](crate::stats)), it is divided by the seasonal indices of a
//!    classical multiplicative decomposition (subtracted, for an additive one, when a value is
//!    zero or negative).
//! 2. The theta-0 line is the least-squares line `a + b t`; the theta-2 line `2y − (a + b t)` is
//!    smoothed by SES with `α` and `ℓ0` estimated by maximum likelihood.
//! 3. The forecast is the mean of the SES forecast of the theta-2 line and the extrapolated
//!    theta-0 line, re-seasonalised. As in the M4 code, negative forecasts of non-negative data
//!    are set to zero.
//!
//! The interval is that of SES with drift on the adjusted scale, `σ²(1 + α²(h − 1))`, with `σ²`
//! the variance of the in-sample one-step errors of the combined theta lines (`Σr² / (n − 3)`),
//! mapped back through the seasonal index. statsforecast's `Theta` (the state-space "standard
//! theta model" of Fiorucci et al. 2016) gives nearly the same point forecasts.

use crate::ets::{self, ErrorKind, EtsSpec, SeasonKind, TrendKind};
use crate::stats;

/// Seasonal adjustment shared by Theta and Damped.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Adjustment {
    /// The seasonal figure by position of the first observation (empty: not seasonal).
    figure: Vec<f64>,
    multiplicative: bool,
}

impl Adjustment {
    pub(crate) fn of(y: &[f64], m: usize) -> Adjustment {
        if !stats::is_seasonal(y, m) {
            return Adjustment {
                figure: Vec::new(),
                multiplicative: true,
            };
        }
        let multiplicative = y.iter().all(|&v| v > 0.0);
        Adjustment {
            figure: stats::seasonal_figure(y, m, multiplicative),
            multiplicative,
        }
    }

    fn index(&self, t: usize) -> f64 {
        if self.figure.is_empty() {
            if self.multiplicative { 1.0 } else { 0.0 }
        } else {
            self.figure[t % self.figure.len()]
        }
    }

    pub(crate) fn remove(&self, y: &[f64]) -> Vec<f64> {
        y.iter()
            .enumerate()
            .map(|(t, &v)| {
                if self.multiplicative {
                    v / self.index(t)
                } else {
                    v - self.index(t)
                }
            })
            .collect()
    }

    /// Puts the season back on the value for time `t` (0-based from the first observation).
    pub(crate) fn restore(&self, t: usize, v: f64) -> f64 {
        if self.multiplicative {
            v * self.index(t)
        } else {
            v + self.index(t)
        }
    }
}

/// Forecasts from the theta method: point, lower, upper; `None` if SES cannot be fitted.
pub(crate) fn theta(y: &[f64], m: usize, horizon: usize, level: f64) -> Option<[Vec<f64>; 3]> {
    let n = y.len();
    let adjustment = Adjustment::of(y, m);
    let x = adjustment.remove(y);
    let (a, b) = stats::linear_trend(&x);
    let theta2: Vec<f64> = x
        .iter()
        .enumerate()
        .map(|(i, v)| 2.0 * v - (a + b * (i + 1) as f64))
        .collect();
    let ses = ets::fit_ses(&theta2)?;
    let ses_fitted = ses.fitted(&theta2);
    let mut sse = 0.0;
    for (i, v) in x.iter().enumerate() {
        let fitted = 0.5 * ses_fitted[i] + 0.5 * (a + b * (i + 1) as f64);
        sse += (v - fitted) * (v - fitted);
    }
    let sigma2 = sse / (n.saturating_sub(3).max(1)) as f64;
    let alpha = ses.params.alpha;
    let z = stats::normal_quantile(0.5 + level / 2.0);
    let level_n = ses.last.level;
    let non_negative = y.iter().all(|&v| v >= 0.0);
    let mut out = [
        Vec::with_capacity(horizon),
        Vec::with_capacity(horizon),
        Vec::with_capacity(horizon),
    ];
    for h in 1..=horizon {
        let point = 0.5 * level_n + 0.5 * (a + b * (n + h) as f64);
        let sd = (sigma2 * (1.0 + alpha * alpha * (h - 1) as f64)).sqrt();
        let t = n + h - 1;
        for (k, v) in [point, point - z * sd, point + z * sd]
            .into_iter()
            .enumerate()
        {
            let mut v = adjustment.restore(t, v);
            if non_negative && v < 0.0 {
                v = 0.0;
            }
            out[k].push(v);
        }
    }
    Some(out)
}

/// The M4 "Damped" benchmark: ETS(A,Ad,N) on the seasonally adjusted data, re-seasonalised.
pub(crate) fn damped(y: &[f64], m: usize, horizon: usize, level: f64) -> Option<[Vec<f64>; 3]> {
    let n = y.len();
    let adjustment = Adjustment::of(y, m);
    let x = adjustment.remove(y);
    let spec = EtsSpec {
        error: ErrorKind::Additive,
        trend: TrendKind::Damped,
        season: SeasonKind::None,
    };
    let fit = ets::Ets::with_spec(spec, 1).fit(&x).ok()?;
    let f = fit.predict(horizon, level);
    let restore = |v: &[f64]| -> Vec<f64> {
        v.iter()
            .enumerate()
            .map(|(h, &v)| adjustment.restore(n + h, v))
            .collect()
    };
    Some([restore(&f.point), restore(&f.lower), restore(&f.upper)])
}
