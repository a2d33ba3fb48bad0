//! Reading long-form value tables (one value per row) into checked, unit-converted values.
//!
//! The layout is `base_id,base_name,period,indicator,value,unit`; `base_name` and `unit` are
//! optional, and each column may be headed in Chinese (基地编号, 基地名称, 期间 or 报告期, 指标,
//! 数值 or 值, 单位). Every problem becomes a [`Finding`] located by row and column; nothing here
//! panics, whatever the cells hold.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

use jidi_monitor::period::Period;
use jidi_tabular::Table;
use serde::{Deserialize, Serialize};

use crate::catalogue::{CheckCatalogue, Frequency, IndicatorSpec};
use crate::finding::{Finding, Rule, show};

/// The period a value belongs to: a year for annual indicators, a month for monthly ones (and
/// the quarter's last month for quarterly ones).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ValuePeriod {
    /// A calendar year, written `YYYY`.
    Year(i32),
    /// A month, written `YYYY-MM`.
    Month(Period),
}

impl ValuePeriod {
    /// The year the period lies in.
    pub fn year(self) -> i32 {
        match self {
            ValuePeriod::Year(y) => y,
            ValuePeriod::Month(p) => p.year(),
        }
    }

    /// The month (1–12), or `None` for a year.
    pub fn month(self) -> Option<u32> {
        match self {
            ValuePeriod::Year(_) => None,
            ValuePeriod::Month(p) => Some(p.month()),
        }
    }

    /// The period `months` later (earlier when negative): whole years for a year (a year moves
    /// by `months / 12`), `None` when out of range.
    pub fn offset(self, months: i64) -> Option<ValuePeriod> {
        match self {
            ValuePeriod::Year(y) => {
                let y = i64::from(y) + months / 12;
                (1..=9999)
                    .contains(&y)
                    .then_some(ValuePeriod::Year(y as i32))
            }
            ValuePeriod::Month(p) => p.offset(months).map(ValuePeriod::Month),
        }
    }

    /// Whether the period has the form `frequency` expects: a year for annual indicators, a
    /// month for monthly ones, a quarter's last month (3, 6, 9, 12) for quarterly ones.
    pub fn fits(self, frequency: Frequency) -> bool {
        match (self, frequency) {
            (ValuePeriod::Year(_), Frequency::Annual) => true,
            (ValuePeriod::Month(_), Frequency::Monthly) => true,
            (ValuePeriod::Month(p), Frequency::Quarterly) => p.month() % 3 == 0,
            _ => false,
        }
    }
}

impl fmt::Display for ValuePeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValuePeriod::Year(y) => write!(f, "{y:04}"),
            ValuePeriod::Month(p) => write!(f, "{p}"),
        }
    }
}

/// A period that [`parse_period`] does not read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("period `{0}` is not YYYY or YYYY-MM")]
pub struct PeriodTextError(pub String);

impl FromStr for ValuePeriod {
    type Err = PeriodTextError;

    fn from_str(text: &str) -> Result<ValuePeriod, PeriodTextError> {
        parse_period(text).ok_or_else(|| PeriodTextError(text.to_string()))
    }
}

impl TryFrom<String> for ValuePeriod {
    type Error = PeriodTextError;

    fn try_from(text: String) -> Result<ValuePeriod, PeriodTextError> {
        text.parse()
    }
}

impl From<ValuePeriod> for String {
    fn from(p: ValuePeriod) -> String {
        p.to_string()
    }
}

