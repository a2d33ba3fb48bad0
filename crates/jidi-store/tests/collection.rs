//! Accepting collected values: revisions, history, conflicts, what an evaluation records, and an
//! audit trail that the database itself keeps append-only. Both backends.

use chrono::{NaiveDate, Utc};
use jidi_domain::roll::{BaseDraft, Series, Status, Tier};
use jidi_store::{
    AcceptedValue, AcceptedWarning, AuditFilter, Frequency, NewBatch, NewSubmission, Store,
    StoreError, SubmissionFilter, SubmissionStatus, SubmittedValue,
};
use jidi_test_support::{TestDb, backend_tests};

fn draft(name: &str) -> BaseDraft {
    BaseDraft {
        name: name.into(),
        province_code: "420000".into(),
        prefecture_code: None,
        category_code: "equipment".into(),
        subcategory_code: Some("high_end_equipment".into()),
        series: Some(Series::Advantage),
        tier: Tier::National,
        batch: Some(3),
        designated_year: Some(2012),
        designated_on: NaiveDate::from_ymd_opt(2012, 2, 13),
        leading_industries: vec!["工程机械".into()],
        managing_body: None,
        area_km2: None,
        status: Status::Current,
        synthetic: true,
        generated_fields: Vec::new(),
        source: None,
        note: None,
    }
}

fn batch(rows: usize) -> NewBatch {
    NewBatch {
        user_id: None,
        source: "cli",
        file_name: "values.csv".into(),
        file_sha256: "ab".repeat(32),
        rows_read: rows,
        reason: String::new(),
        at: Utc::now(),
        submission_id: None,
        catalogue_version: None,
    }
}

fn value(base: i64, period: i32, code: &str, v: f64, revision: i32) -> AcceptedValue {
    AcceptedValue {
        frequency: if period > 9999 {
            Frequency::Monthly
        } else {
            Frequency::Annual
        },
        base_id: base,
        period,
        indicator: code.into(),
        value: v,
        reported_value: v * 10_000.0,
        reported_unit: "万元".into(),
        revision,
        replaces_unrecorded: None,
    }
}

async fn setup(store: &Store) -> i64 {
    store
        .create_base(
            &draft("装备制造(工程机械)·采集园区"),
            None,
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        )
        .await
        .unwrap()
}

async fn revisions_are_numbered_kept_and_checked_for_conflicts(db: TestDb) {
    let store = &db.store;
    let base = setup(store).await;
    // 700 values: more than one statement's worth, so chunking is exercised.
    let first: Vec<AcceptedValue> = (0..700)
        .map(|k| value(base, 2000 + k, "rev_main", 100.0 + f64::from(k), 1))
        .collect();
    store.accept_values(&batch(700), &first, &[]).await.unwrap();
    let current = store
        .values_between(Frequency::Annual, 2000, 2699, &["rev_main".into()])
        .await
        .unwrap();
    assert_eq!(current.len(), 700, "{}", db.label);
    assert!(current.iter().all(|v| v.revision == 1 && !v.synthetic));
    assert_eq!(current[5].value, 105.0);

    // A correction is revision 2, with a warning explained; the history keeps both.
    let warning = AcceptedWarning {
        frequency: Frequency::Annual,
        base_id: base,
        period: 2005,
        indicator: "rev_main".into(),
        rule: "jump".into(),
        message: "营业收入同比增长52.4%，超过50%".into(),
        explanation: "新引进龙头企业投产".into(),
    };
    let id = store
        .accept_values(
            &NewBatch {
                reason: "更正".into(),
                ..batch(1)
            },
            &[value(base, 2005, "rev_main", 160.0, 2)],
            &[warning],
        )
        .await
        .unwrap();
    let history = store
        .value_revisions(Frequency::Annual, base, 2005, "rev_main")
        .await
        .unwrap();
    assert_eq!(
        history
            .iter()
            .map(|r| (r.revision, r.value))
            .collect::<Vec<_>>(),
        vec![(1, 105.0), (2, 160.0)],
        "{}",
        db.label
    );
    assert_eq!(history[1].batch_id, Some(id));
    assert_eq!(history[1].reported_unit, "万元");

    // Checked against revision 1 while revision 2 is current: refused, and nothing of the batch
    // is written (its other, valid value neither).
    let stale = [
        value(base, 2006, "rev_main", 1.0, 2),
        value(base, 2005, "rev_main", 170.0, 2),
    ];
    let e = store
        .accept_values(&batch(2), &stale, &[])
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{}: {e}", db.label);
    let after = store
        .values_between(Frequency::Annual, 2005, 2006, &[])
        .await
        .unwrap();
    assert_eq!(
        after
            .iter()
            .map(|v| (v.period, v.value, v.revision))
            .collect::<Vec<_>>(),
        vec![(2005, 160.0, 2), (2006, 106.0, 1)],
        "{}",
        db.label
    );

    // Checked against a catalogue version that is no longer the newest: refused whole.
    let version = store.current_catalogue().await.unwrap().0.version;
    let next = [value(base, 2005, "rev_main", 170.0, 3)];
    let e = store
        .accept_values(
            &NewBatch {
                catalogue_version: Some(version - 1),
                ..batch(1)
            },
            &next,
            &[],
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&e, StoreError::Conflict(m) if m.contains("catalogue")),
        "{}: {e}",
        db.label
    );
    assert_eq!(
        store
            .value_revisions(Frequency::Annual, base, 2005, "rev_main")
            .await
            .unwrap()
            .len(),
        2,
        "{}: nothing written",
        db.label
    );
    store
        .accept_values(
            &NewBatch {
                catalogue_version: Some(version),
                ..batch(1)
            },
            &next,
            &[],
        )
        .await
        .unwrap();
    db.finish().await;
}
backend_tests!(revisions_are_numbered_kept_and_checked_for_conflicts);

