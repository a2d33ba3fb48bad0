//! The demo's data collection (C2), played through the same store paths as real reports: the
//! past year's monthly tasks and the last annual task answered (with simulated times, mostly on
//! time), and the last month's task part-way through — its values held back from the bulk load
//! and sent as submissions, most accepted by their province, some waiting, a few returned with
//! comments on single fields, the rest not reported and reminded after the deadline. Everything
//! here is synthetic: tasks carry the flag and every comment says 模拟.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use jidi_demo::DemoConfig;
use jidi_domain::bulk::ProgrammeData;
use jidi_store::{
    AcceptedValue, FieldComment, Frequency, NewBatch, NewSubmission, Store, SubmittedValue,
    TaskBaseFilter,
};

use crate::demo::DemoError;
use crate::tasks::{self, OpenTask};

/// The last month's values, kept out of the bulk load to arrive as submissions.
#[derive(Debug, Default)]
pub(crate) struct HeldBack {
    /// `YYYYMM`.
    period: i32,
    /// `(base index, indicator, value)`.
    values: Vec<(usize, &'static str, f64)>,
}

/// What the replay did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CollectionSummary {
    /// Tasks opened.
    pub tasks: usize,
    /// Submissions of the last month: accepted, waiting, returned.
    pub accepted: usize,
    /// Waiting for review.
    pub waiting: usize,
    /// Returned with comments.
    pub returned: usize,
    /// Bases that have not reported the last month.
    pub not_reported: usize,
    /// Reminders sent.
    pub reminded: usize,
}

fn month_key(d: NaiveDate) -> i32 {
    d.year() * 100 + d.month() as i32
}

fn previous_month(key: i32) -> i32 {
    let (y, m) = (key / 100, key % 100);
    if m == 1 { (y - 1) * 100 + 12 } else { key - 1 }
}

fn next_month_first(key: i32) -> NaiveDate {
    let (y, m) = (key / 100, (key % 100) as u32);
    if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    }
    .expect("a valid month")
}

/// `day` at `hour` o'clock in China.
fn china(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    let local = day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).expect("valid hour"));
    Utc.from_utc_datetime(&(local - Duration::hours(8)))
}

