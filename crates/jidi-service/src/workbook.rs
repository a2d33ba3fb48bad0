//! The province workbook (省级汇总表): one sheet for many bases and one period, a row per base
//! and a column per indicator, as provincial departments pass figures up in Excel. It is
//! written pre-filled with the accepted values, filled in Excel or WPS, and read back into the
//! long form so that exactly the checks of any other upload apply; every finding is pointed back
//! at the sheet's own row and column (`F (营业收入（亿元）[rev_main])`), and the upload is all or
//! nothing like any other.

use std::collections::HashMap;

use jidi_collect::{CheckCatalogue, Finding, Rule, ValuePeriod};
use jidi_store::{Frequency, Store};
use jidi_tabular::{Cell, Row, Table};
use sha2::{Digest, Sha256};

use crate::values::{ImportValues, ValuesError, ValuesOutcome};

/// The fixed columns before the indicators: `(code, Chinese header)`.
pub const FIXED_COLUMNS: [(&str, &str); 3] = [
    ("base_id", "基地编号"),
    ("base_name", "基地名称"),
    ("period", "期间"),
];

/// The explanation column after the indicators (one per base row: it explains every warning of
/// the row).
pub const EXPLANATION: &str = "情况说明";

/// Most bases in one workbook (a province has a few dozen national and a few hundred
/// provincial bases).
pub const MAX_BASES: usize = 5_000;

/// The header of an indicator's column: its name, unit and code, so that an official reads
/// the first and the importer the last (`营业收入（规上工业/示范基地）（亿元）[rev_main]`).
pub fn indicator_header(name_zh: &str, unit: &str, code: &str) -> String {
    format!("{name_zh}（{unit}）[{code}]")
}

/// The indicator code of a column header: `[code]` at its end, or the bare code, or the exact
/// Chinese name of one indicator of `frequency`.
fn code_of_header<'a>(
    header: &str,
    catalogue: &'a CheckCatalogue,
    frequency: jidi_collect::Frequency,
) -> Option<&'a str> {
    let h = header.trim();
    let inner = h
        .strip_suffix(']')
        .and_then(|rest| rest.rsplit_once('[').map(|(_, code)| code.trim()))
        .unwrap_or(h);
    if let Some(spec) = catalogue.get(inner) {
        return Some(spec.code.as_str());
    }
    catalogue
        .by_name_zh(inner)
        .find(|s| s.frequency == frequency)
        .map(|s| s.code.as_str())
}

/// One base of a workbook: its id, name and accepted values by indicator code.
#[derive(Clone, Debug)]
pub struct WorkbookBase {
    /// The base.
    pub id: i64,
    /// Its official name.
    pub name: String,
    /// Its category (an indicator that does not apply to it is left blank and greyed by name).
    pub category: String,
    /// Accepted values of the period.
    pub values: HashMap<String, f64>,
}

/// The workbook of `bases` for `period`: the header and one row per base, with the accepted
/// values filled in (in the catalogue's unit) and the indicators that do not apply left empty.
pub async fn workbook(
    store: &Store,
    base_ids: &[(i64, String, String)],
    period: ValuePeriod,
) -> Result<(Vec<String>, Vec<Vec<Cell>>), ValuesError> {
    let (_, catalogue) = store.current_catalogue().await?;
    let (frequency, key, wanted) = match period {
        ValuePeriod::Year(y) => (Frequency::Annual, y, jidi_collect::Frequency::Annual),
        ValuePeriod::Month(m) => (
            Frequency::Monthly,
            m.year() * 100 + m.month() as i32,
            jidi_collect::Frequency::Monthly,
        ),
    };
    let asked: Option<Vec<String>> = store.task_for_period(frequency, key).await?.map(|(_, c)| c);
    let entries: Vec<_> = catalogue
        .active(wanted)
        .filter(|e| e.compute.trim().is_empty())
        .filter(|e| asked.as_ref().is_none_or(|a| a.contains(&e.spec.code)))
        .collect();
    let ids: Vec<i64> = base_ids.iter().map(|(id, ..)| *id).collect();
    let mut stored: HashMap<(i64, String), f64> = HashMap::new();
    for chunk in ids.chunks(500) {
        for v in store
            .values_of_bases(frequency, key, key, chunk, &[])
            .await?
        {
            stored.insert((v.base_id, v.indicator), v.value);
        }
    }
    let mut header: Vec<String> = FIXED_COLUMNS.iter().map(|(_, zh)| zh.to_string()).collect();
    header.extend(
        entries
            .iter()
            .map(|e| indicator_header(&e.spec.name_zh, &e.spec.unit, &e.spec.code)),
    );
    header.push(EXPLANATION.to_string());
    let rows = base_ids
        .iter()
        .map(|(id, name, category)| {
            let mut row = vec![
                Cell::Number(*id as f64),
                Cell::Text(name.clone()),
                Cell::Text(period.to_string()),
            ];
            row.extend(
                entries
                    .iter()
                    .map(|e| match stored.get(&(*id, e.spec.code.clone())) {
                        Some(v) if e.applies(category) => Cell::Number(*v),
                        _ => Cell::Empty,
                    }),
            );
            row.push(Cell::Empty);
            row
        })
        .collect();
    Ok((header, rows))
}

