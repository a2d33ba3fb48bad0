//! Monitoring and early warning (C5): keeps the derived monthly table and the warnings in step
//! with the accepted monthly values.
//!
//! [`refresh`] runs after every accepted batch with monthly values (and [`rebuild_all`] after the
//! demo load): it reads the affected bases' reported series, derives single months, cumulative
//! totals, YoY, MoM and cumulative YoY with `jidi-monitor` (a base's series is rebuilt whole, so
//! a corrected month also corrects the rates after it), and replays the warning rules over each
//! affected peer group (category), because a peer-relative rule of one base depends on every
//! base of its category. The computation runs on the bounded heavy-work threads.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jidi_domain::rules::YearWarning;
use std::sync::Arc;

use jidi_monitor::derive::aggregate::{Aggregation, monthly_aggregation};
use jidi_monitor::derive::cumulative::{FlowSign, Span, from_cumulative};
use jidi_monitor::derive::growth::growth_rate;
use jidi_monitor::period::{MonthlySeries, Period};
use jidi_monitor::warning::facts::{Facts, ForecastBand, GroupFigures, ReportTiming};
use jidi_monitor::warning::level::Level;
use jidi_monitor::warning::rule::{Condition, Measure, Rule, default_rules};
use jidi_monitor::warning::state::{Change, Event, replay};
use jidi_store::{DerivedPoint, MonthlyPoint, NewWarning, Store};

/// Held by every refresh and rebuild of the process while it reads the rules in force and writes
/// the warnings: see [`refresh_categories`].
pub static REFRESH: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// How long a refresh waits for a heavy-work slot.
const PATIENCE: std::time::Duration = std::time::Duration::from_secs(300);

/// Why monitoring figures could not be rebuilt.
#[derive(Debug, thiserror::Error)]
pub enum MonitoringError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] jidi_store::StoreError),
    /// The server is busy with other heavy work.
    #[error(transparent)]
    Busy(#[from] crate::cpu::CpuError),
}

/// What a refresh rebuilt.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RefreshReport {
    /// Bases whose derived series were rebuilt.
    pub bases: usize,
    /// Derived rows written.
    pub derived: usize,
    /// Bases whose warnings were replayed (the affected categories).
    pub replayed: usize,
    /// Warnings written (open and closed).
    pub warnings: usize,
}

/// `YYYYMM` as stored → period.
pub fn period_of_key(key: i32) -> Option<Period> {
    Period::new(key / 100, u32::try_from(key % 100).ok()?).ok()
}

/// Period → `YYYYMM` as stored.
pub fn key_of_period(p: Period) -> i32 {
    p.year() * 100 + p.month() as i32
}

/// How an indicator's monthly figures are derived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A 1–N月 cumulative flow: single months by differencing.
    Flow(FlowSign),
    /// A month-end level or a count: growth of the level itself.
    Level,
    /// A percentage or a growth rate: no sums, no growth of it.
    Rate,
}

fn kind(code: &str) -> Kind {
    match monthly_aggregation(code) {
        Some(Aggregation::FlowCumulative { sign }) => Kind::Flow(sign),
        Some(Aggregation::StockMonthEnd | Aggregation::CountYearToDate) => Kind::Level,
        Some(_) => Kind::Rate,
        None => match jidi_domain::catalogue::indicator(code) {
            Some(i) if i.unit.contains('%') => Kind::Rate,
            Some(i) if i.cumulative => Kind::Flow(FlowSign::NonNegative),
            _ => Kind::Level,
        },
    }
}

/// Whether `code`'s figures add up over bases (flows, stocks and counts), so that group sums and
/// ratio-of-sums growth rates mean something.
pub fn is_additive(code: &str) -> bool {
    kind(code) != Kind::Rate
}

/// Whether `code` is a 1–N月 cumulative flow.
pub fn is_flow(code: &str) -> bool {
    matches!(kind(code), Kind::Flow(_))
}

/// One base's series by indicator, as reported, with whether each figure is synthetic.
type Panel = BTreeMap<String, BTreeMap<Period, (f64, bool)>>;

fn panel_of(points: &[MonthlyPoint]) -> Panel {
    let mut out = Panel::new();
    for p in points {
        if let Some(period) = period_of_key(p.period)
            && p.value.is_finite()
        {
            out.entry(p.indicator.clone())
                .or_default()
                .insert(period, (p.value, p.synthetic));
        }
    }
    out
}

fn values_of(series: &BTreeMap<Period, (f64, bool)>) -> MonthlySeries {
    series.iter().map(|(p, (v, _))| (*p, *v)).collect()
}

/// Derives one base's monitoring rows from its reported monthly values (any order).
pub fn derive_base(base_id: i64, points: &[MonthlyPoint]) -> Vec<DerivedPoint> {
    derive_panel(base_id, &panel_of(points))
}

