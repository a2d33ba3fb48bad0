//! Reporting tasks through the API: list and open them, a task's completeness by province and
//! category, its bases' answers, reminders to late bases (催报), a base's reminders and its
//! timeliness history.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{NaiveDate, Utc};
use jidi_domain::access;
use jidi_service::tasks::{self, OpenTask};
use jidi_store::{TaskBaseFilter, TaskStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::extract::{ApiJson, ApiQuery};
use crate::auth::Viewer;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::params::{csrf, parse_id};
use crate::reads::bases::{scope, visible_base};
use crate::reads::tasks::{
    self as reads, GroupView, MAX_LISTED, ReminderView, TaskBaseView, TaskView, reminder_view,
    task_base_view, task_error, task_scope, task_view,
};
use crate::state::AppState;

/// Reporting tasks, newest period first, with counts within the caller's scope (at most 200).
#[utoipa::path(get, path = "/api/v1/tasks", tag = "tasks",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Vec<TaskView>), (status = 401, body = ErrorBody)))]
pub async fn list_tasks(
    State(state): State<AppState>,
    viewer: Viewer,
) -> ApiResult<axum::Json<Vec<TaskView>>> {
    let scope = task_scope(viewer.who())?;
    let now = Utc::now();
    let items = state.store.tasks(&scope, 200).await?;
    Ok(axum::Json(
        items.iter().map(|t| task_view(t, now)).collect(),
    ))
}

/// A task to open.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenTaskRequest {
    /// `YYYY` (annual) or `YYYY-MM` (monthly).
    pub period: String,
    /// Last day to report, `YYYY-MM-DD` (China time; after its end a report is late).
    pub deadline: String,
    /// Title (a standard one when absent).
    #[serde(default)]
    pub title: String,
    /// Indicator codes (every indicator of the period's frequency when absent).
    #[serde(default)]
    pub indicators: Vec<String>,
}

/// Opens a reporting task for the current national bases (the ministry). A second task for
/// the same period is a conflict.
#[utoipa::path(post, path = "/api/v1/tasks", tag = "tasks", request_body = OpenTaskRequest,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 201, body = TaskView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn open_task(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: ApiJson<OpenTaskRequest>,
) -> ApiResult<(StatusCode, axum::Json<TaskView>)> {
    AppError::check(access::can_open_task(viewer.who()))?;
    viewer.check_csrf(csrf(&headers))?;
    let principal = viewer.who().ok_or(AppError::Unauthorized)?.clone();
    let body = body.parse()?;
    if body.indicators.len() > 200 {
        return Err(AppError::bad_field("indicators", "at most 200").into());
    }
    let deadline = NaiveDate::parse_from_str(body.deadline.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::bad_field(
            "deadline",
            format!(
                "{:?} is not a date (YYYY-MM-DD)",
                body.deadline.chars().take(20).collect::<String>()
            ),
        )
    })?;
    let now = Utc::now();
    let id = tasks::open_task(
        &state.store,
        &OpenTask {
            period: body.period,
            deadline,
            title: body.title,
            indicators: body.indicators,
            opened_by: Some(principal.user_id),
            opened_via: "ministry",
            synthetic: false,
        },
        now,
    )
    .await
    .map_err(task_error)?;
    let (task, _) = reads::visible_task(&state, &viewer, id).await?;
    Ok((StatusCode::CREATED, axum::Json(task_view(&task, now))))
}

/// A task's completeness.
#[derive(Serialize, ToSchema)]
pub struct TaskDetailView {
    /// The task with counts within the caller's scope.
    pub task: TaskView,
    /// Indicator codes asked.
    pub indicators: Vec<String>,
    /// Counts by province.
    pub by_province: Vec<GroupView>,
    /// Counts by category.
    pub by_category: Vec<GroupView>,
}

/// A task with its completeness and timeliness by province and by category, within the
/// caller's scope.
#[utoipa::path(get, path = "/api/v1/tasks/{id}", tag = "tasks",
    params(("id" = i64, Path, description = "Task id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = TaskDetailView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_task(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<TaskDetailView>> {
    let id = parse_id(&id, "id")?;
    let b = reads::board(&state, &viewer, id, None, 0, false).await?;
    Ok(axum::Json(TaskDetailView {
        task: b.task,
        indicators: b.indicators,
        by_province: b.by_province,
        by_category: b.by_category,
    }))
}

/// Query of a task's bases.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TaskBasesQuery {
    /// `not_reported`, `submitted`, `returned` or `accepted`.
    pub status: Option<String>,
    /// Only bases past the deadline with no answer (not reported or returned).
    pub overdue: Option<bool>,
    /// Bases with a larger id (the next page).
    pub after: Option<i64>,
    /// Page size (at most 1,000; 200 by default).
    pub limit: Option<usize>,
}

