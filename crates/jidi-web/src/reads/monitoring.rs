//! Monitoring figures and warnings as the API and the pages show them: group aggregates (ratio of
//! sums on a comparable basis), ranked bases with their warnings, one base's series against its
//! category and the nation with a forecast, and the warnings board with acknowledgements.

use jidi_domain::access::{self, BaseScope, RecordScope};
use jidi_domain::reference::Regions;
use jidi_domain::roll::Tier;
use jidi_monitor::derive::growth::growth_rate;
use jidi_monitor::warning::level::Level;
use jidi_monitor::warning::rule::Rule;
use jidi_service::monitoring::{self as service, ForecastPoint};
use jidi_store::{
    BaseFigure, BaseRank, DerivedPoint, GroupBy, GroupSums, MonitorFilter, Page, WarningFilter,
    WarningRecord,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::params::{Paging, parse_opt};
use crate::reads::cache::Generation;
use crate::state::AppState;

/// The indicator shown when none is asked for: operating revenue, 1–N月.
pub const DEFAULT_INDICATOR: &str = "m_rev";

/// The headline indicators of the national view.
pub const HEADLINE: [&str; 6] = [
    "m_rev",
    "m_profit",
    "m_output_gross",
    "m_export_delivery",
    "m_energy",
    "m_inventory",
];

/// Months of forecast shown after the last reported month.
pub const FORECAST_HORIZON: usize = 12;

/// Monitoring filters.
#[derive(Deserialize, Serialize, IntoParams, Default, Clone, Debug)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MonitorQuery {
    /// Monthly indicator code (default `m_rev`); one that adds up over bases.
    pub indicator: Option<String>,
    /// Reporting month `YYYY-MM` (default: the latest with figures).
    pub period: Option<String>,
    /// `nation`, `category`, `subcategory`, `province` or `region` (groups only; default
    /// `category`).
    pub group_by: Option<String>,
    /// Only this province's bases (GB/T 2260 code).
    pub province: Option<String>,
    /// Only this category's bases.
    pub category: Option<String>,
    /// `growth_desc` (default), `growth_asc` or `level_desc` (bases only).
    pub rank: Option<String>,
    /// Page from 1.
    pub page: Option<String>,
    /// Rows per page (1–500, default 50).
    pub per_page: Option<String>,
    /// Interface language.
    pub lang: Option<String>,
}

/// A parsed monitoring request.
#[derive(Clone, Debug)]
pub struct MonitorRequest {
    /// Indicator code.
    pub indicator: String,
    /// Period `YYYYMM`, `None` when nothing is derived yet.
    pub period: Option<i32>,
    /// Filter from the query (province, category).
    pub filter: MonitorFilter,
    /// Paging.
    pub paging: Paging,
}

// The store's monitoring reads, kept per data generation (`crate::reads::cache`): the same
// aggregates, ranked lists and warning pages are asked for by every viewer of a scope, and a
// national page alone needs a dozen of them.

/// Periods with derived figures of `indicator`, latest first.
pub async fn periods_at(
    state: &AppState,
    at: Generation,
    indicator: &str,
) -> Result<Arc<Vec<i32>>, AppError> {
    let key = format!("periods|{indicator}");
    state
        .reads
        .read(at, key, || async {
            Ok(state.store.monitor_periods(indicator).await?)
        })
        .await
}

/// [`jidi_store::Store::monitor_groups`], kept.
pub async fn groups_at(
    state: &AppState,
    at: Generation,
    indicator: &str,
    period: i32,
    group: GroupBy,
    filter: &MonitorFilter,
    page: Page,
) -> Result<Arc<(Vec<GroupSums>, i64)>, AppError> {
    let key = format!("groups|{indicator}|{period}|{group:?}|{filter:?}|{page:?}");
    state
        .reads
        .read_page(at, key, page.limit, || async {
            Ok(state
                .store
                .monitor_groups(indicator, period, group, filter, page)
                .await?)
        })
        .await
}

