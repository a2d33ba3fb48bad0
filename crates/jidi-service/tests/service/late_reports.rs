//! Late and missing monthly reports raise graded warnings from the reporting tasks: a report
//! overdue at a month's check opens a warning graded by the days it is overdue, which follows the
//! oldest report still outstanding and closes once every report is in; on both backends.

use chrono::{Duration, Utc};
use jidi_domain::access::{ListScope, RecordScope};
use jidi_service::demo::{self, DemoOptions};
use jidi_service::monitoring;
use jidi_store::{BaseFilter, BaseSort, Frequency, NewTask, Page, SortOrder, Store, WarningFilter};
use jidi_test_support::{TestDb, backend_tests};

fn options() -> DemoOptions {
    let mut o = DemoOptions::standard(chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
    o.config.provincial = 10;
    o.config.cultivating = 5;
    o.config.months = 14;
    o.evaluations = false;
    o.collection = false;
    o
}

/// The late-report warnings of `base`: (opened, closed, level, peak, days late now).
async fn late(store: &Store, base: i64) -> Vec<(i32, Option<i32>, String, String, Option<f64>)> {
    let filter = WarningFilter {
        base_id: Some(base),
        rule_id: Some("late_report".into()),
        ..WarningFilter::within(RecordScope::All)
    };
    let page = Page {
        offset: 0,
        limit: 100,
    };
    let (rows, _) = store.monitor_warnings(&filter, page).await.unwrap();
    rows.into_iter()
        .map(|r| {
            let w = r.warning;
            (w.opened, w.closed, w.level, w.peak, w.current_value)
        })
        .collect()
}

async fn late_reports_raise_graded_warnings(db: TestDb) {
    let store = &db.store;
    let label = db.label;
    demo::load(store, &options()).await.unwrap();
    let bases: Vec<i64> = store
        .monthly_base_categories()
        .await
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let (b1, b2) = (bases[0], bases[1]);
    // A base that has never sent a monthly value (a provincial one: the demo's monthly series are
    // the national bases'), asked by both tasks and answering neither.
    let silent = store
        .all_bases(
            &BaseFilter::default(),
            &ListScope::Everything,
            BaseSort::Id,
            SortOrder::Asc,
        )
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.id)
        .find(|id| !bases.contains(id))
        .expect("a base without monthly values");
    assert!(
        store
            .monthly_values(silent, &[], 0)
            .await
            .unwrap()
            .is_empty(),
        "{label}"
    );
    let asked: Vec<i64> = bases.iter().copied().chain([silent]).collect();
    let now = Utc::now();
    // Two monthly tasks: the first due 50 days ago, the second 20 days ago.
    let mut tasks = Vec::new();
    for (period, days) in [(202609, 50), (202610, 20)] {
        let id = store
            .open_task(&NewTask {
                frequency: Frequency::Monthly,
                period,
                title: format!("{period} 月报"),
                deadline: now - Duration::days(days),
                indicators: vec!["m_rev".into()],
                base_ids: asked.clone(),
                opened_by: None,
                opened_via: "ministry",
                synthetic: true,
                at: now - Duration::days(days + 10),
            })
            .await
            .unwrap();
        tasks.push(id);
    }
    // Every base but b1 answered the first on time; nobody the second.
    let on_time = now - Duration::days(51);
    let answered: Vec<_> = bases
        .iter()
        .filter(|b| **b != b1)
        .map(|b| (*b, on_time, on_time))
        .collect();
    store.set_answer_times(tasks[0], &answered).await.unwrap();
    monitoring::rebuild_all(store).await.unwrap();

    // b2: September in; October 20 days overdue today (orange from 15 days).
    assert_eq!(
        late(store, b2).await,
        [(202610, None, "orange".into(), "orange".into(), Some(20.0))],
        "{label}"
    );
    // The base without monthly values: September 29 days overdue at its check, 50 today, as b1.
    assert_eq!(
        late(store, silent).await,
        [(202609, None, "red".into(), "red".into(), Some(50.0))],
        "{label}"
    );
    // b1: September 29 days overdue at its check (the day before October fell due), then 50
    // days overdue today: one warning, escalated to red.
    assert_eq!(
        late(store, b1).await,
        [(202609, None, "red".into(), "red".into(), Some(50.0))],
        "{label}"
    );

    // b1's September report arrives today: replayed, September was still 29 days overdue at its
    // check, and today October is 20 days overdue: orange, open (the figure is the one of its last
    // change, September's 29 days). Once October arrives, it closes.
    store
        .set_answer_times(tasks[0], &[(b1, now, now)])
        .await
        .unwrap();
    monitoring::rebuild_all(store).await.unwrap();
    assert_eq!(
        late(store, b1).await,
        [(202609, None, "orange".into(), "orange".into(), Some(29.0))],
        "{label}"
    );
    store
        .set_answer_times(tasks[1], &[(b1, now, now), (b2, now, now)])
        .await
        .unwrap();
    monitoring::rebuild_all(store).await.unwrap();
    assert_eq!(
        late(store, b1).await,
        [(
            202609,
            Some(202610),
            "orange".into(),
            "orange".into(),
            Some(0.0)
        )],
        "{label}"
    );
    // b2's October report was overdue only until now: no warning remains of it.
    assert_eq!(late(store, b2).await, [], "{label}");
}

backend_tests!(late_reports_raise_graded_warnings);
