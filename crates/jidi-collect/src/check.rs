//! Checks of values against what is already known: hard bounds, unit slips, jumps, cumulative
//! figures that fall, parts above their totals, and required indicators that are missing.
//!
//! The [`Context`] holds accepted values already stored (in catalogue units, cumulative
//! indicators as their 1–N月 figures) and which bases are peers. [`check_values`] reads a
//! submission together with the context, the submission taking precedence for the same base,
//! indicator and period: a 1–(N−1)月 figure in the same file is used before a stored one.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::catalogue::{CheckCatalogue, Frequency, IndicatorSpec};
use crate::finding::{Finding, Rule, Severity, show};
use crate::fxhash::{FxHashMap, FxHashSet};
use crate::parse::{ParsedValue, ValuePeriod, frequency_zh};

/// How many past periods make a base's own history for `unit_slip`: a year of months, a year
/// of quarters, five years.
pub fn history_length(frequency: Frequency) -> usize {
    match frequency {
        Frequency::Monthly => 12,
        Frequency::Quarterly => 4,
        Frequency::Annual => 5,
    }
}

/// Peers needed before their median may serve as the reference of `unit_slip` for a base
/// without history. With fewer, one odd peer would decide.
pub const MIN_PEERS_FOR_REFERENCE: usize = 3;

/// Distance in log10 from ±4 or ±8 within which a ratio counts as a unit slip: factors from
/// about 3,162 to 31,623 (and 10⁸ ÷ 3.16 to 10⁸ × 3.16) are taken for 10⁴ (10⁸).
pub const UNIT_SLIP_TOLERANCE: f64 = 0.5;

/// Relative tolerance of comparisons of parts with totals and of cumulative figures, so that
/// rounding in a conversion never raises a finding.
pub const RELATIVE_TOLERANCE: f64 = 1e-9;

type Key = (i64, usize, ValuePeriod);

/// What is known besides the submission: stored values and peer groups.
#[derive(Clone, Debug)]
pub struct Context<'a> {
    catalogue: &'a CheckCatalogue,
    stored: FxHashMap<Key, f64>,
    group_of: FxHashMap<i64, usize>,
    groups: Vec<String>,
}

impl<'a> Context<'a> {
    /// An empty context for indicators of `catalogue`.
    pub fn new(catalogue: &'a CheckCatalogue) -> Context<'a> {
        Context {
            catalogue,
            stored: FxHashMap::default(),
            group_of: FxHashMap::default(),
            groups: Vec::new(),
        }
    }

    /// The catalogue the context and checks use.
    pub fn catalogue(&self) -> &'a CheckCatalogue {
        self.catalogue
    }

    /// Records a stored value of `base_id` for `indicator` and `period`, in the catalogue unit
    /// (cumulative indicators as their 1–N月 figure). Returns `false`, recording nothing, when
    /// the indicator is unknown or the value is not finite.
    pub fn add_value(
        &mut self,
        base_id: i64,
        indicator: &str,
        period: ValuePeriod,
        value: f64,
    ) -> bool {
        match self.catalogue.index_of(indicator) {
            Some(i) if value.is_finite() => {
                self.stored.insert((base_id, i, period), value);
                true
            }
            _ => false,
        }
    }

    /// Puts `base_id` in peer group `group` (e.g. its category, `steel`): peers are the other
    /// bases of the same group. A base is in at most one group; a later call moves it.
    pub fn set_peer_group(&mut self, base_id: i64, group: &str) {
        let index = match self.groups.iter().position(|g| g == group) {
            Some(i) => i,
            None => {
                self.groups.push(group.to_string());
                self.groups.len() - 1
            }
        };
        self.group_of.insert(base_id, index);
    }

    /// The stored value of `base_id` for `indicator` and `period`.
    pub fn value(&self, base_id: i64, indicator: &str, period: ValuePeriod) -> Option<f64> {
        let i = self.catalogue.index_of(indicator)?;
        self.stored.get(&(base_id, i, period)).copied()
    }

