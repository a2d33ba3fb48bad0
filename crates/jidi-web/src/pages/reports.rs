//! `/reports`: the published editions of the annual development report (everyone), and for the
//! ministry the forms that generate a draft and publish an edition with the office's final file.

use axum::extract::{Multipart, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jidi_domain::access;
use minijinja::context;

use super::render::*;
use crate::auth::Viewer;
use crate::error::{AppError, PageResult};
use crate::i18n;
use crate::params::parse_id;
use crate::reads::reports::{self, DraftQuery};
use crate::state::AppState;

/// `GET /reports`.
pub(crate) async fn reports_page(
    State(state): State<AppState>,
    viewer: Viewer,
) -> PageResult<Html<String>> {
    let lang = viewer.lang;
    let editions = reports::editions(&state).await?;
    let can_manage = access::can_manage_reports(viewer.who()).granted();
    // Years with annual values, newest first, for the ministry's forms.
    let mut years = if can_manage {
        state.store.annual_years().await?
    } else {
        Vec::new()
    };
    years.sort_unstable_by(|a, b| b.cmp(a));
    render(
        &state,
        &viewer,
        "reports.html",
        "reports",
        context! {
            title => i18n::t(lang, "report.title"),
            editions => ser(&editions),
            can_manage => can_manage,
            years => years,
        },
    )
}

/// `GET /reports/draft?year=&format=&lang=` (ministry).
pub(crate) async fn draft(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<DraftQuery>,
) -> PageResult<Response> {
    AppError::check(access::can_manage_reports(viewer.who()))?;
    let spec = q.parse()?;
    Ok(reports::draft(&state, &viewer, &spec)
        .await?
        .into_response())
}

/// `POST /reports/publish` (ministry; multipart: `_csrf`, `year`, `lang`, optional `file`).
pub(crate) async fn publish(
    State(state): State<AppState>,
    viewer: Viewer,
    mut multipart: Multipart,
) -> PageResult<Response> {
    // Who is asking is checked before the body is read.
    AppError::check(access::can_manage_reports(viewer.who()))?;
    let bad =
        |e: axum::extract::multipart::MultipartError| AppError::bad_field("form", e.to_string());
    let (mut csrf, mut year, mut lang) = (String::new(), String::new(), String::new());
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name() {
            Some("_csrf") => csrf = field.text().await.map_err(bad)?,
            Some("year") => year = field.text().await.map_err(bad)?,
            Some("lang") => lang = field.text().await.map_err(bad)?,
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_string();
                let bytes = field.bytes().await.map_err(bad)?.to_vec();
                // A form posted without choosing a file sends an empty part.
                if !(name.is_empty() && bytes.is_empty()) {
                    file = Some((name, bytes));
                }
            }
            _ => {}
        }
    }
    viewer.check_csrf(Some(&csrf))?;
    let year = reports::year_field(&year)?;
    let lang = reports::lang_field(&lang)?;
    let view = reports::publish(&state, &viewer, year, lang, file).await?;
    Ok(Redirect::to(&format!("/reports#edition-{}", view.id)).into_response())
}

/// `GET /reports/editions/{id}/{file}` (everyone).
pub(crate) async fn edition_file(
    State(state): State<AppState>,
    Path((id, file)): Path<(String, String)>,
) -> PageResult<Response> {
    let id = parse_id(&id, "id")?;
    Ok(reports::edition_file(&state, id, &file)
        .await?
        .into_response())
}
