//! One test per rule: each is triggered, and a near miss is not.

use std::collections::HashMap;

use jidi_collect::check::{Context, check_values, missing_required};
use jidi_collect::industry::industry_code_finding;
use jidi_collect::parse::{BaseInfo, ParseOutcome, ParsedValue, Scope, ValuePeriod};
use jidi_collect::uscc::credit_code_finding;
use jidi_collect::{CheckCatalogue, Finding, Report, Rule, Severity, parse_long_form};
use jidi_tabular::{Row, Table};

const HEADER: &[&str] = &[
    "base_id",
    "base_name",
    "period",
    "indicator",
    "value",
    "unit",
];

fn bases() -> HashMap<i64, BaseInfo> {
    let base = |name: &str, province: &str| BaseInfo {
        name: name.into(),
        province_code: province.into(),
    };
    HashMap::from([
        (1, base("装备制造(工程机械)·长沙经济技术开发区", "430000")),
        (2, base("原材料(钢铁)·湘潭", "430000")),
        (3, base("电子信息·苏州工业园区", "320000")),
    ])
}

fn table(header: &[&str], rows: &[&[&str]]) -> Table {
    Table {
        file: "values.xlsx".into(),
        header: header.iter().map(|h| h.to_string()).collect(),
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, cells)| Row {
                number: i + 2,
                cells: cells.iter().map(|c| c.to_string()).collect(),
            })
            .collect(),
        spreadsheet: true,
    }
}

fn parse_with(header: &[&str], rows: &[&[&str]], scope: Scope) -> ParseOutcome {
    parse_long_form(
        &table(header, rows),
        CheckCatalogue::standard(),
        &bases(),
        &scope,
    )
}

fn parse(rows: &[&[&str]]) -> ParseOutcome {
    parse_with(HEADER, rows, Scope::All)
}

fn rules(findings: &[Finding]) -> Vec<Rule> {
    findings.iter().map(|f| f.rule).collect()
}

fn year(y: i32) -> ValuePeriod {
    ValuePeriod::Year(y)
}

fn month(text: &str) -> ValuePeriod {
    text.parse().unwrap()
}

fn value(base_id: i64, indicator: &str, period: ValuePeriod, value: f64) -> ParsedValue {
    ParsedValue {
        row: 2,
        base_id,
        period,
        indicator: indicator.into(),
        value,
        reported: (value, None),
    }
}

fn context() -> Context<'static> {
    Context::new(CheckCatalogue::standard())
}

fn only(findings: &[Finding], rule: Rule) -> Vec<&Finding> {
    findings.iter().filter(|f| f.rule == rule).collect()
}

#[test]
fn a_clean_file_parses_into_converted_values() {
    let out = parse(&[
        &["1", "", "2024", "rev_main", "312000", "万元"],
        &["1", "", "2024-03", "m_rev", " 1,234.5 ", ""],
        &[
            "2",
            "原材料(钢铁)·湘潭",
            "2024",
            "rd_intensity",
            "2.5%",
            "％",
        ],
    ]);
    assert_eq!(out.findings, vec![]);
    assert_eq!(out.values.len(), 3);
    assert_eq!(out.values[0].value, 31.2);
    assert_eq!(out.values[0].reported, (312000.0, Some("万元".into())));
    assert_eq!(out.values[1].value, 1234.5);
    assert_eq!(out.values[1].period, month("2024-03"));
    assert_eq!(out.values[2].value, 2.5);
}

#[test]
fn bad_header() {
    let out = parse_with(
        &["base_id", "period", "indicator", "unit"],
        &[&["1", "2024", "rev_main", ""]],
        Scope::All,
    );
    assert_eq!(rules(&out.findings), [Rule::BadHeader]);
    assert_eq!(out.findings[0].row, Some(1));
    assert!(
        out.findings[0].message.contains("value"),
        "{}",
        out.findings[0].message
    );
    assert!(out.values.is_empty());

    let twice = parse_with(
        &["base_id", "period", "indicator", "value", "数值"],
        &[&["1", "2024", "rev_main", "1", "2"]],
        Scope::All,
    );
    assert_eq!(rules(&twice.findings), [Rule::BadHeader]);

    // Near miss: Chinese headers, optional columns absent.
    let zh = parse_with(
        &["基地编号", "报告期", "指标", "数值"],
        &[&["1", "2024", "rev_main", "30"]],
        Scope::All,
    );
    assert_eq!(zh.findings, vec![]);
    assert_eq!(zh.values.len(), 1);
}