async fn group_series_at(
    state: &AppState,
    at: Generation,
    indicator: &str,
    filter: &MonitorFilter,
    from: i32,
) -> Result<Arc<Vec<GroupSums>>, AppError> {
    let key = format!("group series|{indicator}|{filter:?}|{from}");
    state
        .reads
        .read(at, key, || async {
            Ok(state
                .store
                .monitor_group_series(indicator, filter, from)
                .await?)
        })
        .await
}

async fn bases_at(
    state: &AppState,
    at: Generation,
    indicator: &str,
    period: i32,
    filter: &MonitorFilter,
    rank: BaseRank,
    page: Page,
) -> Result<Arc<(Vec<BaseFigure>, i64)>, AppError> {
    let key = format!("bases|{indicator}|{period}|{filter:?}|{rank:?}|{page:?}");
    state
        .reads
        .read_page(at, key, page.limit, || async {
            Ok(state
                .store
                .monitor_bases(indicator, period, filter, rank, page)
                .await?)
        })
        .await
}

/// The warning rules in force.
pub async fn rules_at(state: &AppState, at: Generation) -> Result<Arc<Vec<Rule>>, AppError> {
    state
        .reads
        .read(at, "rules".into(), || async {
            Ok(jidi_service::warning_rules::in_force(&state.store)
                .await?
                .rules)
        })
        .await
}

/// `YYYYMM` → `YYYY-MM`.
pub fn period_text(key: i32) -> String {
    format!("{:04}-{:02}", key / 100, key % 100)
}

fn parse_period(text: &str) -> Option<i32> {
    let p: jidi_monitor::period::Period = text.parse().ok()?;
    Some(service::key_of_period(p))
}

impl MonitorQuery {
    /// Validates the query: a known additive monthly indicator, a `YYYY-MM` period (the latest
    /// derived one by default), known filters.
    pub async fn parse(
        &self,
        state: &AppState,
        at: Generation,
    ) -> Result<MonitorRequest, AppError> {
        let indicator = self
            .indicator
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or(DEFAULT_INDICATOR)
            .to_string();
        let known = jidi_domain::catalogue::indicator(&indicator)
            .is_some_and(|i| i.frequency == jidi_domain::catalogue::Frequency::Monthly);
        if !known || !service::is_additive(&indicator) {
            return Err(AppError::bad_field(
                "indicator",
                format!(
                    "{:?} is not a monthly indicator that adds up over bases",
                    truncate(&indicator)
                ),
            ));
        }
        let period = match parse_opt(&self.period, "period", parse_period, "a month YYYY-MM")? {
            Some(p) => Some(p),
            None => periods_at(state, at, &indicator).await?.first().copied(),
        };
        let province = self
            .province
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        if let Some(p) = province
            && Regions::get().province(p).is_none()
        {
            return Err(AppError::bad_field(
                "province",
                format!("{:?} is not a province code", truncate(p)),
            ));
        }
        let category = self
            .category
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        if let Some(c) = category
            && !state.categories().iter().any(|k| k.code == c)
        {
            return Err(AppError::bad_field(
                "category",
                format!("{:?} is not a category code", truncate(c)),
            ));
        }
        Ok(MonitorRequest {
            indicator,
            period,
            filter: MonitorFilter {
                province_code: province.map(Into::into),
                category_code: category.map(Into::into),
                base_id: None,
            },
            paging: Paging::parse(&self.page, &self.per_page, 50, 500)?,
        })
    }

    /// The grouping asked for.
    pub fn group_by(&self) -> Result<GroupBy, AppError> {
        Ok(parse_opt(
            &self.group_by,
            "group_by",
            GroupBy::parse,
            "nation, category, subcategory, province or region",
        )?
        .unwrap_or(GroupBy::Category))
    }

