//! Evaluation pages: runs, results, scorecards, comparison, and a base's evaluation history.

use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jidi_domain::access;
use jidi_domain::catalogue;
use minijinja::{Value, context};
use serde::Deserialize;

use super::render::*;
use super::*;
use crate::auth::Viewer;
use crate::error::{AppError, PageResult};
use crate::i18n::{self};
use crate::params::parse_id;
use crate::reads::bases::scope;
use crate::reads::results::{
    ResultSort, ResultsQuery, export_results, ordered_results, parse_results_order,
    parse_results_query,
};
use crate::reads::runs::{run_view, star_counts_by_year, start_run, visible_run};
use crate::reads::schemes::scheme_view;
use crate::reads::scorecards::scorecard;
use crate::reads::timelines::timeline;
use crate::state::AppState;
use jidi_domain::roll::Base;
use jidi_service::evaluation as service;
use jidi_store::RunStatus;
use std::collections::HashMap;

/// Published headline figures 2018–2022 (`data/evaluation_results_by_year.csv`): year, bases
/// evaluated, five-star bases, four-star bases.
pub(crate) const PUBLISHED: [(i32, i64, Option<i64>, Option<i64>); 5] = [
    (2018, 332, Some(28), None),
    (2019, 381, Some(30), None),
    (2020, 416, Some(34), None),
    (2021, 415, Some(28), Some(240)),
    (2022, 445, None, None),
];

/// `GET /evaluations`.
pub(crate) async fn evaluations(
    State(state): State<AppState>,
    viewer: Viewer,
) -> PageResult<Html<String>> {
    let lang = viewer.lang;
    let trials = access::can_view_trials(viewer.who()).granted();
    let runs = state.store.runs(None, trials).await?;
    let views: Vec<_> = runs.iter().map(run_view).collect();
    let published: HashMap<i32, Vec<i64>> = star_counts_by_year(&runs);
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
        state.store.schemes(None).await?.iter().map(|s| context! { id => s.id, label => format!("{} v{} {}", s.year, s.version, crate::views::scheme_title(&s.name, s.year, lang)), year => s.year }).collect()
    } else {
        Vec::new()
    };
    // Years run forward on the chart (the list above it is newest first): one published run a
    // year, as `star_counts_by_year` keeps it.
    let mut by_year: Vec<(&i32, &Vec<i64>)> = published.iter().collect();
    by_year.sort_by_key(|(year, _)| **year);
    let chart = serde_json::json!({
        "years": by_year.iter().map(|(year, _)| **year).collect::<Vec<_>>(),
        "stars": by_year.iter().map(|(_, stars)| *stars).collect::<Vec<_>>(),
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
            chart => ser(&chart),
        },
    )
}

#[derive(Deserialize)]
pub(crate) struct RunForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    year: String,
    #[serde(default)]
    scheme_id: String,
    #[serde(default)]
    sensitivity: Option<String>,
}

/// `POST /evaluations`: a trial run.
pub(crate) async fn create_run(
    State(state): State<AppState>,
    viewer: Viewer,
    form: PageForm<RunForm>,
) -> PageResult<Response> {
    AppError::check(access::can_run_trials(viewer.who()))?;
    let form = form.parse()?;
    viewer.check_csrf(Some(&form.csrf))?;
    let year = form
        .year
        .parse::<i32>()
        .map_err(|_| AppError::bad_field("year", "a year"))?;
    let scheme_id = match form.scheme_id.trim() {
        "" => None,
        t => Some(parse_id(t, "scheme_id")?),
    };
    let run = start_run(&state, &viewer, year, scheme_id, form.sensitivity.is_some()).await?;
    Ok(Redirect::to(&format!("/evaluations/{}", run.id)).into_response())
}

