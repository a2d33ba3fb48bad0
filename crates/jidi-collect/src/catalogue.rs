//! What each indicator's values are checked against: unit family, frequency, cumulation, hard
//! bounds, year-on-year bounds, whether it is required, and which totals it must not exceed.
//!
//! The shipped specs are `data/indicator_checks.csv` (one row per indicator of the reference
//! catalogue; columns documented in `data/README.md`). The ministry may replace them with an
//! edited file through [`CheckCatalogue::from_csv`], which reports every problem with its row
//! and column instead of stopping at the first.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::finding::{Finding, Rule, show};

/// The shipped check specs, as CSV.
pub const STANDARD_CHECKS_CSV: &str = include_str!("../data/indicator_checks.csv");

/// The columns of a check-spec CSV, in order.
pub const CHECKS_HEADER: [&str; 12] = [
    "code",
    "name_zh",
    "unit",
    "accepted_units",
    "frequency",
    "cumulative",
    "min",
    "max",
    "yoy_warn",
    "yoy_block",
    "required",
    "parts_of",
];

/// How often an indicator is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Every month; periods are `YYYY-MM`.
    Monthly,
    /// Every quarter; periods are the quarter's last month (`YYYY-03`, `-06`, `-09`, `-12`) or
    /// `YYYY-Qn`.
    Quarterly,
    /// Once a year; periods are `YYYY`.
    Annual,
}

impl Frequency {
    /// `monthly`, `quarterly` or `annual`.
    pub fn code(self) -> &'static str {
        match self {
            Frequency::Monthly => "monthly",
            Frequency::Quarterly => "quarterly",
            Frequency::Annual => "annual",
        }
    }

    /// Parses [`Frequency::code`].
    pub fn parse(text: &str) -> Option<Frequency> {
        match text.trim() {
            "monthly" => Some(Frequency::Monthly),
            "quarterly" => Some(Frequency::Quarterly),
            "annual" => Some(Frequency::Annual),
            _ => None,
        }
    }

    /// Months between consecutive periods: 1, 3 or 12.
    pub fn step_months(self) -> i64 {
        match self {
            Frequency::Monthly => 1,
            Frequency::Quarterly => 3,
            Frequency::Annual => 12,
        }
    }
}

impl fmt::Display for Frequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The checks of one indicator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndicatorSpec {
    /// Stable code, e.g. `rev_main` (the catalogue's code).
    pub code: String,
    /// Chinese name, used in messages.
    pub name_zh: String,
    /// The catalogue unit: what values are stored in.
    pub unit: String,
    /// Units a value may be reported in, each with the factor that converts it to
    /// [`IndicatorSpec::unit`] (`("万元", 1e-4)` for an indicator in 亿元). Always contains the
    /// catalogue unit with factor 1.
    pub accepted_units: Vec<(String, f64)>,
    /// How often it is reported.
    pub frequency: Frequency,
    /// Whether sub-annual values are additive year-to-date sums (1–N月累计), so that the single
    /// month is the difference of consecutive figures. Rates reported year-to-date are not sums
    /// and are `false` here.
    pub cumulative: bool,
    /// Hard lower bound (`out_of_range` below it).
    pub min: Option<f64>,
    /// Hard upper bound (`out_of_range` above it).
    pub max: Option<f64>,
    /// Relative change (fraction: 0.5 = ±50 %) beyond which a `jump` warning is raised.
    pub yoy_warn: Option<f64>,
    /// Relative change beyond which a `jump` is an error.
    pub yoy_block: Option<f64>,
    /// Whether a task asks for it by default (`missing_required`).
    pub required: bool,
    /// Codes of totals this indicator must not exceed for the same base and period. Each total
    /// accepts this indicator's unit, so the comparison is made in the total's unit.
    pub parts_of: Vec<String>,
}

