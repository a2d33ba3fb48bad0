//! Evaluation pages: runs and their results, scorecards, comparison, schemes with their
//! sensitivity, and the proposals of dynamic management.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jidi_domain::access;
use jidi_domain::catalogue;
use jidi_domain::roll::Base;
use jidi_domain::scheme::{Scheme, SchemeFormat};
use jidi_service::evaluation as service;
use jidi_store::RunStatus;
use minijinja::{Value, context};
use serde::Deserialize;

use super::{CsrfForm, render, ser};
use crate::api::evaluations::{
    self as api, ProposalQuery, ResultsQuery, can_see_scheme, parse_results_query, run_view,
    scheme_view, scorecard, visible_run,
};
use crate::api::parse_id;
use crate::auth::Viewer;
use crate::error::{AppError, PageResult};
use crate::i18n::{self, Lang};
use crate::state::AppState;

/// The evaluation page routes.
pub(crate) fn evaluation_routes() -> Router<AppState> {
    Router::new()
        .route("/evaluations", get(evaluations).post(create_run))
        .route("/evaluations/{id}", get(run_page))
        .route("/evaluations/{id}/export", get(export_run))
        .route("/evaluations/{id}/publish", post(publish_run))
        .route("/evaluations/{id}/delete", post(delete_run))
        .route("/evaluations/{id}/bases/{base_id}", get(scorecard_page))
        .route("/compare", get(compare))
        .route("/schemes", get(schemes))
        .route("/schemes/import", post(import_scheme))
        .route("/schemes/{id}", get(scheme_page))
        .route("/schemes/{id}/edit", get(edit_scheme).post(save_scheme))
        .route("/schemes/{id}/default", post(default_scheme))
        .route("/proposals", get(proposals))
        .route("/proposals/{id}/decision", post(decide))
}

/// Published headline figures 2018–2022 (`data/evaluation_results_by_year.csv`): year, bases
/// evaluated, five-star bases, four-star bases.
const PUBLISHED: [(i32, i64, Option<i64>, Option<i64>); 5] = [
    (2018, 332, Some(28), None),
    (2019, 381, Some(30), None),
    (2020, 416, Some(34), None),
    (2021, 415, Some(28), Some(240)),
    (2022, 445, None, None),
];

fn dimension_name(code: &str, lang: Lang) -> String {
    catalogue::DIMENSIONS
        .iter()
        .find(|d| d.0 == code)
        .map(|d| lang.pick(d.1, d.2).to_string())
        .unwrap_or_else(|| code.to_string())
}

fn indicator_name(code: &str, lang: Lang) -> String {
    catalogue::indicator(code).map_or(code.to_string(), |i| {
        lang.pick(&i.name_zh, &i.name_en).to_string()
    })
}

/// `GET /evaluations`.
async fn evaluations(State(state): State<AppState>, viewer: Viewer) -> PageResult<Html<String>> {
    let lang = viewer.lang;
    let trials = access::can_view_trials(viewer.who()).granted();
    let runs = state.store.runs(None, trials).await?;
    let views: Vec<_> = runs.iter().map(run_view).collect();
    let published: HashMap<i32, Vec<i64>> = api::star_counts_by_year(&runs);
    let comparison: Vec<Value> = PUBLISHED
        .iter()
        .map(|(year, bases, five, four)| {
            let run = runs
                .iter()
                .find(|r| r.year == *year && r.status == RunStatus::Published);
            let stars = published.get(year);
            context! {
                year => year,
                published_bases => bases,
                published_five => five,
                published_four => four,
                demo_bases => run.map(|r| r.n_bases),
                demo_five => stars.and_then(|s| s.get(4).copied()),
                demo_four => stars.and_then(|s| s.get(3).copied()),
            }
        })
        .collect();
    let years = state.store.annual_years().await?;
    let schemes: Vec<Value> = if trials {
        state.store.schemes(None).await?.iter().map(|s| context! { id => s.id, label => format!("{} v{} {}", s.year, s.version, s.name), year => s.year }).collect()
    } else {
        Vec::new()
    };
    let chart = serde_json::json!({
        "years": runs.iter().filter(|r| r.status == RunStatus::Published).map(|r| r.year).collect::<Vec<_>>(),
        "stars": runs.iter().filter(|r| r.status == RunStatus::Published).map(|r| run_view(r).star_counts).collect::<Vec<_>>(),
    });
    render(
        &state,
        &viewer,
        "evaluations.html",
        "evaluations",
        context! {
            title => i18n::t(lang, "nav.evaluations"),
            runs => ser(&views),
            comparison => comparison,
            can_run => access::can_run_trials(viewer.who()).granted(),
            years => years,
            schemes => schemes,
            chart_json => chart.to_string(),
        },
    )
}

