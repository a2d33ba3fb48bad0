//! The monitoring refresh after an accepted batch writes only the periods the batch can change
//! and updates rows in place; it must leave exactly what a full rebuild of the same bases leaves,
//! on both backends.

use chrono::NaiveDate;
use jidi_collect::parse::Scope;
use jidi_domain::access::RecordScope;
use jidi_service::demo::{self, DemoOptions};
use jidi_service::monitoring;
use jidi_service::values::{ImportValues, import_values};
use jidi_store::{DerivedPoint, Page, Store, WarningFilter};
use jidi_test_support::{TestDb, backend_tests};

fn options() -> DemoOptions {
    let mut o = DemoOptions::standard(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
    o.config.provincial = 10;
    o.config.cultivating = 5;
    o.config.months = 26;
    o.evaluations = false;
    o.collection = false;
    o
}

/// Every warning (as replayed), in a fixed order.
async fn warnings(store: &Store) -> Vec<jidi_store::NewWarning> {
    let filter = WarningFilter::within(RecordScope::All);
    let mut out = Vec::new();
    loop {
        let page = Page {
            offset: out.len() as u32,
            limit: 500,
        };
        let (rows, total) = store.monitor_warnings(&filter, page).await.unwrap();
        let done = rows.is_empty();
        out.extend(rows.into_iter().map(|r| r.warning));
        if done || out.len() as i64 >= total {
            break;
        }
    }
    out.sort_by(|a, b| (a.base_id, &a.rule_id, a.opened).cmp(&(b.base_id, &b.rule_id, b.opened)));
    out
}

/// Every derived row of `bases`, by base and indicator, oldest first.
async fn derived_rows(store: &Store, bases: &[i64]) -> Vec<DerivedPoint> {
    let mut out = Vec::new();
    for &b in bases {
        let mut codes: Vec<String> = store
            .monthly_values(b, &[], 0)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.indicator)
            .collect();
        codes.sort();
        codes.dedup();
        for code in codes {
            out.extend(store.monitor_series(b, &code, 0).await.unwrap());
        }
    }
    out
}

async fn refresh_after_a_batch_equals_a_full_rebuild(db: TestDb) {
    let store = &db.store;
    let label = db.label;
    demo::load(store, &options()).await.unwrap();
    let categories = store.monthly_base_categories().await.unwrap();
    let (first, category) = categories[0].clone();
    let second = categories
        .iter()
        .find(|(id, c)| *c == category && *id != first)
        .map(|(id, _)| *id)
        .expect("two bases of one category report monthly");
    let series = store.monitor_series(first, "m_rev", 0).await.unwrap();
    assert!(series.len() >= 20, "{label}: {} months", series.len());
    // A 1–N月 total in the middle of the history, and one of the second base a year later: the
    // months after each (single months, growth rates) change too.
    let mid = series.len() - 14;
    let corrected = &series[mid];
    let second_series = store.monitor_series(second, "m_rev", 0).await.unwrap();
    let later = second_series
        .iter()
        .find(|r| r.period == series[mid + 12].period)
        .expect("the second base reports the same months");
    let period = |key: i32| format!("{}-{:02}", key / 100, key % 100);
    let csv = format!(
        "base_id,period,indicator,value\n{first},{},m_rev,{}\n{second},{},m_rev,{}\n",
        period(corrected.period),
        corrected.value * 1.05,
        period(later.period),
        later.value * 0.98,
    );
    let outcome = import_values(
        store,
        "correction.csv",
        csv.as_bytes(),
        &ImportValues {
            user_id: None,
            source: "cli",
            scope: Scope::All,
            dry_run: false,
            reason: "测试更正".into(),
            explanation: "测试更正".into(),
            review: None,
        },
    )
    .await
    .unwrap();
    assert!(outcome.batch_id.is_some(), "{label}: {:?}", outcome.report);

    let bases = [first, second];
    let refreshed = derived_rows(store, &bases).await;
    let warned = warnings(store).await;
    let after = store.monitor_series(first, "m_rev", 0).await.unwrap();
    let at = |rows: &[DerivedPoint], key: i32| rows.iter().find(|r| r.period == key).cloned();
    let fixed = at(&after, corrected.period).unwrap();
    assert_eq!(fixed.value, corrected.value * 1.05, "{label}");
    // The month after (same year) is differenced against the corrected total.
    if corrected.period % 100 < 12 {
        let next = at(&after, corrected.period + 1).unwrap();
        assert_eq!(
            next.single,
            Some(next.value - corrected.value * 1.05),
            "{label}: the next single month"
        );
    }
    // A year later, the same month's 累计同比 compares with the corrected total.
    let year_later = at(&after, corrected.period + 100).unwrap();
    assert_eq!(
        year_later.cumulative_ly,
        Some(corrected.value * 1.05),
        "{label}"
    );
    // The months before the correction are as they were.
    let before: Vec<_> = series
        .iter()
        .filter(|r| r.period < corrected.period)
        .collect();
    let kept: Vec<_> = after
        .iter()
        .filter(|r| r.period < corrected.period)
        .collect();
    assert_eq!(before, kept, "{label}");

    monitoring::refresh(store, &bases).await.unwrap();
    let rebuilt = derived_rows(store, &bases).await;
    assert!(!rebuilt.is_empty());
    assert_eq!(refreshed.len(), rebuilt.len(), "{label}");
    assert!(
        refreshed == rebuilt,
        "{label}: the refresh differs from a rebuild"
    );
    let rewarned = warnings(store).await;
    assert!(
        !rewarned.is_empty(),
        "{label}: the demo's history has warnings"
    );
    assert_eq!(
        warned, rewarned,
        "{label}: the warnings differ from a rebuild"
    );
}

backend_tests!(refresh_after_a_batch_equals_a_full_rebuild);
