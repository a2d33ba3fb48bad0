//! Monitoring warnings feed the dynamic-management rules when the rule table says so: a rule
//! counting the months of the year a warning stood at red proposes a 预警 for the national bases
//! (国家级 and 卓越提升)
//! whose warning lasted long enough, naming the warning; on both backends.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use jidi_domain::rules::{
    Condition, ProposalKind, Reason, Rule as ManagementRule, RuleSet, WarningLevel,
};
use jidi_domain::scheme::Scheme;
use jidi_monitor::warning::level::Thresholds;
use jidi_monitor::warning::rule::{Condition as Watch, Measure, Rule};
use jidi_service::demo::{self, DemoOptions};
use jidi_service::management;
use jidi_service::warning_rules::{RulesEdit, save_rules};
use jidi_test_support::{TestDb, backend_tests};

fn options() -> DemoOptions {
    let mut o = DemoOptions::standard(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
    o.config.provincial = 10;
    o.config.cultivating = 5;
    o.config.months = 14;
    o.evaluations = false;
    o.collection = false;
    o
}

fn rule(min_level: WarningLevel, months: u32) -> RuleSet {
    RuleSet {
        rules: vec![ManagementRule {
            code: "W9".into(),
            kind: ProposalKind::Warning,
            tiers: vec![
                jidi_domain::roll::Tier::National,
                jidi_domain::roll::Tier::Excellence,
            ],
            condition: Condition::OpenWarnings { min_level, months },
            to_tier: None,
            deadline_months: None,
            description: "监测预警持续处于红色，予以预警".into(),
            quota: None,
        }],
    }
}

async fn red_warnings_of_the_year_make_warning_proposals(db: TestDb) {
    let store = &db.store;
    let label = db.label;
    demo::load(store, &options()).await.unwrap();
    // One monitoring rule: a debt ratio of 50 % or more is red, 30 % orange. It opens at a base's
    // first month at or above 30 % and, with reset 0, stands while the ratio stays there.
    let watch = Rule {
        id: "debt_test".into(),
        name_zh: "资产负债率（测试）".into(),
        name_en: "Debt ratio (test)".into(),
        reset_periods: 0,
        condition: Watch::Threshold {
            indicator: "m_asset_liab".into(),
            measure: Measure::Value,
            thresholds: Thresholds::above(None, None, Some(30.0), Some(50.0)),
        },
    };
    let how = RulesEdit {
        user_id: None,
        source: "cli",
        reason: "测试".into(),
        based_on: None,
        dry_run: false,
    };
    let saved = save_rules(store, vec![watch], "t.json", &how)
        .await
        .unwrap();
    assert!(saved.saved.is_some(), "{label}: {:?}", saved.problems);

    // What each base's 2026 months say, read from the stored figures (not from the warnings):
    // the months of 2026 at or above 50 % and at or above 30 %, for a base whose ratio never
    // goes back below 30 % once there (one warning, never closed).
    let mut expected: BTreeMap<i64, (u32, u32)> = BTreeMap::new();
    let latest = store.latest_monitor_period().await.unwrap().unwrap();
    assert_eq!(latest / 100, 2026, "{label}: the demo's months end in 2026");
    for (id, _) in store.monthly_base_categories().await.unwrap() {
        let rows = store.monitor_series(id, "m_asset_liab", 0).await.unwrap();
        let first = rows.iter().position(|r| r.value >= 30.0);
        let Some(first) = first else { continue };
        if rows[first..].iter().any(|r| r.value < 30.0) {
            continue;
        }
        let year: Vec<f64> = rows[first..]
            .iter()
            .filter(|r| r.period / 100 == 2026)
            .map(|r| r.value)
            .collect();
        let red = year.iter().filter(|v| **v >= 50.0).count() as u32;
        expected.insert(id, (red, year.len() as u32));
    }
    assert!(expected.len() >= 5, "{label}: {expected:?}");

    let scheme = Scheme::national_default(2026);
    let months_in_2026 = u32::try_from(latest % 100).unwrap();
    for (level, months) in [
        (WarningLevel::Red, 1),
        (WarningLevel::Red, months_in_2026),
        (WarningLevel::Orange, months_in_2026),
        (WarningLevel::Orange, months_in_2026 + 1),
    ] {
        management::set_rules(store, &rule(level, months), None)
            .await
            .unwrap();
        let drafts = management::proposal_drafts(store, 2026, None, &scheme)
            .await
            .unwrap();
        let got: BTreeMap<i64, u32> = drafts
            .iter()
            .map(|d| {
                assert_eq!((d.kind, d.rule.as_str()), (ProposalKind::Warning, "W9"));
                match &d.reasons[1] {
                    Reason::MonitorWarning {
                        rule,
                        name_zh,
                        year,
                        level: l,
                        months,
                        ..
                    } => {
                        assert_eq!(
                            (rule.as_str(), name_zh.as_str(), *year, *l),
                            ("debt_test", "资产负债率（测试）", 2026, level),
                            "{label}"
                        );
                        (d.base_id, *months)
                    }
                    other => panic!("{label}: {other:?}"),
                }
            })
            .collect();
        // Bases whose ratio dipped below 30 % have several warnings; leave them out of the
        // comparison (each of their warnings counts on its own).
        let got: BTreeMap<i64, u32> = got
            .into_iter()
            .filter(|(id, _)| expected.contains_key(id))
            .collect();
        let want: BTreeMap<i64, u32> = expected
            .iter()
            .map(|(id, (red, any))| {
                let n = if level == WarningLevel::Red {
                    *red
                } else {
                    *any
                };
                (*id, n)
            })
            .filter(|(_, n)| *n >= months)
            .collect();
        assert_eq!(got, want, "{label}: {level:?} for {months} months");
        if months > months_in_2026 {
            assert!(got.is_empty(), "{label}");
        }
    }
    // The reason names the warning as stored.
    management::set_rules(store, &rule(WarningLevel::Orange, 1), None)
        .await
        .unwrap();
    let drafts = management::proposal_drafts(store, 2026, None, &scheme)
        .await
        .unwrap();
    let d = drafts
        .iter()
        .find(|d| expected.contains_key(&d.base_id))
        .expect("a proposal");
    let Reason::MonitorWarning {
        warning_id, opened, ..
    } = &d.reasons[1]
    else {
        panic!("{label}");
    };
    let stored = store.monitor_warning(*warning_id).await.unwrap().unwrap();
    assert_eq!(
        (
            stored.warning.base_id,
            stored.warning.rule_id.as_str(),
            stored.warning.opened
        ),
        (d.base_id, "debt_test", *opened),
        "{label}"
    );
    assert!(
        d.reasons[1]
            .zh()
            .starts_with("监测预警“资产负债率（测试）”"),
        "{label}: {}",
        d.reasons[1].zh()
    );
    // Without the rule, no warning makes a proposal.
    management::set_rules(store, &RuleSet { rules: Vec::new() }, None)
        .await
        .unwrap();
    let none = management::proposal_drafts(store, 2026, None, &scheme)
        .await
        .unwrap();
    assert_eq!(none, [], "{label}");
}

backend_tests!(red_warnings_of_the_year_make_warning_proposals);
