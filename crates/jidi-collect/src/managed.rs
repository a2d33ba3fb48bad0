//! The managed catalogue: every indicator with what describes it (names, unit, frequency,
//! direction, dimension, categories, formula) and what its values are checked against (accepted
//! units, bounds, year-on-year bounds, required, parts of totals), plus whether it is retired.
//!
//! The shipped catalogue joins the reference catalogue of `jidi-domain` with the check specs of
//! [`CheckCatalogue::standard`]; the ministry edits it as one file (CSV or XLSX, the columns of
//! [`CATALOGUE_COLUMNS`], English or Chinese headers) or entry by entry, and the store keeps each
//! version. A retired indicator keeps its history and its checks (an export of old values imports
//! back unchanged) but accepts no new values.

use std::collections::{BTreeMap, HashMap};

use jidi_domain::catalogue::{DIMENSIONS, reference_catalogue};
use jidi_domain::engine::normalise::Direction;
use jidi_domain::reference::BUILTIN_CATEGORIES;
use jidi_tabular::{Cell, Table, format_number};
use serde::Serialize;

use crate::catalogue::{CatalogueError, CheckCatalogue, Frequency, IndicatorSpec, normalise_unit};
use crate::formula::Formula;

/// The columns of a catalogue file, in export order: `(code, Chinese header)`. Files may use
/// either header.
pub const CATALOGUE_COLUMNS: [(&str, &str); 19] = [
    ("code", "代码"),
    ("name_zh", "指标名称"),
    ("name_en", "英文名称"),
    ("unit", "计量单位"),
    ("accepted_units", "可用单位"),
    ("frequency", "频率"),
    ("cumulative", "累计"),
    ("direction", "方向"),
    ("dimension", "维度"),
    ("applies_to", "适用类别"),
    ("formula", "计算公式"),
    ("min", "下限"),
    ("max", "上限"),
    ("yoy_warn", "同比预警"),
    ("yoy_block", "同比阻断"),
    ("required", "必报"),
    ("parts_of", "不超过"),
    ("status", "状态"),
    ("compute", "计算式"),
];

/// Longest text accepted in a catalogue cell (names and formulas are short prose).
const MAX_CELL_CHARS: usize = 500;

/// Most indicators a catalogue may hold (the shipped one has 68).
pub const MAX_ENTRIES: usize = 2_000;

/// Whether an indicator still takes new values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Asked by tasks and forms, accepted in files.
    Active,
    /// Kept with its history; no new values.
    Retired,
}

impl Status {
    /// `active` or `retired`.
    pub fn code(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Retired => "retired",
        }
    }

    /// Parses [`Status::code`] or its Chinese form (在用, 停用).
    pub fn parse(text: &str) -> Option<Status> {
        match text.trim() {
            "active" | "在用" | "" => Some(Status::Active),
            "retired" | "停用" => Some(Status::Retired),
            _ => None,
        }
    }
}

/// One indicator of the managed catalogue.
#[derive(Clone, Debug, PartialEq)]
pub struct CatalogueEntry {
    /// What values are checked against (code, Chinese name, unit, frequency, bounds, …).
    pub spec: IndicatorSpec,
    /// English name.
    pub name_en: String,
    /// Benefit or cost.
    pub direction: Direction,
    /// Dimension code (`jidi_domain::catalogue::DIMENSIONS`) or `monitoring`.
    pub dimension: String,
    /// Category codes it applies to; empty = all.
    pub applies_to: Vec<String>,
    /// How it is computed, in words (empty for a figure reported as such).
    pub formula: String,
    /// Active or retired.
    pub status: Status,
    /// For a derived indicator, the formula that computes it from other indicators of the same
    /// base and period ([`Formula`]); empty for a reported one. A derived value is never typed.
    pub compute: String,
}

impl CatalogueEntry {
    /// Whether it applies to bases of `category`.
    pub fn applies(&self, category: &str) -> bool {
        self.applies_to.is_empty() || self.applies_to.iter().any(|c| c == category)
    }

