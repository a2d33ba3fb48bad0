//! The indicator catalogue's pages: `/catalogue` lists the current version's indicators (every
//! role; filtered by frequency, dimension and status), its versions and the file downloads; the
//! ministry uploads an edited file there. `/catalogue/{code}` shows one indicator and, for the
//! ministry, its edit form (`/catalogue/new` a new one); each save is the next version.

use std::collections::BTreeMap;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jidi_collect::catalogue::CatalogueError;
use jidi_collect::managed::CATALOGUE_COLUMNS;
use jidi_collect::{CatalogueEntry, ManagedCatalogue};
use jidi_domain::access;
use jidi_domain::catalogue::DIMENSIONS;
use jidi_service::catalogue::{self, CatalogueEdit, CatalogueOutcome};
use jidi_store::CatalogueVersion;
use minijinja::context;
use serde::Deserialize;

use super::PageForm;
use super::render::*;
use crate::auth::Viewer;
use crate::error::{AppError, PageResult};
use crate::i18n::{self, Lang};
use crate::reads::catalogue::{edit_error, entry_view, version_view};
use crate::state::AppState;

/// Filters of the list.
#[derive(Deserialize, Default)]
pub(crate) struct CatalogueQuery {
    #[serde(default)]
    frequency: Option<String>,
    #[serde(default)]
    dimension: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

fn dimension_name(code: &str, lang: Lang) -> String {
    DIMENSIONS.iter().find(|(c, ..)| *c == code).map_or_else(
        || i18n::t(lang, "catalogue.monitoring"),
        |(_, zh, en)| lang.pick(zh, en).to_string(),
    )
}

/// One row of the list, as the template shows it.
fn row(e: &CatalogueEntry, lang: Lang) -> minijinja::Value {
    let v = entry_view(e);
    let percent =
        |x: Option<f64>| x.map(|f| format!("±{}%", jidi_tabular::format_number(f * 100.0)));
    context! {
        name => lang.pick(&e.spec.name_zh, &e.name_en),
        unit_shown => match lang { Lang::En => jidi_domain::catalogue::unit_en(&e.spec.unit).to_string(), Lang::Zh => e.spec.unit.clone() },
        range => match (e.spec.min, e.spec.max) {
            (None, None) => String::new(),
            _ => e.spec.range_text().replace("任意", ""),
        },
        yoy_warn_text => percent(e.spec.yoy_warn).unwrap_or_default(),
        yoy_block_text => percent(e.spec.yoy_block).unwrap_or_default(),
        dimension_name => dimension_name(&e.dimension, lang),
        units_text => e.spec.accepted_units.iter().map(|(u, _)| match lang { Lang::En => jidi_domain::catalogue::unit_en(u), Lang::Zh => u.as_str() }).collect::<Vec<_>>().join(" "),
        ..ser(&v)
    }
}

fn versions_view(versions: &[CatalogueVersion]) -> Vec<minijinja::Value> {
    versions
        .iter()
        .map(|v| {
            let w = version_view(v);
            context! { date => w.at.get(..16).unwrap_or_default().replace('T', " "), ..ser(&w) }
        })
        .collect()
}

async fn list_page(
    state: &AppState,
    viewer: &Viewer,
    q: &CatalogueQuery,
    status: StatusCode,
    outcome: Option<minijinja::Value>,
) -> PageResult<Response> {
    let (version, catalogue) = state.store.current_catalogue().await?;
    let versions = state.store.catalogue_versions(50).await?;
    let lang = viewer.lang;
    let wanted = |e: &&CatalogueEntry| {
        q.frequency
            .as_deref()
            .is_none_or(|f| f.is_empty() || e.spec.frequency.code() == f)
            && q.dimension
                .as_deref()
                .is_none_or(|d| d.is_empty() || e.dimension == d)
            && q.status
                .as_deref()
                .is_none_or(|s| s.is_empty() || e.status.code() == s)
    };
    let rows: Vec<minijinja::Value> = catalogue
        .entries()
        .iter()
        .filter(wanted)
        .map(|e| row(e, lang))
        .collect();
    let count = |f: &str, s: &str| {
        catalogue
            .entries()
            .iter()
            .filter(|e| e.spec.frequency.code() == f && e.status.code() == s)
            .count()
    };
    let dimensions: Vec<minijinja::Value> = DIMENSIONS
        .iter()
        .map(|(c, zh, en)| context! { code => *c, name => lang.pick(zh, en) })
        .chain(std::iter::once(
            context! { code => "monitoring", name => i18n::t(lang, "catalogue.monitoring") },
        ))
        .collect();
    let html = render(
        state,
        viewer,
        "catalogue.html",
        "catalogue",
        context! {
            title => i18n::t(lang, "catalogue.title"),
            version => ser(&version_view(&version)),
            versions => versions_view(&versions),
            rows => rows,
            shown => catalogue.entries().iter().filter(wanted).count(),
            total => catalogue.entries().len(),
            annual => count("annual", "active"),
            monthly => count("monthly", "active"),
            retired => catalogue.entries().iter().filter(|e| e.status.code() == "retired").count(),
            dimensions => dimensions,
            frequency => q.frequency.clone().unwrap_or_default(),
            dimension => q.dimension.clone().unwrap_or_default(),
            status_filter => q.status.clone().unwrap_or_default(),
            may_edit => access::can_edit_catalogue(viewer.who()).granted(),
            outcome => outcome,
        },
    )?;
    Ok((status, html).into_response())
}

/// `GET /catalogue`.
pub(crate) async fn catalogue_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<CatalogueQuery>,
) -> PageResult<Response> {
    list_page(&state, &viewer, &q, StatusCode::OK, None).await
}

