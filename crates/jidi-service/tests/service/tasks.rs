//! Reporting tasks on both backends: opening one (by hand and by the calendar), what each base
//! has answered as submissions arrive, are returned and accepted, timeliness against the
//! deadline, reminders to late bases, `missing_required` for a base answering a task, and counts
//! by province that add up to the task's.

use chrono::{NaiveDate, Utc};
use jidi_collect::parse::Scope;
use jidi_service::demo::{self, DemoOptions};
use jidi_service::tasks::{self, Calendar, OpenTask, TaskError};
use jidi_service::values::{self, ImportValues, Review};
use jidi_store::{
    FieldComment, Frequency, Store, TaskBaseFilter, TaskCounts, TaskGrouping, TaskScope, TaskStatus,
};
use jidi_test_support::{TestDb, backend_tests};

fn options() -> DemoOptions {
    let mut o = DemoOptions::standard(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
    o.config.provincial = 20;
    o.config.cultivating = 10;
    o.config.months = 3;
    o.evaluations = false;
    o.collection = false;
    o
}

fn open(period: &str, deadline: (i32, u32, u32)) -> OpenTask {
    OpenTask {
        period: period.into(),
        deadline: NaiveDate::from_ymd_opt(deadline.0, deadline.1, deadline.2).unwrap(),
        title: String::new(),
        indicators: Vec::new(),
        opened_by: None,
        opened_via: "ministry",
        synthetic: false,
    }
}

/// A plausible July for `base` from its stored August: 1–7月 is 7/8 of 1–8月, the rest as is.
async fn july_of(store: &Store, base: i64, only: Option<&str>) -> String {
    let august = store
        .values_between(Frequency::Monthly, 202608, 202608, &[])
        .await
        .unwrap();
    let mut csv = String::from("base_id,period,indicator,value\n");
    for v in august.iter().filter(|v| v.base_id == base) {
        if only.is_some_and(|o| o != v.indicator) {
            continue;
        }
        let spec = jidi_domain::catalogue::indicator(&v.indicator).unwrap();
        let value = if spec.cumulative {
            v.value * 7.0 / 8.0
        } else {
            v.value
        };
        csv.push_str(&format!("{base},2026-07,{},{value}\n", v.indicator));
    }
    csv
}

fn sum(groups: &[jidi_store::GroupCounts]) -> TaskCounts {
    let mut t = TaskCounts::default();
    for g in groups {
        let c = &g.counts;
        t.bases += c.bases;
        t.not_reported += c.not_reported;
        t.submitted += c.submitted;
        t.returned += c.returned;
        t.accepted += c.accepted;
        t.on_time += c.on_time;
        t.late += c.late;
    }
    t
}

async fn a_task_follows_submissions_reviews_and_reminders(db: TestDb) {
    let store = &db.store;
    demo::load(store, &options()).await.unwrap();
    let now = Utc::now();
    let national = store.current_base_ids(&tasks::DEFAULT_TIERS).await.unwrap();
    assert!(national.len() > 400, "{}", national.len());

    // Requests are checked field by field.
    for (req, field) in [
        (open("2026-13", (2026, 8, 10)), "period"),
        (open("2026-07", (2026, 7, 31)), "deadline"),
        (
            OpenTask {
                indicators: vec!["rev_main_annual_nonexistent".into()],
                ..open("2026-07", (2026, 8, 10))
            },
            "indicators",
        ),
    ] {
        match tasks::open_task(store, &req, now).await {
            Err(TaskError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }

    // July 2026 has no data in this demo (its three months are August to October): every base
    // starts not reported, and the deadline has passed.
    let task = tasks::open_task(store, &open("2026-07", (2026, 8, 10)), now)
        .await
        .unwrap();
    assert!(matches!(
        tasks::open_task(store, &open("2026-07", (2026, 8, 20)), now).await,
        Err(TaskError::Exists(_))
    ));
    let all = TaskScope::default();
    let t = store.task(task, &all).await.unwrap().unwrap();
    assert_eq!(t.title, "2026年7月月度数据填报");
    assert_eq!(t.indicators, 22);
    assert_eq!(t.counts.bases, national.len() as i64);
    assert_eq!(t.counts.not_reported, national.len() as i64);
    assert_eq!(t.deadline.to_rfc3339(), "2026-08-10T15:59:59+00:00");

    // A task for October, where the demo's data already are: every base starts accepted.
    let october = tasks::open_task(store, &open("2026-10", (2026, 11, 10)), now)
        .await
        .unwrap();
    let o = store.task(october, &all).await.unwrap().unwrap();
    assert_eq!(o.counts.accepted, national.len() as i64);

    // The form (and its template) lists what a task asks: two indicators for June, every
    // monthly indicator for May, which has no task.
    let june = tasks::open_task(
        store,
        &OpenTask {
            indicators: vec!["m_rev".into(), "m_output_gross".into()],
            ..open("2026-06", (2026, 7, 10))
        },
        now,
    )
    .await
    .unwrap();
    assert!(june > october);
    let donghu_base = store
        .user_by_username("donghu")
        .await
        .unwrap()
        .unwrap()
        .base_id
        .unwrap();
    let category = store
        .base(donghu_base)
        .await
        .unwrap()
        .unwrap()
        .facts
        .category_code;
    let fields = |month: u32| {
        let period = jidi_collect::ValuePeriod::Month(
            jidi_monitor::period::Period::new(2026, month).unwrap(),
        );
        let category = category.clone();
        async move {
            let mut codes: Vec<String> =
                jidi_service::values::form_context(store, donghu_base, &category, period)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|f| f.spec.code)
                    .collect();
            codes.sort();
            codes
        }
    };
    assert_eq!(fields(6).await, ["m_output_gross", "m_rev"]);
    assert_eq!(
        fields(5).await.len(),
        22,
        "no task: every monthly indicator"
    );

    let donghu = store.user_by_username("donghu").await.unwrap().unwrap();
    let hubei = store.user_by_username("hubei").await.unwrap().unwrap();
    let base = donghu.base_id.unwrap();
    let as_base = ImportValues {
        user_id: Some(donghu.id),
        source: "api",
        scope: Scope::Base(base),
        dry_run: false,
        reason: String::new(),
        explanation: "按统计口径核实无误".into(),
        review: Some(Review {
            user_id: donghu.id,
            base_id: Some(base),
            province_code: "420000".into(),
        }),
    };

    // One indicator of twenty-two: the other twenty-one that apply are missing, nothing is written.
    let one = july_of(store, base, Some("m_output_gross")).await;
    let outcome = values::import_values(store, "july.csv", one.as_bytes(), &as_base)
        .await
        .unwrap();
    let missing: Vec<_> = outcome
        .report
        .findings
        .iter()
        .filter(|f| f.rule.name() == "missing_required")
        .collect();
    assert!(outcome.refused());
    assert_eq!(missing.len(), 21, "{:#?}", outcome.report.findings);
    assert!(missing.iter().all(|f| f.base_id == Some(base)));
    assert_eq!(outcome.submission_id, None);

    // The whole month: submitted (late: the deadline was in August), then returned.
    let whole = july_of(store, base, None).await;
    let outcome = values::import_values(store, "july.csv", whole.as_bytes(), &as_base)
        .await
        .unwrap();
    assert!(!outcome.refused(), "{:#?}", outcome.report.findings);
    let submission = outcome.submission_id.unwrap();
    let mine = TaskBaseFilter {
        scope: TaskScope {
            base_id: Some(base),
            province_code: None,
        },
        ..TaskBaseFilter::default()
    };
    let row = &store.task_bases(task, &mine, None, 10).await.unwrap()[0];
    assert_eq!(row.status, TaskStatus::Submitted);
    assert_eq!(row.submission_id, Some(submission));
    assert!(row.is_late(Utc::now()));
    let first_received = row.submitted_at.unwrap();
    let comment = |indicator: &str, period: i32| FieldComment {
        indicator: indicator.into(),
        period,
        comment: "与上月差异较大，请核实".into(),
    };
    // A field comment must name a value of the submission.
    for wrong in [
        comment("m_output_gross", 202608),
        comment("rev_main", 202607),
    ] {
        assert!(matches!(
            values::return_submission(store, submission, hubei.id, "请核实", &[wrong]).await,
            Err(values::ReviewError::BadField(_))
        ));
    }
    values::return_submission(
        store,
        submission,
        hubei.id,
        "工业总产值与上月差异较大，请核实",
        &[comment("m_output_gross", 202607)],
    )
    .await
    .unwrap();
    assert_eq!(
        store.submission_comments(submission).await.unwrap(),
        vec![comment("m_output_gross", 202607)]
    );
    let row = &store.task_bases(task, &mine, None, 10).await.unwrap()[0];
    assert_eq!(row.status, TaskStatus::Returned);

    // Hubei reminds its overdue bases: the returned one is among them, and sees the reminder.
    let hubei_scope = TaskScope {
        province_code: Some("420000".into()),
        base_id: None,
    };
    let overdue = store
        .task_bases(
            task,
            &TaskBaseFilter {
                scope: hubei_scope.clone(),
                overdue_at: Some(Utc::now()),
                ..TaskBaseFilter::default()
            },
            None,
            1000,
        )
        .await
        .unwrap();
    let in_hubei = store.task(task, &hubei_scope).await.unwrap().unwrap();
    assert_eq!(overdue.len() as i64, in_hubei.counts.bases);
    assert!(overdue.iter().all(|r| r.province_code == "420000"));
    let ids: Vec<i64> = overdue.iter().map(|r| r.base_id).collect();
    let text = tasks::reminder_text(&t.title, t.deadline);
    let reminded = store
        .remind(task, &ids, Some(hubei.id), &text, Utc::now())
        .await
        .unwrap();
    assert_eq!(reminded, ids);
    let open_reminders = store.open_reminders(base, 10).await.unwrap();
    assert_eq!(open_reminders.len(), 1);
    assert_eq!(open_reminders[0].status, TaskStatus::Returned);
    assert!(open_reminders[0].message.contains("2026-08-10"));

    // Sent again, accepted by the province: the answer is complete, the reminder closes, and the
    // time first received stays the first submission's.
    let outcome = values::import_values(store, "july.csv", whole.as_bytes(), &as_base)
        .await
        .unwrap();
    let again = outcome.submission_id.unwrap();
    values::accept_submission(store, again, hubei.id, "")
        .await
        .unwrap();
    let row = &store.task_bases(task, &mine, None, 10).await.unwrap()[0];
    assert_eq!(row.status, TaskStatus::Accepted);
    assert_eq!(row.submitted_at, Some(first_received));
    assert_eq!(row.reminders, 1);
    assert!(store.open_reminders(base, 10).await.unwrap().is_empty());

    // The ministry's own import answers for another base at once.
    // (A base of another province, so that Hubei's counts below hold only its own.)
    let other = store
        .task_bases(task, &TaskBaseFilter::default(), None, 1000)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.province_code != "420000")
        .unwrap()
        .base_id;
    let theirs = july_of(store, other, None).await;
    let as_ministry = ImportValues {
        user_id: None,
        source: "cli",
        scope: Scope::All,
        dry_run: false,
        reason: String::new(),
        explanation: "按统计口径核实无误".into(),
        review: None,
    };
    let outcome = values::import_values(store, "other.csv", theirs.as_bytes(), &as_ministry)
        .await
        .unwrap();
    assert!(outcome.batch_id.is_some(), "{:#?}", outcome.report.findings);

    let t = store.task(task, &all).await.unwrap().unwrap();
    assert_eq!(t.counts.accepted, 2);
    assert_eq!(t.counts.late, 2);
    assert_eq!(t.counts.on_time, 0);
    assert_eq!(t.counts.not_reported, national.len() as i64 - 2);
    for grouping in [TaskGrouping::Province, TaskGrouping::Category] {
        let groups = store.task_groups(task, grouping, &all).await.unwrap();
        assert_eq!(sum(&groups), t.counts, "{grouping:?}");
    }
    let hubei_groups = store
        .task_groups(task, TaskGrouping::Province, &hubei_scope)
        .await
        .unwrap();
    assert_eq!(hubei_groups.len(), 1);
    assert_eq!(hubei_groups[0].counts.accepted, 1);

    // A base's timeliness history lists every task, newest period first.
    let history = store.base_task_history(base, 10).await.unwrap();
    let periods: Vec<i32> = history.iter().map(|r| r.period).collect();
    assert_eq!(periods, vec![202610, 202607, 202606]);
    assert_eq!(history[0].status, TaskStatus::Accepted);

    // Scoped lists count only the scope's bases.
    let listed = store.tasks(&hubei_scope, 10).await.unwrap();
    assert_eq!(listed.len(), 3, "October, July, June");
    assert_eq!(listed[1].counts.bases, in_hubei.counts.bases);
}
backend_tests!(a_task_follows_submissions_reviews_and_reminders);

async fn the_calendar_opens_the_previous_month_once(db: TestDb) {
    let store = &db.store;
    demo::load(store, &options()).await.unwrap();
    let now = Utc::now();
    let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
    let id = tasks::open_due_tasks(store, day(1), now)
        .await
        .unwrap()
        .expect("opened on the 1st");
    let t = store
        .task(id, &TaskScope::default())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((t.frequency, t.period), (Frequency::Monthly, 202611));
    assert_eq!(t.opened_via, "calendar");
    assert_eq!(tasks::china_date(t.deadline), day(10));
    assert_eq!(
        tasks::open_due_tasks(store, day(2), now).await.unwrap(),
        None
    );

    // A calendar that opens on the 5th does nothing on the 3rd of January.
    tasks::set_calendar(
        store,
        &Calendar {
            enabled: true,
            open_day: 5,
            deadline_day: 15,
        },
        None,
    )
    .await
    .unwrap();
    let january = |d| NaiveDate::from_ymd_opt(2027, 1, d).unwrap();
    assert_eq!(
        tasks::open_due_tasks(store, january(3), now).await.unwrap(),
        None
    );
    let id = tasks::open_due_tasks(store, january(5), now)
        .await
        .unwrap()
        .unwrap();
    let t = store
        .task(id, &TaskScope::default())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.period, 202612);
    assert_eq!(tasks::china_date(t.deadline), january(15));
    assert!(
        tasks::set_calendar(
            store,
            &Calendar {
                enabled: true,
                open_day: 20,
                deadline_day: 10
            },
            None
        )
        .await
        .is_err()
    );
}
backend_tests!(the_calendar_opens_the_previous_month_once);

