//! The managed catalogue: version 1 is the shipped catalogue, every save is a new numbered
//! version with an audit entry per changed indicator, a stale edit is a conflict, versions are
//! append-only in the database, and `indicators` follows the current version. Both backends.

use jidi_collect::managed::Status;
use jidi_collect::{Frequency, ManagedCatalogue};
use jidi_store::{AuditFilter, NewCatalogueVersion, StoreError};
use jidi_test_support::{TestDb, backend_tests};

async fn versions_are_numbered_audited_and_append_only(db: TestDb) {
    let store = &db.store;
    let label = db.label;
    let (v1, shipped) = store.current_catalogue().await.unwrap();
    assert_eq!((v1.version, v1.source.as_str()), (1, "shipped"), "{label}");
    assert_eq!(v1.entries, 68, "{label}");
    assert_eq!(shipped, ManagedCatalogue::shipped(), "{label}");
    // Migrating again seeds nothing more.
    store.migrate().await.unwrap();
    assert_eq!(
        store.catalogue_versions(10).await.unwrap().len(),
        1,
        "{label}"
    );

    // Retire one indicator and tighten another's bounds.
    let mut retired = shipped.get("rev_net_increase").unwrap().clone();
    retired.status = Status::Retired;
    let mut tighter = shipped.get("rd_intensity").unwrap().clone();
    tighter.spec.max = Some(60.0);
    let next = shipped
        .with_entry(retired)
        .unwrap()
        .with_entry(tighter)
        .unwrap();
    let changes = shipped.changes_to(&next, |_| false).unwrap();
    assert_eq!(changes.len(), 2, "{label}");
    let saved = store
        .save_catalogue(
            &NewCatalogueVersion {
                catalogue: &next,
                changes: &changes,
                based_on: 1,
                source: "cli",
                file_name: "catalogue.csv".into(),
                reason: "测试：停用一项，收紧一项".into(),
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!((saved.version, saved.changed), (2, 2), "{label}");
    let (v2, current) = store.current_catalogue().await.unwrap();
    assert_eq!(v2, saved, "{label}");
    assert_eq!(current, next, "{label}");
    assert!(current.is_retired("rev_net_increase"));
    assert_eq!(current.get("rd_intensity").unwrap().spec.max, Some(60.0));
    assert_eq!(
        current.active(Frequency::Annual).count() + 1,
        shipped.active(Frequency::Annual).count(),
        "{label}"
    );
    // Version 1 still reads as it was.
    let (_, old) = store.catalogue_at(1).await.unwrap().unwrap();
    assert_eq!(old, shipped, "{label}");

    // One audit entry per changed indicator, with the old and new values and the reason.
    let audit = store
        .audit_entries(
            &AuditFilter {
                entity: Some("indicator".into()),
                entity_id: Some("rd_intensity".into()),
                ..AuditFilter::default()
            },
            10,
        )
        .await
        .unwrap();
    assert_eq!(audit.len(), 2, "{label}: the seed and the edit");
    let detail: serde_json::Value = serde_json::from_str(&audit[0].detail).unwrap();
    assert_eq!(detail["columns"], serde_json::json!(["max"]), "{label}");
    assert_eq!(detail["old"]["max"], "100", "{label}");
    assert_eq!(detail["new"]["max"], "60", "{label}");
    assert_eq!(detail["reason"], "测试：停用一项，收紧一项", "{label}");

    // An edit made on version 1 after version 2 was saved is a conflict and writes nothing.
    let stale = store
        .save_catalogue(
            &NewCatalogueVersion {
                catalogue: &shipped,
                changes: &[],
                based_on: 1,
                source: "web",
                file_name: String::new(),
                reason: "过期的编辑".into(),
            },
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(stale, StoreError::Conflict(_)), "{label}: {stale}");
    assert_eq!(store.current_catalogue().await.unwrap().0.version, 2);

    // The database keeps versions as written.
    for sql in [
        "UPDATE catalogue_versions SET reason = 'x'",
        "DELETE FROM catalogue_versions",
    ] {
        let e = db.try_execute(sql).await.unwrap_err();
        assert!(e.contains("append-only"), "{label}: {sql}: {e}");
    }
    // The facts' table of indicators follows the current version.
    assert!(
        db.try_execute("INSERT INTO indicators (code, name_zh, name_en, unit, frequency, cumulative, direction, dimension, sort_order, status) VALUES ('x', 'x', 'x', 'x', 'annual', FALSE, 1, 'x', 0, 'gone')")
            .await
            .is_err(),
        "{label}: status is checked"
    );
    assert!(!store.indicator_has_values("rd_intensity").await.unwrap());
    db.finish().await;
}
backend_tests!(versions_are_numbered_audited_and_append_only);