    /// The stored values of the other bases of `base_id`'s peer group for `indicator` and
    /// `period`, summarised; `None` without a group or peer values.
    pub fn peer_stats(
        &self,
        base_id: i64,
        indicator: &str,
        period: ValuePeriod,
    ) -> Option<PeerStats> {
        let i = self.catalogue.index_of(indicator)?;
        let group = *self.group_of.get(&base_id)?;
        let mut values: Vec<f64> = self
            .stored
            .iter()
            .filter(|((b, ind, p), _)| {
                *b != base_id && *ind == i && *p == period && self.group_of.get(b) == Some(&group)
            })
            .map(|(_, v)| *v)
            .collect();
        PeerStats::of(&mut values)
    }
}

/// A summary of peers' values: count, extremes and quartiles (linear interpolation between
/// order statistics, as spreadsheets' `QUARTILE.INC`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PeerStats {
    /// Number of values.
    pub count: usize,
    /// Smallest.
    pub min: f64,
    /// First quartile.
    pub q1: f64,
    /// Median.
    pub median: f64,
    /// Third quartile.
    pub q3: f64,
    /// Largest.
    pub max: f64,
}

impl PeerStats {
    /// The summary of the finite values among `values` (sorted in place), `None` when there are
    /// none.
    pub fn of(values: &mut Vec<f64>) -> Option<PeerStats> {
        values.retain(|v| v.is_finite());
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        Some(PeerStats {
            count: values.len(),
            min: values[0],
            q1: quantile(values, 0.25),
            median: quantile(values, 0.5),
            q3: quantile(values, 0.75),
            max: values[values.len() - 1],
        })
    }
}

/// The `q` quantile of sorted, non-empty `sorted`.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// The submission laid over the context.
struct View<'v, 'c> {
    context: &'v Context<'c>,
    submitted: FxHashMap<Key, f64>,
}

impl View<'_, '_> {
    fn get(&self, key: Key) -> Option<f64> {
        self.submitted
            .get(&key)
            .or_else(|| self.context.stored.get(&key))
            .copied()
    }

    /// The figure of one period alone: the value itself, or for cumulative indicators the
    /// difference from the previous period of the same year (the first period is its own).
    fn single(&self, spec: &IndicatorSpec, key: Key) -> Option<f64> {
        let value = self.get(key)?;
        if !spec.cumulative {
            return Some(value);
        }
        let step = spec.frequency.step_months();
        let (base, ind, period) = key;
        match period.month() {
            Some(m) if i64::from(m) <= step => Some(value),
            Some(_) => Some(value - self.get((base, ind, period.offset(-step)?))?),
            None => Some(value),
        }
    }
}

/// The comparable size of a figure: 1–N月 sums are divided by the number of periods they cover,
/// so that a December total and a March total of the same base are of the same order.
fn level(spec: &IndicatorSpec, period: ValuePeriod, value: f64) -> f64 {
    match (spec.cumulative, period.month()) {
        (true, Some(m)) => {
            let periods = (i64::from(m) / spec.frequency.step_months()).max(1);
            value / periods as f64
        }
        _ => value,
    }
}

