//! Scheme pages: list, import, view with sensitivity, edit as a new version, make default.

use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use jidi_domain::access;
use jidi_domain::catalogue;
use minijinja::{Value, context};

use super::render::*;
use super::*;
use crate::auth::Viewer;
use crate::error::{AppError, PageResult};
use crate::i18n::{self};
use crate::params::parse_id;
use crate::reads::schemes::{save_scheme_text, scheme_view};
use crate::state::AppState;
use jidi_domain::scheme::{ImputeMethod, Scheme, SchemeFormat, StarRuleKind};
use jidi_service::evaluation as service;
use std::collections::HashMap;

/// `GET /schemes`.
pub(crate) async fn schemes(
    State(state): State<AppState>,
    viewer: Viewer,
) -> PageResult<Html<String>> {
    let lang = viewer.lang;
    let list: Vec<_> = state
        .store
        .schemes(None)
        .await?
        .iter()
        .filter(|s| access::can_view_scheme(viewer.who(), s.locked).granted())
        .map(scheme_view)
        .collect();
    render(
        &state,
        &viewer,
        "schemes.html",
        "schemes",
        context! {
            title => i18n::t(lang, "nav.schemes"),
            schemes => ser(&list),
            can_edit => access::can_run_trials(viewer.who()).granted(),
            can_default => access::can_publish(viewer.who()).granted(),
            error => Value::from(()),
        },
    )
}