/// Reads a period as people write it: `2024` or `2024年` (a year); `2024-03`, `2024-3`,
/// `2024/03`, `2024.03`, `2024年3月` (a month); `2024-Q1`, `2024Q1` (the quarter's last month).
/// Full-width digits are accepted. `202403` and dates such as `2024-03-01` are refused, being
/// ambiguous; years are 1000–9999 so that a stray number is not taken for one.
pub fn parse_period(text: &str) -> Option<ValuePeriod> {
    let t = fold_full_width(text.trim());
    let t = t.as_str();
    let year = |s: &str| -> Option<i32> {
        (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
            .filter(|y| (1000..=9999).contains(y))
    };
    let month = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let t = t.strip_suffix('年').unwrap_or(t);
    if let Some(y) = year(t) {
        return Some(ValuePeriod::Year(y));
    }
    let (y, rest) = if let Some((y, rest)) = t.split_once('年') {
        (y, rest.strip_suffix('月')?)
    } else if let Some(i) = t.find(['-', '/', '.']) {
        (&t[..i], &t[i + 1..])
    } else if let Some(i) = t.find(['Q', 'q']) {
        (&t[..i], &t[i..])
    } else {
        return None;
    };
    let y = year(y)?;
    let m = if let Some(q) = rest.strip_prefix(['Q', 'q']) {
        match q {
            "1" => 3,
            "2" => 6,
            "3" => 9,
            "4" => 12,
            _ => return None,
        }
    } else {
        month(rest)?
    };
    Period::new(y, m).ok().map(ValuePeriod::Month)
}

/// A cell that is not a finite number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a finite number")]
pub struct NumberError(pub String);

/// Reads a number as people type it: surrounding spaces, a sign, `,` thousands separators in
/// groups of three (`1,234.5`), a decimal point, an exponent (`1.2E+5`, as Excel exports), and
/// full-width digits and punctuation. An empty cell is `Ok(None)`: no value. `NaN`, `inf`,
/// overflowing numbers, `1,23` and anything else are errors.
pub fn parse_number(text: &str) -> Result<Option<f64>, NumberError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || NumberError(t.to_string());
    let folded = fold_full_width(t);
    let s = folded.as_bytes();
    let mut i = 0;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        i += 1;
    }
    // Integer part: digits, with commas only between groups of exactly three after the first.
    let int_start = i;
    let mut digits_in_group = 0;
    let mut saw_comma = false;
    while i < s.len() && (s[i].is_ascii_digit() || s[i] == b',') {
        if s[i] == b',' {
            let first_group_ok = saw_comma || (1..=3).contains(&digits_in_group);
            if !first_group_ok || (saw_comma && digits_in_group != 3) {
                return Err(bad());
            }
            saw_comma = true;
            digits_in_group = 0;
        } else {
            digits_in_group += 1;
        }
        i += 1;
    }
    if saw_comma && digits_in_group != 3 {
        return Err(bad());
    }
    let int_digits = i > int_start;
    let mut frac_digits = false;
    if i < s.len() && s[i] == b'.' {
        i += 1;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
            frac_digits = true;
        }
    }
    if !int_digits && !frac_digits {
        return Err(bad());
    }
    if i < s.len() && (s[i] == b'e' || s[i] == b'E') {
        i += 1;
        if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return Err(bad());
        }
    }
    if i != s.len() {
        return Err(bad());
    }
    let plain: String = folded.chars().filter(|&c| c != ',').collect();
    match plain.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(Some(x)),
        _ => Err(bad()),
    }
}

/// Full-width digits, letters and punctuation folded to ASCII (０-９, ．，－＋ etc. are what
/// Chinese input methods produce); `−` (minus sign) becomes `-`.
fn fold_full_width(text: &str) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{2212}' => '-',
            '\u{3000}' => ' ',
            other => other,
        })
        .collect()
}

/// What the roll says about a base, as far as value collection needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaseInfo {
    /// Official name.
    pub name: String,
    /// GB/T 2260 province code.
    pub province_code: String,
}

/// Looks bases up by id: the roll, or a part of it.
pub trait BaseLookup {
    /// The base with `id`, if it is on the roll.
    fn base(&self, id: i64) -> Option<&BaseInfo>;
}

impl BaseLookup for HashMap<i64, BaseInfo> {
    fn base(&self, id: i64) -> Option<&BaseInfo> {
        self.get(&id)
    }
}

impl BaseLookup for BTreeMap<i64, BaseInfo> {
    fn base(&self, id: i64) -> Option<&BaseInfo> {
        self.get(&id)
    }
}

/// Which bases a submitter may report values for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Every base (the ministry).
    All,
    /// The bases of one province, by GB/T 2260 province code (a provincial department).
    Province(String),
    /// One base (its management committee).
    Base(i64),
}

impl Scope {
    /// Whether a value of base `id` described by `info` is within the scope.
    pub fn allows(&self, id: i64, info: &BaseInfo) -> bool {
        match self {
            Scope::All => true,
            Scope::Province(code) => info.province_code == *code,
            Scope::Base(own) => *own == id,
        }
    }

    fn describe(&self) -> String {
        match self {
            Scope::All => "全部基地".into(),
            Scope::Province(code) => format!("省份 {code} 的基地"),
            Scope::Base(id) => format!("基地 {id}"),
        }
    }
}

