//! Reporting tasks (填报任务) and their completeness (催报): a period, the indicators asked, the
//! bases that must answer and a deadline. Each base's answer lives in `task_bases` and is moved
//! by the same transaction as the submission, acceptance or return that changes it (see
//! [`mark_submitted`], [`mark_accepted`], [`mark_returned`]), so a board aggregates one table keyed
//! by task and province instead of scanning submissions.

use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::collection::Frequency;
use crate::error::{Result, StoreError};
use crate::roll::INSERT_AUDIT;
use crate::row::{Conditions, Param, Row, push_where};
use crate::store::{Store, on_pool};

/// Bases per `IN (…)` list: well under both backends' parameter limits.
pub(crate) const IN_CHUNK: usize = 500;

/// A base's answer to a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TaskStatus {
    /// Nothing received.
    NotReported,
    /// Submitted, waiting for review.
    Submitted,
    /// Returned to the base with comments.
    Returned,
    /// Accepted.
    Accepted,
}

impl TaskStatus {
    /// Every status, in the order boards show them.
    pub const ALL: [TaskStatus; 4] = [
        TaskStatus::NotReported,
        TaskStatus::Returned,
        TaskStatus::Submitted,
        TaskStatus::Accepted,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            TaskStatus::NotReported => "not_reported",
            TaskStatus::Submitted => "submitted",
            TaskStatus::Returned => "returned",
            TaskStatus::Accepted => "accepted",
        }
    }

    /// From the stored code.
    pub fn parse(code: &str) -> Option<TaskStatus> {
        TaskStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A task to open.
#[derive(Clone, Debug)]
pub struct NewTask {
    /// Annual or monthly.
    pub frequency: Frequency,
    /// `YYYY` or `YYYYMM`.
    pub period: i32,
    /// Title shown to bases.
    pub title: String,
    /// Reports received after this are late.
    pub deadline: DateTime<Utc>,
    /// The indicators asked (catalogue codes).
    pub indicators: Vec<String>,
    /// The bases that must answer.
    pub base_ids: Vec<i64>,
    /// Who opened it (none: the calendar).
    pub opened_by: Option<i64>,
    /// `ministry`, `calendar` or `demo`.
    pub opened_via: &'static str,
    /// Generated demo content.
    pub synthetic: bool,
    /// When.
    pub at: DateTime<Utc>,
}

/// Counts of a task's bases by answer and timeliness.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskCounts {
    /// Bases asked.
    pub bases: i64,
    /// Nothing received.
    pub not_reported: i64,
    /// Waiting for review.
    pub submitted: i64,
    /// Returned.
    pub returned: i64,
    /// Accepted.
    pub accepted: i64,
    /// First received by the deadline.
    pub on_time: i64,
    /// First received after the deadline.
    pub late: i64,
}

impl TaskCounts {
    /// Bases that have sent something (submitted, returned or accepted).
    pub fn received(&self) -> i64 {
        self.submitted + self.returned + self.accepted
    }

    /// Share of bases accepted, in percent (0 when none were asked).
    pub fn completeness_percent(&self) -> f64 {
        if self.bases == 0 {
            0.0
        } else {
            100.0 * self.accepted as f64 / self.bases as f64
        }
    }
}

/// A stored task with its counts (within the reader's scope).
#[derive(Clone, Debug, PartialEq)]
pub struct TaskRecord {
    /// Id.
    pub id: i64,
    /// Annual or monthly.
    pub frequency: Frequency,
    /// `YYYY` or `YYYYMM`.
    pub period: i32,
    /// Title.
    pub title: String,
    /// Deadline.
    pub deadline: DateTime<Utc>,
    /// When opened.
    pub opened_at: DateTime<Utc>,
    /// How opened.
    pub opened_via: String,
    /// Generated demo content.
    pub synthetic: bool,
    /// Indicators asked.
    pub indicators: i64,
    /// The counts within the scope asked for.
    pub counts: TaskCounts,
}

/// Which part of a task to count or list.
#[derive(Clone, Debug, Default)]
pub struct TaskScope {
    /// One province's bases.
    pub province_code: Option<String>,
    /// One base.
    pub base_id: Option<i64>,
}