fn derive_panel(base_id: i64, panel: &Panel) -> Vec<DerivedPoint> {
    let mut out = Vec::new();
    for (code, reported) in panel {
        let series = values_of(reported);
        let synthetic = |p: &Period| reported.get(p).is_some_and(|(_, s)| *s);
        let row = |period: Period, value: f64| DerivedPoint {
            base_id,
            period: key_of_period(period),
            indicator: code.clone(),
            value,
            single: None,
            span_months: 1,
            cumulative: None,
            single_ly: None,
            cumulative_ly: None,
            single_pm: None,
            yoy: None,
            mom: None,
            cum_yoy: None,
            synthetic: synthetic(&period),
        };
        match kind(code) {
            Kind::Flow(sign) => {
                let derivation = from_cumulative(&series, sign);
                let spans: BTreeMap<Period, &Span> =
                    derivation.spans.iter().map(|s| (s.last, s)).collect();
                for s in &derivation.spans {
                    let p = s.last;
                    let cumulative = series[&p];
                    let last_year = p.same_month_last_year();
                    // Last year's span only when it covers the same months (a single February
                    // never compares with a combined 1–2月).
                    let single_ly = last_year
                        .and_then(|q| spans.get(&q))
                        .filter(|b| b.n_months() == s.n_months())
                        .map(|b| b.value);
                    let cumulative_ly = last_year.and_then(|q| series.get(&q)).copied();
                    let single_pm = if s.is_single_month() {
                        p.previous()
                            .and_then(|q| spans.get(&q))
                            .filter(|b| b.is_single_month())
                            .map(|b| b.value)
                    } else {
                        None
                    };
                    out.push(DerivedPoint {
                        single: Some(s.value),
                        span_months: s.n_months() as i32,
                        cumulative: Some(cumulative),
                        single_ly,
                        cumulative_ly,
                        single_pm,
                        yoy: single_ly.and_then(|b| growth_rate(s.value, b).ok()),
                        mom: single_pm.and_then(|b| growth_rate(s.value, b).ok()),
                        cum_yoy: cumulative_ly.and_then(|b| growth_rate(cumulative, b).ok()),
                        ..row(p, cumulative)
                    });
                }
            }
            Kind::Level => {
                for (&p, &v) in &series {
                    let single_ly = p
                        .same_month_last_year()
                        .and_then(|q| series.get(&q))
                        .copied();
                    let single_pm = p.previous().and_then(|q| series.get(&q)).copied();
                    out.push(DerivedPoint {
                        single: Some(v),
                        single_ly,
                        single_pm,
                        yoy: single_ly.and_then(|b| growth_rate(v, b).ok()),
                        mom: single_pm.and_then(|b| growth_rate(v, b).ok()),
                        ..row(p, v)
                    });
                }
            }
            Kind::Rate => {
                for (&p, &v) in &series {
                    out.push(row(p, v));
                }
            }
        }
    }
    out
}

/// The built-in warning rules, run until the ministry saves its own set
/// ([`crate::warning_rules::in_force`]): the illustrative default set of `jidi-monitor`, less the
/// kind whose data are not collected yet (energy intensity targets), which would only ever be
/// "unknown". Late reports are judged from the reporting tasks ([`crate::late_reports`]);
/// forecast bands are made here ([`breach_bands`]).
pub fn warning_rules() -> Vec<Rule> {
    default_rules()
        .into_iter()
        .filter(|r| !matches!(r.condition, Condition::TargetMiss { .. }))
        .collect()
}

/// How many of the latest months of each base's series a forecast-breach rule is evaluated at:
/// each needs a forecast of its own (made before it arrived), the costly part of a replay, so
/// the history before them raises no breach warning.
pub const BREACH_MONTHS: usize = 12;

/// Fewest consecutive months a breach forecast is made from (two seasons): a shorter history
/// gives no band, and the month is not judged.
pub const BREACH_MIN_HISTORY: usize = 24;

/// The two monthly series a forecast-breach rule of `code` reads from its reported series: what
/// the forecaster reads (single months for a 1–N月 flow, a combined 1–2月 shared evenly between
/// its months, as on the base view's chart; the value itself for levels and rates), and the
/// actual figures compared with the bands (the same, less the months of a combined span: half a
/// 1–2月 total is no month's actual).
pub fn breach_series(code: &str, reported: &MonthlySeries) -> (MonthlySeries, MonthlySeries) {
    match kind(code) {
        Kind::Flow(sign) => {
            let mut input = MonthlySeries::new();
            let mut actual = MonthlySeries::new();
            for span in from_cumulative(reported, sign).spans {
                let n = span.n_months();
                if n == 1 {
                    actual.insert(span.last, span.value);
                }
                for k in 0..n {
                    if let Some(m) = span.last.offset(-k) {
                        input.insert(m, span.value / n as f64);
                    }
                }
            }
            (input, actual)
        }
        Kind::Level | Kind::Rate => (reported.clone(), reported.clone()),
    }
}

/// The bands a forecast-breach rule compares the latest `months` months of `actual` with: for
/// each such month `t`, the one-step forecast of `jidi-forecast`'s automatic selection (season
/// 12, 95 % interval) made from the consecutive months of `input` ending at `t − 1` — what was
/// known before `t` arrived, nothing of `t` or later — when there are at least
/// [`BREACH_MIN_HISTORY`] of them. Months without such a history, or that the forecaster
/// declines, get no band (the rule is "unknown" there and changes nothing).
pub fn breach_bands(
    input: &MonthlySeries,
    actual: &MonthlySeries,
    months: usize,
) -> BTreeMap<Period, ForecastBand> {
    let jobs = band_jobs(input, actual, months);
    let config = jidi_forecast::Config {
        threads: 1,
        ..jidi_forecast::Config::new(1, jidi_forecast::Method::Auto)
    };
    let series: Vec<_> = jobs.iter().map(|(_, s)| s.clone()).collect();
    bands_of(&jobs, jidi_forecast::forecast_many(&series, &config))
}

/// The forecasts [`breach_bands`] makes: for each judged month with enough history, its origin
/// (the month before it) and the consecutive months up to the origin.
fn band_jobs(
    input: &MonthlySeries,
    actual: &MonthlySeries,
    months: usize,
) -> Vec<(Period, jidi_forecast::Series)> {
    let mut jobs = Vec::new();
    for &target in actual.keys().rev().take(months) {
        let Some(origin) = target.previous() else {
            continue;
        };
        // The run of consecutive months ending at the origin, oldest first.
        let mut values = Vec::new();
        let mut at = Some(origin);
        while let Some(p) = at
            && let Some(v) = input.get(&p)
        {
            values.push(*v);
            at = p.previous();
        }
        if values.len() < BREACH_MIN_HISTORY {
            continue;
        }
        values.reverse();
        if let Ok(series) = jidi_forecast::Series::new("breach", values, 12) {
            jobs.push((origin, series));
        }
    }
    jobs
}

