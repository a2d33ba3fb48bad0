//! The ETS filter: one pass over the series per candidate, monomorphised per model, and the
//! simulation of sample paths for class-3 intervals.

use super::*;

/// One simulated step of every path: `qs` and `trends` hold `q = l + φb` and `b` of each path
/// (see [`Coefficients`]), `states` the seasonal state each path uses now (overwritten with its
/// update), `noise` the error of each path (absolute, or relative for multiplicative errors); the
/// simulated observations go to `out`.
pub(super) fn simulate_step<const MULT: bool, const TREND: bool, const SEASON: u8>(
    k: &Coefficients,
    qs: &mut [f64],
    trends: &mut [f64],
    states: &mut [f64],
    noise: &[f64],
    out: &mut [f64],
) {
    let n = out.len();
    let (qs, trends, states, noise) = (
        &mut qs[..n],
        &mut trends[..n],
        &mut states[..n],
        &noise[..n],
    );
    for i in 0..n {
        let b = trends[i];
        let q = qs[i];
        let s = states[i];
        let mu = match SEASON {
            0 => q,
            1 => q + s,
            _ => q * s,
        };
        let (y, (new_q, new_b, new_s)) = if MULT && SEASON == 2 {
            // y = q s (1 + ε), so y / s = q (1 + ε) and y / q = s (1 + ε): no division.
            let u = 1.0 + noise[i];
            let y = mu * u;
            (
                y,
                k.advance_adjusted::<TREND, SEASON>(q, b, s, q * u, s * u),
            )
        } else {
            let y = if MULT {
                mu * (1.0 + noise[i])
            } else {
                mu + noise[i]
            };
            (y, k.advance::<TREND, SEASON>(q, b, s, y))
        };
        qs[i] = new_q;
        if TREND {
            trends[i] = new_b;
        }
        if SEASON != 0 {
            states[i] = new_s;
        }
        out[i] = y;
    }
}

