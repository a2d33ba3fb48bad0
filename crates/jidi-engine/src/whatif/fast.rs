//! The what-if questions of one unit without touching the whole group: a unit's new score and the
//! score that holds a given place among the others, in time that does not grow with the group
//! (apart from the few units whose values change with it), for min-max normalisation of
//! median-imputed, optionally winsorised (COINr) indicators aggregated by weighted arithmetic
//! means — the national default method.
//!
//! Every answer is the straightforward computation's, bit for bit: the parameters of the changed
//! column (imputed median, COINr's treatment, the normalisation's range) come from sorted columns
//! and prefix sums computed once per group; where a decision of the treatment rests on a
//! skewness or kurtosis computed from those sums, it is taken only when the estimate is farther
//! from the threshold than a bound on its rounding error, and otherwise the question is answered
//! the straightforward way. The other units' new scores are computed one by one only for those
//! near the place asked about: every other unit's score moves by at most a bound computed from
//! the column's old and new treatment and range, so units farther than twice that bound from the
//! place cannot take it. Any case not covered (another method, a constant column, a window of
//! candidates that is not small) returns `None`, and the caller runs the straightforward path.

use crate::impute::Imputation;
use crate::normalise::{Direction, Normalisation};
use crate::pipeline::{IndexResult, PipelineConfig, Treatment};
use crate::stats;
use crate::treat::{self, PointTreatment, TreatmentOutcome, WinsoriseConfig};

/// What the treatment does to a column: every value goes through one monotone map.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Map {
    /// Left as it is.
    Identity,
    /// Winsorised: values at or above `hi` become `hi`, at or below `lo` become `lo`
    /// (infinite when that side was not touched).
    Clamp { lo: f64, hi: f64 },
    /// COINr's `log_CT`: `ln(x − lo + shift)`.
    Log { lo: f64, shift: f64 },
}

impl Map {
    fn apply(self, x: f64) -> f64 {
        match self {
            Map::Identity => x,
            Map::Clamp { lo, hi } => {
                if x >= hi {
                    hi
                } else if x <= lo {
                    lo
                } else {
                    x
                }
            }
            Map::Log { lo, shift } => (x - lo + shift).ln(),
        }
    }
}

/// A column's min-max normalisation: treated value → normalised value, as `normalise` computes it.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Scale {
    sign: f64,
    lo: f64,
    hi: f64,
    lower: f64,
    upper: f64,
}

impl Scale {
    fn apply(self, t: f64) -> f64 {
        let v = t * self.sign;
        (v - self.lo) / (self.hi - self.lo) * (self.upper - self.lower) + self.lower
    }
}

/// One indicator's column, prepared once per group.
pub(super) struct Column {
    /// Observed (not missing) raw values, ascending.
    sorted: Vec<f64>,
    /// Centre of the prefix sums (the median of the observed values).
    centre: f64,
    /// `prefix[p][i]`: sum of `(sorted[j] − centre)^(p+1)` for `j < i`, p = 0..3.
    prefix: [Vec<f64>; 4],
    /// Prefix sums of `|sorted[j] − centre|^(p+1)`, for the error bounds.
    prefix_abs: [Vec<f64>; 4],
    /// Units whose raw value is missing.
    missing: Vec<usize>,
    /// The value imputed for them in the run.
    imputed: f64,
    /// The run's treatment and normalisation of the column.
    map: Map,
    scale: Scale,
    winsorise: Option<WinsoriseConfig>,
}

/// A group prepared for fast questions.
pub(super) struct Fast {
    columns: Vec<Column>,
    /// Units by index score, best first.
    order: Vec<usize>,
    /// Each unit's place in `order`.
    place: Vec<usize>,
    /// The index scores in `order`.
    ordered: Vec<f64>,
}

