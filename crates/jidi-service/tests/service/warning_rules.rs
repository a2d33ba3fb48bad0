//! The ministry's warning rules as data: a saved set replaces the built-in one, every warning
//! is replayed with it, each version is kept with an audit entry, and a refused or conflicting
//! save changes nothing; on both backends.

use chrono::NaiveDate;
use jidi_domain::access::RecordScope;
use jidi_monitor::warning::level::Thresholds;
use jidi_monitor::warning::rule::{Condition, Measure, Rule};
use jidi_service::demo::{self, DemoOptions};
use jidi_service::warning_rules::{self, RulesEdit, RulesFormat};
use jidi_store::{AuditFilter, Page, Store, StoreError, WarningFilter};
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

async fn all_warnings(store: &Store) -> Vec<jidi_store::NewWarning> {
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
    out
}

/// One rule that every reported debt ratio meets at blue: each base with the series gets one
/// warning, open from its first month.
fn always_blue() -> Rule {
    Rule {
        id: "debt_ratio_any".into(),
        name_zh: "资产负债率（测试）".into(),
        name_en: "Debt ratio (test)".into(),
        reset_periods: 0,
        condition: Condition::Threshold {
            indicator: "m_asset_liab".into(),
            measure: Measure::Value,
            thresholds: Thresholds::above(Some(0.0), None, None, Some(1_000.0)),
        },
    }
}

fn edit(based_on: Option<i64>) -> RulesEdit {
    RulesEdit {
        user_id: None,
        source: "api",
        reason: "测试：只保留一条规则".into(),
        based_on,
        dry_run: false,
    }
}

async fn saving_rules_replays_every_warning(db: TestDb) {
    let store = &db.store;
    let label = db.label;
    demo::load(store, &options()).await.unwrap();
    let before = warning_rules::in_force(store).await.unwrap();
    assert_eq!(before.number(), 0, "{label}: the built-in set is in force");
    assert_eq!(before.rules, jidi_service::monitoring::warning_rules());
    assert!(
        all_warnings(store)
            .await
            .iter()
            .all(|w| before.get(&w.rule_id).is_some())
    );

    let mut expected_bases = Vec::new();
    for (id, _) in store.monthly_base_categories().await.unwrap() {
        let first = store.monitor_series(id, "m_asset_liab", 0).await.unwrap();
        if let Some(first) = first.first() {
            expected_bases.push((id, first.period));
        }
    }
    assert!(expected_bases.len() >= 10, "{label}: {expected_bases:?}");

    // A dry run and a refused file save nothing.
    let dry = warning_rules::save_rules(
        store,
        vec![always_blue()],
        "",
        &RulesEdit {
            dry_run: true,
            ..edit(Some(0))
        },
    )
    .await
    .unwrap();
    assert_eq!(dry.saved, None);
    assert_eq!(dry.added, ["debt_ratio_any"]);
    assert_eq!(dry.removed.len(), before.rules.len());
    let mut bad = always_blue();
    bad.reset_periods = 5_000;
    let text = warning_rules::write_rules(&[bad], RulesFormat::Toml);
    let refused = warning_rules::import_rules(store, "bad.toml", text.as_bytes(), &edit(None))
        .await
        .unwrap();
    assert_eq!(
        refused
            .problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["rule `debt_ratio_any`, reset_periods: must be at most 120 months, got 5000"]
    );
    assert_eq!(store.warning_rules_versions(10).await.unwrap(), []);

    // The saved set replaces the built-in one, and the warnings follow it.
    let text = warning_rules::write_rules(&[always_blue()], RulesFormat::Json);
    let saved = warning_rules::import_rules(store, "rules.json", text.as_bytes(), &edit(Some(0)))
        .await
        .unwrap();
    assert_eq!(saved.problems, []);
    let version = saved.saved.clone().expect("saved");
    assert_eq!(
        (version.version, version.rules, version.file_name.as_str()),
        (1, 1, "rules.json")
    );
    let replay = saved.replay.expect("replayed");
    assert_eq!(replay.warnings, expected_bases.len(), "{label}");
    let now = warning_rules::in_force(store).await.unwrap();
    assert_eq!((now.number(), now.rules.clone()), (1, vec![always_blue()]));
    let mut got: Vec<(i64, i32, Option<i32>, String)> = all_warnings(store)
        .await
        .into_iter()
        .map(|w| {
            assert_eq!(w.rule_id, "debt_ratio_any");
            (w.base_id, w.opened, w.closed, w.level)
        })
        .collect();
    got.sort();
    let want: Vec<(i64, i32, Option<i32>, String)> = expected_bases
        .iter()
        .map(|(id, first)| (*id, *first, None, "blue".to_string()))
        .collect();
    assert_eq!(got, want, "{label}");

    // The save is audited with what changed.
    let audit = store
        .audit_entries(
            &AuditFilter {
                entity: Some("warning_rules".into()),
                ..AuditFilter::default()
            },
            10,
        )
        .await
        .unwrap();
    assert_eq!(audit.len(), 1, "{label}");
    let detail: serde_json::Value = serde_json::from_str(&audit[0].detail).unwrap();
    assert_eq!(detail["added"], serde_json::json!(["debt_ratio_any"]));
    assert_eq!(detail["version"], 1);

    // Saving again on the version it was made from is a conflict; saving the same set is none.
    let stale = warning_rules::save_rules(store, vec![always_blue()], "", &edit(Some(0))).await;
    assert!(
        matches!(
            stale,
            Err(warning_rules::RulesEditError::Store(StoreError::Conflict(
                _
            )))
        ),
        "{label}: {stale:?}"
    );
    let same = warning_rules::save_rules(store, vec![always_blue()], "", &edit(Some(1)))
        .await
        .unwrap();
    assert_eq!((same.saved, same.changed.len()), (None, 0));
    assert_eq!(store.warning_rules_versions(10).await.unwrap().len(), 1);

    // A refresh under way when new rules are saved ends with the new rules' warnings, whichever
    // finishes first: refreshes take turns, and each reads the rules once it has its turn. Here
    // a rebuild waits for its turn (the test holds it), new rules are saved meanwhile, and the
    // save's own replay queues behind the rebuild.
    let mut renamed = always_blue();
    renamed.id = "debt_ratio_renamed".into();
    let turn = jidi_service::monitoring::REFRESH.lock().await;
    let rebuild = {
        let store = store.clone();
        tokio::spawn(async move { jidi_service::monitoring::rebuild_all(&store).await })
    };
    let save = {
        let store = store.clone();
        let rules = vec![renamed.clone()];
        tokio::spawn(
            async move { warning_rules::save_rules(&store, rules, "", &edit(Some(1))).await },
        )
    };
    while store.warning_rules_versions(10).await.unwrap().len() < 2 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(!rebuild.is_finished() && !save.is_finished(), "{label}");
    drop(turn);
    let rebuilt = rebuild.await.unwrap().unwrap();
    let saved = save.await.unwrap().unwrap();
    assert_eq!(
        (rebuilt.warnings, saved.replay.map(|r| r.warnings)),
        (expected_bases.len(), Some(expected_bases.len())),
        "{label}"
    );
    let mut got: Vec<(i64, String)> = all_warnings(store)
        .await
        .into_iter()
        .map(|w| (w.base_id, w.rule_id))
        .collect();
    got.sort();
    let want: Vec<(i64, String)> = expected_bases
        .iter()
        .map(|(id, _)| (*id, renamed.id.clone()))
        .collect();
    assert_eq!(got, want, "{label}");
}

backend_tests!(saving_rules_replays_every_warning);
