//! Reporting tasks and their completeness (催报) as the API and the pages show them: the views,
//! the viewer's scope, a task's board (counts by province and category, the bases still owing
//! an answer) and reminders.

use chrono::{DateTime, Utc};
use jidi_domain::access::{self, Principal, RecordScope};
use jidi_domain::reference::builtin_categories;
use jidi_service::tasks::{self, TaskError};
use jidi_service::values::period_text;
use jidi_store::{
    GroupCounts, ReminderRecord, TaskBaseFilter, TaskBaseRecord, TaskCounts, TaskGrouping,
    TaskRecord, TaskScope, TaskStatus,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::reads::values::denied;
use crate::state::AppState;

/// A task's title as a page shows it, with whether it is shown as typed. The standard title of its
/// period (`tasks::standard_title`, what is stored when the ministry typed none) is generated, so
/// it is shown in the viewer's language; a title the ministry typed has no other form and is shown
/// as typed (`true`: the page marks it as Chinese). `period` is the view's `YYYY` or `YYYY-MM`.
pub fn shown_title(stored: &str, period: &str, lang: Lang) -> (String, bool) {
    match period.parse::<jidi_collect::parse::ValuePeriod>() {
        Ok(p) if stored == tasks::standard_title(p) => (
            match lang {
                Lang::Zh => stored.to_string(),
                Lang::En => tasks::standard_title_en(p),
            },
            false,
        ),
        _ => (stored.to_string(), true),
    }
}

/// A reminder's text as a page shows it: the standard text (`tasks::reminder_text`) in the
/// viewer's language, or the text the sender typed, as typed (`true`). `title` is the task's
/// title as stored, `shown` as [`shown_title`] shows it.
pub fn shown_reminder(
    message: &str,
    title: &str,
    shown: &str,
    deadline: DateTime<Utc>,
    lang: Lang,
) -> (String, bool) {
    if message == tasks::reminder_text(title, deadline) {
        match lang {
            Lang::Zh => (message.to_string(), false),
            Lang::En => (tasks::reminder_text_en(shown, deadline), false),
        }
    } else {
        (message.to_string(), true)
    }
}

/// Most bases listed on a board or reminded at once.
pub const MAX_LISTED: usize = 1000;

/// A task's counts.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TaskCountsView {
    /// Bases asked.
    pub bases: i64,
    /// Nothing received.
    pub not_reported: i64,
    /// Waiting for review.
    pub submitted: i64,
    /// Returned for correction.
    pub returned: i64,
    /// Accepted.
    pub accepted: i64,
    /// First received by the deadline.
    pub on_time: i64,
    /// First received after the deadline.
    pub late: i64,
    /// Past the deadline and still owing an answer (not reported or returned); 0 before it.
    pub overdue: i64,
    /// Accepted as a share of bases asked, in percent, one decimal.
    pub completeness_percent: f64,
    /// Received by the deadline as a share of bases asked, in percent, one decimal.
    pub timeliness_percent: f64,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Counts as shown, with what follows from the deadline.
pub fn counts_view(c: &TaskCounts, deadline: DateTime<Utc>, now: DateTime<Utc>) -> TaskCountsView {
    let share = |n: i64| {
        if c.bases == 0 {
            0.0
        } else {
            round1(100.0 * n as f64 / c.bases as f64)
        }
    };
    TaskCountsView {
        bases: c.bases,
        not_reported: c.not_reported,
        submitted: c.submitted,
        returned: c.returned,
        accepted: c.accepted,
        on_time: c.on_time,
        late: c.late,
        overdue: if now > deadline {
            c.not_reported + c.returned
        } else {
            0
        },
        completeness_percent: share(c.accepted),
        timeliness_percent: share(c.on_time),
    }
}

/// A reporting task.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TaskView {
    /// Id.
    pub id: i64,
    /// `annual` or `monthly`.
    pub frequency: String,
    /// `YYYY` or `YYYY-MM`.
    pub period: String,
    /// Title.
    pub title: String,
    /// Deadline (RFC 3339; the end of the day in China).
    pub deadline: String,
    /// The deadline's day in China, `YYYY-MM-DD`.
    pub deadline_date: String,
    /// Whether the deadline has passed.
    pub past_deadline: bool,
    /// When opened (RFC 3339).
    pub opened_at: String,
    /// `ministry`, `calendar` or `demo`.
    pub opened_via: String,
    /// Generated demo content.
    pub synthetic: bool,
    /// Indicators asked.
    pub indicators: i64,
    /// Counts within the caller's scope.
    pub counts: TaskCountsView,
}