impl Fast {
    /// `None` when the method is not one the fast path covers, or when the run's columns are not
    /// what the fast path would compute (it then never answers instead of answering wrongly).
    pub(super) fn new(
        config: &PipelineConfig,
        raw: &[Vec<f64>],
        result: &IndexResult,
    ) -> Option<Fast> {
        let s = &result.structure;
        let winsorise = match &config.treatment {
            Treatment::None => None,
            Treatment::Winsorise(cfg) => Some(*cfg),
        };
        let mut columns = Vec::with_capacity(raw.len());
        for (ki, &node_index) in s.indicators().iter().enumerate() {
            let node = s.node(node_index);
            let Normalisation::MinMax { lower, upper } = *config.normalisation_of(&node.code)
            else {
                return None;
            };
            let raw = &raw[ki];
            let prepared = &result.prepared[ki];
            let treated = &result.treated[ki];
            let normalised = &result.scores[node_index];
            let missing: Vec<usize> = (0..raw.len()).filter(|&u| raw[u].is_nan()).collect();
            if !missing.is_empty() && config.impute != Imputation::Median {
                return None;
            }
            let mut sorted = stats::present(raw);
            if sorted.len() < 2 {
                return None;
            }
            sorted.sort_by(f64::total_cmp);
            let imputed = missing.first().map_or(f64::NAN, |&u| prepared[u]);
            let map = match winsorise {
                None => Map::Identity,
                Some(cfg) => {
                    let (_, report) = treat::treat(prepared, &cfg);
                    match report.outcome {
                        TreatmentOutcome::Passed | TreatmentOutcome::Undefined => Map::Identity,
                        TreatmentOutcome::LogTransformed => {
                            let (lo, hi) = stats::min_max(prepared)?;
                            Map::Log {
                                lo,
                                shift: 0.01 * (hi - lo),
                            }
                        }
                        TreatmentOutcome::Winsorised | TreatmentOutcome::WinsorisedStillFailing => {
                            let level = |which: PointTreatment| {
                                (0..treated.len())
                                    .find(|&u| report.points[u] == which)
                                    .map(|u| treated[u])
                            };
                            Map::Clamp {
                                lo: level(PointTreatment::WinsorisedLow)
                                    .unwrap_or(f64::NEG_INFINITY),
                                hi: level(PointTreatment::WinsorisedHigh).unwrap_or(f64::INFINITY),
                            }
                        }
                    }
                }
            };
            let sign = match node.direction {
                Direction::Benefit => 1.0,
                Direction::Cost => -1.0,
            };
            let (tlo, thi) = stats::min_max(treated)?;
            let (lo, hi) = if sign > 0.0 {
                (tlo * sign, thi * sign)
            } else {
                (thi * sign, tlo * sign)
            };
            if !(hi > lo) {
                return None;
            }
            let scale = Scale {
                sign,
                lo,
                hi,
                lower,
                upper,
            };
            // The run's columns must be what this model computes, value for value.
            for u in 0..raw.len() {
                let x = if raw[u].is_nan() { imputed } else { raw[u] };
                let t = map.apply(x);
                if x.to_bits() != prepared[u].to_bits()
                    || t.to_bits() != treated[u].to_bits()
                    || scale.apply(t).to_bits() != normalised[u].to_bits()
                {
                    return None;
                }
            }
            let centre = sorted[sorted.len() / 2];
            let mut prefix: [Vec<f64>; 4] = Default::default();
            let mut prefix_abs: [Vec<f64>; 4] = Default::default();
            for p in 0..4 {
                let mut acc = 0.0;
                let mut acc_abs = 0.0;
                prefix[p].reserve(sorted.len() + 1);
                prefix_abs[p].reserve(sorted.len() + 1);
                prefix[p].push(0.0);
                prefix_abs[p].push(0.0);
                for &x in &sorted {
                    let d = x - centre;
                    let term = d.powi(p as i32 + 1);
                    acc += term;
                    acc_abs += term.abs();
                    prefix[p].push(acc);
                    prefix_abs[p].push(acc_abs);
                }
            }
            columns.push(Column {
                sorted,
                centre,
                prefix,
                prefix_abs,
                missing,
                imputed,
                map,
                scale,
                winsorise,
            });
        }
        let index = result.index();
        if index.iter().any(|x| !x.is_finite()) {
            return None;
        }
        let mut order: Vec<usize> = (0..index.len()).collect();
        order.sort_by(|&a, &b| index[b].total_cmp(&index[a]).then(a.cmp(&b)));
        let mut place = vec![0; index.len()];
        for (i, &u) in order.iter().enumerate() {
            place[u] = i;
        }
        let ordered = order.iter().map(|&u| index[u]).collect();
        Some(Fast {
            columns,
            order,
            place,
            ordered,
        })
    }
}