impl IndicatorSpec {
    /// The factor converting `unit` (normalised by [`normalise_unit`]) to the catalogue unit.
    pub fn factor(&self, unit: &str) -> Option<f64> {
        let unit = normalise_unit(unit);
        let unit = if unit.is_empty() {
            self.unit.as_str()
        } else {
            unit.as_ref()
        };
        self.accepted_units
            .iter()
            .find(|(u, _)| u == unit)
            .map(|(_, f)| *f)
    }

    /// The accepted units, in file order, for messages.
    pub fn accepted_unit_names(&self) -> Vec<&str> {
        self.accepted_units
            .iter()
            .map(|(u, _)| u.as_str())
            .collect()
    }

    /// The hard bounds as text, `0–100`, `≥ 0`, `≤ 5` or `任意`.
    pub fn range_text(&self) -> String {
        match (self.min, self.max) {
            (Some(lo), Some(hi)) => format!("{}–{}", show(lo), show(hi)),
            (Some(lo), None) => format!("≥ {}", show(lo)),
            (None, Some(hi)) => format!("≤ {}", show(hi)),
            (None, None) => "任意".into(),
        }
    }

    /// Whether the indicator is a year-to-date sum of non-negative flows, which can never fall
    /// within a year (`cumulative_decrease` applies).
    pub fn never_decreases_within_year(&self) -> bool {
        self.cumulative && self.min.is_some_and(|m| m >= 0.0)
    }
}

/// A unit as compared: surrounding spaces removed and full-width forms (`％`, `／`, spaces)
/// folded to ASCII, so `万元／亩` and ` 万元/亩 ` are the same unit.
pub fn normalise_unit(unit: &str) -> std::borrow::Cow<'_, str> {
    let trimmed = unit.trim_matches(|c: char| c.is_whitespace());
    if trimmed
        .chars()
        .all(|c| !matches!(c, '％' | '／' | '\u{3000}' | ' '))
    {
        return std::borrow::Cow::Borrowed(trimmed);
    }
    std::borrow::Cow::Owned(
        trimmed
            .chars()
            .filter(|c| !matches!(c, '\u{3000}' | ' '))
            .map(|c| match c {
                '％' => '%',
                '／' => '/',
                other => other,
            })
            .collect(),
    )
}

/// A unit an indicator does not accept.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("unit `{unit}` is not accepted for {indicator} (accepted: {})", accepted.join(", "))]
pub struct UnitError {
    /// The indicator code.
    pub indicator: String,
    /// The indicator's Chinese name.
    pub name_zh: String,
    /// The unit as given.
    pub unit: String,
    /// The accepted units.
    pub accepted: Vec<String>,
}

impl UnitError {
    /// The `bad_unit` finding for this error (locate it with [`Finding::at_row`] etc.).
    pub fn to_finding(&self) -> Finding {
        Finding::new(
            Rule::BadUnit,
            self.accepted.join("/"),
            format!(
                "{} 的单位“{}”不可用，应为：{}",
                self.name_zh,
                self.unit,
                self.accepted.join("、")
            ),
        )
        .for_indicator(&self.indicator)
        .with_value(&self.unit)
    }
}

/// Converts `value` reported in `from_unit` to the indicator's catalogue unit. An empty unit
/// means the catalogue unit.
///
/// ```
/// use jidi_collect::catalogue::{CheckCatalogue, convert};
///
/// let spec = CheckCatalogue::standard().get("rev_main").unwrap();
/// assert_eq!(convert(312000.0, "万元", spec).unwrap(), 31.2);
/// assert!(convert(1.0, "吨", spec).is_err());
/// ```
pub fn convert(value: f64, from_unit: &str, spec: &IndicatorSpec) -> Result<f64, UnitError> {
    match spec.factor(from_unit) {
        Some(factor) => Ok(match exact_inverse(factor) {
            Some(divisor) => value / divisor,
            None => value * factor,
        }),
        None => Err(unit_error(from_unit, spec)),
    }
}

/// For factors like 1e-4 whose inverse is a whole number, that number: dividing by 10000 gives
/// `312000 万元 = 31.2 亿元` exactly, where multiplying by the inexact 1e-4 gives
/// 31.200000000000003.
fn exact_inverse(factor: f64) -> Option<f64> {
    if factor >= 1.0 {
        return None;
    }
    let inverse = (1.0 / factor).round();
    ((inverse * factor - 1.0).abs() < 1e-12).then_some(inverse)
}

