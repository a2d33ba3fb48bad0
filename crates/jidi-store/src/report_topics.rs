//! The data-collection and monitoring aggregates of the annual development report, counted in the
//! database.
//!
//! A year's reporting tasks are its annual task (period `YYYY`) and its monthly tasks (periods
//! `YYYY01`–`YYYY12`); their answers are the rows of `task_bases`, one per (task, base asked).
//! A year's monitoring is the derived monthly series of its periods (`monitor_values`) and the
//! warnings *opened* in them (`monitor_warnings`), counted at the highest level each reached.
//!
//! The names of these queries (`report_collection`, `report_monitored_bases`,
//! `report_warning_counts`, `report_warning_items`, `report_ytd_growth`) are the `query:<name>`
//! provenance of the report's figures.

use sqlx::QueryBuilder;

use crate::error::{Result, StoreError};
use crate::row::{Conditions, Param, Row, push_where};
use crate::store::{Store, on_pool};

/// The answers to one year's reporting tasks, of the nation or of one province.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CollectionCounts {
    /// `all`, or a province code.
    pub key: String,
    /// Tasks of the year with at least one base asked in the group.
    pub n_tasks: i64,
    /// Distinct bases asked.
    pub n_bases: i64,
    /// Answers asked: one per (task, base).
    pub asked: i64,
    /// Answers accepted.
    pub accepted: i64,
    /// Answers first received (submitted or entered) by the task's deadline.
    pub on_time: i64,
    /// Answers received at all (whatever their review).
    pub received: i64,
    /// Answers whose last submission was returned for correction and not yet resubmitted.
    pub returned: i64,
}

/// Warnings opened in one month at one peak level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WarningCount {
    /// Month opened, 1–12.
    pub month: u8,
    /// Highest level reached (`blue`, `yellow`, `orange`, `red`).
    pub level: String,
    /// How many.
    pub n: i64,
}

/// One warning opened in the year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WarningItem {
    /// Warning id.
    pub id: i64,
    /// Base.
    pub base_id: i64,
    /// Rule.
    pub rule_id: String,
    /// Month opened, 1–12.
    pub month: u8,
    /// Highest level reached.
    pub peak: String,
}

/// The year-to-date (1–N月) sums of a flow over the bases reporting it in one month.
#[derive(Clone, Debug, PartialEq)]
pub struct YtdSums {
    /// Month, 1–12.
    pub month: u8,
    /// Bases with a 1–N月 figure and last year's (the comparable set).
    pub n_comparable: i64,
    /// Σ 1–N月 this year over the comparable set.
    pub now: f64,
    /// Σ 1–N月 last year over the same bases.
    pub then: f64,
}

/// The condition "task `t` is one of `year`'s".
fn tasks_of(year: i32) -> Conditions {
    let mut c = Conditions::default();
    c.push(
        "((t.frequency = 'annual' AND t.period = ?) OR (t.frequency = 'monthly' AND t.period BETWEEN ? AND ?))",
        vec![
            Param::Int32(year),
            Param::Int32(year * 100 + 1),
            Param::Int32(year * 100 + 12),
        ],
    );
    c
}

/// The rows of `indicator` in the twelve months of `year`, as a list of periods: each is an
/// equality lookup on the (period, indicator) index, where a `BETWEEN` on the period scans every
/// indicator of the range (0.37 s against 0.03 s on the documented demo's SQLite).
fn months_of(year: i32, indicator: &str) -> Conditions {
    let mut c = Conditions::default();
    c.push(
        "mv.indicator_code = ?",
        vec![Param::Text(indicator.to_string())],
    );
    c.push_in(
        "mv.period",
        (1..=12).map(|m| Param::Int32(year * 100 + m)).collect(),
    );
    c
}

fn month_of(period: i32) -> Result<u8> {
    let m = period.rem_euclid(100);
    if (1..=12).contains(&m) {
        Ok(m as u8)
    } else {
        Err(StoreError::corrupt(
            "monitoring period",
            &period.to_string(),
        ))
    }
}

const COLLECTION_COLUMNS: &str = "COUNT(DISTINCT tb.task_id) AS n_tasks, COUNT(DISTINCT tb.base_id) AS n_bases, COUNT(*) AS asked, \
    COALESCE(SUM(CASE WHEN tb.status = 'accepted' THEN 1 ELSE 0 END), 0) AS accepted, \
    COALESCE(SUM(CASE WHEN tb.submitted_at IS NOT NULL AND tb.submitted_at <= t.deadline THEN 1 ELSE 0 END), 0) AS on_time, \
    COALESCE(SUM(CASE WHEN tb.submitted_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS received, \
    COALESCE(SUM(CASE WHEN tb.status = 'returned' THEN 1 ELSE 0 END), 0) AS returned";