/// The view of a task.
pub fn task_view(t: &TaskRecord, now: DateTime<Utc>) -> TaskView {
    TaskView {
        id: t.id,
        frequency: t.frequency.code().into(),
        period: period_text(t.frequency, t.period),
        title: t.title.clone(),
        deadline: t.deadline.to_rfc3339(),
        deadline_date: tasks::china_date(t.deadline).to_string(),
        past_deadline: now > t.deadline,
        opened_at: t.opened_at.to_rfc3339(),
        opened_via: t.opened_via.clone(),
        synthetic: t.synthetic,
        indicators: t.indicators,
        counts: counts_view(&t.counts, t.deadline, now),
    }
}

/// Counts of one province or category.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct GroupView {
    /// Province or category code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its counts.
    pub counts: TaskCountsView,
}

/// One base's answer.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TaskBaseView {
    /// Task.
    pub task_id: i64,
    /// Task title.
    pub task_title: String,
    /// Task period, `YYYY` or `YYYY-MM`.
    pub period: String,
    /// Deadline day in China.
    pub deadline_date: String,
    /// Base.
    pub base_id: i64,
    /// Its name.
    pub base_name: String,
    /// Its province.
    pub province_code: String,
    /// Its category.
    pub category_code: String,
    /// `not_reported`, `submitted`, `returned` or `accepted`.
    pub status: String,
    /// The submission that set it.
    pub submission_id: Option<i64>,
    /// First received (RFC 3339).
    pub submitted_at: Option<String>,
    /// Accepted (RFC 3339).
    pub accepted_at: Option<String>,
    /// Received after the deadline, or not yet received and the deadline has passed.
    pub late: bool,
    /// Reminders sent.
    pub reminders: i64,
    /// Last reminder (RFC 3339).
    pub reminded_at: Option<String>,
}

/// The view of a base's answer.
pub fn task_base_view(r: &TaskBaseRecord, now: DateTime<Utc>) -> TaskBaseView {
    TaskBaseView {
        task_id: r.task_id,
        task_title: r.task_title.clone(),
        period: period_text(r.frequency, r.period),
        deadline_date: tasks::china_date(r.deadline).to_string(),
        base_id: r.base_id,
        base_name: r.base_name.clone(),
        province_code: r.province_code.clone(),
        category_code: r.category_code.clone(),
        status: r.status.code().into(),
        submission_id: r.submission_id,
        submitted_at: r.submitted_at.map(|t| t.to_rfc3339()),
        accepted_at: r.accepted_at.map(|t| t.to_rfc3339()),
        late: r.is_late(now),
        reminders: r.reminders,
        reminded_at: r.reminded_at.map(|t| t.to_rfc3339()),
    }
}

/// A reminder to a base.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReminderView {
    /// Id.
    pub id: i64,
    /// Task.
    pub task_id: i64,
    /// Task title.
    pub task_title: String,
    /// Deadline day in China.
    pub deadline_date: String,
    /// When sent (RFC 3339).
    pub at: String,
    /// Text.
    pub message: String,
    /// The base's answer now (`not_reported` or `returned`).
    pub status: String,
}

/// The view of a reminder.
pub fn reminder_view(r: &ReminderRecord) -> ReminderView {
    ReminderView {
        id: r.id,
        task_id: r.task_id,
        task_title: r.task_title.clone(),
        deadline_date: tasks::china_date(r.deadline).to_string(),
        at: r.at.to_rfc3339(),
        message: r.message.clone(),
        status: r.status.code().into(),
    }
}

/// The part of every task the viewer sees: the ministry and evaluators every base, a province
/// its own, a base itself; the public signs in first.
pub fn task_scope(viewer: Option<&Principal>) -> Result<TaskScope, AppError> {
    Ok(match access::record_scope(viewer).map_err(denied)? {
        RecordScope::All => TaskScope::default(),
        RecordScope::Province(p) => TaskScope {
            province_code: Some(p),
            base_id: None,
        },
        RecordScope::Base(b) => TaskScope {
            province_code: None,
            base_id: Some(b),
        },
    })
}

/// A task with counts in the viewer's scope (404 when there is none).
pub async fn visible_task(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
) -> Result<(TaskRecord, TaskScope), AppError> {
    let scope = task_scope(viewer.who())?;
    let task = state
        .store
        .task(id, &scope)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("task {id}")))?;
    Ok((task, scope))
}

fn category_name(code: &str, english: bool) -> String {
    builtin_categories()
        .into_iter()
        .find(|c| c.code == code)
        .map_or_else(
            || code.to_string(),
            |c| if english { c.name_en } else { c.name_zh },
        )
}

/// Group counts as shown, names in the interface language.
pub fn group_views(
    groups: &[GroupCounts],
    grouping: TaskGrouping,
    deadline: DateTime<Utc>,
    now: DateTime<Utc>,
    english: bool,
) -> Vec<GroupView> {
    groups
        .iter()
        .map(|g| GroupView {
            code: g.code.clone(),
            name: match grouping {
                TaskGrouping::Province => crate::views::province_name(
                    &g.code,
                    if english {
                        crate::i18n::Lang::En
                    } else {
                        crate::i18n::Lang::Zh
                    },
                ),
                TaskGrouping::Category => category_name(&g.code, english),
            },
            counts: counts_view(&g.counts, deadline, now),
        })
        .collect()
}