/// The demo's collection history: past tasks answered with simulated times, the last month's
/// task part-way through, its figures as the summary says, and the demo base's own submission
/// returned with field comments and a reminder waiting.
async fn the_demo_plays_its_collection_through_the_store(db: TestDb) {
    let store = &db.store;
    let mut o = options();
    o.config.months = 14;
    o.collection = true;
    let report = demo::load(store, &o).await.unwrap();
    let played = report.collection.unwrap();
    let tasks = store.tasks(&TaskScope::default(), 100).await.unwrap();
    assert_eq!(tasks.len(), played.tasks);
    // The annual 2025 task and eleven months before October, then October itself.
    assert_eq!(played.tasks, 13);
    assert!(tasks.iter().all(|t| t.synthetic && t.opened_via == "demo"));
    let last = &tasks[0];
    assert_eq!((last.frequency, last.period), (Frequency::Monthly, 202610));
    let c = &last.counts;
    assert_eq!(c.accepted as usize, played.accepted);
    assert_eq!(c.submitted as usize, played.waiting);
    assert_eq!(c.returned as usize, played.returned);
    assert_eq!(c.not_reported as usize, played.not_reported);
    assert_eq!(
        c.bases,
        c.accepted + c.submitted + c.returned + c.not_reported
    );
    assert!(played.accepted > played.waiting && played.waiting > 0 && played.returned > 0);
    assert!(played.not_reported > 0);
    assert_eq!(played.reminded, played.not_reported + played.returned);
    // Only what was accepted is in the facts.
    let october = store
        .values_between(
            Frequency::Monthly,
            202610,
            202610,
            &["m_output_gross".into()],
        )
        .await
        .unwrap();
    assert_eq!(october.len(), played.accepted);
    for t in &tasks[1..] {
        assert_eq!(t.counts.accepted, t.counts.bases, "{}", t.title);
        assert_eq!(
            t.counts.on_time + t.counts.late,
            t.counts.bases,
            "{}",
            t.title
        );
        assert!(
            t.counts.late * 10 < t.counts.bases,
            "{}: {:?}",
            t.title,
            t.counts
        );
    }
    let donghu = store.user_by_username("donghu").await.unwrap().unwrap();
    let base = donghu.base_id.unwrap();
    let reminders = store.open_reminders(base, 10).await.unwrap();
    assert_eq!(reminders.len(), 1);
    assert!(reminders[0].message.contains("模拟"));
    let history = store.base_task_history(base, 20).await.unwrap();
    assert_eq!(history[0].status, TaskStatus::Returned);
    let comments = store
        .submission_comments(history[0].submission_id.unwrap())
        .await
        .unwrap();
    assert_eq!(comments.len(), 2);
}
backend_tests!(the_demo_plays_its_collection_through_the_store);