#[derive(Deserialize)]
struct RunForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    year: String,
    #[serde(default)]
    scheme_id: String,
    #[serde(default)]
    sensitivity: Option<String>,
}

/// `POST /evaluations`: a trial run.
async fn create_run(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(form): axum::Form<RunForm>,
) -> PageResult<Response> {
    AppError::check(access::can_run_trials(viewer.who()))?;
    viewer.check_csrf(Some(&form.csrf))?;
    let year = form
        .year
        .parse::<i32>()
        .map_err(|_| AppError::bad_field("year", "a year"))?;
    let scheme_id = match form.scheme_id.trim() {
        "" => None,
        t => Some(parse_id(t, "scheme_id")?),
    };
    let run = api::start_run(&state, &viewer, year, scheme_id, form.sensitivity.is_some()).await?;
    Ok(Redirect::to(&format!("/evaluations/{}", run.id)).into_response())
}

/// `GET /evaluations/{id}`: the results table.
async fn run_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<ResultsQuery>,
) -> PageResult<Html<String>> {
    let lang = viewer.lang;
    let id = parse_id(&id, "id")?;
    let run = visible_run(&state, &viewer, id).await?;
    let (filter, page, per_page) = parse_results_query(&q)?;
    let (items, total) = api::results_page(&state, &viewer, &run, &filter, page, per_page).await?;
    let view = run_view(&run);
    let scheme = state.store.scheme(run.scheme_id).await?;
    let groups: Vec<Value> = view.summary["groups"]
        .as_array()
        .map(|g| {
            g.iter()
                .filter_map(|x| {
                    let code = x.get(0)?.as_str()?.to_string();
                    Some(context! { code => code.clone(), name => state.category_name(&code, lang), count => x.get(1)?.as_i64() })
                })
                .collect()
        })
        .unwrap_or_default();
    let pages = (total as u32).div_ceil(per_page).max(1);
    let link = |p: u32| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("category", &q.category),
            ("province", &q.province),
            ("stars", &q.stars),
        ] {
            if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
                s.append_pair(k, v);
            }
        }
        s.append_pair("page", &p.to_string());
        format!("?{}", s.finish())
    };
    let export_query = {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("category", &q.category),
            ("province", &q.province),
            ("stars", &q.stars),
        ] {
            if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
                s.append_pair(k, v);
            }
        }
        s.finish()
    };
    let sensitivity = &view.summary["sensitivity"];
    let chart = serde_json::json!({ "stars": view.star_counts });
    let provinces: Vec<Value> = jidi_domain::reference::Regions::get()
        .provinces
        .iter()
        .map(|p| context! { value => p.code.clone(), label => p.name.clone() })
        .collect();
    let diagnostics: Vec<String> = view.summary["diagnostics"]
        .as_array()
        .map(|d| {
            d.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .take(30)
                .collect()
        })
        .unwrap_or_default();
    render(
        &state,
        &viewer,
        "run.html",
        "evaluations",
        context! {
            title => format!("{} {}", run.year, i18n::t(lang, "nav.evaluations")),
            run => ser(&view),
            scheme => ser(&scheme.as_ref().map(scheme_view)),
            items => ser(&items),
            total => total,
            page => page,
            pages => pages,
            prev_link => (page > 1).then(|| link(page - 1)),
            next_link => (page < pages).then(|| link(page + 1)),
            q => ser(&q),
            groups => groups,
            provinces => provinces,
            export_query => export_query,
            can_publish => run.status == RunStatus::Trial && access::can_publish(viewer.who()).granted(),
            can_delete => run.status == RunStatus::Trial && access::can_run_trials(viewer.who()).granted(),
            has_sensitivity => !sensitivity.is_null(),
            diagnostics => diagnostics,
            chart_json => chart.to_string(),
        },
    )
}