    /// The ranking asked for.
    pub fn rank(&self) -> Result<BaseRank, AppError> {
        Ok(parse_opt(
            &self.rank,
            "rank",
            |v| match v {
                "growth_desc" => Some(BaseRank::GrowthDesc),
                "growth_asc" => Some(BaseRank::GrowthAsc),
                "level_desc" => Some(BaseRank::LevelDesc),
                _ => None,
            },
            "growth_desc, growth_asc or level_desc",
        )?
        .unwrap_or(BaseRank::GrowthDesc))
    }
}

/// At most 40 characters of a hostile input, for error messages.
fn truncate(text: &str) -> String {
    text.chars().take(40).collect()
}

/// One group's figures at one month.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct GroupView {
    /// Group code (`all` for the nation).
    pub key: String,
    /// Group name.
    pub name: String,
    /// Month `YYYY-MM`.
    pub period: String,
    /// Bases reporting.
    pub n_bases: i64,
    /// Bases reporting both this month and the same span last year (the comparable set).
    pub n_comparable: i64,
    /// Σ of the month (or 1–2月 span) in the indicator's unit.
    pub single: f64,
    /// Σ 1–N月 cumulative (flows; null otherwise).
    pub cumulative: Option<f64>,
    /// 同比 of the month, % (Σ now / Σ last year − 1 over the comparable set).
    pub yoy: Option<f64>,
    /// 累计同比, % (flows).
    pub cum_yoy: Option<f64>,
    /// 环比, %.
    pub mom: Option<f64>,
    /// Whether any figure is demo data.
    pub synthetic: bool,
}

fn ratio_growth((now, base): (f64, f64), n: i64) -> Option<f64> {
    (n > 0).then(|| growth_rate(now, base).ok()).flatten()
}

/// A group's view.
pub fn group_view(
    state: &AppState,
    g: &GroupSums,
    group: GroupBy,
    flow: bool,
    lang: Lang,
) -> GroupView {
    let name = match group {
        GroupBy::Nation => lang.pick("全国", "Nation").to_string(),
        GroupBy::Category | GroupBy::Subcategory => state.category_name(&g.key, lang),
        GroupBy::Province => crate::views::province_name(&g.key, lang),
        GroupBy::Region => crate::views::region_name(&g.key, lang),
    };
    GroupView {
        key: g.key.clone(),
        name,
        period: period_text(g.period),
        n_bases: g.n_bases,
        n_comparable: g.n_comparable,
        single: g.single,
        cumulative: flow.then_some(g.cumulative),
        yoy: ratio_growth(g.yoy_pair, g.n_comparable),
        cum_yoy: if flow {
            ratio_growth(g.cum_yoy_pair, g.n_bases)
        } else {
            None
        },
        mom: ratio_growth(g.mom_pair, g.n_bases),
        synthetic: g.synthetic,
    }
}

/// Groups of one month.
pub async fn groups_page(
    state: &AppState,
    at: Generation,
    viewer: &Viewer,
    q: &MonitorQuery,
) -> Result<(MonitorRequest, GroupBy, Vec<GroupView>, i64), AppError> {
    AppError::check(access::can_view_monitoring_aggregates(viewer.who()))?;
    let req = q.parse(state, at).await?;
    let group = q.group_by()?;
    let Some(period) = req.period else {
        return Ok((req, group, Vec::new(), 0));
    };
    let read = groups_at(
        state,
        at,
        &req.indicator,
        period,
        group,
        &req.filter,
        req.paging.store_page(),
    )
    .await?;
    let (rows, total) = (&read.0, read.1);
    let flow = service::is_flow(&req.indicator);
    let items = rows
        .iter()
        .map(|g| group_view(state, g, group, flow, viewer.lang))
        .collect();
    Ok((req, group, items, total))
}