/// One value read from a table, converted to the catalogue unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParsedValue {
    /// Row in the table, 1-based with the header as row 1; 0 when the value did not come from a
    /// table (web form, API).
    pub row: usize,
    /// The base.
    pub base_id: i64,
    /// The period.
    pub period: ValuePeriod,
    /// The indicator code.
    pub indicator: String,
    /// The value in the indicator's catalogue unit.
    pub value: f64,
    /// The value and unit as reported (`None` when the unit column was absent or empty).
    pub reported: (f64, Option<String>),
}

/// What [`parse_long_form`] read: the values that passed every row-level check, and the
/// findings about the others (and about duplicates, which are left out of `values`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ParseOutcome {
    /// Values ready for [`crate::check::check_values`].
    pub values: Vec<ParsedValue>,
    /// Problems, in row order.
    pub findings: Vec<Finding>,
}

/// The accepted header names of each column: English first, then Chinese.
pub const COLUMN_NAMES: [(&str, &[&str], bool); 6] = [
    ("base_id", &["base_id", "基地编号", "基地ID"], true),
    ("base_name", &["base_name", "基地名称"], false),
    ("period", &["period", "期间", "报告期"], true),
    ("indicator", &["indicator", "指标", "指标代码"], true),
    ("value", &["value", "数值", "值"], true),
    ("unit", &["unit", "单位"], false),
];

