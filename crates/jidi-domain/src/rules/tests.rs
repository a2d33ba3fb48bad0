use super::*;

fn base(id: i64, tier: Tier, since: i32) -> RuleBase {
    RuleBase {
        id,
        province_code: "420000".into(),
        tier,
        series: Some(Series::Advantage),
        tier_since: NaiveDate::from_ymd_opt(since, 6, 30),
        current: true,
    }
}

fn hist(pairs: &[(i32, u8, bool)]) -> Vec<YearResult> {
    pairs
        .iter()
        .map(|&(year, stars, vetoed)| YearResult {
            year,
            stars,
            vetoed,
        })
        .collect()
}

fn run(
    bases: Vec<RuleBase>,
    history: HashMap<i64, Vec<YearResult>>,
    values: HashMap<(i64, String), f64>,
    rect: HashMap<i64, NaiveDate>,
) -> Vec<(i64, ProposalKind, String)> {
    let input = RuleInput {
        year: 2025,
        bases: &bases,
        history: &history,
        values: &values,
        rectifications: &rect,
        scores: &HashMap::new(),
        warnings: &HashMap::new(),
    };
    RuleSet::standard()
        .apply(&input)
        .into_iter()
        .map(|p| (p.base_id, p.kind, p.rule))
        .collect()
}

#[test]
fn the_standard_table_is_valid_and_round_trips() {
    let r = RuleSet::standard();
    assert!(r.validate().is_empty());
    let text = toml::to_string(&r).unwrap();
    assert_eq!(toml::from_str::<RuleSet>(&text).unwrap(), r);
}

/// Each rule, case by case: `(history, expected proposals)`.
#[test]
fn each_rule_case_by_case() {
    use ProposalKind::*;
    type Case<'a> = (&'a str, Vec<(i32, u8, bool)>, Vec<(ProposalKind, &'a str)>);
    let cases: Vec<Case<'_>> = vec![
        (
            "one low year warns",
            vec![(2025, 1, false), (2024, 3, false)],
            vec![(Warning, "W1")],
        ),
        (
            "two low years rectify (no separate warning)",
            vec![(2025, 1, false), (2024, 1, false)],
            vec![(Rectification, "R1")],
        ),
        (
            "a gap breaks consecutiveness",
            vec![(2025, 1, false), (2023, 1, false)],
            vec![(Warning, "W1")],
        ),
        (
            "a veto proposes exit and nothing else",
            vec![(2025, 1, true), (2024, 1, false)],
            vec![(Exit, "E2")],
        ),
        (
            "three five-star years promote",
            vec![(2025, 5, false), (2024, 5, false), (2023, 5, false)],
            vec![(Promotion, "P1")],
        ),
        (
            "two five-star years do not",
            vec![(2025, 5, false), (2024, 5, false), (2023, 4, false)],
            vec![],
        ),
        (
            "a middling year proposes nothing",
            vec![(2025, 3, false)],
            vec![],
        ),
        (
            "no result this year proposes nothing",
            vec![(2024, 1, false)],
            vec![],
        ),
    ];
    for (name, h, expected) in cases {
        let got = run(
            vec![base(1, Tier::National, 2012)],
            [(1, hist(&h))].into_iter().collect(),
            HashMap::new(),
            HashMap::new(),
        );
        let got: Vec<(ProposalKind, &str)> = got.iter().map(|(_, k, r)| (*k, r.as_str())).collect();
        assert_eq!(got, expected, "{name}");
    }
}

#[test]
fn failed_rectification_proposes_exit() {
    let deadline = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    let got = run(
        vec![base(1, Tier::National, 2012)],
        [(1, hist(&[(2025, 1, false), (2024, 2, false)]))]
            .into_iter()
            .collect(),
        HashMap::new(),
        [(1, deadline)].into_iter().collect(),
    );
    assert_eq!(got, vec![(1, ProposalKind::Exit, "E1".to_string())]);
    // Before the deadline it is only a warning.
    let later = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    let got = run(
        vec![base(1, Tier::National, 2012)],
        [(1, hist(&[(2025, 1, false), (2024, 2, false)]))]
            .into_iter()
            .collect(),
        HashMap::new(),
        [(1, later)].into_iter().collect(),
    );
    assert_eq!(got, vec![(1, ProposalKind::Warning, "W1".to_string())]);
}