/// Converts `value` in the catalogue unit to `to_unit`: the inverse of [`convert`].
pub fn convert_to(value: f64, to_unit: &str, spec: &IndicatorSpec) -> Result<f64, UnitError> {
    match spec.factor(to_unit) {
        Some(factor) => Ok(match exact_inverse(factor) {
            Some(multiplier) => value * multiplier,
            None => value / factor,
        }),
        None => Err(unit_error(to_unit, spec)),
    }
}

fn unit_error(unit: &str, spec: &IndicatorSpec) -> UnitError {
    UnitError {
        indicator: spec.code.clone(),
        name_zh: spec.name_zh.clone(),
        unit: unit.trim().to_string(),
        accepted: spec
            .accepted_unit_names()
            .into_iter()
            .map(String::from)
            .collect(),
    }
}

/// A problem in a check-spec CSV, located by row (1-based, header = 1) and column name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("row {row}{}: {message}", column.as_ref().map(|c| format!(", column {c}")).unwrap_or_default())]
pub struct CatalogueError {
    /// Row in the file, the header being row 1.
    pub row: usize,
    /// Column name, when the problem is in one cell.
    pub column: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// The check specs of all indicators, by code.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckCatalogue {
    /// Specs sorted by code; indexes are stable for the catalogue's life.
    specs: Vec<IndicatorSpec>,
    by_code: HashMap<String, usize>,
    /// Chinese name → indexes (a name may serve an annual and a monthly indicator).
    by_name: HashMap<String, Vec<usize>>,
}