/// A base's figure at one month, with its open warnings.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct MonitorBaseView {
    /// Base id.
    pub base_id: i64,
    /// Official name.
    pub name: String,
    /// Province name.
    pub province_name: String,
    /// Category name.
    pub category_name: String,
    /// Month `YYYY-MM`.
    pub period: String,
    /// The month (or span) value.
    pub single: Option<f64>,
    /// Months the value covers (2 for 1–2月).
    pub span_months: i32,
    /// 1–N月 cumulative.
    pub cumulative: Option<f64>,
    /// 同比, %.
    pub yoy: Option<f64>,
    /// 累计同比, %.
    pub cum_yoy: Option<f64>,
    /// 环比, %.
    pub mom: Option<f64>,
    /// Open warnings.
    pub open_warnings: i64,
    /// The most serious open level (`blue` … `red`).
    pub worst_level: Option<String>,
    /// Demo data.
    pub synthetic: bool,
}

fn level_of_rank(rank: i32) -> Option<&'static str> {
    match rank {
        1 => Some("blue"),
        2 => Some("yellow"),
        3 => Some("orange"),
        4 => Some("red"),
        _ => None,
    }
}

fn base_view(state: &AppState, b: &BaseFigure, lang: Lang) -> MonitorBaseView {
    MonitorBaseView {
        base_id: b.base_id,
        name: b.name.clone(),
        province_name: crate::views::province_name(&b.province_code, lang),
        category_name: state.category_name(&b.category_code, lang),
        period: period_text(b.point.period),
        single: b.point.single,
        span_months: b.point.span_months,
        cumulative: b.point.cumulative,
        yoy: b.point.yoy,
        cum_yoy: b.point.cum_yoy,
        mom: b.point.mom,
        open_warnings: b.open_warnings,
        worst_level: level_of_rank(b.worst_level).map(Into::into),
        synthetic: b.point.synthetic,
    }
}

/// The viewer's base-by-base scope as a filter, intersected with the query's.
fn scoped(viewer: &Viewer, mut filter: MonitorFilter) -> Result<MonitorFilter, AppError> {
    match access::monitoring_scope(viewer.who()).map_err(|a| match AppError::check(a) {
        Err(e) => e,
        Ok(()) => AppError::Forbidden,
    })? {
        RecordScope::All => {}
        RecordScope::Province(code) => {
            if filter.province_code.as_ref().is_some_and(|p| *p != code) {
                return Err(AppError::Forbidden);
            }
            filter.province_code = Some(code);
        }
        RecordScope::Base(id) => filter.base_id = Some(id),
    }
    Ok(filter)
}

/// Ranked bases of one month within the viewer's scope.
pub async fn bases_page(
    state: &AppState,
    at: Generation,
    viewer: &Viewer,
    q: &MonitorQuery,
) -> Result<(MonitorRequest, Vec<MonitorBaseView>, i64), AppError> {
    let mut req = q.parse(state, at).await?;
    req.filter = scoped(viewer, req.filter)?;
    let rank = q.rank()?;
    let Some(period) = req.period else {
        return Ok((req, Vec::new(), 0));
    };
    let read = bases_at(
        state,
        at,
        &req.indicator,
        period,
        &req.filter,
        rank,
        req.paging.store_page(),
    )
    .await?;
    let (rows, total) = (&read.0, read.1);
    let items = rows
        .iter()
        .map(|b| base_view(state, b, viewer.lang))
        .collect();
    Ok((req, items, total))
}

/// Every base of one month within the viewer's scope, for the export: read page by page.
pub async fn all_bases(
    state: &AppState,
    at: Generation,
    viewer: &Viewer,
    q: &MonitorQuery,
) -> Result<(MonitorRequest, Vec<MonitorBaseView>), AppError> {
    let mut req = q.parse(state, at).await?;
    req.filter = scoped(viewer, req.filter)?;
    let Some(period) = req.period else {
        return Ok((req, Vec::new()));
    };
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        let page = jidi_store::Page { offset, limit: 500 };
        let (rows, total) = state
            .store
            .monitor_bases(
                &req.indicator,
                period,
                &req.filter,
                BaseRank::GrowthDesc,
                page,
            )
            .await?;
        out.extend(rows.iter().map(|b| base_view(state, b, viewer.lang)));
        offset += 500;
        if rows.is_empty() || i64::from(offset) >= total {
            break;
        }
    }
    Ok((req, out))
}