impl Store {
    /// The answers to `year`'s reporting tasks: the nation (`by_province` false, one row keyed
    /// `all`, none when the year has no task) or by province (ordered by code).
    pub async fn report_collection(
        &self,
        year: i32,
        by_province: bool,
    ) -> Result<Vec<CollectionCounts>> {
        let c = tasks_of(year);
        on_pool!(self, pool => {
            let key = if by_province { "tb.province_code" } else { "'all'" };
            let mut qb = QueryBuilder::new(format!(
                "SELECT {key} AS k, {COLLECTION_COLUMNS} FROM task_bases tb JOIN reporting_tasks t ON t.id = tb.task_id"
            ));
            push_where!(qb, c);
            // PostgreSQL refuses a constant in GROUP BY; the nation is one aggregate anyway.
            if by_province {
                qb.push(" GROUP BY tb.province_code ORDER BY tb.province_code");
            }
            let rows = qb.build().fetch_all(pool).await?;
            let mut out = rows.iter()
                .map(|r| {
                    Ok(CollectionCounts {
                        key: r.text("k")?,
                        n_tasks: r.int("n_tasks")?,
                        n_bases: r.int("n_bases")?,
                        asked: r.int("asked")?,
                        accepted: r.int("accepted")?,
                        on_time: r.int("on_time")?,
                        received: r.int("received")?,
                        returned: r.int("returned")?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            // The nation's aggregate is one row even without a task.
            out.retain(|c| c.asked > 0);
            Ok(out)
        })
    }

    /// Bases with a derived monthly figure of `indicator` in a period of `year`.
    pub async fn report_monitored_bases(&self, year: i32, indicator: &str) -> Result<i64> {
        let c = months_of(year, indicator);
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new("SELECT COUNT(DISTINCT mv.base_id) FROM monitor_values mv");
            push_where!(qb, c);
            Ok(qb.build_query_scalar::<i64>().fetch_one(pool).await?)
        })
    }

    /// Warnings opened in `year`, counted by month opened and highest level reached, by month
    /// then level code.
    pub async fn report_warning_counts(&self, year: i32) -> Result<Vec<WarningCount>> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT opened, peak, COUNT(*) AS n FROM monitor_warnings WHERE opened BETWEEN $1 AND $2 GROUP BY opened, peak ORDER BY opened, peak")
                .bind(year * 100 + 1).bind(year * 100 + 12)
                .fetch_all(pool).await?;
            rows.iter()
                .map(|r| Ok(WarningCount {
                    month: month_of(r.int32("opened")?)?,
                    level: r.text("peak")?,
                    n: r.int("n")?,
                }))
                .collect::<Result<Vec<_>>>()
        })
    }

    /// Up to `limit` warnings opened in `year` that reached one of `levels`: the most severe
    /// first, then by month opened, base and rule.
    pub async fn report_warning_items(
        &self,
        year: i32,
        levels: &[&str],
        limit: i64,
    ) -> Result<Vec<WarningItem>> {
        let mut c = Conditions::default();
        c.push(
            "w.opened BETWEEN ? AND ?",
            vec![Param::Int32(year * 100 + 1), Param::Int32(year * 100 + 12)],
        );
        c.push_in(
            "w.peak",
            levels.iter().map(|l| Param::Text(l.to_string())).collect(),
        );
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new("SELECT w.id, w.base_id, w.rule_id, w.opened, w.peak FROM monitor_warnings w");
            push_where!(qb, c);
            qb.push(" ORDER BY CASE w.peak WHEN 'red' THEN 0 WHEN 'orange' THEN 1 WHEN 'yellow' THEN 2 ELSE 3 END, w.opened, w.base_id, w.rule_id LIMIT ");
            qb.push_bind(limit.clamp(0, 1000));
            let rows = qb.build().fetch_all(pool).await?;
            rows.iter()
                .map(|r| Ok(WarningItem {
                    id: r.int("id")?,
                    base_id: r.int("base_id")?,
                    rule_id: r.text("rule_id")?,
                    month: month_of(r.int32("opened")?)?,
                    peak: r.text("peak")?,
                }))
                .collect::<Result<Vec<_>>>()
        })
    }

    /// For each month of `year`, Σ of `indicator`'s 1–N月 figure this year and last year over
    /// the bases that have both (a ratio of sums on a comparable basis), oldest first; months
    /// without a comparable base are left out. Summed as NUMERIC, exact whatever the row order
    /// (see `report_value_totals`).
    pub async fn report_ytd_growth(&self, year: i32, indicator: &str) -> Result<Vec<YtdSums>> {
        let c = months_of(year, indicator).and(
            "mv.cumulative IS NOT NULL AND mv.cumulative_ly IS NOT NULL",
            vec![],
        );
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new(
                "SELECT mv.period AS period, COUNT(*) AS n, CAST(SUM(CAST(mv.cumulative AS NUMERIC)) AS DOUBLE PRECISION) AS ytd_now, \
                 CAST(SUM(CAST(mv.cumulative_ly AS NUMERIC)) AS DOUBLE PRECISION) AS ytd_then FROM monitor_values mv",
            );
            push_where!(qb, c);
            qb.push(" GROUP BY mv.period ORDER BY mv.period");
            let rows = qb.build().fetch_all(pool).await?;
            rows.iter()
                .map(|r| Ok(YtdSums {
                    month: month_of(r.int32("period")?)?,
                    n_comparable: r.int("n")?,
                    now: r.float("ytd_now")?,
                    then: r.float("ytd_then")?,
                }))
                .collect::<Result<Vec<_>>>()
        })
    }
}