/// `GET /evaluations/{id}/export?format=xlsx`.
async fn export_run(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<ResultsQuery>,
) -> PageResult<Response> {
    let id = parse_id(&id, "id")?;
    let run = visible_run(&state, &viewer, id).await?;
    let (filter, ..) = parse_results_query(&q)?;
    Ok(api::export_results(
        &state,
        &viewer,
        &run,
        &filter,
        q.format.as_deref().unwrap_or("xlsx"),
    )
    .await?)
}

/// `POST /evaluations/{id}/publish` (ministry).
async fn publish_run(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<CsrfForm>,
) -> PageResult<Response> {
    let id = parse_id(&id, "id")?;
    AppError::check(access::can_publish(viewer.who()))?;
    viewer.check_csrf(Some(&form.csrf))?;
    service::publish(&state.store, id, viewer.user_id()).await?;
    Ok(Redirect::to(&format!("/evaluations/{id}")).into_response())
}

/// `POST /evaluations/{id}/delete` (trial runs).
async fn delete_run(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<CsrfForm>,
) -> PageResult<Response> {
    let id = parse_id(&id, "id")?;
    AppError::check(access::can_run_trials(viewer.who()))?;
    viewer.check_csrf(Some(&form.csrf))?;
    state.store.delete_trial_run(id, viewer.user_id()).await?;
    Ok(Redirect::to("/evaluations").into_response())
}