    /// The entry as the cells of one file row, in [`CATALOGUE_COLUMNS`] order.
    pub fn cells(&self) -> Vec<String> {
        let s = &self.spec;
        let number = |x: Option<f64>| x.map(format_number).unwrap_or_default();
        let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
        vec![
            s.code.clone(),
            s.name_zh.clone(),
            self.name_en.clone(),
            s.unit.clone(),
            s.accepted_units
                .iter()
                .map(|(u, f)| format!("{u}:{}", format_number(*f)))
                .collect::<Vec<_>>()
                .join(";"),
            s.frequency.code().to_string(),
            yes(s.cumulative),
            match self.direction {
                Direction::Benefit => "benefit",
                Direction::Cost => "cost",
            }
            .to_string(),
            self.dimension.clone(),
            self.applies_to.join(";"),
            self.formula.clone(),
            number(s.min),
            number(s.max),
            number(s.yoy_warn),
            number(s.yoy_block),
            yes(s.required),
            s.parts_of.join(";"),
            self.status.code().to_string(),
            self.compute.clone(),
        ]
    }

    /// The entry as a JSON object keyed by column code (audit entries, API).
    pub fn to_json(&self) -> serde_json::Value {
        let cells = self.cells();
        serde_json::Value::Object(
            CATALOGUE_COLUMNS
                .iter()
                .zip(cells)
                .map(|((name, _), v)| ((*name).to_string(), serde_json::Value::String(v)))
                .collect(),
        )
    }
}

/// A whole catalogue: its entries in file order and the checks built from them.
#[derive(Clone, Debug, PartialEq)]
pub struct ManagedCatalogue {
    entries: Vec<CatalogueEntry>,
    checks: CheckCatalogue,
    /// Where each code's entry is in `entries`: lookups run per value checked or derived.
    by_code: HashMap<String, usize>,
}

/// What changed in one indicator between two versions.
#[derive(Clone, Debug, PartialEq)]
pub struct EntryChange {
    /// The indicator.
    pub code: String,
    /// Its previous form (none: added).
    pub old: Option<serde_json::Value>,
    /// Its new form.
    pub new: serde_json::Value,
    /// Columns that differ.
    pub columns: Vec<&'static str>,
}

impl ManagedCatalogue {
    /// The shipped catalogue: the reference catalogue's 68 indicators with their shipped checks.
    pub fn shipped() -> ManagedCatalogue {
        let checks = CheckCatalogue::standard();
        let entries = reference_catalogue()
            .iter()
            .map(|i| CatalogueEntry {
                spec: checks
                    .get(&i.code)
                    .expect("every reference indicator has shipped checks")
                    .clone(),
                name_en: i.name_en.clone(),
                direction: i.direction,
                dimension: i.dimension.clone(),
                applies_to: i.applies_to.clone(),
                formula: i.formula.clone(),
                status: Status::Active,
                compute: String::new(),
            })
            .collect();
        ManagedCatalogue::from_entries(entries).expect("the shipped catalogue is valid")
    }

