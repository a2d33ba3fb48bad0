//! Descriptive statistics with the conventions of the reference tools.
//!
//! Missing values are `NaN` throughout the engine; every function here says whether it skips them.
//! The estimators follow R where COINr uses R: sample standard deviation with `n - 1`, skewness and
//! kurtosis of `e1071` type 2 (the Excel definitions, copied into COINr as `skew()` and `kurt()`),
//! and quantiles of R's default type 7.

/// Correctly rounded sum of `values` (Shewchuk's algorithm, as Python's `math.fsum`).
///
/// R accumulates `sum()` and `mean()` in 80-bit extended precision, so two sets of terms with the
/// same exact sum give bit-identical results there, and COINr's tied scores stay tied. A plain
/// `f64` loop would break such ties in the last bit; an exact sum keeps them. Written by hand
/// because the algorithm is twenty lines and no maintained crate offers it without pulling in
/// much more.
pub fn fsum(values: impl IntoIterator<Item = f64>) -> f64 {
    // The partials are non-overlapping doubles of increasing magnitude, so there are at most
    // about 2,098 / 53 ≈ 40 of them (the exponent range over the mantissa width): a fixed array
    // serves every input, and a mean in a loop allocates nothing.
    // Infinities, NaN and an overflowing partial sum have no exact finite sum: the plain sum,
    // kept beside, gives IEEE's answer for them.
    let mut partials = [0.0f64; 64];
    let mut len = 0usize;
    let mut plain = 0.0;
    let mut finite = true;
    for mut x in values {
        plain += x;
        if !finite || !x.is_finite() {
            finite = false;
            continue;
        }
        let mut i = 0;
        for j in 0..len {
            let mut y = partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                partials[i] = lo;
                i += 1;
            }
            x = hi;
        }
        if !x.is_finite() {
            finite = false;
            continue;
        }
        partials[i] = x;
        len = i + 1;
    }
    if !finite {
        return plain;
    }
    let partials = &partials[..len];
    // Round the partials (non-overlapping, increasing magnitude) to the nearest double.
    let mut hi = 0.0;
    if let Some(mut n) = partials.len().checked_sub(1) {
        hi = partials[n];
        let mut lo = 0.0;
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = partials[n];
            hi = x + y;
            let yr = hi - x;
            lo = y - yr;
            if lo != 0.0 {
                break;
            }
        }
        if n > 0 && ((lo < 0.0 && partials[n - 1] < 0.0) || (lo > 0.0 && partials[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            let yr = x - hi;
            if y == yr {
                hi = x;
            }
        }
    }
    hi
}

/// Values that are not missing, in their original order.
pub fn present(values: &[f64]) -> Vec<f64> {
    values.iter().copied().filter(|v| !v.is_nan()).collect()
}

/// Number of values that are not missing.
pub fn count_present(values: &[f64]) -> usize {
    values.iter().filter(|v| !v.is_nan()).count()
}

/// Arithmetic mean of the values that are present; `None` when none is.
///
/// Uses R's two-pass correction (the mean of the residuals is added back), so that the value
/// matches `mean()` in R to the last bits for ill-conditioned data.
pub fn mean(values: &[f64]) -> Option<f64> {
    let n = count_present(values);
    if n == 0 {
        return None;
    }
    let first = fsum(values.iter().copied().filter(|v| !v.is_nan())) / n as f64;
    let residual = fsum(values.iter().filter(|v| !v.is_nan()).map(|v| v - first));
    Some(first + residual / n as f64)
}

/// Sample variance (denominator `n - 1`) of the values that are present; `None` below two values.
pub fn variance(values: &[f64]) -> Option<f64> {
    let n = count_present(values);
    if n < 2 {
        return None;
    }
    let m = mean(values)?;
    let ss = fsum(
        values
            .iter()
            .filter(|v| !v.is_nan())
            .map(|v| (v - m) * (v - m)),
    );
    Some(ss / (n - 1) as f64)
}

/// Sample standard deviation (denominator `n - 1`), as R's `sd()` and numpy's `std(ddof=1)`.
pub fn sd(values: &[f64]) -> Option<f64> {
    variance(values).map(f64::sqrt)
}

/// Skewness of `e1071::skewness(type = 2)`, which COINr's `skew()` copies. Missing values are
/// skipped. `None` below three values or when all values are equal (the estimator is 0/0).
pub fn skewness(values: &[f64]) -> Option<f64> {
    skewness_kurtosis(values).0
}

/// Kurtosis of `e1071::kurtosis(type = 2)` (excess kurtosis, as Excel's `KURT`), which COINr's
/// `kurt()` copies. Missing values are skipped. `None` below four values or when all are equal.
pub fn kurtosis(values: &[f64]) -> Option<f64> {
    skewness_kurtosis(values).1
}

