//! Importing and exporting indicator values in the long form
//! (`base_id,base_name,period,indicator,value,unit`): read the file (bounded), parse and check
//! every row against the catalogue, the roll, the stored history and the peers
//! (`jidi-collect`), then accept all of it or nothing. `jidi import values`, the API and the
//! web upload come through here; `jidi export values` writes the same form back.

use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use jidi_collect::{
    BaseInfo, CheckCatalogue, Context, Finding, ParsedValue, Report, Rule, Scope, ValuePeriod,
    check_values, parse_long_form,
};
use jidi_domain::access::ListScope;
use jidi_monitor::period::Period;
use jidi_store::{
    AcceptedValue, AcceptedWarning, BaseFilter, BaseSort, Frequency, NewBatch, SortOrder, Store,
    StoredValue,
};
use jidi_tabular::Cell;
use sha2::{Digest, Sha256};

/// How long an import waits for a heavy-work slot.
const IMPORT_PATIENCE: std::time::Duration = std::time::Duration::from_secs(120);

/// Months of stored history read before a batch's first month: a year for the same month last
/// year, and a year before that for the base's own history.
const MONTHS_BEFORE: i64 = 25;

/// Years of stored history read before a batch's first year.
const YEARS_BEFORE: i32 = 6;

/// The header of the long form, as exported and as the import expects it.
pub const LONG_FORM_HEADER: [&str; 6] = [
    "base_id",
    "base_name",
    "period",
    "indicator",
    "value",
    "unit",
];

/// Who imports, and how.
#[derive(Clone, Debug)]
pub struct ImportValues {
    /// The user (none: the command line, which acts as the ministry).
    pub user_id: Option<i64>,
    /// `cli`, `api`, `web` or `xlsx`.
    pub source: &'static str,
    /// Which bases the importer may report for.
    pub scope: Scope,
    /// Check only; write nothing.
    pub dry_run: bool,
    /// Why (recorded with the batch).
    pub reason: String,
    /// Explanation recorded with each warning (the command line accepts warnings as the
    /// ministry does, recording them; a form asks for one per warning).
    pub explanation: String,
}

/// What an import found and did.
#[derive(Clone, Debug, PartialEq)]
pub struct ValuesOutcome {
    /// Every finding, in file order.
    pub report: Report,
    /// Data rows read.
    pub rows: usize,
    /// Values that differ from the accepted ones (new or corrected).
    pub changed: usize,
    /// Values identical to the accepted ones, left alone.
    pub unchanged: usize,
    /// The accepted batch, when something was written.
    pub batch_id: Option<i64>,
}

impl ValuesOutcome {
    /// Whether the file was refused (any error): then nothing was written.
    pub fn refused(&self) -> bool {
        self.report.has_errors()
    }
}

