//! Indicator values through the API: upload (CSV or XLSX in the long form, checked all or
//! nothing), export within the caller's scope, submissions and their review, and the audit log.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jidi_collect::Finding;
use jidi_domain::access::{self, RecordScope};
use jidi_service::values::{
    self, ExportValues, FormValue, ImportValues, LONG_FORM_HEADER, ValuesOutcome,
};
use jidi_store::{AuditFilter, FieldComment, Frequency, SubmissionRecord, SubmissionStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::extract::{ApiJson, ApiQuery};
use crate::auth::Viewer;
use jidi_domain::roll::FieldError;

use crate::error::{ApiResult, AppError, ErrorBody, FileProblem};
use crate::params::{csrf, parse_id};
use crate::reads::values::{
    collect_scope, denied, review, review_of, submission_filter, values_error,
};
use crate::state::AppState;

/// Query of an upload.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    /// File name (its extension tells CSV from XLSX when the content does not).
    pub file: Option<String>,
    /// Check only; write nothing.
    pub dry_run: Option<bool>,
    /// Why (a correction's reason), recorded with the values.
    pub reason: Option<String>,
}

/// A finding about an uploaded file.
#[derive(Serialize, ToSchema)]
pub struct FindingView {
    /// Row (1 = header; absent when not located).
    pub row: Option<usize>,
    /// Column label.
    pub column: Option<String>,
    /// `error` or `warning`.
    pub severity: String,
    /// Stable rule name (`unit_slip`, `jump`, …).
    pub rule: String,
    /// Base.
    pub base_id: Option<i64>,
    /// Indicator code.
    pub indicator: Option<String>,
    /// Period `YYYY` or `YYYY-MM`.
    pub period: Option<String>,
    /// The offending value.
    pub value: Option<String>,
    /// What was expected.
    pub expected: String,
    /// The message, in Chinese.
    pub message: String,
}

/// The wire view of a finding.
pub fn finding_view(f: &Finding) -> FindingView {
    FindingView {
        row: f.row,
        column: f.column.clone(),
        severity: f.severity.code().into(),
        rule: f.rule.name().into(),
        base_id: f.base_id,
        indicator: f.indicator.clone(),
        period: f.period.clone(),
        value: f.value.clone(),
        expected: f.expected.clone(),
        message: f.message.clone(),
    }
}

/// What an accepted (or dry-run) upload did.
#[derive(Serialize, ToSchema)]
pub struct UploadResponse {
    /// `accepted` (values in force), `submitted` (waiting for the province's review),
    /// `unchanged` (every value equal to the accepted one) or `checked` (dry run).
    pub status: String,
    /// Data rows read.
    pub rows: usize,
    /// Values new or corrected.
    pub changed: usize,
    /// Values equal to the accepted ones.
    pub unchanged: usize,
    /// The accepted batch.
    pub batch_id: Option<i64>,
    /// The submission waiting for review.
    pub submission_id: Option<i64>,
    /// Warnings, each explained in the file's `explanation` (情况说明) column.
    pub warnings: Vec<FindingView>,
}