#[test]
fn unknown_base() {
    let out = parse(&[
        &["99", "", "2024", "rev_main", "30", ""],
        &["abc", "", "2024", "rev_main", "30", ""],
        &["", "", "2024", "rev_main", "30", ""],
        &["1", "原材料(钢铁)·湘潭", "2024", "rev_main", "30", ""],
    ]);
    assert_eq!(rules(&out.findings), [Rule::UnknownBase; 4]);
    assert_eq!(out.findings[0].column.as_deref(), Some("A (base_id)"));
    let mismatch = &out.findings[3].message;
    assert!(
        mismatch.contains("装备制造(工程机械)·长沙经济技术开发区")
            && mismatch.contains("原材料(钢铁)·湘潭"),
        "{mismatch}"
    );
    assert!(out.values.is_empty());

    // Near miss: the name with full-width brackets and spaces is the same name.
    let ok = parse(&[&[
        "1",
        "装备制造（工程机械） · 长沙经济技术开发区",
        "2024",
        "rev_main",
        "30",
        "",
    ]]);
    assert_eq!(ok.findings, vec![]);
}

#[test]
fn unknown_indicator() {
    let out = parse(&[&["1", "", "2024", "rev_mian", "30", ""]]);
    assert_eq!(rules(&out.findings), [Rule::UnknownIndicator]);
    assert!(out.findings[0].message.contains("rev_mian"));

    // Near misses: code in upper case, exact Chinese name, and a name shared by an annual and
    // a monthly indicator resolved by the period.
    let ok = parse(&[
        &["1", "", "2024", "REV_MAIN", "30", ""],
        &["1", "", "2023", "营业收入（规上工业/示范基地）", "30", ""],
        &["1", "", "2024", "利润总额", "3", ""],
        &["1", "", "2024-03", "利润总额", "1", ""],
    ]);
    assert_eq!(ok.findings, vec![]);
    let codes: Vec<&str> = ok.values.iter().map(|v| v.indicator.as_str()).collect();
    assert_eq!(codes, ["rev_main", "rev_main", "profit_total", "m_profit"]);
}

#[test]
fn bad_period() {
    let out = parse(&[
        &["1", "", "2024-13", "m_rev", "30", ""],
        &["1", "", "2024-03", "rev_main", "30", ""],
        &["1", "", "2024", "m_rev", "30", ""],
    ]);
    assert_eq!(rules(&out.findings), [Rule::BadPeriod; 3]);
    assert!(out.findings[1].message.contains("年度") && out.findings[1].expected == "YYYY");
    assert_eq!(out.findings[2].expected, "YYYY-MM");

    let ok = parse(&[
        &["1", "", "2024年3月", "m_rev", "30", ""],
        &["1", "", "2024", "rev_main", "30", ""],
    ]);
    assert_eq!(ok.findings, vec![]);
}

#[test]
fn bad_number() {
    let out = parse(&[
        &["1", "", "2021", "rev_main", "NaN", ""],
        &["1", "", "2022", "rev_main", "inf", ""],
        &["1", "", "2023", "rev_main", "1,23", ""],
        &["1", "", "2024", "rev_main", "约30", ""],
    ]);
    assert_eq!(rules(&out.findings), [Rule::BadNumber; 4]);
    assert_eq!(out.findings[0].column.as_deref(), Some("E (value)"));
    assert!(out.findings[3].message.contains("约30"));

    // Near miss: separators and spaces are fine; an empty cell is no value, not an error.
    let ok = parse(&[
        &["1", "", "2024", "rev_main", " 1,234.5 ", ""],
        &["1", "", "2023", "rev_main", "", ""],
    ]);
    assert_eq!(ok.findings, vec![]);
    assert_eq!(ok.values.len(), 1);
}

#[test]
fn bad_unit() {
    let out = parse(&[&["1", "", "2024", "rev_main", "30", "吨"]]);
    assert_eq!(rules(&out.findings), [Rule::BadUnit]);
    assert_eq!(out.findings[0].column.as_deref(), Some("F (unit)"));
    assert!(out.findings[0].message.contains("吨") && out.findings[0].message.contains("亿元"));

    let ok = parse(&[&["1", "", "2024", "rev_main", "312000", "万元"]]);
    assert_eq!(ok.findings, vec![]);
    assert_eq!(ok.values[0].value, 31.2);
}

