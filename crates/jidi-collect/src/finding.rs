//! Rules, severities, findings and reports: the vocabulary every check of this crate speaks.
//!
//! A rule's [`Rule::name`] is part of the published API: stored findings, CSV reports, the web
//! form and user documentation all cite it, so a name never changes once released. New rules may
//! be added (the enum is `#[non_exhaustive]`).

use std::fmt;

use serde::{Deserialize, Serialize};

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Blocks the submission until the value is corrected.
    Error,
    /// Lets the submission through once the submitter writes an explanation (情况说明).
    Warning,
}

impl Severity {
    /// `error` or `warning`, as written in CSV reports.
    pub fn code(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }

    /// `错误` or `警告`, for Chinese user interfaces.
    pub fn name_zh(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        }
    }
}

impl Severity {
    /// `Error` or `Warning`, for English user interfaces.
    pub fn name_en(self) -> &'static str {
        match self {
            Severity::Error => "Error",
            Severity::Warning => "Warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A validation rule, by its stable name. See the crate documentation for what triggers each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Rule {
    /// The table's header lacks a required column or names one twice.
    BadHeader,
    /// The base id is empty, not a number, not on the roll, or its name disagrees with the roll.
    UnknownBase,
    /// The indicator is not in the check catalogue.
    UnknownIndicator,
    /// The period is not `YYYY` / `YYYY-MM`, or does not match the indicator's frequency.
    BadPeriod,
    /// The value is not a finite number.
    BadNumber,
    /// The unit is not one the indicator accepts.
    BadUnit,
    /// The same base, period and indicator appear more than once in one file.
    Duplicate,
    /// The base lies outside what the submitter may report for.
    OutOfScope,
    /// The value lies outside the indicator's hard bounds.
    OutOfRange,
    /// The value is about 10⁴ or 10⁸ times what history or peers make plausible.
    UnitSlip,
    /// The year-on-year or month-on-month change exceeds the indicator's bounds.
    Jump,
    /// A 1–N月 cumulative figure is below the 1–(N−1)月 figure.
    CumulativeDecrease,
    /// A part (e.g. 出口交货值) exceeds its total (e.g. 工业销售产值).
    PartExceedsTotal,
    /// A required indicator has no value for the period.
    MissingRequired,
    /// A unified social credit code (统一社会信用代码) fails the GB 32100-2015 check.
    BadCreditCode,
    /// An industry code is not in GB/T 4754-2017.
    BadIndustryCode,
}

impl Rule {
    /// Every rule, in the order of the documentation table.
    pub const ALL: [Rule; 16] = [
        Rule::BadHeader,
        Rule::UnknownBase,
        Rule::UnknownIndicator,
        Rule::BadPeriod,
        Rule::BadNumber,
        Rule::BadUnit,
        Rule::Duplicate,
        Rule::OutOfScope,
        Rule::OutOfRange,
        Rule::UnitSlip,
        Rule::Jump,
        Rule::CumulativeDecrease,
        Rule::PartExceedsTotal,
        Rule::MissingRequired,
        Rule::BadCreditCode,
        Rule::BadIndustryCode,
    ];

    /// The stable name, e.g. `unit_slip`.
    pub fn name(&self) -> &'static str {
        match self {
            Rule::BadHeader => "bad_header",
            Rule::UnknownBase => "unknown_base",
            Rule::UnknownIndicator => "unknown_indicator",
            Rule::BadPeriod => "bad_period",
            Rule::BadNumber => "bad_number",
            Rule::BadUnit => "bad_unit",
            Rule::Duplicate => "duplicate",
            Rule::OutOfScope => "out_of_scope",
            Rule::OutOfRange => "out_of_range",
            Rule::UnitSlip => "unit_slip",
            Rule::Jump => "jump",
            Rule::CumulativeDecrease => "cumulative_decrease",
            Rule::PartExceedsTotal => "part_exceeds_total",
            Rule::MissingRequired => "missing_required",
            Rule::BadCreditCode => "bad_credit_code",
            Rule::BadIndustryCode => "bad_industry_code",
        }
    }