fn rejected(file: &str, outcome: &ValuesOutcome) -> AppError {
    let mut problems: Vec<FileProblem> = outcome
        .report
        .errors()
        .map(|f| FileProblem {
            file: file.into(),
            row: f.row.unwrap_or(0),
            column: f.column.clone().unwrap_or_default(),
            rule: f.rule.name().into(),
            message: f.message.clone(),
        })
        .collect();
    for f in outcome
        .report
        .warnings()
        .filter(|w| outcome.unexplained.contains(&w.row.unwrap_or(0)))
    {
        problems.push(FileProblem {
            file: file.into(),
            row: f.row.unwrap_or(0),
            column: "explanation".into(),
            rule: "unexplained_warning".into(),
            message: format!(
                "{}（警告 {}：请在“情况说明”列填写说明后再提交）",
                f.message,
                f.rule.name()
            ),
        });
    }
    AppError::Rejected {
        code: "values_rejected",
        message: format!(
            "{} problem(s); nothing was written: {}",
            problems.len(),
            problems
                .iter()
                .take(3)
                .map(|p| format!("row {} {} {}", p.row, p.rule, p.message))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        fields: problems
            .iter()
            .map(|p| FieldError {
                field: format!("row {}, {}", p.row, p.column),
                message: p.message.clone(),
            })
            .collect(),
        problems,
    }
}

/// Uploads indicator values in the long form `base_id,base_name,period,indicator,value,unit`
/// (plus an optional `explanation` column, 情况说明), as CSV or XLSX. Every row is checked
/// against the catalogue, the roll, the caller's scope, the base's history and its peers; any
/// error, or a warning without an explanation, rejects the whole file (422, nothing written).
/// The ministry's and a province's uploads are accepted at once; a base's wait for its
/// province's review.
#[utoipa::path(post, path = "/api/v1/values", tag = "values", params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "text/csv", description = "The file (CSV, UTF-8 or GB18030; or XLSX)"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = 201, description = "Accepted or submitted for review", body = UploadResponse),
        (status = 200, description = "Dry run, or nothing changed", body = UploadResponse),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "Rejected; nothing written. `error.problems` lists every problem by row, column and rule", body = ErrorBody),
    ))]
pub async fn upload_values(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<UploadQuery>,
    body: Bytes,
) -> ApiResult<Response> {
    let scope = access::reporting_scope(viewer.who()).map_err(denied)?;
    viewer.check_csrf(csrf(&headers))?;
    let principal = viewer.who().ok_or(AppError::Unauthorized)?;
    let file = q.file.unwrap_or_else(|| "upload.csv".into());
    let reason = q.reason.unwrap_or_default();
    if reason.chars().count() > 2000 || reason.contains('\0') {
        return Err(AppError::bad_field("reason", "at most 2,000 characters, no NUL").into());
    }
    let review = review_of(&state, principal).await?;
    let how = ImportValues {
        user_id: viewer.user_id(),
        source: "api",
        scope: collect_scope(&scope),
        dry_run: q.dry_run.unwrap_or(false),
        reason,
        explanation: String::new(),
        review,
    };
    let outcome = values::import_values(&state.store, &file, &body, &how)
        .await
        .map_err(values_error)?;
    if outcome.refused() {
        return Err(rejected(&file, &outcome).into());
    }
    let (status, code) = match (&outcome, how.dry_run) {
        (_, true) => ("checked", StatusCode::OK),
        (o, _) if o.submission_id.is_some() => ("submitted", StatusCode::CREATED),
        (o, _) if o.batch_id.is_some() => ("accepted", StatusCode::CREATED),
        _ => ("unchanged", StatusCode::OK),
    };
    let body = UploadResponse {
        status: status.into(),
        rows: outcome.rows,
        changed: outcome.changed,
        unchanged: outcome.unchanged,
        batch_id: outcome.batch_id,
        submission_id: outcome.submission_id,
        warnings: outcome.report.warnings().map(finding_view).collect(),
    };
    Ok((code, axum::Json(body)).into_response())
}

/// The values of one base and period to check, as a form holds them.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    /// The base.
    pub base_id: i64,
    /// `YYYY` (annual indicators) or `YYYY-MM` (monthly).
    pub period: String,
    /// Indicator code → value (a number, or text as typed: `1,234.5`, `12%`; empty or null: no
    /// value). At most 200.
    #[schema(value_type = Object)]
    pub values: std::collections::BTreeMap<String, serde_json::Value>,
}

/// What a check found.
#[derive(Serialize, ToSchema)]
pub struct CheckResponse {
    /// Every finding; `indicator` names the field, `row` is the value's place (2 = the first)
    /// in the request's order of codes.
    pub findings: Vec<FindingView>,
    /// Number of errors (a submission would be refused).
    pub errors: usize,
    /// Number of warnings (each needs an explanation, 情况说明).
    pub warnings: usize,
}

/// The largest number of values one check takes.
const MAX_CHECK_VALUES: usize = 200;