fn outcome_view(outcome: &CatalogueOutcome, lang: Lang) -> minijinja::Value {
    let message = match &outcome.saved {
        Some(v) => i18n::t(lang, "catalogue.saved")
            .replace("{version}", &v.version.to_string())
            .replace("{n}", &v.changed.to_string()),
        None if outcome.errors.is_empty() => i18n::t(lang, "catalogue.unchanged"),
        None => {
            i18n::t(lang, "catalogue.refused").replace("{n}", &outcome.errors.len().to_string())
        }
    };
    context! {
        ok => outcome.errors.is_empty(),
        message => message,
        problems => outcome.errors.iter().map(|e| context! { row => e.row, column => e.column.clone().unwrap_or_default(), message => e.message.clone() }).collect::<Vec<_>>(),
        changes => outcome.changes.iter().map(|c| context! { code => c.code.clone(), added => c.old.is_none(), columns => c.columns.join(", ") }).collect::<Vec<_>>(),
    }
}

/// The catalogue version in a file name as jidi's downloads write it (`catalogue-v{N}.csv|xlsx`),
/// ignoring what a browser or a user adds after it (` (1)`, `-edited`).
fn version_in_file_name(name: &str) -> Option<i64> {
    let rest = &name[name.rfind("catalogue-v")? + "catalogue-v".len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok().filter(|v| *v > 0)
}

/// `POST /catalogue` (ministry): an edited catalogue file, with a reason and the version it was
/// made from.
pub(crate) async fn upload_catalogue(
    State(state): State<AppState>,
    viewer: Viewer,
    multipart: Multipart,
) -> PageResult<Response> {
    AppError::check(access::can_edit_catalogue(viewer.who()))?;
    let (name, bytes, fields) =
        super::uploaded_form(&viewer, multipart, "catalogue.csv", &["reason", "based_on"]).await?;
    let name: String = name.chars().filter(|c| !c.is_control()).take(200).collect();
    let how = CatalogueEdit {
        user_id: viewer.user_id(),
        source: "web",
        reason: fields.get("reason").cloned().unwrap_or_default(),
        // The version a downloaded file was made from is in its name (`catalogue-v7.csv`, and
        // still in `catalogue-v7 (1).csv`): it beats the version the page showed, which is newer
        // when the page was reloaded after the download, and would let the upload overwrite
        // what was saved in between.
        based_on: version_in_file_name(&name)
            .or_else(|| fields.get("based_on").and_then(|v| v.trim().parse().ok())),
        dry_run: false,
    };
    let outcome = catalogue::import_catalogue(&state.store, &name, &bytes, &how)
        .await
        .map_err(edit_error)?;
    let status = if outcome.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = outcome_view(&outcome, viewer.lang);
    list_page(
        &state,
        &viewer,
        &CatalogueQuery::default(),
        status,
        Some(view),
    )
    .await
}

async fn entry_page(
    state: &AppState,
    viewer: &Viewer,
    code: Option<&str>,
    form: Option<(&BTreeMap<String, String>, &[CatalogueError], &str)>,
    status: StatusCode,
) -> PageResult<Response> {
    let (version, catalogue) = state.store.current_catalogue().await?;
    let entry = match code {
        Some(c) => Some(
            catalogue
                .get(c)
                .ok_or_else(|| AppError::NotFound(format!("indicator {c}")))?,
        ),
        None => None,
    };
    let lang = viewer.lang;
    let may_edit = access::can_edit_catalogue(viewer.who()).granted();
    // The form's values: what was typed (after a refusal), or the entry as it stands.
    let values: BTreeMap<String, String> = match form {
        Some((cells, ..)) => cells.clone(),
        None => entry.map_or_else(BTreeMap::new, |e| {
            CATALOGUE_COLUMNS
                .iter()
                .map(|(c, _)| c.to_string())
                .zip(e.cells())
                .collect()
        }),
    };
    let errors: BTreeMap<String, String> = form
        .map(|(_, errors, _)| {
            errors
                .iter()
                .map(|e| {
                    (
                        e.column.clone().unwrap_or_else(|| "form".into()),
                        e.message.clone(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let used_in = entry.map_or_else(Vec::new, |e| totals_of(&catalogue, &e.spec.code));
    let html = render(
        state,
        viewer,
        "catalogue_entry.html",
        "catalogue",
        context! {
            title => entry.map_or_else(|| i18n::t(lang, "catalogue.new"), |e| lang.pick(&e.spec.name_zh, &e.name_en).to_string()),
            entry => entry.map(|e| row(e, lang)),
            version => version.version,
            values => values,
            errors => errors,
            reason => form.map(|(.., r)| r.to_string()).unwrap_or_default(),
            columns => CATALOGUE_COLUMNS.iter().map(|(c, zh)| context! { code => *c, zh => *zh, label => i18n::t(lang, &format!("catalogue.col.{c}")) }).collect::<Vec<_>>(),
            dimensions => DIMENSIONS.iter().map(|(c, zh, en)| context! { code => *c, name => lang.pick(zh, en) }).collect::<Vec<_>>(),
            used_in => used_in,
            may_edit => may_edit,
            may_audit => access::can_read_audit(viewer.who()).granted(),
        },
    )?;
    Ok((status, html).into_response())
}

/// The indicators that name `code` as their total.
fn totals_of(catalogue: &ManagedCatalogue, code: &str) -> Vec<String> {
    catalogue
        .entries()
        .iter()
        .filter(|e| e.spec.parts_of.iter().any(|p| p == code))
        .map(|e| e.spec.code.clone())
        .collect()
}

/// `GET /catalogue/{code}`.
pub(crate) async fn indicator_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
) -> PageResult<Response> {
    if code == "new" {
        AppError::check(access::can_edit_catalogue(viewer.who()))?;
        return entry_page(&state, &viewer, None, None, StatusCode::OK).await;
    }
    entry_page(&state, &viewer, Some(&code), None, StatusCode::OK).await
}

/// `POST /catalogue/indicators` (ministry): the edit form of one indicator (new or existing).
pub(crate) async fn save_indicator(
    State(state): State<AppState>,
    viewer: Viewer,
    form: PageForm<BTreeMap<String, String>>,
) -> PageResult<Response> {
    AppError::check(access::can_edit_catalogue(viewer.who()))?;
    let mut cells = form.parse()?;
    viewer.check_csrf(cells.get("_csrf").map(String::as_str))?;
    let reason = cells.remove("reason").unwrap_or_default();
    let based_on = cells.remove("based_on").and_then(|v| v.trim().parse().ok());
    cells.retain(|k, _| CATALOGUE_COLUMNS.iter().any(|(c, _)| c == k));
    // Unticked boxes are absent from a form.
    for flag in ["cumulative", "required"] {
        cells.entry(flag.into()).or_insert_with(|| "no".into());
    }
    let code = cells.get("code").cloned().unwrap_or_default();
    let existing = state
        .store
        .current_catalogue()
        .await?
        .1
        .get(&code)
        .is_some();
    let how = CatalogueEdit {
        user_id: viewer.user_id(),
        source: "web",
        reason: reason.clone(),
        based_on,
        dry_run: false,
    };
    let outcome = catalogue::save_entry(&state.store, &cells, &how)
        .await
        .map_err(edit_error)?;
    if outcome.errors.is_empty() {
        let to = format!("/catalogue/{}", urlencoding(&code));
        return Ok(Redirect::to(&to).into_response());
    }
    entry_page(
        &state,
        &viewer,
        existing.then_some(code.as_str()),
        Some((&cells, &outcome.errors, &reason)),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// A code in a path: codes are a–z, 0–9 and `_` once saved, so only a refused one needs this.
fn urlencoding(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::version_in_file_name;

    #[test]
    fn the_version_a_download_was_made_from_is_read_from_its_name() {
        assert_eq!(version_in_file_name("catalogue-v7.csv"), Some(7));
        assert_eq!(version_in_file_name("catalogue-v12 (1).xlsx"), Some(12));
        assert_eq!(version_in_file_name("我的catalogue-v3-改.csv"), Some(3));
        assert_eq!(version_in_file_name("catalogue.csv"), None);
        assert_eq!(version_in_file_name("catalogue-v.csv"), None);
        assert_eq!(version_in_file_name("catalogue-v0.csv"), None);
        assert_eq!(
            version_in_file_name("catalogue-v99999999999999999999.csv"),
            None
        );
    }
}
