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
use crate::reads::proposals::{ProposalQuery, decide as decide_proposal, proposals_page};
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
    let rules = jidi_service::management::rules(&state.store).await?;
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