impl TaskScope {
    fn conditions(&self, alias: &str) -> Conditions {
        let mut c = Conditions::default();
        if let Some(p) = &self.province_code {
            c.push(
                &format!("{alias}.province_code = ?"),
                vec![Param::Text(p.clone())],
            );
        }
        if let Some(b) = self.base_id {
            c.push(&format!("{alias}.base_id = ?"), vec![Param::Int(b)]);
        }
        c
    }
}

/// Counts of one group (a province or a category) of a task.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupCounts {
    /// Province or category code.
    pub code: String,
    /// Its counts.
    pub counts: TaskCounts,
}

/// How to group a task's counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskGrouping {
    /// By province.
    Province,
    /// By category.
    Category,
}

/// One base's answer to a task.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskBaseRecord {
    /// Task.
    pub task_id: i64,
    /// Base.
    pub base_id: i64,
    /// Its name.
    pub base_name: String,
    /// Its province.
    pub province_code: String,
    /// Its category.
    pub category_code: String,
    /// Answer.
    pub status: TaskStatus,
    /// The submission that set the answer.
    pub submission_id: Option<i64>,
    /// First received.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Accepted.
    pub accepted_at: Option<DateTime<Utc>>,
    /// Reminders sent.
    pub reminders: i64,
    /// Last reminder.
    pub reminded_at: Option<DateTime<Utc>>,
    /// The task's deadline.
    pub deadline: DateTime<Utc>,
    /// The task's title.
    pub task_title: String,
    /// The task's frequency.
    pub frequency: Frequency,
    /// The task's period.
    pub period: i32,
}

impl TaskBaseRecord {
    /// Received after the deadline, or not yet received and the deadline has passed.
    pub fn is_late(&self, now: DateTime<Utc>) -> bool {
        match self.submitted_at {
            Some(at) => at > self.deadline,
            None => now > self.deadline,
        }
    }
}

/// Filter of a task's bases.
#[derive(Clone, Debug, Default)]
pub struct TaskBaseFilter {
    /// Scope.
    pub scope: TaskScope,
    /// One answer.
    pub status: Option<TaskStatus>,
    /// Only bases with nothing received by the deadline (not reported or returned, deadline past).
    pub overdue_at: Option<DateTime<Utc>>,
}

/// A reminder sent to a base.
#[derive(Clone, Debug, PartialEq)]
pub struct ReminderRecord {
    /// Id.
    pub id: i64,
    /// Task.
    pub task_id: i64,
    /// Task title.
    pub task_title: String,
    /// Task deadline.
    pub deadline: DateTime<Utc>,
    /// Base.
    pub base_id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Text.
    pub message: String,
    /// The base's answer now.
    pub status: TaskStatus,
}

pub(crate) fn frequency_of(code: &str) -> Result<Frequency> {
    match code {
        "annual" => Ok(Frequency::Annual),
        "monthly" => Ok(Frequency::Monthly),
        other => Err(StoreError::corrupt("task frequency", other)),
    }
}

fn status_of(code: &str) -> Result<TaskStatus> {
    TaskStatus::parse(code).ok_or_else(|| StoreError::corrupt("task status", code))
}

/// The aggregate columns over `task_bases tb` joined to its task `t`.
const COUNT_COLUMNS: &str = "COUNT(tb.base_id) AS n_bases, \
    COALESCE(SUM(CASE WHEN tb.status = 'not_reported' THEN 1 ELSE 0 END), 0) AS n_not_reported, \
    COALESCE(SUM(CASE WHEN tb.status = 'submitted' THEN 1 ELSE 0 END), 0) AS n_submitted, \
    COALESCE(SUM(CASE WHEN tb.status = 'returned' THEN 1 ELSE 0 END), 0) AS n_returned, \
    COALESCE(SUM(CASE WHEN tb.status = 'accepted' THEN 1 ELSE 0 END), 0) AS n_accepted, \
    COALESCE(SUM(CASE WHEN tb.submitted_at IS NOT NULL AND tb.submitted_at <= t.deadline THEN 1 ELSE 0 END), 0) AS n_on_time, \
    COALESCE(SUM(CASE WHEN tb.submitted_at IS NOT NULL AND tb.submitted_at > t.deadline THEN 1 ELSE 0 END), 0) AS n_late";

