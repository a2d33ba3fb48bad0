//! Every rule kind evaluated on hand-made facts, through one `check` helper; and the example
//! rule files parse and validate.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use jidi_monitor::period::{MonthlySeries, Period};
use jidi_monitor::warning::evaluate::evaluate;
use jidi_monitor::warning::facts::{Facts, ForecastBand, ReportTiming};
use jidi_monitor::warning::finding::Outcome;
use jidi_monitor::warning::level::{Level, Thresholds};
use jidi_monitor::warning::rule::{
    Condition, Measure, Rule, Side, Target, default_rules, validate_rules,
};

fn p(text: &str) -> Period {
    text.parse().unwrap()
}

fn series(entries: &[(&str, f64)]) -> MonthlySeries {
    entries.iter().map(|(q, v)| (p(q), *v)).collect()
}

fn rule(condition: Condition) -> Rule {
    Rule {
        id: "r".into(),
        name_zh: "规则".into(),
        name_en: "rule".into(),
        reset_periods: 0,
        condition,
    }
}

/// Evaluates `condition` on `facts` at `period`; returns the outcome, the Chinese reason and the
/// figures as `key=value` (values to 4 decimals).
fn check(condition: Condition, facts: &Facts, period: &str) -> (Outcome, String, Vec<String>) {
    let rule = rule(condition);
    assert_eq!(rule.validate(), Ok(()));
    let e = evaluate(&rule, facts, p(period));
    let figures = e
        .figures
        .iter()
        .map(|f| format!("{}={}", f.key, (f.value * 1e4).round() / 1e4))
        .collect();
    (e.outcome, e.reason_zh, figures)
}

fn facts_with(code: &str, s: MonthlySeries) -> Facts {
    let mut facts = Facts::default();
    facts.series.insert(code.into(), s);
    facts
}

fn rev_drop() -> Condition {
    Condition::Threshold {
        indicator: "m_rev".into(),
        measure: Measure::Yoy,
        thresholds: Thresholds::below(Some(-5.0), Some(-10.0), Some(-20.0), Some(-30.0)),
    }
}

#[test]
fn threshold_on_cumulative_growth() {
    // 1–3月 revenue 80 against 100 a year earlier: −20 % → orange (inclusive).
    let facts = facts_with("m_rev", series(&[("2023-03", 100.0), ("2024-03", 80.0)]));
    let (outcome, reason, figures) = check(rev_drop(), &facts, "2024-03");
    assert_eq!(outcome, Outcome::Warn(Level::Orange));
    assert_eq!(reason, "m_rev 同比增速 -20.0%，达到或低于橙色阈值 -20.0%");
    assert_eq!(figures, ["yoy=-20", "threshold=-20"]);

    let facts = facts_with("m_rev", series(&[("2023-03", 100.0), ("2024-03", 97.0)]));
    assert_eq!(check(rev_drop(), &facts, "2024-03").0, Outcome::Clear);
    // No base year, no series, a zero base: unknown, never a warning.
    let facts = facts_with("m_rev", series(&[("2024-03", 80.0)]));
    assert_eq!(check(rev_drop(), &facts, "2024-03").0, Outcome::Unknown);
    assert_eq!(
        check(rev_drop(), &Facts::default(), "2024-03").0,
        Outcome::Unknown
    );
    let facts = facts_with("m_rev", series(&[("2023-03", 0.0), ("2024-03", 80.0)]));
    let (outcome, reason, _) = check(rev_drop(), &facts, "2024-03");
    assert_eq!(outcome, Outcome::Unknown);
    assert!(reason.contains("基期为零"), "{reason}");
}

