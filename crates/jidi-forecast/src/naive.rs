//! Benchmarks and fallbacks: seasonal naive, naive (random walk) and the mean.
//!
//! Intervals are those of R `forecast::snaive`/`naive` and statsforecast: the residual standard
//! deviation `σ = √(Σr²/#r)` of the in-sample (seasonal) differences, widened as
//! `σ√(⌊(h−1)/m⌋ + 1)` (seasonal naive) or `σ√h` (naive).

use crate::stats;

/// Seasonal naive: the value one season back. Needs `y.len() > m`.
pub(crate) fn seasonal_naive(y: &[f64], m: usize, horizon: usize, level: f64) -> [Vec<f64>; 3] {
    let n = y.len();
    let m = m.max(1);
    debug_assert!(n > m);
    let residuals: Vec<f64> = (m..n).map(|t| y[t] - y[t - m]).collect();
    let sigma = (residuals.iter().map(|r| r * r).sum::<f64>() / residuals.len() as f64).sqrt();
    let z = stats::normal_quantile(0.5 + level / 2.0);
    let mut out = [Vec::new(), Vec::new(), Vec::new()];
    for h in 1..=horizon {
        let point = y[n - m + (h - 1) % m];
        let sd = sigma * ((((h - 1) / m) + 1) as f64).sqrt();
        out[0].push(point);
        out[1].push(point - z * sd);
        out[2].push(point + z * sd);
    }
    out
}

/// The mean of the observations, with the interval of a new draw from a normal sample
/// (`s√(1 + 1/n)`), `NaN` bounds for one observation.
pub(crate) fn mean(y: &[f64], horizon: usize, level: f64) -> [Vec<f64>; 3] {
    let n = y.len() as f64;
    let mean = y.iter().sum::<f64>() / n;
    let sd = if y.len() > 1 {
        (y.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0)).sqrt()
            * (1.0 + 1.0 / n).sqrt()
    } else {
        f64::NAN
    };
    let z = stats::normal_quantile(0.5 + level / 2.0);
    [
        vec![mean; horizon],
        vec![mean - z * sd; horizon],
        vec![mean + z * sd; horizon],
    ]
}

/// Naive: the last value, `σ√h` with `σ` from the first differences. Needs `y.len() >= 2`.
pub(crate) fn naive(y: &[f64], horizon: usize, level: f64) -> [Vec<f64>; 3] {
    let n = y.len();
    let last = y[n - 1];
    let sigma = ((1..n).map(|t| (y[t] - y[t - 1]).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
    let z = stats::normal_quantile(0.5 + level / 2.0);
    let mut out = [Vec::new(), Vec::new(), Vec::new()];
    for h in 1..=horizon {
        let sd = sigma * (h as f64).sqrt();
        out[0].push(last);
        out[1].push(last - z * sd);
        out[2].push(last + z * sd);
    }
    out
}