fn counts(r: &impl Row) -> Result<TaskCounts> {
    Ok(TaskCounts {
        bases: r.int("n_bases")?,
        not_reported: r.int("n_not_reported")?,
        submitted: r.int("n_submitted")?,
        returned: r.int("n_returned")?,
        accepted: r.int("n_accepted")?,
        on_time: r.int("n_on_time")?,
        late: r.int("n_late")?,
    })
}

fn task_record(r: &impl Row) -> Result<TaskRecord> {
    Ok(TaskRecord {
        id: r.int("id")?,
        frequency: frequency_of(&r.text("frequency")?)?,
        period: r.int32("period")?,
        title: r.text("title")?,
        deadline: r.timestamp("deadline")?,
        opened_at: r.timestamp("opened_at")?,
        opened_via: r.text("opened_via")?,
        synthetic: r.boolean("synthetic")?,
        indicators: r.int("n_indicators")?,
        counts: counts(r)?,
    })
}

const TASK_COLUMNS: &str = "t.id, t.frequency, t.period, t.title, t.deadline, t.opened_at, t.opened_via, t.synthetic, \
    (SELECT COUNT(*) FROM task_indicators ti WHERE ti.task_id = t.id) AS n_indicators";

const TASK_BASE_COLUMNS: &str = "tb.task_id, tb.base_id, b.name AS base_name, tb.province_code, tb.category_code, tb.status, \
    tb.submission_id, tb.submitted_at, tb.accepted_at, tb.reminders, tb.reminded_at, t.deadline, t.title, t.frequency, t.period";

fn task_base_record(r: &impl Row) -> Result<TaskBaseRecord> {
    Ok(TaskBaseRecord {
        task_id: r.int("task_id")?,
        base_id: r.int("base_id")?,
        base_name: r.text("base_name")?,
        province_code: r.text("province_code")?,
        category_code: r.text("category_code")?,
        status: status_of(&r.text("status")?)?,
        submission_id: r.opt_int("submission_id")?,
        submitted_at: r.opt_timestamp("submitted_at")?,
        accepted_at: r.opt_timestamp("accepted_at")?,
        reminders: r.int("reminders")?,
        reminded_at: r.opt_timestamp("reminded_at")?,
        deadline: r.timestamp("deadline")?,
        task_title: r.text("title")?,
        frequency: frequency_of(&r.text("frequency")?)?,
        period: r.int32("period")?,
    })
}

/// Within a write transaction: the tasks a set of `(base, frequency, period)` answers touches,
/// as task id → bases.
macro_rules! tasks_touched {
    ($tx:expr, $answers:expr) => {{
        let answers: &std::collections::BTreeSet<(i64, $crate::collection::Frequency, i32)> =
            $answers;
        let mut touched: std::collections::BTreeMap<i64, Vec<i64>> =
            std::collections::BTreeMap::new();
        if !answers.is_empty() {
            let periods: std::collections::BTreeSet<($crate::collection::Frequency, i32)> =
                answers.iter().map(|(_, f, p)| (*f, *p)).collect();
            let mut qb = sqlx::QueryBuilder::new(
                "SELECT id, frequency, period FROM reporting_tasks WHERE period IN (",
            );
            let mut list = qb.separated(", ");
            for (_, p) in &periods {
                list.push_bind(*p);
            }
            qb.push(")");
            let rows = qb.build().fetch_all(&mut *$tx).await?;
            let mut by_period: std::collections::BTreeMap<
                ($crate::collection::Frequency, i32),
                i64,
            > = std::collections::BTreeMap::new();
            for r in &rows {
                by_period.insert(
                    (
                        $crate::tasks::frequency_of(&$crate::row::Row::text(r, "frequency")?)?,
                        $crate::row::Row::int32(r, "period")?,
                    ),
                    $crate::row::Row::int(r, "id")?,
                );
            }
            for (base, f, p) in answers {
                if let Some(task) = by_period.get(&(*f, *p)) {
                    touched.entry(*task).or_default().push(*base);
                }
            }
        }
        touched
    }};
}
pub(crate) use tasks_touched;