async fn a_bulk_loaded_value_keeps_its_figure_in_the_history(db: TestDb) {
    let store = &db.store;
    let base = setup(store).await;
    db.execute(&format!(
        "INSERT INTO monthly_values (base_id, period, indicator_code, value, synthetic) VALUES ({base}, 202601, 'rev_main', 42.5, TRUE)"
    ))
    .await;
    let current = store
        .values_between(Frequency::Monthly, 202601, 202601, &[])
        .await
        .unwrap();
    assert_eq!(current[0].revision, 0);
    assert!(current[0].synthetic);
    let mut v = value(base, 202601, "rev_main", 43.0, 1);
    v.replaces_unrecorded = Some(42.5);
    store.accept_values(&batch(1), &[v], &[]).await.unwrap();
    let history = store
        .value_revisions(Frequency::Monthly, base, 202601, "rev_main")
        .await
        .unwrap();
    assert_eq!(
        history
            .iter()
            .map(|r| (r.revision, r.value, r.batch_id.is_some()))
            .collect::<Vec<_>>(),
        vec![(0, 42.5, false), (1, 43.0, true)],
        "{}",
        db.label
    );
    let now = store
        .values_between(Frequency::Monthly, 202601, 202601, &[])
        .await
        .unwrap();
    assert!(!now[0].synthetic, "a reported value is not synthetic");
    db.finish().await;
}
backend_tests!(a_bulk_loaded_value_keeps_its_figure_in_the_history);

/// The audit log and the revision history refuse UPDATE and DELETE from anyone, including a
/// connection that bypasses jidi.
async fn the_audit_log_and_revisions_refuse_update_and_delete(db: TestDb) {
    let store = &db.store;
    let base = setup(store).await;
    store
        .accept_values(&batch(1), &[value(base, 2024, "rev_main", 1.0, 1)], &[])
        .await
        .unwrap();
    for sql in [
        "UPDATE audit_log SET action = 'nothing'",
        "DELETE FROM audit_log",
        "UPDATE value_revisions SET value = 0",
        "DELETE FROM value_revisions",
    ] {
        let e = db.try_execute(sql).await.unwrap_err();
        assert!(e.contains("append-only"), "{}: {sql}: {e}", db.label);
    }
    if db.label == "postgres" {
        let e = db.try_execute("TRUNCATE audit_log").await.unwrap_err();
        assert!(e.contains("append-only"), "{e}");
    }
    let audit = store
        .audit_entries(
            &AuditFilter {
                entity: Some("value_batch".into()),
                ..AuditFilter::default()
            },
            10,
        )
        .await
        .unwrap();
    assert_eq!(audit.len(), 1, "{}", db.label);
    assert_eq!(audit[0].action, "accept_values");
    assert!(
        audit[0].detail.contains("values.csv"),
        "{}",
        audit[0].detail
    );
    db.finish().await;
}
backend_tests!(the_audit_log_and_revisions_refuse_update_and_delete);

/// A submission keeps its values apart until accepted (in the same transaction as the values)
/// or returned; either happens once.
async fn submissions_wait_for_review_and_are_decided_once(db: TestDb) {
    let store = &db.store;
    let base = setup(store).await;
    let submitted = SubmittedValue {
        frequency: Frequency::Annual,
        base_id: base,
        period: 2025,
        indicator: "rev_main".into(),
        value: 12.5,
        reported_value: 125_000.0,
        reported_unit: "万元".into(),
    };
    let new = NewSubmission {
        user_id: None,
        base_id: Some(base),
        province_code: "420000".into(),
        source: "api",
        file_name: "s.csv".into(),
        file_sha256: String::new(),
        rows_read: 1,
        reason: String::new(),
        at: Utc::now(),
    };
    let id = store.submit_values(&new, &[submitted], &[]).await.unwrap();
    let listed = store
        .submissions(
            &SubmissionFilter {
                province_code: Some("420000".into()),
                status: Some(SubmissionStatus::Submitted),
                ..SubmissionFilter::default()
            },
            10,
        )
        .await
        .unwrap();
    assert_eq!(listed.len(), 1, "{}", db.label);
    assert_eq!((listed[0].id, listed[0].values), (id, 1));
    assert!(
        store
            .values_between(Frequency::Annual, 2025, 2025, &[])
            .await
            .unwrap()
            .is_empty(),
        "{}: not in force before review",
        db.label
    );
    let mut accept = batch(1);
    accept.submission_id = Some(id);
    store
        .accept_values(&accept, &[value(base, 2025, "rev_main", 12.5, 1)], &[])
        .await
        .unwrap();
    let s = store.submission(id).await.unwrap().unwrap();
    assert_eq!(s.status, SubmissionStatus::Accepted, "{}", db.label);
    let again = store
        .accept_values(&accept, &[value(base, 2025, "rev_main", 12.5, 2)], &[])
        .await
        .unwrap_err();
    assert!(
        matches!(again, StoreError::Conflict(_)),
        "{}: {again}",
        db.label
    );
    let late = store
        .return_submission(id, 1, "晚了", &[], Utc::now())
        .await
        .unwrap_err();
    assert!(
        matches!(late, StoreError::Conflict(_)),
        "{}: {late}",
        db.label
    );
    db.finish().await;
}
backend_tests!(submissions_wait_for_review_and_are_decided_once);