/// The column's values after one unit's change, as a multiset: the observed values without the
/// unit's old one, the unit's new value, and the missing units' (new) imputed value.
struct View<'a> {
    col: &'a Column,
    /// The unit's old observed value, left out (`None` when it was missing).
    removed: Option<f64>,
    /// Values added, with their multiplicity.
    extra: [(f64, usize); 2],
    n: usize,
}

impl View<'_> {
    fn count_lt(&self, t: f64) -> usize {
        let mut c = self.col.sorted.partition_point(|&x| x < t);
        if self.removed.is_some_and(|r| r < t) {
            c -= 1;
        }
        c + self
            .extra
            .iter()
            .filter(|e| e.0 < t)
            .map(|e| e.1)
            .sum::<usize>()
    }

    fn count_le(&self, t: f64) -> usize {
        let mut c = self.col.sorted.partition_point(|&x| x <= t);
        if self.removed.is_some_and(|r| r <= t) {
            c -= 1;
        }
        c + self
            .extra
            .iter()
            .filter(|e| e.0 <= t)
            .map(|e| e.1)
            .sum::<usize>()
    }

    /// The largest value below `t`.
    fn below(&self, t: f64) -> Option<f64> {
        let s = &self.col.sorted;
        let i = s.partition_point(|&x| x < t);
        let mut best = None;
        if i > 0 {
            let v = s[i - 1];
            // One instance of the removed value is gone: if it was the only one, look lower.
            let gone = self.removed == Some(v) && (i < 2 || s[i - 2] != v);
            best = if gone {
                (i >= 2).then(|| s[i - 2])
            } else {
                Some(v)
            };
        }
        for &(v, m) in &self.extra {
            if m > 0 && v < t && best.is_none_or(|b| v > b) {
                best = Some(v);
            }
        }
        best
    }

    /// The smallest value above `t`.
    fn above(&self, t: f64) -> Option<f64> {
        let s = &self.col.sorted;
        let i = s.partition_point(|&x| x <= t);
        let mut best = None;
        if i < s.len() {
            let v = s[i];
            let gone = self.removed == Some(v) && (i + 1 >= s.len() || s[i + 1] != v);
            best = if gone {
                (i + 1 < s.len()).then(|| s[i + 1])
            } else {
                Some(v)
            };
        }
        for &(v, m) in &self.extra {
            if m > 0 && v > t && best.is_none_or(|b| v < b) {
                best = Some(v);
            }
        }
        best
    }

    fn min(&self) -> Option<f64> {
        self.above(f64::NEG_INFINITY)
    }

    fn max(&self) -> Option<f64> {
        self.below(f64::INFINITY)
    }

    /// Sums of `(y − centre)^p` and `|y − centre|^p`, p = 1..4, of the values clamped to
    /// `[lo, hi]`.
    fn power_sums(&self, lo: f64, hi: f64) -> ([f64; 4], [f64; 4]) {
        let c = self.col;
        let s = &c.sorted;
        let a = s.partition_point(|&x| x <= lo);
        let b = s.partition_point(|&x| x < hi).max(a);
        let mut sum = [0.0; 4];
        let mut abs = [0.0; 4];
        for p in 0..4 {
            sum[p] = c.prefix[p][b] - c.prefix[p][a];
            abs[p] = c.prefix_abs[p][b] - c.prefix_abs[p][a];
        }
        let mut add = |v: f64, m: f64| {
            let d = v - c.centre;
            let mut t = d;
            for p in 0..4 {
                sum[p] += m * t;
                abs[p] += m.abs() * t.abs();
                t *= d;
            }
        };
        if let Some(r) = self.removed
            && r > lo
            && r < hi
        {
            add(r, -1.0);
        }
        for &(v, m) in &self.extra {
            if m > 0 && v > lo && v < hi {
                add(v, m as f64);
            }
        }
        if hi.is_finite() {
            let m = self.n - self.count_lt(hi);
            add(hi, m as f64);
        }
        if lo.is_finite() {
            let m = self.count_le(lo);
            add(lo, m as f64);
        }
        (sum, abs)
    }

    /// Skewness and kurtosis (e1071 type 2) of the values clamped to `[lo, hi]`, each with a
    /// bound on how far it may be from what `stats` computes; `None` when undefined or when the
    /// spread is too small for the sums to say.
    fn shape(&self, lo: f64, hi: f64) -> Option<Shape> {
        let n = self.n as f64;
        if self.n < 4 {
            return None;
        }
        let (s, a) = self.power_sums(lo, hi);
        // Generous: every sum above is a plain f64 sum of at most n + 8 terms, and `stats`
        // rounds its own sums likewise.
        let gamma = 16.0 * (n + 16.0) * f64::EPSILON;
        let d = s[0] / n;
        let ad = d.abs();
        let m2 = s[1] - d * s[0];
        let m3 = s[2] - 3.0 * d * s[1] + 2.0 * n * d * d * d;
        let m4 = s[3] - 4.0 * d * s[2] + 6.0 * d * d * s[1] - 3.0 * n * d * d * d * d;
        let shift_err = gamma * a[0] / n;
        let e2 = gamma * (a[1] + 2.0 * ad * a[0] + n * ad * ad);
        let e3 = gamma * (a[2] + 3.0 * ad * a[1] + 3.0 * ad * ad * a[0] + n * ad.powi(3))
            + 3.0 * m2.abs() * shift_err;
        let e4 = gamma
            * (a[3]
                + 4.0 * ad * a[2]
                + 6.0 * ad * ad * a[1]
                + 4.0 * ad.powi(3) * a[0]
                + n * ad.powi(4))
            + 4.0 * m3.abs() * shift_err;
        if !(m2 > 4.0 * e2) || !m2.is_finite() {
            return None;
        }
        let c = n.sqrt() * (n * (n - 1.0)).sqrt() / (n - 2.0);
        let skew = c * m3 / m2.powf(1.5);
        let skew_err = 2.0 * c * (e3 / m2.powf(1.5) + 1.5 * m3.abs() * (2.0 * e2) / m2.powf(2.5))
            + 1e-12 * skew.abs();
        let r = n * m4 / (m2 * m2);
        let kc = (n + 1.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0));
        let kurt = ((n + 1.0) * (r - 3.0) + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0));
        let r_err = n * (e4 / (m2 * m2) + 2.0 * m4.abs() * (2.0 * e2) / (m2 * m2 * m2));
        let kurt_err = 2.0 * kc * r_err + 1e-12 * kurt.abs();
        (skew.is_finite() && kurt.is_finite()).then_some(Shape {
            skew,
            skew_err,
            kurt,
            kurt_err,
        })
    }
}