/// `GET /evaluations/{id}/bases/{base_id}`: a base's scorecard.
async fn scorecard_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, base_id)): Path<(String, String)>,
) -> PageResult<Html<String>> {
    let lang = viewer.lang;
    let id = parse_id(&id, "id")?;
    let base_id = parse_id(&base_id, "base_id")?;
    let run = visible_run(&state, &viewer, id).await?;
    let card = scorecard(&state, &viewer, &run, base_id).await?;
    let dims: Vec<Value> = card
        .dimensions
        .iter()
        .map(|d| context! { code => d.code.clone(), name => dimension_name(&d.code, lang), score => d.score, median => d.median, best => d.best })
        .collect();
    let contributions: Vec<Value> = card
        .contributions
        .iter()
        .map(|c| {
            let ind = catalogue::indicator(&c.indicator);
            context! {
                code => c.indicator.clone(),
                name => indicator_name(&c.indicator, lang),
                unit => ind.map(|i| i.unit.clone()),
                value => c.value,
                normalised => c.normalised,
                median => c.median,
                weight => c.weight,
                contribution => c.contribution,
            }
        })
        .collect();
    let next = &card.details["next_star"];
    let levers: Vec<Value> = next["levers"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|x| {
                    let code = x["indicator"].as_str().unwrap_or_default();
                    context! {
                        name => indicator_name(code, lang),
                        unit => catalogue::indicator(code).map(|i| i.unit.clone()),
                        current => x["current"].as_f64(),
                        needed => x["needed"].as_f64(),
                        relative => x["relative_change"].as_f64(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let chart = serde_json::json!({
        "radar": {
            "indicators": card.dimensions.iter().map(|d| serde_json::json!({"name": dimension_name(&d.code, lang), "max": 100})).collect::<Vec<_>>(),
            "base": card.dimensions.iter().map(|d| d.score).collect::<Vec<_>>(),
            "median": card.dimensions.iter().map(|d| d.median).collect::<Vec<_>>(),
            "best": card.dimensions.iter().map(|d| d.best).collect::<Vec<_>>(),
        },
        "contributions": card.contributions.iter().take(15).map(|c| serde_json::json!({"name": indicator_name(&c.indicator, lang), "value": c.contribution})).collect::<Vec<_>>(),
        "stars": card.star_history,
        "probabilities": card.result.star_probabilities,
        "labels": {
            "base": i18n::t(lang, "scorecard.this_base"),
            "median": i18n::t(lang, "scorecard.median"),
            "best": i18n::t(lang, "scorecard.best"),
        }
    });
    let base = state
        .store
        .base(base_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("base {base_id}")))?;
    render(
        &state,
        &viewer,
        "scorecard.html",
        "evaluations",
        context! {
            title => format!("{} · {}", base.facts.name, run.year),
            run => ser(&run_view(&run)),
            card => context! {
                result => ser(&card.result),
                category_interval => card.category_rank_interval,
                star_history => card.star_history,
            },
            base_name => base.facts.name,
            dims => dims,
            contributions => contributions,
            next_star => next.get("stars").and_then(|s| s.as_i64()),
            next_gap => next.get("gap").and_then(|s| s.as_f64()),
            next_threshold => next.get("threshold").and_then(|s| s.as_f64()),
            levers => levers,
            change => card.details.get("change").cloned().filter(|c| !c.is_null()).map(|c| context! {
                score => c["score"].as_f64(),
                rank => c["national_rank"].as_f64(),
                previous_stars => c["previous_stars"].as_i64(),
            }),
            chart_json => chart.to_string(),
        },
    )
}

#[derive(Deserialize)]
struct CompareQuery {
    run: Option<String>,
    ids: Option<String>,
}

/// `GET /compare?run=…&ids=1,2,3`: two to ten bases side by side.
async fn compare(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<CompareQuery>,
) -> PageResult<Response> {
    let lang = viewer.lang;
    let run_id = match q.run.as_deref() {
        Some(r) => parse_id(r, "run")?,
        None => state
            .store
            .published_headline()
            .await?
            .map(|h| h.run_id)
            .ok_or_else(|| AppError::NotFound("published evaluation".into()))?,
    };
    let run = visible_run(&state, &viewer, run_id).await?;
    let ids: Vec<i64> = q
        .ids
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| parse_id(s.trim(), "ids"))
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        // Bases are picked on the results table.
        return Ok(Redirect::to(&format!("/evaluations/{}", run.id)).into_response());
    }
    if !(2..=10).contains(&ids.len()) {
        return Err(AppError::bad_field("ids", i18n::t(lang, "compare.count")).into());
    }
    let mut cards = Vec::new();
    for id in &ids {
        let card = scorecard(&state, &viewer, &run, *id).await?;
        cards.push(card);
    }
    let dims: Vec<String> = cards
        .first()
        .map(|c| c.dimensions.iter().map(|d| d.code.clone()).collect())
        .unwrap_or_default();
    let columns: Vec<Value> = cards
        .iter()
        .map(|c| {
            context! {
                base_id => c.result.base_id,
                name => c.result.name.clone(),
                category => c.result.category_name.clone(),
                province => c.result.province_name.clone(),
                stars => c.result.stars,
                score => c.result.score,
                rank => c.result.national_rank,
                p05 => c.result.rank_p05,
                p95 => c.result.rank_p95,
                dims => dims.iter().map(|d| c.dimensions.iter().find(|x| &x.code == d).map(|x| x.score)).collect::<Vec<_>>(),
            }
        })
        .collect();
    let chart = serde_json::json!({
        "indicators": dims.iter().map(|d| serde_json::json!({"name": dimension_name(d, lang), "max": 100})).collect::<Vec<_>>(),
        "series": cards.iter().map(|c| serde_json::json!({"name": c.result.name, "value": c.dimensions.iter().map(|d| d.score).collect::<Vec<_>>()})).collect::<Vec<_>>(),
    });
    render(
        &state,
        &viewer,
        "compare.html",
        "evaluations",
        context! {
            title => i18n::t(lang, "compare.title"),
            run => ser(&run_view(&run)),
            columns => columns,
            dims => dims.iter().map(|d| dimension_name(d, lang)).collect::<Vec<_>>(),
            chart_json => chart.to_string(),
        },
    )
    .map(IntoResponse::into_response)
}

/// `GET /schemes`.
async fn schemes(State(state): State<AppState>, viewer: Viewer) -> PageResult<Html<String>> {
    let lang = viewer.lang;
    let list: Vec<_> = state
        .store
        .schemes(None)
        .await?
        .iter()
        .filter(|s| can_see_scheme(&viewer, s))
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
async fn import_scheme(
    State(state): State<AppState>,
    viewer: Viewer,
    multipart: Multipart,
) -> PageResult<Response> {
    AppError::check(access::can_run_trials(viewer.who()))?;
    let (name, bytes) = super::uploaded_file(&viewer, multipart, "scheme.toml").await?;
    let text = String::from_utf8(bytes)
        .map_err(|_| AppError::bad_field("file", format!("{name} is not UTF-8 text")))?;
    match api::save_scheme_text(&state, &viewer, &name, &text, None).await {
        Ok(record) => Ok(Redirect::to(&format!("/schemes/{}", record.id)).into_response()),
        Err(problems) => {
            let lang = viewer.lang;
            let list: Vec<_> = state
                .store
                .schemes(None)
                .await?
                .iter()
                .filter(|s| can_see_scheme(&viewer, s))
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
    }
}

async fn load_scheme(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
) -> Result<(jidi_store::SchemeRecord, Scheme), AppError> {
    let record = state
        .store
        .scheme(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("scheme {id}")))?;
    if !can_see_scheme(viewer, &record) {
        AppError::check(access::can_run_trials(viewer.who()))?;
    }
    let scheme = service::scheme_of(&record).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok((record, scheme))
}

/// `GET /schemes/{id}`: the scheme and the sensitivity of its latest run.
async fn scheme_page(
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
        .filter_map(|r| {
            let v: serde_json::Value = serde_json::from_str(&r.summary).ok()?;
            let s = v.get("sensitivity")?.clone();
            (!s.is_null()).then_some((r.id, s))
        })
        .next();
    let sens = sensitivity.as_ref().map(|(run_id, s)| {
        let indicators: Vec<Value> = s["indicators"]
            .as_array()
            .map(|a| {
                a.iter()
                    .take(15)
                    .map(|x| context! { name => indicator_name(x[0].as_str().unwrap_or_default(), lang), dropped => x[1].as_f64(), raised => x[2].as_f64() })
                    .collect()
            })
            .unwrap_or_default();
        let factors: Vec<Value> = s["factors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|x| {
                        let f = x[0].as_str().unwrap_or_default();
                        let name = match f.strip_prefix("weight:") {
                            Some(d) => format!("{} {}", i18n::t(lang, "scheme.weight_of"), dimension_name(d, lang)),
                            None => i18n::t(lang, &format!("factor.{f}")),
                        };
                        context! { name => name, first => x[1].as_f64(), total => x[2].as_f64() }
                    })
                    .collect()
            })
            .unwrap_or_default();
        context! { run_id => run_id, indicators => indicators, factors => factors, samples => s["samples"].as_i64() }
    });
    let chart = serde_json::json!({
        "weights": scheme.dimensions.iter().map(|d| serde_json::json!({"name": lang.pick(&d.name_zh, &d.name_en), "value": d.weight})).collect::<Vec<_>>(),
        "sensitivity": sensitivity.as_ref().map(|(_, s)| s["indicators"].as_array().map(|a| a.iter().take(15).map(|x| serde_json::json!({"name": indicator_name(x[0].as_str().unwrap_or_default(), lang), "value": x[1]})).collect::<Vec<_>>())),
    });
    render(
        &state,
        &viewer,
        "scheme.html",
        "schemes",
        context! {
            title => record.name.clone(),
            record => ser(&scheme_view(&record)),
            scheme => context! {
                year => scheme.year,
                description => scheme.description.clone(),
                peer_group => scheme.peer_group.clone(),
                cutoff => scheme.cutoff().to_string(),
                method => context! {
                    winsorise => scheme.method.winsorise,
                    impute => scheme.method.impute.clone(),
                    normalisation => scheme.method.normalisation.clone(),
                    aggregation => scheme.method.aggregation.clone(),
                    ties => scheme.method.ties.clone(),
                },
                stars_rule => scheme.stars.rule.clone(),
                shares => scheme.stars.shares.clone(),
                thresholds => scheme.stars.thresholds.clone(),
                veto_kinds => scheme.veto_kinds().iter().map(|k| k.name_zh()).collect::<Vec<_>>(),
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
            chart_json => chart.to_string(),
        },
    )
}