/// One month of a series with the comparison groups' growth.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct SeriesPointView {
    /// Month `YYYY-MM`.
    pub period: String,
    /// As reported (1–N月 for flows).
    pub value: f64,
    /// Month (or span) value.
    pub single: Option<f64>,
    /// Months covered by `single`.
    pub span_months: i32,
    /// 1–N月 cumulative.
    pub cumulative: Option<f64>,
    /// 同比, %.
    pub yoy: Option<f64>,
    /// 累计同比, %.
    pub cum_yoy: Option<f64>,
    /// 环比, %.
    pub mom: Option<f64>,
    /// The base's category: 累计同比 (flows) or 同比, % (ratio of sums).
    pub category_growth: Option<f64>,
    /// The nation: the same.
    pub nation_growth: Option<f64>,
}

/// A month of the chart: the value the model reads, or a forecast with its band.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct ChartPointView {
    /// Month `YYYY-MM`.
    pub period: String,
    /// Observed month value (1–2月 shared evenly), or null for a forecast month.
    pub actual: Option<f64>,
    /// Point forecast.
    pub forecast: Option<f64>,
    /// 95% interval, lower.
    pub lo95: Option<f64>,
    /// 95% interval, upper.
    pub hi95: Option<f64>,
}

/// A base's monitored series.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct BaseSeriesView {
    /// Base id.
    pub base_id: i64,
    /// Base name.
    pub base_name: String,
    /// Indicator code.
    pub indicator: String,
    /// Indicator name.
    pub indicator_name: String,
    /// Unit.
    pub unit: String,
    /// Whether a 1–N月 cumulative flow.
    pub flow: bool,
    /// Category name.
    pub category_name: String,
    /// Every month, oldest first.
    pub points: Vec<SeriesPointView>,
    /// The chart: history and 12 months of forecast with its 95% band.
    pub chart: Vec<ChartPointView>,
    /// Demo data.
    pub synthetic: bool,
}

fn growth_of(g: &GroupSums, flow: bool) -> Option<f64> {
    if flow {
        ratio_growth(g.cum_yoy_pair, g.n_bases)
    } else {
        ratio_growth(g.yoy_pair, g.n_comparable)
    }
}