/// Within a write transaction: updates the answers of the bases of `$answers` to the tasks of
/// their periods. `$set` pushes `SET … WHERE` (optionally with a condition and `AND`) onto `$qb`;
/// the macro adds the task and the bases, in chunks of [`IN_CHUNK`].
macro_rules! update_answers {
    ($tx:expr, $answers:expr, |$qb:ident| $set:block) => {{
        let touched = $crate::tasks::tasks_touched!($tx, $answers);
        for (task, bases) in &touched {
            for chunk in bases.chunks($crate::tasks::IN_CHUNK) {
                let mut $qb = sqlx::QueryBuilder::new("UPDATE task_bases SET ");
                $set
                $qb.push(" task_id = ");
                $qb.push_bind(*task);
                $qb.push(" AND base_id IN (");
                let mut list = $qb.separated(", ");
                for b in chunk {
                    list.push_bind(*b);
                }
                $qb.push(")");
                $qb.build().execute(&mut *$tx).await?;
            }
        }
    }};
}
pub(crate) use update_answers;

/// A submission arrived: its bases' answers to the tasks of its periods become `submitted`
/// (an accepted answer stays accepted: a correction under review does not undo completeness);
/// the first arrival is kept as the time received.
macro_rules! mark_submitted {
    ($tx:expr, $answers:expr, $submission:expr, $at:expr) => {{
        $crate::tasks::update_answers!($tx, $answers, |qb| {
            qb.push("status = 'submitted', submission_id = ");
            qb.push_bind($submission);
            qb.push(", submitted_at = COALESCE(submitted_at, ");
            qb.push_bind($at);
            qb.push(") WHERE status <> 'accepted' AND");
        })
    }};
}
pub(crate) use mark_submitted;

/// Values were accepted (a reviewed submission, or the ministry's or a province's own report):
/// the answers of their bases to the tasks of their periods become `accepted`.
macro_rules! mark_accepted {
    ($tx:expr, $answers:expr, $submission:expr, $at:expr) => {{
        $crate::tasks::update_answers!($tx, $answers, |qb| {
            qb.push("status = 'accepted', accepted_at = ");
            qb.push_bind($at);
            qb.push(", submitted_at = COALESCE(submitted_at, ");
            qb.push_bind($at);
            qb.push("), submission_id = COALESCE(");
            qb.push_bind($submission);
            qb.push(", submission_id) WHERE");
        })
    }};
}
pub(crate) use mark_accepted;

/// A submission was returned: the answers it set become `returned`.
macro_rules! mark_returned {
    ($tx:expr, $submission:expr) => {{
        sqlx::query("UPDATE task_bases SET status = 'returned' WHERE submission_id = $1 AND status = 'submitted'")
            .bind($submission)
            .execute(&mut *$tx)
            .await?;
    }};
}
pub(crate) use mark_returned;