#[test]
fn application_conditions_promote_provincial_bases() {
    let v = |rev: f64, share: f64, rd: f64| -> HashMap<(i64, String), f64> {
        [
            ((2, "rev_main".to_string()), rev),
            ((2, "lead_ind_share".to_string()), share),
            ((2, "rd_intensity".to_string()), rd),
        ]
        .into_iter()
        .collect()
    };
    let p = || vec![base(2, Tier::Provincial, 2020)];
    assert_eq!(
        run(p(), HashMap::new(), v(320.0, 55.0, 2.5), HashMap::new()).len(),
        1,
        "advantage series"
    );
    assert_eq!(
        run(p(), HashMap::new(), v(120.0, 75.0, 1.0), HashMap::new()).len(),
        1,
        "specialty series"
    );
    assert_eq!(
        run(p(), HashMap::new(), v(320.0, 55.0, 1.5), HashMap::new()).len(),
        0,
        "R&D below 2%"
    );
    assert_eq!(
        run(
            vec![base(2, Tier::Provincial, 2024)],
            HashMap::new(),
            v(320.0, 75.0, 2.5),
            HashMap::new()
        )
        .len(),
        0,
        "less than two years"
    );
    let mut west = base(2, Tier::Provincial, 2020);
    west.province_code = "510000".into();
    assert_eq!(
        run(
            vec![west],
            HashMap::new(),
            v(160.0, 55.0, 2.5),
            HashMap::new()
        )
        .len(),
        1,
        "special areas at 150亿"
    );
}

#[test]
fn cultivating_clusters_promote_on_thresholds() {
    let values: HashMap<(i64, String), f64> = [
        ((3, "rev_main".to_string()), 130.0),
        ((3, "lead_ind_share".to_string()), 60.0),
    ]
    .into_iter()
    .collect();
    let got = run(
        vec![base(3, Tier::Cultivating, 2021)],
        HashMap::new(),
        values,
        HashMap::new(),
    );
    assert_eq!(got, vec![(3, ProposalKind::Promotion, "P3".to_string())]);
}

/// 60 provincial bases in three provinces all meet the application conditions: the quota keeps
/// the best-scored 40 nationally, at most 3 per province, and says so in each reason.
#[test]
fn a_promotion_quota_keeps_the_best_scored_within_the_national_and_provincial_caps() {
    let provinces = ["420000", "320000", "510000"];
    let mut bases = Vec::new();
    let mut values = HashMap::new();
    let mut scores = HashMap::new();
    for id in 1..=60_i64 {
        let mut b = base(id, Tier::Provincial, 2020);
        b.province_code = provinces[(id % 3) as usize].into();
        bases.push(b);
        values.insert((id, "rev_main".to_string()), 400.0);
        values.insert((id, "lead_ind_share".to_string()), 60.0);
        values.insert((id, "rd_intensity".to_string()), 3.0);
        // Scores rise with the id, except base 7 which has none.
        if id != 7 {
            scores.insert(id, id as f64);
        }
    }
    let (history, rect) = (HashMap::new(), HashMap::new());
    let input = RuleInput {
        year: 2025,
        bases: &bases,
        history: &history,
        values: &values,
        rectifications: &rect,
        scores: &scores,
        warnings: &HashMap::new(),
    };
    let kept: Vec<ProposalDraft> = RuleSet::standard()
        .apply(&input)
        .into_iter()
        .filter(|p| p.rule == "P2")
        .collect();
    // Three provinces × 3 places = 9 < 40: the provincial cap binds.
    let mut ids: Vec<i64> = kept.iter().map(|p| p.base_id).collect();
    ids.sort_unstable();
    assert_eq!(ids, vec![52, 53, 54, 55, 56, 57, 58, 59, 60]);
    let top = kept.iter().find(|p| p.base_id == 60).unwrap();
    assert!(
        top.reasons
            .last()
            .unwrap()
            .zh()
            .contains("在60个符合条件的基地中排第1名"),
        "{:?}",
        top.reasons
    );

    // Without a provincial cap, the national one binds, and the unscored base comes last.
    let mut rules = RuleSet::standard();
    for r in &mut rules.rules {
        if let Some(q) = &mut r.quota {
            q.per_year = 5;
            q.per_province = None;
        }
    }
    let mut ids: Vec<i64> = rules
        .apply(&input)
        .into_iter()
        .filter(|p| p.rule == "P2")
        .map(|p| p.base_id)
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, vec![56, 57, 58, 59, 60]);
    for r in &mut rules.rules {
        if let Some(q) = &mut r.quota {
            q.per_year = 60;
        }
    }
    let all = rules.apply(&input);
    let last = all.iter().filter(|p| p.rule == "P2").count();
    assert_eq!(last, 60);
    let unscored = all
        .iter()
        .find(|p| p.base_id == 7 && p.rule == "P2")
        .unwrap();
    assert!(
        unscored
            .reasons
            .last()
            .unwrap()
            .zh()
            .starts_with("无评价得分")
    );
}

