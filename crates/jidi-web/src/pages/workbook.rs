//! The province workbook (省级汇总表) in the browser: `/values/workbook` lets a province (or the
//! ministry, for one province) download one XLSX for all its bases and a period — bases as rows,
//! indicators as columns, pre-filled with the accepted figures — and upload it back, checked
//! exactly as any upload and accepted all or nothing as the caller's own figures.

use axum::extract::{Multipart, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jidi_collect::ValuePeriod;
use jidi_domain::access::RecordScope;
use jidi_domain::roll::Base;
use jidi_service::values::ImportValues;
use jidi_service::workbook;
use minijinja::context;
use serde::Deserialize;

use super::render::*;
use super::values::{bases_in_scope, outcome_of, period_of, reporting};
use crate::auth::Viewer;
use crate::error::{AppError, PageResult};
use crate::i18n;
use crate::reads::values::{collect_scope, review_of, values_error};
use crate::state::AppState;

/// Which workbook.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct WorkbookQuery {
    period: Option<String>,
    /// The ministry chooses a province; a province has its own.
    province: Option<String>,
    #[serde(rename = "lang")]
    _lang: Option<String>,
}

/// The caller's scope narrowed to one province: a province its own, the ministry the one asked
/// for (the page offers Hubei, the demo's first province, until one is chosen; the file and the
/// upload must name it); a base user has no workbook (its template is one base's).
fn province_scope(
    scope: &RecordScope,
    asked: Option<&str>,
    page: bool,
) -> Result<RecordScope, AppError> {
    match (scope, asked.map(str::trim).filter(|p| !p.is_empty())) {
        (RecordScope::Province(p), None) => Ok(RecordScope::Province(p.clone())),
        (RecordScope::Province(p), Some(a)) if a == p => Ok(RecordScope::Province(p.clone())),
        (RecordScope::Province(_), Some(_)) | (RecordScope::Base(_), _) => Err(AppError::Forbidden),
        (RecordScope::All, Some(a)) => {
            if jidi_domain::reference::Regions::get().province(a).is_none() {
                return Err(AppError::bad_field(
                    "province",
                    "a province code of GB/T 2260 (e.g. 420000)",
                ));
            }
            Ok(RecordScope::Province(a.to_string()))
        }
        (RecordScope::All, None) if page => Ok(RecordScope::Province("420000".into())),
        (RecordScope::All, None) => Err(AppError::bad_field(
            "province",
            "the ministry names the province of the workbook",
        )),
    }
}

fn rows_of(bases: &[Base]) -> Vec<(i64, String, String)> {
    bases
        .iter()
        .filter(|b| b.facts.status == jidi_domain::roll::Status::Current)
        .map(|b| (b.id, b.facts.name.clone(), b.facts.category_code.clone()))
        .collect()
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    scope: &RecordScope,
    period: ValuePeriod,
    outcome: Option<super::values::Outcome>,
    status: StatusCode,
) -> PageResult<Response> {
    let RecordScope::Province(province) = scope else {
        return Err(AppError::Forbidden.into());
    };
    let bases = rows_of(&bases_in_scope(state, scope).await?);
    let lang = viewer.lang;
    let html = render(
        state,
        viewer,
        "workbook.html",
        "values",
        context! {
            title => i18n::t(lang, "workbook.title"),
            period => period.to_string(),
            province => province.clone(),
            province_name => crate::views::province_name(province, lang),
            provinces => ser(&province_options(lang)),
            choose_province => matches!(reporting(viewer)?.1, RecordScope::All),
            n_bases => bases.len(),
            outcome => outcome.map(|o| context! {
                status => o.status, changed => o.changed, unchanged => o.unchanged,
                findings => o.findings,
            }),
        },
    )?;
    Ok((status, html).into_response())
}

/// `GET /values/workbook?period=&province=`: the page.
pub(crate) async fn workbook_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<WorkbookQuery>,
) -> PageResult<Response> {
    let (_, scope) = reporting(&viewer)?;
    let scope = province_scope(&scope, q.province.as_deref(), true)?;
    let period = period_of(&state, q.period.as_deref()).await?;
    page(&state, &viewer, &scope, period, None, StatusCode::OK).await
}

/// `GET /values/workbook.xlsx?period=&province=`: the workbook itself.
pub(crate) async fn workbook_file(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<WorkbookQuery>,
) -> PageResult<Response> {
    let (_, scope) = reporting(&viewer)?;
    let scope = province_scope(&scope, q.province.as_deref(), false)?;
    let RecordScope::Province(province) = &scope else {
        return Err(AppError::Forbidden.into());
    };
    let period = period_of(&state, q.period.as_deref()).await?;
    let bases = rows_of(&bases_in_scope(&state, &scope).await?);
    let (header, rows) = workbook::workbook(&state.store, &bases, period)
        .await
        .map_err(values_error)?;
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let bytes = jidi_tabular::write_xlsx("汇总表", &header, &rows).map_err(AppError::internal)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"workbook-{province}-{period}.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `POST /values/workbook?period=&province=`: the filled-in workbook, accepted all or nothing
/// as the caller's figures (a province's and the ministry's are accepted at once).
pub(crate) async fn upload_workbook(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<WorkbookQuery>,
    multipart: Multipart,
) -> PageResult<Response> {
    let (principal, scope) = reporting(&viewer)?;
    let narrowed = province_scope(&scope, q.province.as_deref(), false)?;
    let (name, bytes, fields) = super::uploaded_form(
        &viewer,
        multipart,
        "workbook.xlsx",
        &["explanation", "reason"],
    )
    .await?;
    let name: String = name.chars().filter(|c| !c.is_control()).take(200).collect();
    for field in ["reason", "explanation"] {
        let text = fields.get(field).map_or("", String::as_str);
        if text.chars().count() > 2000 || text.contains('\0') {
            return Err(AppError::bad_field(field, "at most 2,000 characters, no NUL").into());
        }
    }
    let period = period_of(&state, q.period.as_deref()).await?;
    let how = ImportValues {
        user_id: Some(principal.user_id),
        source: "xlsx",
        scope: collect_scope(&narrowed),
        dry_run: false,
        reason: fields.get("reason").cloned().unwrap_or_default(),
        explanation: fields
            .get("explanation")
            .map(|e| e.trim().to_string())
            .unwrap_or_default(),
        review: review_of(&state, &principal).await?,
    };
    let result = workbook::import_workbook(&state.store, &name, &bytes, &how)
        .await
        .map_err(values_error)?;
    let outcome = outcome_of(&result, |f| f.indicator.clone(), viewer.lang);
    let status = if result.refused() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page(&state, &viewer, &narrowed, period, Some(outcome), status).await
}
