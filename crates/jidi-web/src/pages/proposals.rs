//! Proposals of dynamic management and their decisions.

use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;

use super::PageForm;
use super::render::*;
use crate::auth::Viewer;
use crate::error::{AppError, PageResult};
use crate::i18n::{self};
use crate::params::parse_id;
use crate::reads::proposals::{
    ProposalQuery, decide as decide_proposal, decide_many, kind_tabs, proposals_page,
};
use crate::state::AppState;
use jidi_domain::rules::Decision;

/// `GET /proposals`.
pub(crate) async fn proposals(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ProposalQuery>,
) -> PageResult<Html<String>> {
    let lang = viewer.lang;
    let (items, total, page) = proposals_page(&state, &viewer, &q).await?;
    let tabs = kind_tabs(&state, &viewer, &q).await?;
    let all: i64 = tabs.iter().map(|t| t.count).sum();
    // A province sees its own bases: its filter would be a choice of one.
    let provinces: Vec<Value> = if viewer
        .who()
        .is_some_and(|p| p.role == jidi_domain::access::Role::Ministry)
    {
        jidi_domain::reference::Regions::get()
            .provinces
            .iter()
            .map(|p| context! { value => p.code.clone(), label => lang.pick(&p.name, &p.name_en) })
            .collect()
    } else {
        Vec::new()
    };
    let categories: Vec<Value> = state
        .categories()
        .iter()
        .filter(|c| c.parent.is_none())
        .map(|c| context! { value => c.code.clone(), label => state.category_name(&c.code, lang) })
        .collect();
    let decidable = items.iter().filter(|p| p.can_decide).count();
    let rules = jidi_service::management::rules(&state.store).await?;
    let rule_rows: Vec<Value> = rules
        .rules
        .iter()
        .map(|r| context! { code => r.code.clone(), kind => lang.pick(r.kind.name_zh(), r.kind.name_en()), tiers => r.tiers.iter().map(|t| crate::views::tier_name(*t, lang)).collect::<Vec<_>>(), description => match lang { crate::i18n::Lang::Zh => r.description.clone(), crate::i18n::Lang::En => r.summary_en() } })
        .collect();
    let pages = (total as u32).div_ceil(50).max(1);
    let link = |p: u32| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("status", &q.status),
            ("year", &q.year),
            ("kind", &q.kind),
            ("province", &q.province),
            ("category", &q.category),
            ("rule", &q.rule),
        ] {
            if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
                s.append_pair(k, v);
            }
        }
        s.append_pair("page", &p.to_string());
        format!("?{}", s.finish())
    };
    let tab_link = |kind: &str| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("status", &q.status),
            ("year", &q.year),
            ("province", &q.province),
            ("category", &q.category),
            ("rule", &q.rule),
        ] {
            if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
                s.append_pair(k, v);
            }
        }
        if !kind.is_empty() {
            s.append_pair("kind", kind);
        }
        format!("?{}", s.finish())
    };
    let tabs: Vec<Value> = std::iter::once(context! {
        kind => "", name => i18n::t(lang, "filter.all"), count => all, link => tab_link(""),
        active => q.kind.as_deref().unwrap_or("").is_empty(),
    })
    .chain(tabs.iter().map(|t| context! {
        kind => t.kind.clone(), name => t.name.clone(), count => t.count, link => tab_link(&t.kind),
        active => q.kind.as_deref() == Some(t.kind.as_str()),
    }))
    .collect();
    let back = format!("/proposals{}", link(page));
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
            tabs => tabs,
            provinces => provinces,
            categories => categories,
            decidable => decidable,
            back => back,
            prev_link => (page > 1).then(|| link(page - 1)),
            next_link => (page < pages).then(|| link(page + 1)),
            page => page,
            pages => pages,
        },
    )
}

#[derive(Deserialize)]
pub(crate) struct DecisionForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    back: String,
}

/// `POST /proposals/{id}/decision`.
pub(crate) async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    form: PageForm<DecisionForm>,
) -> PageResult<Response> {
    AppError::check(jidi_domain::access::can_decide_some(viewer.who()))?;
    let form = form.parse()?;
    viewer.check_csrf(Some(&form.csrf))?;
    let id = parse_id(&id, "id")?;
    let decision = match form.decision.as_str() {
        "accept" => Decision::Accept,
        "reject" => Decision::Reject,
        _ => return Err(AppError::bad_field("decision", "accept or reject").into()),
    };
    decide_proposal(&state, &viewer, id, decision, &form.reason).await?;
    let back = if form.back.starts_with('/') && !form.back.starts_with("//") {
        form.back
    } else {
        "/proposals".into()
    };
    Ok(Redirect::to(&back).into_response())
}

/// `POST /proposals/decisions`: one decision with one written reason for the ticked proposals.
pub(crate) async fn decide_bulk(
    State(state): State<AppState>,
    viewer: Viewer,
    // The ticked boxes repeat one field (`ids=1&ids=2`), which a struct cannot take: the form is
    // read as its pairs.
    form: PageForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    AppError::check(jidi_domain::access::can_decide_some(viewer.who()))?;
    let pairs = form.parse()?;
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    viewer.check_csrf(Some(field("_csrf")))?;
    let decision = match field("decision") {
        "accept" => Decision::Accept,
        "reject" => Decision::Reject,
        _ => return Err(AppError::bad_field("decision", "accept or reject").into()),
    };
    let ids_given = pairs.iter().filter(|(k, _)| k == "ids").count();
    if ids_given > crate::reads::proposals::MAX_BULK {
        return Err(AppError::bad_field("ids", "too many proposals at once").into());
    }
    let mut ids = Vec::with_capacity(ids_given);
    for (_, v) in pairs.iter().filter(|(k, _)| k == "ids") {
        ids.push(parse_id(v.trim(), "ids")?);
    }
    decide_many(&state, &viewer, &ids, decision, field("reason")).await?;
    let back = crate::params::local_path(field("back")).unwrap_or_else(|| "/proposals".into());
    Ok(Redirect::to(&back).into_response())
}