/// What a task's board shows.
pub struct Board {
    /// The task with counts in scope.
    pub task: TaskView,
    /// Indicator codes asked.
    pub indicators: Vec<String>,
    /// By province (within scope).
    pub by_province: Vec<GroupView>,
    /// By category (within scope).
    pub by_category: Vec<GroupView>,
    /// Bases of the scope, by id, filtered by `status` when asked (at most [`MAX_LISTED`]).
    pub bases: Vec<TaskBaseView>,
    /// Whether the viewer may remind the overdue bases listed.
    pub may_remind: bool,
}

/// Loads a task's board for the viewer, with at most `listed` of its bases (none for the
/// counts alone).
pub async fn board(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    status: Option<TaskStatus>,
    listed: usize,
    english: bool,
) -> Result<Board, AppError> {
    let now = Utc::now();
    let (task, scope) = visible_task(state, viewer, id).await?;
    let indicators = state.store.task_indicators(id).await?;
    let by_province = state
        .store
        .task_groups(id, TaskGrouping::Province, &scope)
        .await?;
    let by_category = state
        .store
        .task_groups(id, TaskGrouping::Category, &scope)
        .await?;
    let filter = TaskBaseFilter {
        scope: scope.clone(),
        status,
        overdue_at: None,
    };
    let bases = if listed == 0 {
        Vec::new()
    } else {
        state
            .store
            .task_bases(id, &filter, None, listed.min(MAX_LISTED))
            .await?
    };
    let may_remind = access::can_remind_some(viewer.who()).granted() && now > task.deadline;
    Ok(Board {
        task: task_view(&task, now),
        indicators,
        by_province: group_views(
            &by_province,
            TaskGrouping::Province,
            task.deadline,
            now,
            english,
        ),
        by_category: group_views(
            &by_category,
            TaskGrouping::Category,
            task.deadline,
            now,
            english,
        ),
        bases: bases.iter().map(|r| task_base_view(r, now)).collect(),
        may_remind,
    })
}

/// Longest reminder text, in characters.
const MAX_MESSAGE: usize = 500;

/// Reminds overdue bases of a task: the ones named (each must be overdue and within the
/// viewer's reach) or, when none are named, every overdue base of the viewer's scope. Returns the
/// bases reminded.
pub async fn remind(
    state: &AppState,
    principal: &Principal,
    id: i64,
    base_ids: Option<&[i64]>,
    message: &str,
) -> Result<Vec<i64>, AppError> {
    let message = message.trim();
    if message.chars().count() > MAX_MESSAGE || message.contains('\0') {
        return Err(AppError::bad_field(
            "message",
            format!("at most {MAX_MESSAGE} characters, no NUL"),
        ));
    }
    if base_ids.is_some_and(|b| b.len() > MAX_LISTED) {
        return Err(AppError::bad_field(
            "base_ids",
            format!("at most {MAX_LISTED} bases at once"),
        ));
    }
    let scope = task_scope(Some(principal))?;
    let task = state
        .store
        .task(id, &scope)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("task {id}")))?;
    if !access::can_remind_some(Some(principal)).granted() {
        return Err(AppError::Forbidden);
    }
    let now = Utc::now();
    if now <= task.deadline {
        return Err(AppError::Conflict(format!(
            "the deadline ({}) has not passed; nobody is late yet",
            tasks::china_date(task.deadline)
        )));
    }
    let overdue = state
        .store
        .task_bases(
            id,
            &TaskBaseFilter {
                scope,
                status: None,
                overdue_at: Some(now),
            },
            None,
            MAX_LISTED,
        )
        .await?;
    let targets: Vec<i64> = match base_ids {
        None => overdue.iter().map(|r| r.base_id).collect(),
        Some(named) => {
            for b in named {
                if !overdue.iter().any(|r| r.base_id == *b) {
                    return Err(AppError::bad_field(
                        "base_ids",
                        format!("base {b} is not an overdue base of this task within your scope"),
                    ));
                }
            }
            named.to_vec()
        }
    };
    let text = if message.is_empty() {
        tasks::reminder_text(&task.title, task.deadline)
    } else {
        message.to_string()
    };
    Ok(state
        .store
        .remind(id, &targets, Some(principal.user_id), &text, now)
        .await?)
}

/// The error of opening a task, as the API and pages report it.
pub fn task_error(e: TaskError) -> AppError {
    match e {
        TaskError::Invalid { field, message } => AppError::bad_field(field, message),
        TaskError::Exists(p) => {
            AppError::Conflict(format!("a reporting task for {p} already exists"))
        }
        TaskError::Store(s) => AppError::from(s),
    }
}
