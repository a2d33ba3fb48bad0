//! Monitoring pages: `/monitoring` (the ministry's national view, a province's view of its
//! bases), `/monitoring/bases/{id}` (a base against its category and the nation, with the
//! forecast and its band) and `/warnings` (the board, with acknowledgement and annotation).

use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jidi_domain::access::{self, Role};
use jidi_store::{GroupBy, Page};
use minijinja::{Value, context};
use serde::Deserialize;

use super::PageForm;
use super::render::*;
use crate::auth::Viewer;
use crate::error::{AppError, PageResult};
use crate::i18n;
use crate::params::{local_path, parse_id};
use crate::reads::cache::Generation;
use crate::reads::monitoring::{
    HEADLINE, MonitorQuery, WarningQuery, acknowledge, base_series, bases_page, group_view,
    groups_at, groups_page, period_text, periods_at, rules_at, warnings_page,
};
use crate::state::AppState;

/// The monthly indicators that add up over bases, for the indicator picker.
fn indicator_options(lang: i18n::Lang) -> Vec<Value> {
    jidi_domain::catalogue::reference_catalogue()
        .iter()
        .filter(|i| {
            i.frequency == jidi_domain::catalogue::Frequency::Monthly
                && jidi_service::monitoring::is_additive(&i.code)
        })
        .map(|i| context! { value => i.code.clone(), label => lang.pick(&i.name_zh, &i.name_en), unit => i.unit.clone() })
        .collect()
}

/// `GET /monitoring`.
pub(crate) async fn monitoring(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(mut q): Query<MonitorQuery>,
) -> PageResult<Response> {
    AppError::check(access::can_view_monitoring_aggregates(viewer.who()))?;
    let lang = viewer.lang;
    if let Some(p) = viewer.principal.as_ref() {
        match p.role {
            Role::Base => {
                if let Some(id) = p.base_id {
                    return Ok(Redirect::to(&format!("/monitoring/bases/{id}")).into_response());
                }
                return Err(AppError::Forbidden.into());
            }
            // A province looks at its own bases.
            Role::Province => q.province = p.province_code.clone(),
            Role::Ministry | Role::Evaluator => {}
        }
    }
    let at = Generation::now(&state).await?;
    let req = q.parse(&state, at).await?;
    let periods = periods_at(&state, at, &req.indicator).await?;
    let mut headline = Vec::new();
    if let Some(period) = req.period {
        for code in HEADLINE {
            let read = groups_at(
                &state,
                at,
                code,
                period,
                GroupBy::Nation,
                &req.filter,
                Page {
                    offset: 0,
                    limit: 1,
                },
            )
            .await?;
            let flow = jidi_service::monitoring::is_flow(code);
            let figure = read
                .0
                .first()
                .map(|g| group_view(&state, g, GroupBy::Nation, flow, lang));
            let ind = jidi_domain::catalogue::indicator(code);
            headline.push(context! {
                code => code,
                name => ind.map(|i| lang.pick(&i.name_zh, &i.name_en).to_string()),
                unit => ind.map(|i| i.unit.clone()),
                flow => flow,
                figure => figure.as_ref().map(ser),
            });
        }
    }
    let by = |group: &str| MonitorQuery {
        group_by: Some(group.into()),
        per_page: Some("100".into()),
        page: None,
        ..q.clone()
    };
    let (_, _, categories, _) = groups_page(&state, at, &viewer, &by("category")).await?;
    let provinces = if q.province.is_none() {
        groups_page(&state, at, &viewer, &by("province")).await?.2
    } else {
        Vec::new()
    };
    let ranked = |rank: &str, n: &str| MonitorQuery {
        rank: Some(rank.into()),
        per_page: Some(n.into()),
        page: None,
        ..q.clone()
    };
    let (_, top, total_bases) =
        bases_page(&state, at, &viewer, &ranked("growth_desc", "20")).await?;
    let (_, bottom, _) = bases_page(&state, at, &viewer, &ranked("growth_asc", "10")).await?;
    let flow = jidi_service::monitoring::is_flow(&req.indicator);
    let ind = jidi_domain::catalogue::indicator(&req.indicator);
    let export = {
        let mut s = form_urlencoded::Serializer::new(String::new());
        s.append_pair("indicator", &req.indicator);
        if let Some(p) = req.period {
            s.append_pair("period", &period_text(p));
        }
        if let Some(p) = &req.filter.province_code {
            s.append_pair("province", p);
        }
        format!("/api/v1/monitoring/export?{}", s.finish())
    };
    Ok(render(
        &state,
        &viewer,
        "monitoring.html",
        "monitoring",
        context! {
            title => i18n::t(lang, "monitor.title"),
            indicator => req.indicator.clone(),
            indicator_name => ind.map(|i| lang.pick(&i.name_zh, &i.name_en).to_string()),
            unit => ind.map(|i| i.unit.clone()),
            flow => flow,
            period => req.period.map(period_text),
            periods => periods.iter().map(|p| period_text(*p)).collect::<Vec<_>>(),
            indicators => indicator_options(lang),
            province => req.filter.province_code.as_deref().map(|c| crate::views::province_name(c, lang)),
            headline => headline,
            categories => ser(&categories),
            provinces => ser(&provinces),
            top => ser(&top),
            bottom => ser(&bottom),
            total_bases => total_bases,
            export => export,
        },
    )?
    .into_response())
}

