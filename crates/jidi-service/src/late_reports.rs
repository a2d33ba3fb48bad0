//! What the late-report warning rule reads: each base's monthly reporting tasks (due dates) and
//! its answers (the day each report arrived), turned into one [`ReportTiming`] per month as the
//! check of that month saw it.
//!
//! The rule grades the timing of the month it is evaluated at, and the warning state machine
//! closes a warning at the first clear month. Grading each month's own report would close a
//! warning about a missing March report as soon as April's report arrived on time, while March
//! is still missing. So the month `P` is given the *oldest report still outstanding* at the check
//! of `P` (the day before the next month's due date, or today for the latest month): the warning
//! opens when a report is overdue, escalates with the days it stays overdue, and closes at the
//! first check that finds every report in. A report that arrived late but before the next check
//! raises nothing; the tasks board keeps every report's timeliness.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use jidi_monitor::period::Period;
use jidi_monitor::warning::facts::ReportTiming;
use jidi_store::{Frequency, Store, StoreError};

/// One monthly task of a base: when its report was due and when it arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The month reported on.
    pub period: Period,
    /// The last day it was due (China date).
    pub due: NaiveDate,
    /// The day it arrived (first submission), if it has.
    pub received: Option<NaiveDate>,
}

/// The timing each month's check saw, for the late-report rule, from a base's `answers` (any
/// order) as of `today`. Months not yet due at `today` are left out (nothing to check).
pub fn report_timings(answers: &[Answer], today: NaiveDate) -> BTreeMap<Period, ReportTiming> {
    let mut sorted: Vec<Answer> = answers.to_vec();
    sorted.sort_by_key(|a| a.period);
    sorted.dedup_by_key(|a| a.period);
    let mut out = BTreeMap::new();
    for (i, a) in sorted.iter().enumerate() {
        if a.due >= today {
            break;
        }
        // The check of this month: the day before the next report falls due, or today.
        let check = sorted
            .get(i + 1)
            .map(|next| next.due.pred_opt().unwrap_or(next.due))
            .filter(|d| *d < today)
            .unwrap_or(today);
        let outstanding = sorted[..=i]
            .iter()
            .filter(|q| q.received.is_none_or(|r| r > check))
            .min_by_key(|q| q.due);
        let timing = match outstanding {
            Some(q) => ReportTiming {
                due: q.due,
                received: None,
                checked_on: check,
            },
            // Everything in: on time as far as this check goes.
            None => ReportTiming {
                due: a.due,
                received: Some(a.due),
                checked_on: check,
            },
        };
        out.insert(a.period, timing);
    }
    out
}

/// The monthly task answers of each of `members` (bases without tasks are absent).
pub async fn read_answers(
    store: &Store,
    members: &[i64],
) -> Result<BTreeMap<i64, Vec<Answer>>, StoreError> {
    let mut out = BTreeMap::new();
    for &id in members {
        let answers: Vec<Answer> = store
            .base_task_history(id, 1_000)
            .await?
            .into_iter()
            .filter(|t| t.frequency == Frequency::Monthly)
            .filter_map(|t| {
                Some(Answer {
                    period: crate::monitoring::period_of_key(t.period)?,
                    due: crate::tasks::china_date(t.deadline),
                    received: t.submitted_at.map(crate::tasks::china_date),
                })
            })
            .collect();
        if !answers.is_empty() {
            out.insert(id, answers);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn answer(period: &str, due: &str, received: Option<&str>) -> Answer {
        Answer {
            period: period.parse().unwrap(),
            due: d(due),
            received: received.map(d),
        }
    }

    #[test]
    fn a_missing_month_stays_overdue_until_it_arrives() {
        // March is missing until 6 June; April is on time; May is not yet due on 10 June... and
        // is due 15 June.
        let answers = [
            answer("2025-02", "2025-03-15", Some("2025-03-10")),
            answer("2025-03", "2025-04-15", Some("2025-06-06")),
            answer("2025-04", "2025-05-15", Some("2025-05-12")),
            answer("2025-05", "2025-06-15", None),
        ];
        let t = report_timings(&answers, d("2025-06-10"));
        let days: Vec<(String, i64)> = t
            .iter()
            .map(|(p, t)| (p.to_string(), t.days_late()))
            .collect();
        // February: in. March, at its check on 14 May: 29 days overdue. April, checked 9 June:
        // March arrived on 6 June, so everything is in. May is not yet due.
        assert_eq!(
            days,
            [
                ("2025-02".to_string(), 0),
                ("2025-03".into(), 29),
                ("2025-04".into(), 0)
            ]
        );
        // Before March arrived (checked 1 June), April's check still sees March outstanding.
        let t = report_timings(&answers[..3], d("2025-06-01"));
        let april = t[&"2025-04".parse().unwrap()];
        assert_eq!((april.due, april.days_late()), (d("2025-04-15"), 47));
        assert!(!april.is_received());
    }
}