impl CheckCatalogue {
    /// The shipped specs (`data/indicator_checks.csv`), parsed once.
    pub fn standard() -> &'static CheckCatalogue {
        static STANDARD: OnceLock<CheckCatalogue> = OnceLock::new();
        STANDARD.get_or_init(|| {
            CheckCatalogue::from_csv(STANDARD_CHECKS_CSV).expect("shipped check specs parse")
        })
    }

    /// A catalogue of `specs` (checked as [`CheckCatalogue::from_csv`] checks a file, with
    /// `row` counting specs from 2).
    pub fn from_specs(specs: Vec<IndicatorSpec>) -> Result<CheckCatalogue, Vec<CatalogueError>> {
        let mut errors = Vec::new();
        let rows: Vec<(usize, IndicatorSpec)> = specs
            .into_iter()
            .enumerate()
            .map(|(i, s)| (i + 2, s))
            .collect();
        for (row, spec) in &rows {
            validate_spec(*row, spec, &mut errors);
        }
        build(rows, errors)
    }

    /// Parses a check-spec CSV with the columns [`CHECKS_HEADER`] (any order; extra columns
    /// are ignored), reporting every problem found.
    pub fn from_csv(text: &str) -> Result<CheckCatalogue, Vec<CatalogueError>> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let err = |row: usize, column: Option<&str>, message: String| CatalogueError {
            row,
            column: column.map(String::from),
            message,
        };
        let header: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|c| c.trim().to_string()).collect(),
            Err(e) => return Err(vec![err(1, None, format!("unreadable header: {e}"))]),
        };
        let mut index = HashMap::new();
        let mut errors = Vec::new();
        for name in CHECKS_HEADER {
            match header.iter().position(|h| h == name) {
                Some(i) => {
                    index.insert(name, i);
                }
                None => errors.push(err(1, Some(name), "missing column".into())),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut rows = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let row = i + 2;
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    errors.push(err(row, None, format!("unreadable row: {e}")));
                    continue;
                }
            };
            let cell = |name: &str| record.get(index[name]).unwrap_or("").trim();
            let before = errors.len();
            let mut number = |name: &str| -> Option<f64> {
                let text = cell(name);
                if text.is_empty() {
                    return None;
                }
                match text.parse::<f64>() {
                    Ok(x) if x.is_finite() => Some(x),
                    _ => {
                        errors.push(err(row, Some(name), format!("`{text}` is not a number")));
                        None
                    }
                }
            };
            let (min, max, yoy_warn, yoy_block) = (
                number("min"),
                number("max"),
                number("yoy_warn"),
                number("yoy_block"),
            );
            let mut yes_no = |name: &str| match cell(name) {
                "yes" => true,
                "no" | "" | "n/a" => false,
                other => {
                    errors.push(err(row, Some(name), format!("`{other}` is not yes or no")));
                    false
                }
            };
            let (cumulative, required) = (yes_no("cumulative"), yes_no("required"));
            let frequency = match Frequency::parse(cell("frequency")) {
                Some(f) => f,
                None => {
                    errors.push(err(
                        row,
                        Some("frequency"),
                        format!(
                            "`{}` is not monthly, quarterly or annual",
                            cell("frequency")
                        ),
                    ));
                    Frequency::Annual
                }
            };
            let mut accepted_units = Vec::new();
            for part in cell("accepted_units")
                .split(';')
                .filter(|p| !p.trim().is_empty())
            {
                let parsed = part.rsplit_once(':').and_then(|(u, f)| {
                    let f = f.trim().parse::<f64>().ok()?;
                    let u = normalise_unit(u).into_owned();
                    (!u.is_empty() && f.is_finite() && f > 0.0).then_some((u, f))
                });
                match parsed {
                    Some(pair) => accepted_units.push(pair),
                    None => errors.push(err(
                        row,
                        Some("accepted_units"),
                        format!(
                            "`{}` is not unit:factor with a positive factor",
                            part.trim()
                        ),
                    )),
                }
            }
            let spec = IndicatorSpec {
                code: cell("code").to_string(),
                name_zh: cell("name_zh").to_string(),
                unit: normalise_unit(cell("unit")).into_owned(),
                accepted_units,
                frequency,
                cumulative,
                min,
                max,
                yoy_warn,
                yoy_block,
                required,
                parts_of: cell("parts_of")
                    .split(';')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(String::from)
                    .collect(),
            };
            let mut spec = spec;
            // The catalogue unit is always accepted, so a file need not repeat it.
            if !spec.unit.is_empty() && !spec.accepted_units.iter().any(|(u, _)| *u == spec.unit) {
                spec.accepted_units.insert(0, (spec.unit.clone(), 1.0));
            }
            validate_spec(row, &spec, &mut errors);
            if errors.len() == before {
                rows.push((row, spec));
            }
        }
        build(rows, errors)
    }

    /// The spec of `code`.
    pub fn get(&self, code: &str) -> Option<&IndicatorSpec> {
        self.by_code.get(code).map(|&i| &self.specs[i])
    }

    /// The index of `code` in [`CheckCatalogue::specs`].
    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.by_code.get(code).copied()
    }

    /// All specs, sorted by code.
    pub fn specs(&self) -> &[IndicatorSpec] {
        &self.specs
    }

    /// The indicators whose Chinese name is exactly `name` (one per frequency at most in the
    /// shipped catalogue: `利润总额` is both `profit_total` and `m_profit`).
    pub fn by_name_zh(&self, name: &str) -> impl Iterator<Item = &IndicatorSpec> {
        self.by_name
            .get(name)
            .into_iter()
            .flatten()
            .map(|&i| &self.specs[i])
    }

    /// Codes of the indicators marked required with `frequency`, sorted: a task's default list.
    pub fn required_codes(&self, frequency: Frequency) -> Vec<String> {
        self.specs
            .iter()
            .filter(|s| s.required && s.frequency == frequency)
            .map(|s| s.code.clone())
            .collect()
    }

    /// Number of indicators.
    pub fn len(&self) -> usize {
        self.specs.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }
}

