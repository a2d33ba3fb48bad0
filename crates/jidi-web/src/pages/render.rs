//! Rendering a page: the layout's context, serialisable values, and the option lists of forms.

use axum::response::Html;
use jidi_domain::catalogue;
use jidi_domain::reference::Regions;
use jidi_domain::roll::{Series, Tier};
use minijinja::{Value, context};
use serde::Serialize;

use crate::auth::Viewer;
use crate::error::{AppError, PageResult};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::views::tier_name;

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
            province_name => p.province_code.as_deref().map(|c| crate::views::province_name(c, viewer.lang)),
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
        .map_err(AppError::internal)?;
    let started = std::time::Instant::now();
    let html = tmpl.render(ctx).map_err(AppError::internal)?;
    tracing::trace!(
        template,
        micros = started.elapsed().as_micros() as u64,
        bytes = html.len(),
        "rendered"
    );
    Ok(Html(html))
}

#[derive(Serialize)]
pub(crate) struct Option2 {
    pub value: String,
    pub label: String,
}

pub(crate) fn province_options(lang: Lang) -> Vec<Option2> {
    Regions::get()
        .provinces
        .iter()
        .map(|p| Option2 {
            value: p.code.clone(),
            label: lang.pick(&p.name, &p.name_en).to_string(),
        })
        .collect()
}

pub(crate) fn category_options(state: &AppState, lang: Lang, top: bool) -> Vec<Value> {
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

pub(crate) fn tier_options(lang: Lang) -> Vec<Option2> {
    Tier::ALL
        .iter()
        .map(|t| Option2 {
            value: t.code().into(),
            label: tier_name(*t, lang),
        })
        .collect()
}

pub(crate) fn series_options(lang: Lang) -> Vec<Option2> {
    [Series::Advantage, Series::Specialty]
        .iter()
        .map(|s| Option2 {
            value: s.code().into(),
            label: lang.pick(s.name_zh(), s.name_en()).into(),
        })
        .collect()
}

pub(crate) fn dimension_name(code: &str, lang: Lang) -> String {
    catalogue::DIMENSIONS
        .iter()
        .find(|d| d.0 == code)
        .map(|d| lang.pick(d.1, d.2).to_string())
        .unwrap_or_else(|| code.to_string())
}

pub(crate) fn indicator_name(code: &str, lang: Lang) -> String {
    catalogue::indicator(code).map_or(code.to_string(), |i| {
        lang.pick(&i.name_zh, &i.name_en).to_string()
    })
}
