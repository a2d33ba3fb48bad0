//! Data collection (C2): the reporting form of one base and period with the figures beside each
//! field and live checks, the file upload and its template, the review queue, and the audit log.
//! Every write goes through `jidi_service::values` with the caller's scope and review, exactly as
//! the API's; the server checks everything again whatever the page's script showed.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jidi_collect::{Finding, ValuePeriod};
use jidi_domain::access::{self, ListScope, Principal, RecordScope};
use jidi_domain::roll::Base;
use jidi_service::values::{
    self, FORM_FILE, FieldContext, FormValue, ImportValues, TEMPLATE_HEADER, ValuesOutcome,
    form_field_of_row,
};
use jidi_store::{
    AuditFilter, BaseFilter, BaseSort, DraftField, Frequency, SortOrder, SubmissionRecord,
    SubmissionStatus,
};
use minijinja::{Value, context};
use serde::Deserialize;

use super::render::*;
use super::{PageForm, uploaded_file};
use crate::auth::Viewer;
use crate::error::{AppError, PageResult};
use crate::i18n::{self, Lang};
use crate::params::parse_id;
use crate::reads::values::{
    base_in_scope, collect_scope, denied, review, review_of, submission_filter, values_error,
};
use crate::state::AppState;

/// The base and period a form is for.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct FormQuery {
    base: Option<String>,
    period: Option<String>,
    /// Interface language, read by the layout.
    #[serde(rename = "lang")]
    _lang: Option<String>,
}

/// The caller's reporting scope: signed in, not an evaluator.
pub(crate) fn reporting(viewer: &Viewer) -> Result<(Principal, RecordScope), AppError> {
    let scope = access::reporting_scope(viewer.who()).map_err(denied)?;
    let p = viewer.who().ok_or(AppError::Unauthorized)?.clone();
    Ok((p, scope))
}

/// The bases the caller may report for, by id.
pub(crate) async fn bases_in_scope(
    state: &AppState,
    scope: &RecordScope,
) -> Result<Vec<Base>, AppError> {
    let filter = match scope {
        RecordScope::All => BaseFilter::default(),
        RecordScope::Province(p) => BaseFilter {
            province: Some(p.clone()),
            ..BaseFilter::default()
        },
        RecordScope::Base(b) => return Ok(state.store.base(*b).await?.into_iter().collect()),
    };
    Ok(state
        .store
        .all_bases(
            &filter,
            &ListScope::Everything,
            BaseSort::Id,
            SortOrder::Asc,
        )
        .await?)
}

/// The period asked for, or the year after the newest stored year (the next to report).
pub(crate) async fn period_of(
    state: &AppState,
    text: Option<&str>,
) -> Result<ValuePeriod, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => {
            let p: ValuePeriod = t
                .chars()
                .take(32)
                .collect::<String>()
                .parse()
                .map_err(|_| {
                    AppError::bad_field("period", format!("{t:?} is not YYYY or YYYY-MM"))
                })?;
            if !(1990..=2100).contains(&p.year()) {
                return Err(AppError::bad_field(
                    "period",
                    "a year between 1990 and 2100",
                ));
            }
            Ok(p)
        }
        None => {
            let years = state.store.annual_years().await?;
            Ok(ValuePeriod::Year(
                years.iter().max().map_or(2025, |y| y + 1),
            ))
        }
    }
}

/// The base of the form: the one asked for (within scope: else 403; unknown: 404), else the
/// caller's own or the first in scope.
async fn chosen_base(
    state: &AppState,
    principal: &Principal,
    scope: &RecordScope,
    asked: Option<&str>,
    choices: &[Base],
) -> Result<Base, AppError> {
    let id = match asked.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => parse_id(t, "base")?,
        None => match principal.base_id.or_else(|| choices.first().map(|b| b.id)) {
            Some(id) => id,
            None => return Err(AppError::NotFound("a base within your scope".into())),
        },
    };
    let base = state
        .store
        .base(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("base {id}")))?;
    if !base_in_scope(scope, base.id, &base.facts.province_code) {
        return Err(AppError::Forbidden);
    }
    Ok(base)
}