    /// What the rule found, in English, for pages in English: a finding's message is Chinese
    /// text with its figures, and the figures stand beside it on the page (value, change,
    /// expectation), so the rule's description is what an English reader needs.
    pub fn description_en(&self) -> &'static str {
        match self {
            Rule::BadHeader => "the header lacks a required column or names one twice",
            Rule::UnknownBase => "the base is not on the roll, or its name disagrees with the roll",
            Rule::UnknownIndicator => "the indicator is not in the catalogue",
            Rule::BadPeriod => {
                "the period is not YYYY or YYYY-MM, or does not match the indicator's frequency"
            }
            Rule::BadNumber => "the value is not a number",
            Rule::BadUnit => "the unit is not one the indicator accepts",
            Rule::Duplicate => "the same base, period and indicator appear more than once",
            Rule::OutOfScope => "the base lies outside what you may report for",
            Rule::OutOfRange => "the value lies outside the indicator's bounds",
            Rule::UnitSlip => {
                "the value is about 10,000 or 100,000,000 times what history or peers make plausible (a unit slip?)"
            }
            Rule::Jump => "the change on the previous year or month exceeds the indicator's bounds",
            Rule::CumulativeDecrease => {
                "a year-to-date figure is below the previous month's year-to-date figure"
            }
            Rule::PartExceedsTotal => "a part exceeds its total",
            Rule::MissingRequired => "a required indicator has no value for the period",
            Rule::BadCreditCode => "the unified social credit code fails the GB 32100-2015 check",
            Rule::BadIndustryCode => "the industry code is not in GB/T 4754-2017",
        }
    }

    /// The rule with [`Rule::name`] `name`.
    pub fn parse(name: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.name() == name)
    }

    /// The severity a finding of this rule has unless the check says otherwise.
    ///
    /// Everything blocks except `jump` (a warning; the check raises it to an error beyond the
    /// indicator's blocking bound) and `bad_credit_code` (a warning, because some real codes
    /// issued early in pilot regions fail the check character).
    pub fn default_severity(&self) -> Severity {
        match self {
            Rule::Jump | Rule::BadCreditCode => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One problem found in submitted data, located as precisely as the input allows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The file (or sheet) the value came from; `None` for form input.
    pub sheet: Option<String>,
    /// The row, 1-based with the header as row 1 (what Excel shows); `None` when not from a table.
    pub row: Option<usize>,
    /// The column as shown to users (`C (indicator)` for spreadsheets).
    pub column: Option<String>,
    /// Which rule.
    pub rule: Rule,
    /// How much it matters.
    pub severity: Severity,
    /// The base concerned, when known.
    pub base_id: Option<i64>,
    /// The indicator code concerned, when known.
    pub indicator: Option<String>,
    /// The period concerned (`YYYY` or `YYYY-MM`), when known.
    pub period: Option<String>,
    /// The offending value as written, or as converted to the catalogue unit for value checks.
    pub value: Option<String>,
    /// What was expected, short and machine-friendly (e.g. `0–100`, `≤ 12.5`, `YYYY-MM`).
    pub expected: String,
    /// The message for users, in Chinese, naming the value and the expectation.
    pub message: String,
}

impl Finding {
    /// A finding of `rule` at its default severity, located nowhere yet.
    pub fn new(rule: Rule, expected: impl Into<String>, message: impl Into<String>) -> Finding {
        Finding {
            sheet: None,
            row: None,
            column: None,
            rule,
            severity: rule.default_severity(),
            base_id: None,
            indicator: None,
            period: None,
            value: None,
            expected: expected.into(),
            message: message.into(),
        }
    }

    /// With a different severity.
    pub fn with_severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }

    /// Located at `row` (0 means "not from a table" and leaves the row unset).
    pub fn at_row(mut self, row: usize) -> Finding {
        self.row = (row > 0).then_some(row);
        self
    }

    /// Located in `column`.
    pub fn in_column(mut self, column: impl Into<String>) -> Finding {
        self.column = Some(column.into());
        self
    }

    /// From `sheet`.
    pub fn in_sheet(mut self, sheet: impl Into<String>) -> Finding {
        self.sheet = Some(sheet.into());
        self
    }

    /// About `base_id`.
    pub fn for_base(mut self, base_id: i64) -> Finding {
        self.base_id = Some(base_id);
        self
    }

    /// About `indicator`.
    pub fn for_indicator(mut self, indicator: impl Into<String>) -> Finding {
        self.indicator = Some(indicator.into());
        self
    }

    /// About `period`.
    pub fn for_period(mut self, period: impl ToString) -> Finding {
        self.period = Some(period.to_string());
        self
    }

    /// Naming `value`.
    pub fn with_value(mut self, value: impl Into<String>) -> Finding {
        self.value = Some(value.into());
        self
    }

    /// Whether this finding blocks.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// All findings about one submission.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The findings, in the order the checks produced them.
    pub findings: Vec<Finding>,
}