#[test]
fn a_quota_without_places_is_invalid() {
    let mut rules = RuleSet::standard();
    for r in &mut rules.rules {
        if let Some(q) = &mut r.quota {
            q.per_year = 0;
        }
    }
    assert!(rules.validate().iter().any(|p| p.contains(".quota")));
}

#[test]
fn tier_change_notes_read_back() {
    let note = tier_change_note(ProposalKind::Exit, 12, " 连续两年一星 ");
    assert_eq!(
        tier_change_note_parts(&note, 12),
        Some((ProposalKind::Exit, "连续两年一星"))
    );
    assert_eq!(tier_change_note_parts(&note, 13), None);
    assert_eq!(tier_change_note_parts("省级示范基地认定", 12), None);
}

/// A rule counting open monitoring warnings: a national base with a red warning for 3 months of
/// the year (and orange for 2 more) gets a 预警 proposal naming the warning; 2 red months or an
/// orange-only warning do not reach it; counting orange and above, 5 months do.
#[test]
fn open_monitoring_warnings_make_a_warning_proposal_naming_the_warning() {
    let w = |id: i64, base_months: [u32; 4]| YearWarning {
        id,
        rule_id: "rev_below_forecast".into(),
        name_zh: "营业收入低于预测区间".into(),
        name_en: "Revenue below its forecast interval".into(),
        opened: 202503,
        months: base_months,
    };
    let bases = vec![
        base(1, Tier::National, 2015),
        base(2, Tier::National, 2015),
        base(3, Tier::National, 2015),
        base(4, Tier::Provincial, 2015),
    ];
    let warnings = HashMap::from([
        (1, vec![w(11, [1, 0, 2, 3])]),
        // Two red warnings of two months each: not one warning open three months.
        (2, vec![w(21, [0, 0, 0, 2]), w(22, [0, 0, 0, 2])]),
        (3, vec![w(31, [0, 1, 6, 0])]),
        // Not a tier the rule examines.
        (4, vec![w(41, [0, 0, 0, 12])]),
    ]);
    let rule = |code: &str, min_level, months| Rule {
        code: code.into(),
        kind: ProposalKind::Warning,
        tiers: vec![Tier::National, Tier::Excellence],
        condition: Condition::OpenWarnings { min_level, months },
        to_tier: None,
        deadline_months: None,
        description: "红色监测预警持续三个月以上，予以预警".into(),
        quota: None,
    };
    let (history, values, rect, scores) = (
        HashMap::new(),
        HashMap::new(),
        HashMap::new(),
        HashMap::new(),
    );
    let input = RuleInput {
        year: 2025,
        bases: &bases,
        history: &history,
        values: &values,
        rectifications: &rect,
        scores: &scores,
        warnings: &warnings,
    };
    let set = RuleSet {
        rules: vec![rule("W9", WarningLevel::Red, 3)],
    };
    assert_eq!(set.validate(), Vec::<String>::new());
    let drafts = set.apply(&input);
    assert_eq!(drafts.len(), 1, "{drafts:?}");
    let d = &drafts[0];
    assert_eq!(
        (d.base_id, d.kind, d.rule.as_str()),
        (1, ProposalKind::Warning, "W9")
    );
    assert_eq!(
        d.reasons[1],
        Reason::MonitorWarning {
            warning_id: 11,
            rule: "rev_below_forecast".into(),
            name_zh: "营业收入低于预测区间".into(),
            name_en: "Revenue below its forecast interval".into(),
            opened: 202503,
            year: 2025,
            level: WarningLevel::Red,
            months: 3,
        }
    );
    assert_eq!(
        d.reasons[1].zh(),
        "监测预警“营业收入低于预测区间”（第11号，2025年3月开启）2025年处于红色及以上3个月"
    );
    assert_eq!(
        d.reasons[1].en(),
        "monitoring warning \"Revenue below its forecast interval\" (no. 11, opened 2025-03) at red or above for 3 months of 2025"
    );
    assert_eq!(
        set.rules[0].summary_en(),
        "a monitoring warning at red or above for at least 3 months of the year; proposes warning"
    );
    // Orange and above for five months: bases 1 (2 + 3) and 3 (6).
    let set = RuleSet {
        rules: vec![rule("W9", WarningLevel::Orange, 5)],
    };
    let got: Vec<(i64, u32)> = set
        .apply(&input)
        .iter()
        .map(|d| match &d.reasons[1] {
            Reason::MonitorWarning { months, .. } => (d.base_id, *months),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(got, [(1, 5), (3, 6)]);
    // A rule of 0 or 13 months is refused.
    let set = RuleSet {
        rules: vec![rule("W9", WarningLevel::Red, 13)],
    };
    assert_eq!(
        set.validate(),
        ["rules[0].condition.months: 1–12 months of the year, got 13"]
    );
}