struct Shape {
    skew: f64,
    skew_err: f64,
    kurt: f64,
    kurt_err: f64,
}

/// `Some(a < b)` when the bound `err` on `a` settles it.
fn less(a: f64, err: f64, b: f64) -> Option<bool> {
    if a + err < b {
        Some(true)
    } else if a - err >= b {
        Some(false)
    } else {
        None
    }
}

impl Shape {
    /// COINr's check, when certain.
    fn passes(&self, cfg: &WinsoriseConfig) -> Option<bool> {
        let skew_ok = less(self.skew.abs(), self.skew_err, cfg.skew_threshold);
        let kurt_ok = less(self.kurt, self.kurt_err, cfg.kurtosis_threshold);
        match (skew_ok, kurt_ok) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        }
    }
}

/// Whether the check of the clamped values is undefined (all equal, or too few), certainly.
fn undefined(view: &View<'_>, lo: f64, hi: f64) -> bool {
    if view.n < 4 {
        return true;
    }
    let (Some(min), Some(max)) = (view.min(), view.max()) else {
        return true;
    };
    min.max(lo) >= max.min(hi)
}

/// COINr's treatment of the view's values (`treat::treat`), as a map; `None` when uncertain.
fn simulate(view: &View<'_>, cfg: &WinsoriseConfig) -> Option<Map> {
    let (inf, sup) = (f64::NEG_INFINITY, f64::INFINITY);
    if undefined(view, inf, sup) {
        return Some(Map::Identity);
    }
    if view.shape(inf, sup)?.passes(cfg)? {
        return Some(Map::Identity);
    }
    let (mut lo, mut hi) = (inf, sup);
    let (mut last_high, mut last_low) = (0usize, 0usize);
    let mut n_winsorised = 0usize;
    let mut passing = false;
    let below_limit = |n: usize| cfg.winmax.is_none_or(|max| n < max);
    while !passing && below_limit(n_winsorised) {
        if undefined(view, lo, hi) {
            break;
        }
        let shape = view.shape(lo, hi)?;
        if shape.skew.abs() <= shape.skew_err {
            return None;
        }
        let cur_min = view.min()?.max(lo);
        let cur_max = view.max()?.min(hi);
        if shape.skew >= 0.0 {
            last_high = view.n - view.count_lt(cur_max);
            let next = match view.below(cur_max) {
                Some(v) if v > lo => v,
                Some(_) => lo,
                None => break,
            };
            if !next.is_finite() {
                break;
            }
            hi = next;
        } else {
            last_low = view.count_le(cur_min);
            let next = match view.above(cur_min) {
                Some(v) if v < hi => v,
                Some(_) => hi,
                None => break,
            };
            if !next.is_finite() {
                break;
            }
            lo = next;
        }
        if lo >= hi {
            return None;
        }
        n_winsorised = last_high + last_low;
        passing = if undefined(view, lo, hi) {
            true
        } else {
            view.shape(lo, hi)?.passes(cfg)?
        };
    }
    if undefined(view, lo, hi) {
        return Some(Map::Identity);
    }
    if view.shape(lo, hi)?.passes(cfg)? {
        return Some(Map::Clamp { lo, hi });
    }
    if cfg.log_fallback {
        let (min, max) = (view.min()?, view.max()?);
        Some(Map::Log {
            lo: min,
            shift: 0.01 * (max - min),
        })
    } else {
        Some(Map::Clamp { lo, hi })
    }
}