/// A workbook read into the long form: the long table, and for each of its rows the wide
/// table's row number and the label of the indicator's column.
struct LongForm {
    table: Table,
    /// `(wide row, indicator) → column label of the wide table`.
    columns: HashMap<(usize, String), String>,
    /// Labels of the fixed columns in the wide table.
    fixed: HashMap<&'static str, String>,
}

fn to_long_form(wide: &Table, catalogue: &CheckCatalogue) -> Result<LongForm, Vec<Finding>> {
    let mut findings = Vec::new();
    let mut fixed: HashMap<&'static str, usize> = HashMap::new();
    for (code, zh) in FIXED_COLUMNS {
        match wide.column(&[code, zh]) {
            Some(i) => {
                fixed.insert(code, i);
            }
            None if code == "base_name" => {}
            None => findings.push(
                Finding::new(Rule::BadHeader, zh, format!("缺少“{zh}”列（{code}）"))
                    .in_sheet(&wide.file)
                    .in_column(zh)
                    .at_row(1),
            ),
        }
    }
    let explanation = wide.column(&[EXPLANATION, "explanation", "说明"]);
    if !findings.is_empty() {
        return Err(findings);
    }
    // The period decides the frequency whose names a header may use; the first row's is enough
    // to read headers (each row's own period is checked by the parser).
    let frequency = wide
        .rows
        .first()
        .and_then(|r| r.cells.get(fixed["period"]))
        .and_then(|p| p.trim().parse::<ValuePeriod>().ok())
        .map_or(jidi_collect::Frequency::Annual, |p| match p {
            ValuePeriod::Year(_) => jidi_collect::Frequency::Annual,
            ValuePeriod::Month(_) => jidi_collect::Frequency::Monthly,
        });
    let mut indicators: Vec<(usize, String)> = Vec::new();
    for (i, h) in wide.header.iter().enumerate() {
        if fixed.values().any(|&f| f == i) || Some(i) == explanation || h.trim().is_empty() {
            continue;
        }
        match code_of_header(h, catalogue, frequency) {
            Some(code) if indicators.iter().any(|(_, c)| c == code) => findings.push(
                Finding::new(
                    Rule::BadHeader,
                    "每个指标一列",
                    format!("指标 {code} 有两列"),
                )
                .in_sheet(&wide.file)
                .in_column(wide.column_label(i))
                .at_row(1),
            ),
            Some(code) => indicators.push((i, code.to_string())),
            None => findings.push(
                Finding::new(
                    Rule::UnknownIndicator,
                    "指标名称（单位）[代码]",
                    format!(
                        "表头“{}”不是目录中的指标",
                        h.chars().take(80).collect::<String>()
                    ),
                )
                .in_sheet(&wide.file)
                .in_column(wide.column_label(i))
                .at_row(1)
                .with_value(h.chars().take(80).collect::<String>()),
            ),
        }
    }
    if wide.rows.len() > MAX_BASES {
        findings.push(
            Finding::new(
                Rule::BadHeader,
                format!("至多 {MAX_BASES} 行"),
                format!("{} 行基地超过上限 {MAX_BASES}", wide.rows.len()),
            )
            .in_sheet(&wide.file),
        );
    }
    if !findings.is_empty() {
        return Err(findings);
    }
    let cell = |row: &Row, i: usize| row.cells.get(i).map_or("", |c| c.trim()).to_string();
    let mut long_rows = Vec::new();
    let mut columns = HashMap::new();
    for row in &wide.rows {
        for (i, code) in &indicators {
            let value = cell(row, *i);
            if value.is_empty() {
                continue;
            }
            long_rows.push(Row {
                number: row.number,
                cells: vec![
                    cell(row, fixed["base_id"]),
                    fixed
                        .get("base_name")
                        .map_or(String::new(), |&n| cell(row, n)),
                    cell(row, fixed["period"]),
                    code.clone(),
                    value,
                    explanation.map_or(String::new(), |e| cell(row, e)),
                ],
            });
            columns.insert((row.number, code.clone()), wide.column_label(*i));
        }
    }
    Ok(LongForm {
        table: Table {
            file: wide.file.clone(),
            header: [
                "base_id",
                "base_name",
                "period",
                "indicator",
                "value",
                "explanation",
            ]
            .map(String::from)
            .to_vec(),
            rows: long_rows,
            spreadsheet: false,
        },
        columns,
        fixed: fixed
            .iter()
            .map(|(k, &i)| (*k, wide.column_label(i)))
            .collect(),
    })
}