/// Runs the value rules (`out_of_range`, `unit_slip`, `jump`, `cumulative_decrease`,
/// `part_exceeds_total`) on `values` against `context`. Values of unknown indicators, with
/// periods that do not fit the indicator or non-finite values are reported
/// (`unknown_indicator`, `bad_period`, `bad_number`) and not checked further; the same base,
/// indicator and period twice is a `duplicate` (the later value is used).
///
/// Findings carry the value's row, base, indicator, period and value in the catalogue unit.
pub fn check_values(values: &[ParsedValue], context: &Context<'_>) -> Vec<Finding> {
    let catalogue = context.catalogue;
    let specs = catalogue.specs();
    let mut findings = Vec::new();
    let locate = |f: Finding, v: &ParsedValue| {
        f.at_row(v.row)
            .for_base(v.base_id)
            .for_indicator(&v.indicator)
            .for_period(v.period)
    };

    // Admit the values that can be checked, and lay them over the context.
    let mut admitted: Vec<(&ParsedValue, usize)> = Vec::with_capacity(values.len());
    let mut submitted: FxHashMap<Key, f64> =
        FxHashMap::with_capacity_and_hasher(values.len(), Default::default());
    let mut first_row: FxHashMap<Key, usize> =
        FxHashMap::with_capacity_and_hasher(values.len(), Default::default());
    for v in values {
        let Some(i) = catalogue.index_of(&v.indicator) else {
            findings.push(locate(
                Finding::new(
                    Rule::UnknownIndicator,
                    "指标目录中的指标代码",
                    format!("指标“{}”不在指标目录中", v.indicator),
                ),
                v,
            ));
            continue;
        };
        let spec = &specs[i];
        if !v.period.fits(spec.frequency) {
            findings.push(locate(
                Finding::new(
                    Rule::BadPeriod,
                    frequency_zh(spec.frequency),
                    format!(
                        "{}是{}指标，报告期 {} 不适用",
                        spec.name_zh,
                        frequency_zh(spec.frequency),
                        v.period
                    ),
                ),
                v,
            ));
            continue;
        }
        if !v.value.is_finite() {
            findings.push(locate(
                Finding::new(
                    Rule::BadNumber,
                    "有限数字",
                    format!("{} 的数值不是有效数字", spec.name_zh),
                ),
                v,
            ));
            continue;
        }
        let key = (v.base_id, i, v.period);
        if let Some(&row) = first_row.get(&key) {
            findings.push(locate(
                Finding::new(
                    Rule::Duplicate,
                    "每个基地、报告期、指标只填一次",
                    format!(
                        "基地 {} {} {} 重复填报（另见第 {} 行），以本次数值 {} 为准",
                        v.base_id,
                        v.period,
                        spec.name_zh,
                        row,
                        show(v.value)
                    ),
                )
                .with_value(show(v.value)),
                v,
            ));
        } else {
            first_row.insert(key, v.row);
        }
        submitted.insert(key, v.value);
        admitted.push((v, i));
    }
    let view = View { context, submitted };
    let peers = PeerIndex::build(&view, &admitted, specs);

    // Totals → their parts, for parts stored earlier that a newly submitted total falls below.
    let mut parts_of_total: Vec<Vec<usize>> = vec![Vec::new(); specs.len()];
    for (i, spec) in specs.iter().enumerate() {
        for total in &spec.parts_of {
            if let Some(t) = catalogue.index_of(total) {
                parts_of_total[t].push(i);
            }
        }
    }

    for &(v, i) in &admitted {
        let spec = &specs[i];
        let value = v.value;
        // Formatting numbers is costly; only done when a finding needs it.
        let shown = || format!("{}{}", show(value), spec.unit);

        // unit_slip; a slip explains an out-of-range value and any jump, so those are not
        // reported again.
        let slipped = match unit_slip(&view, &peers, spec, v, i) {
            Some(f) => {
                findings.push(locate(f, v));
                true
            }
            None => false,
        };

        // out_of_range
        let below = spec.min.is_some_and(|lo| value < lo);
        let above = spec.max.is_some_and(|hi| value > hi);
        if (below || above) && !slipped {
            findings.push(locate(
                Finding::new(
                    Rule::OutOfRange,
                    spec.range_text(),
                    format!(
                        "{}{} {} 超出合理范围（{}{}）",
                        spec.name_zh,
                        figure_label(spec, v.period),
                        shown(),
                        spec.range_text(),
                        spec.unit
                    ),
                )
                .with_value(show(value)),
                v,
            ));
        }

        // jump
        if !slipped {
            for f in jumps(&view, spec, v, i) {
                findings.push(locate(f, v));
            }
        }

        // cumulative_decrease
        if spec.never_decreases_within_year() {
            let step = spec.frequency.step_months();
            if let Some(m) = v.period.month()
                && i64::from(m) > step
                && let Some(prev_period) = v.period.offset(-step)
                && let Some(prev) = view.get((v.base_id, i, prev_period))
                && value < prev - RELATIVE_TOLERANCE * prev.abs()
            {
                findings.push(locate(
                    Finding::new(
                        Rule::CumulativeDecrease,
                        format!("≥ {}", show(prev)),
                        format!(
                            "{}1–{}月累计 {} 低于1–{}月累计 {}，累计值不应减少",
                            spec.name_zh,
                            m,
                            shown(),
                            i64::from(m) - step,
                            format_args!("{}{}", show(prev), spec.unit)
                        ),
                    )
                    .with_value(show(value)),
                    v,
                ));
            }
        }

        // part_exceeds_total, this value as the part.
        for total_code in &spec.parts_of {
            let Some(t) = catalogue.index_of(total_code) else {
                continue;
            };
            if let Some(total) = view.get((v.base_id, t, v.period))
                && let Some(f) = part_exceeds(spec, value, &specs[t], total, v.period)
            {
                findings.push(locate(f, v));
            }
        }
        // ... and as the total, against stored parts not in this submission.
        for &p in &parts_of_total[i] {
            let key = (v.base_id, p, v.period);
            if view.submitted.contains_key(&key) {
                continue; // reported on the part's own row
            }
            if let Some(&part) = context.stored.get(&key)
                && let Some(f) = part_exceeds(&specs[p], part, spec, value, v.period)
            {
                findings.push(locate(f, v));
            }
        }
    }
    findings
}