/// `GET /evaluations/{id}`: the results table.
pub(crate) async fn run_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<ResultsQuery>,
) -> PageResult<Html<String>> {
    let lang = viewer.lang;
    let id = parse_id(&id, "id")?;
    let run = visible_run(&state, &viewer, id).await?;
    let (filter, paging) = parse_results_query(&q)?;
    let order = parse_results_order(&q)?;
    let rows = ordered_results(&state, &viewer, &run, &filter, &order).await?;
    // The star chart follows the page's filters and the viewer's scope (a province's results page
    // shows its own distribution), so it counts the filtered rows rather than the whole run.
    let mut filtered_stars = [0i64; 5];
    for stars in rows.iter().filter_map(|r| r.stars) {
        if let Some(n) = usize::try_from(stars - 1)
            .ok()
            .and_then(|i| filtered_stars.get_mut(i))
        {
            *n += 1;
        }
    }
    let total = rows.len() as i64;
    let items: Vec<_> = rows
        .into_iter()
        .skip(paging.offset as usize)
        .take(paging.per_page as usize)
        .collect();
    let (page, per_page) = (paging.page, paging.per_page);
    let view = run_view(&run);
    let scheme = state.store.scheme(run.scheme_id).await?;
    let groups: Vec<Value> = view
        .summary
        .groups
        .iter()
        .map(|g| context! { code => g.code.clone(), name => state.category_name(&g.code, lang), count => g.bases })
        .collect();
    let group_sizes: HashMap<&str, usize> = view
        .summary
        .groups
        .iter()
        .map(|g| (g.code.as_str(), g.bases))
        .collect();
    let pages = (total as u32).div_ceil(per_page).max(1);
    // The filters, search and order as query pairs; pager, sort and export links extend them.
    let query_with = |extra: &[(&str, &str)], keep_order: bool| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        let mut pairs = vec![
            ("category", &q.category),
            ("province", &q.province),
            ("stars", &q.stars),
            ("q", &q.q),
        ];
        if keep_order {
            pairs.extend([("sort", &q.sort), ("dir", &q.dir)]);
        }
        for (k, v) in pairs {
            if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
                s.append_pair(k, v);
            }
        }
        for (k, v) in extra {
            s.append_pair(k, v);
        }
        s.finish()
    };
    let link = |p: u32| format!("?{}", query_with(&[("page", p.to_string().as_str())], true));
    let export_query = query_with(&[], true);
    // Each column's header links to its sort; the current column toggles its direction.
    let sorts: serde_json::Map<String, serde_json::Value> = ResultSort::ALL
        .iter()
        .map(|(sort, name)| {
            let current = *sort == order.sort;
            let dir = if current && !order.descending {
                "desc"
            } else {
                "asc"
            };
            let aria = match (current, order.descending) {
                (false, _) => "none",
                (true, false) => "ascending",
                (true, true) => "descending",
            };
            (
                name.to_string(),
                serde_json::json!({
                    "link": format!("?{}", query_with(&[("sort", *name), ("dir", dir)], false)),
                    "aria": aria,
                }),
            )
        })
        .collect();
    let chart = serde_json::json!({ "stars": filtered_stars });
    let provinces: Vec<Value> = jidi_domain::reference::Regions::get()
        .provinces
        .iter()
        .map(|p| context! { value => p.code.clone(), label => lang.pick(&p.name, &p.name_en) })
        .collect();
    let diagnostics: Vec<String> = view.summary.diagnostics.iter().take(30).cloned().collect();
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
            sorts => ser(&sorts),
            can_publish => run.status == RunStatus::Trial && access::can_publish(viewer.who()).granted(),
            can_delete => run.status == RunStatus::Trial && access::can_run_trials(viewer.who()).granted(),
            has_sensitivity => view.summary.sensitivity.is_some(),
            diagnostics => diagnostics,
            group_sizes => group_sizes,
            chart => ser(&chart),
        },
    )
}

/// `GET /evaluations/{id}/export?format=xlsx`.
pub(crate) async fn export_run(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<ResultsQuery>,
) -> PageResult<Response> {
    let id = parse_id(&id, "id")?;
    let run = visible_run(&state, &viewer, id).await?;
    let (filter, ..) = parse_results_query(&q)?;
    let order = parse_results_order(&q)?;
    Ok(export_results(
        &state,
        &viewer,
        &run,
        &filter,
        &order,
        q.format.as_deref().unwrap_or("xlsx"),
    )
    .await?)
}

