//! Green and safe (C6) as the API, the page and the export show it: a year's energy by fuel,
//! CO₂, intensities, water, green factories and incidents of the viewer's scope, with progress
//! against the default targets, ranked groups and bases, and the nation (and a base's category)
//! to compare with.

use jidi_domain::access::{self, RecordScope};
use jidi_domain::reference::Regions;
use jidi_monitor::carbon::target::ProgressStatus;
use jidi_service::green::{self as service, BaseGreen, GreenError, GreenFigures, TargetProgress};
use jidi_store::GreenFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::params::parse_opt;
use crate::state::AppState;

/// Green-view filters.
#[derive(Deserialize, Serialize, IntoParams, Default, Clone, Debug)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct GreenQuery {
    /// Year (default: the latest with December fuel reports).
    pub year: Option<String>,
    /// Only this province's bases (GB/T 2260 code).
    pub province: Option<String>,
    /// Only this category's bases.
    pub category: Option<String>,
    /// Only this base (id).
    pub base: Option<String>,
    /// Interface language.
    pub lang: Option<String>,
}

/// One fuel of a scope's energy.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct FuelView {
    /// Fuel code (`coal`, `fuel_oil`, `natural_gas`, `electricity`, `heat`).
    pub fuel: String,
    /// The monthly indicator it is reported as.
    pub indicator: String,
    /// Name.
    pub name: String,
    /// Unit of `physical` (the indicator's).
    pub unit: String,
    /// Code of the emission factor used.
    pub factor: String,
    /// Σ 1–12月 in `unit`.
    pub physical: f64,
    /// Standard coal equivalent, tce.
    pub tce: f64,
    /// CO₂, tonnes.
    pub co2_t: f64,
}

/// A scope's (or a base's) figures of one year.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct GreenFiguresView {
    /// Group code (`all`, a category or a province code, or the base id).
    pub key: String,
    /// Name.
    pub name: String,
    /// Bases with any green figure.
    pub n_bases: i64,
    /// Bases reporting fuels (the totals are theirs).
    pub n_energy: i64,
    /// Bases reporting fuels and value added (the intensities are theirs).
    pub n_with_va: i64,
    /// Energy by fuel: coal, oil, gas, electricity, heat.
    pub fuels: Vec<FuelView>,
    /// Σ of the fuels' standard coal, tce.
    pub energy_tce: f64,
    /// Σ CO₂, tonnes.
    pub co2_t: f64,
    /// Σ energy as reported (`m_energy`) by the same bases, tce.
    pub energy_reported_tce: f64,
    /// Energy per 万元 of value added, tce/万元.
    pub energy_intensity: Option<f64>,
    /// CO₂ per 万元 of value added, t/万元.
    pub carbon_intensity: Option<f64>,
    /// Water per 万元 of value added, m³/万元.
    pub water_intensity: Option<f64>,
    /// National green factories.
    pub green_factories: f64,
    /// Bases reporting green factories.
    pub n_green: i64,
    /// Demo data.
    pub synthetic: bool,
}

/// Progress against the default intensity target (−13.5 % energy, −18 % CO₂ over five years from
/// the first year with data, geometric path).
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct TargetView {
    /// `energy_intensity` or `carbon_intensity`.
    pub kind: String,
    /// First year with the intensity.
    pub baseline_year: i32,
    /// The intensity then.
    pub baseline: f64,
    /// Year the target falls due.
    pub target_year: i32,
    /// The intensity to reach.
    pub target: f64,
    /// The intensity in the year shown.
    pub current: f64,
    /// Where the path says it should be now.
    pub expected_now: f64,
    /// `achieved`, `on_track` or `behind`.
    pub status: String,
    /// Share of the way covered (1 = reached).
    pub share_achieved: Option<f64>,
    /// % a year needed from now on.
    pub required_rate: Option<f64>,
}

/// A base's figures with its progress.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct BaseGreenView {
    /// Base id.
    pub base_id: i64,
    /// Official name.
    pub name: String,
    /// Province name.
    pub province_name: String,
    /// Category name.
    pub category_name: String,
    /// Figures.
    pub figures: GreenFiguresView,
    /// Energy-intensity progress.
    pub energy_target: Option<TargetView>,
    /// Carbon-intensity progress.
    pub carbon_target: Option<TargetView>,
}