/// Runs the filter over `y` from the given initial states. `buf` receives the seasonal states
/// oldest first (`s_m..s_1`) and is rotated as the filter runs; on return the state after the last
/// observation is `(level, trend)` and `buf` read from `pos`. Returns `−2 log L` as `ets` does
/// (`+∞` when a multiplicative-error forecast is not positive).
#[allow(clippy::too_many_arguments)]
pub(super) fn filter(
    spec: EtsSpec,
    p: EtsParams,
    l0: f64,
    b0: f64,
    season0: &[f64],
    y: &[f64],
    buf: &mut Vec<f64>,
    residuals: Option<&mut [f64]>,
) -> Filtered {
    buf.clear();
    buf.extend(season0.iter().rev());
    const N: u8 = 0;
    const A: u8 = 1;
    const M: u8 = 2;
    let mult = spec.error == ErrorKind::Multiplicative;
    let trend = spec.trend != TrendKind::None;
    // One monomorphised loop per model: the branches on the components leave the hot loop.
    macro_rules! dispatch {
        ($($m:literal, $t:literal, $s:ident => $season:path);* $(;)?) => {
            match (mult, trend, spec.season) {
                $(($m, $t, $season) => filter_core::<$m, $t, $s>(p, l0, b0, y, buf, residuals),)*
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
    )
}

/// The filter for one model: `MULT` multiplicative error, `TREND` a (possibly damped) trend,
/// `SEASON` 0 none, 1 additive, 2 multiplicative. `buf` holds the seasonal states oldest first;
/// the loop walks the series one season at a time beside it, so the seasonal state of each step
/// is the next element of `buf` (no index arithmetic, no bounds checks).
pub(super) fn filter_core<const MULT: bool, const TREND: bool, const SEASON: u8>(
    p: EtsParams,
    l0: f64,
    b0: f64,
    y: &[f64],
    buf: &mut [f64],
    residuals: Option<&mut [f64]>,
) -> Filtered {
    match residuals {
        Some(r) => filter_loop::<MULT, TREND, SEASON, true>(p, l0, b0, y, buf, r),
        None => filter_loop::<MULT, TREND, SEASON, false>(p, l0, b0, y, buf, &mut []),
    }
}

pub(super) fn filter_loop<
    const MULT: bool,
    const TREND: bool,
    const SEASON: u8,
    const RESID: bool,
>(
    p: EtsParams,
    l0: f64,
    b0: f64,
    y: &[f64],
    buf: &mut [f64],
    residuals: &mut [f64],
) -> Filtered {
    let m = buf.len().max(1);
    let k = Coefficients::of(p);
    // The recursion runs on `q = l + φb` (see `Coefficients`); `l` is recovered at the end.
    let (mut q, mut b) = (l0 + if TREND { p.phi * b0 } else { 0.0 }, b0);
    let mut sse = 0.0;
    // Σ log μ is accumulated as a product, logged once a season (at most every 24 steps): a
    // logarithm per step would be the most expensive operation of the loop.
    let mut sum_log = 0.0;
    let mut dummy = [0.0];
    let chunk = if SEASON == 0 { 24 } else { m };
    for (c, ys) in y.chunks(chunk).enumerate() {
        let states: &mut [f64] = if SEASON == 0 {
            &mut dummy
        } else {
            &mut buf[..ys.len()]
        };
        let mut product = 1.0;
        for (i, &yt) in ys.iter().enumerate() {
            let slot = if SEASON == 0 {
                &mut states[0]
            } else {
                &mut states[i]
            };
            let s = *slot;
            let mu = match SEASON {
                0 => q,
                1 => q + s,
                _ => q * s,
            };
            let e = if MULT {
                if !(mu > TOL) {
                    return Filtered::failed();
                }
                product *= mu;
                (yt - mu) / mu
            } else {
                yt - mu
            };
            sse += e * e;
            if RESID {
                residuals[c * chunk + i] = e;
            }
            let (new_q, new_b, new_s) = k.advance::<TREND, SEASON>(q, b, s, yt);
            if SEASON != 0 {
                *slot = new_s;
            }
            q = new_q;
            b = new_b;
        }
        if MULT {
            sum_log += product.ln();
        }
    }
    let l = if TREND { q - p.phi * b } else { q };
    let n = y.len() as f64;
    let mut lik = n * sse.ln();
    if MULT {
        lik += 2.0 * sum_log;
    }
    if lik < -1e10 {
        lik = -1e10;
    }
    if !lik.is_finite() || !l.is_finite() || !b.is_finite() {
        return Filtered::failed();
    }
    Filtered {
        neg2_loglik: lik,
        sse,
        level: l,
        trend: b,
        pos: if SEASON == 0 { 0 } else { y.len() % m },
    }
}

/// The filter's constants for one parameter set. The recursion of the module docs is run on
/// `q = l + φb`, the level-and-trend part of the next forecast, which it updates directly:
/// with `d = p − q`, `l' = q + αd` and `b' = φb + βd` (the etscalc form
/// `φb + (β/α)(l' − l − φb)` simplified), so `q' = (1 − α − φβ) q + (α + φβ) p + φ²b` (without
/// trend `q = l` and `l' = (1 − α) l + α p`, whatever `β` and `φ` say). The same
/// values, but the chain of dependent operations from one step to the next is two operations long
/// instead of nine, and a step costs what its arithmetic costs, not its latency.
#[derive(Clone, Copy)]
pub(super) struct Coefficients {
    pub(super) keep: f64,
    pub(super) take: f64,
    pub(super) keep_level: f64,
    pub(super) alpha: f64,
    pub(super) phi: f64,
    pub(super) phi2: f64,
    pub(super) beta: f64,
    pub(super) gamma: f64,
}

impl Coefficients {
    pub(super) fn of(p: EtsParams) -> Coefficients {
        Coefficients {
            keep: 1.0 - p.alpha - p.phi * p.beta,
            take: p.alpha + p.phi * p.beta,
            keep_level: 1.0 - p.alpha,
            alpha: p.alpha,
            phi: p.phi,
            phi2: p.phi * p.phi,
            beta: p.beta,
            gamma: p.gamma,
        }
    }

    /// One step from `(q, b)` and the seasonal state `s` used by observation `y`: the new
    /// `(q, b, s)`.
    #[inline(always)]
    pub(super) fn advance<const TREND: bool, const SEASON: u8>(
        &self,
        q: f64,
        b: f64,
        s: f64,
        y: f64,
    ) -> (f64, f64, f64) {
        let p = match SEASON {
            0 => y,
            1 => y - s,
            _ => {
                if s.abs() < TOL {
                    HUGE
                } else {
                    y / s
                }
            }
        };
        let target = match SEASON {
            0 => 0.0,
            1 => y - q,
            _ => {
                if q.abs() < TOL {
                    HUGE
                } else {
                    y / q
                }
            }
        };
        self.advance_adjusted::<TREND, SEASON>(q, b, s, p, target)
    }

    /// [`Coefficients::advance`] given the seasonally adjusted observation `p` and the
    /// trend-adjusted one `target` (`y − s` and `y − q`, or `y / s` and `y / q`).
    #[inline(always)]
    pub(super) fn advance_adjusted<const TREND: bool, const SEASON: u8>(
        &self,
        q: f64,
        b: f64,
        s: f64,
        p: f64,
        target: f64,
    ) -> (f64, f64, f64) {
        let (new_q, new_b) = if TREND {
            (
                self.keep * q + (self.take * p + self.phi2 * b),
                self.phi * b + self.beta * (p - q),
            )
        } else {
            (self.keep_level * q + self.alpha * p, 0.0)
        };
        let new_s = if SEASON == 0 {
            0.0
        } else {
            s + self.gamma * (target - s)
        };
        (new_q, new_b, new_s)
    }
}

pub(super) struct Filtered {
    pub(super) neg2_loglik: f64,
    pub(super) sse: f64,
    pub(super) level: f64,
    pub(super) trend: f64,
    pub(super) pos: usize,
}

impl Filtered {
    pub(super) fn failed() -> Filtered {
        Filtered {
            neg2_loglik: f64::INFINITY,
            sse: f64::INFINITY,
            level: f64::NAN,
            trend: f64::NAN,
            pos: 0,
        }
    }
}

pub(super) fn forecast_from(spec: EtsSpec, phi: f64, state: &EtsState, horizon: usize) -> Vec<f64> {
    let m = state.season.len();
    let mut phi_h = 0.0;
    let mut phi_pow = 1.0;
    (1..=horizon)
        .map(|h| {
            phi_pow *= phi;
            phi_h += match spec.trend {
                TrendKind::Damped => phi_pow,
                _ => 1.0,
            };
            let q = match spec.trend {
                TrendKind::None => state.level,
                _ => state.level + phi_h * state.trend,
            };
            match spec.season {
                SeasonKind::None => q,
                // s_1 is the most recent: step h uses s_{m − ((h − 1) mod m)}.
                SeasonKind::Additive => q + state.season[m - 1 - (h - 1) % m],
                SeasonKind::Multiplicative => q * state.season[m - 1 - (h - 1) % m],
            }
        })
        .collect()
}