#[test]
fn peer_relative_counts_consecutive_months_in_the_bottom() {
    // Four peers grow 5–8 % every month; the base grows 1 % in Feb–May 2024 and 6 % in Jan.
    let months = ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"];
    let grow = |rate: &dyn Fn(usize) -> f64| -> MonthlySeries {
        let mut s = MonthlySeries::new();
        for (i, m) in months.iter().enumerate() {
            s.insert(p(m).same_month_last_year().unwrap(), 100.0);
            s.insert(p(m), 100.0 + rate(i));
        }
        s
    };
    let mut facts = facts_with("m_rev", grow(&|i| if i == 0 { 6.0 } else { 1.0 }));
    let peers = (5..9).map(|r| grow(&move |_| r as f64)).collect();
    facts.peers.insert("m_rev".into(), peers);
    let condition = |min_peers| Condition::PeerRelative {
        indicator: "m_rev".into(),
        measure: Measure::Yoy,
        bottom_percent: 20.0,
        min_peers,
        months: Thresholds::above(Some(2.0), Some(3.0), Some(6.0), None),
    };
    // Group of 5, bottom 20 %: only the lowest counts. Feb–Apr is a run of 3 → yellow.
    let (outcome, reason, figures) = check(condition(5), &facts, "2024-04");
    assert_eq!(outcome, Outcome::Warn(Level::Yellow));
    assert_eq!(figures[..3], ["run_months=3", "n_lower=0", "n_group=5"]);
    assert!(reason.contains("同类基地（5 个）后 20.0%"), "{reason}");
    assert_eq!(
        check(condition(5), &facts, "2024-03").0,
        Outcome::Warn(Level::Blue)
    );
    // One month in the bottom is below the lowest threshold: clear, with the run shown.
    let (outcome, _, figures) = check(condition(5), &facts, "2024-02");
    assert_eq!(
        (outcome, figures[0].as_str()),
        (Outcome::Clear, "run_months=1")
    );
    // January: the base (6 %) beats one peer (5 %).
    assert_eq!(check(condition(5), &facts, "2024-01").0, Outcome::Clear);
    // Too few peers for a rank.
    assert_eq!(check(condition(6), &facts, "2024-04").0, Outcome::Unknown);
}

#[test]
fn forecast_breach_is_graded_by_half_widths_outside() {
    let band = |origin: &str| ForecastBand {
        origin: p(origin),
        point: 100.0,
        lower: 90.0,
        upper: 110.0,
        level: 0.95,
    };
    let facts_for = |actual: f64, origin: &str| {
        let mut facts = facts_with("m_rev", series(&[("2024-06", actual)]));
        facts.forecasts.insert(
            "m_rev".into(),
            BTreeMap::from([(p("2024-06"), band(origin))]),
        );
        facts
    };
    let condition = |side| Condition::ForecastBreach {
        indicator: "m_rev".into(),
        side,
        excess: Thresholds::above(Some(0.0), Some(0.5), Some(1.0), Some(2.0)),
    };
    // 85 is 5 below the lower bound, half a half-width (10) → yellow.
    let (outcome, reason, figures) = check(
        condition(Side::Below),
        &facts_for(85.0, "2024-05"),
        "2024-06",
    );
    assert_eq!(outcome, Outcome::Warn(Level::Yellow));
    assert_eq!(figures.last().unwrap(), "excess=0.5");
    assert_eq!(
        reason,
        "m_rev 实际值 85.0低于 95.0% 预测区间 [90.0, 110.0]（预测 100.0）"
    );
    assert_eq!(
        check(
            condition(Side::Below),
            &facts_for(70.0, "2024-05"),
            "2024-06"
        )
        .0,
        Outcome::Warn(Level::Red)
    );
    assert_eq!(
        check(
            condition(Side::Below),
            &facts_for(95.0, "2024-05"),
            "2024-06"
        )
        .0,
        Outcome::Clear
    );
    // Above the band matters only to rules that watch that side.
    assert_eq!(
        check(
            condition(Side::Below),
            &facts_for(130.0, "2024-05"),
            "2024-06"
        )
        .0,
        Outcome::Clear
    );
    assert_eq!(
        check(
            condition(Side::Either),
            &facts_for(130.0, "2024-05"),
            "2024-06"
        )
        .0,
        Outcome::Warn(Level::Red)
    );
    // A forecast made with the actual in hand proves nothing.
    assert_eq!(
        check(
            condition(Side::Below),
            &facts_for(70.0, "2024-06"),
            "2024-06"
        )
        .0,
        Outcome::Unknown
    );
    // A zero-width band: any breach is infinitely far out → the most serious level.
    let mut facts = facts_for(99.0, "2024-05");
    let flat = ForecastBand {
        lower: 100.0,
        upper: 100.0,
        ..band("2024-05")
    };
    facts
        .forecasts
        .get_mut("m_rev")
        .unwrap()
        .insert(p("2024-06"), flat);
    assert_eq!(
        check(condition(Side::Below), &facts, "2024-06").0,
        Outcome::Warn(Level::Red)
    );
    // An unusable band is unknown.
    let broken = ForecastBand {
        lower: f64::NAN,
        ..band("2024-05")
    };
    facts
        .forecasts
        .get_mut("m_rev")
        .unwrap()
        .insert(p("2024-06"), broken);
    assert_eq!(
        check(condition(Side::Below), &facts, "2024-06").0,
        Outcome::Unknown
    );
}