#[test]
fn duplicate() {
    let out = parse(&[
        &["1", "", "2024", "rev_main", "30", ""],
        &["2", "", "2024", "rev_main", "40", ""],
        &["1", "", "2024", "rev_main", "31", ""],
    ]);
    assert_eq!(rules(&out.findings), [Rule::Duplicate; 2]);
    assert_eq!(out.findings[0].row, Some(2));
    assert_eq!(out.findings[1].row, Some(4));
    for f in &out.findings {
        assert!(f.message.contains("2、4"), "{}", f.message);
    }
    assert_eq!(out.values.len(), 1, "neither duplicate is kept");

    let ok = parse(&[
        &["1", "", "2024", "rev_main", "30", ""],
        &["1", "", "2023", "rev_main", "30", ""],
    ]);
    assert_eq!(ok.findings, vec![]);
}

#[test]
fn out_of_scope() {
    let rows: &[&[&str]] = &[
        &["1", "", "2024", "rev_main", "30", ""],
        &["3", "", "2024", "rev_main", "30", ""],
    ];
    let out = parse_with(HEADER, rows, Scope::Province("430000".into()));
    assert_eq!(rules(&out.findings), [Rule::OutOfScope]);
    assert_eq!(out.findings[0].row, Some(3));
    assert_eq!(out.values.len(), 1);

    let own = parse_with(HEADER, rows, Scope::Base(3));
    assert_eq!(rules(&own.findings), [Rule::OutOfScope]);
    assert_eq!(own.findings[0].base_id, Some(1));

    assert_eq!(parse_with(HEADER, rows, Scope::All).findings, vec![]);
}

#[test]
fn out_of_range() {
    let ctx = context();
    let found = check_values(&[value(1, "rd_intensity", year(2024), 120.0)], &ctx);
    assert_eq!(rules(&found), [Rule::OutOfRange]);
    assert!(
        found[0].message.contains("120") && found[0].message.contains("0–100"),
        "{}",
        found[0].message
    );
    assert_eq!(found[0].expected, "0–100");

    assert_eq!(
        check_values(&[value(1, "rd_intensity", year(2024), 100.0)], &ctx),
        vec![]
    );
    assert_eq!(
        rules(&check_values(
            &[value(1, "ent_above_scale", year(2024), -1.0)],
            &ctx
        )),
        [Rule::OutOfRange]
    );
}

fn revenue_history(ctx: &mut Context<'_>, base: i64, level: f64) {
    for (i, y) in (2019..=2023).enumerate() {
        ctx.add_value(base, "rev_main", year(y), level * (1.0 + 0.02 * i as f64));
    }
}

#[test]
fn unit_slip_against_own_history() {
    let mut ctx = context();
    revenue_history(&mut ctx, 1, 30.0);
    let found = check_values(&[value(1, "rev_main", year(2024), 312000.0)], &ctx);
    assert_eq!(
        rules(&found),
        [Rule::UnitSlip],
        "the slip is not also reported as a jump"
    );
    let m = &found[0].message;
    assert!(
        m.starts_with("营业收入（规上工业/示范基地） 312000亿元 比本基地历史中位数")
            && m.contains("高约10000倍")
            && m.contains("应为亿元，可能按万元填报"),
        "{m}"
    );
    assert_eq!(found[0].severity, Severity::Error);

    // 元 instead of 亿元: 10⁸.
    let yuan = check_values(&[value(1, "rev_main", year(2024), 3.1e9)], &ctx);
    assert_eq!(rules(&yuan), [Rule::UnitSlip]);
    assert!(yuan[0].message.contains("100000000倍") && yuan[0].message.contains("按元填报"));

    // 亿元 where 万元 was meant (m_tax is in 万元): 10⁴ too small.
    let mut ctx2 = context();
    for m in 1..=12 {
        ctx2.add_value(
            1,
            "m_tax",
            month(&format!("2023-{m:02}")),
            5000.0 * f64::from(m),
        );
    }
    let low = check_values(&[value(1, "m_tax", month("2024-01"), 0.52)], &ctx2);
    assert_eq!(rules(&low), [Rule::UnitSlip]);
    assert!(
        low[0].message.contains("低约10000倍") && low[0].message.contains("按亿元填报"),
        "{}",
        low[0].message
    );

    // Near miss: 1,000× is no unit slip (it is a blocking jump).
    let near = check_values(&[value(1, "rev_main", year(2024), 31200.0)], &ctx);
    assert_eq!(rules(&near), [Rule::Jump]);
    assert_eq!(near[0].severity, Severity::Error);
}