#[derive(Deserialize)]
pub(crate) struct BaseMonitorQuery {
    indicator: Option<String>,
}

/// `GET /monitoring/bases/{id}`.
pub(crate) async fn base_monitoring(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<BaseMonitorQuery>,
) -> PageResult<Html<String>> {
    let id = parse_id(&id, "id")?;
    let lang = viewer.lang;
    let at = Generation::now(&state).await?;
    let series = base_series(&state, at, &viewer, id, q.indicator.as_deref()).await?;
    let warnings = warnings_page(
        &state,
        at,
        &viewer,
        &WarningQuery {
            state: Some("all".into()),
            base_id: Some(id.to_string()),
            per_page: Some("100".into()),
            ..WarningQuery::default()
        },
    )
    .await?
    .0;
    let latest = series.points.last().cloned();
    let labels = context! {
        actual => i18n::t(lang, "monitor.actual"),
        forecast => i18n::t(lang, "monitor.forecast"),
        band => i18n::t(lang, "monitor.band"),
        growth => i18n::t(lang, if series.flow { "monitor.cum_yoy" } else { "monitor.yoy" }),
        nation => i18n::t(lang, "monitor.nation"),
    };
    let chart = context! { series => ser(&series), labels => labels };
    render(
        &state,
        &viewer,
        "monitoring_base.html",
        "monitoring",
        context! {
            title => format!("{} · {}", series.base_name, i18n::t(lang, "monitor.title")),
            series => ser(&series),
            latest => latest.as_ref().map(ser),
            indicators => indicator_options(lang),
            warnings => ser(&warnings),
            chart => chart,
        },
    )
}

/// `GET /warnings`.
pub(crate) async fn warnings(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<WarningQuery>,
) -> PageResult<Html<String>> {
    let lang = viewer.lang;
    let at = Generation::now(&state).await?;
    let (items, total, paging, counts) = warnings_page(&state, at, &viewer, &q).await?;
    let pages = (total.max(0) as u32).div_ceil(paging.per_page).max(1);
    let link = |p: u32| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("state", &q.state),
            ("level", &q.level),
            ("rule", &q.rule),
            ("base_id", &q.base_id),
        ] {
            if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
                s.append_pair(k, v);
            }
        }
        s.append_pair("page", &p.to_string());
        format!("?{}", s.finish())
    };
    let rules: Vec<Value> = rules_at(&state, at)
        .await?
        .iter()
        .map(|r| context! { id => r.id.clone(), name => lang.pick(&r.name_zh, &r.name_en) })
        .collect();
    let back = format!("/warnings{}", link(paging.page));
    render(
        &state,
        &viewer,
        "warnings.html",
        "warnings",
        context! {
            title => i18n::t(lang, "warnings.title"),
            items => ser(&items),
            total => total,
            counts => counts.to_vec(),
            q => ser(&q),
            rules => rules,
            back => back,
            page => paging.page,
            pages => pages,
            prev_link => (paging.page > 1).then(|| link(paging.page - 1)),
            next_link => (paging.page < pages).then(|| link(paging.page + 1)),
        },
    )
}

#[derive(Deserialize)]
pub(crate) struct AcknowledgeForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    acknowledge: String,
    #[serde(default)]
    annotation: String,
    #[serde(default)]
    back: String,
}

/// `POST /warnings/{id}`: acknowledge and/or annotate.
pub(crate) async fn acknowledge_warning(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    form: PageForm<AcknowledgeForm>,
) -> PageResult<Response> {
    if viewer.who().is_none() {
        return Err(AppError::Unauthorized.into());
    }
    let form = form.parse()?;
    viewer.check_csrf(Some(&form.csrf))?;
    let id = parse_id(&id, "id")?;
    let annotation = (!form.annotation.trim().is_empty()).then_some(form.annotation.as_str());
    acknowledge(&state, &viewer, id, form.acknowledge == "1", annotation).await?;
    let back = local_path(&form.back).unwrap_or_else(|| "/warnings".into());
    Ok(Redirect::to(&back).into_response())
}