/// A year's figures.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct YearFiguresView {
    /// Year.
    pub year: i32,
    /// Figures.
    pub figures: GreenFiguresView,
}

/// Incidents of one kind.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct IncidentCountView {
    /// Kind code.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Count.
    pub count: i64,
}

/// A year's incidents.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct IncidentYearView {
    /// Year.
    pub year: i32,
    /// By kind (every kind, zeros included).
    pub counts: Vec<IncidentCountView>,
}

/// A base with green factories.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct GreenFactoryView {
    /// Base id.
    pub base_id: i64,
    /// Official name.
    pub name: String,
    /// National green factories.
    pub count: f64,
}

/// An emission factor in force.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct FactorView {
    /// Fuel code.
    pub fuel: String,
    /// Factor code.
    pub code: String,
    /// Chinese name.
    pub name_zh: String,
    /// Physical unit of one quantity.
    pub unit: String,
    /// t CO₂ per unit.
    pub co2_t_per_unit: f64,
    /// tce per unit.
    pub tce_per_unit: f64,
    /// Source.
    pub source: String,
}

/// The green view of a year and scope.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct GreenResponse {
    /// Year shown (null when no fuel is reported yet).
    pub year: Option<i32>,
    /// Years with December fuel reports, latest first.
    pub years: Vec<i32>,
    /// The province filter in force (the viewer's own for a province).
    pub province: Option<String>,
    /// The category filter.
    pub category: Option<String>,
    /// The base filter in force (the viewer's own for a base).
    pub base: Option<i64>,
    /// The scope's figures.
    pub total: Option<GreenFiguresView>,
    /// The scope's figures of every year up to the one shown, oldest first.
    pub history: Vec<YearFiguresView>,
    /// Energy-intensity progress of the scope.
    pub energy_target: Option<TargetView>,
    /// Carbon-intensity progress of the scope.
    pub carbon_target: Option<TargetView>,
    /// The nation, to compare with.
    pub nation: Option<GreenFiguresView>,
    /// The base's category nationally, to compare with (base scope only).
    pub category_comparison: Option<GreenFiguresView>,
    /// The scope's categories, by carbon intensity (lowest first; none last).
    pub categories: Vec<GreenFiguresView>,
    /// The scope's provinces, by carbon intensity.
    pub provinces: Vec<GreenFiguresView>,
    /// The scope's bases, by carbon intensity.
    pub bases: Vec<BaseGreenView>,
    /// Bases with national green factories, most first.
    pub green_factories: Vec<GreenFactoryView>,
    /// Incidents by year and kind.
    pub incidents: Vec<IncidentYearView>,
    /// The emission factors in force.
    pub factors: Vec<FactorView>,
    /// Whether any figure is demo data.
    pub synthetic: bool,
}

fn fuel_name(code: &str, lang: Lang) -> (String, String) {
    jidi_domain::catalogue::indicator(code).map_or_else(
        || (code.to_string(), String::new()),
        |i| {
            let unit = match lang {
                Lang::Zh => i.unit.clone(),
                Lang::En => jidi_domain::catalogue::unit_en(&i.unit).to_string(),
            };
            (lang.pick(&i.name_zh, &i.name_en).to_string(), unit)
        },
    )
}

/// A figures view.
pub fn figures_view(key: &str, name: String, f: &GreenFigures, lang: Lang) -> GreenFiguresView {
    GreenFiguresView {
        key: key.to_string(),
        name,
        n_bases: f.n_bases,
        n_energy: f.n_energy,
        n_with_va: f.n_with_va,
        fuels: f
            .fuels
            .iter()
            .map(|l| {
                let (name, unit) = fuel_name(l.indicator, lang);
                FuelView {
                    fuel: l.fuel.code().into(),
                    indicator: l.indicator.into(),
                    name,
                    unit,
                    factor: l.factor.clone(),
                    physical: l.physical,
                    tce: l.tce,
                    co2_t: l.co2_t,
                }
            })
            .collect(),
        energy_tce: f.energy_tce,
        co2_t: f.co2_t,
        energy_reported_tce: f.energy_reported_tce,
        energy_intensity: f.energy_intensity,
        carbon_intensity: f.carbon_intensity,
        water_intensity: f.water_intensity,
        green_factories: f.green_factories,
        n_green: f.n_green,
        synthetic: f.synthetic,
    }
}