/// The bands of `jobs` from their forecasts (in the same order); a forecast the forecaster
/// declined gives no band.
fn bands_of(
    jobs: &[(Period, jidi_forecast::Series)],
    forecasts: Vec<Result<jidi_forecast::Forecast, jidi_forecast::Error>>,
) -> BTreeMap<Period, ForecastBand> {
    let mut out = BTreeMap::new();
    for ((origin, _), f) in jobs.iter().zip(forecasts) {
        if let Ok(f) = f
            && let Some((p, band)) = ForecastBand::from_forecast(&f, *origin, 1)
        {
            out.insert(p, band);
        }
    }
    out
}

/// The facts the forecast-breach `rules` read, for every member of a group: per indicator they
/// name, the actual figures and the bands made before each of the latest [`BREACH_MONTHS`]
/// months ([`breach_bands`]). The group's forecasts are made together on every core: each is
/// computed from its own series alone, so the bands do not depend on the number of threads.
fn breach_facts(
    series: &BTreeMap<i64, BTreeMap<String, MonthlySeries>>,
    rules: &[Rule],
) -> BTreeMap<i64, Facts> {
    let mut indicators: Vec<&String> = Vec::new();
    for rule in rules {
        if let Condition::ForecastBreach { indicator, .. } = &rule.condition
            && !indicators.contains(&indicator)
        {
            indicators.push(indicator);
        }
    }
    // (member, indicator, actual figures, its forecasts) in order; the forecasts of all of them
    // are made in one batch.
    let mut planned = Vec::new();
    let mut batch = Vec::new();
    for (id, own) in series {
        for &indicator in &indicators {
            let Some(reported) = own.get(indicator) else {
                continue;
            };
            let (input, actual) = breach_series(indicator, reported);
            let jobs = band_jobs(&input, &actual, BREACH_MONTHS);
            batch.extend(jobs.iter().map(|(_, s)| s.clone()));
            planned.push((*id, indicator, actual, jobs));
        }
    }
    let config = jidi_forecast::Config {
        threads: 0,
        ..jidi_forecast::Config::new(1, jidi_forecast::Method::Auto)
    };
    let mut forecasts = jidi_forecast::forecast_many(&batch, &config).into_iter();
    let mut out: BTreeMap<i64, Facts> = series.keys().map(|id| (*id, Facts::default())).collect();
    for (id, indicator, actual, jobs) in planned {
        let facts = out.entry(id).or_default();
        let mine: Vec<_> = forecasts.by_ref().take(jobs.len()).collect();
        facts
            .forecasts
            .insert(indicator.clone(), bands_of(&jobs, mine));
        facts.series.insert(indicator.clone(), actual);
    }
    out
}

/// The built-in rule with id `id`, for names of warnings whose rule is no longer in force.
pub fn rule_named(id: &str) -> Option<Rule> {
    default_rules().into_iter().find(|r| r.id == id)
}

/// The stored code of a level.
pub fn level_code(level: Level) -> &'static str {
    level.name_en()
}

/// The (indicator, measure) pairs the peer-relative rules rank bases by.
fn peer_measures(rules: &[Rule]) -> BTreeSet<(String, Measure)> {
    rules
        .iter()
        .filter_map(|r| match &r.condition {
            Condition::PeerRelative {
                indicator, measure, ..
            } => Some((indicator.clone(), *measure)),
            _ => None,
        })
        .collect()
}

/// Timings of each base's monthly reports, for the late-report rule.
type Timings = BTreeMap<i64, BTreeMap<Period, ReportTiming>>;

/// Replays `rules` for every base of one peer group from its first month to its last (a
/// late-report rule over the months of the base's reporting tasks), and returns the warnings.
fn replay_group(
    group: &BTreeMap<i64, Panel>,
    timings: &Timings,
    rules: &[Rule],
) -> Vec<NewWarning> {
    let series: BTreeMap<i64, BTreeMap<String, MonthlySeries>> = group
        .iter()
        .map(|(id, panel)| {
            (
                *id,
                panel
                    .iter()
                    .map(|(code, s)| (code.clone(), values_of(s)))
                    .collect(),
            )
        })
        .collect();
    let periods: BTreeSet<Period> = group
        .values()
        .flat_map(|p| p.values().flat_map(|s| s.keys().copied()))
        .collect();
    // None when no member has reported a month yet: only the late-report rule has anything to
    // judge then (the months its reporting tasks asked for).
    let span = periods.first().zip(periods.last()).map(|(a, b)| (*a, *b));
    // Each group's figures once, shared by every member's facts: ranking a member against the
    // others' series instead costs n² measures per month of the group.
    let groups: BTreeMap<(String, Measure), Arc<GroupFigures>> = peer_measures(rules)
        .into_iter()
        .map(|(code, measure)| {
            let members = series.values().filter_map(|s| s.get(&code));
            let figures = Arc::new(GroupFigures::new(members, measure));
            ((code, measure), figures)
        })
        .collect();
    // The forecast bands are made only when a rule reads them (the costly part).
    let breach = if rules
        .iter()
        .any(|r| matches!(r.condition, Condition::ForecastBreach { .. }))
    {
        breach_facts(&series, rules)
    } else {
        BTreeMap::new()
    };
    let mut out = Vec::new();
    for (id, own) in &series {
        let synthetic = group[id]
            .values()
            .any(|s| s.values().any(|(_, synthetic)| *synthetic));
        let facts = Facts {
            series: own.clone(),
            groups: groups.clone(),
            reports: timings.get(id).cloned().unwrap_or_default(),
            ..Facts::default()
        };
        let breach = breach.get(id);
        for rule in rules {
            let (facts, from, to) = match (&rule.condition, span, breach) {
                (Condition::LateReport { .. }, _, _) => {
                    match (
                        facts.reports.keys().next(),
                        facts.reports.keys().next_back(),
                    ) {
                        (Some(a), Some(b)) => (&facts, *a, *b),
                        _ => continue,
                    }
                }
                (_, None, _) => continue,
                (Condition::ForecastBreach { .. }, Some((first, last)), Some(breach)) => {
                    (breach, first, last)
                }
                (_, Some((first, last)), _) => (&facts, first, last),
            };
            // Periods are fed in order from a fresh state, so replay cannot fail.
            let Ok((_, events)) = replay(rule, facts, Period::range(from, to)) else {
                continue;
            };
            out.extend(warnings_of(*id, &events, synthetic));
        }
    }
    out
}

