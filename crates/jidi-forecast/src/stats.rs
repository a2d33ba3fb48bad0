//! Small numerical helpers: least squares, classical decomposition, autocorrelation, the normal
//! quantile, quantiles of samples and a seed derived from data.

/// Ordinary least squares of `y` on `1, t` for `t = 1..=n`: `(intercept, slope)`.
pub(crate) fn linear_trend(y: &[f64]) -> (f64, f64) {
    let n = y.len() as f64;
    if y.len() < 2 {
        return (y.first().copied().unwrap_or(0.0), 0.0);
    }
    let t_mean = (n + 1.0) / 2.0;
    let y_mean = y.iter().sum::<f64>() / n;
    let mut sxy = 0.0;
    let mut sxx = 0.0;
    for (i, v) in y.iter().enumerate() {
        let dt = (i + 1) as f64 - t_mean;
        sxy += dt * (v - y_mean);
        sxx += dt * dt;
    }
    let slope = sxy / sxx;
    (y_mean - slope * t_mean, slope)
}

/// Least squares `min |X b - y|` for a small dense `X` (row-major, `k` columns) through the normal
/// equations and Gaussian elimination with partial pivoting. `None` when singular.
pub(crate) fn least_squares(x: &[f64], k: usize, y: &[f64]) -> Option<Vec<f64>> {
    let n = y.len();
    let mut a = vec![0.0; k * (k + 1)];
    for i in 0..n {
        let row = &x[i * k..(i + 1) * k];
        for r in 0..k {
            for c in 0..k {
                a[r * (k + 1) + c] += row[r] * row[c];
            }
            a[r * (k + 1) + k] += row[r] * y[i];
        }
    }
    solve_augmented(&mut a, k)
}

/// [`least_squares`] with `X` stored by columns (`k` columns of `y.len()` values): the normal
/// equations are then dot products of contiguous columns.
pub(crate) fn least_squares_columns(x: &[f64], k: usize, y: &[f64]) -> Option<Vec<f64>> {
    let n = y.len();
    let w = k + 1;
    let column = |j: usize| if j < k { &x[j * n..(j + 1) * n] } else { y };
    let mut a = vec![0.0; k * w];
    for r in 0..k {
        for c in r..w {
            let v = dot(column(r), column(c));
            a[r * w + c] = v;
            if c < k {
                a[c * w + r] = v;
            }
        }
    }
    solve_augmented(&mut a, k)
}

/// `Σ a_i b_i` with four partial sums (so the additions need not wait for each other).
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for j in 0..4 {
            acc[j] += x[j] * y[j];
        }
    }
    let mut tail = 0.0;
    for (x, y) in ra.iter().zip(rb) {
        tail += x * y;
    }
    (acc[0] + acc[2]) + (acc[1] + acc[3]) + tail
}

/// Solves the `k × (k+1)` augmented system in place.
fn solve_augmented(a: &mut [f64], k: usize) -> Option<Vec<f64>> {
    let w = k + 1;
    for col in 0..k {
        let pivot =
            (col..k).max_by(|&i, &j| a[i * w + col].abs().total_cmp(&a[j * w + col].abs()))?;
        if a[pivot * w + col].abs() < 1e-300 {
            return None;
        }
        if pivot != col {
            for c in 0..w {
                a.swap(pivot * w + c, col * w + c);
            }
        }
        for r in col + 1..k {
            let factor = a[r * w + col] / a[col * w + col];
            for c in col..w {
                a[r * w + c] -= factor * a[col * w + c];
            }
        }
    }
    let mut b = vec![0.0; k];
    for r in (0..k).rev() {
        let mut s = a[r * w + k];
        for c in r + 1..k {
            s -= a[r * w + c] * b[c];
        }
        b[r] = s / a[r * w + r];
    }
    b.iter().all(|v| v.is_finite()).then_some(b)
}