fn finding_ctx(f: &Finding, field: Option<&str>, lang: Lang) -> Value {
    context! {
        row => f.row,
        column => f.column.clone(),
        severity => f.severity.code(),
        rule => f.rule.name(),
        indicator => field.map(String::from).or_else(|| f.indicator.clone()),
        indicator_name => field.map(String::from).or_else(|| f.indicator.clone()).map(|c| indicator_label(&c, lang)),
        message => finding_message(f.rule, &f.message, lang),
        unexplained => false,
    }
}

/// A finding's message in the page's language: the message as the checks wrote it (Chinese, with
/// its figures), or in English the rule's description (the figures stand beside it).
fn finding_message(rule: jidi_collect::Rule, message: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => message.to_string(),
        Lang::En => {
            let d = rule.description_en();
            let mut c = d.chars();
            c.next()
                .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
        }
    }
}

fn indicator_label(code: &str, lang: Lang) -> String {
    let zh = jidi_collect::CheckCatalogue::standard()
        .get(code)
        .map(|s| s.name_zh.clone());
    match (lang, zh) {
        (Lang::Zh, Some(n)) => n,
        (Lang::En, Some(n)) => {
            let en = indicator_name(code, lang);
            if en == code { n } else { en }
        }
        (_, None) => code.to_string(),
    }
}

/// What a submission of the form or of a file did, for the page.
pub(crate) struct Outcome {
    pub(crate) status: &'static str,
    pub(crate) changed: usize,
    pub(crate) unchanged: usize,
    pub(crate) submission_id: Option<i64>,
    pub(crate) findings: Vec<Value>,
}

pub(crate) fn outcome_of(
    o: &ValuesOutcome,
    field: impl Fn(&Finding) -> Option<String>,
    lang: Lang,
) -> Outcome {
    let status = if o.refused() {
        "rejected"
    } else if o.submission_id.is_some() {
        "submitted"
    } else if o.batch_id.is_some() {
        "accepted"
    } else {
        "unchanged"
    };
    let shown = o.report.findings.iter().filter(|f| {
        status != "rejected"
            || f.severity == jidi_collect::Severity::Error
            || o.unexplained.contains(&f.row.unwrap_or(0))
    });
    Outcome {
        status,
        changed: o.changed,
        unchanged: o.unchanged,
        submission_id: o.submission_id,
        findings: shown
            .map(|f| {
                let unexplained = f.severity == jidi_collect::Severity::Warning
                    && o.unexplained.contains(&f.row.unwrap_or(0));
                let mut v = finding_ctx(f, field(f).as_deref(), lang);
                if unexplained {
                    v = context! { unexplained => true, ..v };
                }
                v
            })
            .collect(),
    }
}

