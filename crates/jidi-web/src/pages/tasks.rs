//! Reporting tasks and completeness (催报): `/tasks` lists the tasks with their completeness in
//! the viewer's scope (the ministry opens one there and sets the monthly calendar; a base sees
//! its reminders and its timeliness history), `/tasks/{id}` is a task's board (by province, by
//! category, every base's answer) with the reminder button for the ministry and provinces.

use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate, Utc};
use jidi_domain::access::{self, Role};
use jidi_service::tasks::{self, Calendar, OpenTask};
use jidi_store::TaskStatus;
use minijinja::context;
use serde::Deserialize;

use super::PageForm;
use super::render::*;
use crate::auth::Viewer;
use crate::error::{AppError, PageResult};
use crate::i18n::{self, Lang};
use crate::params::parse_id;
use crate::reads::tasks::{self as reads, reminder_view, task_base_view, task_error, task_view};
use crate::state::AppState;

/// A wire view as a template value.
fn ser<T: serde::Serialize>(v: &T) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(v))
}

fn status_name(code: &str, lang: Lang) -> String {
    i18n::t(lang, &format!("task.status.{code}"))
}

/// `GET /tasks`.
pub(crate) async fn tasks_page(
    State(state): State<AppState>,
    viewer: Viewer,
) -> PageResult<Html<String>> {
    let scope = reads::task_scope(viewer.who())?;
    let principal = viewer.who().ok_or(AppError::Unauthorized)?.clone();
    let lang = viewer.lang;
    let now = Utc::now();
    let items: Vec<_> = state
        .store
        .tasks(&scope, 60)
        .await?
        .iter()
        .map(|t| task_view(t, now))
        .collect();
    let (reminders, history): (Vec<minijinja::Value>, Vec<minijinja::Value>) =
        match (principal.role, principal.base_id) {
            (Role::Base, Some(b)) => (
                state
                    .store
                    .open_reminders(b, 20)
                    .await?
                    .iter()
                    .map(|r| {
                        let v = reminder_view(r);
                        // The period of the reminder's task, from the tasks listed (a reminder
                        // of a task no longer listed keeps its text as stored).
                        let period = items
                            .iter()
                            .find(|t| t.id == r.task_id)
                            .map_or("", |t| t.period.as_str());
                        let (title, typed) = reads::shown_title(&r.task_title, period, lang);
                        let (message, message_typed) = reads::shown_reminder(
                            &r.message,
                            &r.task_title,
                            &title,
                            r.deadline,
                            lang,
                        );
                        context! { shown_title => title, title_typed => typed, shown_message => message, message_typed => message_typed, ..ser(&v) }
                    })
                    .collect(),
                state
                    .store
                    .base_task_history(b, 36)
                    .await?
                    .iter()
                    .map(|r| {
                        let v = task_base_view(r, now);
                        let (title, typed) = reads::shown_title(&v.task_title, &v.period, lang);
                        context! { status_name => status_name(&v.status, lang), shown_title => title, title_typed => typed, ..ser(&v) }
                    })
                    .collect(),
            ),
            _ => (Vec::new(), Vec::new()),
        };
    let may_open = access::can_open_task(Some(&principal)).granted();
    let calendar = if may_open {
        Some(tasks::calendar(&state.store).await.map_err(task_error)?)
    } else {
        None
    };
    // The month a new task would most likely be for: the last full month.
    let today = jidi_service::today();
    let suggested = today
        .with_day(1)
        .and_then(|d| d.pred_opt())
        .map(|d| d.format("%Y-%m").to_string())
        .unwrap_or_default();
    let suggested_deadline = today
        .with_day(1)
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .and_then(|d| d.with_day(10))
        .map(|d| d.to_string())
        .unwrap_or_default();
    render(
        &state,
        &viewer,
        "tasks.html",
        "tasks",
        context! {
            title => i18n::t(lang, "tasks.title"),
            items => items.iter().map(|t| {
                let (title, typed) = reads::shown_title(&t.title, &t.period, lang);
                context! { shown_title => title, title_typed => typed, ..ser(t) }
            }).collect::<Vec<_>>(),
            reminders => reminders,
            history => history,
            may_open => may_open,
            calendar => calendar.map(|c| context! { enabled => c.enabled, open_day => c.open_day, deadline_day => c.deadline_day }),
            suggested_period => suggested,
            suggested_deadline => suggested_deadline,
            is_base => principal.role == Role::Base,
        },
    )
}

#[derive(Deserialize)]
pub(crate) struct OpenTaskForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    period: String,
    deadline: String,
    #[serde(default)]
    title: String,
}

