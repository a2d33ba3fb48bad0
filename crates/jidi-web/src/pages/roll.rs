//! The roll's pages: the list with filters and export, a base's profile, and the ministry's forms to
//! create, edit and withdraw a base.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use jidi_domain::access;
use jidi_domain::catalogue;
use jidi_domain::reference::{MacroRegion, Regions, STRATEGIES};
use jidi_domain::roll::{BaseField, Status};
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};

use super::render::*;
use super::*;
use crate::auth::Viewer;
use crate::error::{AppError, PageResult};
use crate::i18n::{self};
use crate::params::parse_id;
use crate::reads::bases::{
    self as read_bases, BaseRequest, history_views, scope, today, visible_base,
};
use crate::state::AppState;
use crate::views::{BaseListQuery, base_view};

/// A row of the roll table.
#[derive(Serialize)]
pub(crate) struct ListRow {
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
    /// Generated values of a real base, marked cell by cell (category or sub-type, batch, year,
    /// series); the name of a real base is never marked.
    generated_category: bool,
    generated_batch: bool,
    generated_year: bool,
    generated_series: bool,
}

/// `GET /bases`: the roll with filters, sorting and paging.
pub(crate) async fn bases(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<BaseListQuery>,
) -> PageResult<Html<String>> {
    let lang = viewer.lang;
    let req = query.parse(&state)?;
    let scope = access::list_scope(viewer.who());
    let (rows, total) = state
        .store
        .list_bases(&req.filter, &scope, req.sort, req.order, req.store_page())
        .await?;
    // Only what the table shows: converting every field of 50 full views into template values
    // was a third of the page's rendering time.
    let items: Vec<ListRow> = rows
        .iter()
        .map(|b| {
            let generated = |f: BaseField| b.facts.generated_fields.contains(&f);
            let generated_category =
                generated(BaseField::Category) || generated(BaseField::Subcategory);
            let generated_batch = generated(BaseField::Batch);
            let generated_year = generated(BaseField::DesignatedYear);
            let generated_series = generated(BaseField::Series);
            let v = base_view(&state, b, lang);
            ListRow {
                generated_category,
                generated_batch,
                generated_year,
                generated_series,
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
            generated_title => i18n::t(lang, "demo.generated_title"),
            withdrawn_label => i18n::t(lang, "status.withdrawn"),
            current_label => i18n::t(lang, "status.current"),
            total => total,
            page => req.page,
            pages => pages,
            prev_link => (req.page > 1).then(|| format!("?{}", query.with("page", &(req.page - 1).to_string()))),
            next_link => (req.page < pages).then(|| format!("?{}", query.with("page", &(req.page + 1).to_string()))),
            export_csv => format!("/bases/export?{}", query.with("format", "csv")),
            export_xlsx => format!("/bases/export?{}", query.with("format", "xlsx")),
            import_template => "/bases/import-template",
            q => ser(&query),
            sorts => sorts,
            provinces => ser(&province_options(lang)),
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
    let bases = read_bases::visible_roll(&state, &viewer, &req).await?;
    if format == "xlsx" {
        // The page's Excel is for people; the machine format is the import template and the CSV.
        return Ok(crate::reads::roll_export::people_roll_xlsx(
            &state,
            &bases,
            viewer.lang,
        )?);
    }
    Ok(read_bases::render_roll(
        &state,
        &bases,
        &format,
        viewer.lang,
    )?)
}

/// `GET /bases/import-template`: the roll's machine columns with an instructions sheet.
pub(crate) async fn import_template(
    State(state): State<AppState>,
    viewer: Viewer,
) -> PageResult<Response> {
    Ok(crate::reads::roll_export::import_template_xlsx(
        &state,
        viewer.lang,
    )?)
}

/// Key indicators shown on a base's profile, with their chart group.
pub(crate) const PROFILE_INDICATORS: [&str; 10] = [
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
            read_bases::series(&state, id, false, &PROFILE_INDICATORS, None).await?,
            // Two years of months on the profile; the API serves the whole series.
            read_bases::series(
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
                unit => lang.pick(&ind.unit, catalogue::unit_en(&ind.unit)),
                value => last.value,
                year => last.period,
                change => prev.map(|p| if p.value != 0.0 { (last.value / p.value - 1.0) * 100.0 } else { f64::NAN }),
                cost => ind.direction == jidi_domain::engine::normalise::Direction::Cost,
            })
        })
        .collect();
    let evaluation =
        evaluation::base_evaluation_history(&state, &viewer, &base, &tiers, &ratings).await?;
    // The base's warning history (open and closed), for those who see its data.
    let warnings = if can_data {
        let q = crate::reads::monitoring::WarningQuery {
            state: Some("all".into()),
            base_id: Some(id.to_string()),
            per_page: Some("20".into()),
            ..Default::default()
        };
        crate::reads::monitoring::warnings_page(
            &state,
            crate::reads::cache::Generation::now(&state).await?,
            &viewer,
            &q,
        )
        .await?
        .0
    } else {
        Vec::new()
    };
    let chart = serde_json::json!({
        "annual": annual.iter().map(|s| serde_json::json!({
            "code": s.code,
            "name": lang.pick(&s.name_zh, &s.name_en),
            "unit": lang.pick(&s.unit, jidi_domain::catalogue::unit_en(&s.unit)),
            "points": s.points.iter().map(|p| [p.period as f64, p.value]).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "monthly": monthly.iter().map(|s| serde_json::json!({
            "code": s.code,
            "name": lang.pick(&s.name_zh, &s.name_en),
            "unit": lang.pick(&s.unit, jidi_domain::catalogue::unit_en(&s.unit)),
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
            history => history.iter().map(|h| {
                let (generated, typed) = read_bases::shown_note(h, lang);
                context! { note_generated => generated, note_typed => typed, ..ser(h) }
            }).collect::<Vec<_>>(),
            can_data => can_data,
            signed_in => viewer.principal.is_some(),
            latest => latest,
            data_synthetic => annual.iter().any(|s| s.synthetic),
            chart => ser(&chart),
            evaluation => evaluation,
            can_edit => access::can_edit_roll(viewer.who()).granted(),
            is_current => base.facts.status == Status::Current,
            today => today().to_string(),
            warnings => ser(&warnings),
            back => format!("/bases/{id}"),
        },
    )
}

/// The period `YYYYMM` that lies `months` months before `day`'s month.
pub(crate) fn months_before(day: chrono::NaiveDate, months: i32) -> String {
    use chrono::Datelike;
    let index = day.year() * 12 + day.month0() as i32 - months;
    format!("{}{:02}", index.div_euclid(12), index.rem_euclid(12) + 1)
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
            generated_fields: Vec::new(),
        })
    }
}

pub(crate) fn base_form_page(
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
        .map(|p| context! { value => p.code.clone(), label => lang.pick(&p.name, &p.name_en).to_string(), province => p.province_code.clone() })
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
            provinces => ser(&province_options(lang)),
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
    form: PageForm<BaseForm>,
) -> PageResult<Response> {
    AppError::check(access::can_edit_roll(viewer.who()))?;
    let form = form.parse()?;
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
    form: PageForm<BaseForm>,
) -> PageResult<Response> {
    AppError::check(access::can_edit_roll(viewer.who()))?;
    let form = form.parse()?;
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
        draft.keep_generated_fields(&before.facts);
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
    form: PageForm<WithdrawForm>,
) -> PageResult<Response> {
    AppError::check(access::can_edit_roll(viewer.who()))?;
    let form = form.parse()?;
    viewer.check_csrf(Some(&form.csrf))?;
    let id = parse_id(&id, "id")?;
    let withdrawal = jidi_domain::roll::Withdrawal::parse(&form.on, &form.reason, today())
        .map_err(AppError::invalid)?;
    state
        .store
        .withdraw_base(
            id,
            withdrawal.on,
            &withdrawal.reason,
            None,
            viewer.user_id(),
        )
        .await?;
    Ok(Redirect::to(&format!("/bases/{id}")).into_response())
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