#[test]
fn a_genuinely_large_base_with_consistent_history_is_not_a_unit_slip() {
    let mut ctx = context();
    revenue_history(&mut ctx, 1, 5000.0);
    for (base, level) in [(2, 0.4), (3, 0.5), (4, 0.6)] {
        revenue_history(&mut ctx, base, level);
        ctx.add_value(base, "rev_main", year(2024), level * 1.1);
        ctx.set_peer_group(base, "equipment");
    }
    ctx.set_peer_group(1, "equipment");
    // 10⁴ × its peers, but in line with its own history.
    assert_eq!(
        check_values(&[value(1, "rev_main", year(2024), 5100.0)], &ctx),
        vec![]
    );
}

#[test]
fn unit_slip_against_peers_without_history() {
    let mut ctx = context();
    for (base, level) in [(2, 2.5), (3, 3.0), (4, 4.0)] {
        ctx.add_value(base, "rev_main", year(2024), level);
        ctx.set_peer_group(base, "equipment");
    }
    ctx.set_peer_group(1, "equipment");
    let found = check_values(&[value(1, "rev_main", year(2024), 30000.0)], &ctx);
    assert_eq!(rules(&found), [Rule::UnitSlip]);
    assert!(
        found[0].message.contains("同类基地中位数 3亿元") && found[0].message.contains("2.5–4"),
        "{}",
        found[0].message
    );

    // Near miss: with a peer of that size, the value is within the peers' range.
    ctx.add_value(5, "rev_main", year(2024), 35000.0);
    ctx.set_peer_group(5, "equipment");
    assert_eq!(
        check_values(&[value(1, "rev_main", year(2024), 30000.0)], &ctx),
        vec![]
    );

    // Near miss: two peers are too few to be a reference.
    let mut few = context();
    for (base, level) in [(2, 2.5), (3, 3.0)] {
        few.add_value(base, "rev_main", year(2024), level);
        few.set_peer_group(base, "equipment");
    }
    few.set_peer_group(1, "equipment");
    assert_eq!(
        check_values(&[value(1, "rev_main", year(2024), 30000.0)], &few),
        vec![]
    );
}

#[test]
fn jump_year_on_year_annual() {
    let mut ctx = context();
    ctx.add_value(1, "rev_main", year(2023), 100.0);
    let warn = check_values(&[value(1, "rev_main", year(2024), 160.0)], &ctx);
    assert_eq!(rules(&warn), [Rule::Jump]);
    assert_eq!(warn[0].severity, Severity::Warning);
    assert!(
        warn[0].message.contains("160")
            && warn[0].message.contains("上年同期 100")
            && warn[0].message.contains("±50%"),
        "{}",
        warn[0].message
    );

    let block = check_values(&[value(1, "rev_main", year(2024), 600.0)], &ctx);
    assert_eq!(rules(&block), [Rule::Jump]);
    assert_eq!(block[0].severity, Severity::Error);
    assert_eq!(block[0].expected, "±400%");

    let fall = check_values(&[value(1, "rev_main", year(2024), 40.0)], &ctx);
    assert_eq!(fall[0].severity, Severity::Warning);
    assert!(fall[0].message.contains("下降60%"), "{}", fall[0].message);

    assert_eq!(
        check_values(&[value(1, "rev_main", year(2024), 140.0)], &ctx),
        vec![]
    );
}