/// Checks the values of one base and period exactly as an upload of them would be checked
/// (units, ranges, jumps against last year and last period, unit slips against history and
/// peers, parts above totals, scope), and writes nothing: what the collection form calls as the
/// user types.
#[utoipa::path(post, path = "/api/v1/values/check", tag = "values", request_body = CheckRequest,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = CheckResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn check_values(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: ApiJson<CheckRequest>,
) -> ApiResult<axum::Json<CheckResponse>> {
    let scope = access::reporting_scope(viewer.who()).map_err(denied)?;
    viewer.check_csrf(csrf(&headers))?;
    let body = body.parse()?;
    if body.values.len() > MAX_CHECK_VALUES {
        return Err(
            AppError::bad_field("values", format!("at most {MAX_CHECK_VALUES} values")).into(),
        );
    }
    let text_ok = |t: &str, max: usize| t.chars().count() <= max && !t.contains('\0');
    if !text_ok(&body.period, 32) {
        return Err(AppError::bad_field("period", "at most 32 characters, no NUL").into());
    }
    let mut values = Vec::with_capacity(body.values.len());
    for (code, v) in &body.values {
        if !text_ok(code, 64) {
            return Err(AppError::bad_field(
                "values",
                "an indicator code has at most 64 characters, no NUL",
            )
            .into());
        }
        let text = match v {
            serde_json::Value::Null => continue,
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::String(t) if text_ok(t, 100) => t.clone(),
            _ => {
                return Err(AppError::bad_field(
                    &format!("values.{code}"),
                    "a number, or text of at most 100 characters without NUL",
                )
                .into());
            }
        };
        values.push(FormValue {
            indicator: code.clone(),
            value: text,
            explanation: String::new(),
        });
    }
    let report = values::check_values_form(
        &state.store,
        body.base_id,
        &body.period,
        &values,
        &collect_scope(&scope),
    )
    .await
    .map_err(values_error)?;
    Ok(axum::Json(CheckResponse {
        errors: report.errors().count(),
        warnings: report.warnings().count(),
        findings: report.findings.iter().map(finding_view).collect(),
    }))
}

/// Query of an export.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// A year (annual values; every month of it with `frequency=monthly`).
    pub year: Option<i32>,
    /// A month `YYYY-MM` (monthly values).
    pub period: Option<String>,
    /// `annual` or `monthly`.
    pub frequency: Option<String>,
    /// One base.
    pub base: Option<i64>,
    /// `csv` (default) or `xlsx`.
    pub format: Option<String>,
}