/// Classical decomposition (R `decompose`, statsmodels `seasonal_decompose`): the seasonal figure
/// for positions `0..m` of the first observation onwards. The trend is the centred moving average
/// of order `m` (2×m for even `m`); the figure is the mean detrended value of each position,
/// centred to sum 0 (additive) or to average 1 (multiplicative). Needs `y.len() >= 2m`.
pub(crate) fn seasonal_figure(y: &[f64], m: usize, multiplicative: bool) -> Vec<f64> {
    let n = y.len();
    let half = m / 2;
    let mut sums = vec![0.0; m];
    let mut counts = vec![0usize; m];
    for t in half..n.saturating_sub(half) {
        let trend = if m.is_multiple_of(2) {
            let mut s = 0.5 * (y[t - half] + y[t + half]);
            for v in &y[t + 1 - half..t + half] {
                s += v;
            }
            s / m as f64
        } else {
            y[t - half..=t + half].iter().sum::<f64>() / m as f64
        };
        // Even m: the window t-half..=t+half has m+1 points, the ends weighted ½.
        let detrended = if multiplicative {
            y[t] / trend
        } else {
            y[t] - trend
        };
        sums[t % m] += detrended;
        counts[t % m] += 1;
    }
    let mut figure: Vec<f64> = sums
        .iter()
        .zip(&counts)
        .map(|(s, &c)| if c > 0 { s / c as f64 } else { f64::NAN })
        .collect();
    let mean = figure.iter().sum::<f64>() / m as f64;
    for f in &mut figure {
        if multiplicative {
            *f /= mean;
        } else {
            *f -= mean;
        }
    }
    figure
}

/// Sample autocorrelations at lags `1..=max_lag` (the biased estimator of R `acf`).
pub(crate) fn acf(y: &[f64], max_lag: usize) -> Vec<f64> {
    let n = y.len();
    let mean = y.iter().sum::<f64>() / n as f64;
    let denom: f64 = y.iter().map(|v| (v - mean) * (v - mean)).sum();
    (1..=max_lag)
        .map(|k| {
            if k >= n || denom == 0.0 {
                return 0.0;
            }
            let s: f64 = (0..n - k).map(|t| (y[t] - mean) * (y[t + k] - mean)).sum();
            s / denom
        })
        .collect()
}

/// The seasonality test of the M4 benchmarks (and statsforecast's Theta): the autocorrelation at
/// lag `m` exceeds its 90 % limit `1.645 / √n · √(1 + 2 Σ_{k<m} r_k²)`. Needs `n >= 3m`.
pub(crate) fn is_seasonal(y: &[f64], m: usize) -> bool {
    let n = y.len();
    if m < 2 || n < 3 * m {
        return false;
    }
    let r = acf(y, m);
    let sum_sq: f64 = r[..m - 1].iter().map(|v| v * v).sum();
    let limit = 1.645 / (n as f64).sqrt() * (1.0 + 2.0 * sum_sq).sqrt();
    r[m - 1].abs() > limit
}

/// The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    if !(p > 0.0 && p < 1.0) {
        return f64::NAN;
    }
    let low = 0.024_25;
    if p < low {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - low {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -normal_quantile(1.0 - p)
    }
}

/// The `p` quantile of `values` (R type 7, linear interpolation); reorders `values`.
pub(crate) fn quantile(values: &mut [f64], p: f64) -> f64 {
    let n = values.len();
    let h = (n - 1) as f64 * p;
    let lo = h.floor() as usize;
    let (_, &mut a, rest) = values.select_nth_unstable_by(lo, f64::total_cmp);
    if lo + 1 >= n {
        return a;
    }
    let b = rest.iter().copied().fold(f64::INFINITY, f64::min);
    a + (h - lo as f64) * (b - a)
}

