//! `/monitoring/rules`: the warning rules with their thresholds per level (every signed-in
//! role), the saved versions and the file downloads; the ministry uploads a rule file or edits
//! the TOML in place. Every save is checked whole by `jidi_service::warning_rules`, saved as the
//! next version and replays the warnings; a refusal lists every problem by rule and field.

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jidi_domain::access;
use jidi_service::warning_rules::{self, RulesEdit, RulesFormat, RulesOutcome};
use minijinja::context;
use serde::Deserialize;

use super::PageForm;
use super::render::*;
use crate::auth::Viewer;
use crate::error::{AppError, PageResult};
use crate::i18n::{self, Lang};
use crate::reads::warning_rules::{edit_error, rules_view, version_view};
use crate::state::AppState;

async fn rules_page(
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    outcome: Option<minijinja::Value>,
    text: Option<String>,
) -> PageResult<Response> {
    AppError::check(access::can_read_warning_rules(viewer.who()))?;
    let lang = viewer.lang;
    let rules = warning_rules::in_force(&state.store).await?;
    let versions: Vec<minijinja::Value> = state
        .store
        .warning_rules_versions(50)
        .await?
        .iter()
        .map(|v| {
            let w = version_view(v);
            context! { date => w.at.get(..16).unwrap_or_default().replace('T', " "), ..ser(&w) }
        })
        .collect();
    let may_edit = access::can_edit_warning_rules(viewer.who()).granted();
    let html = render(
        state,
        viewer,
        "warning_rules.html",
        "warnings",
        context! {
            title => i18n::t(lang, "warning_rules.title"),
            view => ser(&rules_view(&rules, lang)),
            based_on => rules.number(),
            versions => versions,
            may_edit => may_edit,
            outcome => outcome,
            // The editor starts from what was sent (after a refusal) or the rules in force.
            text => may_edit.then(|| text.unwrap_or_else(|| warning_rules::write_rules(&rules.rules, RulesFormat::Toml))),
        },
    )?;
    Ok((status, html).into_response())
}

/// `GET /monitoring/rules`.
pub(crate) async fn warning_rules_page(
    State(state): State<AppState>,
    viewer: Viewer,
) -> PageResult<Response> {
    rules_page(&state, &viewer, StatusCode::OK, None, None).await
}

fn outcome_view(outcome: &RulesOutcome, lang: Lang) -> minijinja::Value {
    let message = match &outcome.saved {
        Some(v) => i18n::t(lang, "warning_rules.saved")
            .replace("{version}", &v.version.to_string())
            .replace("{n}", &outcome.replay.map_or(0, |r| r.warnings).to_string()),
        None if outcome.problems.is_empty() => i18n::t(lang, "warning_rules.unchanged"),
        None => i18n::t(lang, "warning_rules.refused")
            .replace("{n}", &outcome.problems.len().to_string()),
    };
    context! {
        ok => outcome.problems.is_empty(),
        message => message,
        problems => outcome.problems.iter().map(|p| context! {
            rule => p.rule.clone().unwrap_or_default(),
            field => p.field.clone().unwrap_or_default(),
            message => p.message.clone(),
        }).collect::<Vec<_>>(),
        added => outcome.added.clone(),
        changed => outcome.changed.clone(),
        removed => outcome.removed.clone(),
    }
}

async fn save(
    state: &AppState,
    viewer: &Viewer,
    name: &str,
    bytes: &[u8],
    reason: String,
    based_on: Option<i64>,
) -> PageResult<Response> {
    let how = RulesEdit {
        user_id: viewer.user_id(),
        source: "web",
        reason,
        based_on,
        dry_run: false,
    };
    let outcome = warning_rules::import_rules(&state.store, name, bytes, &how)
        .await
        .map_err(edit_error)?;
    let status = if outcome.problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    // After a refusal the editor keeps what was sent, so that nothing typed is lost.
    let text = (!outcome.problems.is_empty())
        .then(|| String::from_utf8_lossy(bytes).into_owned())
        .filter(|t| t.len() <= warning_rules::MAX_FILE_BYTES);
    let view = outcome_view(&outcome, viewer.lang);
    rules_page(state, viewer, status, Some(view), text).await
}

/// `POST /monitoring/rules` (ministry): a rule file (TOML or JSON) with a reason and the version
/// it was made from.
pub(crate) async fn upload_warning_rules(
    State(state): State<AppState>,
    viewer: Viewer,
    multipart: Multipart,
) -> PageResult<Response> {
    AppError::check(access::can_edit_warning_rules(viewer.who()))?;
    let (name, bytes, fields) =
        super::uploaded_form(&viewer, multipart, "rules.toml", &["reason", "based_on"]).await?;
    let name: String = name.chars().filter(|c| !c.is_control()).take(200).collect();
    let reason = fields.get("reason").cloned().unwrap_or_default();
    let based_on = fields.get("based_on").and_then(|v| v.trim().parse().ok());
    save(&state, &viewer, &name, &bytes, reason, based_on).await
}

#[derive(Deserialize)]
pub(crate) struct RulesTextForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    based_on: String,
}

/// `POST /monitoring/rules/text` (ministry): the rules edited in place, as TOML.
pub(crate) async fn edit_warning_rules(
    State(state): State<AppState>,
    viewer: Viewer,
    form: PageForm<RulesTextForm>,
) -> PageResult<Response> {
    AppError::check(access::can_edit_warning_rules(viewer.who()))?;
    let form = form.parse()?;
    viewer.check_csrf(Some(&form.csrf))?;
    let based_on = form.based_on.trim().parse().ok();
    save(
        &state,
        &viewer,
        "rules.toml",
        form.content.as_bytes(),
        form.reason,
        based_on,
    )
    .await
}