#[test]
fn jump_compares_single_months_of_cumulative_figures() {
    let mut ctx = context();
    ctx.add_value(1, "m_rev", month("2023-02"), 20.0);
    ctx.add_value(1, "m_rev", month("2023-03"), 30.0); // March 2023 alone: 10
    // 1–3月 grows by 45% (40 vs... ) but March alone grows 80% (18 vs 10).
    let values = [
        value(1, "m_rev", month("2024-02"), 22.0),
        value(1, "m_rev", month("2024-03"), 40.0),
    ];
    let found = check_values(&values, &ctx);
    let jumps = only(&found, Rule::Jump);
    assert_eq!(jumps.len(), 1, "{found:?}");
    assert_eq!(jumps[0].period.as_deref(), Some("2024-03"));
    assert!(
        jumps[0].message.contains("当月值18") && jumps[0].message.contains("上年同期 10"),
        "{}",
        jumps[0].message
    );

    // Near miss: March alone grows 40%.
    let calm = [
        value(1, "m_rev", month("2024-02"), 22.0),
        value(1, "m_rev", month("2024-03"), 36.0),
    ];
    assert_eq!(check_values(&calm, &ctx), vec![]);

    // Without 1–2月 of last year, 1–3月 is compared with 1–3月: 40 vs 30 is +33%, no jump;
    // 50 vs 30 is +67%, a warning naming the cumulative figures.
    let mut partial = context();
    partial.add_value(1, "m_rev", month("2023-03"), 30.0);
    assert_eq!(
        check_values(&[value(1, "m_rev", month("2024-03"), 40.0)], &partial),
        vec![]
    );
    let cum = check_values(&[value(1, "m_rev", month("2024-03"), 50.0)], &partial);
    assert_eq!(rules(&cum), [Rule::Jump]);
    assert!(cum[0].message.contains("1–3月累计"), "{}", cum[0].message);
}

#[test]
fn jump_month_on_month_for_stocks() {
    let mut ctx = context();
    ctx.add_value(1, "m_inventory", month("2024-02"), 10.0);
    let found = check_values(&[value(1, "m_inventory", month("2024-03"), 16.0)], &ctx);
    assert_eq!(rules(&found), [Rule::Jump]);
    assert!(found[0].message.contains("上期 10"), "{}", found[0].message);
    assert_eq!(
        check_values(&[value(1, "m_inventory", month("2024-03"), 14.0)], &ctx),
        vec![]
    );
}

#[test]
fn cumulative_decrease() {
    let ctx = context();
    let values = [
        value(1, "m_rev", month("2024-02"), 50.0),
        value(1, "m_rev", month("2024-03"), 45.0),
    ];
    let found = check_values(&values, &ctx);
    let decreases = only(&found, Rule::CumulativeDecrease);
    assert_eq!(decreases.len(), 1);
    assert_eq!(decreases[0].expected, "≥ 50");
    assert!(
        decreases[0]
            .message
            .contains("1–3月累计 45亿元 低于1–2月累计 50亿元"),
        "{}",
        decreases[0].message
    );

    // From the context when the earlier month is not in the file.
    let mut stored = context();
    stored.add_value(1, "m_rev", month("2024-02"), 50.0);
    assert_eq!(
        rules(&check_values(
            &[value(1, "m_rev", month("2024-03"), 45.0)],
            &stored
        )),
        [Rule::CumulativeDecrease]
    );

    // Near misses: equal is fine; January starts a new year; profit may fall (losses).
    let flat = [
        value(1, "m_rev", month("2024-02"), 50.0),
        value(1, "m_rev", month("2024-03"), 50.0),
    ];
    assert!(only(&check_values(&flat, &ctx), Rule::CumulativeDecrease).is_empty());
    let new_year = [
        value(1, "m_rev", month("2023-12"), 500.0),
        value(1, "m_rev", month("2024-01"), 40.0),
    ];
    assert!(only(&check_values(&new_year, &ctx), Rule::CumulativeDecrease).is_empty());
    let profit = [
        value(1, "m_profit", month("2024-02"), 5.0),
        value(1, "m_profit", month("2024-03"), 4.0),
    ];
    assert!(only(&check_values(&profit, &ctx), Rule::CumulativeDecrease).is_empty());
}