/// Folds a (base, rule) pair's events into warnings: one per opening.
fn warnings_of(base_id: i64, events: &[Event], synthetic: bool) -> Vec<NewWarning> {
    let mut out = Vec::new();
    let mut open: Option<(NewWarning, Level, Vec<serde_json::Value>)> = None;
    let finish = |(mut w, peak, history): (NewWarning, Level, Vec<serde_json::Value>)| {
        w.peak = level_code(peak).into();
        w.history = serde_json::Value::Array(history).to_string();
        w
    };
    for e in events {
        let value = e.figures.first().map(|f| f.value);
        let unit = e
            .figures
            .first()
            .map(|f| f.unit.clone())
            .unwrap_or_default();
        let threshold = e
            .figures
            .iter()
            .find(|f| f.key == "threshold")
            .map(|f| f.value);
        let entry = serde_json::to_value(e).unwrap_or(serde_json::Value::Null);
        match e.change {
            Change::Opened => {
                if let Some(w) = open.take() {
                    out.push(finish(w));
                }
                let w = NewWarning {
                    base_id,
                    rule_id: e.rule_id.clone(),
                    opened: key_of_period(e.period),
                    level: level_code(e.level).into(),
                    peak: String::new(),
                    last_change: key_of_period(e.period),
                    closed: None,
                    current_value: value,
                    threshold,
                    unit,
                    reason_zh: e.reason_zh.clone(),
                    reason_en: e.reason_en.clone(),
                    history: String::new(),
                    synthetic,
                };
                open = Some((w, e.level, vec![entry]));
            }
            Change::Escalated | Change::DeEscalated | Change::Closed => {
                let Some((w, peak, history)) = open.as_mut() else {
                    continue;
                };
                w.last_change = key_of_period(e.period);
                w.current_value = value.or(w.current_value);
                w.threshold = threshold.or(w.threshold);
                if !unit.is_empty() {
                    w.unit = unit;
                }
                w.reason_zh = e.reason_zh.clone();
                w.reason_en = e.reason_en.clone();
                history.push(entry);
                if e.change == Change::Closed {
                    w.closed = Some(key_of_period(e.period));
                    out.extend(open.take().map(finish));
                } else {
                    w.level = level_code(e.level).into();
                    *peak = (*peak).max(e.level);
                }
            }
        }
    }
    out.extend(open.map(finish));
    out
}

/// Rebuilds the derived rows of `base_ids` and the warnings of their categories. Bases without
/// monthly values are left alone.
pub async fn refresh(store: &Store, base_ids: &[i64]) -> Result<RefreshReport, MonitoringError> {
    refresh_since(store, base_ids, None).await
}

/// [`refresh`], writing only the derived rows of periods `since` (`YYYYMM`) and later: what an
/// accepted batch whose earliest month is `since` can change, since derived figures look back
/// only. (A batch of a year of every base rewrote five years of derived rows before: about
/// 450,000 rows instead of 200,000.) Rows whose figures did not change are not rewritten. The
/// warnings are replayed whole.
pub async fn refresh_since(
    store: &Store,
    base_ids: &[i64],
    since: Option<i32>,
) -> Result<RefreshReport, MonitoringError> {
    let categories = affected_categories(store, base_ids).await?;
    refresh_categories(store, categories, None, since).await
}

/// The series of the bases an accepted batch is about to change, and of their categories' other
/// members, read while the batch is being written (before it commits), with the number of
/// batches committed when the reading began. [`refresh_after`] lays the batch's values over them
/// instead of reading every series again after the commit.
pub struct SeriesBefore {
    batches: i64,
    categories: Vec<(Vec<i64>, Vec<i64>)>,
    panels: BTreeMap<i64, Panel>,
}

/// Reads the series a refresh of `base_ids` will need: see [`SeriesBefore`]. `batches` is
/// [`Store::value_batch_count`] taken before the batch began to be written.
pub async fn read_before(
    store: &Store,
    base_ids: &[i64],
    batches: i64,
) -> Result<SeriesBefore, MonitoringError> {
    let categories = affected_categories(store, base_ids).await?;
    let mut panels = BTreeMap::new();
    for (members, _) in &categories {
        panels.extend(read_group(store, members).await?);
    }
    Ok(SeriesBefore {
        batches,
        categories,
        panels,
    })
}

/// Every member's reported series.
async fn read_group(
    store: &Store,
    members: &[i64],
) -> Result<BTreeMap<i64, Panel>, MonitoringError> {
    let mut group = BTreeMap::new();
    for &id in members {
        group.insert(id, panel_of(&store.monthly_values(id, &[], 0).await?));
    }
    Ok(group)
}

/// [`refresh_since`] after `committed` batches whose monthly values are `accepted` were written
/// while `before` was being read. When exactly those batches were committed since the count in
/// `before` was taken, and the categories are the ones read (a base's first monthly values add
/// it to its category), the series are `before` with `accepted` laid over them: what reading
/// them again would give (accepted values are stored as sent, not synthetic). Otherwise the
/// series are read again.
pub async fn refresh_after(
    store: &Store,
    before: SeriesBefore,
    accepted: &[(i64, i32, String, f64)],
    committed: i64,
    since: Option<i32>,
) -> Result<RefreshReport, MonitoringError> {
    let SeriesBefore {
        batches,
        categories,
        mut panels,
    } = before;
    let mut bases: Vec<i64> = accepted.iter().map(|v| v.0).collect();
    bases.sort_unstable();
    bases.dedup();
    let now = affected_categories(store, &bases).await?;
    if now != categories || store.value_batch_count().await? != batches + committed {
        tracing::debug!(
            "monitoring refresh reads the series again: the roll or the values changed beside the batch"
        );
        return refresh_categories(store, now, None, since).await;
    }
    for (base, period, indicator, value) in accepted {
        let (Some(panel), Some(p)) = (panels.get_mut(base), period_of_key(*period)) else {
            continue;
        };
        let series = panel.entry(indicator.clone()).or_default();
        // As a re-read would: a figure that is not finite is not in the series.
        if value.is_finite() {
            series.insert(p, (*value, false));
        } else {
            series.remove(&p);
        }
    }
    refresh_categories(store, categories, Some(panels), since).await
}