/// `POST /evaluations/{id}/publish` (ministry).
pub(crate) async fn publish_run(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    form: PageForm<CsrfForm>,
) -> PageResult<Response> {
    let id = parse_id(&id, "id")?;
    AppError::check(access::can_publish(viewer.who()))?;
    let form = form.parse()?;
    viewer.check_csrf(Some(&form.csrf))?;
    service::publish(&state.store, id, viewer.user_id()).await?;
    Ok(Redirect::to(&format!("/evaluations/{id}")).into_response())
}

/// `POST /evaluations/{id}/delete` (trial runs).
pub(crate) async fn delete_run(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    form: PageForm<CsrfForm>,
) -> PageResult<Response> {
    let id = parse_id(&id, "id")?;
    AppError::check(access::can_run_trials(viewer.who()))?;
    let form = form.parse()?;
    viewer.check_csrf(Some(&form.csrf))?;
    state.store.delete_trial_run(id, viewer.user_id()).await?;
    Ok(Redirect::to("/evaluations").into_response())
}

/// `GET /evaluations/{id}/bases/{base_id}`: a base's scorecard.
pub(crate) async fn scorecard_page(
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
    let next = card.details.next_star.as_ref();
    let lever_rows = |levers: &[crate::reads::scorecards::LeverView]| -> Vec<Value> {
        levers
            .iter()
            .map(|x| {
                context! {
                    name => indicator_name(&x.indicator, lang),
                    unit => catalogue::indicator(&x.indicator).map(|i| i.unit.clone()),
                    current => x.current,
                    needed => x.needed,
                    relative => x.relative_change,
                }
            })
            .collect()
    };
    let levers: Vec<Value> = next.map(|n| lever_rows(&n.levers)).unwrap_or_default();
    let combination = next.and_then(|n| n.combination.as_ref()).map(|c| {
        context! {
            share => c.share_of_distance,
            levers => lever_rows(&c.levers),
        }
    });
    let uncertainty = uncertainty_words(lang, &run, &card.result);
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
            next_star => next.map(|n| n.stars),
            next_gap => next.and_then(|n| n.gap),
            next_threshold => next.and_then(|n| n.threshold),
            next_reach => next.map(|n| n.reach.clone()),
            levers => levers,
            combination => combination,
            uncertainty => uncertainty,
            change => card.details.change.as_ref().map(|c| context! {
                score => c.score,
                rank => c.national_rank,
                previous_stars => c.previous_stars,
            }),
            chart => ser(&chart),
        },
    )
}