/// `POST /schemes/import`: a scheme file uploaded (TOML or JSON).
pub(crate) async fn import_scheme(
    State(state): State<AppState>,
    viewer: Viewer,
    multipart: Multipart,
) -> PageResult<Response> {
    AppError::check(access::can_run_trials(viewer.who()))?;
    let (name, bytes) = uploaded_file(&viewer, multipart, "scheme.toml").await?;
    let text = String::from_utf8(bytes)
        .map_err(|_| AppError::bad_field("file", format!("{name} is not UTF-8 text")))?;
    match save_scheme_text(&state, &viewer, &name, &text, None).await {
        Ok(record) => Ok(Redirect::to(&format!("/schemes/{}", record.id)).into_response()),
        Err(AppError::Rejected { fields, .. }) => {
            let problems: Vec<String> = fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect();
            let lang = viewer.lang;
            let list: Vec<_> = state
                .store
                .schemes(None)
                .await?
                .iter()
                .filter(|s| access::can_view_scheme(viewer.who(), s.locked).granted())
                .map(scheme_view)
                .collect();
            let page = render(
                &state,
                &viewer,
                "schemes.html",
                "schemes",
                context! {
                    title => i18n::t(lang, "nav.schemes"),
                    schemes => ser(&list),
                    can_edit => true,
                    can_default => access::can_publish(viewer.who()).granted(),
                    error => ser(&problems),
                },
            )?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

pub(crate) async fn load_scheme(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
) -> Result<(jidi_store::SchemeRecord, Scheme), AppError> {
    let record = state
        .store
        .scheme(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("scheme {id}")))?;
    AppError::check(access::can_view_scheme(viewer.who(), record.locked))?;
    let scheme = service::scheme_of(&record)?;
    Ok((record, scheme))
}

/// `GET /schemes/{id}`: the scheme and the sensitivity of its latest run.
pub(crate) async fn scheme_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult<Html<String>> {
    let lang = viewer.lang;
    let id = parse_id(&id, "id")?;
    let (record, scheme) = load_scheme(&state, &viewer, id).await?;
    let dims: Vec<Value> = scheme
        .dimensions
        .iter()
        .map(|d| {
            let total: f64 = scheme.dimensions.iter().map(|x| x.weight).sum();
            let inds: Vec<Value> = scheme
                .indicators
                .iter()
                .filter(|i| i.dimension == d.code)
                .map(|i| {
                    let c = catalogue::indicator(&i.code);
                    context! {
                        code => i.code.clone(),
                        name => indicator_name(&i.code, lang),
                        unit => c.map(|c| c.unit.clone()),
                        weight => i.weight,
                        cost => c.is_some_and(|c| c.direction == jidi_domain::engine::normalise::Direction::Cost),
                    }
                })
                .collect();
            context! { code => d.code.clone(), name => lang.pick(&d.name_zh, &d.name_en), weight => d.weight, share => d.weight / total, indicators => inds }
        })
        .collect();
    let overrides: Vec<Value> = scheme
        .category_overrides
        .iter()
        .map(|o| {
            let mut factors: Vec<String> = o
                .indicator_factors
                .iter()
                .map(|(k, v)| format!("{} ×{v}", indicator_name(k, lang)))
                .collect();
            factors.extend(
                o.dimension_factors
                    .iter()
                    .map(|(k, v)| format!("{} ×{v}", dimension_name(k, lang))),
            );
            factors.sort();
            context! {
                category => state.category_name(&o.category, lang),
                factors => factors,
                excluded => o.exclude.iter().map(|e| indicator_name(e, lang)).collect::<Vec<_>>(),
            }
        })
        .collect();
    // The sensitivity of the latest run with this scheme that computed it.
    let runs = state
        .store
        .runs(
            Some(record.year),
            access::can_view_trials(viewer.who()).granted(),
        )
        .await?;
    let sensitivity = runs
        .iter()
        .filter(|r| r.scheme_id == record.id)
        .find_map(|r| r.summary.sensitivity.as_ref().map(|s| (r.id, s)));
    let sens = sensitivity.map(|(run_id, s)| {
        let indicators: Vec<Value> = s
            .indicators
            .iter()
            .take(15)
            .map(|(code, dropped, raised)| context! { name => indicator_name(code, lang), dropped => dropped, raised => raised })
            .collect();
        let factors: Vec<Value> = s
            .factors
            .iter()
            .map(|(f, first, total)| {
                let name = match f.strip_prefix("weight:") {
                    Some(d) => format!("{} {}", i18n::t(lang, "scheme.weight_of"), dimension_name(d, lang)),
                    None => i18n::t(lang, &format!("factor.{f}")),
                };
                context! { name => name, first => first, total => total }
            })
            .collect();
        context! { run_id => run_id, indicators => indicators, factors => factors, samples => s.samples }
    });
    let chart = serde_json::json!({
        "weights": scheme.dimensions.iter().map(|d| serde_json::json!({"name": lang.pick(&d.name_zh, &d.name_en), "value": d.weight})).collect::<Vec<_>>(),
        "sensitivity": sensitivity.map(|(_, s)| s.indicators.iter().take(15).map(|(code, dropped, _)| serde_json::json!({"name": indicator_name(code, lang), "value": dropped})).collect::<Vec<_>>()),
    });
    render(
        &state,
        &viewer,
        "scheme.html",
        "schemes",
        context! {
            title => crate::views::scheme_title(&record.name, record.year, lang),
            record => ser(&scheme_view(&record)),
            scheme => context! {
                year => scheme.year,
                description => scheme.description.clone(),
                peer_group => scheme.peer_group.code(),
                cutoff => scheme.cutoff().to_string(),
                method => context! {
                    winsorise => scheme.method.winsorise,
                    impute => scheme.method.impute.code(),
                    normalisation => scheme.method.normalisation.clone(),
                    aggregation => scheme.method.aggregation.clone(),
                    ties => scheme.method.ties.code(),
                },
                stars_rule => match scheme.stars.rule { StarRuleKind::Shares => "shares", StarRuleKind::Thresholds => "thresholds" },
                shares => scheme.stars.shares.clone(),
                thresholds => scheme.stars.thresholds.clone(),
                veto_kinds => scheme.veto_kinds().iter().map(|k| lang.pick(k.name_zh(), k.name_en())).collect::<Vec<_>>(),
                cap_stars => scheme.vetoes.cap_stars,
                uncertainty => context! {
                    replications => scheme.uncertainty.replications,
                    weight_noise => scheme.uncertainty.weight_noise,
                    normalisations => scheme.uncertainty.normalisations.clone(),
                    aggregations => scheme.uncertainty.aggregations.clone(),
                    vary_treatment => scheme.uncertainty.vary_treatment,
                    drop_one_indicator => scheme.uncertainty.drop_one_indicator,
                },
            },
            dims => dims,
            overrides => overrides,
            sensitivity => sens,
            can_edit => access::can_run_trials(viewer.who()).granted(),
            can_default => access::can_publish(viewer.who()).granted() && !record.is_default,
            chart => ser(&chart),
        },
    )
}

/// `GET /schemes/{id}/edit`: copy and edit (saving makes a new version).
pub(crate) async fn edit_scheme(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult<Html<String>> {
    AppError::check(access::can_run_trials(viewer.who()))?;
    let id = parse_id(&id, "id")?;
    let (record, scheme) = load_scheme(&state, &viewer, id).await?;
    edit_page(&state, &viewer, &record, &scheme, &[], None)
}

pub(crate) fn edit_page(
    state: &AppState,
    viewer: &Viewer,
    record: &jidi_store::SchemeRecord,
    scheme: &Scheme,
    errors: &[String],
    toml_text: Option<String>,
) -> PageResult<Html<String>> {
    let lang = viewer.lang;
    let dims: Vec<Value> = scheme
        .dimensions
        .iter()
        .map(|d| {
            let inds: Vec<Value> = scheme
                .indicators
                .iter()
                .filter(|i| i.dimension == d.code)
                .map(|i| context! { code => i.code.clone(), name => indicator_name(&i.code, lang), weight => i.weight })
                .collect();
            context! { code => d.code.clone(), name => lang.pick(&d.name_zh, &d.name_en), weight => d.weight, indicators => inds }
        })
        .collect();
    render(
        state,
        viewer,
        "scheme_edit.html",
        "schemes",
        context! {
            title => format!("{} · {}", i18n::t(lang, "scheme.edit"), crate::views::scheme_title(&record.name, record.year, lang)),
            record => ser(&scheme_view(record)),
            name => scheme.name.clone(),
            description => scheme.description.clone(),
            normalisation => scheme.method.normalisation.clone(),
            aggregation => scheme.method.aggregation.clone(),
            normalisations => method_choices(&NORMALISATIONS, &scheme.method.normalisation, lang),
            aggregations => method_choices(&AGGREGATIONS, &scheme.method.aggregation, lang),
            imputations => method_choices(&IMPUTATIONS, scheme.method.impute.code(), lang),
            winsorise => scheme.method.winsorise,
            impute => scheme.method.impute.code(),
            shares => scheme.stars.shares.clone(),
            cap_stars => scheme.vetoes.cap_stars,
            can_try => access::can_run_trials(viewer.who()).granted(),
            replications => scheme.uncertainty.replications,
            weight_noise => scheme.uncertainty.weight_noise,
            dims => dims,
            errors => ser(&errors),
            toml => toml_text.unwrap_or_else(|| scheme.to_text(SchemeFormat::Toml)),
        },
    )
}

/// `POST /schemes/{id}/edit`: saves the edited copy as a new version.
pub(crate) async fn save_scheme(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    form: PageForm<HashMap<String, String>>,
) -> PageResult<Response> {
    AppError::check(access::can_run_trials(viewer.who()))?;
    let form = form.parse()?;
    viewer.check_csrf(form.get("_csrf").map(String::as_str))?;
    let id = parse_id(&id, "id")?;
    let (record, mut scheme) = load_scheme(&state, &viewer, id).await?;
    let mut errors: Vec<String> = Vec::new();
    let edited_text = form
        .get("toml")
        .filter(|t| !t.trim().is_empty() && form.get("mode").map(String::as_str) == Some("toml"))
        .cloned();
    if let Some(text) = &edited_text {
        match service::parse_scheme("scheme.toml", text) {
            Ok(s) => scheme = s,
            Err(e) => errors = e.iter().map(ToString::to_string).collect(),
        }
    } else {
        let number = |key: &str, errors: &mut Vec<String>| -> Option<f64> {
            let v = form.get(key)?;
            match v.trim().parse::<f64>() {
                Ok(x) => Some(x),
                Err(_) => {
                    errors.push(format!("{key}: {v:?} is not a number"));
                    None
                }
            }
        };
        if let Some(n) = form.get("name") {
            scheme.name = n.trim().to_string();
        }
        if let Some(d) = form.get("description") {
            scheme.description = d.trim().to_string();
        }
        if let Some(v) = form.get("normalisation") {
            scheme.method.normalisation = v.trim().into();
        }
        if let Some(v) = form.get("aggregation") {
            scheme.method.aggregation = v.trim().into();
        }
        if let Some(v) = form.get("impute") {
            match [ImputeMethod::None, ImputeMethod::Mean, ImputeMethod::Median]
                .into_iter()
                .find(|m| m.code() == v.trim())
            {
                Some(m) => scheme.method.impute = m,
                None => errors.push(format!("impute: {v:?} is not none, mean or median")),
            }
        }
        scheme.method.winsorise = form.contains_key("winsorise");
        for (k, share) in scheme.stars.shares.iter_mut().enumerate() {
            if let Some(x) = number(&format!("share_{}", 5 - k), &mut errors) {
                *share = x / 100.0;
            }
        }
        if let Some(x) = number("cap_stars", &mut errors) {
            scheme.vetoes.cap_stars = x.clamp(0.0, 9.0) as u8;
        }
        if let Some(x) = number("replications", &mut errors) {
            scheme.uncertainty.replications = x.max(0.0) as usize;
        }
        if let Some(x) = number("weight_noise", &mut errors) {
            scheme.uncertainty.weight_noise = x / 100.0;
        }
        for d in scheme.dimensions.iter_mut() {
            if let Some(x) = number(&format!("dim_{}", d.code), &mut errors) {
                d.weight = x;
            }
        }
        for i in scheme.indicators.iter_mut() {
            if let Some(x) = number(&format!("ind_{}", i.code), &mut errors) {
                i.weight = x;
            }
        }
        errors.extend(scheme.validate().iter().map(ToString::to_string));
    }
    if errors.is_empty() {
        match service::save_scheme(
            &state.store,
            &scheme,
            Some(record.id),
            false,
            viewer.user_id(),
        )
        .await
        {
            Ok(new) => return Ok(Redirect::to(&format!("/schemes/{}", new.id)).into_response()),
            Err(e) => errors.push(e.to_string()),
        }
    }
    let page = edit_page(&state, &viewer, &record, &scheme, &errors, edited_text)?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// `POST /schemes/{id}/default` (ministry).
pub(crate) async fn default_scheme(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    form: PageForm<CsrfForm>,
) -> PageResult<Response> {
    AppError::check(access::can_publish(viewer.who()))?;
    let form = form.parse()?;
    viewer.check_csrf(Some(&form.csrf))?;
    let id = parse_id(&id, "id")?;
    state.store.set_default_scheme(id, viewer.user_id()).await?;
    Ok(Redirect::to(&format!("/schemes/{id}")).into_response())
}

/// Normalisations the editor offers: the engine's spelling, Chinese and English names.
const NORMALISATIONS: [(&str, &str, &str); 9] = [
    (
        "minmax:0:100",
        "最小-最大标准化（0–100）",
        "Min–max (0–100)",
    ),
    ("zscore:0:1", "Z 分数标准化", "z-score"),
    ("rank", "排序值", "Rank"),
    ("prank", "百分位排名", "Percent rank"),
    ("fracmax", "占最大值比例", "Fraction of the maximum"),
    ("dist2max", "与最大值的距离", "Distance to the maximum"),
    ("goalposts:100", "目标值法（0–100）", "Goalposts (0–100)"),
    ("benchmark", "基准值法", "Benchmark"),
    ("none", "不标准化", "None"),
];

/// Aggregations the editor offers.
const AGGREGATIONS: [(&str, &str, &str); 6] = [
    ("amean", "加权算术平均", "Weighted arithmetic mean"),
    ("gmean", "加权几何平均", "Weighted geometric mean"),
    ("hmean", "加权调和平均", "Weighted harmonic mean"),
    ("topsis", "TOPSIS 逼近理想解排序法", "TOPSIS"),
    ("vikor", "VIKOR 折衷排序法", "VIKOR"),
    ("copeland", "Copeland 两两比较法", "Copeland pairwise"),
];

/// Ways to fill in a missing value.
const IMPUTATIONS: [(&str, &str, &str); 3] = [
    ("none", "不插补（按缺失处理）", "None (left missing)"),
    ("mean", "组内均值插补", "Group mean"),
    ("median", "组内中位数插补", "Group median"),
];

/// The choices of a method `<select>`: the offered ones, and the scheme's own spelling when it
/// is not among them (a TOML edit may have set `genmean:2`), so that saving never changes it.
fn method_choices(offered: &[(&str, &str, &str)], current: &str, lang: i18n::Lang) -> Vec<Value> {
    let mut out: Vec<Value> = offered
        .iter()
        .map(|(value, zh, en)| {
            context! { value => *value, label => format!("{} ({value})", lang.pick(zh, en)), selected => *value == current }
        })
        .collect();
    if !offered.iter().any(|(v, ..)| *v == current) {
        out.push(context! { value => current, label => current, selected => true });
    }
    out
}
