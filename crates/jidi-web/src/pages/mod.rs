//! Server-rendered pages. Each handler gathers data through the same functions as the API and
//! renders one template; writes come from forms carrying the session's CSRF token.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jidi_domain::access::{self, Role};
use jidi_domain::catalogue;
use jidi_domain::reference::{MacroRegion, Regions, STRATEGIES};
use jidi_domain::roll::{Series, Status, Tier};
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};

use crate::api::bases::{
    self as api_bases, BaseRequest, history_views, scope, today, visible_base,
};
use crate::api::parse_id;
use crate::auth::{self, Viewer};
use crate::error::{AppError, PageResult};
use crate::i18n::{self, LANG_COOKIE, Lang};
use crate::state::AppState;
use crate::views::{BaseListQuery, base_view, region_name, tier_name};

mod evaluation;
pub(crate) use evaluation::evaluation_routes;

/// A serialisable value for a template.
pub(crate) fn ser<T: Serialize>(x: &T) -> Value {
    Value::from(minijinja::value::Serde(x))
}

/// Renders `template` with the layout's context (viewer, language, CSRF token, demo flag) and
/// `extra`.
pub(crate) fn render(
    state: &AppState,
    viewer: &Viewer,
    template: &str,
    nav: &str,
    extra: Value,
) -> PageResult<Html<String>> {
    let user = viewer.principal.as_ref().map(|p| {
        context! {
            username => p.username.clone(),
            display_name => viewer.display_name.clone().unwrap_or_default(),
            role => p.role.code(),
            role_name => viewer.lang.pick(p.role.name_zh(), p.role.name_en()),
            province_code => p.province_code.clone(),
            province_name => p.province_code.as_deref().and_then(|c| Regions::get().province(c)).map(|p| p.name.clone()),
            base_id => p.base_id,
        }
    });
    let role = viewer.principal.as_ref().map(|p| p.role.code());
    let ctx = context! {
        lang => viewer.lang.code(),
        html_lang => viewer.lang.html_lang(),
        other_lang => match viewer.lang { Lang::Zh => "en", Lang::En => "zh" },
        user => user,
        role => role,
        csrf => viewer.csrf.clone().unwrap_or_default(),
        demo => state.demo,
        nav => nav,
        ..extra
    };
    let tmpl = state
        .templates
        .get_template(template)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("template {template}: {e}")))?;
    let started = std::time::Instant::now();
    let html = tmpl
        .render(ctx)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("rendering {template}: {e:#}")))?;
    tracing::trace!(
        template,
        micros = started.elapsed().as_micros() as u64,
        bytes = html.len(),
        "rendered"
    );
    Ok(Html(html))
}

#[derive(Serialize)]
struct Option2 {
    value: String,
    label: String,
}

fn province_options() -> Vec<Option2> {
    Regions::get()
        .provinces
        .iter()
        .map(|p| Option2 {
            value: p.code.clone(),
            label: p.name.clone(),
        })
        .collect()
}

fn category_options(state: &AppState, lang: Lang, top: bool) -> Vec<Value> {
    state
        .categories()
        .iter()
        .filter(|c| c.parent.is_none() == top)
        .map(|c| {
            context! {
                value => c.code.clone(),
                label => lang.pick(&c.name_zh, &c.name_en),
                parent => c.parent.clone(),
            }
        })
        .collect()
}

fn tier_options(lang: Lang) -> Vec<Option2> {
    Tier::ALL
        .iter()
        .map(|t| Option2 {
            value: t.code().into(),
            label: tier_name(*t, lang),
        })
        .collect()
}

fn series_options(lang: Lang) -> Vec<Option2> {
    [Series::Advantage, Series::Specialty]
        .iter()
        .map(|s| Option2 {
            value: s.code().into(),
            label: lang.pick(s.name_zh(), s.name_en()).into(),
        })
        .collect()
}