fn overcapacity(price: Option<&str>, utilisation: Option<&str>) -> Condition {
    Condition::Overcapacity {
        inventory: "m_inventory".into(),
        sales: "m_sales_output".into(),
        output: "m_output_gross".into(),
        price: price.map(Into::into),
        utilisation: utilisation.map(Into::into),
        inventory_gap_points: 10.0,
        utilisation_floor: 75.0,
        signals: Thresholds::above(Some(1.0), Some(2.0), Some(3.0), None),
    }
}

#[test]
fn overcapacity_counts_signals() {
    let mut facts = Facts::default();
    let mut put = |code: &str, before: f64, now: f64| {
        facts.series.insert(
            code.into(),
            series(&[("2023-09", before), ("2024-09", now)]),
        );
    };
    put("m_inventory", 100.0, 120.0); // +20 %
    put("m_sales_output", 100.0, 105.0); // +5 %: gap 15 points > 10
    put("m_output_gross", 100.0, 104.0); // +4 %
    put("price_index", 100.0, 97.0); // −3 % with output up
    put("utilisation", 0.0, 70.0); // 70 % < 75 %
    let (outcome, reason, figures) = check(
        overcapacity(Some("price_index"), Some("utilisation")),
        &facts,
        "2024-09",
    );
    assert_eq!(outcome, Outcome::Warn(Level::Orange));
    assert!(
        reason.starts_with("产能过剩信号 3/3 项：产成品存货同比 20.0% 高于销售同比 5.0%"),
        "{reason}"
    );
    assert!(figures.contains(&"signals=3".to_string()));
    // Without the optional series only the inventory signal is computed.
    let (outcome, _, figures) = check(overcapacity(None, None), &facts, "2024-09");
    assert_eq!(outcome, Outcome::Warn(Level::Blue));
    assert!(figures.contains(&"signals_available=1".to_string()));
    // A series that does not exist counts as not available.
    let (outcome, ..) = check(overcapacity(Some("nope"), None), &facts, "2024-09");
    assert_eq!(outcome, Outcome::Warn(Level::Blue));
    assert_eq!(
        check(overcapacity(None, None), &Facts::default(), "2024-09").0,
        Outcome::Unknown
    );
    let (outcome, reason, _) = check(overcapacity(None, None), &facts, "2024-08");
    assert_eq!(
        (outcome, reason.as_str()),
        (Outcome::Unknown, "产能过剩各项信号所需数据均缺失")
    );
}