/// One changed column after the unit's change.
struct Changed<'a> {
    col: &'a Column,
    position: usize,
    node: usize,
    weight: f64,
    /// The unit's new raw value.
    value: f64,
    /// The missing units' new imputed value, when it differs from the run's.
    imputed: Option<f64>,
    map: Map,
    scale: Scale,
    /// Whether the missing units are computed one by one (else within `bound`).
    missing_exact: bool,
    /// Largest change of a normalised value of any unit not computed one by one.
    bound: f64,
}

impl Changed<'_> {
    /// The unit's new normalised value, given its run's prepared value `x` (or `None` for the
    /// unit asked about).
    fn normalised(&self, x: f64) -> f64 {
        self.scale.apply(self.map.apply(x))
    }
}

/// Median of the observed values without `removed` and with `added` (`stats::median`'s type 7).
fn median_after(col: &Column, removed: Option<f64>, added: f64) -> f64 {
    let s = &col.sorted;
    let n = s.len() - usize::from(removed.is_some()) + 1;
    let ir = removed.map(|r| s.partition_point(|&x| x < r));
    let without = |i: usize| -> f64 {
        match ir {
            Some(ir) if i >= ir => s[i + 1],
            _ => s[i],
        }
    };
    let pos_added = {
        let below = s.partition_point(|&x| x < added);
        below - usize::from(removed.is_some_and(|r| r < added))
    };
    let kth = |j: usize| -> f64 {
        match j.cmp(&pos_added) {
            std::cmp::Ordering::Less => without(j),
            std::cmp::Ordering::Equal => added,
            std::cmp::Ordering::Greater => without(j - 1),
        }
    };
    let h = (n - 1) as f64 * 0.5;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    kth(lo) + (h - lo as f64) * (kth(hi) - kth(lo))
}

/// Units with a missing value computed one by one when there are at most this many.
const EXACT_MISSING: usize = 32;