#[test]
fn part_exceeds_total() {
    let ctx = context();
    let p = month("2024-03");
    let values = [
        value(1, "m_output_gross", p, 100.0),
        value(1, "m_sales_output", p, 98.0),
        value(1, "m_export_delivery", p, 120.0),
    ];
    let found = check_values(&values, &ctx);
    assert_eq!(rules(&found), [Rule::PartExceedsTotal]);
    assert!(
        found[0]
            .message
            .contains("出口交货值 2024-03 120亿元 超过规上工业销售产值 98亿元"),
        "{}",
        found[0].message
    );

    // A newly submitted total below a stored part is reported on the total.
    let mut stored = context();
    stored.add_value(1, "profit_total", year(2024), 12.0);
    let total = check_values(&[value(1, "rev_main", year(2024), 10.0)], &stored);
    assert_eq!(rules(&total), [Rule::PartExceedsTotal]);

    // Counts in 家 against counts in 个 are compared after conversion.
    let firms = [
        value(1, "ent_above_scale", year(2024), 10.0),
        value(1, "ent_large", year(2024), 11.0),
    ];
    assert_eq!(rules(&check_values(&firms, &ctx)), [Rule::PartExceedsTotal]);

    // Near miss: equal within tolerance, and another base's total does not count.
    let equal = [
        value(1, "m_sales_output", p, 98.0),
        value(1, "m_export_delivery", p, 98.0 * (1.0 + 1e-12)),
    ];
    assert_eq!(check_values(&equal, &ctx), vec![]);
    let other_base = [
        value(2, "m_sales_output", p, 98.0),
        value(1, "m_export_delivery", p, 120.0),
    ];
    assert_eq!(check_values(&other_base, &ctx), vec![]);
}

#[test]
fn missing_required_indicators() {
    let mut ctx = context();
    ctx.add_value(1, "output_gross", year(2024), 100.0);
    let values = [
        value(1, "rev_main", year(2024), 90.0),
        value(2, "rev_main", year(2024), 50.0),
    ];
    let required = vec!["rev_main".to_string(), "output_gross".to_string()];
    let found = missing_required(&[1, 2], year(2024), &required, &values, &ctx);
    assert_eq!(rules(&found), [Rule::MissingRequired]);
    assert_eq!(found[0].base_id, Some(2));
    assert!(
        found[0].message.contains("规模以上工业总产值")
            && found[0].message.contains("output_gross")
    );

    // Near miss: everything present.
    ctx.add_value(2, "output_gross", year(2024), 60.0);
    assert_eq!(
        missing_required(&[1, 2], year(2024), &required, &values, &ctx),
        vec![]
    );

    // A task naming an unknown indicator is reported, not ignored.
    let odd = missing_required(&[1], year(2024), &["nope".into()], &values, &ctx);
    assert_eq!(rules(&odd), [Rule::UnknownIndicator]);
}

#[test]
fn bad_credit_code_and_bad_industry_code() {
    let credit = credit_code_finding("91350100M000100Y4A").unwrap();
    assert_eq!(
        (credit.rule, credit.severity),
        (Rule::BadCreditCode, Severity::Warning)
    );
    assert!(credit_code_finding("91350100M000100Y43").is_none());

    let industry = industry_code_finding("3699").unwrap();
    assert_eq!(
        (industry.rule, industry.severity),
        (Rule::BadIndustryCode, Severity::Error)
    );
    assert!(industry_code_finding("3611").is_none());
}

#[test]
fn check_values_reports_values_it_cannot_check() {
    let ctx = context();
    let values = [
        value(1, "nope", year(2024), 1.0),
        value(1, "m_rev", year(2024), 1.0),
        value(1, "rev_main", year(2024), f64::NAN),
        value(1, "rev_main", year(2023), 1.0),
        value(1, "rev_main", year(2023), 1.0),
    ];
    assert_eq!(
        rules(&check_values(&values, &ctx)),
        [
            Rule::UnknownIndicator,
            Rule::BadPeriod,
            Rule::BadNumber,
            Rule::Duplicate
        ]
    );
}

#[test]
fn a_report_of_parse_and_check_findings_writes_csv_rows() {
    let out = parse(&[
        &["1", "", "2024", "rd_intensity", "120", ""],
        &["1", "", "2024", "rev_main", "x", ""],
    ]);
    let mut report = Report::new(out.findings);
    report.extend(check_values(&out.values, &context()));
    report.sort();
    let rows = report.to_csv_rows();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][0], "2");
    assert_eq!(rows[0][3], "out_of_range");
    assert_eq!(
        rows[1][..4],
        [
            "3".to_string(),
            "E (value)".into(),
            "error".into(),
            "bad_number".into()
        ]
    );
    let json = serde_json::to_string(&report).unwrap();
    assert!(json.contains("\"rule\":\"bad_number\""));
}