struct Typed {
    values: HashMap<String, String>,
    explanations: HashMap<String, String>,
    findings: HashMap<String, Vec<Value>>,
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    viewer: &Viewer,
    principal: &Principal,
    scope: &RecordScope,
    base: &Base,
    period: ValuePeriod,
    choices: &[Base],
    typed: Option<Typed>,
    outcome: Option<Outcome>,
    status: StatusCode,
) -> PageResult<Response> {
    let lang = viewer.lang;
    // A saved draft fills the form when nothing was just typed.
    let (frequency, key) = jidi_service::tasks::period_key(period);
    let draft = state.store.draft(base.id, frequency, key).await?;
    let typed = typed.or_else(|| {
        draft.as_ref().map(|d| Typed {
            values: d
                .fields
                .iter()
                .filter(|f| !f.typed.is_empty())
                .map(|f| (f.indicator.clone(), f.typed.clone()))
                .collect(),
            explanations: d
                .fields
                .iter()
                .filter(|f| !f.explanation.is_empty())
                .map(|f| (f.indicator.clone(), f.explanation.clone()))
                .collect(),
            findings: HashMap::new(),
        })
    });
    let fields = values::form_context(&state.store, base.id, &base.facts.category_code, period)
        .await
        .map_err(values_error)?;
    let prev = values::previous_period(period);
    let last_year = match period {
        ValuePeriod::Year(_) => None,
        ValuePeriod::Month(m) => m.offset(-12).map(ValuePeriod::Month),
    };
    let key_text = |k: i32| match period {
        ValuePeriod::Year(_) => k.to_string(),
        ValuePeriod::Month(_) => format!("{}-{:02}", k / 100, k % 100),
    };
    let rows: Vec<Value> = fields
        .iter()
        .map(|f: &FieldContext| {
            let code = f.spec.code.clone();
            let typed_value = typed.as_ref().and_then(|t| t.values.get(&code).cloned());
            let explanation = typed
                .as_ref()
                .and_then(|t| t.explanations.get(&code).cloned())
                .unwrap_or_default();
            let findings = typed
                .as_ref()
                .and_then(|t| t.findings.get(&code).cloned())
                .unwrap_or_default();
            let warned = findings.iter().any(|v| {
                v.get_attr("severity")
                    .ok()
                    .is_some_and(|s| s.as_str() == Some("warning"))
            });
            context! {
                code => code.clone(),
                name => indicator_label(&code, lang),
                unit => f.spec.unit.clone(),
                value => typed_value.unwrap_or_else(|| f.current.map(|x| x.to_string()).unwrap_or_default()),
                current => f.current,
                previous => f.previous,
                last_year => f.last_year,
                peers => f.peers.as_ref().map(|r| context! {
                    period => key_text(r.period), n => r.n, min => r.min, q1 => r.q1,
                    median => r.median, q3 => r.q3, max => r.max,
                }),
                explanation => explanation.clone(),
                findings => findings,
                needs_explanation => warned || !explanation.is_empty(),
            }
        })
        .collect();
    let base_options: Vec<Value> = choices
        .iter()
        .map(|b| context! { value => b.id, label => b.facts.name.clone() })
        .collect();
    let submissions = state
        .store
        .submissions(&submission_filter(RecordScope::Base(base.id), None), 5)
        .await?;
    let html = render(
        state,
        viewer,
        "values.html",
        "values",
        context! {
            title => i18n::t(lang, "values.title"),
            base => context! { id => base.id, name => base.facts.name.clone(), province_code => base.facts.province_code.clone() },
            bases => base_options,
            period => period.to_string(),
            monthly => matches!(period, ValuePeriod::Month(_)),
            prev_period => prev.map(|p| p.to_string()),
            last_year_period => last_year.map(|p| p.to_string()),
            fields => rows,
            reviewed => access::reports_are_reviewed(principal),
            scope_all => matches!(scope, RecordScope::All),
            outcome => outcome.map(|o| context! {
                status => o.status, changed => o.changed, unchanged => o.unchanged,
                submission_id => o.submission_id, findings => o.findings,
            }),
            recent => submissions.iter().map(|s| submission_summary(s, lang)).collect::<Vec<_>>(),
            draft_saved_at => draft.map(|d| (d.saved_at + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M").to_string()),
        },
    )?;
    Ok((status, html).into_response())
}

fn submission_summary(s: &SubmissionRecord, lang: Lang) -> Value {
    context! {
        id => s.id,
        at => s.at.format("%Y-%m-%d %H:%M").to_string(),
        status => s.status.code(),
        status_name => i18n::t(lang, &format!("submission.status.{}", s.status.code())),
        values => s.values,
        review_comment => s.review_comment.clone(),
        file_name => s.file_name.clone(),
    }
}

/// `GET /values`: the form of one base and period.
pub(crate) async fn values_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<FormQuery>,
) -> PageResult<Response> {
    let (principal, scope) = reporting(&viewer)?;
    let choices = bases_in_scope(&state, &scope).await?;
    let base = chosen_base(&state, &principal, &scope, q.base.as_deref(), &choices).await?;
    let period = period_of(&state, q.period.as_deref()).await?;
    form_page(
        &state,
        &viewer,
        &principal,
        &scope,
        &base,
        period,
        &choices,
        None,
        None,
        StatusCode::OK,
    )
    .await
}

/// At most this many form fields (the catalogue has 68 indicators, each with an explanation).
const MAX_FORM_FIELDS: usize = 400;

/// `POST /values`: the form's values (`v.<code>`) and explanations (`e.<code>`), submitted as
/// the long form through `import_values` with the caller's scope and review.
pub(crate) async fn submit_values(
    State(state): State<AppState>,
    viewer: Viewer,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let (principal, scope) = reporting(&viewer)?;
    let pairs = form.parse()?;
    let csrf = pairs
        .iter()
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.as_str());
    viewer.check_csrf(Some(csrf.unwrap_or("")))?;
    if pairs.len() > MAX_FORM_FIELDS {
        return Err(
            AppError::bad_field("form", format!("at most {MAX_FORM_FIELDS} fields")).into(),
        );
    }
    let mut base_text = None;
    let mut period_text = None;
    let mut reason = String::new();
    let mut save_draft = false;
    let mut typed: BTreeMap<String, String> = BTreeMap::new();
    let mut explanations: HashMap<String, String> = HashMap::new();
    let managed = state.store.current_catalogue().await?.1;
    let catalogue = managed.checks();
    for (k, v) in &pairs {
        if v.contains('\0') || k.contains('\0') {
            return Err(AppError::bad_field(k, "NUL characters are not allowed").into());
        }
        let too_long = |max: usize| v.chars().count() > max;
        match k.as_str() {
            "_csrf" => {}
            "base" => base_text = Some(v.clone()),
            "period" => period_text = Some(v.clone()),
            "reason" if !too_long(2000) => reason = v.trim().to_string(),
            "action" => save_draft = v == "draft",
            _ => match k.split_once('.') {
                Some(("v", code)) if catalogue.get(code).is_some() && !too_long(100) => {
                    if !v.trim().is_empty() {
                        typed.insert(code.to_string(), v.clone());
                    }
                }
                Some(("e", code)) if catalogue.get(code).is_some() && !too_long(2000) => {
                    if !v.trim().is_empty() {
                        explanations.insert(code.to_string(), v.trim().to_string());
                    }
                }
                _ => {
                    return Err(AppError::bad_field(
                        k.chars().take(64).collect::<String>().as_str(),
                        "not a field of this form, or too long",
                    )
                    .into());
                }
            },
        }
    }
    let choices = bases_in_scope(&state, &scope).await?;
    let base = chosen_base(&state, &principal, &scope, base_text.as_deref(), &choices).await?;
    let period = period_of(&state, period_text.as_deref()).await?;
    let values: Vec<FormValue> = typed
        .iter()
        .map(|(code, v)| FormValue {
            indicator: code.clone(),
            value: v.clone(),
            explanation: explanations.get(code).cloned().unwrap_or_default(),
        })
        .collect();
    let lang = viewer.lang;
    let (frequency, key) = jidi_service::tasks::period_key(period);
    if save_draft {
        // A draft keeps what was typed, checked or not; submitting checks it.
        let codes: std::collections::BTreeSet<&String> =
            typed.keys().chain(explanations.keys()).collect();
        let fields: Vec<DraftField> = codes
            .into_iter()
            .map(|code| DraftField {
                indicator: code.clone(),
                typed: typed.get(code).cloned().unwrap_or_default(),
                unit: catalogue
                    .get(code)
                    .map(|s| s.unit.clone())
                    .unwrap_or_default(),
                explanation: explanations.get(code).cloned().unwrap_or_default(),
            })
            .collect();
        state
            .store
            .save_draft(
                base.id,
                frequency,
                key,
                &fields,
                Some(principal.user_id),
                chrono::Utc::now(),
            )
            .await?;
        let outcome = Outcome {
            status: "draft",
            changed: 0,
            unchanged: 0,
            submission_id: None,
            findings: Vec::new(),
        };
        return form_page(
            &state,
            &viewer,
            &principal,
            &scope,
            &base,
            period,
            &choices,
            None,
            Some(outcome),
            StatusCode::OK,
        )
        .await;
    }
    if values.is_empty() {
        let outcome = Outcome {
            status: "empty",
            changed: 0,
            unchanged: 0,
            submission_id: None,
            findings: Vec::new(),
        };
        return form_page(
            &state,
            &viewer,
            &principal,
            &scope,
            &base,
            period,
            &choices,
            None,
            Some(outcome),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let how = ImportValues {
        user_id: Some(principal.user_id),
        source: "web",
        scope: collect_scope(&scope),
        dry_run: false,
        reason,
        explanation: String::new(),
        review: review_of(&state, &principal).await?,
    };
    let bytes = values::form_long_form(base.id, &period.to_string(), &values);
    let result = values::import_values(&state.store, FORM_FILE, &bytes, &how)
        .await
        .map_err(values_error)?;
    let field = |f: &Finding| {
        f.row
            .and_then(|r| form_field_of_row(&values, r))
            .map(String::from)
            .or_else(|| f.indicator.clone())
    };
    let outcome = outcome_of(&result, field, lang);
    let mut by_field: HashMap<String, Vec<Value>> = HashMap::new();
    for f in &result.report.findings {
        if let Some(code) = field(f) {
            by_field
                .entry(code.clone())
                .or_default()
                .push(finding_ctx(f, Some(&code), lang));
        }
    }
    let refused = result.refused();
    if !refused && (result.submission_id.is_some() || result.batch_id.is_some()) {
        state.store.delete_draft(base.id, frequency, key).await?;
    }
    let typed = Typed {
        values: if refused { typed } else { BTreeMap::new() }
            .into_iter()
            .collect(),
        explanations: if refused {
            explanations
        } else {
            HashMap::new()
        },
        findings: if refused { by_field } else { HashMap::new() },
    };
    form_page(
        &state,
        &viewer,
        &principal,
        &scope,
        &base,
        period,
        &choices,
        Some(typed),
        Some(outcome),
        if refused {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
    )
    .await
}

/// `POST /values/upload?base=&period=`: a long-form file (CSV or XLSX, optional explanation
/// column), imported as the API imports it; every problem is listed with row, column and rule.
pub(crate) async fn upload_values(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<FormQuery>,
    multipart: Multipart,
) -> PageResult<Response> {
    let (principal, scope) = reporting(&viewer)?;
    let (name, bytes) = uploaded_file(&viewer, multipart, "upload.csv").await?;
    let name: String = name.chars().filter(|c| !c.is_control()).take(200).collect();
    let choices = bases_in_scope(&state, &scope).await?;
    let base = chosen_base(&state, &principal, &scope, q.base.as_deref(), &choices).await?;
    let period = period_of(&state, q.period.as_deref()).await?;
    let how = ImportValues {
        user_id: Some(principal.user_id),
        source: "web",
        scope: collect_scope(&scope),
        dry_run: false,
        reason: String::new(),
        explanation: String::new(),
        review: review_of(&state, &principal).await?,
    };
    let result = values::import_values(&state.store, &name, &bytes, &how)
        .await
        .map_err(values_error)?;
    let outcome = outcome_of(&result, |f| f.indicator.clone(), viewer.lang);
    let status = if result.refused() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    form_page(
        &state,
        &viewer,
        &principal,
        &scope,
        &base,
        period,
        &choices,
        None,
        Some(outcome),
        status,
    )
    .await
}

/// `GET /values/template?base=&period=`: the XLSX template of one base and period.
pub(crate) async fn values_template(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<FormQuery>,
) -> PageResult<Response> {
    let (principal, scope) = reporting(&viewer)?;
    let base = chosen_base(&state, &principal, &scope, q.base.as_deref(), &[]).await?;
    let period = period_of(&state, q.period.as_deref()).await?;
    let fields = values::form_context(&state.store, base.id, &base.facts.category_code, period)
        .await
        .map_err(values_error)?;
    let rows = values::template_rows(base.id, &base.facts.name, period, &fields);
    let bytes =
        jidi_tabular::write_xlsx("values", &TEMPLATE_HEADER, &rows).map_err(AppError::internal)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"values-{}-{}.xlsx\"",
                    base.id, period
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Submissions filter.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct SubmissionsQuery {
    status: Option<String>,
    #[serde(rename = "lang")]
    _lang: Option<String>,
}

/// Submissions shown on a page.
const SUBMISSIONS_SHOWN: usize = 20;

/// `GET /submissions`: the review queue within the caller's scope (a base: its own), each with
/// its values beside the accepted ones, the change, and its explained warnings.
pub(crate) async fn submissions(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<SubmissionsQuery>,
) -> PageResult<Html<String>> {
    let (principal, scope) = reporting(&viewer)?;
    let lang = viewer.lang;
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            SubmissionStatus::parse(s)
                .ok_or_else(|| AppError::bad_field("status", "submitted, accepted or returned"))?,
        ),
    };
    let items = state
        .store
        .submissions(&submission_filter(scope, status), SUBMISSIONS_SHOWN)
        .await?;
    let ids: Vec<i64> = items.iter().filter_map(|s| s.base_id).collect();
    let names = state.store.bases_by_ids(&ids).await?;
    let mut shown = Vec::with_capacity(items.len());
    for s in &items {
        let values = state.store.submission_values(s.id).await?;
        let warnings = state.store.submission_warnings(s.id).await?;
        // The accepted values now, over the submission's periods, for its base.
        let mut current: HashMap<(Frequency, i32, String), f64> = HashMap::new();
        for f in [Frequency::Annual, Frequency::Monthly] {
            let of: Vec<_> = values.iter().filter(|v| v.frequency == f).collect();
            let (Some(first), Some(last)) = (
                of.iter().map(|v| v.period).min(),
                of.iter().map(|v| v.period).max(),
            ) else {
                continue;
            };
            let bases: Vec<i64> = {
                let mut b: Vec<i64> = of.iter().map(|v| v.base_id).collect();
                b.sort_unstable();
                b.dedup();
                b
            };
            for v in state
                .store
                .values_of_bases(f, first, last, &bases, &[])
                .await?
            {
                current.insert((f, v.period, v.indicator), v.value);
            }
        }
        let period_text = |f: Frequency, k: i32| values::period_text(f, k);
        let comments = if s.status == SubmissionStatus::Returned {
            state.store.submission_comments(s.id).await?
        } else {
            Vec::new()
        };
        let rows: Vec<Value> = values
            .iter()
            .map(|v| {
                let now = current.get(&(v.frequency, v.period, v.indicator.clone())).copied();
                let warning = warnings.iter().find(|w| {
                    w.base_id == v.base_id && w.period == v.period && w.indicator == v.indicator
                });
                context! {
                    indicator => v.indicator.clone(),
                    name => indicator_label(&v.indicator, lang),
                    unit => jidi_collect::CheckCatalogue::standard().get(&v.indicator).map(|s| s.unit.clone()),
                    period => period_text(v.frequency, v.period),
                    value => v.value,
                    current => now,
                    change => now.map(|c| v.value - c),
                    change_pct => now.filter(|c| *c != 0.0).map(|c| (v.value - c) / c.abs() * 100.0),
                    warning => warning.map(|w| context! { rule => w.rule.clone(), message => jidi_collect::Rule::parse(&w.rule).map_or_else(|| w.message.clone(), |r| finding_message(r, &w.message, lang)), explanation => w.explanation.clone() }),
                    field_key => format!("field:{}:{}", v.indicator, period_text(v.frequency, v.period)),
                    field_comment => comments.iter().find(|c| c.indicator == v.indicator && c.period == v.period).map(|c| c.comment.clone()),
                }
            })
            .collect();
        let can_review = s.status == SubmissionStatus::Submitted
            && access::can_review_submission(Some(&principal), &s.province_code).granted();
        shown.push(context! {
            base_id => s.base_id,
            base_name => s.base_id.and_then(|b| names.get(&b)).map(|b| b.facts.name.clone()),
            reason => s.reason.clone(),
            rows => rows,
            can_review => can_review,
            ..submission_summary(s, lang)
        });
    }
    render(
        &state,
        &viewer,
        "submissions.html",
        "submissions",
        context! {
            title => i18n::t(lang, "submissions.title"),
            items => shown,
            status => q.status.clone().unwrap_or_default(),
            reviewer => principal.role != jidi_domain::access::Role::Base,
        },
    )
}

#[derive(Deserialize)]
pub(crate) struct ReviewForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    decision: String,
    #[serde(default)]
    comment: String,
    /// `field:{indicator}:{period}` → a comment on that value (to return).
    #[serde(flatten)]
    fields: std::collections::BTreeMap<String, String>,
}

/// `POST /submissions/{id}/review`: accept or return (with a comment), as the API does.
pub(crate) async fn review_submission(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    form: PageForm<ReviewForm>,
) -> PageResult<Response> {
    let principal = viewer.who().ok_or(AppError::Unauthorized)?.clone();
    let form = form.parse()?;
    viewer.check_csrf(Some(&form.csrf))?;
    let id = parse_id(&id, "id")?;
    let accept = match form.decision.as_str() {
        "accept" => true,
        "return" => false,
        _ => return Err(AppError::bad_field("decision", "accept or return").into()),
    };
    let mut fields = Vec::new();
    if !accept {
        for (key, text) in form.fields.iter().take(1000) {
            let text = text.trim();
            let Some(rest) = key.strip_prefix("field:") else {
                continue;
            };
            if text.is_empty() {
                continue;
            }
            let (indicator, period) = rest
                .rsplit_once(':')
                .ok_or_else(|| AppError::bad_field("fields", "field:INDICATOR:PERIOD"))?;
            let period = period
                .parse::<jidi_collect::parse::ValuePeriod>()
                .map_err(|_| AppError::bad_field("fields", "field:INDICATOR:PERIOD"))?;
            fields.push(jidi_store::FieldComment {
                indicator: indicator.to_string(),
                period: jidi_service::tasks::period_key(period).1,
                comment: text.to_string(),
            });
        }
    }
    review(&state, &principal, id, accept, &form.comment, &fields).await?;
    Ok(Redirect::to(&format!("/submissions#submission-{id}")).into_response())
}

/// Audit filters.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuditQuery {
    entity: Option<String>,
    entity_id: Option<String>,
    user: Option<String>,
    before: Option<String>,
    #[serde(rename = "lang")]
    _lang: Option<String>,
}