/// [`skewness`] and [`kurtosis`] from one mean and one pass over the deviations: the treatment
/// asks for both at every step of its winsorisation, and the exact mean is the costly part.
/// Each is computed with the same operations in the same order as on its own.
pub fn skewness_kurtosis(values: &[f64]) -> (Option<f64>, Option<f64>) {
    let n = count_present(values);
    if n < 3 {
        return (None, None);
    }
    let Some(m) = mean(values) else {
        return (None, None);
    };
    let (mut s2, mut s3, mut s4) = (0.0, 0.0, 0.0);
    for v in values.iter().filter(|v| !v.is_nan()) {
        let d = v - m;
        let d2 = d * d;
        s2 += d2;
        s3 += d2 * d;
        s4 += d2 * d2;
    }
    if s2 == 0.0 {
        return (None, None);
    }
    let nf = n as f64;
    let y = nf.sqrt() * s3 / s2.powf(1.5);
    let skew = y * (nf * (nf - 1.0)).sqrt() / (nf - 2.0);
    let kurtosis = (n >= 4).then(|| {
        let r = nf * s4 / (s2 * s2);
        ((nf + 1.0) * (r - 3.0) + 6.0) * (nf - 1.0) / ((nf - 2.0) * (nf - 3.0))
    });
    (Some(skew), kurtosis)
}

/// Minimum and maximum of the values that are present.
pub fn min_max(values: &[f64]) -> Option<(f64, f64)> {
    let mut it = values.iter().copied().filter(|v| !v.is_nan());
    let first = it.next()?;
    Some(it.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v))))
}

/// Quantile of R's default definition (type 7: linear interpolation between order statistics,
/// `h = (n - 1) p`). Missing values are skipped; `None` when none is present.
pub fn quantile(values: &[f64], p: f64) -> Option<f64> {
    let mut x = present(values);
    if x.is_empty() {
        return None;
    }
    x.sort_by(f64::total_cmp);
    Some(quantile_sorted(&x, p))
}

/// Type-7 quantile of values that are already sorted ascending and contain no `NaN`.
///
/// # Panics
/// When `sorted` is empty.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    assert!(!sorted.is_empty(), "quantile of an empty sample");
    let h = (sorted.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Median (type-7 quantile at one half).
pub fn median(values: &[f64]) -> Option<f64> {
    quantile(values, 0.5)
}

/// Pearson correlation of two equally long series without missing values; `None` when either
/// series is constant (the coefficient is undefined).
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    debug_assert_eq!(x.len(), y.len());
    let mx = mean(x)?;
    let my = mean(y)?;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        let (da, db) = (a - mx, b - my);
        sxy += da * db;
        sxx += da * da;
        syy += db * db;
    }
    if sxx == 0.0 || syy == 0.0 {
        return None;
    }
    Some(sxy / (sxx.sqrt() * syy.sqrt()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type7_quantiles_match_r() {
        // R: quantile(c(1, 2, 3, 4, 10), c(0.05, 0.5, 0.95)) -> 1.2 3.0 8.8
        let x = [4.0, 1.0, 10.0, 3.0, 2.0];
        assert!((quantile(&x, 0.05).unwrap() - 1.2).abs() < 1e-12);
        assert_eq!(median(&x), Some(3.0));
        assert!((quantile(&x, 0.95).unwrap() - 8.8).abs() < 1e-12);
    }

    #[test]
    fn moments_need_enough_distinct_values() {
        assert_eq!(skewness(&[1.0, 2.0]), None);
        assert_eq!(kurtosis(&[1.0, 1.0, 1.0, 1.0]), None);
        assert_eq!(sd(&[f64::NAN, 3.0]), None);
        assert_eq!(mean(&[f64::NAN]), None);
    }

    #[test]
    fn fsum_is_exact() {
        assert_eq!(fsum([1e100, 1.0, -1e100]), 1.0);
        assert_eq!(fsum([0.1; 10]), 1.0);
        assert_eq!(fsum([]), 0.0);
        // Terms spread over the whole exponent range need the most partials (39 here); each is
        // below half an ulp of the next, so the correctly rounded sum is the largest.
        let two_to = |e: i32| {
            if e >= -1022 {
                f64::from_bits(((e + 1023) as u64) << 52)
            } else {
                f64::from_bits(1 << (e + 1074))
            }
        };
        let spread: Vec<f64> = (-1074..1023).step_by(54).map(two_to).collect();
        assert_eq!(spread[0], f64::from_bits(1));
        assert_eq!(fsum(spread.iter().copied()), *spread.last().unwrap());
        assert_eq!(fsum(spread.iter().rev().copied()), *spread.last().unwrap());
    }

    #[test]
    fn fsum_of_non_finite_terms_is_ieee() {
        assert_eq!(fsum([1.0, f64::INFINITY]), f64::INFINITY);
        assert!(fsum([f64::INFINITY, f64::NEG_INFINITY]).is_nan());
        assert!(fsum([1.0, f64::NAN, 2.0]).is_nan());
        assert_eq!(fsum([f64::MAX, f64::MAX, -f64::MAX]), f64::INFINITY);
        assert!(fsum(std::iter::repeat_n(f64::NAN, 1000)).is_nan());
    }

    #[test]
    fn pearson_is_undefined_for_a_constant_series() {
        assert_eq!(pearson(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), None);
        let r = pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.5]).unwrap();
        assert!(r > 0.99 && r <= 1.0);
    }
}