impl Store {
    /// Opens a task in one transaction: the task, its indicators and bases, and an audit entry.
    /// Bases that already have an accepted value of the period for one of the task's indicators
    /// start as accepted (their data arrived before the task). A second task for the same
    /// frequency and period is a conflict.
    pub async fn open_task(&self, task: &NewTask) -> Result<i64> {
        let (table, period_column) = match task.frequency {
            Frequency::Annual => ("annual_values", "year"),
            Frequency::Monthly => ("monthly_values", "period"),
        };
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query_scalar("INSERT INTO reporting_tasks (frequency, period, title, deadline, opened_at, opened_by, opened_via, synthetic) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
                .bind(task.frequency.code()).bind(task.period).bind(&task.title).bind(task.deadline)
                .bind(task.at).bind(task.opened_by).bind(task.opened_via).bind(task.synthetic)
                .fetch_one(&mut *tx).await
                .map_err(|e| StoreError::from_unique(e, "a task for this period already exists"))?;
            for code in &task.indicators {
                sqlx::query("INSERT INTO task_indicators (task_id, indicator_code) VALUES ($1, $2)")
                    .bind(id).bind(code).execute(&mut *tx).await
                    .map_err(|e| StoreError::from_unique(e, "an indicator appears twice in the task"))?;
            }
            for chunk in task.base_ids.chunks(IN_CHUNK) {
                let mut qb = QueryBuilder::new("INSERT INTO task_bases (task_id, base_id, province_code, category_code, status) SELECT ");
                qb.push_bind(id);
                qb.push(", b.id, b.province_code, b.category_code, 'not_reported' FROM bases b WHERE b.id IN (");
                let mut list = qb.separated(", ");
                for b in chunk {
                    list.push_bind(*b);
                }
                qb.push(")");
                qb.build().execute(&mut *tx).await
                    .map_err(|e| StoreError::from_unique(e, "a base appears twice in the task"))?;
            }
            let sql = format!(
                "UPDATE task_bases SET status = 'accepted', accepted_at = $1 WHERE task_id = $2 AND EXISTS \
                 (SELECT 1 FROM {table} v JOIN task_indicators ti ON ti.task_id = $2 AND ti.indicator_code = v.indicator_code \
                  WHERE v.base_id = task_bases.base_id AND v.{period_column} = $3)"
            );
            sqlx::query(AssertSqlSafe(sql)).bind(task.at).bind(id).bind(task.period)
                .execute(&mut *tx).await?;
            sqlx::query(INSERT_AUDIT)
                .bind(task.at).bind(task.opened_by).bind("open_task").bind("reporting_task").bind(id.to_string())
                .bind(serde_json::json!({
                    "frequency": task.frequency.code(), "period": task.period, "title": task.title,
                    "deadline": task.deadline, "indicators": task.indicators.len(),
                    "bases": task.base_ids.len(), "via": task.opened_via,
                }).to_string())
                .execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Tasks, newest period first, with counts within `scope`; at most `limit`.
    pub async fn tasks(&self, scope: &TaskScope, limit: usize) -> Result<Vec<TaskRecord>> {
        self.task_records(scope, None, limit).await
    }

    /// One task with counts within `scope`.
    pub async fn task(&self, id: i64, scope: &TaskScope) -> Result<Option<TaskRecord>> {
        Ok(self.task_records(scope, Some(id), 1).await?.pop())
    }

    async fn task_records(
        &self,
        scope: &TaskScope,
        id: Option<i64>,
        limit: usize,
    ) -> Result<Vec<TaskRecord>> {
        let c = scope.conditions("tb");
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new(format!(
                "SELECT {TASK_COLUMNS}, {COUNT_COLUMNS} FROM reporting_tasks t LEFT JOIN task_bases tb ON tb.task_id = t.id"
            ));
            // The scope filters the joined rows, not the tasks: a task with none of a province's
            // bases still lists, with zero counts.
            for clause in c.clauses() {
                qb.push(" AND ");
                for (k, piece) in clause.pieces.iter().enumerate() {
                    qb.push(piece);
                    if let Some(p) = clause.params.get(k) {
                        crate::row::push_param!(qb, p);
                    }
                }
            }
            if let Some(id) = id {
                qb.push(" WHERE t.id = ");
                qb.push_bind(id);
            }
            qb.push(" GROUP BY t.id, t.frequency, t.period, t.title, t.deadline, t.opened_at, t.opened_via, t.synthetic ORDER BY t.period DESC, t.frequency, t.id DESC LIMIT ");
            qb.push_bind(limit.min(1000) as i64);
            let rows = qb.build().fetch_all(pool).await?;
            rows.iter().map(task_record).collect::<Result<Vec<_>>>()
        })
    }

    /// The task of a frequency and period, if one is open, with its indicator codes.
    pub async fn task_for_period(
        &self,
        frequency: Frequency,
        period: i32,
    ) -> Result<Option<(i64, Vec<String>)>> {
        on_pool!(self, pool => {
            let id: Option<i64> = sqlx::query_scalar("SELECT id FROM reporting_tasks WHERE frequency = $1 AND period = $2")
                .bind(frequency.code()).bind(period).fetch_optional(pool).await?;
            let Some(id) = id else { return Ok(None) };
            let codes: Vec<String> = sqlx::query_scalar("SELECT indicator_code FROM task_indicators WHERE task_id = $1 ORDER BY indicator_code")
                .bind(id).fetch_all(pool).await?;
            Ok(Some((id, codes)))
        })
    }