/// The categories (every member with monthly values or asked by a monthly reporting task, and
/// the members among `base_ids`) that hold one of `base_ids`, in category order.
async fn affected_categories(
    store: &Store,
    base_ids: &[i64],
) -> Result<Vec<(Vec<i64>, Vec<i64>)>, MonitoringError> {
    let wanted: BTreeSet<i64> = base_ids.iter().copied().collect();
    let mut by_category: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for (id, category) in store.monitored_base_categories().await? {
        by_category.entry(category).or_default().push(id);
    }
    Ok(by_category
        .into_values()
        .filter_map(|members| {
            let affected: Vec<i64> = members
                .iter()
                .copied()
                .filter(|id| wanted.contains(id))
                .collect();
            (!affected.is_empty()).then_some((members, affected))
        })
        .collect())
}

/// Derives and writes the rows of each category's affected members and replays its warnings,
/// from `panels` when given (every member's series), else reading them.
async fn refresh_categories(
    store: &Store,
    categories: Vec<(Vec<i64>, Vec<i64>)>,
    mut panels: Option<BTreeMap<i64, Panel>>,
    since: Option<i32>,
) -> Result<RefreshReport, MonitoringError> {
    // One refresh at a time, from reading the rules to the last write: a refresh that read the
    // rules before a save replaced them would otherwise write its warnings after the save's own
    // replay (made with the new rules) had written them. A save's replay waits here and then
    // reads the rules it saved.
    let _one_at_a_time = REFRESH.lock().await;
    let started = std::time::Instant::now();
    // The rules in force are read once, under the lock: a save of new rules replays everything
    // after it.
    let rules = std::sync::Arc::new(crate::warning_rules::in_force(store).await?.rules);
    // Two stages overlap: while one category's rows are written (the database's writer), the
    // next one is read (another connection; WAL lets readers run beside the writer on SQLite)
    // and derived (a heavy-work thread). Writes stay one at a time, in category order.
    let mut report = RefreshReport::default();
    let mut computed: Option<Computed> = None;
    for (members, affected) in categories {
        let group = panels.as_mut().map(|all| {
            members
                .iter()
                .map(|id| (*id, all.remove(id).unwrap_or_default()))
                .collect::<BTreeMap<i64, Panel>>()
        });
        let write = async {
            match computed.take() {
                Some(c) => write_category(store, c, &mut report).await,
                None => Ok(()),
            }
        };
        let (written, next) = tokio::join!(
            write,
            compute_category(store, members, affected, group, since, rules.clone())
        );
        written?;
        computed = Some(next?);
    }
    if let Some(c) = computed {
        write_category(store, c, &mut report).await?;
    }
    tracing::debug!(
        ms = started.elapsed().as_millis() as u64,
        bases = report.bases,
        derived = report.derived,
        warnings = report.warnings,
        "monitoring refresh"
    );
    Ok(report)
}

/// One category's refreshed figures, ready to be written.
struct Computed {
    members: Vec<i64>,
    affected: usize,
    affected_ids: Vec<i64>,
    since: Option<i32>,
    derived: Vec<DerivedPoint>,
    stale: Vec<(i64, i32, String)>,
    warnings: Vec<NewWarning>,
}

/// Reads (unless given) the series of every member of one category, derives the rows of the `affected` ones
/// from `since` on and replays the category's warnings.
async fn compute_category(
    store: &Store,
    members: Vec<i64>,
    affected: Vec<i64>,
    group: Option<BTreeMap<i64, Panel>>,
    since: Option<i32>,
    rules: std::sync::Arc<Vec<Rule>>,
) -> Result<Computed, MonitoringError> {
    let group = match group {
        Some(g) => g,
        None => read_group(store, &members).await?,
    };
    let today = crate::today();
    let timings: Timings = crate::late_reports::read_answers(store, &members)
        .await?
        .into_iter()
        .map(|(id, answers)| (id, crate::late_reports::report_timings(&answers, today)))
        .collect();
    Ok(crate::cpu::run_heavy(PATIENCE, move || {
        let mut derived = Vec::new();
        let mut stale = Vec::new();
        for id in &affected {
            let rows: Vec<DerivedPoint> = derive_panel(*id, &group[id])
                .into_iter()
                .filter(|d| since.is_none_or(|s| d.period >= s))
                .collect();
            stale.extend(underived(*id, &group[id], &rows, since));
            derived.extend(rows);
        }
        Computed {
            warnings: replay_group(&group, &timings, &rules),
            members,
            affected: affected.len(),
            affected_ids: affected,
            since,
            derived,
            stale,
        }
    })
    .await?)
}

async fn write_category(
    store: &Store,
    c: Computed,
    report: &mut RefreshReport,
) -> Result<(), MonitoringError> {
    // A full rebuild (no `since`) also clears rows no reported figure derives any more.
    let whole = c.since.is_none().then_some(c.affected_ids.as_slice());
    store
        .write_monitor_values(&c.derived, &c.stale, whole)
        .await?;
    store
        .replace_monitor_warnings(&c.members, &c.warnings)
        .await?;
    report.bases += c.affected;
    report.derived += c.derived.len();
    report.replayed += c.members.len();
    report.warnings += c.warnings.len();
    Ok(())
}