/// Checks one spec on its own; relations between specs are checked by [`build`].
fn validate_spec(row: usize, spec: &IndicatorSpec, errors: &mut Vec<CatalogueError>) {
    let mut push = |column: &str, message: String| {
        errors.push(CatalogueError {
            row,
            column: Some(column.into()),
            message,
        })
    };
    let code_ok = !spec.code.is_empty()
        && spec
            .code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !code_ok {
        push(
            "code",
            format!("`{}` is not a code of a–z, 0–9 and _", spec.code),
        );
    }
    if spec.name_zh.is_empty() {
        push("name_zh", "empty".into());
    }
    if spec.unit.is_empty() {
        push("unit", "empty".into());
    }
    match spec.accepted_units.iter().find(|(u, _)| *u == spec.unit) {
        Some((_, f)) if *f == 1.0 => {}
        Some((_, f)) => push(
            "accepted_units",
            format!("the catalogue unit must have factor 1, not {f}"),
        ),
        None => push(
            "accepted_units",
            "does not contain the catalogue unit".into(),
        ),
    }
    for (i, (u, f)) in spec.accepted_units.iter().enumerate() {
        if !(f.is_finite() && *f > 0.0) {
            push("accepted_units", format!("factor of `{u}` is not positive"));
        }
        if spec.accepted_units[..i].iter().any(|(v, _)| v == u) {
            push("accepted_units", format!("`{u}` is listed twice"));
        }
    }
    if spec.cumulative && spec.frequency == Frequency::Annual {
        push(
            "cumulative",
            "an annual indicator cannot be cumulative".into(),
        );
    }
    if let (Some(lo), Some(hi)) = (spec.min, spec.max)
        && lo > hi
    {
        push("max", format!("max {hi} is below min {lo}"));
    }
    for (name, bound) in [("yoy_warn", spec.yoy_warn), ("yoy_block", spec.yoy_block)] {
        if bound.is_some_and(|b| !(b > 0.0)) {
            push(name, "must be a positive fraction".into());
        }
    }
    if let (Some(w), Some(b)) = (spec.yoy_warn, spec.yoy_block)
        && b < w
    {
        push("yoy_block", format!("{b} is below yoy_warn {w}"));
    }
}