/// How a figure is named in messages: `2024年`, `2024-03（1–3月累计）` or `2024-03`.
fn figure_label(spec: &IndicatorSpec, period: ValuePeriod) -> String {
    match (spec.cumulative, period.month()) {
        (true, Some(m)) => format!(" {period}（1–{m}月累计）"),
        _ => format!(" {period}"),
    }
}

fn part_exceeds(
    part_spec: &IndicatorSpec,
    part: f64,
    total_spec: &IndicatorSpec,
    total: f64,
    period: ValuePeriod,
) -> Option<Finding> {
    let factor = total_spec.factor(&part_spec.unit)?;
    let part_in_total_unit = part * factor;
    let tolerance = RELATIVE_TOLERANCE * part_in_total_unit.abs().max(total.abs());
    (part_in_total_unit > total + tolerance).then(|| {
        Finding::new(
            Rule::PartExceedsTotal,
            format!("≤ {}", show(total)),
            format!(
                "{} {} {}{} 超过{} {}{}，分项不应大于总量",
                part_spec.name_zh,
                period,
                show(part),
                part_spec.unit,
                total_spec.name_zh,
                show(total),
                total_spec.unit
            ),
        )
        .with_value(show(part))
    })
}

/// Peer values by (group, indicator, period), submission over context, as comparable levels.
struct PeerIndex {
    by_key: FxHashMap<(usize, usize, ValuePeriod), Vec<(i64, f64)>>,
}

impl PeerIndex {
    fn build(
        view: &View<'_, '_>,
        admitted: &[(&ParsedValue, usize)],
        specs: &[IndicatorSpec],
    ) -> PeerIndex {
        let context = view.context;
        let mut by_key: FxHashMap<(usize, usize, ValuePeriod), Vec<(i64, f64)>> =
            FxHashMap::default();
        if context.group_of.is_empty() {
            return PeerIndex { by_key };
        }
        let wanted: FxHashSet<(usize, ValuePeriod)> =
            admitted.iter().map(|(v, i)| (*i, v.period)).collect();
        let mut levels: FxHashMap<Key, f64> = FxHashMap::default();
        for (&(base, i, period), &value) in &context.stored {
            if context.group_of.contains_key(&base) && wanted.contains(&(i, period)) {
                levels.insert((base, i, period), value);
            }
        }
        for (&(base, i, period), &value) in &view.submitted {
            if context.group_of.contains_key(&base) {
                levels.insert((base, i, period), value);
            }
        }
        for ((base, i, period), value) in levels {
            let group = context.group_of[&base];
            let level = level(&specs[i], period, value).abs();
            if level > 0.0 {
                by_key
                    .entry((group, i, period))
                    .or_default()
                    .push((base, level));
            }
        }
        PeerIndex { by_key }
    }

    /// Levels of the other bases of `base`'s group, sorted.
    fn others(&self, context: &Context<'_>, base: i64, i: usize, period: ValuePeriod) -> Vec<f64> {
        let Some(&group) = context.group_of.get(&base) else {
            return Vec::new();
        };
        let mut out: Vec<f64> = self
            .by_key
            .get(&(group, i, period))
            .into_iter()
            .flatten()
            .filter(|(b, _)| *b != base)
            .map(|(_, l)| *l)
            .collect();
        out.sort_by(f64::total_cmp);
        out
    }
}