/// `POST /tasks`: the ministry opens a task.
pub(crate) async fn open_task(
    State(state): State<AppState>,
    viewer: Viewer,
    form: PageForm<OpenTaskForm>,
) -> PageResult<Response> {
    let form = form.parse()?;
    viewer.check_csrf(Some(&form.csrf))?;
    AppError::check(access::can_open_task(viewer.who()))?;
    let principal = viewer.who().ok_or(AppError::Unauthorized)?;
    let deadline = NaiveDate::parse_from_str(form.deadline.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::bad_field("deadline", "YYYY-MM-DD"))?;
    let id = tasks::open_task(
        &state.store,
        &OpenTask {
            period: form.period,
            deadline,
            title: form.title,
            indicators: Vec::new(),
            opened_by: Some(principal.user_id),
            opened_via: "ministry",
            synthetic: false,
        },
        Utc::now(),
    )
    .await
    .map_err(task_error)?;
    Ok(Redirect::to(&format!("/tasks/{id}")).into_response())
}

#[derive(Deserialize)]
pub(crate) struct CalendarForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    enabled: Option<String>,
    open_day: String,
    deadline_day: String,
}

/// `POST /tasks/calendar`: the ministry sets the monthly calendar.
pub(crate) async fn set_calendar(
    State(state): State<AppState>,
    viewer: Viewer,
    form: PageForm<CalendarForm>,
) -> PageResult<Response> {
    let form = form.parse()?;
    viewer.check_csrf(Some(&form.csrf))?;
    AppError::check(access::can_open_task(viewer.who()))?;
    let principal = viewer.who().ok_or(AppError::Unauthorized)?;
    let day = |field: &'static str, text: &str| {
        text.trim()
            .parse::<u32>()
            .map_err(|_| AppError::bad_field(field, "a day from 1 to 28"))
    };
    let c = Calendar {
        enabled: form.enabled.is_some(),
        open_day: day("open_day", &form.open_day)?,
        deadline_day: day("deadline_day", &form.deadline_day)?,
    };
    tasks::set_calendar(&state.store, &c, Some(principal.user_id))
        .await
        .map_err(task_error)?;
    Ok(Redirect::to("/tasks").into_response())
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct BoardQuery {
    status: Option<String>,
    /// Set by the reminder button's redirect: how many bases were reminded.
    reminded: Option<usize>,
}

/// `GET /tasks/{id}`: a task's board.
pub(crate) async fn task_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<BoardQuery>,
) -> PageResult<Html<String>> {
    let id = parse_id(&id, "id")?;
    let lang = viewer.lang;
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(TaskStatus::parse(s).ok_or_else(|| {
            AppError::bad_field("status", "not_reported, submitted, returned or accepted")
        })?),
    };
    let board = reads::board(
        &state,
        &viewer,
        id,
        status,
        reads::MAX_LISTED,
        lang == Lang::En,
    )
    .await?;
    let bases: Vec<_> = board
        .bases
        .iter()
        .map(|b| context! { status_name => status_name(&b.status, lang), ..ser(b) })
        .collect();
    let shown = reads::shown_title(&board.task.title, &board.task.period, lang);
    let show_provinces = viewer
        .who()
        .is_some_and(|p| matches!(p.role, Role::Ministry | Role::Evaluator));
    render(
        &state,
        &viewer,
        "task.html",
        "tasks",
        context! {
            title => shown.0.clone(),
            task => context! { shown_title => shown.0, title_typed => shown.1, ..ser(&board.task) },
            indicators => board.indicators,
            by_province => board.by_province.iter().map(ser).collect::<Vec<_>>(),
            by_category => board.by_category.iter().map(ser).collect::<Vec<_>>(),
            show_provinces => show_provinces,
            bases => bases,
            may_remind => board.may_remind,
            reminded => q.reminded,
            status => q.status.clone().unwrap_or_default(),
            statuses => TaskStatus::ALL.iter().map(|s| context! { code => s.code(), name => status_name(s.code(), lang) }).collect::<Vec<_>>(),
        },
    )
}

#[derive(Deserialize)]
pub(crate) struct RemindForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    message: String,
}

/// `POST /tasks/{id}/remind`: remind every overdue base in the viewer's scope.
pub(crate) async fn remind(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    form: PageForm<RemindForm>,
) -> PageResult<Response> {
    let id = parse_id(&id, "id")?;
    let form = form.parse()?;
    viewer.check_csrf(Some(&form.csrf))?;
    let principal = viewer.who().ok_or(AppError::Unauthorized)?.clone();
    let reminded = reads::remind(&state, &principal, id, None, &form.message).await?;
    Ok(Redirect::to(&format!("/tasks/{id}?reminded={}", reminded.len())).into_response())
}
