//! The warning rules through the API: read them (every signed-in role; as JSON views or as the
//! rule file, TOML or JSON), list the saved versions, and (the ministry) replace them with a rule
//! file, checked whole and saved as the next version, after which every warning is replayed.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jidi_domain::access;
use jidi_service::warning_rules::{self, RulesEdit, RulesFormat};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::extract::ApiQuery;
use crate::auth::Viewer;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::params::csrf;
use crate::reads::warning_rules::{
    WarningRulesEditResponse, WarningRulesVersionView, WarningRulesView, edit_error, edit_response,
    rejected, rules_view, version_view,
};
use crate::state::AppState;

/// Which version, in which form.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct WarningRulesQuery {
    /// A saved version (default: the rules in force).
    pub version: Option<i64>,
    /// `view` (default: the rules with their thresholds per level), or the rule file as `toml`
    /// or `json`, which `PUT` reads back.
    pub format: Option<String>,
    /// Interface language (`zh` or `en`).
    pub lang: Option<String>,
}

/// The warning rules: each rule's kind, the indicators it reads, its thresholds per level
/// (蓝/黄/橙/红) and reset period, with the version they come from.
#[utoipa::path(get, path = "/api/v1/monitoring/rules", tag = "monitoring", params(WarningRulesQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = 200, description = "The rules (JSON views), or the rule file (TOML/JSON)", body = WarningRulesView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
pub async fn get_warning_rules(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<WarningRulesQuery>,
) -> ApiResult<Response> {
    AppError::check(access::can_read_warning_rules(viewer.who()))?;
    let format = q.format.as_deref().unwrap_or("view");
    let file = match format {
        "view" => None,
        other => Some(RulesFormat::parse(other).ok_or_else(|| {
            AppError::bad_field(
                "format",
                format!(
                    "{:?} is not view, toml or json",
                    other.chars().take(20).collect::<String>()
                ),
            )
        })?),
    };
    let rules = match q.version {
        None => warning_rules::in_force(&state.store).await?,
        Some(v) => warning_rules::at_version(&state.store, v)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("warning rules version {v}")))?,
    };
    let Some(file) = file else {
        return Ok(axum::Json(rules_view(&rules, viewer.lang)).into_response());
    };
    let content_type = match file {
        RulesFormat::Toml => "application/toml; charset=utf-8",
        RulesFormat::Json => "application/json",
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"warning-rules-v{}.{}\"",
                    rules.number(),
                    file.code()
                ),
            ),
        ],
        warning_rules::write_rules(&rules.rules, file),
    )
        .into_response())
}

/// Every saved version of the warning rules, newest first (none: the built-in set is in force).
#[utoipa::path(get, path = "/api/v1/monitoring/rules/versions", tag = "monitoring",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Vec<WarningRulesVersionView>), (status = 401, body = ErrorBody)))]
pub async fn list_warning_rules_versions(
    State(state): State<AppState>,
    viewer: Viewer,
) -> ApiResult<axum::Json<Vec<WarningRulesVersionView>>> {
    AppError::check(access::can_read_warning_rules(viewer.who()))?;
    let versions = state.store.warning_rules_versions(1_000).await?;
    Ok(axum::Json(versions.iter().map(version_view).collect()))
}

/// Query of a rule upload.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct WarningRulesUploadQuery {
    /// File name (`.toml` or `.json` tells the format; else the content does).
    pub file: Option<String>,
    /// Why (required; recorded with the version and in the audit log).
    pub reason: Option<String>,
    /// The version the file was made from (0: the built-in set): 409 when another one was saved
    /// since.
    pub based_on: Option<i64>,
    /// Check only; save nothing.
    pub dry_run: Option<bool>,
    /// Interface language (`zh` or `en`).
    pub lang: Option<String>,
}

/// Replaces the warning rules with a rule file (TOML `[[rules]]` or JSON `{"rules": [...]}`, as
/// `GET ?format=toml|json` gives it; at most 256 KiB, 200 rules). Checked whole: ids unique and
/// well-formed, thresholds finite, ordered by level and within ±1e9, parameters in range; any
/// problem refuses the file (422, nothing saved). A saved set replays every warning before the
/// answer. The ministry only.
#[utoipa::path(put, path = "/api/v1/monitoring/rules", tag = "monitoring", params(WarningRulesUploadQuery),
    request_body(content = String, content_type = "application/toml", description = "The rule file (TOML or JSON)"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = 201, description = "Saved as the next version; warnings replayed", body = WarningRulesEditResponse),
        (status = 200, description = "Dry run, or nothing changed", body = WarningRulesEditResponse),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, description = "Refused; nothing saved. `error.fields` names each rule and field", body = ErrorBody),
    ))]
pub async fn put_warning_rules(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<WarningRulesUploadQuery>,
    body: Bytes,
) -> ApiResult<Response> {
    AppError::check(access::can_edit_warning_rules(viewer.who()))?;
    viewer.check_csrf(csrf(&headers))?;
    let file: String = q
        .file
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let dry_run = q.dry_run.unwrap_or(false);
    let how = RulesEdit {
        user_id: viewer.user_id(),
        source: "api",
        reason: q.reason.unwrap_or_default(),
        based_on: q.based_on,
        dry_run,
    };
    let outcome = warning_rules::import_rules(&state.store, &file, &body, &how)
        .await
        .map_err(edit_error)?;
    if !outcome.problems.is_empty() {
        return Err(rejected(&file, &outcome.problems).into());
    }
    let code = if outcome.saved.is_some() {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((code, axum::Json(edit_response(&outcome, dry_run))).into_response())
}