    /// The indicator codes a task asks for.
    pub async fn task_indicators(&self, id: i64) -> Result<Vec<String>> {
        on_pool!(self, pool => {
            Ok(sqlx::query_scalar("SELECT indicator_code FROM task_indicators WHERE task_id = $1 ORDER BY indicator_code")
                .bind(id).fetch_all(pool).await?)
        })
    }

    /// A task's counts by province or category within `scope`, aggregated in the database.
    pub async fn task_groups(
        &self,
        id: i64,
        grouping: TaskGrouping,
        scope: &TaskScope,
    ) -> Result<Vec<GroupCounts>> {
        let column = match grouping {
            TaskGrouping::Province => "tb.province_code",
            TaskGrouping::Category => "tb.category_code",
        };
        let mut c = scope.conditions("tb");
        c.push("tb.task_id = ?", vec![Param::Int(id)]);
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new(format!(
                "SELECT {column} AS code, {COUNT_COLUMNS} FROM task_bases tb JOIN reporting_tasks t ON t.id = tb.task_id"
            ));
            push_where!(qb, c);
            qb.push(format!(" GROUP BY {column} ORDER BY {column}"));
            let rows = qb.build().fetch_all(pool).await?;
            rows.iter()
                .map(|r| Ok(GroupCounts { code: r.text("code")?, counts: counts(r)? }))
                .collect::<Result<Vec<_>>>()
        })
    }

    /// A page of a task's bases (by base id, after `after`), at most `limit`.
    pub async fn task_bases(
        &self,
        id: i64,
        filter: &TaskBaseFilter,
        after: Option<i64>,
        limit: usize,
    ) -> Result<Vec<TaskBaseRecord>> {
        let mut c = filter.scope.conditions("tb");
        c.push("tb.task_id = ?", vec![Param::Int(id)]);
        if let Some(s) = filter.status {
            c.push("tb.status = ?", vec![Param::Text(s.code().into())]);
        }
        if let Some(now) = filter.overdue_at {
            c.push(
                "tb.status IN ('not_reported', 'returned') AND t.deadline < ?",
                vec![Param::Timestamp(now)],
            );
        }
        if let Some(a) = after {
            c.push("tb.base_id > ?", vec![Param::Int(a)]);
        }
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new(format!(
                "SELECT {TASK_BASE_COLUMNS} FROM task_bases tb JOIN reporting_tasks t ON t.id = tb.task_id JOIN bases b ON b.id = tb.base_id"
            ));
            push_where!(qb, c);
            qb.push(" ORDER BY tb.base_id LIMIT ");
            qb.push_bind(limit.min(1000) as i64);
            let rows = qb.build().fetch_all(pool).await?;
            rows.iter().map(task_base_record).collect::<Result<Vec<_>>>()
        })
    }

    /// A base's answers to every task, newest period first (its timeliness history).
    pub async fn base_task_history(
        &self,
        base_id: i64,
        limit: usize,
    ) -> Result<Vec<TaskBaseRecord>> {
        on_pool!(self, pool => {
            let sql = format!(
                "SELECT {TASK_BASE_COLUMNS} FROM task_bases tb JOIN reporting_tasks t ON t.id = tb.task_id JOIN bases b ON b.id = tb.base_id \
                 WHERE tb.base_id = $1 ORDER BY t.period DESC, t.frequency LIMIT $2"
            );
            let rows = sqlx::query(AssertSqlSafe(sql)).bind(base_id).bind(limit.min(1000) as i64).fetch_all(pool).await?;
            rows.iter().map(task_base_record).collect::<Result<Vec<_>>>()
        })
    }

    /// Sends a reminder to each of `base_ids` of a task that has still not answered (not
    /// reported or returned); returns the bases reminded. One transaction with its audit entry.
    pub async fn remind(
        &self,
        task_id: i64,
        base_ids: &[i64],
        sent_by: Option<i64>,
        message: &str,
        at: DateTime<Utc>,
    ) -> Result<Vec<i64>> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let mut reminded = Vec::new();
            for chunk in base_ids.chunks(IN_CHUNK) {
                let mut qb = QueryBuilder::new("UPDATE task_bases SET reminders = reminders + 1, reminded_at = ");
                qb.push_bind(at);
                qb.push(" WHERE status IN ('not_reported', 'returned') AND task_id = ");
                qb.push_bind(task_id);
                qb.push(" AND base_id IN (");
                let mut list = qb.separated(", ");
                for b in chunk {
                    list.push_bind(*b);
                }
                qb.push(") RETURNING base_id");
                let rows = qb.build().fetch_all(&mut *tx).await?;
                for r in &rows {
                    reminded.push(r.int("base_id")?);
                }
            }
            reminded.sort_unstable();
            for b in &reminded {
                sqlx::query("INSERT INTO task_reminders (task_id, base_id, at, sent_by, message) VALUES ($1, $2, $3, $4, $5)")
                    .bind(task_id).bind(*b).bind(at).bind(sent_by).bind(message)
                    .execute(&mut *tx).await?;
            }
            sqlx::query(INSERT_AUDIT)
                .bind(at).bind(sent_by).bind("remind").bind("reporting_task").bind(task_id.to_string())
                .bind(serde_json::json!({"bases": reminded, "message": message}).to_string())
                .execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(reminded)
        })
    }

    /// Reminders to a base whose task it has still not answered, newest first.
    pub async fn open_reminders(&self, base_id: i64, limit: usize) -> Result<Vec<ReminderRecord>> {
        on_pool!(self, pool => {
            let rows = sqlx::query(
                "SELECT r.id, r.task_id, t.title, t.deadline, r.base_id, r.at, r.message, tb.status FROM task_reminders r \
                 JOIN reporting_tasks t ON t.id = r.task_id JOIN task_bases tb ON tb.task_id = r.task_id AND tb.base_id = r.base_id \
                 WHERE r.base_id = $1 AND tb.status IN ('not_reported', 'returned') ORDER BY r.id DESC LIMIT $2",
            )
            .bind(base_id).bind(limit.min(100) as i64).fetch_all(pool).await?;
            rows.iter().map(|r| Ok(ReminderRecord {
                id: r.int("id")?,
                task_id: r.int("task_id")?,
                task_title: r.text("title")?,
                deadline: r.timestamp("deadline")?,
                base_id: r.int("base_id")?,
                at: r.timestamp("at")?,
                message: r.text("message")?,
                status: status_of(&r.text("status")?)?,
            })).collect::<Result<Vec<_>>>()
        })
    }
}