/// `GET /`: the dashboard.
pub(crate) async fn dashboard(
    State(state): State<AppState>,
    viewer: Viewer,
) -> PageResult<Html<String>> {
    let scope = access::provincial_list_scope(viewer.who());
    let counts = state.store.counts(&scope).await?;
    let lang = viewer.lang;
    let named = |pairs: &[(String, i64)], name: &dyn Fn(&str) -> String| -> Vec<Value> {
        pairs
            .iter()
            .map(|(k, n)| context! { code => k, name => name(k), count => n })
            .collect()
    };
    let tiers = named(&counts.by_tier, &|k| {
        Tier::parse(k).map_or(k.to_string(), |t| tier_name(t, lang))
    });
    let categories = named(&counts.by_category, &|k| state.category_name(k, lang));
    let series = named(&counts.by_series, &|k| {
        Series::parse(k).map_or_else(
            || i18n::t(lang, "series.none"),
            |s| lang.pick(s.name_zh(), s.name_en()).to_string(),
        )
    });
    let regions_counts = named(&counts.by_region, &|k| region_name(k, lang));
    let provinces: Vec<Value> = counts
        .by_province
        .iter()
        .map(|(code, n)| {
            let p = Regions::get().province(code);
            context! {
                code => code,
                name => p.map(|p| p.short_name.clone()).unwrap_or_default(),
                count => n,
                cell => grid_cell(code),
            }
        })
        .collect();
    let national: i64 = counts
        .by_tier
        .iter()
        .filter(|(t, _)| t == "national" || t == "excellence")
        .map(|(_, n)| n)
        .sum();
    let tier_count = |code: &str| {
        counts
            .by_tier
            .iter()
            .find(|(t, _)| t == code)
            .map_or(0, |x| x.1)
    };
    let headline = state.store.published_headline().await?.map(|h| {
        serde_json::json!({"year": h.year, "bases": h.bases, "stars": h.stars, "run_id": h.run_id})
    });
    let chart = serde_json::json!({
        "designations": counts.designations_by_year,
        "categories": categories.iter().map(|c| serde_json::json!({"name": c.get_attr("name").ok().map(|v| v.to_string()), "value": c.get_attr("count").ok().and_then(|v| v.as_i64())})).collect::<Vec<_>>(),
        "regions": regions_counts.iter().map(|c| serde_json::json!({"name": c.get_attr("name").ok().map(|v| v.to_string()), "value": c.get_attr("count").ok().and_then(|v| v.as_i64())})).collect::<Vec<_>>(),
        "provinces": provinces.iter().map(|c| serde_json::json!({"name": c.get_attr("name").ok().map(|v| v.to_string()), "value": c.get_attr("count").ok().and_then(|v| v.as_i64())})).collect::<Vec<_>>(),
        "headline": headline,
        "map": state.config.map_file.is_some(),
        "labels": {
            "designations": i18n::t(lang, "dashboard.designations"),
            "bases": i18n::t(lang, "common.bases"),
        }
    });
    render(
        &state,
        &viewer,
        "dashboard.html",
        "dashboard",
        context! {
            title => i18n::t(lang, "nav.dashboard"),
            national => national,
            provincial => tier_count("provincial"),
            cultivating => tier_count("cultivating"),
            // Provincial lists are not public: the public sees no such counts, a province its own.
            provincial_scope => match &scope {
                None => Some(String::new()),
                Some(Some(code)) => Some(Regions::get().province(code).map(|p| p.short_name.clone()).unwrap_or_default()),
                Some(None) => None,
            },
            excellence => tier_count("excellence"),
            withdrawn => counts.withdrawn,
            tiers => tiers,
            categories => categories,
            series => series,
            regions => regions_counts,
            provinces => provinces,
            grid => province_grid(&counts.by_province),
            chart_json => chart.to_string(),
            headline => ser(&headline),
            map_available => state.config.map_file.is_some(),
        },
    )
}

/// Tile positions `(row, column)` of the province grid cartogram: a schematic layout that keeps
/// neighbours near each other without drawing any boundary.
const PROVINCE_GRID: [(&str, u8, u8); 31] = [
    ("230000", 0, 8),
    ("220000", 1, 8),
    ("150000", 1, 5),
    ("210000", 2, 8),
    ("110000", 2, 6),
    ("650000", 2, 1),
    ("130000", 3, 6),
    ("120000", 3, 7),
    ("140000", 3, 5),
    ("640000", 3, 4),
    ("620000", 3, 3),
    ("630000", 4, 2),
    ("610000", 4, 4),
    ("410000", 4, 5),
    ("370000", 4, 6),
    ("540000", 5, 1),
    ("510000", 5, 3),
    ("500000", 5, 4),
    ("420000", 5, 5),
    ("340000", 5, 6),
    ("320000", 5, 7),
    ("530000", 6, 3),
    ("520000", 6, 4),
    ("430000", 6, 5),
    ("360000", 6, 6),
    ("330000", 6, 7),
    ("310000", 5, 8),
    ("450000", 7, 4),
    ("440000", 7, 5),
    ("350000", 7, 6),
    ("460000", 8, 5),
];

fn grid_cell(code: &str) -> (u8, u8) {
    PROVINCE_GRID
        .iter()
        .find(|(c, ..)| *c == code)
        .map_or((9, 0), |(_, r, c)| (*r, *c))
}

fn province_grid(counts: &[(String, i64)]) -> Vec<Value> {
    let max = counts.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
    PROVINCE_GRID
        .iter()
        .map(|(code, row, col)| {
            let n = counts.iter().find(|(c, _)| c == code).map_or(0, |x| x.1);
            let p = Regions::get().province(code);
            context! {
                code => *code,
                name => p.map(|p| p.short_name.clone()).unwrap_or_default(),
                count => n,
                row => row + 1,
                col => col + 1,
                shade => (n as f64 / max as f64 * 5.0).ceil() as i64,
            }
        })
        .collect()
}