/// Accepted values in the long form, within the caller's scope (a base its own, a province its
/// bases', the ministry and evaluators every base's). A year or a month is required.
#[utoipa::path(get, path = "/api/v1/values", tag = "values", params(ExportQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = 200, description = "The values file", content_type = "text/csv"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    ))]
pub async fn export_values(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> ApiResult<Response> {
    let scope = access::record_scope(viewer.who()).map_err(denied)?;
    let format = q.format.as_deref().unwrap_or("csv");
    if !matches!(format, "csv" | "xlsx") {
        return Err(AppError::bad_field("format", format!("{format:?} is not csv or xlsx")).into());
    }
    let frequency = match (q.frequency.as_deref(), &q.period) {
        (Some("annual"), None) | (None, None) => Frequency::Annual,
        (Some("monthly"), _) | (None, Some(_)) => Frequency::Monthly,
        (Some(other), _) => {
            return Err(AppError::bad_field(
                "frequency",
                format!("{other:?} is not annual or monthly (a period is a month)"),
            )
            .into());
        }
    };
    let valid_year = |y: i32| (1990..=2100).contains(&y);
    let periods = match (&q.period, q.year) {
        (Some(p), _) => {
            let m: jidi_monitor::period::Period = p
                .parse()
                .map_err(|_| AppError::bad_field("period", format!("{p:?} is not YYYY-MM")))?;
            let key = m.year() * 100 + m.month() as i32;
            (key, key)
        }
        (None, Some(y)) if valid_year(y) => match frequency {
            Frequency::Annual => (y, y),
            Frequency::Monthly => (y * 100 + 1, y * 100 + 12),
        },
        (None, Some(y)) => {
            return Err(
                AppError::bad_field("year", format!("{y} is not a year of the programme")).into(),
            );
        }
        (None, None) => {
            return Err(AppError::bad_field("year", "a year or a period is required").into());
        }
    };
    let (base_id, province_code) = match scope {
        RecordScope::All => (q.base, None),
        RecordScope::Province(p) => (q.base, Some(p)),
        RecordScope::Base(own) => {
            if q.base.is_some_and(|b| b != own) {
                return Err(AppError::Forbidden.into());
            }
            (Some(own), None)
        }
    };
    let mut rows = Vec::new();
    values::export_values(
        &state.store,
        &ExportValues {
            frequency,
            periods,
            base_id,
            province_code,
        },
        |r| rows.push(r),
    )
    .await
    .map_err(values_error)?;
    let (bytes, content_type, ext) = if format == "xlsx" {
        (
            jidi_tabular::write_xlsx("values", &LONG_FORM_HEADER, &rows)
                .map_err(AppError::internal)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    } else {
        (
            jidi_tabular::write_csv(&LONG_FORM_HEADER, &rows).map_err(AppError::internal)?,
            "text/csv; charset=utf-8",
            "csv",
        )
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"values.{ext}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// A submission waiting for (or after) review.
#[derive(Serialize, ToSchema)]
pub struct SubmissionView {
    /// Id.
    pub id: i64,
    /// When submitted (RFC 3339).
    pub at: String,
    /// Reporting base.
    pub base_id: Option<i64>,
    /// Reviewing province.
    pub province_code: String,
    /// `submitted`, `accepted` or `returned`.
    pub status: String,
    /// File name.
    pub file_name: String,
    /// Number of values.
    pub values: i64,
    /// Reporter's reason.
    pub reason: String,
    /// Reviewer's comment.
    pub review_comment: String,
    /// The accepted batch.
    pub batch_id: Option<i64>,
    /// The reviewer's comments on single fields (a returned submission).
    pub field_comments: Vec<FieldCommentView>,
}

/// A reviewer's comment on one value of a submission.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldCommentView {
    /// Indicator code.
    pub indicator: String,
    /// `YYYY` or `YYYY-MM`.
    pub period: String,
    /// What to check or correct.
    pub comment: String,
}

fn field_comment_view(c: &FieldComment) -> FieldCommentView {
    let frequency = if c.period > 9999 {
        Frequency::Monthly
    } else {
        Frequency::Annual
    };
    FieldCommentView {
        indicator: c.indicator.clone(),
        period: values::period_text(frequency, c.period),
        comment: c.comment.clone(),
    }
}

async fn with_comments(state: &AppState, s: &SubmissionRecord) -> Result<SubmissionView, AppError> {
    let mut view = submission_view(s);
    if s.status == SubmissionStatus::Returned {
        view.field_comments = state
            .store
            .submission_comments(s.id)
            .await?
            .iter()
            .map(field_comment_view)
            .collect();
    }
    Ok(view)
}

fn submission_view(s: &SubmissionRecord) -> SubmissionView {
    SubmissionView {
        id: s.id,
        at: s.at.to_rfc3339(),
        base_id: s.base_id,
        province_code: s.province_code.clone(),
        status: s.status.code().into(),
        file_name: s.file_name.clone(),
        values: s.values,
        reason: s.reason.clone(),
        review_comment: s.review_comment.clone(),
        batch_id: s.batch_id,
        field_comments: Vec::new(),
    }
}

/// Query of the submissions list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SubmissionQuery {
    /// `submitted`, `accepted` or `returned`.
    pub status: Option<String>,
}

/// Submissions within the caller's scope, newest first (at most 200).
#[utoipa::path(get, path = "/api/v1/submissions", tag = "values", params(SubmissionQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Vec<SubmissionView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list_submissions(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<SubmissionQuery>,
) -> ApiResult<axum::Json<Vec<SubmissionView>>> {
    let scope = access::record_scope(viewer.who()).map_err(denied)?;
    let status = match q.status.as_deref() {
        None => None,
        Some(s) => Some(SubmissionStatus::parse(s).ok_or_else(|| {
            AppError::bad_field(
                "status",
                format!("{s:?} is not submitted, accepted or returned"),
            )
        })?),
    };
    let filter = submission_filter(scope, status);
    let items = state.store.submissions(&filter, 200).await?;
    let mut views = Vec::with_capacity(items.len());
    for s in &items {
        views.push(with_comments(&state, s).await?);
    }
    Ok(axum::Json(views))
}

/// A review decision.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    /// Accept (true) or return (false).
    pub accept: bool,
    /// Comment (required to return).
    #[serde(default)]
    pub comment: String,
    /// Comments on single values (only to return): each names an indicator and period of the
    /// submission.
    #[serde(default)]
    pub fields: Vec<FieldCommentView>,
}