impl Store {
    /// Ids of the current bases of some tiers, ascending: the bases a task asks by default.
    pub async fn current_base_ids(&self, tiers: &[&str]) -> Result<Vec<i64>> {
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new("SELECT id FROM bases WHERE status = 'current' AND tier IN (");
            let mut list = qb.separated(", ");
            for t in tiers {
                list.push_bind(t.to_string());
            }
            qb.push(") ORDER BY id");
            let rows = qb.build().fetch_all(pool).await?;
            rows.iter().map(|r| r.int("id")).collect::<Result<Vec<_>>>()
        })
    }
}

impl Store {
    /// Sets when each base's answer to a task was received and accepted (the demo's simulated
    /// history of tasks whose data were bulk loaded), in one transaction, 300 bases a statement.
    pub async fn set_answer_times(
        &self,
        task_id: i64,
        times: &[(i64, DateTime<Utc>, DateTime<Utc>)],
    ) -> Result<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for chunk in times.chunks(300) {
                // VALUES columns are named column1… on both backends.
                let mut qb = QueryBuilder::new("UPDATE task_bases SET submitted_at = v.column2, accepted_at = v.column3 FROM (VALUES ");
                let mut rows = qb.separated(", ");
                for (base, submitted, accepted) in chunk {
                    rows.push("(");
                    rows.push_bind_unseparated(*base);
                    rows.push_unseparated(", ");
                    rows.push_bind_unseparated(*submitted);
                    rows.push_unseparated(", ");
                    rows.push_bind_unseparated(*accepted);
                    rows.push_unseparated(")");
                }
                qb.push(") AS v WHERE task_bases.task_id = ");
                qb.push_bind(task_id);
                qb.push(" AND task_bases.base_id = v.column1");
                qb.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }
}