/// Why an import could not be checked at all.
#[derive(Debug, thiserror::Error)]
pub enum ValuesError {
    /// The store failed; nothing was written.
    #[error(transparent)]
    Store(#[from] jidi_store::StoreError),
    /// The server is busy with other heavy work.
    #[error(transparent)]
    Busy(#[from] crate::cpu::CpuError),
}

fn whole_file(file: &str, rule: Rule, message: String) -> Report {
    let mut f = Finding::new(rule, "", message);
    f.sheet = Some(file.to_string());
    Report::new(vec![f])
}

fn frequency_of(p: ValuePeriod) -> Frequency {
    match p {
        ValuePeriod::Year(_) => Frequency::Annual,
        ValuePeriod::Month(_) => Frequency::Monthly,
    }
}

/// The stored period key: `YYYY` or `YYYYMM`.
fn period_key(p: ValuePeriod) -> i32 {
    match p {
        ValuePeriod::Year(y) => y,
        ValuePeriod::Month(m) => m.year() * 100 + m.month() as i32,
    }
}

fn period_of(frequency: Frequency, key: i32) -> Option<ValuePeriod> {
    match frequency {
        Frequency::Annual => Some(ValuePeriod::Year(key)),
        Frequency::Monthly => Period::new(key / 100, (key % 100) as u32)
            .ok()
            .map(ValuePeriod::Month),
    }
}

/// The text of a period in the long form: `YYYY` or `YYYY-MM`.
pub fn period_text(frequency: Frequency, key: i32) -> String {
    match frequency {
        Frequency::Annual => key.to_string(),
        Frequency::Monthly => format!("{}-{:02}", key / 100, key % 100),
    }
}

/// Imports the long-form file `file`. Errors refuse the whole file (nothing is written) and are
/// returned in the report with their row, column and rule; warnings are recorded with the batch.
/// Values equal to the accepted ones are left alone and not checked again, so that an export
/// imported back unchanged reports nothing and changes nothing.
pub async fn import_values(
    store: &Store,
    file: &str,
    bytes: &[u8],
    how: &ImportValues,
) -> Result<ValuesOutcome, ValuesError> {
    let sha256 = hex::encode(Sha256::digest(bytes));
    let owned = (file.to_string(), bytes.to_vec());
    let table = crate::cpu::run_heavy(IMPORT_PATIENCE, move || {
        jidi_tabular::read(&owned.0, &owned.1)
    })
    .await?;
    let table = match table {
        Ok(t) => t,
        Err(e) => {
            return Ok(ValuesOutcome {
                report: whole_file(file, Rule::BadHeader, e.to_string()),
                rows: 0,
                changed: 0,
                unchanged: 0,
                batch_id: None,
            });
        }
    };
    let rows = table.rows.len();
    // Value checks name the value column of the row, as the parser names its own columns.
    let value_column = jidi_collect::parse::COLUMN_NAMES
        .iter()
        .find(|(name, _, _)| *name == "value")
        .and_then(|(_, names, _)| table.column(names))
        .map(|i| table.column_label(i));

    let bases = store
        .all_bases(
            &BaseFilter::default(),
            &ListScope::Everything,
            BaseSort::Id,
            SortOrder::Asc,
        )
        .await?;
    let lookup: HashMap<i64, BaseInfo> = bases
        .iter()
        .map(|b| {
            (
                b.id,
                BaseInfo {
                    name: b.facts.name.clone(),
                    province_code: b.facts.province_code.clone(),
                },
            )
        })
        .collect();
    let groups: Vec<(i64, String)> = bases
        .iter()
        .map(|b| (b.id, b.facts.category_code.clone()))
        .collect();

    let scope = how.scope.clone();
    let parsed = crate::cpu::run_heavy(IMPORT_PATIENCE, move || {
        parse_long_form(&table, CheckCatalogue::standard(), &lookup, &scope)
    })
    .await?;

    // The window of stored values the checks compare against, per frequency.
    let mut windows: BTreeMap<Frequency, (i32, i32)> = BTreeMap::new();
    for v in &parsed.values {
        let f = frequency_of(v.period);
        let key = period_key(v.period);
        let w = windows.entry(f).or_insert((key, key));
        w.0 = w.0.min(key);
        w.1 = w.1.max(key);
    }
    let mut stored: Vec<(Frequency, StoredValue)> = Vec::new();
    for (&f, &(first, last)) in &windows {
        let from = match f {
            Frequency::Annual => first - YEARS_BEFORE,
            Frequency::Monthly => period_of(f, first)
                .and_then(|p| match p {
                    ValuePeriod::Month(m) => m.offset(-MONTHS_BEFORE),
                    ValuePeriod::Year(_) => None,
                })
                .map_or(first, |m| m.year() * 100 + m.month() as i32),
        };
        stored.extend(
            store
                .values_between(f, from, last, &[])
                .await?
                .into_iter()
                .map(|v| (f, v)),
        );
    }

    let file_name = file.to_string();
    let checked = crate::cpu::run_heavy(IMPORT_PATIENCE, move || {
        check_against_stored(parsed.values, parsed.findings, &stored, &groups)
    })
    .await?;
    let (mut report, changed, unchanged) = checked;
    for f in &mut report.findings {
        if f.row.is_some_and(|r| r > 0) {
            if f.column.is_none() {
                f.column.clone_from(&value_column);
            }
            if f.sheet.is_none() {
                f.sheet = Some(file.to_string());
            }
        }
    }
    report.sort();
    let mut outcome = ValuesOutcome {
        rows,
        changed: changed.len(),
        unchanged,
        batch_id: None,
        report,
    };
    if outcome.refused() || how.dry_run || changed.is_empty() {
        return Ok(outcome);
    }

    let warnings: Vec<AcceptedWarning> = outcome
        .report
        .warnings()
        .filter_map(|w| {
            let period = w.period.as_deref()?.parse::<ValuePeriod>().ok()?;
            Some(AcceptedWarning {
                frequency: frequency_of(period),
                base_id: w.base_id?,
                period: period_key(period),
                indicator: w.indicator.clone()?,
                rule: w.rule.name().to_string(),
                message: w.message.clone(),
                explanation: how.explanation.clone(),
            })
        })
        .collect();
    let batch = NewBatch {
        user_id: how.user_id,
        source: how.source,
        file_name,
        file_sha256: sha256,
        rows_read: rows,
        reason: how.reason.clone(),
        at: Utc::now(),
    };
    outcome.batch_id = Some(store.accept_values(&batch, &changed, &warnings).await?);
    Ok(outcome)
}

/// Splits parsed values into changed and unchanged against the stored ones, checks the changed
/// ones in the context of the stored values and peers, and returns the report, the values to
/// accept (with their next revision) and the number left alone.
fn check_against_stored(
    values: Vec<ParsedValue>,
    parse_findings: Vec<Finding>,
    stored: &[(Frequency, StoredValue)],
    groups: &[(i64, String)],
) -> (Report, Vec<AcceptedValue>, usize) {
    let catalogue = CheckCatalogue::standard();
    let mut context = Context::new(catalogue);
    for (b, g) in groups {
        context.set_peer_group(*b, g);
    }
    let mut current: HashMap<(Frequency, i64, i32, &str), (f64, i32)> =
        HashMap::with_capacity(stored.len());
    for (f, v) in stored {
        if let Some(p) = period_of(*f, v.period) {
            context.add_value(v.base_id, &v.indicator, p, v.value);
        }
        current.insert(
            (*f, v.base_id, v.period, v.indicator.as_str()),
            (v.value, v.revision),
        );
    }
    let mut changed_values = Vec::new();
    let mut unchanged = 0;
    for v in values {
        let f = frequency_of(v.period);
        match current.get(&(f, v.base_id, period_key(v.period), v.indicator.as_str())) {
            Some((old, _)) if old.to_bits() == v.value.to_bits() => unchanged += 1,
            _ => changed_values.push(v),
        }
    }
    let mut report = Report::new(parse_findings);
    report.extend(check_values(&changed_values, &context));
    let accepted = changed_values
        .into_iter()
        .map(|v| {
            let f = frequency_of(v.period);
            let key = period_key(v.period);
            let before = current.get(&(f, v.base_id, key, v.indicator.as_str()));
            AcceptedValue {
                frequency: f,
                base_id: v.base_id,
                period: key,
                revision: before.map_or(1, |(_, r)| r + 1),
                replaces_unrecorded: before.filter(|(_, r)| *r == 0).map(|(old, _)| *old),
                value: v.value,
                reported_value: v.reported.0,
                reported_unit: v.reported.1.unwrap_or_default(),
                indicator: v.indicator,
            }
        })
        .collect();
    (report, accepted, unchanged)
}

/// What to export.
#[derive(Clone, Debug)]
pub struct ExportValues {
    /// Annual or monthly.
    pub frequency: Frequency,
    /// Periods `from..=to` (`YYYY` or `YYYYMM`).
    pub periods: (i32, i32),
    /// One base only.
    pub base_id: Option<i64>,
}

/// The long-form rows of the accepted values selected, read page by page (a page of 5,000 at a
/// time; the rows are handed to `sink` as they come, so that a large export is never held whole
/// by the store). Values are in the catalogue's unit; cumulative indicators as reported.
pub async fn export_values(
    store: &Store,
    what: &ExportValues,
    mut sink: impl FnMut(Vec<Cell>),
) -> Result<usize, ValuesError> {
    let names: HashMap<i64, String> = store
        .all_bases(
            &BaseFilter::default(),
            &ListScope::Everything,
            BaseSort::Id,
            SortOrder::Asc,
        )
        .await?
        .into_iter()
        .map(|b| (b.id, b.facts.name))
        .collect();
    let catalogue = CheckCatalogue::standard();
    let mut after: Option<(i32, i64, String)> = None;
    let mut n = 0;
    loop {
        let page = store
            .export_values_page(
                what.frequency,
                what.periods,
                what.base_id,
                after.as_ref(),
                5_000,
            )
            .await?;
        let Some(last) = page.last() else {
            return Ok(n);
        };
        after = Some((last.period, last.base_id, last.indicator.clone()));
        for v in page {
            let unit = catalogue
                .get(&v.indicator)
                .map(|s| s.unit.clone())
                .unwrap_or_default();
            sink(vec![
                Cell::Number(v.base_id as f64),
                Cell::Text(names.get(&v.base_id).cloned().unwrap_or_default()),
                Cell::Text(period_text(what.frequency, v.period)),
                Cell::Text(v.indicator),
                Cell::Number(v.value),
                Cell::Text(unit),
            ]);
            n += 1;
        }
    }
}
