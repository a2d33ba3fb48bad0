//! `/monitoring/green`: green and safe (C6) by role — the ministry's nation with its categories
//! and provinces ranked by carbon intensity, a province's bases, a base against its category and
//! the nation.

use axum::extract::{Query, State};
use axum::response::Html;
use minijinja::context;

use super::render::*;
use crate::auth::Viewer;
use crate::error::PageResult;
use crate::i18n;
use crate::reads::green::{GreenQuery, green_view};
use crate::state::AppState;

/// `GET /monitoring/green`.
pub(crate) async fn green(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<GreenQuery>,
) -> PageResult<Html<String>> {
    let lang = viewer.lang;
    let view = green_view(&state, &viewer, &q).await?;
    let role = viewer.principal.as_ref().map(|p| p.role);
    let scope = if view.base.is_some() {
        "base"
    } else if matches!(role, Some(jidi_domain::access::Role::Province)) || view.province.is_some() {
        "province"
    } else {
        "nation"
    };
    let export = {
        let mut s = form_urlencoded::Serializer::new(String::new());
        if let Some(y) = view.year {
            s.append_pair("year", &y.to_string());
        }
        if let Some(p) = &view.province {
            s.append_pair("province", p);
        }
        if let Some(c) = &view.category {
            s.append_pair("category", c);
        }
        if let Some(b) = view.base {
            s.append_pair("base", &b.to_string());
        }
        format!("/api/v1/green/export?{}", s.finish())
    };
    let categories: Vec<_> = state
        .categories()
        .iter()
        .filter(|c| c.parent.is_none())
        .map(|c| context! { value => c.code.clone(), label => state.category_name(&c.code, lang) })
        .collect();
    let labels = context! {
        co2 => i18n::t(lang, "green.co2_kt"),
        carbon_intensity => i18n::t(lang, "green.carbon_intensity"),
        target_path => i18n::t(lang, "green.target_path"),
    };
    let title = match view.total.as_ref() {
        Some(t) if scope != "nation" => format!("{} · {}", i18n::t(lang, "green.title"), t.name),
        _ => i18n::t(lang, "green.title"),
    };
    render(
        &state,
        &viewer,
        "green.html",
        "monitoring",
        context! {
            title => title,
            scope => scope,
            view => ser(&view),
            categories => categories,
            export => export,
            chart => context! {
                view => context! { history => ser(&view.history), categories => ser(&view.categories) },
                labels => labels,
            },
        },
    )
}