fn target_view(t: &TargetProgress) -> TargetView {
    TargetView {
        kind: t.kind.code().into(),
        baseline_year: t.baseline_year,
        baseline: t.baseline,
        target_year: t.target_year,
        target: t.target,
        current: t.current,
        expected_now: t.progress.expected_now,
        status: match t.progress.status {
            ProgressStatus::Achieved => "achieved",
            ProgressStatus::OnTrack => "on_track",
            ProgressStatus::Behind => "behind",
        }
        .into(),
        share_achieved: t.progress.share_achieved,
        required_rate: t.progress.required_rate,
    }
}

fn base_view(state: &AppState, b: &BaseGreen, lang: Lang) -> BaseGreenView {
    BaseGreenView {
        base_id: b.base.base_id,
        name: b.base.name.clone(),
        province_name: crate::views::province_name(&b.base.province_code, lang),
        category_name: state.category_name(&b.base.category_code, lang),
        figures: figures_view(
            &b.base.base_id.to_string(),
            b.base.name.clone(),
            &b.figures,
            lang,
        ),
        energy_target: b.energy_target.as_ref().map(target_view),
        carbon_target: b.carbon_target.as_ref().map(target_view),
    }
}

fn service_error(e: GreenError) -> AppError {
    match e {
        GreenError::Store(e) => e.into(),
        GreenError::Carbon(e) => AppError::internal(e),
    }
}