/// The `unit_slip` rule; see the crate documentation for the definition.
fn unit_slip(
    view: &View<'_, '_>,
    peers: &PeerIndex,
    spec: &IndicatorSpec,
    v: &ParsedValue,
    i: usize,
) -> Option<Finding> {
    let own = level(spec, v.period, v.value).abs();
    if !(own > 0.0) {
        return None;
    }
    let step = spec.frequency.step_months();
    let mut history: Vec<f64> = (1..=history_length(spec.frequency) as i64)
        .filter_map(|k| {
            let p = v.period.offset(-k * step)?;
            let x = view.get((v.base_id, i, p))?;
            let l = level(spec, p, x).abs();
            (l > 0.0).then_some(l)
        })
        .collect();
    let mut peer_levels: Option<Vec<f64>> = None;
    let (reference, basis) = if history.is_empty() {
        let others = peers.others(view.context, v.base_id, i, v.period);
        if others.len() < MIN_PEERS_FOR_REFERENCE {
            return None;
        }
        let median = quantile(&others, 0.5);
        peer_levels = Some(others);
        (median, "同类基地中位数")
    } else {
        history.sort_by(f64::total_cmp);
        (quantile(&history, 0.5), "本基地历史中位数")
    };
    let ratio = (own / reference).log10();
    let k = [4.0, 8.0, -4.0, -8.0]
        .into_iter()
        .find(|k: &f64| (ratio - k).abs() <= UNIT_SLIP_TOLERANCE)?;
    // A genuinely exceptional base stays within (or sets) its peers' range only if the peers
    // agree; a value beyond every peer and 10⁴ from its reference is a slip.
    let peer_levels =
        peer_levels.unwrap_or_else(|| peers.others(view.context, v.base_id, i, v.period));
    let peer_range = match (peer_levels.first(), peer_levels.last()) {
        (Some(&lo), Some(&hi)) => {
            if (lo..=hi).contains(&own) {
                return None;
            }
            Some((lo, hi))
        }
        _ => None,
    };
    let times = 10f64.powi(k.abs() as i32);
    let direction = if k > 0.0 { "高" } else { "低" };
    // The unit the submitter probably used: the one whose factor undoes the slip.
    let guess = spec
        .accepted_units
        .iter()
        .find(|(_, f)| ((f.log10()) + k).abs() < 0.01)
        .map(|(u, _)| format!("，可能按{u}填报"))
        .unwrap_or_default();
    // Cumulative figures were compared per period; the reference shown is per period too.
    let per_period = if spec.cumulative && v.period.month().is_some() {
        format!("（按每{}平均）", if step == 3 { "季" } else { "月" })
    } else {
        String::new()
    };
    let peers_text = peer_range
        .map(|(lo, hi)| format!("，且超出同类基地范围 {}–{}", show(lo), show(hi)))
        .unwrap_or_default();
    Some(
        Finding::new(
            Rule::UnitSlip,
            format!("≈{}{}", show(reference), spec.unit),
            format!(
                "{} {}{} 比{} {}{}{}{}约{}倍{}，疑似单位错误（应为{}{}）",
                spec.name_zh,
                show(v.value),
                spec.unit,
                basis,
                show(reference),
                spec.unit,
                per_period,
                direction,
                show(times),
                peers_text,
                spec.unit,
                guess
            ),
        )
        .with_value(show(v.value)),
    )
}