impl Report {
    /// The header of [`Report::to_csv_rows`].
    pub const CSV_HEADER: [&'static str; 5] = ["row", "column", "severity", "rule", "message"];

    /// A report of `findings`.
    pub fn new(findings: Vec<Finding>) -> Report {
        Report { findings }
    }

    /// Adds findings.
    pub fn extend(&mut self, findings: impl IntoIterator<Item = Finding>) {
        self.findings.extend(findings);
    }

    /// The blocking findings.
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
    }

    /// The findings that need a written explanation.
    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
    }

    /// Whether anything blocks the submission.
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    /// Sorts by row (findings without a row last), then column, keeping the order of checks
    /// within a cell, so that a report reads top to bottom like the file.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| match (a.row, b.row) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
    }

    /// One row per finding for the header [`Report::CSV_HEADER`]
    /// (`row,column,severity,rule,message`); an unknown row or column is an empty cell.
    pub fn to_csv_rows(&self) -> Vec<[String; 5]> {
        self.findings
            .iter()
            .map(|f| {
                [
                    f.row.map(|r| r.to_string()).unwrap_or_default(),
                    f.column.clone().unwrap_or_default(),
                    f.severity.code().to_string(),
                    f.rule.name().to_string(),
                    f.message.clone(),
                ]
            })
            .collect()
    }
}

impl From<Vec<Finding>> for Report {
    fn from(findings: Vec<Finding>) -> Report {
        Report { findings }
    }
}

/// Formats a number for messages: integers without decimals, others with up to 6 significant
/// decimals and no trailing zeros, so `312000` and `0.0312` read as people write them.
pub fn show(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    if x.fract() == 0.0 && x.abs() < 1e15 {
        return format!("{}", x as i64);
    }
    let magnitude = if x == 0.0 {
        0
    } else {
        x.abs().log10().floor() as i32
    };
    let decimals = (5 - magnitude).clamp(0, 12) as usize;
    let text = format!("{x:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_published_ones_and_parse_back() {
        let names: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
        assert_eq!(
            names,
            [
                "bad_header",
                "unknown_base",
                "unknown_indicator",
                "bad_period",
                "bad_number",
                "bad_unit",
                "duplicate",
                "out_of_scope",
                "out_of_range",
                "unit_slip",
                "jump",
                "cumulative_decrease",
                "part_exceeds_total",
                "missing_required",
                "bad_credit_code",
                "bad_industry_code",
            ]
        );
        for rule in Rule::ALL {
            assert_eq!(Rule::parse(rule.name()), Some(rule));
            // serde spells the rule by its stable name too.
            assert_eq!(
                serde_json::to_string(&rule).unwrap(),
                format!("\"{}\"", rule.name())
            );
        }
        assert_eq!(Rule::parse("nope"), None);
    }

    #[test]
    fn only_jump_and_credit_codes_default_to_warnings() {
        for rule in Rule::ALL {
            let expected = match rule {
                Rule::Jump | Rule::BadCreditCode => Severity::Warning,
                _ => Severity::Error,
            };
            assert_eq!(rule.default_severity(), expected, "{rule}");
        }
        assert_eq!(Rule::UnitSlip.default_severity(), Severity::Error);
    }

    #[test]
    fn report_splits_and_writes_csv_rows() {
        let report = Report::new(vec![
            Finding::new(Rule::BadNumber, "数字", "数值 abc 不是数字")
                .at_row(3)
                .in_column("value"),
            Finding::new(Rule::Jump, "±50%", "跳变"),
        ]);
        assert!(report.has_errors());
        assert_eq!(report.errors().count(), 1);
        assert_eq!(report.warnings().count(), 1);
        assert_eq!(
            report.to_csv_rows(),
            vec![
                [
                    "3".to_string(),
                    "value".into(),
                    "error".into(),
                    "bad_number".into(),
                    "数值 abc 不是数字".into()
                ],
                [
                    String::new(),
                    String::new(),
                    "warning".into(),
                    "jump".into(),
                    "跳变".into()
                ],
            ]
        );
        assert!(!Report::default().has_errors());
    }

    #[test]
    fn numbers_show_as_written() {
        assert_eq!(show(312000.0), "312000");
        assert_eq!(show(31.2), "31.2");
        assert_eq!(show(0.0312), "0.0312");
        assert_eq!(show(-2.5), "-2.5");
        assert_eq!(show(1.0 / 3.0), "0.333333");
    }
}