fn build(
    rows: Vec<(usize, IndicatorSpec)>,
    mut errors: Vec<CatalogueError>,
) -> Result<CheckCatalogue, Vec<CatalogueError>> {
    let mut by_code: HashMap<String, usize> = HashMap::new();
    for (row, spec) in &rows {
        if by_code.insert(spec.code.clone(), *row).is_some() {
            errors.push(CatalogueError {
                row: *row,
                column: Some("code".into()),
                message: format!("`{}` appears twice", spec.code),
            });
        }
    }
    // A part is compared with its total in the total's unit, so the total must accept the
    // part's unit (个 and 家 for counts of firms), and both must have the same frequency.
    let find = |code: &str| rows.iter().find(|(_, s)| s.code == code).map(|(_, s)| s);
    for (row, spec) in &rows {
        for total in &spec.parts_of {
            let problem = match find(total) {
                None => Some(format!("`{total}` is not an indicator of this file")),
                Some(t) if t.code == spec.code => {
                    Some("an indicator cannot be its own part".into())
                }
                Some(t) if t.factor(&spec.unit).is_none() => Some(format!(
                    "`{total}` is in {}, which {} cannot be converted to",
                    t.unit, spec.unit
                )),
                Some(t) if t.frequency != spec.frequency => {
                    Some(format!("`{total}` has another frequency"))
                }
                Some(_) => None,
            };
            if let Some(message) = problem {
                errors.push(CatalogueError {
                    row: *row,
                    column: Some("parts_of".into()),
                    message,
                });
            }
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Err(errors);
    }
    let mut specs: Vec<IndicatorSpec> = rows.into_iter().map(|(_, s)| s).collect();
    specs.sort_by(|a, b| a.code.cmp(&b.code));
    let by_code = specs
        .iter()
        .enumerate()
        .map(|(i, s)| (s.code.clone(), i))
        .collect();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, s) in specs.iter().enumerate() {
        by_name.entry(s.name_zh.clone()).or_default().push(i);
    }
    Ok(CheckCatalogue {
        specs,
        by_code,
        by_name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_catalogue_parses_with_sixty_four_indicators() {
        let c = CheckCatalogue::standard();
        assert_eq!(c.len(), 68);
        let rev = c.get("rev_main").unwrap();
        assert_eq!(rev.unit, "亿元");
        assert_eq!(rev.factor("元"), Some(1e-8));
        assert_eq!(rev.factor("万元"), Some(1e-4));
        assert_eq!(rev.factor(""), Some(1.0));
        assert_eq!(rev.factor(" 亿元 "), Some(1.0));
        assert_eq!(c.get("m_rev").unwrap().frequency, Frequency::Monthly);
        assert!(c.get("m_rev").unwrap().cumulative);
        assert_eq!(c.by_name_zh("利润总额").count(), 2);
        assert!(
            c.required_codes(Frequency::Annual)
                .contains(&"rev_main".into())
        );
    }

    #[test]
    fn full_width_units_are_the_same_unit() {
        let c = CheckCatalogue::standard();
        assert_eq!(c.get("rd_intensity").unwrap().factor("％"), Some(1.0));
        assert_eq!(c.get("tax_per_mu").unwrap().factor("万元／亩"), Some(1.0));
    }

    #[test]
    fn an_edited_file_reports_every_problem_with_row_and_column() {
        let text = "code,name_zh,unit,accepted_units,frequency,cumulative,min,max,yoy_warn,yoy_block,required,parts_of\n\
                    a,甲,亿元,万元:1e-4,annual,no,0,10,0.5,4,yes,\n\
                    b,乙,亿元,万元:x,weekly,maybe,5,1,0.5,0.1,no,c\n\
                    a,丙,%,,annual,no,,,,,no,\n";
        let errors = CheckCatalogue::from_csv(text).unwrap_err();
        let at = |row: usize, column: &str| {
            errors
                .iter()
                .any(|e| e.row == row && e.column.as_deref() == Some(column))
        };
        assert!(at(3, "accepted_units"), "{errors:?}");
        assert!(at(3, "frequency"));
        assert!(at(3, "cumulative"));
        assert!(at(3, "max"));
        assert!(at(3, "yoy_block"));
        assert!(at(4, "code"), "{errors:?}");
        // A good file parses, and the catalogue unit is added when not listed.
        let good = "code,name_zh,unit,accepted_units,frequency,cumulative,min,max,yoy_warn,yoy_block,required,parts_of\n\
                    a,甲,亿元,万元:1e-4,annual,no,0,10,0.5,4,yes,\n";
        let c = CheckCatalogue::from_csv(good).unwrap();
        assert_eq!(c.get("a").unwrap().factor("亿元"), Some(1.0));
    }

    #[test]
    fn a_missing_column_is_named() {
        let errors = CheckCatalogue::from_csv("code,name_zh\n").unwrap_err();
        assert!(errors.iter().any(|e| e.column.as_deref() == Some("unit")));
    }

    #[test]
    fn parts_must_share_unit_and_frequency_with_their_totals() {
        let text = "code,name_zh,unit,accepted_units,frequency,cumulative,min,max,yoy_warn,yoy_block,required,parts_of\n\
                    a,甲,亿元,,annual,no,,,,,no,b\n\
                    b,乙,万元,,annual,no,,,,,no,\n";
        let errors = CheckCatalogue::from_csv(text).unwrap_err();
        assert_eq!(errors[0].row, 2);
        assert_eq!(errors[0].column.as_deref(), Some("parts_of"));
    }

    #[test]
    fn conversion_refuses_foreign_units() {
        let spec = CheckCatalogue::standard().get("m_tax").unwrap();
        assert_eq!(convert(2.0, "亿元", spec).unwrap(), 20000.0);
        let e = convert(2.0, "吨", spec).unwrap_err();
        let f = e.to_finding();
        assert_eq!(f.rule, Rule::BadUnit);
        assert!(
            f.message.contains("吨") && f.message.contains("万元"),
            "{}",
            f.message
        );
    }
}