/// Reads a long-form value table.
///
/// Row-level rules: `bad_header`, `unknown_base` (empty, non-numeric or unknown id, or a
/// `base_name` that is not the roll's name), `out_of_scope`, `unknown_indicator` (the cell may
/// hold the code or the exact Chinese name), `bad_period`, `bad_number`, `bad_unit` and
/// `duplicate`. A row whose value cell is empty carries no value and is skipped silently.
/// Every finding carries `sheet` = the table's file name, the row and the column label.
pub fn parse_long_form(
    table: &Table,
    catalogue: &CheckCatalogue,
    bases: &dyn BaseLookup,
    scope: &Scope,
) -> ParseOutcome {
    let mut out = ParseOutcome::default();
    let sheet = (!table.file.is_empty()).then(|| table.file.clone());
    let locate = |f: Finding, row: usize, column: Option<&str>| {
        let mut f = f.at_row(row);
        f.sheet = sheet.clone();
        f.column = column.map(String::from);
        f
    };

    // Header: find each column once; a required one missing or any named twice is fatal,
    // because every row would otherwise be misread.
    let mut columns: [Option<usize>; 6] = [None; 6];
    let mut header_findings = Vec::new();
    for (slot, (key, names, required)) in COLUMN_NAMES.iter().enumerate() {
        let matches: Vec<usize> = table
            .header
            .iter()
            .enumerate()
            .filter(|(_, h)| {
                let h = h.trim().trim_start_matches('\u{feff}');
                names.iter().any(|n| h.eq_ignore_ascii_case(n))
            })
            .map(|(i, _)| i)
            .collect();
        match matches.as_slice() {
            [] if *required => header_findings.push(Finding::new(
                Rule::BadHeader,
                names.join("/"),
                format!("表头缺少必填列 {}（可写作 {}）", key, names.join("、")),
            )),
            [] => {}
            [one] => columns[slot] = Some(*one),
            several => header_findings.push(Finding::new(
                Rule::BadHeader,
                format!("{key} 只出现一次"),
                format!(
                    "表头中 {} 列出现了 {} 次（第 {} 列），无法确定使用哪一列",
                    key,
                    several.len(),
                    several
                        .iter()
                        .map(|i| (i + 1).to_string())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            )),
        }
    }
    if !header_findings.is_empty() {
        out.findings = header_findings
            .into_iter()
            .map(|f| locate(f, 1, None))
            .collect();
        return out;
    }
    let [
        base_col,
        name_col,
        period_col,
        indicator_col,
        value_col,
        unit_col,
    ] = columns;
    let (Some(base_col), Some(period_col), Some(indicator_col), Some(value_col)) =
        (base_col, period_col, indicator_col, value_col)
    else {
        return out; // unreachable: missing required columns returned above
    };
    let label = |i: usize| table.column_label(i);
    let (base_label, period_label, indicator_label, value_label) = (
        label(base_col),
        label(period_col),
        label(indicator_col),
        label(value_col),
    );
    let name_label = name_col.map(label);
    let unit_label = unit_col.map(label);

    type Key = (i64, usize, ValuePeriod);
    let mut seen: crate::fxhash::FxHashMap<Key, usize> =
        crate::fxhash::FxHashMap::with_capacity_and_hasher(table.rows.len(), Default::default());
    let mut duplicates: Vec<Vec<usize>> = Vec::new();
    let mut duplicate_group: HashMap<Key, usize> = HashMap::new();

    for row in &table.rows {
        let n = row.number;
        let cell = |i: usize| row.cells.get(i).map(String::as_str).unwrap_or("").trim();
        let value_text = cell(value_col);
        if value_text.is_empty() {
            continue;
        }
        let before = out.findings.len();

        // Base.
        let base_text = cell(base_col);
        let mut base_id = None;
        match parse_base_id(base_text) {
            None => out.findings.push(locate(
                Finding::new(
                    Rule::UnknownBase,
                    "基地编号（整数）",
                    if base_text.is_empty() {
                        "基地编号为空".to_string()
                    } else {
                        format!("基地编号“{base_text}”不是整数")
                    },
                )
                .with_value(base_text),
                n,
                Some(&base_label),
            )),
            Some(id) => match bases.base(id) {
                None => out.findings.push(locate(
                    Finding::new(
                        Rule::UnknownBase,
                        "名录中的基地编号",
                        format!("基地编号 {id} 不在基地名录中"),
                    )
                    .for_base(id)
                    .with_value(base_text),
                    n,
                    Some(&base_label),
                )),
                Some(info) => {
                    let given = name_col.map(cell).unwrap_or("");
                    if !given.is_empty() && !same_name(given, &info.name) {
                        out.findings.push(locate(
                            Finding::new(
                                Rule::UnknownBase,
                                info.name.clone(),
                                format!(
                                    "基地编号 {id} 在名录中是“{}”，与填写的基地名称“{given}”不一致",
                                    info.name
                                ),
                            )
                            .for_base(id)
                            .with_value(given),
                            n,
                            name_label.as_deref(),
                        ));
                    } else if !scope.allows(id, info) {
                        out.findings.push(locate(
                            Finding::new(
                                Rule::OutOfScope,
                                scope.describe(),
                                format!(
                                    "基地 {id}（{}）不在您可填报的范围（{}）内",
                                    info.name,
                                    scope.describe()
                                ),
                            )
                            .for_base(id),
                            n,
                            Some(&base_label),
                        ));
                    } else {
                        base_id = Some(id);
                    }
                }
            },
        }

        // Period, read before the indicator because a Chinese name may need it to choose
        // between the annual and the monthly indicator of the same name.
        let period_text = cell(period_col);
        let period = parse_period(period_text);
        if period.is_none() {
            out.findings.push(locate(
                Finding::new(
                    Rule::BadPeriod,
                    "YYYY 或 YYYY-MM",
                    format!(
                        "报告期“{period_text}”无法识别，年度指标写作 2024，月度指标写作 2024-03"
                    ),
                )
                .with_value(period_text),
                n,
                Some(&period_label),
            ));
        }

        // Indicator.
        let indicator_text = cell(indicator_col);
        let spec_index = resolve_indicator(catalogue, indicator_text, period);
        let spec = spec_index.map(|i| &catalogue.specs()[i]);
        match (spec, period) {
            (None, _) => out.findings.push(locate(
                Finding::new(
                    Rule::UnknownIndicator,
                    "指标目录中的指标代码",
                    format!("指标“{indicator_text}”不在指标目录中"),
                )
                .with_value(indicator_text),
                n,
                Some(&indicator_label),
            )),
            (Some(spec), Some(p)) if !p.fits(spec.frequency) => out.findings.push(locate(
                Finding::new(
                    Rule::BadPeriod,
                    expected_period(spec.frequency),
                    format!(
                        "{}是{}指标，报告期应写作 {}，而不是“{period_text}”",
                        spec.name_zh,
                        frequency_zh(spec.frequency),
                        expected_period(spec.frequency)
                    ),
                )
                .for_indicator(&spec.code)
                .with_value(period_text),
                n,
                Some(&period_label),
            )),
            _ => {}
        }

        // Number; a trailing percent sign is accepted for indicators measured in %.
        let mut number_text = value_text;
        if spec.is_some_and(|s| s.unit == "%") {
            number_text = number_text
                .strip_suffix(['%', '％'])
                .map(str::trim_end)
                .unwrap_or(number_text);
        }
        let number = match parse_number(number_text) {
            Ok(Some(x)) => Some(x),
            _ => {
                out.findings.push(locate(
                    Finding::new(
                        Rule::BadNumber,
                        "有限数字，如 1234.5 或 1,234.5",
                        format!("数值“{value_text}”不是有效数字"),
                    )
                    .with_value(value_text),
                    n,
                    Some(&value_label),
                ));
                None
            }
        };

        // Unit.
        let unit_text = unit_col.map(cell).unwrap_or("");
        let mut converted = None;
        if let (Some(spec), Some(x)) = (spec, number) {
            match crate::catalogue::convert(x, unit_text, spec) {
                Ok(v) if v.is_finite() => converted = Some(v),
                Ok(_) => out.findings.push(locate(
                    Finding::new(
                        Rule::BadNumber,
                        "有限数字",
                        format!(
                            "数值 {value_text}（{unit_text}）换算为{}后超出数值范围",
                            spec.unit
                        ),
                    )
                    .with_value(value_text),
                    n,
                    Some(&value_label),
                )),
                Err(e) => out.findings.push(locate(
                    e.to_finding(),
                    n,
                    unit_label.as_deref().or(Some(&value_label)),
                )),
            }
        }

        // Fill in what is known on every finding of this row, then keep the value if clean.
        for f in &mut out.findings[before..] {
            f.base_id = f.base_id.or(base_id);
            if f.indicator.is_none() {
                f.indicator = spec.map(|s| s.code.clone());
            }
            if f.period.is_none() {
                f.period = period.map(|p| p.to_string());
            }
        }
        if out.findings.len() > before {
            continue;
        }
        let (Some(base_id), Some(spec_index), Some(period), Some(value), Some(reported)) =
            (base_id, spec_index, period, converted, number)
        else {
            continue;
        };
        let key = (base_id, spec_index, period);
        let index = out.values.len();
        match seen.get(&key) {
            None => {
                seen.insert(key, index);
            }
            Some(&first) => match duplicate_group.get(&key) {
                Some(&g) => duplicates[g].push(index),
                None => {
                    duplicate_group.insert(key, duplicates.len());
                    duplicates.push(vec![first, index]);
                }
            },
        }
        out.values.push(ParsedValue {
            row: n,
            base_id,
            period,
            indicator: catalogue.specs()[spec_index].code.clone(),
            value,
            reported: (
                reported,
                (!unit_text.is_empty()).then(|| unit_text.to_string()),
            ),
        });
    }

    // Duplicates: every occurrence is named with all its rows, and none is kept, because the
    // file does not say which one is meant.
    if !duplicates.is_empty() {
        let mut drop = vec![false; out.values.len()];
        for group in &duplicates {
            let rows: Vec<String> = group
                .iter()
                .map(|&i| out.values[i].row.to_string())
                .collect();
            for &i in group {
                drop[i] = true;
                let v = &out.values[i];
                let spec = catalogue.get(&v.indicator);
                let name = spec.map(|s| s.name_zh.as_str()).unwrap_or(&v.indicator);
                out.findings.push(locate(
                    Finding::new(
                        Rule::Duplicate,
                        "每个基地、报告期、指标只填一行",
                        format!(
                            "基地 {} {} {} 在第 {} 行重复填报（本行数值 {}）",
                            v.base_id,
                            v.period,
                            name,
                            rows.join("、"),
                            show(v.reported.0)
                        ),
                    )
                    .for_base(v.base_id)
                    .for_indicator(&v.indicator)
                    .for_period(v.period)
                    .with_value(show(v.reported.0)),
                    v.row,
                    Some(&value_label),
                ));
            }
        }
        let mut i = 0;
        out.values.retain(|_| {
            let keep = !drop[i];
            i += 1;
            keep
        });
        out.findings.sort_by_key(|f| f.row);
    }
    out
}

/// A base id: an integer, possibly in full-width digits or written `12.0` by a spreadsheet.
fn parse_base_id(text: &str) -> Option<i64> {
    let t = fold_full_width(text);
    let t = t.trim();
    let t = t.strip_suffix(".0").unwrap_or(t);
    if t.is_empty() || t.len() > 18 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// Names compared the way people vary them: spaces dropped, full-width brackets and the
/// various middle dots folded.
fn same_name(a: &str, b: &str) -> bool {
    fn norm(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars().filter(|c| !c.is_whitespace()).map(|c| match c {
            '（' => '(',
            '）' => ')',
            '・' | '•' | '．' | '∙' => '·',
            other => other,
        })
    }
    norm(a).eq(norm(b))
}

fn resolve_indicator(
    catalogue: &CheckCatalogue,
    text: &str,
    period: Option<ValuePeriod>,
) -> Option<usize> {
    if let Some(i) = catalogue.index_of(text) {
        return Some(i);
    }
    let lower = text.to_ascii_lowercase();
    if let Some(i) = catalogue.index_of(&lower) {
        return Some(i);
    }
    let candidates: Vec<&IndicatorSpec> = catalogue.by_name_zh(text).collect();
    let chosen = match candidates.as_slice() {
        [] => return None,
        [one] => *one,
        several => period
            .and_then(|p| several.iter().find(|s| p.fits(s.frequency)))
            .copied()
            .unwrap_or(several[0]),
    };
    catalogue.index_of(&chosen.code)
}

fn expected_period(frequency: Frequency) -> &'static str {
    match frequency {
        Frequency::Annual => "YYYY",
        Frequency::Monthly => "YYYY-MM",
        Frequency::Quarterly => "YYYY-03/06/09/12 或 YYYY-Qn",
    }
}

pub(crate) fn frequency_zh(frequency: Frequency) -> &'static str {
    match frequency {
        Frequency::Annual => "年度",
        Frequency::Monthly => "月度",
        Frequency::Quarterly => "季度",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_in_the_usual_forms() {
        let m = |y, m| Some(ValuePeriod::Month(Period::new(y, m).unwrap()));
        assert_eq!(parse_period("2024"), Some(ValuePeriod::Year(2024)));
        assert_eq!(parse_period(" 2024年 "), Some(ValuePeriod::Year(2024)));
        assert_eq!(parse_period("2024-03"), m(2024, 3));
        assert_eq!(parse_period("2024-3"), m(2024, 3));
        assert_eq!(parse_period("2024/03"), m(2024, 3));
        assert_eq!(parse_period("2024年3月"), m(2024, 3));
        assert_eq!(parse_period("２０２４－０３"), m(2024, 3));
        assert_eq!(parse_period("2024-Q2"), m(2024, 6));
        assert_eq!(parse_period("2024Q4"), m(2024, 12));
        for bad in [
            "",
            "24",
            "2024-13",
            "2024-00",
            "2024-003",
            "202403",
            "2024-Q5",
            "abcd",
            "2024-",
            "0999",
            "2024年3",
            "2024-03-01",
        ] {
            assert_eq!(parse_period(bad), None, "{bad:?}");
        }
        assert_eq!(ValuePeriod::Year(2024).to_string(), "2024");
        assert_eq!(m(2024, 3).unwrap().to_string(), "2024-03");
    }

    #[test]
    fn numbers_as_people_type_them() {
        let ok = |t: &str, x: f64| assert_eq!(parse_number(t), Ok(Some(x)), "{t:?}");
        ok("1234.5", 1234.5);
        ok(" 1,234.5 ", 1234.5);
        ok("1,234,567", 1234567.0);
        ok("-12", -12.0);
        ok("+0.5", 0.5);
        ok(".5", 0.5);
        ok("5.", 5.0);
        ok("1.2E+5", 120000.0);
        ok("１２３．４", 123.4);
        ok("−3", -3.0);
        assert_eq!(parse_number(""), Ok(None));
        assert_eq!(parse_number("   "), Ok(None));
        for bad in [
            "NaN", "nan", "inf", "-inf", "infinity", "1e999", "1,23", "12,34.5", "1,2345", ",123",
            "1.2.3", "abc", "-", ".", "1e", "12 34", "0x10", "1_000", "12%",
        ] {
            assert!(parse_number(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn base_ids_tolerate_spreadsheet_forms() {
        assert_eq!(parse_base_id("12"), Some(12));
        assert_eq!(parse_base_id("12.0"), Some(12));
        assert_eq!(parse_base_id("１２"), Some(12));
        assert_eq!(parse_base_id("-1"), None);
        assert_eq!(parse_base_id("1.5"), None);
        assert_eq!(parse_base_id("99999999999999999999"), None);
    }
}