/// The `jump` rule: year on year, and period on period for sub-annual indicators.
fn jumps(view: &View<'_, '_>, spec: &IndicatorSpec, v: &ParsedValue, i: usize) -> Vec<Finding> {
    let mut out = Vec::new();
    if spec.yoy_warn.is_none() && spec.yoy_block.is_none() {
        return out;
    }
    let key = (v.base_id, i, v.period);
    let step = spec.frequency.step_months();
    let sub_annual = spec.frequency != Frequency::Annual;
    let single_word = if step == 3 { "当季" } else { "当月" };

    // Year on year: single periods where both can be derived, else like with like (1–N月 with
    // 1–N月 of last year, or the plain values).
    if let Some(last_year) = v.period.offset(-12) {
        let prior_key = (v.base_id, i, last_year);
        let singles = if spec.cumulative && sub_annual {
            view.single(spec, key).zip(view.single(spec, prior_key))
        } else {
            None
        };
        let (now, before, what) = match singles {
            Some((a, b)) => (Some(a), Some(b), format!("{}值", single_word)),
            None => (
                view.get(key),
                view.get(prior_key),
                if spec.cumulative && sub_annual {
                    format!("1–{}月累计", v.period.month().unwrap_or(12))
                } else {
                    String::new()
                },
            ),
        };
        if let (Some(a), Some(b)) = (now, before)
            && let Some(f) = jump_finding(spec, v.period, a, b, &what, "上年同期")
        {
            out.push(f);
        }
    }
    // Period on period.
    if sub_annual && let Some(prev) = v.period.offset(-step) {
        let prev_key = (v.base_id, i, prev);
        let pair = if spec.cumulative {
            view.single(spec, key).zip(view.single(spec, prev_key))
        } else {
            view.get(key).zip(view.get(prev_key))
        };
        let what = if spec.cumulative {
            format!("{}值", single_word)
        } else {
            String::new()
        };
        if let Some((a, b)) = pair
            && let Some(f) = jump_finding(spec, v.period, a, b, &what, "上期")
        {
            out.push(f);
        }
    }
    out
}

fn jump_finding(
    spec: &IndicatorSpec,
    period: ValuePeriod,
    now: f64,
    before: f64,
    what: &str,
    against: &str,
) -> Option<Finding> {
    if before == 0.0 {
        return None; // no relative change from nothing
    }
    let change = (now - before) / before.abs();
    if !change.is_finite() {
        return None;
    }
    let beyond = |bound: Option<f64>| bound.is_some_and(|b| change.abs() > b);
    let (severity, bound, kind) = if beyond(spec.yoy_block) {
        (Severity::Error, spec.yoy_block?, "阻断")
    } else if beyond(spec.yoy_warn) {
        (Severity::Warning, spec.yoy_warn?, "提示")
    } else {
        return None;
    };
    let pct = |x: f64| show((x * 1000.0).round() / 10.0);
    Some(
        Finding::new(
            Rule::Jump,
            format!("±{}%", pct(bound)),
            format!(
                "{} {} {}{}{}比{} {}{}{}{}%，超出 ±{}% 的{}范围{}",
                spec.name_zh,
                period,
                what,
                show(now),
                spec.unit,
                against,
                show(before),
                spec.unit,
                if change >= 0.0 { "增长" } else { "下降" },
                pct(change.abs()),
                pct(bound),
                kind,
                if severity == Severity::Error {
                    "，请核实后更正"
                } else {
                    "，请填写情况说明"
                }
            ),
        )
        .with_severity(severity)
        .with_value(show(now)),
    )
}

/// The `missing_required` rule: for each of `base_ids`, each code of `required` that has no
/// value for `period` in the submission or the context. Codes not in the catalogue are
/// reported as `unknown_indicator` (a task set up wrongly).
pub fn missing_required(
    base_ids: &[i64],
    period: ValuePeriod,
    required: &[String],
    values: &[ParsedValue],
    context: &Context<'_>,
) -> Vec<Finding> {
    let catalogue = context.catalogue;
    let submitted: HashSet<(i64, &str, ValuePeriod)> = values
        .iter()
        .filter(|v| v.value.is_finite())
        .map(|v| (v.base_id, v.indicator.as_str(), v.period))
        .collect();
    let mut out = Vec::new();
    for code in required {
        let Some(spec) = catalogue.get(code) else {
            out.push(
                Finding::new(
                    Rule::UnknownIndicator,
                    "指标目录中的指标代码",
                    format!("任务要求的指标“{code}”不在指标目录中"),
                )
                .for_indicator(code)
                .for_period(period),
            );
            continue;
        };
        for &base in base_ids {
            let present = submitted.contains(&(base, code.as_str(), period))
                || context.value(base, code, period).is_some();
            if !present {
                out.push(
                    Finding::new(
                        Rule::MissingRequired,
                        format!("{}（{}）", spec.name_zh, spec.unit),
                        format!(
                            "基地 {base} {period} 缺少必填指标 {}（{}，单位{}）",
                            spec.name_zh, spec.code, spec.unit
                        ),
                    )
                    .for_base(base)
                    .for_indicator(code)
                    .for_period(period),
                );
            }
        }
    }
    out
}