/// The `p_lo` and `p_hi` quantiles of `values` (R type 7), as [`quantile`] gives them, for tail
/// probabilities: when each needs only a few order statistics from its end, these are kept in a
/// small sorted buffer in one pass (a value enters it only when it beats the buffer's last), which
/// costs about one comparison per value instead of a selection. Reorders `values` otherwise.
pub(crate) fn tail_quantiles(values: &mut [f64], p_lo: f64, p_hi: f64) -> (f64, f64) {
    const MAX: usize = 64;
    let n = values.len();
    let h_lo = (n - 1) as f64 * p_lo;
    let h_hi = (n - 1) as f64 * p_hi;
    let i_lo = h_lo.floor() as usize;
    let i_hi = h_hi.floor() as usize;
    // Order statistics needed: i_lo and i_lo + 1 from below, i_hi and i_hi + 1 from above.
    let k_lo = i_lo + 2;
    let k_hi = n - i_hi;
    if k_lo > MAX || k_hi > MAX || k_lo + k_hi > n {
        return (quantile(values, p_lo), quantile(values, p_hi));
    }
    // Keys ordered as `f64::total_cmp` orders the values (its own bit transformation).
    // (The transformation is its own inverse.)
    let key = |v: f64| {
        let bits = v.to_bits() as i64;
        bits ^ (((bits >> 63) as u64) >> 1) as i64
    };
    let value = |k: i64| f64::from_bits(key(f64::from_bits(k as u64)) as u64);
    // The buffers hold keys: `small` ascending, the k_lo smallest so far; `large` ascending in
    // the negated key, the k_hi largest so far.
    let mut small = [0i64; MAX];
    let mut large = [0i64; MAX];
    let (small, large) = (&mut small[..k_lo], &mut large[..k_hi]);
    let first = k_lo.max(k_hi);
    let mut head = [0i64; MAX];
    let head = &mut head[..first];
    for (d, &v) in head.iter_mut().zip(values.iter()) {
        *d = key(v);
    }
    head.sort_unstable();
    small.copy_from_slice(&head[..k_lo]);
    for (d, v) in large.iter_mut().zip(head.iter().rev()) {
        *d = !*v;
    }
    let insert = |buf: &mut [i64], k: i64| {
        let mut i = buf.len() - 1;
        while i > 0 && k < buf[i - 1] {
            buf[i] = buf[i - 1];
            i -= 1;
        }
        buf[i] = k;
    };
    for &v in &values[first..] {
        let k = key(v);
        if k < small[k_lo - 1] {
            insert(small, k);
        }
        if !k < large[k_hi - 1] {
            insert(large, !k);
        }
    }
    let (a, b) = (value(small[i_lo]), value(small[i_lo + 1]));
    let lo = a + (h_lo - i_lo as f64) * (b - a);
    // From above: order statistic i_hi is large[n − 1 − i_hi], i_hi + 1 is the one before it.
    let a = value(!large[n - 1 - i_hi]);
    let hi = if i_hi + 1 >= n {
        a
    } else {
        a + (h_hi - i_hi as f64) * (value(!large[n - 2 - i_hi]) - a)
    };
    (lo, hi)
}

/// A 64-bit seed derived from the data (FNV-1a over the values' 64-bit patterns, a word at a time,
/// then SplitMix64), so that simulated intervals depend on the series only. Every fitted model
/// computes one, so it is a word, not a byte, per step.
pub(crate) fn seed_of(values: &[f64], salt: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ salt;
    for v in values {
        h ^= v.to_bits();
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let mut z = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantiles() {
        for (p, z) in [
            (0.975, 1.959_963_984_540_054),
            (0.5, 0.0),
            (0.9, 1.281_551_565_544_600_5),
            (0.005, -2.575_829_303_548_901),
        ] {
            assert!((normal_quantile(p) - z).abs() < 1e-8, "{p}");
        }
    }

    #[test]
    fn type_7_quantiles() {
        let mut v = vec![4.0, 1.0, 3.0, 2.0, 5.0];
        assert_eq!(quantile(&mut v, 0.5), 3.0);
        assert!((quantile(&mut v, 0.1) - 1.4).abs() < 1e-12);
        assert_eq!(quantile(&mut v, 1.0), 5.0);
    }

    #[test]
    fn tail_quantiles_are_type_7_quantiles() {
        let mut state = 7u64;
        for n in [1usize, 2, 3, 10, 41, 1000] {
            let values: Vec<f64> = (0..n)
                .map(|_| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1);
                    (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
                })
                .collect();
            for (lo, hi) in [(0.025, 0.975), (0.1, 0.9), (0.0, 1.0), (0.4, 0.6)] {
                let mut a = values.clone();
                let mut b = values.clone();
                let expected = (quantile(&mut a, lo), quantile(&mut a, hi));
                assert_eq!(tail_quantiles(&mut b, lo, hi), expected, "n={n} p={lo}");
            }
        }
    }

    #[test]
    fn trend_and_least_squares_agree() {
        let y = [1.0, 3.0, 2.0, 5.0, 4.0, 6.0];
        let (a, b) = linear_trend(&y);
        let x: Vec<f64> = (1..=6).flat_map(|t| [1.0, t as f64]).collect();
        let coef = least_squares(&x, 2, &y).unwrap();
        assert!((coef[0] - a).abs() < 1e-12 && (coef[1] - b).abs() < 1e-12);
        let columns: Vec<f64> = [1.0; 6].into_iter().chain((1..=6).map(f64::from)).collect();
        let coef = least_squares_columns(&columns, 2, &y).unwrap();
        assert!((coef[0] - a).abs() < 1e-12 && (coef[1] - b).abs() < 1e-12);
        assert!((b - 31.0 / 35.0).abs() < 1e-12); // Σ(t − t̄)(y − ȳ) = 15.5, Σ(t − t̄)² = 17.5
    }
}
