//! Data collection of the year (数据采集): the answers to the year's reporting tasks, counted in
//! the database (`report_collection`). Completeness is accepted ÷ asked, timeliness received by
//! the deadline ÷ asked, both over (task, base) answers; the year's tasks are its annual task and
//! its monthly tasks.

use jidi_report::model::{Collection, CollectionRow, Counter, Figure, Provenance, Unit};
use jidi_store::{CollectionCounts, Store};

use super::Result;
use super::names::Labels;

fn detail(year: i32, c: &CollectionCounts, what: &str) -> String {
    let scope = if c.key == "all" {
        String::new()
    } else {
        format!("; province={}", c.key)
    };
    format!(
        "year={year}; reporting tasks of the year (annual period={year}, monthly periods {year}01–{year}12; tasks={}){scope}; {what}; over (task, base) answers in task_bases; asked={}",
        c.n_tasks, c.asked
    )
}

fn percent(year: i32, c: &CollectionCounts, part: i64, what: &str) -> Figure {
    Figure::new(
        100.0 * part as f64 / c.asked as f64,
        Unit::Percent,
        Provenance::query("report_collection", &detail(year, c, what)),
    )
}

fn count(year: i32, c: &CollectionCounts, n: i64, counter: Counter, what: &str) -> Figure {
    Figure::new(
        n as f64,
        Unit::Count(counter),
        Provenance::query("report_collection", &detail(year, c, what)),
    )
}

const COMPLETENESS: &str = "accepted / asked * 100 (status=accepted)";
const TIMELINESS: &str =
    "received by the deadline / asked * 100 (submitted_at <= the task's deadline)";

/// The year's data collection; `None` when the year has no reporting task.
pub(super) async fn collection(
    store: &Store,
    year: i32,
    labels: &Labels,
) -> Result<Option<Collection>> {
    let Some(nation) = store.report_collection(year, false).await?.pop() else {
        return Ok(None);
    };
    let by_province = store
        .report_collection(year, true)
        .await?
        .into_iter()
        .map(|p| CollectionRow {
            province: labels.province(&p.key),
            n_bases: count(
                year,
                &p,
                p.n_bases,
                Counter::Base,
                "count(distinct base_id) asked",
            ),
            completeness: percent(year, &p, p.accepted, COMPLETENESS),
            timeliness: percent(year, &p, p.on_time, TIMELINESS),
            key: p.key,
        })
        .collect();
    Ok(Some(Collection {
        completeness: percent(year, &nation, nation.accepted, COMPLETENESS),
        timeliness: percent(year, &nation, nation.on_time, TIMELINESS),
        n_submissions: Some(count(
            year,
            &nation,
            nation.received,
            Counter::Submission,
            "answers received (submitted_at is not null)",
        )),
        n_returned: Some(count(
            year,
            &nation,
            nation.returned,
            Counter::Submission,
            "answers returned for correction and not yet resubmitted (status=returned)",
        )),
        by_province,
    }))
}