/// The keys of `panel`'s reported figures (from `since` on) that derive no row: a derived row
/// stored for one of them earlier is out of date. Derived rows exist only at reported periods and
/// reported values are never deleted, so these are the only rows a refresh may have to remove
/// (a figure whose single month overflows, for example); usually there are none.
fn underived(
    base_id: i64,
    panel: &Panel,
    derived: &[DerivedPoint],
    since: Option<i32>,
) -> Vec<(i64, i32, String)> {
    let have: BTreeSet<(i32, &str)> = derived
        .iter()
        .map(|d| (d.period, d.indicator.as_str()))
        .collect();
    panel
        .iter()
        .flat_map(|(code, series)| {
            series
                .keys()
                .map(move |p| (key_of_period(*p), code.as_str()))
        })
        .filter(|(key, code)| since.is_none_or(|s| *key >= s) && !have.contains(&(*key, *code)))
        .map(|(key, code)| (base_id, key, code.to_string()))
        .collect()
}

/// Rebuilds every derived row and every warning (after a bulk load).
pub async fn rebuild_all(store: &Store) -> Result<RefreshReport, MonitoringError> {
    let ids: Vec<i64> = store
        .monitored_base_categories()
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    refresh(store, &ids).await
}

/// The months of `year` at whose report a warning stood at each level (blue first), from its
/// stored `history` (the state machine's events: the level set at an event's month holds until
/// the next event; the month of the closing event is clear). A warning still open counts up to
/// `end` (`YYYYMM`, the latest month replayed).
pub fn months_by_level(history: &str, year: i32, end: i32) -> [u32; 4] {
    let mut out = [0; 4];
    let Ok(events) = serde_json::from_str::<Vec<Event>>(history) else {
        return out;
    };
    let (Ok(jan), Ok(dec)) = (Period::new(year, 1), Period::new(year, 12)) else {
        return out;
    };
    let last = period_of_key(end).map_or(dec, |e| e.min(dec));
    for (i, e) in events.iter().enumerate() {
        if e.change == Change::Closed {
            break;
        }
        // This level holds from its month to the month before the next event (or to `last`).
        let until = match events.get(i + 1) {
            Some(next) => match next.period.previous() {
                Some(p) => p.min(last),
                None => continue,
            },
            None => last,
        };
        let from = e.period.max(jan);
        if from > until {
            continue;
        }
        let n = u32::try_from(from.months_until(until) + 1).unwrap_or(0);
        out[e.level as usize] += n;
    }
    out
}

/// The monitoring warnings open in some month of `year`, per base, as the dynamic-management
/// rules read them ([`jidi_domain::rules::Condition::OpenWarnings`]): the months of the year at
/// each level, and the name of the rule that raised each (from the rules in force, else the
/// built-in set, else its id).
pub async fn year_warnings(
    store: &Store,
    year: i32,
) -> Result<HashMap<i64, Vec<YearWarning>>, MonitoringError> {
    let rules = crate::warning_rules::in_force(store).await?;
    let end = store
        .latest_monitor_period()
        .await?
        .unwrap_or(year * 100 + 12);
    let mut out: HashMap<i64, Vec<YearWarning>> = HashMap::new();
    for (id, w) in store.monitor_warnings_of_year(year).await? {
        let rule = rules
            .get(&w.rule_id)
            .cloned()
            .or_else(|| rule_named(&w.rule_id));
        let (name_zh, name_en) = match rule {
            Some(r) => (r.name_zh, r.name_en),
            None => (w.rule_id.clone(), w.rule_id.clone()),
        };
        let months = months_by_level(&w.history, year, end.max(w.last_change));
        out.entry(w.base_id).or_default().push(YearWarning {
            id,
            rule_id: w.rule_id,
            name_zh,
            name_en,
            opened: w.opened,
            months,
        });
    }
    Ok(out)
}

/// A forecast month with its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ForecastPoint {
    /// Period `YYYYMM`.
    pub period: i32,
    /// Point forecast.
    pub forecast: f64,
    /// Lower bound of the 95% interval.
    pub lo95: f64,
    /// Upper bound.
    pub hi95: f64,
}

/// The monthly series a chart shows and the forecaster reads: single months for flows (a
/// combined 1–2月 span is shared evenly between its months, the forecaster needing one value a
/// month), the value itself for levels; the longest run of consecutive months at the end.
pub fn model_input(points: &[DerivedPoint]) -> Vec<(Period, f64)> {
    let mut months: BTreeMap<Period, f64> = BTreeMap::new();
    for p in points {
        let Some(last) = period_of_key(p.period) else {
            continue;
        };
        match (p.single, p.cumulative) {
            (Some(single), Some(_)) => {
                let n = i64::from(p.span_months.max(1));
                for k in 0..n {
                    if let Some(m) = last.offset(-k) {
                        months.insert(m, single / n as f64);
                    }
                }
            }
            (Some(single), None) => {
                months.insert(last, single);
            }
            _ => {
                months.insert(last, p.value);
            }
        }
    }
    let mut run: Vec<(Period, f64)> = Vec::new();
    for (p, v) in months {
        if run.last().is_some_and(|(q, _)| q.next() != Some(p)) {
            run.clear();
        }
        run.push((p, v));
    }
    run
}