/// Audit entries a page.
const AUDIT_PAGE: usize = 50;

/// `GET /audit`: the newest audit entries (the ministry), by entity, record and user, paged
/// backwards with `before`.
pub(crate) async fn audit(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<AuditQuery>,
) -> PageResult<Html<String>> {
    AppError::check(access::can_read_audit(viewer.who()))?;
    let text = |field: &str, t: &Option<String>| -> Result<Option<String>, AppError> {
        match t.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(t) if t.len() <= 200 && !t.contains('\0') => Ok(Some(t.to_string())),
            Some(_) => Err(AppError::bad_field(field, "at most 200 bytes, no NUL")),
        }
    };
    let int = |field: &str, t: &Option<String>| -> Result<Option<i64>, AppError> {
        match t.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(t) => parse_id(t, field).map(Some),
        }
    };
    let users = state.store.users().await?;
    let user_id = match text("user", &q.user)? {
        None => None,
        Some(u) => match u.parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => Some(
                users
                    .iter()
                    .find(|x| x.username == u)
                    .map(|x| x.id)
                    .ok_or_else(|| AppError::bad_field("user", format!("no user {u:?}")))?,
            ),
        },
    };
    let filter = AuditFilter {
        entity: text("entity", &q.entity)?,
        entity_id: text("entity_id", &q.entity_id)?,
        user_id,
        before: int("before", &q.before)?,
    };
    let entries = state.store.audit_entries(&filter, AUDIT_PAGE).await?;
    let names: HashMap<i64, String> = users.into_iter().map(|u| (u.id, u.username)).collect();
    let next = (entries.len() == AUDIT_PAGE)
        .then(|| entries.last().map(|e| e.id))
        .flatten()
        .map(|before| {
            let mut s = form_urlencoded::Serializer::new(String::new());
            for (k, v) in [
                ("entity", &filter.entity),
                ("entity_id", &filter.entity_id),
                ("user", &q.user),
            ] {
                if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
                    s.append_pair(k, v);
                }
            }
            s.append_pair("before", &before.to_string());
            format!("?{}", s.finish())
        });
    let rows: Vec<Value> = entries
        .iter()
        .map(|e| {
            context! {
                id => e.id,
                at => e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                user_id => e.user_id,
                user => e.user_id.and_then(|u| names.get(&u).cloned()),
                action => e.action.clone(),
                entity => e.entity.clone(),
                entity_id => e.entity_id.clone(),
                detail => e.detail.chars().take(400).collect::<String>(),
            }
        })
        .collect();
    render(
        &state,
        &viewer,
        "audit.html",
        "audit",
        context! {
            title => i18n::t(viewer.lang, "audit.title"),
            entries => rows,
            entity => filter.entity.clone().unwrap_or_default(),
            entity_id => filter.entity_id.clone().unwrap_or_default(),
            user => q.user.clone().unwrap_or_default(),
            next_link => next,
            first_page => filter.before.is_none(),
        },
    )
}