/// Lowest carbon intensity first, those without one last, then by key.
fn by_carbon_intensity(a: &GreenFiguresView, b: &GreenFiguresView) -> std::cmp::Ordering {
    let k = |f: &GreenFiguresView| (f.carbon_intensity.is_none(), f.carbon_intensity);
    k(a).0
        .cmp(&k(b).0)
        .then_with(|| {
            k(a).1
                .partial_cmp(&k(b).1)
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .then_with(|| a.key.cmp(&b.key))
}

fn text(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn clip(text: &str) -> String {
    text.chars().take(40).collect()
}

/// The green view within the viewer's scope: the ministry and evaluators every base, a province
/// its own, a base itself; the public none (the monthly figures are unpublished data). A filter
/// outside the viewer's scope is refused (403), as a base the viewer may not see.
pub async fn green_view(
    state: &AppState,
    viewer: &Viewer,
    q: &GreenQuery,
) -> Result<GreenResponse, AppError> {
    AppError::check(access::can_view_monitoring_aggregates(viewer.who()))?;
    let lang = viewer.lang;
    let year = parse_opt(
        &q.year,
        "year",
        |v| v.parse::<i32>().ok().filter(|y| (1990..=2100).contains(y)),
        "a year from 1990 to 2100",
    )?;
    let province = text(&q.province);
    if let Some(p) = province
        && Regions::get().province(p).is_none()
    {
        return Err(AppError::bad_field(
            "province",
            format!("{:?} is not a province code", clip(p)),
        ));
    }
    let category = text(&q.category);
    if let Some(c) = category
        && !state.categories().iter().any(|k| k.code == c)
    {
        return Err(AppError::bad_field(
            "category",
            format!("{:?} is not a category code", clip(c)),
        ));
    }
    let base = parse_opt(
        &q.base,
        "base",
        |v| v.parse::<i64>().ok().filter(|id| *id > 0),
        "a base id",
    )?;
    let mut filter = GreenFilter {
        province_code: province.map(Into::into),
        category_code: category.map(Into::into),
        base_id: base,
        national_roll_at: None,
    };
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
        RecordScope::Base(id) => {
            if filter.base_id.is_some_and(|b| b != id) {
                return Err(AppError::Forbidden);
            }
            filter.base_id = Some(id);
        }
    }
    // A base asked for by id: one the viewer may see, whose data it may read.
    let mut base_category = None;
    if let Some(id) = filter.base_id {
        let b = crate::reads::bases::visible_base(state, viewer, id).await?;
        AppError::check(access::can_view_base_data(
            viewer.who(),
            crate::reads::bases::scope(&b),
        ))?;
        base_category = Some(b.facts.category_code.clone());
    }
    let factors = &state.config.emission_factors;
    let factor_views: Vec<FactorView> = factors
        .all()
        .map(|f| FactorView {
            fuel: f.fuel.code().into(),
            code: f.code.clone(),
            name_zh: f.name_zh.clone(),
            unit: f.unit.clone(),
            co2_t_per_unit: f.co2_t_per_unit,
            tce_per_unit: f.tce_per_unit,
            source: f.source.clone(),
        })
        .collect();
    let view = service::view(&state.store, factors, year, &filter)
        .await
        .map_err(service_error)?;
    let Some(view) = view else {
        return Ok(GreenResponse {
            year: None,
            years: Vec::new(),
            province: filter.province_code,
            category: filter.category_code,
            base: filter.base_id,
            total: None,
            history: Vec::new(),
            energy_target: None,
            carbon_target: None,
            nation: None,
            category_comparison: None,
            categories: Vec::new(),
            provinces: Vec::new(),
            bases: Vec::new(),
            green_factories: Vec::new(),
            incidents: Vec::new(),
            factors: factor_views,
            synthetic: false,
        });
    };
    let scope_name = match (
        &filter.base_id,
        &filter.province_code,
        &filter.category_code,
    ) {
        (Some(_), ..) => view
            .bases
            .first()
            .map_or_else(String::new, |b| b.base.name.clone()),
        (None, Some(p), _) => crate::views::province_name(p, lang),
        (None, None, Some(c)) => state.category_name(c, lang),
        (None, None, None) => lang.pick("全国", "Nation").to_string(),
    };
    let nation = service::scope_figures(&state.store, factors, view.year, &GreenFilter::default())
        .await
        .map_err(service_error)?;
    let category_comparison = match &base_category {
        Some(c) => Some(figures_view(
            c,
            state.category_name(c, lang),
            &service::scope_figures(
                &state.store,
                factors,
                view.year,
                &GreenFilter {
                    category_code: Some(c.clone()),
                    ..GreenFilter::default()
                },
            )
            .await
            .map_err(service_error)?,
            lang,
        )),
        None => None,
    };
    let mut categories: Vec<GreenFiguresView> = view
        .categories
        .iter()
        .map(|(k, f)| figures_view(k, state.category_name(k, lang), f, lang))
        .collect();
    categories.sort_by(by_carbon_intensity);
    let mut provinces: Vec<GreenFiguresView> = view
        .provinces
        .iter()
        .map(|(k, f)| figures_view(k, crate::views::province_name(k, lang), f, lang))
        .collect();
    provinces.sort_by(by_carbon_intensity);
    let mut bases: Vec<BaseGreenView> = view
        .bases
        .iter()
        .map(|b| base_view(state, b, lang))
        .collect();
    bases.sort_by(|a, b| by_carbon_intensity(&a.figures, &b.figures));
    let mut green_factories: Vec<GreenFactoryView> = view
        .bases
        .iter()
        .filter_map(|b| {
            let n = b.base.green_factories.filter(|n| *n > 0.0)?;
            Some(GreenFactoryView {
                base_id: b.base.base_id,
                name: b.base.name.clone(),
                count: n,
            })
        })
        .collect();
    green_factories.sort_by(|a, b| {
        b.count
            .partial_cmp(&a.count)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.base_id.cmp(&b.base_id))
    });
    let incidents = view
        .incidents
        .iter()
        .map(|y| IncidentYearView {
            year: y.year,
            counts: y
                .counts
                .iter()
                .map(|(k, n)| IncidentCountView {
                    kind: k.code().into(),
                    name: lang.pick(k.name_zh(), k.name_en()).into(),
                    count: *n,
                })
                .collect(),
        })
        .collect();
    Ok(GreenResponse {
        year: Some(view.year),
        years: view.years.clone(),
        province: filter.province_code.clone(),
        category: filter.category_code.clone(),
        base: filter.base_id,
        total: Some(figures_view("scope", scope_name.clone(), &view.total, lang)),
        history: view
            .history
            .iter()
            .map(|(y, f)| YearFiguresView {
                year: *y,
                figures: figures_view("scope", scope_name.clone(), f, lang),
            })
            .collect(),
        energy_target: view.energy_target.as_ref().map(target_view),
        carbon_target: view.carbon_target.as_ref().map(target_view),
        nation: Some(figures_view(
            "all",
            lang.pick("全国", "Nation").into(),
            &nation,
            lang,
        )),
        category_comparison,
        categories,
        provinces,
        bases,
        green_factories,
        incidents,
        factors: factor_views,
        synthetic: view.total.synthetic,
    })
}