/// A row of the roll table.
#[derive(Serialize)]
struct ListRow {
    id: i64,
    name: String,
    synthetic: bool,
    province_name: String,
    prefecture_name: Option<String>,
    category_name: String,
    subcategory_name: Option<String>,
    tier: String,
    tier_name: String,
    batch: Option<i32>,
    designated_year: Option<i32>,
    series_name: Option<String>,
    stars: Option<i32>,
    stars_year: Option<i32>,
    withdrawn: bool,
}

/// `GET /bases`: the roll with filters, sorting and paging.
pub(crate) async fn bases(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<BaseListQuery>,
) -> PageResult<Html<String>> {
    let lang = viewer.lang;
    let req = query.parse(&state)?;
    let scope = access::provincial_list_scope(viewer.who());
    let (rows, total) = state
        .store
        .list_bases(&req.filter, &scope, req.sort, req.order, req.store_page())
        .await?;
    // Only what the table shows: converting every field of 50 full views into template values
    // was a third of the page's rendering time.
    let items: Vec<ListRow> = rows
        .iter()
        .map(|b| {
            let v = base_view(&state, b, lang);
            ListRow {
                id: v.id,
                name: v.name,
                synthetic: v.synthetic,
                province_name: v.province_name,
                prefecture_name: v.prefecture_name,
                category_name: v.category_name,
                subcategory_name: v.subcategory_name,
                tier: v.tier,
                tier_name: v.tier_name,
                batch: v.batch,
                designated_year: v.designated_year,
                series_name: v.series_name,
                stars: v.latest_stars,
                stars_year: v.latest_stars_year,
                withdrawn: v.status == "withdrawn",
            }
        })
        .collect();
    let pages = ((total as u32).div_ceil(req.per_page)).max(1);
    let sort_link = |key: &str| {
        let order = if query.sort.as_deref() == Some(key) && query.order.as_deref() != Some("desc")
        {
            "desc"
        } else {
            "asc"
        };
        let with_sort = BaseListQuery {
            sort: Some(key.into()),
            page: None,
            ..query.clone()
        };
        format!("?{}", with_sort.with("order", order))
    };
    let sorts: Vec<Value> = ["name", "province", "category", "tier", "batch", "designated"]
        .iter()
        .map(|k| context! { key => *k, link => sort_link(k), active => query.sort.as_deref() == Some(*k), desc => query.order.as_deref() == Some("desc") })
        .collect();
    let regions: Vec<Option2> = MacroRegion::ALL
        .iter()
        .map(|r| Option2 {
            value: r.code().into(),
            label: lang.pick(r.name_zh(), r.name_en()).into(),
        })
        .collect();
    let strategies: Vec<Option2> = STRATEGIES
        .iter()
        .map(|s| Option2 {
            value: s.code.into(),
            label: lang.pick(s.name_zh, s.name_en).into(),
        })
        .collect();
    render(
        &state,
        &viewer,
        "bases.html",
        "bases",
        context! {
            title => i18n::t(lang, "nav.bases"),
            items => ser(&items),
            synthetic_label => i18n::t(lang, "demo.synthetic"),
            synthetic_title => i18n::t(lang, "demo.synthetic_title"),
            withdrawn_label => i18n::t(lang, "status.withdrawn"),
            current_label => i18n::t(lang, "status.current"),
            total => total,
            page => req.page,
            pages => pages,
            prev_link => (req.page > 1).then(|| format!("?{}", query.with("page", &(req.page - 1).to_string()))),
            next_link => (req.page < pages).then(|| format!("?{}", query.with("page", &(req.page + 1).to_string()))),
            export_csv => format!("/bases/export?{}", query.with("format", "csv")),
            export_xlsx => format!("/bases/export?{}", query.with("format", "xlsx")),
            q => ser(&query),
            sorts => sorts,
            provinces => ser(&province_options()),
            categories => category_options(&state, lang, true),
            subcategories => category_options(&state, lang, false),
            tiers => ser(&tier_options(lang)),
            series_options => ser(&series_options(lang)),
            batches => (1..=10).collect::<Vec<i32>>(),
            regions => ser(&regions),
            strategies => ser(&strategies),
            can_edit => access::can_edit_roll(viewer.who()).granted(),
        },
    )
}