/// One base's series of an indicator against its category and the nation, with the forecast.
pub async fn base_series(
    state: &AppState,
    at: Generation,
    viewer: &Viewer,
    id: i64,
    indicator: Option<&str>,
) -> Result<BaseSeriesView, AppError> {
    let base = crate::reads::bases::visible_base(state, viewer, id).await?;
    AppError::check(access::can_view_base_data(
        viewer.who(),
        crate::reads::bases::scope(&base),
    ))?;
    let q = MonitorQuery {
        indicator: indicator.map(Into::into),
        ..MonitorQuery::default()
    };
    let req = q.parse(state, at).await?;
    let flow = service::is_flow(&req.indicator);
    let points = state
        .reads
        .read(at, format!("series|{id}|{}", req.indicator), || async {
            Ok(state.store.monitor_series(id, &req.indicator, 0).await?)
        })
        .await?;
    let from = points.first().map_or(0, |p| p.period);
    let category = MonitorFilter {
        category_code: Some(base.facts.category_code.clone()),
        ..MonitorFilter::default()
    };
    let by_category = group_series_at(state, at, &req.indicator, &category, from).await?;
    let nation =
        group_series_at(state, at, &req.indicator, &MonitorFilter::default(), from).await?;
    let find = |list: &[GroupSums], period: i32| {
        list.iter()
            .find(|g| g.period == period)
            .and_then(|g| growth_of(g, flow))
    };
    let history = service::model_input(&points);
    // The forecast is a function of the series, which changes only with the generation; it is
    // most of the page's CPU (a model search over 60 months).
    let forecast = state
        .reads
        .read(at, format!("forecast|{id}|{}", req.indicator), || async {
            Ok(service::forecast_months(history.clone(), FORECAST_HORIZON)
                .await
                .map_err(|e| match e {
                    service::MonitoringError::Store(s) => AppError::from(s),
                    service::MonitoringError::Busy(c) => AppError::from(c),
                })?
                .unwrap_or_default())
        })
        .await?;
    let lang = viewer.lang;
    let catalogue = jidi_domain::catalogue::indicator(&req.indicator);
    Ok(BaseSeriesView {
        base_id: id,
        base_name: base.facts.name.clone(),
        indicator_name: catalogue.map_or(req.indicator.clone(), |i| {
            lang.pick(&i.name_zh, &i.name_en).to_string()
        }),
        unit: catalogue.map_or(String::new(), |i| {
            lang.pick(&i.unit, jidi_domain::catalogue::unit_en(&i.unit))
                .to_string()
        }),
        indicator: req.indicator.clone(),
        flow,
        category_name: state.category_name(&base.facts.category_code, lang),
        synthetic: points.iter().any(|p| p.synthetic),
        points: points
            .iter()
            .map(|p: &DerivedPoint| SeriesPointView {
                period: period_text(p.period),
                value: p.value,
                single: p.single,
                span_months: p.span_months,
                cumulative: p.cumulative,
                yoy: p.yoy,
                cum_yoy: p.cum_yoy,
                mom: p.mom,
                category_growth: find(&by_category, p.period),
                nation_growth: find(&nation, p.period),
            })
            .collect(),
        chart: history
            .iter()
            .map(|(p, v)| ChartPointView {
                period: p.to_string(),
                actual: Some(*v),
                forecast: None,
                lo95: None,
                hi95: None,
            })
            .chain(forecast.iter().map(|f: &ForecastPoint| ChartPointView {
                period: period_text(f.period),
                actual: None,
                forecast: Some(f.forecast),
                lo95: Some(f.lo95),
                hi95: Some(f.hi95),
            }))
            .collect(),
    })
}

/// Warning filters.
#[derive(Deserialize, Serialize, IntoParams, Default, Clone, Debug)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct WarningQuery {
    /// `open` (default), `closed` or `all`.
    pub state: Option<String>,
    /// `blue`, `yellow`, `orange` or `red`.
    pub level: Option<String>,
    /// Rule id.
    pub rule: Option<String>,
    /// One base.
    pub base_id: Option<String>,
    /// Page from 1.
    pub page: Option<String>,
    /// Rows per page (1–500, default 50).
    pub per_page: Option<String>,
    /// Interface language.
    pub lang: Option<String>,
}

/// A change of a warning.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct WarningChangeView {
    /// Month `YYYY-MM`.
    pub period: String,
    /// `opened`, `escalated`, `de_escalated` or `closed`.
    pub change: String,
    /// Level after the change.
    pub level: String,
    /// Why.
    pub reason: String,
}

/// A warning.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct WarningView {
    /// Id.
    pub id: i64,
    /// Base id.
    pub base_id: i64,
    /// Base name.
    pub base_name: String,
    /// Province name.
    pub province_name: String,
    /// Category name.
    pub category_name: String,
    /// Rule id.
    pub rule: String,
    /// Rule name.
    pub rule_name: String,
    /// `blue`, `yellow`, `orange`, `red`.
    pub level: String,
    /// Level name (蓝色 …).
    pub level_name: String,
    /// Highest level reached.
    pub peak: String,
    /// Month opened.
    pub opened: String,
    /// Month of the last change.
    pub last_change: String,
    /// Month closed (null while open).
    pub closed: Option<String>,
    /// The measured figure at the last change.
    pub current_value: Option<f64>,
    /// The threshold reached.
    pub threshold: Option<f64>,
    /// Unit of both.
    pub unit: String,
    /// Reason of the last change.
    pub reason: String,
    /// Changes, oldest first.
    pub history: Vec<WarningChangeView>,
    /// Who acknowledged it.
    pub acknowledged_by: Option<String>,
    /// When (RFC 3339).
    pub acknowledged_at: Option<String>,
    /// Annotation.
    pub annotation: String,
    /// Who annotated it.
    pub annotated_by: Option<String>,
    /// When (RFC 3339).
    pub annotated_at: Option<String>,
    /// Whether the viewer may acknowledge or annotate it.
    pub can_acknowledge: bool,
    /// Demo data.
    pub synthetic: bool,
}