/// What a result's uncertainty means, in words: the national rank interval and how firmly the base
/// holds its star, under the published method's own weight and data uncertainty.
fn uncertainty_words(
    lang: crate::i18n::Lang,
    run: &jidi_store::RunRecord,
    result: &crate::reads::results::ResultView,
) -> Option<Value> {
    let (p05, p95) = result.rank_p05.zip(result.rank_p95)?;
    let confidence = result.star_confidence.as_ref()?;
    let stars = result.stars?;
    let n = run.replications;
    let weights = run.summary.weight_noise * 100.0;
    let data = run.summary.data_noise * 100.0;
    let pct = |p: f64| format!("{:.0}%", p * 100.0);
    let basis = match lang {
        crate::i18n::Lang::Zh if data > 0.0 => format!(
            "按发布的评价方法，将各项权重在±{weights:.0}%、各项填报数据在±{data:.0}%范围内随机扰动{n}次"
        ),
        crate::i18n::Lang::Zh => {
            format!("按发布的评价方法，将各项权重在±{weights:.0}%范围内随机扰动{n}次")
        }
        crate::i18n::Lang::En if data > 0.0 => format!(
            "In {n} replications of the published method with every weight varied by up to ±{weights:.0}% and every reported value by up to ±{data:.0}%"
        ),
        crate::i18n::Lang::En => format!(
            "In {n} replications of the published method with every weight varied by up to ±{weights:.0}%"
        ),
    };
    let rank = match lang {
        crate::i18n::Lang::Zh => {
            format!("{basis}，本基地九成情形下全国排名在第{p05:.0}至{p95:.0}名之间。")
        }
        crate::i18n::Lang::En => format!(
            "{basis}, this base ranked between {p05:.0} and {p95:.0} nationally in nine cases out of ten."
        ),
    };
    let star = match (
        lang,
        confidence
            .alternative_stars
            .zip(confidence.alternative_probability),
    ) {
        (crate::i18n::Lang::Zh, Some((alt, q))) => format!(
            "获评{stars}星的情形占{}，其次为{alt}星（{}）。",
            pct(confidence.probability),
            pct(q)
        ),
        (crate::i18n::Lang::Zh, None) => format!(
            "每一次模拟都获评{stars}星（{}）。",
            pct(confidence.probability)
        ),
        (crate::i18n::Lang::En, Some((alt, q))) => format!(
            "It kept its {stars} stars in {} of them; the likeliest other rating is {alt} stars ({}).",
            pct(confidence.probability),
            pct(q)
        ),
        (crate::i18n::Lang::En, None) => format!(
            "Every replication gave it {stars} stars ({}).",
            pct(confidence.probability)
        ),
    };
    Some(context! {
        rank => rank,
        star => star,
        borderline => confidence.borderline,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CompareQuery {
    run: Option<String>,
    ids: Option<String>,
    /// Interface language (`zh` or `en`), read by the layout.
    #[serde(rename = "lang")]
    _lang: Option<String>,
}

/// `GET /compare?run=…&ids=1,2,3`: two to ten bases side by side.
pub(crate) async fn compare(
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
            }
        })
        .collect();
    // One row per dimension, one cell per base, each cell looked up by the dimension's code: the
    // table never depends on two loops' indices agreeing.
    let dim_rows: Vec<Value> = dims
        .iter()
        .map(|d| {
            context! {
                name => dimension_name(d, lang),
                scores => cards
                    .iter()
                    .map(|c| c.dimensions.iter().find(|x| &x.code == d).map(|x| x.score))
                    .collect::<Vec<_>>(),
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
            dim_rows => dim_rows,
            chart => ser(&chart),
        },
    )
    .map(IntoResponse::into_response)
}

/// The evaluation part of a base's profile: published stars by year and the timeline.
pub(crate) async fn base_evaluation_history(
    state: &AppState,
    viewer: &Viewer,
    base: &Base,
    tiers: &[jidi_domain::roll::TierChange],
    history: &[(i32, jidi_store::ResultRecord)],
) -> Result<Value, AppError> {
    let full = access::can_view_base_data(viewer.who(), scope(base)).granted();
    // Ranks show their denominators ("295 / 445", and the peer group's size), read from each
    // run's summary: a handful of runs per base.
    let mut sizes: HashMap<i64, (i32, HashMap<String, usize>)> = HashMap::new();
    if full {
        for (_, r) in history {
            if sizes.contains_key(&r.run_id) {
                continue;
            }
            if let Some(run) = state.store.run(r.run_id).await? {
                let groups = run.summary.groups.iter().cloned().collect();
                sizes.insert(r.run_id, (run.n_bases, groups));
            }
        }
    }
    let rows: Vec<Value> = history
        .iter()
        .map(|(year, r)| {
            let size = sizes.get(&r.run_id);
            context! {
                year => year,
                run_id => r.run_id,
                stars => r.stars,
                rank => r.national_rank.filter(|_| full),
                rank_of => size.map(|s| s.0),
                category_rank_of => size.and_then(|s| s.1.get(&r.category_code).copied()),
                category_rank => r.category_rank.filter(|_| full),
                score => r.score.filter(|_| full),
                vetoed => r.vetoed && full,
            }
        })
        .collect();
    let timeline = timeline(state, viewer, base, tiers, history).await?;
    Ok(context! {
        rows => rows,
        full => full,
        timeline => timeline.iter().map(|e| context! { generated => e.generated(), ..ser(e) }).collect::<Vec<_>>(),
        stars_chart => history.iter().filter_map(|(y, r)| r.stars.map(|s| vec![*y, s])).collect::<Vec<_>>(),
    })
}
