//! Monitoring and early warning (C5): keeps the derived monthly table and the warnings in step
//! with the accepted monthly values.
//!
//! [`refresh`] runs after every accepted batch with monthly values (and [`rebuild_all`] after the
//! demo load): it reads the affected bases' reported series, derives single months, cumulative
//! totals, YoY, MoM and cumulative YoY with `jidi-monitor` (a base's series is rebuilt whole, so
//! a corrected month also corrects the rates after it), and replays the warning rules over each
//! affected peer group (category), because a peer-relative rule of one base depends on every
//! base of its category. The computation runs on the bounded heavy-work threads.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use jidi_monitor::derive::aggregate::{Aggregation, monthly_aggregation};
use jidi_monitor::derive::cumulative::{FlowSign, Span, from_cumulative};
use jidi_monitor::derive::growth::growth_rate;
use jidi_monitor::period::{MonthlySeries, Period};
use jidi_monitor::warning::facts::{Facts, GroupFigures, ReportTiming};
use jidi_monitor::warning::level::Level;
use jidi_monitor::warning::rule::{Condition, Measure, Rule, default_rules};
use jidi_monitor::warning::state::{Change, Event, replay};
use jidi_store::{DerivedPoint, MonthlyPoint, NewWarning, Store};

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
/// kinds whose data are not collected yet (forecast bands made before each month, energy
/// intensity targets), which would only ever be "unknown". Late reports are judged from the
/// reporting tasks ([`crate::late_reports`]).
pub fn warning_rules() -> Vec<Rule> {
    default_rules()
        .into_iter()
        .filter(|r| {
            !matches!(
                r.condition,
                Condition::ForecastBreach { .. } | Condition::TargetMiss { .. }
            )
        })
        .collect()
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
    let (Some(&first), Some(&last)) = (periods.first(), periods.last()) else {
        return Vec::new();
    };
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
        for rule in rules {
            let (from, to) = match &rule.condition {
                Condition::LateReport { .. } => {
                    match (
                        facts.reports.keys().next(),
                        facts.reports.keys().next_back(),
                    ) {
                        (Some(a), Some(b)) => (*a, *b),
                        _ => continue,
                    }
                }
                _ => (first, last),
            };
            // Periods are fed in order from a fresh state, so replay cannot fail.
            let Ok((_, events)) = replay(rule, &facts, Period::range(from, to)) else {
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

/// The categories (every member with monthly values, and the members among `base_ids`) that hold
/// one of `base_ids`, in category order.
async fn affected_categories(
    store: &Store,
    base_ids: &[i64],
) -> Result<Vec<(Vec<i64>, Vec<i64>)>, MonitoringError> {
    let wanted: BTreeSet<i64> = base_ids.iter().copied().collect();
    let mut by_category: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for (id, category) in store.monthly_base_categories().await? {
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
    let started = std::time::Instant::now();
    // The rules in force are read once: a save of new rules replays everything after it.
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
        .monthly_base_categories()
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    refresh(store, &ids).await
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
}