fn level_name(code: &str, lang: Lang) -> String {
    Level::ALL.iter().find(|l| l.name_en() == code).map_or_else(
        || code.to_string(),
        |l| lang.pick(l.name_zh(), l.name_en()).to_string(),
    )
}

fn warning_scope(w: &WarningRecord) -> BaseScope<'_> {
    // Acknowledging depends on the base and its province, never on its tier.
    BaseScope {
        id: w.warning.base_id,
        province_code: &w.province_code,
        tier: Tier::National,
    }
}

/// A warning's view.
pub fn warning_view(
    state: &AppState,
    viewer: &Viewer,
    rules: &[Rule],
    w: &WarningRecord,
) -> WarningView {
    let lang = viewer.lang;
    // The rules in force name it; a built-in rule's name stays known after a saved set dropped it.
    let rule = rules
        .iter()
        .find(|r| r.id == w.warning.rule_id)
        .cloned()
        .or_else(|| service::rule_named(&w.warning.rule_id));
    // Typed, not through `serde_json::Value`: building a map per change was a fifth of the
    // warnings page's CPU.
    #[derive(Deserialize)]
    struct StoredChange {
        #[serde(default)]
        period: String,
        #[serde(default)]
        change: String,
        #[serde(default)]
        level: String,
        #[serde(default)]
        reason_zh: String,
        #[serde(default)]
        reason_en: String,
    }
    let history: Vec<StoredChange> = serde_json::from_str(&w.warning.history).unwrap_or_default();
    WarningView {
        id: w.id,
        base_id: w.warning.base_id,
        base_name: w.base_name.clone(),
        province_name: crate::views::province_name(&w.province_code, lang),
        category_name: state.category_name(&w.category_code, lang),
        rule: w.warning.rule_id.clone(),
        rule_name: rule.as_ref().map_or_else(
            || w.warning.rule_id.clone(),
            |r| lang.pick(&r.name_zh, &r.name_en).to_string(),
        ),
        level: w.warning.level.clone(),
        level_name: level_name(&w.warning.level, lang),
        peak: w.warning.peak.clone(),
        opened: period_text(w.warning.opened),
        last_change: period_text(w.warning.last_change),
        closed: w.warning.closed.map(period_text),
        current_value: w.warning.current_value,
        threshold: w.warning.threshold,
        unit: w.warning.unit.clone(),
        reason: lang
            .pick(&w.warning.reason_zh, &w.warning.reason_en)
            .to_string(),
        history: history
            .into_iter()
            .map(|h| WarningChangeView {
                period: h.period,
                change: h.change,
                level: h.level,
                reason: match lang {
                    Lang::Zh => h.reason_zh,
                    Lang::En => h.reason_en,
                },
            })
            .collect(),
        acknowledged_by: w.acknowledged_by.as_ref().map(|(_, n)| n.clone()),
        acknowledged_at: w.acknowledged_at.map(|t| t.to_rfc3339()),
        annotation: w.annotation.clone(),
        annotated_by: w.annotated_by.as_ref().map(|(_, n)| n.clone()),
        annotated_at: w.annotated_at.map(|t| t.to_rfc3339()),
        can_acknowledge: access::can_acknowledge_warning(viewer.who(), warning_scope(w)).granted(),
        synthetic: w.warning.synthetic,
    }
}