/// Imports a filled-in province workbook: read, turned into the long form, checked and
/// accepted (or refused) exactly as [`crate::values::import_values`] does, every finding named
/// by the workbook's own row and column.
pub async fn import_workbook(
    store: &Store,
    file: &str,
    bytes: &[u8],
    how: &ImportValues,
) -> Result<ValuesOutcome, ValuesError> {
    let sha256 = hex::encode(Sha256::digest(bytes));
    let owned = (file.to_string(), bytes.to_vec());
    let (_, catalogue) = store.current_catalogue().await?;
    // Reading and turning up to 5,000 rows × the catalogue into the long form is CPU work: off
    // the async workers, in one step.
    let read = crate::cpu::run_heavy(std::time::Duration::from_secs(120), move || {
        jidi_tabular::read(&owned.0, &owned.1).map(|wide| {
            let long = to_long_form(&wide, catalogue.checks());
            (wide.file, wide.rows.len(), long)
        })
    })
    .await?;
    let refused = |findings: Vec<Finding>| ValuesOutcome {
        report: jidi_collect::Report::new(findings),
        rows: 0,
        changed: 0,
        unchanged: 0,
        batch_id: None,
        submission_id: None,
        unexplained: Vec::new(),
    };
    let (sheet, wide_rows, long) = match read {
        Ok(t) => t,
        Err(e) => {
            return Ok(refused(vec![
                Finding::new(Rule::BadHeader, "", e.to_string()).in_sheet(file),
            ]));
        }
    };
    let long = match long {
        Ok(l) => l,
        Err(findings) => return Ok(refused(findings)),
    };
    let LongForm {
        table,
        columns,
        fixed,
    } = long;
    let relabel = move |f: &mut Finding| {
        let located = f
            .row
            .zip(f.indicator.clone())
            .and_then(|(r, code)| columns.get(&(r, code)).cloned());
        let fixed_column = f.column.as_deref().and_then(|c| fixed.get(c)).cloned();
        f.column = match (f.column.as_deref(), located, fixed_column) {
            (Some("base_id" | "base_name" | "period"), _, Some(label)) => Some(label),
            (Some("explanation"), _, _) => Some(EXPLANATION.to_string()),
            (_, Some(label), _) => Some(label),
            (c, None, _) => c.map(String::from),
        };
        if f.sheet.is_none() {
            f.sheet = Some(sheet.clone());
        }
    };
    let mut outcome =
        crate::values::import_table(store, file, sha256, table, how, &relabel).await?;
    // The rows read are the workbook's base rows, not the long form's values.
    outcome.rows = wide_rows;
    Ok(outcome)
}