/// `GET /schemes/{id}/edit`: copy and edit (saving makes a new version).
async fn edit_scheme(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult<Html<String>> {
    AppError::check(access::can_run_trials(viewer.who()))?;
    let id = parse_id(&id, "id")?;
    let (record, scheme) = load_scheme(&state, &viewer, id).await?;
    edit_page(&state, &viewer, &record, &scheme, &[], None)
}

fn edit_page(
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
            title => format!("{} · {}", i18n::t(lang, "scheme.edit"), record.name),
            record => ser(&scheme_view(record)),
            name => scheme.name.clone(),
            description => scheme.description.clone(),
            normalisation => scheme.method.normalisation.clone(),
            aggregation => scheme.method.aggregation.clone(),
            winsorise => scheme.method.winsorise,
            impute => scheme.method.impute.clone(),
            shares => scheme.stars.shares.clone(),
            cap_stars => scheme.vetoes.cap_stars,
            replications => scheme.uncertainty.replications,
            weight_noise => scheme.uncertainty.weight_noise,
            dims => dims,
            errors => ser(&errors),
            toml => toml_text.unwrap_or_else(|| scheme.to_text(SchemeFormat::Toml)),
        },
    )
}

/// `POST /schemes/{id}/edit`: saves the edited copy as a new version.
async fn save_scheme(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> PageResult<Response> {
    AppError::check(access::can_run_trials(viewer.who()))?;
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
            Err(e) => errors = e,
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
        for key in ["normalisation", "aggregation", "impute"] {
            if let Some(v) = form.get(key) {
                match key {
                    "normalisation" => scheme.method.normalisation = v.trim().into(),
                    "aggregation" => scheme.method.aggregation = v.trim().into(),
                    _ => scheme.method.impute = v.trim().into(),
                }
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
async fn default_scheme(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<CsrfForm>,
) -> PageResult<Response> {
    AppError::check(access::can_publish(viewer.who()))?;
    viewer.check_csrf(Some(&form.csrf))?;
    let id = parse_id(&id, "id")?;
    state.store.set_default_scheme(id, viewer.user_id()).await?;
    Ok(Redirect::to(&format!("/schemes/{id}")).into_response())
}

/// `GET /proposals`.
async fn proposals(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ProposalQuery>,
) -> PageResult<Html<String>> {
    let lang = viewer.lang;
    let (items, total, page) = api::proposals_page(&state, &viewer, &q).await?;
    let rules = jidi_service::management::rules(&state.store)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    let rule_rows: Vec<Value> = rules
        .rules
        .iter()
        .map(|r| context! { code => r.code.clone(), kind => lang.pick(r.kind.name_zh(), r.kind.name_en()), tiers => r.tiers.iter().map(|t| crate::views::tier_name(*t, lang)).collect::<Vec<_>>(), description => r.description.clone() })
        .collect();
    let pages = (total as u32).div_ceil(50).max(1);
    let link = |p: u32| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [("status", &q.status), ("year", &q.year), ("kind", &q.kind)] {
            if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
                s.append_pair(k, v);
            }
        }
        s.append_pair("page", &p.to_string());
        format!("?{}", s.finish())
    };
    render(
        &state,
        &viewer,
        "proposals.html",
        "proposals",
        context! {
            title => i18n::t(lang, "nav.proposals"),
            items => ser(&items),
            total => total,
            q => ser(&q),
            rules => rule_rows,
            prev_link => (page > 1).then(|| link(page - 1)),
            next_link => (page < pages).then(|| link(page + 1)),
            page => page,
            pages => pages,
        },
    )
}

#[derive(Deserialize)]
struct DecisionForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    back: String,
}

/// `POST /proposals/{id}/decision`.
async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<DecisionForm>,
) -> PageResult<Response> {
    viewer.check_csrf(Some(&form.csrf))?;
    let id = parse_id(&id, "id")?;
    let accept = match form.decision.as_str() {
        "accept" => true,
        "reject" => false,
        _ => return Err(AppError::bad_field("decision", "accept or reject").into()),
    };
    api::decide(&state, &viewer, id, accept, &form.reason).await?;
    let back = if form.back.starts_with('/') && !form.back.starts_with("//") {
        form.back
    } else {
        "/proposals".into()
    };
    Ok(Redirect::to(&back).into_response())
}

/// The evaluation part of a base's profile: published stars by year and the timeline.
pub(crate) async fn base_evaluation_history(
    state: &AppState,
    viewer: &Viewer,
    base: &Base,
    tiers: &[jidi_domain::roll::TierChange],
    history: &[(i32, jidi_store::ResultRecord)],
) -> Result<Value, AppError> {
    let full = access::can_view_base_data(viewer.who(), super::scope(base)).granted();
    let rows: Vec<Value> = history
        .iter()
        .map(|(year, r)| {
            context! {
                year => year,
                run_id => r.run_id,
                stars => r.stars,
                rank => r.national_rank.filter(|_| full),
                category_rank => r.category_rank.filter(|_| full),
                score => r.score.filter(|_| full),
                vetoed => r.vetoed && full,
            }
        })
        .collect();
    let timeline = api::timeline(state, viewer, base, tiers, history).await?;
    Ok(context! {
        rows => rows,
        full => full,
        timeline => ser(&timeline),
        stars_chart => history.iter().filter_map(|(y, r)| r.stars.map(|s| vec![*y, s])).collect::<Vec<_>>(),
    })
}