/// A task's bases and their answers within the caller's scope, by base id.
#[utoipa::path(get, path = "/api/v1/tasks/{id}/bases", tag = "tasks",
    params(("id" = i64, Path, description = "Task id"), TaskBasesQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Vec<TaskBaseView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn task_bases(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<TaskBasesQuery>,
) -> ApiResult<axum::Json<Vec<TaskBaseView>>> {
    let id = parse_id(&id, "id")?;
    let (_, scope) = reads::visible_task(&state, &viewer, id).await?;
    let status = match q.status.as_deref() {
        None => None,
        Some(s) => Some(TaskStatus::parse(s).ok_or_else(|| {
            AppError::bad_field("status", "not_reported, submitted, returned or accepted")
        })?),
    };
    let now = Utc::now();
    let filter = TaskBaseFilter {
        scope,
        status,
        overdue_at: q.overdue.unwrap_or(false).then_some(now),
    };
    let rows = state
        .store
        .task_bases(
            id,
            &filter,
            q.after,
            q.limit.unwrap_or(200).clamp(1, MAX_LISTED),
        )
        .await?;
    Ok(axum::Json(
        rows.iter().map(|r| task_base_view(r, now)).collect(),
    ))
}

/// A reminder to send.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemindRequest {
    /// The overdue bases to remind (every overdue base within the caller's scope when absent).
    #[serde(default)]
    pub base_ids: Option<Vec<i64>>,
    /// Text (a standard one naming the task and deadline when absent).
    #[serde(default)]
    pub message: String,
}

/// Who was reminded.
#[derive(Serialize, ToSchema)]
pub struct RemindView {
    /// Bases reminded.
    pub reminded: Vec<i64>,
}

/// Reminds a task's overdue bases (催报): the ministry any, a province its own. Each base sees
/// the reminder until it answers.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/reminders", tag = "tasks", request_body = RemindRequest,
    params(("id" = i64, Path, description = "Task id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = RemindView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn remind(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<RemindRequest>,
) -> ApiResult<axum::Json<RemindView>> {
    let id = parse_id(&id, "id")?;
    let principal = viewer.who().ok_or(AppError::Unauthorized)?.clone();
    viewer.check_csrf(csrf(&headers))?;
    let body = body.parse()?;
    let reminded = reads::remind(
        &state,
        &principal,
        id,
        body.base_ids.as_deref(),
        &body.message,
    )
    .await?;
    Ok(axum::Json(RemindView { reminded }))
}

/// The caller's open reminders: a base user's, until its base answers (others have none).
#[utoipa::path(get, path = "/api/v1/reminders", tag = "tasks",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Vec<ReminderView>), (status = 401, body = ErrorBody)))]
pub async fn my_reminders(
    State(state): State<AppState>,
    viewer: Viewer,
) -> ApiResult<axum::Json<Vec<ReminderView>>> {
    let principal = viewer.who().ok_or(AppError::Unauthorized)?;
    let items = match principal.base_id {
        Some(b) if principal.role == access::Role::Base => {
            state.store.open_reminders(b, 50).await?
        }
        _ => Vec::new(),
    };
    Ok(axum::Json(items.iter().map(reminder_view).collect()))
}

/// A base's answers to every task, newest period first: its timeliness history (whoever may
/// see the base's data).
#[utoipa::path(get, path = "/api/v1/bases/{id}/timeliness", tag = "tasks",
    params(("id" = i64, Path, description = "Base id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Vec<TaskBaseView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn base_timeliness(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Vec<TaskBaseView>>> {
    let id = parse_id(&id, "id")?;
    let base = visible_base(&state, &viewer, id).await?;
    // Answers to tasks are the base's reporting records: signed-in scope, as its data.
    AppError::check(access::can_view_base_data(viewer.who(), scope(&base)))?;
    let now = Utc::now();
    let rows = state.store.base_task_history(id, 120).await?;
    Ok(axum::Json(
        rows.iter().map(|r| task_base_view(r, now)).collect(),
    ))
}