/// A deterministic draw in [0, 1) for `(seed, a, b)` (SplitMix64): the demo's simulated times
/// and outcomes stay the same on every load without threading an RNG through async code.
fn draw(seed: u64, a: u64, b: u64) -> f64 {
    let mut z =
        seed ^ a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// Removes the last month (the month before "today") from the bulk load and returns it.
pub(crate) fn hold_back_last_month(data: &mut ProgrammeData, config: &DemoConfig) -> HeldBack {
    let period = previous_month(month_key(config.today));
    let mut held = HeldBack {
        period,
        values: Vec::new(),
    };
    for (code, series) in &mut data.monthly {
        series.retain(|&(base, p, v)| {
            if p == period {
                held.values.push((base, code, v));
                false
            } else {
                true
            }
        });
    }
    held
}

/// Plays the collection history into a freshly loaded demo.
pub(crate) async fn replay(
    store: &Store,
    config: &DemoConfig,
    data: &ProgrammeData,
    base_ids: &[i64],
    held: HeldBack,
) -> Result<CollectionSummary, DemoError> {
    let now = Utc::now();
    let seed = config.seed;
    let mut summary = CollectionSummary::default();
    let open = |period: String, deadline: NaiveDate| OpenTask {
        period,
        deadline,
        title: String::new(),
        indicators: Vec::new(),
        opened_by: None,
        opened_via: "demo",
        synthetic: true,
    };

    // The past: the last annual report (due at the end of March) and up to eleven months before
    // the last, each answered by every base that has its data.
    let last_year = config.last_year();
    let mut history: Vec<(String, NaiveDate, NaiveDate, i64)> = Vec::new();
    if data
        .annual
        .iter()
        .any(|(_, s)| s.iter().any(|(_, y, _)| *y == last_year))
    {
        let opened = NaiveDate::from_ymd_opt(last_year + 1, 1, 5).expect("valid date");
        let deadline = NaiveDate::from_ymd_opt(last_year + 1, 3, 31).expect("valid date");
        history.push((last_year.to_string(), opened, deadline, 60));
    }
    let months: std::collections::BTreeSet<i32> = data
        .monthly
        .iter()
        .flat_map(|(_, s)| s.iter().map(|(_, p, _)| *p))
        .collect();
    let mut key = previous_month(held.period);
    for _ in 0..11 {
        if !months.contains(&key) {
            break;
        }
        let opened = next_month_first(key);
        history.push((
            format!("{}-{:02}", key / 100, key % 100),
            opened,
            opened.with_day(10).expect("the 10th"),
            9,
        ));
        key = previous_month(key);
    }
    for (i, (period, opened, deadline, window)) in history.iter().enumerate() {
        let at = china(*opened, 9).min(now);
        let id = tasks::open_task(store, &open(period.clone(), *deadline), at).await?;
        summary.tasks += 1;
        let deadline_at = tasks::end_of_day_china(*deadline);
        let mut times = Vec::new();
        let mut after = None;
        loop {
            let page = store
                .task_bases(id, &TaskBaseFilter::default(), after, 1000)
                .await?;
            let Some(last) = page.last() else { break };
            after = Some(last.base_id);
            for row in &page {
                let u = draw(seed, i as u64, row.base_id as u64);
                // About one base in twenty reports a few days late.
                let submitted = if u < 0.05 {
                    deadline_at + Duration::hours(24 + (u * 2000.0) as i64 % 96)
                } else {
                    at + Duration::minutes(
                        ((u - 0.05) / 0.95 * (*window as f64 - 0.5) * 1440.0) as i64,
                    )
                }
                .min(now);
                let accepted =
                    (submitted + Duration::hours(20 + (u * 7919.0) as i64 % 48)).min(now);
                times.push((row.base_id, submitted, accepted));
            }
        }
        store.set_answer_times(id, &times).await?;
    }

    // The last month: part-way through.
    let opened = next_month_first(held.period);
    let deadline = opened.with_day(10).expect("the 10th");
    let opened_at = china(opened, 9).min(now);
    let deadline_at = tasks::end_of_day_china(deadline);
    let task = tasks::open_task(
        store,
        &open(
            format!("{}-{:02}", held.period / 100, held.period % 100),
            deadline,
        ),
        opened_at,
    )
    .await?;
    summary.tasks += 1;
    let admin = store
        .user_by_username("admin")
        .await?
        .map(|u| u.id)
        .ok_or_else(|| DemoError::Invalid("the demo has no admin account".into()))?;
    let mut reviewers: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
    let mut reporters: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
    for u in store.users().await? {
        if let Some(base) = u.base_id {
            reporters.insert(base, u.id);
        }
        if let Some(p) = &u.province_code
            && u.role == jidi_domain::access::Role::Province
        {
            reviewers.insert(p.clone(), u.id);
        }
    }

    let mut by_base: std::collections::BTreeMap<usize, Vec<(&'static str, f64)>> =
        std::collections::BTreeMap::new();
    for (b, code, v) in &held.values {
        by_base.entry(*b).or_default().push((code, *v));
    }
    let mut overdue = Vec::new();
    for (index, values) in by_base {
        let base_id = base_ids[index];
        let base = &data.bases[index].draft;
        let u = draw(seed, 1000, base_id as u64);
        // The demo base account's own base was returned, so that its user has something to do.
        let has_account = reporters.contains_key(&base_id);
        let outcome = if has_account {
            2
        } else if u < 0.70 {
            0
        } else if u < 0.80 {
            1
        } else if u < 0.85 {
            2
        } else {
            3
        };
        if outcome == 3 {
            overdue.push(base_id);
            summary.not_reported += 1;
            continue;
        }
        let v = draw(seed, 2000, base_id as u64);
        let submitted_at = if v < 0.1 {
            deadline_at + Duration::hours(12 + (v * 1000.0) as i64 % 100)
        } else {
            opened_at + Duration::minutes((v * 8.5 * 1440.0) as i64)
        }
        .min(now - Duration::hours(2));
        let submitted: Vec<SubmittedValue> = values
            .iter()
            .map(|(code, value)| SubmittedValue {
                frequency: Frequency::Monthly,
                base_id,
                period: held.period,
                indicator: (*code).to_string(),
                value: *value,
                reported_value: *value,
                reported_unit: jidi_domain::catalogue::indicator(code)
                    .map(|i| i.unit.clone())
                    .unwrap_or_default(),
            })
            .collect();
        let id = store
            .submit_values(
                &NewSubmission {
                    user_id: reporters.get(&base_id).copied(),
                    base_id: Some(base_id),
                    province_code: base.province_code.clone(),
                    source: "web",
                    file_name: String::new(),
                    file_sha256: String::new(),
                    rows_read: submitted.len(),
                    reason: String::new(),
                    at: submitted_at,
                },
                &submitted,
                &[],
            )
            .await?;
        let reviewer = reviewers.get(&base.province_code).copied().unwrap_or(admin);
        let reviewed_at = (submitted_at + Duration::hours(18)).min(now - Duration::hours(1));
        match outcome {
            0 => {
                let accepted: Vec<AcceptedValue> = submitted
                    .iter()
                    .map(|s| AcceptedValue {
                        frequency: s.frequency,
                        base_id,
                        period: s.period,
                        indicator: s.indicator.clone(),
                        value: s.value,
                        reported_value: s.reported_value,
                        reported_unit: s.reported_unit.clone(),
                        revision: 1,
                        replaces_unrecorded: None,
                    })
                    .collect();
                store
                    .accept_values(
                        &NewBatch {
                            user_id: Some(reviewer),
                            source: "web",
                            file_name: String::new(),
                            file_sha256: String::new(),
                            rows_read: accepted.len(),
                            reason: "审核通过（模拟）".into(),
                            at: reviewed_at,
                            submission_id: Some(id),
                            catalogue_version: None,
                        },
                        &accepted,
                        &[],
                    )
                    .await?;
                summary.accepted += 1;
            }
            1 => summary.waiting += 1,
            _ => {
                let fields: Vec<FieldComment> = submitted
                    .iter()
                    .filter(|s| s.indicator == "m_output_gross" || s.indicator == "m_profit")
                    .map(|s| FieldComment {
                        indicator: s.indicator.clone(),
                        period: s.period,
                        comment: "与上月及上年同期口径不一致，请核实后重新报送（模拟）".into(),
                    })
                    .collect();
                store
                    .return_submission(
                        id,
                        reviewer,
                        "部分指标需核实，详见字段意见（模拟）",
                        &fields,
                        reviewed_at,
                    )
                    .await?;
                overdue.push(base_id);
                summary.returned += 1;
            }
        }
    }
    // Two days after the deadline the office reminds every base still without an answer.
    let remind_at = (deadline_at + Duration::days(2)).min(now - Duration::minutes(30));
    if remind_at > deadline_at && !overdue.is_empty() {
        let t = store
            .task(task, &jidi_store::TaskScope::default())
            .await?
            .expect("the task just opened");
        let text = format!("{}（模拟）", tasks::reminder_text(&t.title, t.deadline));
        summary.reminded = store
            .remind(task, &overdue, Some(admin), &text, remind_at)
            .await?
            .len();
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_step_back_across_years() {
        assert_eq!(previous_month(202601), 202512);
        assert_eq!(previous_month(202611), 202610);
        assert_eq!(
            next_month_first(202612),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
        assert_eq!(
            month_key(NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()),
            202611
        );
    }

    #[test]
    fn draws_are_uniform_enough_and_stable() {
        let xs: Vec<f64> = (0..10_000).map(|i| draw(2026, 7, i)).collect();
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((mean - 0.5).abs() < 0.01, "{mean}");
        assert_eq!(draw(2026, 7, 3), draw(2026, 7, 3));
    }
}