#[test]
fn loss_share_target_miss_and_late_reports() {
    let loss = Condition::LossShare {
        loss_count: "m_loss_ent".into(),
        firm_count: "m_ent_count".into(),
        thresholds: Thresholds::above(Some(20.0), Some(25.0), Some(30.0), Some(40.0)),
    };
    let mut facts = Facts::default();
    facts.series.insert(
        "m_loss_ent".into(),
        series(&[("2024-05", 6.0), ("2024-06", 30.0)]),
    );
    facts.series.insert(
        "m_ent_count".into(),
        series(&[("2024-05", 20.0), ("2024-06", 20.0)]),
    );
    let (outcome, reason, _) = check(loss.clone(), &facts, "2024-05");
    assert_eq!(outcome, Outcome::Warn(Level::Orange));
    assert_eq!(reason, "亏损面 30.0%，达到或超过橙色阈值 30.0%");
    // More loss-making firms than firms is a data error, not a red warning.
    assert_eq!(check(loss.clone(), &facts, "2024-06").0, Outcome::Unknown);
    assert_eq!(check(loss, &facts, "2024-07").0, Outcome::Unknown);

    // Energy intensity (1–N月) down only 0.9 % against a 3 % target: 2.1 points short → orange.
    let target = |target| Condition::TargetMiss {
        indicator: "energy_intensity".into(),
        target,
        shortfall: Thresholds::above(Some(0.0), Some(1.0), Some(2.0), Some(4.0)),
    };
    let facts = facts_with(
        "energy_intensity",
        series(&[("2023-06", 0.50), ("2024-06", 0.4955)]),
    );
    let (outcome, reason, _) = check(target(Target::Decline { percent: 3.0 }), &facts, "2024-06");
    assert_eq!(outcome, Outcome::Warn(Level::Orange));
    assert_eq!(
        reason,
        "energy_intensity 同比 -0.9%，目标下降 3.0%，差 2.1 个百分点"
    );
    let good = facts_with(
        "energy_intensity",
        series(&[("2023-06", 0.50), ("2024-06", 0.48)]),
    );
    assert_eq!(
        check(target(Target::Decline { percent: 3.0 }), &good, "2024-06").0,
        Outcome::Clear
    );
    // 0.55 against a ceiling of 0.5 is 10 % over → red.
    let over = facts_with("energy_intensity", series(&[("2024-06", 0.55)]));
    let (outcome, _, figures) = check(target(Target::Ceiling { value: 0.5 }), &over, "2024-06");
    assert_eq!(outcome, Outcome::Warn(Level::Red));
    assert!(figures.contains(&"shortfall=10".to_string()));

    let late = Condition::LateReport {
        days_late: Thresholds::above(Some(1.0), Some(5.0), Some(15.0), Some(30.0)),
    };
    let d = |t: &str| t.parse::<NaiveDate>().unwrap();
    let mut facts = Facts::default();
    let due = d("2024-04-15");
    facts.reports.insert(
        p("2024-03"),
        ReportTiming {
            due,
            received: None,
            checked_on: d("2024-04-25"),
        },
    );
    facts.reports.insert(
        p("2024-04"),
        ReportTiming {
            due: d("2024-05-15"),
            received: Some(d("2024-05-14")),
            checked_on: d("2024-05-20"),
        },
    );
    facts.reports.insert(
        p("2024-05"),
        ReportTiming {
            due: d("2024-06-15"),
            received: Some(d("2024-07-20")),
            checked_on: d("2024-07-31"),
        },
    );
    let (outcome, reason, _) = check(late.clone(), &facts, "2024-03");
    assert_eq!(
        (outcome, reason.as_str()),
        (Outcome::Warn(Level::Yellow), "2024-03 月报逾期 10 天未报")
    );
    assert_eq!(check(late.clone(), &facts, "2024-04").0, Outcome::Clear);
    let (outcome, reason, _) = check(late.clone(), &facts, "2024-05");
    assert_eq!(
        (outcome, reason.as_str()),
        (Outcome::Warn(Level::Red), "2024-05 月报迟报 35 天")
    );
    assert_eq!(check(late, &facts, "2024-06").0, Outcome::Unknown);
}

#[test]
fn the_example_rule_files_parse_and_validate() {
    #[derive(serde::Deserialize)]
    struct RuleFile {
        rules: Vec<Rule>,
    }
    let toml_text = include_str!("../data/example_rules.toml");
    let from_toml: RuleFile = toml::from_str(toml_text).unwrap();
    assert_eq!(validate_rules(&from_toml.rules), Ok(()));
    // The example file is the default set, written out for the office to edit.
    assert_eq!(from_toml.rules, default_rules());
    let json = serde_json::to_string(&serde_json::json!({ "rules": default_rules() })).unwrap();
    let from_json: RuleFile = serde_json::from_str(&json).unwrap();
    assert_eq!(from_json.rules, default_rules());
    // An unknown kind or a misspelt field is refused with its name.
    let bad = r#"{"rules":[{"id":"x","name_zh":"x","name_en":"x","condition":{"kind":"vibes"}}]}"#;
    let error = serde_json::from_str::<RuleFile>(bad)
        .err()
        .unwrap()
        .to_string();
    assert!(error.contains("vibes"), "{error}");
}