/// The viewer's warning filter from a query.
pub fn warning_filter(
    viewer: &Viewer,
    rules: &[Rule],
    q: &WarningQuery,
) -> Result<WarningFilter, AppError> {
    let scope = access::monitoring_scope(viewer.who()).map_err(|a| match AppError::check(a) {
        Err(e) => e,
        Ok(()) => AppError::Forbidden,
    })?;
    let mut filter = WarningFilter::within(scope);
    match q.state.as_deref().map(str::trim).unwrap_or("open") {
        "" | "open" => filter.open_only = true,
        "closed" => filter.closed_only = true,
        "all" => {}
        other => {
            return Err(AppError::bad_field(
                "state",
                format!("{:?} is not open, closed or all", truncate(other)),
            ));
        }
    }
    filter.level = parse_opt(
        &q.level,
        "level",
        |v| {
            Level::ALL
                .iter()
                .find(|l| l.name_en() == v)
                .map(|l| l.name_en().to_string())
        },
        "blue, yellow, orange or red",
    )?;
    filter.rule_id = parse_opt(
        &q.rule,
        "rule",
        |v| {
            rules
                .iter()
                .find(|r| r.id == v)
                .map(|r| r.id.clone())
                .or_else(|| service::rule_named(v).map(|r| r.id))
        },
        "a warning rule id",
    )?;
    filter.base_id = parse_opt(
        &q.base_id,
        "base_id",
        |v| v.parse().ok().filter(|x: &i64| *x > 0),
        "a base id",
    )?;
    Ok(filter)
}

/// A page of warnings in the viewer's scope, with the open counts by level.
pub async fn warnings_page(
    state: &AppState,
    at: Generation,
    viewer: &Viewer,
    q: &WarningQuery,
) -> Result<(Vec<WarningView>, i64, Paging, [i64; 4]), AppError> {
    let rules = rules_at(state, at).await?;
    let filter = warning_filter(viewer, &rules, q)?;
    let paging = Paging::parse(&q.page, &q.per_page, 50, 500)?;
    let page = paging.store_page();
    let read = state
        .reads
        .read_page(
            at,
            format!("warnings|{filter:?}|{page:?}"),
            page.limit,
            || async { Ok(state.store.monitor_warnings(&filter, page).await?) },
        )
        .await?;
    let (rows, total) = (&read.0, read.1);
    let open = WarningFilter {
        open_only: true,
        closed_only: false,
        level: None,
        rule_id: None,
        ..filter.clone()
    };
    let counts = *state
        .reads
        .read(at, format!("warning counts|{open:?}"), || async {
            Ok(state.store.monitor_warning_counts(&open).await?)
        })
        .await?;
    let items = rows
        .iter()
        .map(|w| warning_view(state, viewer, &rules, w))
        .collect();
    Ok((items, total, paging, counts))
}

/// Longest annotation accepted, in characters.
pub const MAX_ANNOTATION: usize = 2000;

/// Acknowledges and/or annotates a warning for the viewer (the ministry, the base's province, the
/// base itself).
pub async fn acknowledge(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    acknowledge: bool,
    annotation: Option<&str>,
) -> Result<WarningView, AppError> {
    let w = state
        .store
        .monitor_warning(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("warning {id}")))?;
    AppError::check(access::can_acknowledge_warning(
        viewer.who(),
        warning_scope(&w),
    ))?;
    let annotation = annotation.map(str::trim);
    if let Some(text) = annotation {
        if text.chars().count() > MAX_ANNOTATION {
            return Err(AppError::bad_field(
                "annotation",
                format!("longer than {MAX_ANNOTATION} characters"),
            ));
        }
        if text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            return Err(AppError::bad_field(
                "annotation",
                "contains control characters",
            ));
        }
    }
    if !acknowledge && annotation.is_none() {
        return Err(AppError::bad_field(
            "acknowledge",
            "nothing to do: acknowledge, annotate, or both",
        ));
    }
    state
        .store
        .acknowledge_warning(
            id,
            viewer.user_id(),
            acknowledge,
            annotation,
            chrono::Utc::now(),
        )
        .await?;
    let w = state
        .store
        .monitor_warning(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("warning {id}")))?;
    let rules = jidi_service::warning_rules::in_force(&state.store)
        .await?
        .rules;
    Ok(warning_view(state, viewer, &rules, &w))
}