/// Accepts or returns a submission (its province, or the ministry). An accepted submission's
/// values become the accepted ones, each as a new revision, in one transaction.
#[utoipa::path(post, path = "/api/v1/submissions/{id}/review", tag = "values", request_body = ReviewRequest,
    params(("id" = i64, Path, description = "Submission id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = SubmissionView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn review_submission(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<ReviewRequest>,
) -> ApiResult<axum::Json<SubmissionView>> {
    let id = parse_id(&id, "id")?;
    let principal = viewer.who().ok_or(AppError::Unauthorized)?.clone();
    viewer.check_csrf(csrf(&headers))?;
    let body = body.parse()?;
    let mut fields = Vec::with_capacity(body.fields.len().min(1000));
    for f in body.fields.iter().take(1000) {
        let period = f
            .period
            .trim()
            .parse::<jidi_collect::parse::ValuePeriod>()
            .map_err(|_| {
                AppError::bad_field(
                    "fields",
                    format!(
                        "{:?} is not a period",
                        f.period.chars().take(20).collect::<String>()
                    ),
                )
            })?;
        fields.push(FieldComment {
            indicator: f.indicator.trim().to_string(),
            period: jidi_service::tasks::period_key(period).1,
            comment: f.comment.trim().to_string(),
        });
    }
    let after = review(&state, &principal, id, body.accept, &body.comment, &fields).await?;
    Ok(axum::Json(with_comments(&state, &after).await?))
}

/// An audit entry.
#[derive(Serialize, ToSchema)]
pub struct AuditView {
    /// Sequence number.
    pub id: i64,
    /// When (RFC 3339).
    pub at: String,
    /// Who (absent: the command line or the system).
    pub user_id: Option<i64>,
    /// What was done.
    pub action: String,
    /// Kind of record.
    pub entity: String,
    /// Its key.
    pub entity_id: String,
    /// Details (JSON): old and new values, reasons, file names and hashes.
    pub detail: serde_json::Value,
}

/// Query of the audit log.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Kind of record (`base`, `value_batch`, `value_submission`, `proposal`, `user`, …).
    pub entity: Option<String>,
    /// One record (with `entity`).
    pub entity_id: Option<String>,
    /// One user's actions.
    pub user_id: Option<i64>,
    /// Entries before this id (the next page).
    pub before: Option<i64>,
}

/// The append-only audit log, newest first, 100 entries a page (the ministry).
#[utoipa::path(get, path = "/api/v1/audit", tag = "values", params(AuditQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Vec<AuditView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_audit(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<axum::Json<Vec<AuditView>>> {
    AppError::check(access::can_read_audit(viewer.who()))?;
    for (field, text) in [("entity", &q.entity), ("entity_id", &q.entity_id)] {
        if text
            .as_ref()
            .is_some_and(|t| t.len() > 200 || t.contains('\0'))
        {
            return Err(AppError::bad_field(field, "at most 200 bytes, no NUL").into());
        }
    }
    let entries = state
        .store
        .audit_entries(
            &AuditFilter {
                entity: q.entity,
                entity_id: q.entity_id,
                user_id: q.user_id,
                before: q.before,
            },
            100,
        )
        .await?;
    Ok(axum::Json(
        entries
            .into_iter()
            .map(|e| AuditView {
                id: e.id,
                at: e.at.to_rfc3339(),
                user_id: e.user_id,
                action: e.action,
                entity: e.entity,
                entity_id: e.entity_id,
                detail: serde_json::from_str(&e.detail)
                    .unwrap_or(serde_json::Value::String(e.detail)),
            })
            .collect(),
    ))
}