impl Fast {
    /// Unit `unit`'s new index score and the `places`-th best new score among the others (`None`
    /// when there is no such place), if `unit` had the raw values `changes`; `None` when the
    /// fast path cannot answer for certain.
    #[allow(clippy::too_many_lines)] // one computation, commented step by step
    pub(super) fn standing(
        &self,
        result: &IndexResult,
        raw: &[Vec<f64>],
        weights: &[f64],
        unit: usize,
        changes: &[(usize, f64)],
        places: usize,
    ) -> Option<(f64, Option<f64>)> {
        let s = &result.structure;
        let n = self.order.len();
        let mut changed: Vec<Changed<'_>> = Vec::with_capacity(changes.len());
        for &(position, value) in changes {
            if !value.is_finite() || changed.iter().any(|c| c.position == position) {
                return None;
            }
            let col = self.columns.get(position)?;
            let node = s.indicators()[position];
            let old_raw = raw[position][unit];
            let removed = (!old_raw.is_nan()).then_some(old_raw);
            let n_missing = col.missing.len() - usize::from(removed.is_none());
            // The imputed value of the other missing units.
            let imputed = (n_missing > 0).then(|| median_after(col, removed, value));
            let view = View {
                col,
                removed,
                extra: [(value, 1), (imputed.unwrap_or(f64::NAN), n_missing)],
                n,
            };
            let map = match &col.winsorise {
                None => Map::Identity,
                Some(cfg) => simulate(&view, cfg)?,
            };
            let (min, max) = (view.min()?, view.max()?);
            let (tmin, tmax) = (map.apply(min), map.apply(max));
            let sign = col.scale.sign;
            let (lo, hi) = if sign > 0.0 {
                (tmin * sign, tmax * sign)
            } else {
                (tmax * sign, tmin * sign)
            };
            if !(hi > lo) || !lo.is_finite() || !hi.is_finite() {
                return None;
            }
            let scale = Scale {
                lo,
                hi,
                ..col.scale
            };
            let imputed_changed = imputed.filter(|m| m.to_bits() != col.imputed.to_bits());
            let missing_exact = imputed_changed.is_some() && n_missing <= EXACT_MISSING;
            let mut c = Changed {
                col,
                position,
                node,
                weight: weights[node],
                value,
                imputed: imputed_changed,
                map,
                scale,
                missing_exact,
                bound: 0.0,
            };
            c.bound = bound(&c)?;
            changed.push(c);
        }
        // Units computed one by one: the unit itself and the missing units of columns whose
        // imputed value changed (when few).
        let mut exact: Vec<usize> = vec![unit];
        for c in &changed {
            if c.missing_exact {
                exact.extend(c.col.missing.iter().copied().filter(|&u| u != unit));
            }
        }
        exact.sort_unstable();
        exact.dedup();
        let new_score = |u: usize| -> f64 {
            let mut score = result.index()[u];
            for c in &changed {
                let x = if u == unit {
                    c.value
                } else if let (Some(m), true) = (c.imputed, raw[c.position][u].is_nan()) {
                    m
                } else {
                    result.prepared[c.position][u]
                };
                let new = c.normalised(x);
                let old = result.scores[c.node][u];
                score += c.weight * (new - old);
            }
            score
        };
        let own = new_score(unit);
        if own.is_nan() {
            return None;
        }
        if places == 0 || places > n - 1 {
            return Some((own, None));
        }
        // Every other unit's score moves by at most `delta`.
        let top = self.ordered[0].abs().max(self.ordered[n - 1].abs());
        let delta: f64 = changed
            .iter()
            .map(|c| c.weight.abs() * c.bound)
            .sum::<f64>()
            * (1.0 + 1e-9)
            + if changed.iter().all(|c| c.bound == 0.0) {
                0.0
            } else {
                1e-12 * (top + 1.0)
            };
        // The others computed one by one and their new scores.
        let others_exact: Vec<usize> = exact.iter().copied().filter(|&u| u != unit).collect();
        let mut candidates: Vec<f64> = others_exact.iter().map(|&u| new_score(u)).collect();
        // The rest (`F`), in the run's order: the place sits between its ranks
        // `places − 1 − |others_exact|` and `places − 1`.
        let skipped: Vec<usize> = {
            let mut p: Vec<usize> = exact.iter().map(|&u| self.place[u]).collect();
            p.sort_unstable();
            p
        };
        let f_len = n - skipped.len();
        if f_len == 0 {
            return None;
        }
        // Position in `order` of the r-th unit of F.
        let f_at = |r: usize| -> usize {
            let mut pos = r;
            for &q in &skipped {
                if q <= pos {
                    pos += 1;
                }
            }
            pos
        };
        let r_hi = (places - 1).min(f_len - 1);
        let r_lo = (places - 1).saturating_sub(others_exact.len()).min(r_hi);
        let v_top = self.ordered[f_at(r_lo)] + 2.0 * delta;
        let v_bottom = self.ordered[f_at(r_hi)] - 2.0 * delta;
        // `ordered` is descending: the window is [first index ≤ v_top, first index < v_bottom).
        let start = self.ordered.partition_point(|&x| x > v_top);
        let end = self.ordered.partition_point(|&x| x >= v_bottom);
        if end.saturating_sub(start) > 64 + n / 16 {
            return None;
        }
        let is_skipped = |pos: usize| skipped.binary_search(&pos).is_ok();
        let above = start - skipped.iter().filter(|&&q| q < start).count();
        for pos in start..end {
            if !is_skipped(pos) {
                candidates.push(new_score(self.order[pos]));
            }
        }
        if candidates.iter().any(|x| x.is_nan()) {
            return None;
        }
        let k = places.checked_sub(1 + above)?;
        if k >= candidates.len() {
            return None;
        }
        let (_, holder, _) = candidates.select_nth_unstable_by(k, |a, b| b.total_cmp(a));
        let holder = *holder;
        // The units left out of the window must be on their side of the holder.
        let above_ok = (0..start)
            .rev()
            .find(|&pos| !is_skipped(pos))
            .is_none_or(|pos| self.ordered[pos] - delta >= holder);
        let below_ok = (end..n)
            .find(|&pos| !is_skipped(pos))
            .is_none_or(|pos| self.ordered[pos] + delta <= holder);
        (above_ok && below_ok).then_some((own, Some(holder)))
    }
}