/// Forecasts `horizon` months after the end of `history` with the automatic selection of
/// `jidi-forecast` (season 12), on the heavy-work threads. `None` when the history is empty or
/// the forecaster declines it.
pub async fn forecast_months(
    history: Vec<(Period, f64)>,
    horizon: usize,
) -> Result<Option<Vec<ForecastPoint>>, MonitoringError> {
    let Some(&(last, _)) = history.last() else {
        return Ok(None);
    };
    let out = crate::cpu::run_heavy(PATIENCE, move || {
        let values: Vec<f64> = history.iter().map(|(_, v)| *v).collect();
        let series = jidi_forecast::Series::new("monitor", values, 12).ok()?;
        let config = jidi_forecast::Config {
            threads: 1,
            ..jidi_forecast::Config::new(horizon, jidi_forecast::Method::Auto)
        };
        let f = jidi_forecast::forecast(&series, &config).ok()?;
        Some(
            (0..f.point.len())
                .filter_map(|h| {
                    Some(ForecastPoint {
                        period: key_of_period(last.offset(h as i64 + 1)?),
                        forecast: f.point[h],
                        lo95: f.lower[h],
                        hi95: f.upper[h],
                    })
                })
                .collect(),
        )
    })
    .await?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(indicator: &str, period: i32, value: f64) -> MonthlyPoint {
        MonthlyPoint {
            base_id: 1,
            indicator: indicator.into(),
            period,
            value,
            synthetic: false,
        }
    }

    #[test]
    fn flows_are_differenced_and_compared_on_the_same_span() {
        // 1–2月 combined both years, then single months.
        let points = [
            point("m_rev", 202402, 100.0),
            point("m_rev", 202403, 160.0),
            point("m_rev", 202404, 230.0),
            point("m_rev", 202502, 110.0),
            point("m_rev", 202503, 176.0),
            point("m_rev", 202504, 250.0),
        ];
        let rows = derive_base(1, &points);
        let at = |p: i32| rows.iter().find(|r| r.period == p).unwrap();
        let feb = at(202502);
        assert_eq!((feb.single, feb.span_months), (Some(110.0), 2));
        assert_eq!(feb.single_ly, Some(100.0));
        assert!((feb.yoy.unwrap() - 10.0).abs() < 1e-12);
        // A combined 1–2月 has no month-on-month rate.
        assert_eq!((feb.single_pm, feb.mom), (None, None));
        let apr = at(202504);
        assert_eq!(apr.single, Some(74.0));
        assert_eq!(apr.single_ly, Some(70.0));
        assert_eq!(apr.single_pm, Some(66.0));
        assert!((apr.cum_yoy.unwrap() - (250.0 / 230.0 - 1.0) * 100.0).abs() < 1e-12);
        assert!((apr.mom.unwrap() - (74.0 / 66.0 - 1.0) * 100.0).abs() < 1e-12);
        // March 2025 is a single month but 2024-02 was a span: MoM over it is not computed.
        assert_eq!(at(202503).single_pm, None);
    }

    #[test]
    fn levels_grow_as_themselves_and_rates_do_not_add() {
        let points = [
            point("m_inventory", 202403, 50.0),
            point("m_inventory", 202503, 60.0),
            point("m_margin", 202503, 7.5),
        ];
        let rows = derive_base(1, &points);
        let inv = rows
            .iter()
            .find(|r| r.indicator == "m_inventory" && r.period == 202503)
            .unwrap();
        assert_eq!((inv.single, inv.cumulative), (Some(60.0), None));
        assert!((inv.yoy.unwrap() - 20.0).abs() < 1e-12);
        let margin = rows.iter().find(|r| r.indicator == "m_margin").unwrap();
        assert_eq!((margin.value, margin.single), (7.5, None));
        assert!(!is_additive("m_margin") && is_additive("m_rev") && is_flow("m_rev"));
    }

    #[test]
    fn a_warning_opens_once_follows_its_level_and_closes() {
        // Revenue 1–N月 falling 12 % then 25 % then recovering: one warning, escalated, closed.
        let mut points = Vec::new();
        for (month, now) in [(3, 88.0), (4, 75.0), (5, 101.0)] {
            points.push(point("m_rev", 202400 + month, 100.0));
            points.push(point("m_rev", 202500 + month, now));
        }
        let group = BTreeMap::from([(1, panel_of(&points))]);
        let rules: Vec<Rule> = warning_rules()
            .into_iter()
            .filter(|r| r.id == "rev_yoy_drop")
            .collect();
        let warnings = replay_group(&group, &Timings::new(), &rules);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        let w = &warnings[0];
        assert_eq!((w.opened, w.closed), (202503, Some(202505)));
        assert_eq!((w.level.as_str(), w.peak.as_str()), ("orange", "orange"));
        let history: Vec<serde_json::Value> = serde_json::from_str(&w.history).unwrap();
        let changes: Vec<&str> = history
            .iter()
            .map(|h| h["change"].as_str().unwrap())
            .collect();
        assert_eq!(changes, ["opened", "escalated", "closed"]);
    }

    #[test]
    fn months_of_a_year_by_level_follow_the_history() {
        // Opened yellow in 2024-11, red from 2025-02, orange from 2025-05, closed 2025-08:
        // 2025 has yellow Jan, red Feb–Apr, orange May–Jul.
        let event = |period: &str, change: &str, level: &str| {
            serde_json::json!({"rule_id": "r", "period": period, "change": change, "level": level,
                "previous": null, "reason_zh": "", "reason_en": "", "figures": []})
        };
        let history = serde_json::json!([
            event("2024-11", "opened", "yellow"),
            event("2025-02", "escalated", "red"),
            event("2025-05", "de_escalated", "orange"),
            event("2025-08", "closed", "orange"),
        ])
        .to_string();
        assert_eq!(months_by_level(&history, 2025, 202512), [0, 1, 3, 3]);
        assert_eq!(months_by_level(&history, 2024, 202512), [0, 2, 0, 0]);
        assert_eq!(months_by_level(&history, 2026, 202612), [0, 0, 0, 0]);
        // Still open: red from 2025-10 to the latest month replayed (2025-11), or December.
        let open = serde_json::json!([event("2025-10", "opened", "red")]).to_string();
        assert_eq!(months_by_level(&open, 2025, 202511), [0, 0, 0, 2]);
        assert_eq!(months_by_level(&open, 2025, 202607), [0, 0, 0, 3]);
        assert_eq!(months_by_level("not json", 2025, 202512), [0; 4]);
    }

    /// Revenue 1–N月 totals from 2022-01 to 2025-12 whose single months follow a season and a
    /// trend with a little fixed noise, the single month of `break_at` (if any) set to `broken`.
    fn planted(break_at: Option<(i32, f64)>) -> Vec<MonthlyPoint> {
        let mut points = Vec::new();
        let mut noise = 12345_u64;
        for year in 2022..=2025 {
            let mut total = 0.0;
            for month in 1..=12 {
                noise = noise
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let jitter = ((noise >> 33) as f64 / (1u64 << 31) as f64 - 0.5) * 4.0;
                let t = f64::from((year - 2022) * 12 + month);
                let season = 12.0 * (std::f64::consts::TAU * f64::from(month) / 12.0).sin();
                let key = year * 100 + month;
                let single = match break_at {
                    Some((at, value)) if at == key => value,
                    _ => 100.0 + 0.5 * t + season + jitter,
                };
                total += single;
                points.push(point("m_rev", key, total));
            }
        }
        points
    }

    fn breach_rule() -> Vec<Rule> {
        warning_rules()
            .into_iter()
            .filter(|r| r.id == "rev_below_forecast")
            .collect()
    }

    #[test]
    fn a_planted_break_raises_a_red_breach_at_its_month_which_closes_when_back_in_the_band() {
        // September 2025 would be about 100 + 0.5·45 − 12 ≈ 110; it comes in at 60.
        let points = planted(Some((202509, 60.0)));
        let group = BTreeMap::from([(1, panel_of(&points))]);
        let warnings = replay_group(&group, &Timings::new(), &breach_rule());
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        let w = &warnings[0];
        assert_eq!((w.opened, w.closed), (202509, Some(202510)), "{w:?}");
        assert_eq!((w.level.as_str(), w.peak.as_str()), ("red", "red"));
        let history: Vec<serde_json::Value> = serde_json::from_str(&w.history).unwrap();
        let opened = &history[0];
        assert_eq!(opened["change"], "opened");
        let figure = |key: &str| {
            opened["figures"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["key"] == key)
                .unwrap()["value"]
                .as_f64()
                .unwrap()
        };
        // The actual is the single month; the forecast made in August expected the season and
        // trend (≈ 110.5 ± the noise), and the band is a few units wide.
        assert!((figure("actual") - 60.0).abs() < 1e-9);
        let forecast = figure("forecast");
        assert!((forecast - 110.5).abs() < 4.0, "forecast {forecast}");
        let (lower, upper) = (figure("lower"), figure("upper"));
        assert!(lower > 100.0 && upper < 121.0, "[{lower}, {upper}]");
        // Red from 2 half-widths outside: this one is far beyond.
        let excess = figure("excess");
        assert!(
            (excess - (lower - 60.0) / ((upper - lower) / 2.0)).abs() < 1e-9 && excess > 2.0,
            "{excess}"
        );
        let why = opened["reason_zh"].as_str().unwrap();
        assert!(why.contains("低于 95.0% 预测区间"), "{why}");
        // The warning's reason is that of its last change: back inside the band.
        assert!(
            w.reason_zh.contains("在 95.0% 预测区间内"),
            "{}",
            w.reason_zh
        );
        let closed = history.last().unwrap();
        assert_eq!(
            (closed["change"].as_str(), closed["period"].as_str()),
            (Some("closed"), Some("2025-10"))
        );
    }

    #[test]
    fn a_smooth_series_raises_no_breach_nor_does_a_break_before_the_judged_months() {
        let group = BTreeMap::from([(1, panel_of(&planted(None)))]);
        assert_eq!(replay_group(&group, &Timings::new(), &breach_rule()), []);
        // Only the latest twelve months are judged: a break in 2024 raises nothing.
        let group = BTreeMap::from([(1, panel_of(&planted(Some((202409, 60.0)))))]);
        assert_eq!(replay_group(&group, &Timings::new(), &breach_rule()), []);
    }

    #[test]
    fn a_group_batch_makes_each_members_own_bands() {
        // Members of different lengths and shapes, one without the indicator: the batch made on
        // every core must hand each member exactly the bands made from its own series alone.
        let mut series = BTreeMap::new();
        for (id, break_at) in [
            (1, None),
            (2, Some((202503, 40.0))),
            (3, Some((202511, 300.0))),
        ] {
            series.insert(
                id,
                BTreeMap::from([(
                    "m_rev".to_string(),
                    values_of(&panel_of(&planted(break_at))["m_rev"]),
                )]),
            );
        }
        let short: MonthlySeries = series[&1]["m_rev"]
            .iter()
            .skip(20)
            .map(|(p, v)| (*p, *v))
            .collect();
        series.insert(4, BTreeMap::from([("m_rev".to_string(), short)]));
        series.insert(5, BTreeMap::new());
        let facts = breach_facts(&series, &breach_rule());
        assert_eq!(facts.keys().copied().collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
        let mut judged = 0;
        for (id, own) in &series {
            let Some(reported) = own.get("m_rev") else {
                assert!(facts[id].forecasts.is_empty() && facts[id].series.is_empty());
                continue;
            };
            let (input, actual) = breach_series("m_rev", reported);
            let alone = breach_bands(&input, &actual, BREACH_MONTHS);
            judged += alone.len();
            assert_eq!(facts[id].forecasts["m_rev"], alone, "member {id}");
            assert_eq!(facts[id].series["m_rev"], actual, "member {id}");
        }
        assert!(judged >= 36, "{judged}");
    }

    #[test]
    fn a_band_is_made_only_from_the_months_before_it() {
        let full = values_of(&panel_of(&planted(None))["m_rev"]);
        let (input, actual) = breach_series("m_rev", &full);
        assert_eq!(actual.len(), 48);
        let bands = breach_bands(&input, &actual, BREACH_MONTHS);
        let months: Vec<String> = bands.keys().map(|p| p.to_string()).collect();
        assert_eq!(months.first().map(String::as_str), Some("2025-01"));
        assert_eq!(months.len(), 12);
        // Cut the history after September 2025, and change September itself: the September band
        // is the same, made from the months up to August.
        let september: Period = "2025-09".parse().unwrap();
        let mut cut: MonthlySeries = input.range(..=september).map(|(p, v)| (*p, *v)).collect();
        cut.insert(september, 1.0);
        let again = breach_bands(&cut, &cut, 1);
        assert_eq!(again[&september], bands[&september]);
        assert_eq!(bands[&september].origin.to_string(), "2025-08");
        // Fewer than 24 months before a month: no band.
        let short: MonthlySeries = input.iter().take(24).map(|(p, v)| (*p, *v)).collect();
        let b = breach_bands(&short, &short, 12);
        assert_eq!(b.len(), 0, "{b:?}");
    }
}