/// `GET /bases/export`: the filtered roll as CSV or XLSX.
pub(crate) async fn export_bases(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<BaseListQuery>,
) -> PageResult<Response> {
    let format = query.format.clone().unwrap_or_else(|| "csv".into());
    if !matches!(format.as_str(), "csv" | "xlsx" | "json") {
        return Err(AppError::bad_field("format", "csv, xlsx or json").into());
    }
    let req = query.parse(&state)?;
    let bases = api_bases::visible_roll(&state, &viewer, &req).await?;
    Ok(api_bases::render_roll(
        &state,
        &bases,
        &format,
        viewer.lang,
    )?)
}

/// Key indicators shown on a base's profile, with their chart group.
const PROFILE_INDICATORS: [&str; 10] = [
    "rev_main",
    "va_ind",
    "profit_margin",
    "rd_intensity",
    "labour_prod",
    "tax_per_mu",
    "energy_int",
    "ent_above_scale",
    "patents",
    "export_share",
];

/// `GET /bases/{id}`: a base's profile.
pub(crate) async fn base_profile(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult<Html<String>> {
    let lang = viewer.lang;
    let id = parse_id(&id, "id")?;
    let base = visible_base(&state, &viewer, id).await?;
    let ratings = state.store.base_published_history(id).await?;
    let view = base_view(&state, &base, lang);
    let tiers = state.store.tier_history(id).await?;
    let history = history_views(&tiers, lang);
    let can_data = access::can_view_base_data(viewer.who(), scope(&base)).granted();
    let (annual, monthly) = if can_data {
        (
            api_bases::series(&state, id, false, &PROFILE_INDICATORS, None).await?,
            // Two years of months on the profile; the API serves the whole series.
            api_bases::series(
                &state,
                id,
                true,
                &["m_rev", "m_profit", "m_va_growth"],
                Some(&months_before(today(), 24)),
            )
            .await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let latest: Vec<Value> = annual
        .iter()
        .filter_map(|s| {
            let last = s.points.last()?;
            let prev = s.points.iter().rev().nth(1);
            let ind = catalogue::indicator(&s.code)?;
            Some(context! {
                code => s.code.clone(),
                name => lang.pick(&ind.name_zh, &ind.name_en),
                unit => ind.unit.clone(),
                value => last.value,
                year => last.period,
                change => prev.map(|p| if p.value != 0.0 { (last.value / p.value - 1.0) * 100.0 } else { f64::NAN }),
                cost => ind.direction == jidi_domain::engine::normalise::Direction::Cost,
            })
        })
        .collect();
    let evaluation =
        evaluation::base_evaluation_history(&state, &viewer, &base, &tiers, &ratings).await?;
    let chart = serde_json::json!({
        "annual": annual.iter().map(|s| serde_json::json!({
            "code": s.code,
            "name": lang.pick(&s.name_zh, &s.name_en),
            "unit": s.unit,
            "points": s.points.iter().map(|p| [p.period as f64, p.value]).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "monthly": monthly.iter().map(|s| serde_json::json!({
            "code": s.code,
            "name": lang.pick(&s.name_zh, &s.name_en),
            "unit": s.unit,
            "cumulative": s.cumulative,
            "points": s.points.iter().map(|p| [format!("{}-{:02}", p.period / 100, p.period % 100), p.value.to_string()]).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "stars": evaluation.get_attr("stars_chart").ok().map(|v| serde_json::to_value(&v).unwrap_or_default()),
        "synthetic": annual.iter().any(|s| s.synthetic),
    });
    render(
        &state,
        &viewer,
        "base.html",
        "bases",
        context! {
            title => view.name.clone(),
            base => ser(&view),
            history => ser(&history),
            can_data => can_data,
            signed_in => viewer.principal.is_some(),
            latest => latest,
            data_synthetic => annual.iter().any(|s| s.synthetic),
            chart_json => chart.to_string(),
            evaluation => evaluation,
            can_edit => access::can_edit_roll(viewer.who()).granted(),
            is_current => base.facts.status == Status::Current,
            today => today().to_string(),
        },
    )
}

/// The period `YYYYMM` that lies `months` months before `day`'s month.
fn months_before(day: chrono::NaiveDate, months: i32) -> String {
    use chrono::Datelike;
    let index = day.year() * 12 + day.month0() as i32 - months;
    format!("{}{:02}", index.div_euclid(12), index.rem_euclid(12) + 1)
}

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

/// The base form's fields.
#[derive(Deserialize, Default, Serialize)]
pub(crate) struct BaseForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    province_code: String,
    #[serde(default)]
    prefecture_code: String,
    #[serde(default)]
    category_code: String,
    #[serde(default)]
    subcategory_code: String,
    #[serde(default)]
    series: String,
    #[serde(default)]
    tier: String,
    #[serde(default)]
    batch: String,
    #[serde(default)]
    designated_year: String,
    #[serde(default)]
    designated_on: String,
    #[serde(default)]
    leading_industries: String,
    #[serde(default)]
    managing_body: String,
    #[serde(default)]
    area_km2: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    note: String,
}

impl BaseForm {
    fn to_request(&self) -> Result<BaseRequest, AppError> {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let int = |field: &str, s: &str| -> Result<Option<i32>, AppError> {
            match s.trim() {
                "" => Ok(None),
                t => t.parse().map(Some).map_err(|_| {
                    AppError::invalid(vec![jidi_domain::roll::FieldError {
                        field: field.into(),
                        message: format!("{t:?} is not a whole number"),
                    }])
                }),
            }
        };
        let area = match self.area_km2.trim() {
            "" => None,
            t => Some(t.parse::<f64>().map_err(|_| {
                AppError::invalid(vec![jidi_domain::roll::FieldError {
                    field: "area_km2".into(),
                    message: format!("{t:?} is not a number"),
                }])
            })?),
        };
        Ok(BaseRequest {
            name: self.name.clone(),
            province_code: self.province_code.clone(),
            prefecture_code: opt(&self.prefecture_code),
            category_code: self.category_code.clone(),
            subcategory_code: opt(&self.subcategory_code),
            series: opt(&self.series),
            tier: self.tier.clone(),
            batch: int("batch", &self.batch)?,
            designated_year: int("designated_year", &self.designated_year)?,
            designated_on: opt(&self.designated_on),
            leading_industries: self
                .leading_industries
                .split(['；', ';', '、', ','])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            managing_body: opt(&self.managing_body),
            area_km2: area,
            source: opt(&self.source),
            note: opt(&self.note),
            synthetic: false,
        })
    }
}

fn base_form_page(
    state: &AppState,
    viewer: &Viewer,
    form: &BaseForm,
    action: &str,
    errors: &[jidi_domain::roll::FieldError],
    title: String,
) -> PageResult<Html<String>> {
    let lang = viewer.lang;
    let prefectures: Vec<Value> = Regions::get()
        .prefectures
        .iter()
        .map(|p| context! { value => p.code.clone(), label => p.name.clone(), province => p.province_code.clone() })
        .collect();
    render(
        state,
        viewer,
        "base_form.html",
        "bases",
        context! {
            title => title,
            form => ser(form),
            action => action,
            errors => errors.iter().map(|e| context! { field => e.field.clone(), message => e.message.clone() }).collect::<Vec<_>>(),
            provinces => ser(&province_options()),
            prefectures => prefectures,
            categories => category_options(state, lang, true),
            subcategories => category_options(state, lang, false),
            tiers => ser(&tier_options(lang)),
            series_options => ser(&series_options(lang)),
        },
    )
}

/// `GET /bases/new` (ministry).
pub(crate) async fn new_base_form(
    State(state): State<AppState>,
    viewer: Viewer,
) -> PageResult<Html<String>> {
    AppError::check(access::can_edit_roll(viewer.who()))?;
    let form = BaseForm {
        tier: "national".into(),
        ..BaseForm::default()
    };
    base_form_page(
        &state,
        &viewer,
        &form,
        "/bases/new",
        &[],
        i18n::t(viewer.lang, "base.new"),
    )
}

/// `POST /bases/new` (ministry).
pub(crate) async fn create_base(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(form): axum::Form<BaseForm>,
) -> PageResult<Response> {
    AppError::check(access::can_edit_roll(viewer.who()))?;
    viewer.check_csrf(Some(&form.csrf))?;
    let result = async {
        let draft = form.to_request()?.to_draft(&state, Status::Current)?;
        Ok::<_, AppError>(
            state
                .store
                .create_base(&draft, viewer.user_id(), today())
                .await?,
        )
    }
    .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/bases/{id}")).into_response()),
        Err(AppError::Unprocessable { fields, .. }) => {
            let page = base_form_page(
                &state,
                &viewer,
                &form,
                "/bases/new",
                &fields,
                i18n::t(viewer.lang, "base.new"),
            )?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict(m)) => {
            let fields = vec![jidi_domain::roll::FieldError {
                field: "name".into(),
                message: m,
            }];
            let page = base_form_page(
                &state,
                &viewer,
                &form,
                "/bases/new",
                &fields,
                i18n::t(viewer.lang, "base.new"),
            )?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /bases/{id}/edit` (ministry).
pub(crate) async fn edit_base_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult<Html<String>> {
    AppError::check(access::can_edit_roll(viewer.who()))?;
    let id = parse_id(&id, "id")?;
    let b = state
        .store
        .base(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("base {id}")))?;
    let f = &b.facts;
    let form = BaseForm {
        csrf: String::new(),
        name: f.name.clone(),
        province_code: f.province_code.clone(),
        prefecture_code: f.prefecture_code.clone().unwrap_or_default(),
        category_code: f.category_code.clone(),
        subcategory_code: f.subcategory_code.clone().unwrap_or_default(),
        series: f.series.map(|s| s.code().to_string()).unwrap_or_default(),
        tier: f.tier.code().into(),
        batch: f.batch.map(|v| v.to_string()).unwrap_or_default(),
        designated_year: f.designated_year.map(|v| v.to_string()).unwrap_or_default(),
        designated_on: f.designated_on.map(|v| v.to_string()).unwrap_or_default(),
        leading_industries: f.leading_industries.join("；"),
        managing_body: f.managing_body.clone().unwrap_or_default(),
        area_km2: f.area_km2.map(|v| v.to_string()).unwrap_or_default(),
        source: f.source.clone().unwrap_or_default(),
        note: f.note.clone().unwrap_or_default(),
    };
    base_form_page(
        &state,
        &viewer,
        &form,
        &format!("/bases/{id}/edit"),
        &[],
        f.name.clone(),
    )
}

/// `POST /bases/{id}/edit` (ministry).
pub(crate) async fn update_base(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<BaseForm>,
) -> PageResult<Response> {
    AppError::check(access::can_edit_roll(viewer.who()))?;
    viewer.check_csrf(Some(&form.csrf))?;
    let id = parse_id(&id, "id")?;
    let before = state
        .store
        .base(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("base {id}")))?;
    let result = async {
        let mut draft = form
            .to_request()?
            .to_draft(&state, before.facts.status.clone())?;
        draft.synthetic = before.facts.synthetic;
        Ok::<_, AppError>(
            state
                .store
                .update_base(id, &draft, viewer.user_id(), today())
                .await?,
        )
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/bases/{id}")).into_response()),
        Err(AppError::Unprocessable { fields, .. }) => {
            let page = base_form_page(
                &state,
                &viewer,
                &form,
                &format!("/bases/{id}/edit"),
                &fields,
                before.facts.name.clone(),
            )?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(crate) struct WithdrawForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    reason: String,
}

/// `POST /bases/{id}/withdraw` (ministry).
pub(crate) async fn withdraw_base(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<WithdrawForm>,
) -> PageResult<Response> {
    AppError::check(access::can_edit_roll(viewer.who()))?;
    viewer.check_csrf(Some(&form.csrf))?;
    let id = parse_id(&id, "id")?;
    let on = jidi_domain::import::parse_date(&form.on)
        .ok_or_else(|| AppError::bad_field("on", format!("{:?} is not a date", form.on)))?;
    if form.reason.trim().is_empty() {
        return Err(AppError::bad_field("reason", "a reason is required").into());
    }
    state
        .store
        .withdraw_base(id, on, form.reason.trim(), None, viewer.user_id())
        .await?;
    Ok(Redirect::to(&format!("/bases/{id}")).into_response())
}

#[derive(Deserialize)]
pub(crate) struct LoginQuery {
    next: Option<String>,
}

fn safe_next(next: Option<&str>) -> String {
    // Only local paths, so that the login page cannot be used to redirect elsewhere.
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") => n.to_string(),
        _ => "/".to_string(),
    }
}

/// `GET /login`.
pub(crate) async fn login_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<LoginQuery>,
) -> PageResult<Response> {
    login_page(&state, &viewer, q.next.as_deref(), None, StatusCode::OK)
}

fn login_page(
    state: &AppState,
    viewer: &Viewer,
    next: Option<&str>,
    error: Option<String>,
    status: StatusCode,
) -> PageResult<Response> {
    let token = auth::random_token();
    let page = render(
        state,
        viewer,
        "login.html",
        "login",
        context! {
            title => i18n::t(viewer.lang, "nav.login"),
            login_csrf => token.clone(),
            next => safe_next(next),
            error => error,
            show_demo_accounts => state.demo,
        },
    )?;
    let cookie = format!(
        "{}={token}; Path=/login; HttpOnly; SameSite=Strict{}",
        auth::LOGIN_CSRF_COOKIE,
        if state.config.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    );
    Ok((status, [(header::SET_COOKIE, cookie)], page).into_response())
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// `POST /login`.
pub(crate) async fn login(
    State(state): State<AppState>,
    viewer: Viewer,
    auth::PeerAddr(peer): auth::PeerAddr,
    headers: HeaderMap,
    axum::Form(form): axum::Form<LoginForm>,
) -> PageResult<Response> {
    // Double-submit check: the form's token must equal the cookie set with the form.
    let cookie = auth::cookie(&headers, auth::LOGIN_CSRF_COOKIE).unwrap_or_default();
    if cookie.is_empty() || !auth::constant_time_eq(cookie, &form.csrf) {
        return login_page(
            &state,
            &viewer,
            Some(&form.next),
            Some(i18n::t(viewer.lang, "login.expired")),
            StatusCode::FORBIDDEN,
        );
    }
    let address = auth::client_address(&headers, state.config.trust_proxy, peer);
    match auth::sign_in(&state, &form.username, &form.password, &address).await {
        Ok(s) => {
            let max_age = (s.expires_at - chrono::Utc::now()).num_seconds();
            let cookie = auth::session_cookie(&s.token, max_age, state.config.secure_cookies);
            Ok((
                StatusCode::SEE_OTHER,
                [
                    (header::SET_COOKIE, cookie),
                    (header::LOCATION, safe_next(Some(&form.next))),
                ],
            )
                .into_response())
        }
        Err(AppError::BadRequest { .. }) => login_page(
            &state,
            &viewer,
            Some(&form.next),
            Some(i18n::t(viewer.lang, "login.failed")),
            StatusCode::UNAUTHORIZED,
        ),
        Err(AppError::TooManyRequests { retry_after }) => {
            let msg = i18n::t(viewer.lang, "login.throttled")
                .replace("{minutes}", &(retry_after / 60).to_string());
            login_page(
                &state,
                &viewer,
                Some(&form.next),
                Some(msg),
                StatusCode::TOO_MANY_REQUESTS,
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /logout`.
pub(crate) async fn logout(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    axum::Form(form): axum::Form<CsrfForm>,
) -> PageResult<Response> {
    viewer.check_csrf(Some(&form.csrf))?;
    if let Some(token) = auth::cookie(&headers, auth::SESSION_COOKIE) {
        state.store.delete_session(&auth::token_hash(token)).await?;
    }
    let clear = auth::session_cookie("", 0, state.config.secure_cookies);
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, clear),
            (header::LOCATION, "/".to_string()),
        ],
    )
        .into_response())
}

#[derive(Deserialize)]
pub(crate) struct BackQuery {
    back: Option<String>,
}

/// `GET /lang/{code}`: switches the interface language and goes back.
pub(crate) async fn set_language(Path(code): Path<String>, Query(q): Query<BackQuery>) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    (
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, cookie),
            (header::LOCATION, safe_next(q.back.as_deref())),
        ],
    )
        .into_response()
}

/// `GET /admin` (ministry): users, categories, roll import.
pub(crate) async fn admin(
    State(state): State<AppState>,
    viewer: Viewer,
) -> PageResult<Html<String>> {
    AppError::check(access::can_manage_users(viewer.who()))?;
    admin_page(&state, &viewer, None, &[]).await
}

async fn admin_page(
    state: &AppState,
    viewer: &Viewer,
    message: Option<String>,
    problems: &[jidi_domain::import::ImportError],
) -> PageResult<Html<String>> {
    let lang = viewer.lang;
    let users: Vec<Value> = state
        .store
        .users()
        .await?
        .iter()
        .map(|u| context! {
            username => u.username.clone(),
            display_name => u.display_name.clone(),
            role => lang.pick(u.role.name_zh(), u.role.name_en()),
            province => u.province_code.as_deref().and_then(|c| Regions::get().province(c)).map(|p| p.name.clone()),
            base_id => u.base_id,
            active => u.active,
        })
        .collect();
    let roles: Vec<Option2> = Role::ALL
        .iter()
        .map(|r| Option2 {
            value: r.code().into(),
            label: lang.pick(r.name_zh(), r.name_en()).into(),
        })
        .collect();
    render(
        state,
        viewer,
        "admin.html",
        "admin",
        context! {
            title => i18n::t(lang, "nav.admin"),
            users => users,
            roles => ser(&roles),
            provinces => ser(&province_options()),
            categories => category_options(state, lang, true),
            all_categories => state.categories().iter().map(|c| context! { code => c.code.clone(), parent => c.parent.clone(), name_zh => c.name_zh.clone(), name_en => c.name_en.clone() }).collect::<Vec<_>>(),
            message => message,
            problems => problems.iter().map(|p| context! { row => p.row, column => p.column.clone(), rule => p.rule, message => p.message.clone(), file => p.file.clone() }).collect::<Vec<_>>(),
        },
    )
}

/// The admin page again with a message (and an import's problems), under `status`.
async fn admin_reply(
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    message: String,
    problems: &[jidi_domain::import::ImportError],
) -> PageResult<Response> {
    Ok((
        status,
        admin_page(state, viewer, Some(message), problems).await?,
    )
        .into_response())
}

#[derive(Deserialize)]
pub(crate) struct UserForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    username: String,
    display_name: String,
    password: String,
    role: String,
    #[serde(default)]
    province_code: String,
    #[serde(default)]
    base_id: String,
}

/// `POST /admin/users` (ministry).
pub(crate) async fn create_user(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(form): axum::Form<UserForm>,
) -> PageResult<Response> {
    AppError::check(access::can_manage_users(viewer.who()))?;
    viewer.check_csrf(Some(&form.csrf))?;
    let role =
        Role::parse(&form.role).ok_or_else(|| AppError::bad_field("role", "unknown role"))?;
    if form.password.chars().count() < 10 {
        let msg = i18n::t(viewer.lang, "admin.password_short");
        return admin_reply(&state, &viewer, StatusCode::UNPROCESSABLE_ENTITY, msg, &[]).await;
    }
    let base_id = match form.base_id.trim() {
        "" => None,
        t => Some(parse_id(t, "base_id")?),
    };
    let password = form.password.clone();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(e.into()))??;
    let new = jidi_store::NewUser {
        username: form.username.trim().to_string(),
        display_name: form.display_name.trim().to_string(),
        password_hash: hash,
        role,
        province_code: Some(form.province_code.clone())
            .filter(|p| !p.is_empty() && role == Role::Province),
        base_id: base_id.filter(|_| role == Role::Base),
    };
    match state.store.create_user(&new, viewer.user_id()).await {
        Ok(_) => Ok(Redirect::to("/admin").into_response()),
        Err(e) => {
            let msg = e.to_string();
            admin_reply(&state, &viewer, StatusCode::UNPROCESSABLE_ENTITY, msg, &[]).await
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct CategoryForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    code: String,
    #[serde(default)]
    parent: String,
    name_zh: String,
    #[serde(default)]
    name_en: String,
}

/// `POST /admin/categories` (ministry).
pub(crate) async fn create_category(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(form): axum::Form<CategoryForm>,
) -> PageResult<Response> {
    AppError::check(access::can_edit_roll(viewer.who()))?;
    viewer.check_csrf(Some(&form.csrf))?;
    let code = form.code.trim();
    if code.is_empty()
        || !code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        || form.name_zh.trim().is_empty()
    {
        let msg = i18n::t(viewer.lang, "admin.category_invalid");
        return admin_reply(&state, &viewer, StatusCode::UNPROCESSABLE_ENTITY, msg, &[]).await;
    }
    let category = jidi_domain::reference::Category {
        code: code.into(),
        parent: Some(form.parent.clone()).filter(|p| !p.is_empty()),
        name_zh: form.name_zh.trim().into(),
        name_en: form.name_en.trim().into(),
    };
    match state.store.add_category(&category, viewer.user_id()).await {
        Ok(()) => {
            state.reload_categories().await?;
            Ok(Redirect::to("/admin").into_response())
        }
        Err(e) => admin_reply(&state, &viewer, StatusCode::CONFLICT, e.to_string(), &[]).await,
    }
}

/// The `file` field of an upload form, after checking the form's CSRF token: `(name, bytes)`.
pub(crate) async fn uploaded_file(
    viewer: &Viewer,
    mut multipart: Multipart,
    default_name: &str,
) -> Result<(String, Vec<u8>), AppError> {
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    let bad =
        |e: axum::extract::multipart::MultipartError| AppError::bad_field("file", e.to_string());
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name() {
            Some("_csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("file") => {
                let name = field.file_name().unwrap_or(default_name).to_string();
                file = Some((name, field.bytes().await.map_err(bad)?.to_vec()));
            }
            _ => {}
        }
    }
    viewer.check_csrf(Some(&csrf))?;
    file.ok_or_else(|| AppError::bad_field("file", "no file was uploaded"))
}

/// `POST /admin/import` (ministry): a roll file uploaded from the browser.
pub(crate) async fn import_roll(
    State(state): State<AppState>,
    viewer: Viewer,
    multipart: Multipart,
) -> PageResult<Response> {
    AppError::check(access::can_edit_roll(viewer.who()))?;
    let (name, bytes) = uploaded_file(&viewer, multipart, "upload.csv").await?;
    let cats = state.categories();
    match jidi_service::roll::import_roll(
        &state.store,
        &cats,
        &name,
        &bytes,
        viewer.user_id(),
        false,
    )
    .await
    {
        Ok(r) => {
            let msg =
                i18n::t(viewer.lang, "admin.imported").replace("{n}", &r.created.len().to_string());
            admin_reply(&state, &viewer, StatusCode::OK, msg, &[]).await
        }
        Err(problems) => {
            let msg = i18n::t(viewer.lang, "admin.import_rejected")
                .replace("{n}", &problems.len().to_string());
            admin_reply(
                &state,
                &viewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                msg,
                &problems,
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn months_before_crosses_years() {
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(super::months_before(day(2026, 11, 27), 24), "202411");
        assert_eq!(super::months_before(day(2026, 1, 5), 1), "202512");
        assert_eq!(super::months_before(day(2026, 12, 31), 0), "202612");
        assert_eq!(super::months_before(day(2026, 3, 1), 15), "202412");
    }
}