/// The largest change of the normalised value of a unit not computed one by one (every unit but
/// the one asked about and, when `missing_exact`, the missing ones); `None` when no bound is
/// known (a value outside where a log transform is defined).
fn bound(c: &Changed<'_>) -> Option<f64> {
    let col = c.col;
    let old = |x: f64| col.scale.apply(col.map.apply(x));
    let mut worst: f64 = 0.0;
    if let Some(m) = c.imputed
        && !c.missing_exact
    {
        worst = worst.max((c.normalised(m) - old(col.imputed)).abs());
    }
    if c.map == col.map && c.scale == col.scale {
        // The others' values, treatment and range are as in the run: their normalised values
        // are the run's, bit for bit.
        return Some(worst);
    }
    let (min, max) = (col.sorted[0], col.sorted[col.sorted.len() - 1]);
    // The change of a unit's normalised value, new minus old, as a function of its value on
    // [min, max]: between the clamps' bounds each side is `A·x + B`, a constant, or
    // `A·ln(x − lo + shift) + B`. A difference of two such pieces has at most one turning point
    // (its derivative times the logs' arguments is linear in x), so its largest size is at the
    // bounds of the pieces or at that point: the points below.
    let mut points = vec![min, max];
    for m in [c.map, col.map] {
        if let Map::Clamp { lo, hi } = m {
            points.extend([lo, hi]);
        }
    }
    // The slope of a normalised value with respect to the treated value.
    let slope = |scale: Scale| scale.sign * (scale.upper - scale.lower) / (scale.hi - scale.lo);
    let (a_new, a_old) = (slope(c.scale), slope(col.scale));
    match (c.map, col.map) {
        // a_new / (x − l2 + s2) = a_old / (x − l1 + s1).
        (Map::Log { lo: l2, shift: s2 }, Map::Log { lo: l1, shift: s1 }) if a_new != a_old => {
            points.push((a_old * (s2 - l2) - a_new * (s1 - l1)) / (a_new - a_old));
        }
        (Map::Log { .. }, Map::Log { .. }) => {}
        // a_new / (x − lo + shift) = a_old where the other side is linear.
        (Map::Log { lo, shift }, _) if a_old != 0.0 => {
            points.push(lo - shift + a_new / a_old);
        }
        (_, Map::Log { lo, shift }) if a_new != 0.0 => {
            points.push(lo - shift + a_old / a_new);
        }
        _ => {}
    }
    for x in points.into_iter().filter(|x| *x >= min && *x <= max) {
        worst = worst.max((c.normalised(x) - old(x)).abs());
    }
    let slack = 1e-9 * (col.scale.upper.abs() + col.scale.lower.abs() + 1.0);
    worst.is_finite().then_some(worst + slack)
}