    /// A catalogue of `entries` (rows numbered from 2 in errors, as in a file).
    pub fn from_entries(
        entries: Vec<CatalogueEntry>,
    ) -> Result<ManagedCatalogue, Vec<CatalogueError>> {
        let mut errors = Vec::new();
        if entries.len() > MAX_ENTRIES {
            errors.push(error(
                1,
                None,
                format!("{} indicators: at most {MAX_ENTRIES}", entries.len()),
            ));
            return Err(errors);
        }
        for (i, e) in entries.iter().enumerate() {
            validate_entry(i + 2, e, &mut errors);
        }
        validate_formulas(&entries, &mut errors);
        let checks = CheckCatalogue::from_specs(entries.iter().map(|e| e.spec.clone()).collect());
        match checks {
            Ok(checks) if errors.is_empty() => {
                let by_code = entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (e.spec.code.clone(), i))
                    .collect();
                Ok(ManagedCatalogue {
                    entries,
                    checks,
                    by_code,
                })
            }
            Ok(_) => Err(errors),
            Err(more) => {
                errors.extend(more);
                errors.sort_by_key(|e| e.row);
                errors.dedup();
                Err(errors)
            }
        }
    }

    /// Reads a catalogue file already read into a table (CSV or XLSX through `jidi-tabular`),
    /// reporting every problem with its row and column.
    pub fn from_table(table: &Table) -> Result<ManagedCatalogue, Vec<CatalogueError>> {
        let mut index = BTreeMap::new();
        let mut errors = Vec::new();
        for (name, zh) in CATALOGUE_COLUMNS {
            match table.column(&[name, zh]) {
                Some(i) => {
                    index.insert(name, i);
                }
                None if matches!(name, "formula" | "name_en") => {}
                None => errors.push(error(1, Some(name), format!("missing column ({zh})"))),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        if table.rows.len() > MAX_ENTRIES {
            return Err(vec![error(
                1,
                None,
                format!("{} rows: at most {MAX_ENTRIES}", table.rows.len()),
            )]);
        }
        let mut entries = Vec::with_capacity(table.rows.len());
        let mut rows = Vec::with_capacity(table.rows.len());
        for row in &table.rows {
            // A leading apostrophe before = + - @ is how a CSV writer guards a cell against
            // being read as a formula (jidi's own exports do it): the text is what follows.
            let cell = |name: &str| -> &str {
                let text = index
                    .get(name)
                    .and_then(|&i| row.cells.get(i))
                    .map_or("", |c| c.trim());
                match text.strip_prefix('\'') {
                    Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
                    _ => text,
                }
            };
            let before = errors.len();
            let mut fail = |column: &str, message: String| {
                errors.push(error(row.number, Some(column), message));
            };
            for (name, _) in CATALOGUE_COLUMNS {
                let text = cell(name);
                if text.chars().count() > MAX_CELL_CHARS || text.contains('\0') {
                    fail(
                        name,
                        format!("longer than {MAX_CELL_CHARS} characters or holds NUL"),
                    );
                }
            }
            let mut number = |name: &str| -> Option<f64> {
                // A leading apostrophe is how spreadsheets and guarded CSV writers mark a
                // number kept as text.
                let text = cell(name);
                let text = text.strip_prefix('\'').unwrap_or(text);
                if text.is_empty() {
                    return None;
                }
                match text.parse::<f64>() {
                    Ok(x) if x.is_finite() => Some(x),
                    _ => {
                        fail(name, format!("`{text}` is not a number"));
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
            let mut fail = |column: &str, message: String| {
                errors.push(error(row.number, Some(column), message));
            };
            let mut yes_no = |name: &str| match cell(name) {
                "yes" | "是" => true,
                "no" | "否" | "" | "n/a" => false,
                other => {
                    fail(name, format!("`{other}` is not yes or no (是/否)"));
                    false
                }
            };
            let (cumulative, required) = (yes_no("cumulative"), yes_no("required"));
            let mut fail = |column: &str, message: String| {
                errors.push(error(row.number, Some(column), message));
            };
            let frequency = match cell("frequency") {
                "月" | "月度" => Some(Frequency::Monthly),
                "年" | "年度" => Some(Frequency::Annual),
                "季" | "季度" => Some(Frequency::Quarterly),
                other => Frequency::parse(other),
            }
            .unwrap_or_else(|| {
                fail(
                    "frequency",
                    format!(
                        "`{}` is not monthly, quarterly or annual",
                        cell("frequency")
                    ),
                );
                Frequency::Annual
            });
            let direction = match cell("direction") {
                "正向" => Some(Direction::Benefit),
                "逆向" => Some(Direction::Cost),
                other => Direction::parse(other),
            }
            .unwrap_or_else(|| {
                fail(
                    "direction",
                    format!("`{}` is not benefit or cost (正向/逆向)", cell("direction")),
                );
                Direction::Benefit
            });
            let dimension = match cell("dimension") {
                "monitoring" | "监测" => "monitoring".to_string(),
                other => DIMENSIONS
                    .iter()
                    .find(|(code, zh, _)| *code == other || *zh == other)
                    .map(|(code, ..)| (*code).to_string())
                    .unwrap_or_else(|| {
                        fail(
                            "dimension",
                            format!("`{other}` is not a dimension of the catalogue"),
                        );
                        String::new()
                    }),
            };
            let mut applies_to = Vec::new();
            for part in split_list(cell("applies_to")) {
                if part == "all" || part == "全部" {
                    continue;
                }
                match BUILTIN_CATEGORIES.iter().find(|(code, parent, zh, _)| {
                    parent.is_none() && (*code == part || *zh == part)
                }) {
                    Some((code, ..)) => applies_to.push((*code).to_string()),
                    None => fail(
                        "applies_to",
                        format!("`{part}` is not a category (装备制造, 原材料, …)"),
                    ),
                }
            }
            let status = Status::parse(cell("status")).unwrap_or_else(|| {
                fail(
                    "status",
                    format!("`{}` is not active or retired (在用/停用)", cell("status")),
                );
                Status::Active
            });
            let mut accepted_units = Vec::new();
            for part in split_list(cell("accepted_units")) {
                let parsed = part.rsplit_once(':').and_then(|(u, f)| {
                    let f = f.trim().parse::<f64>().ok()?;
                    let u = normalise_unit(u).into_owned();
                    (!u.is_empty() && f.is_finite() && f > 0.0).then_some((u, f))
                });
                match parsed {
                    Some(pair) => accepted_units.push(pair),
                    None => fail(
                        "accepted_units",
                        format!("`{part}` is not unit:factor with a positive factor"),
                    ),
                }
            }
            let unit = normalise_unit(cell("unit")).into_owned();
            if !unit.is_empty() && !accepted_units.iter().any(|(u, _)| *u == unit) {
                accepted_units.insert(0, (unit.clone(), 1.0));
            }
            if errors.len() != before {
                continue;
            }
            rows.push(row.number);
            entries.push(CatalogueEntry {
                spec: IndicatorSpec {
                    code: cell("code").to_string(),
                    name_zh: cell("name_zh").to_string(),
                    unit,
                    accepted_units,
                    frequency,
                    cumulative,
                    min,
                    max,
                    yoy_warn,
                    yoy_block,
                    required,
                    parts_of: split_list(cell("parts_of")).map(String::from).collect(),
                },
                name_en: cell("name_en").to_string(),
                direction,
                dimension,
                applies_to,
                formula: cell("formula").to_string(),
                status,
                compute: cell("compute").to_string(),
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        // Errors of the whole set count rows from 2 in entry order; give them the file's rows.
        ManagedCatalogue::from_entries(entries).map_err(|errors| {
            errors
                .into_iter()
                .map(|mut e| {
                    if e.row >= 2 {
                        e.row = rows.get(e.row - 2).copied().unwrap_or(e.row);
                    }
                    e
                })
                .collect()
        })
    }

    /// Reads a catalogue from CSV text (the canonical form [`ManagedCatalogue::to_csv`] writes).
    pub fn from_csv(text: &str) -> Result<ManagedCatalogue, Vec<CatalogueError>> {
        let table = jidi_tabular::read_csv("catalogue.csv", text.as_bytes())
            .map_err(|e| vec![error(1, None, e.to_string())])?;
        ManagedCatalogue::from_table(&table)
    }

    /// The entries, in file order.
    pub fn entries(&self) -> &[CatalogueEntry] {
        &self.entries
    }

    /// The entry of `code`.
    pub fn get(&self, code: &str) -> Option<&CatalogueEntry> {
        self.by_code.get(code).and_then(|&i| self.entries.get(i))
    }

    /// The checks of every indicator, retired ones included (their history stays checkable).
    pub fn checks(&self) -> &CheckCatalogue {
        &self.checks
    }

    /// Whether `code` is retired.
    pub fn is_retired(&self, code: &str) -> bool {
        self.get(code).is_some_and(|e| e.status == Status::Retired)
    }

    /// The active derived indicators with their formulas (each parsed: the catalogue was
    /// validated). A retired one keeps its history and is computed no more.
    pub fn derived(&self) -> impl Iterator<Item = (&CatalogueEntry, Formula)> {
        self.entries
            .iter()
            .filter(|e| e.status == Status::Active)
            .filter_map(|e| {
                let f = Formula::parse(&e.compute).ok()?;
                Some((e, f))
            })
    }

    /// Whether `code` is computed by a formula.
    pub fn is_derived(&self, code: &str) -> bool {
        self.get(code).is_some_and(|e| !e.compute.trim().is_empty())
    }

    /// The active indicators of `frequency`, in file order.
    pub fn active(&self, frequency: Frequency) -> impl Iterator<Item = &CatalogueEntry> {
        self.entries
            .iter()
            .filter(move |e| e.status == Status::Active && e.spec.frequency == frequency)
    }

    /// The header (English column codes) and rows of the catalogue as a file.
    pub fn to_rows(&self) -> (Vec<&'static str>, Vec<Vec<Cell>>) {
        let header = CATALOGUE_COLUMNS.iter().map(|(c, _)| *c).collect();
        // Bounds go out as numbers: a spreadsheet sums and sorts them, and a CSV writer that
        // guards against formulas would otherwise mark `-100` as text.
        let rows = self
            .entries
            .iter()
            .map(|e| {
                let s = &e.spec;
                let bounds = [
                    ("min", s.min),
                    ("max", s.max),
                    ("yoy_warn", s.yoy_warn),
                    ("yoy_block", s.yoy_block),
                ];
                CATALOGUE_COLUMNS
                    .iter()
                    .zip(e.cells())
                    .map(
                        |((name, _), text)| match bounds.iter().find(|(b, _)| b == name) {
                            Some((_, Some(x))) => Cell::Number(*x),
                            Some((_, None)) => Cell::Empty,
                            None => Cell::Text(text),
                        },
                    )
                    .collect()
            })
            .collect();
        (header, rows)
    }

    /// The catalogue as CSV text (UTF-8, no BOM): the canonical form a stored version keeps.
    pub fn to_csv(&self) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer
            .write_record(CATALOGUE_COLUMNS.iter().map(|(c, _)| *c))
            .expect("writing to memory");
        for e in &self.entries {
            writer.write_record(e.cells()).expect("writing to memory");
        }
        String::from_utf8(writer.into_inner().expect("writing to memory")).expect("cells are UTF-8")
    }

    /// What changes from `self` to `next`, per indicator, and the problems of the change itself:
    /// an indicator is retired, never removed (its history refers to it); and the unit,
    /// frequency or cumulation of an indicator with stored values cannot change (the values
    /// would silently mean something else: add a new indicator instead). `has_values` says
    /// whether an indicator has stored values; rows in errors count `next`'s entries from 2 (the caller maps them to its file's rows).
    pub fn changes_to(
        &self,
        next: &ManagedCatalogue,
        has_values: impl Fn(&str) -> bool,
    ) -> Result<Vec<EntryChange>, Vec<CatalogueError>> {
        let mut errors = Vec::new();
        for old in &self.entries {
            if next.get(&old.spec.code).is_none() {
                errors.push(error(
                    1,
                    Some("code"),
                    format!(
                        "`{}` ({}) is missing: an indicator is retired (status retired), never removed",
                        old.spec.code, old.spec.name_zh
                    ),
                ));
            }
        }
        let mut changes = Vec::new();
        for (i, new) in next.entries.iter().enumerate() {
            let row = i + 2;
            let old = self.get(&new.spec.code);
            if let Some(old) = old {
                let fixed = [
                    ("unit", old.spec.unit != new.spec.unit),
                    ("frequency", old.spec.frequency != new.spec.frequency),
                    ("cumulative", old.spec.cumulative != new.spec.cumulative),
                ];
                for (column, differs) in fixed {
                    if differs && has_values(&new.spec.code) {
                        errors.push(error(
                            row,
                            Some(column),
                            format!(
                                "`{}` has stored values in {} ({}): its {column} cannot change; add a new indicator instead",
                                new.spec.code,
                                old.spec.unit,
                                old.spec.frequency.code()
                            ),
                        ));
                    }
                }
            }
            let old_cells = old.map(CatalogueEntry::cells);
            let new_cells = new.cells();
            let columns: Vec<&'static str> = CATALOGUE_COLUMNS
                .iter()
                .enumerate()
                .filter(|(j, _)| old_cells.as_ref().is_none_or(|o| o[*j] != new_cells[*j]))
                .map(|(_, (c, _))| *c)
                .collect();
            if !columns.is_empty() {
                changes.push(EntryChange {
                    code: new.spec.code.clone(),
                    old: old.map(CatalogueEntry::to_json),
                    new: new.to_json(),
                    columns,
                });
            }
        }
        if errors.is_empty() {
            Ok(changes)
        } else {
            errors.sort_by_key(|e| e.row);
            Err(errors)
        }
    }

    /// This catalogue with `entry` replacing the one of the same code, or added at the end.
    pub fn with_entry(
        &self,
        entry: CatalogueEntry,
    ) -> Result<ManagedCatalogue, Vec<CatalogueError>> {
        let mut entries = self.entries.clone();
        match entries.iter_mut().find(|e| e.spec.code == entry.spec.code) {
            Some(e) => *e = entry,
            None => entries.push(entry),
        }
        ManagedCatalogue::from_entries(entries)
    }
}

/// A derived indicator's formula must parse, read only reported indicators of its own frequency
/// (one level: a derived value is computed from figures as they were accepted), and not itself.
fn validate_formulas(entries: &[CatalogueEntry], errors: &mut Vec<CatalogueError>) {
    for (i, e) in entries.iter().enumerate() {
        if e.compute.trim().is_empty() {
            continue;
        }
        let row = i + 2;
        let formula = match Formula::parse(&e.compute) {
            Ok(f) => f,
            Err(message) => {
                errors.push(error(row, Some("compute"), message));
                continue;
            }
        };
        for code in formula.codes() {
            let problem = match entries.iter().find(|c| c.spec.code == code) {
                None => Some(format!("`{code}` is not an indicator of this catalogue")),
                Some(c) if c.spec.code == e.spec.code => {
                    Some("a formula cannot read its own indicator".to_string())
                }
                Some(c) if !c.compute.trim().is_empty() => Some(format!(
                    "`{code}` is itself derived: a formula reads reported indicators only"
                )),
                Some(c) if c.spec.frequency != e.spec.frequency => {
                    Some(format!("`{code}` has another frequency"))
                }
                Some(c) if c.status == Status::Retired && e.status == Status::Active => Some(
                    format!("`{code}` is retired: the figure would never change again"),
                ),
                Some(_) => None,
            };
            if let Some(message) = problem {
                errors.push(error(row, Some("compute"), message));
            }
        }
    }
}

fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split([';', ',', '、', '；', '，', '|'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

fn error(row: usize, column: Option<&str>, message: String) -> CatalogueError {
    CatalogueError {
        row,
        column: column.map(String::from),
        message,
    }
}

/// What the check specs do not already check: names, the dimension, a frequency the store keeps.
fn validate_entry(row: usize, e: &CatalogueEntry, errors: &mut Vec<CatalogueError>) {
    if e.spec.frequency == Frequency::Quarterly {
        // The fact tables hold annual and monthly values; a quarterly indicator would need a
        // period convention the evaluation and the monitoring do not read yet.
        errors.push(error(
            row,
            Some("frequency"),
            "quarterly indicators are not stored yet: use monthly (1–N月累计) or annual".into(),
        ));
    }
    if e.name_en.is_empty() {
        errors.push(error(row, Some("name_en"), "empty".into()));
    }
    if e.dimension.is_empty() {
        errors.push(error(row, Some("dimension"), "empty".into()));
    }
    for (column, text) in [
        ("name_zh", &e.spec.name_zh),
        ("name_en", &e.name_en),
        ("formula", &e.formula),
    ] {
        if text.chars().count() > MAX_CELL_CHARS || text.contains('\0') {
            errors.push(error(
                row,
                Some(column),
                format!("longer than {MAX_CELL_CHARS} characters or holds NUL"),
            ));
        }
    }
    if e.spec.code.len() > 40 {
        errors.push(error(row, Some("code"), "longer than 40 characters".into()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        jidi_tabular::read("catalogue.csv", text.as_bytes()).unwrap()
    }

    #[test]
    fn the_shipped_catalogue_joins_names_and_checks() {
        let c = ManagedCatalogue::shipped();
        assert_eq!(c.entries().len(), 68);
        let rev = c.get("rev_main").unwrap();
        assert_eq!(rev.spec.unit, "亿元");
        assert_eq!(rev.dimension, "strength");
        assert_eq!(rev.status, Status::Active);
        assert_eq!(c.active(Frequency::Monthly).count(), 22);
        assert!(c.get("nc_rate").unwrap().applies("equipment"));
    }

    #[test]
    fn a_catalogue_round_trips_through_its_file() {
        let c = ManagedCatalogue::shipped();
        let again = ManagedCatalogue::from_table(&table(&c.to_csv())).unwrap();
        assert_eq!(again, c);
        assert!(c.changes_to(&again, |_| true).unwrap().is_empty());
    }

    #[test]
    fn chinese_headers_and_values_are_read() {
        let text = "代码,指标名称,英文名称,计量单位,可用单位,频率,累计,方向,维度,适用类别,计算公式,下限,上限,同比预警,同比阻断,必报,不超过,状态,计算式\n\
                    new_a,新指标,New one,亿元,万元:1e-4,年度,否,逆向,质量效益,装备制造、原材料,,0,,0.5,4,是,,停用\n";
        let c = ManagedCatalogue::from_table(&table(text)).unwrap();
        let e = c.get("new_a").unwrap();
        assert_eq!(e.direction, Direction::Cost);
        assert_eq!(e.dimension, "quality");
        assert_eq!(e.applies_to, vec!["equipment", "materials"]);
        assert_eq!(e.status, Status::Retired);
        assert!(e.spec.required);
        assert_eq!(e.spec.factor("万元"), Some(1e-4));
        assert_eq!(c.active(Frequency::Annual).count(), 0);
    }

    #[test]
    fn every_problem_is_named_with_row_and_column() {
        let text = "code,name_zh,name_en,unit,accepted_units,frequency,cumulative,direction,dimension,applies_to,formula,min,max,yoy_warn,yoy_block,required,parts_of,status,compute\n\
                    a,甲,A,亿元,,annual,no,benefit,strength,,,0,10,0.5,4,yes,,active\n\
                    b,乙,B,亿元,,weekly,no,sideways,nowhere,moon,,5,1,,,maybe,,gone\n";
        let errors = ManagedCatalogue::from_table(&table(text)).unwrap_err();
        let at = |row: usize, column: &str| {
            errors
                .iter()
                .any(|e| e.row == row && e.column.as_deref() == Some(column))
        };
        for column in [
            "frequency",
            "direction",
            "dimension",
            "applies_to",
            "required",
            "status",
        ] {
            assert!(at(3, column), "{column}: {errors:?}");
        }
        // Problems between rows are found once every row reads.
        let text = "code,name_zh,name_en,unit,accepted_units,frequency,cumulative,direction,dimension,applies_to,formula,min,max,yoy_warn,yoy_block,required,parts_of,status,compute\n\
                    a,甲,A,亿元,,annual,no,benefit,strength,,,5,1,,,no,,active\n\
                    c,丙,C,亿元,,quarterly,no,cost,green,,,,,,,no,zz,active\n";
        let errors = ManagedCatalogue::from_table(&table(text)).unwrap_err();
        let at = |row: usize, column: &str| {
            errors
                .iter()
                .any(|e| e.row == row && e.column.as_deref() == Some(column))
        };
        assert!(at(2, "max"), "{errors:?}");
        assert!(at(3, "frequency"), "{errors:?}");
        assert!(at(3, "parts_of"), "{errors:?}");
        let missing = ManagedCatalogue::from_table(&table("code,name_zh\nx,y\n")).unwrap_err();
        assert!(missing.iter().any(|e| e.column.as_deref() == Some("unit")));
    }

    #[test]
    fn formulas_read_reported_indicators_of_their_frequency() {
        let shipped = ManagedCatalogue::shipped();
        let with = |code: &str, compute: &str| {
            let mut e = shipped.get(code).unwrap().clone();
            e.compute = compute.into();
            e
        };
        let ok = shipped
            .with_entry(with("profit_margin", "profit_total / rev_main * 100"))
            .unwrap();
        assert!(ok.is_derived("profit_margin"));
        assert_eq!(ok.derived().count(), 1);
        for (compute, why) in [
            ("profit_margin * 2", "its own"),
            ("m_rev / rev_main", "another frequency"),
            ("nowhere + 1", "not an indicator"),
            ("rev_main +", "ends too early"),
        ] {
            let errors = shipped
                .with_entry(with("profit_margin", compute))
                .unwrap_err();
            assert!(
                errors
                    .iter()
                    .any(|e| e.column.as_deref() == Some("compute") && e.message.contains(why)),
                "{compute}: {errors:?}"
            );
        }
        // A formula may not read a derived indicator.
        let errors = ok
            .with_entry(with("labour_prod", "profit_margin * 2"))
            .unwrap_err();
        assert!(errors[0].message.contains("itself derived"), "{errors:?}");
    }

    #[test]
    fn history_fixes_unit_frequency_and_presence() {
        let old = ManagedCatalogue::shipped();
        // Removing an indicator is refused; retiring it is a change.
        let gone = "va_growth";
        let kept: Vec<CatalogueEntry> = old
            .entries()
            .iter()
            .filter(|e| e.spec.code != gone)
            .cloned()
            .collect();
        let fewer = ManagedCatalogue::from_entries(kept).unwrap();
        let errors = old.changes_to(&fewer, |_| false).unwrap_err();
        assert!(errors[0].message.contains(gone), "{errors:?}");
        let mut retired = old.get("rev_main").unwrap().clone();
        retired.status = Status::Retired;
        let next = old.with_entry(retired).unwrap();
        let changes = old.changes_to(&next, |_| true).unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].columns, vec!["status"]);
        assert!(next.is_retired("rev_main"));
        // A new unit is refused when values exist, allowed when none do.
        let mut other_unit = old.get("tax_per_mu").unwrap().clone();
        other_unit.spec.unit = "元/亩".into();
        other_unit.spec.accepted_units = vec![("元/亩".into(), 1.0)];
        let next = old.with_entry(other_unit).unwrap();
        let errors = old
            .changes_to(&next, |code| code == "tax_per_mu")
            .unwrap_err();
        assert_eq!(errors[0].column.as_deref(), Some("unit"), "{errors:?}");
        assert!(old.changes_to(&next, |_| false).is_ok());
    }
}
