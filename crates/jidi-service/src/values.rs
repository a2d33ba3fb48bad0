//! Importing and exporting indicator values in the long form
//! (`base_id,base_name,period,indicator,value,unit`): read the file (bounded), parse and check
//! every row against the catalogue, the roll, the stored history and the peers
//! (`jidi-collect`), then accept all of it or nothing. `jidi import values`, the API and the
//! web upload come through here; `jidi export values` writes the same form back.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::Utc;
use jidi_collect::{
    BaseInfo, Context, Finding, ManagedCatalogue, ParsedValue, Report, Rule, Scope, ValuePeriod,
    check_values, parse_long_form,
};
use jidi_domain::access::ListScope;
use jidi_monitor::period::Period;
use jidi_store::{
    AcceptedValue, AcceptedWarning, BaseFilter, BaseSort, FieldComment, Frequency, NewBatch,
    NewSubmission, SortOrder, Store, StoredSeries, SubmissionStatus, SubmittedValue,
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
    /// Explanation recorded with each warning that has none of its own in the file's
    /// `explanation` (情况说明) column. Empty: every warning needs its own, and a file with an
    /// unexplained warning is not accepted.
    pub explanation: String,
    /// When set, the values wait for review by this province as a submission of this user
    /// (and base) instead of being accepted at once.
    pub review: Option<Review>,
}

/// Where a reviewed upload goes.
#[derive(Clone, Debug)]
pub struct Review {
    /// The reporter.
    pub user_id: i64,
    /// The reporting base.
    pub base_id: Option<i64>,
    /// The reviewing province.
    pub province_code: String,
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
    /// The accepted batch, when something was accepted.
    pub batch_id: Option<i64>,
    /// The submission waiting for review, when the upload was submitted.
    pub submission_id: Option<i64>,
    /// Rows of warnings without an explanation (nothing is written while there are any).
    pub unexplained: Vec<usize>,
}

impl ValuesOutcome {
    /// Whether the file was refused (any error, or a warning without an explanation): then
    /// nothing was written.
    pub fn refused(&self) -> bool {
        self.report.has_errors() || !self.unexplained.is_empty()
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
/// Values equal to the accepted ones (numerically) are left alone and not checked again, so that
/// an export imported back unchanged reports nothing and changes nothing.
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
                submission_id: None,
                unexplained: Vec::new(),
            });
        }
    };
    import_table(store, file, sha256, table, how, &|_| {}).await
}

/// Imports a table already read (the long form, or the province workbook turned into it):
/// everything [`import_values`] does after reading the file. `relabel` may point a finding at
/// the place it has in the file the user holds, before the defaults (the value column, the
/// file as the sheet) fill what is left.
pub(crate) async fn import_table(
    store: &Store,
    file: &str,
    sha256: String,
    table: jidi_tabular::Table,
    how: &ImportValues,
    relabel: &(dyn Fn(&mut Finding) + Sync),
) -> Result<ValuesOutcome, ValuesError> {
    let rows = table.rows.len();
    let started = std::time::Instant::now();
    let phase = |name: &str| {
        tracing::debug!(
            phase = name,
            ms = started.elapsed().as_millis() as u64,
            "import"
        )
    };
    // Value checks name the value column of the row, as the parser names its own columns.
    let value_column = jidi_collect::parse::COLUMN_NAMES
        .iter()
        .find(|(name, _, _)| *name == "value")
        .and_then(|(_, names, _)| table.column(names))
        .map(|i| table.column_label(i));
    // Explanations of warnings (情况说明), per row, when the file has the column.
    let explanations: HashMap<usize, String> = table
        .column(&["explanation", "情况说明", "说明"])
        .map(|i| {
            table
                .rows
                .iter()
                .filter_map(|r| {
                    let text = r.cells.get(i)?.trim();
                    (!text.is_empty()).then(|| (r.number, text.chars().take(2000).collect()))
                })
                .collect()
        })
        .unwrap_or_default();

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
    let category_of: HashMap<i64, String> = groups.iter().cloned().collect();

    let scope = how.scope.clone();
    let (catalogue_version, catalogue) = store.current_catalogue().await?;
    // Checked against at commit: a catalogue saved while this file was checked refuses the batch.
    let catalogue_version = catalogue_version.version;
    let catalogue = std::sync::Arc::new(catalogue);
    let parse_catalogue = catalogue.clone();
    let parsed = crate::cpu::run_heavy(IMPORT_PATIENCE, move || {
        parse_long_form(&table, parse_catalogue.checks(), &lookup, &scope)
    })
    .await?;
    phase("parsed");

    // The window of stored values the checks compare against, per frequency.
    let mut windows: BTreeMap<Frequency, (i32, i32)> = BTreeMap::new();
    for v in &parsed.values {
        let f = frequency_of(v.period);
        let key = period_key(v.period);
        let w = windows.entry(f).or_insert((key, key));
        w.0 = w.0.min(key);
        w.1 = w.1.max(key);
    }
    let mut stored: Vec<(Frequency, StoredSeries)> = Vec::new();
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
                .value_window(f, from, last)
                .await?
                .into_iter()
                .map(|s| (f, s)),
        );
    }

    // A base answering a reporting task must send every indicator the task asks of its
    // category (unless already accepted): `missing_required`.
    let mut required: Vec<(ValuePeriod, i64, Vec<String>)> = Vec::new();
    if how.review.is_some() {
        let answers: std::collections::BTreeSet<(i64, i32, ValuePeriod)> = parsed
            .values
            .iter()
            .map(|v| (v.base_id, period_key(v.period), v.period))
            .collect();
        let category: HashMap<i64, &str> = groups.iter().map(|(b, c)| (*b, c.as_str())).collect();
        let mut tasks: HashMap<(Frequency, i32), Option<Vec<String>>> = HashMap::new();
        for (base, key, period) in answers {
            let f = frequency_of(period);
            let codes = match tasks.get(&(f, key)) {
                Some(c) => c.clone(),
                None => {
                    let c = store.task_for_period(f, key).await?.map(|(_, codes)| codes);
                    tasks.insert((f, key), c.clone());
                    c
                }
            };
            let Some(codes) = codes else { continue };
            let cat = category.get(&base).copied().unwrap_or("");
            let asked: Vec<String> = codes
                .into_iter()
                .filter(|c| catalogue.get(c).is_none_or(|i| i.applies(cat)))
                // Retired or made derived since the task opened: no longer asked.
                .filter(|c| !catalogue.is_retired(c) && !catalogue.is_derived(c))
                .collect();
            required.push((period, base, asked));
        }
    }

    phase("window read");
    let file_name = file.to_string();
    let check_catalogue = catalogue.clone();
    let checked = crate::cpu::run_heavy(IMPORT_PATIENCE, move || {
        check_against_stored(
            parsed.values,
            parsed.findings,
            &stored,
            &groups,
            &required,
            &check_catalogue,
        )
    })
    .await?;
    let (mut report, changed, unchanged) = checked;
    phase("checked");
    for f in &mut report.findings {
        relabel(f);
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
    let explanation_of = |w: &Finding| -> Option<String> {
        w.row
            .and_then(|r| explanations.get(&r).cloned())
            .or_else(|| (!how.explanation.is_empty()).then(|| how.explanation.clone()))
    };
    let mut unexplained: Vec<usize> = report
        .warnings()
        .filter(|w| explanation_of(w).is_none())
        .map(|w| w.row.unwrap_or(0))
        .collect();
    unexplained.dedup();
    let mut outcome = ValuesOutcome {
        rows,
        changed: changed.len(),
        unchanged,
        batch_id: None,
        submission_id: None,
        unexplained,
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
                explanation: explanation_of(w).unwrap_or_default(),
            })
        })
        .collect();
    if let Some(review) = &how.review {
        let values: Vec<SubmittedValue> = changed
            .into_iter()
            .map(|v| SubmittedValue {
                frequency: v.frequency,
                base_id: v.base_id,
                period: v.period,
                indicator: v.indicator,
                value: v.value,
                reported_value: v.reported_value,
                reported_unit: v.reported_unit,
            })
            .collect();
        let submission = NewSubmission {
            user_id: Some(review.user_id),
            base_id: review.base_id,
            province_code: review.province_code.clone(),
            source: how.source,
            file_name,
            file_sha256: sha256,
            rows_read: rows,
            reason: how.reason.clone(),
            at: Utc::now(),
        };
        outcome.submission_id = Some(store.submit_values(&submission, &values, &warnings).await?);
        return Ok(outcome);
    }
    let batch = NewBatch {
        user_id: how.user_id,
        source: how.source,
        file_name,
        file_sha256: sha256,
        rows_read: rows,
        reason: how.reason.clone(),
        at: Utc::now(),
        submission_id: None,
        catalogue_version: Some(catalogue_version),
    };
    // Derived figures go into the same batch and transaction as the values they are computed
    // from.
    let (derived, out_of_range) =
        crate::derive::derived_values(store, &catalogue, &changed, &category_of).await?;
    phase("derived");
    if !out_of_range.is_empty() {
        outcome.report.extend(out_of_range);
        outcome.report.sort();
        return Ok(outcome);
    }
    let changed = [changed, derived].concat();
    // The series the monitoring refresh needs are read while the batch is written (another
    // connection; the batch's own values are laid over them afterwards): on SQLite this took the
    // reading, a quarter of a 100,000-row import, off its critical path.
    let monthly: Vec<i64> = monthly_bases(&changed);
    // Counted before the batch is written: a count taken after this batch committed could not
    // tell another batch from this one.
    let batches = store.value_batch_count().await?;
    let (accepted, before) = tokio::join!(
        store.accept_values(&batch, &changed, &warnings),
        async {
            if monthly.is_empty() {
                return None;
            }
            match crate::monitoring::read_before(store, &monthly, batches).await {
                Ok(before) => Some(before),
                Err(e) => {
                    tracing::warn!(error = %e, "the monitoring series were not read beside the batch; they are read after it");
                    None
                }
            }
        }
    );
    outcome.batch_id = Some(accepted?);
    phase("accepted");
    match before {
        Some(before) => {
            let values: Vec<(i64, i32, String, f64)> = changed
                .iter()
                .filter(|v| v.frequency == Frequency::Monthly)
                .map(|v| (v.base_id, v.period, v.indicator.clone(), v.value))
                .collect();
            let since = values.iter().map(|v| v.1).min();
            if let Err(e) = crate::monitoring::refresh_after(store, before, &values, 1, since).await
            {
                tracing::error!(error = %e, "monitoring figures were not rebuilt after an accepted batch");
            }
        }
        None => refresh_monitoring(store, &changed).await,
    }
    phase("monitoring refreshed");
    Ok(outcome)
}

/// Rebuilds the monitoring figures and warnings of the bases whose monthly values a batch
/// changed. The batch is already committed: a failure here leaves the derived figures stale
/// until the next refresh, so it is logged, not reported as a failed import (which would invite
/// the same values again).
async fn refresh_monitoring(store: &Store, accepted: &[AcceptedValue]) {
    let bases = monthly_bases(accepted);
    if bases.is_empty() {
        return;
    }
    // From the earliest month: derived figures look back only (a month's row reads that month
    // and earlier ones: its own total, the month before, the same months a year before).
    let since = accepted
        .iter()
        .filter(|v| v.frequency == Frequency::Monthly)
        .map(|v| v.period)
        .min();
    if let Err(e) = crate::monitoring::refresh_since(store, &bases, since).await {
        tracing::error!(error = %e, bases = bases.len(), "monitoring figures were not rebuilt after an accepted batch");
    }
}

/// The bases with a monthly value among `values`, in order.
fn monthly_bases(values: &[AcceptedValue]) -> Vec<i64> {
    let mut bases: Vec<i64> = values
        .iter()
        .filter(|v| v.frequency == Frequency::Monthly)
        .map(|v| v.base_id)
        .collect();
    bases.sort_unstable();
    bases.dedup();
    bases
}

/// Splits parsed values into changed and unchanged against the stored ones, checks the changed
/// ones in the context of the stored values and peers, and returns the report, the values to
/// accept (with their next revision) and the number left alone.
fn check_against_stored(
    values: Vec<ParsedValue>,
    parse_findings: Vec<Finding>,
    stored: &[(Frequency, StoredSeries)],
    groups: &[(i64, String)],
    required: &[(ValuePeriod, i64, Vec<String>)],
    catalogue: &ManagedCatalogue,
) -> (Report, Vec<AcceptedValue>, usize) {
    let mut context = Context::new(catalogue.checks());
    for (b, g) in groups {
        context.set_peer_group(*b, g);
    }
    let mut current: HashMap<(Frequency, i64, i32, &str), (f64, i32)> =
        HashMap::with_capacity(stored.iter().map(|(_, s)| s.points.len()).sum());
    for (f, s) in stored {
        for &(period, revision, value) in &s.points {
            if let Some(p) = period_of(*f, period) {
                context.add_value(s.base_id, &s.indicator, p, value);
            }
            current.insert(
                (*f, s.base_id, period, s.indicator.as_str()),
                (value, revision),
            );
        }
    }
    let mut missing = Vec::new();
    for (period, base, codes) in required {
        missing.extend(jidi_collect::missing_required(
            &[*base],
            *period,
            codes,
            &values,
            &context,
        ));
    }
    let mut changed_values = Vec::new();
    let mut unchanged = 0;
    for v in values {
        let f = frequency_of(v.period);
        match current.get(&(f, v.base_id, period_key(v.period), v.indicator.as_str())) {
            // Numerically equal is unchanged: -0 and 0 are the same figure (a spreadsheet keeps
            // no sign on zero).
            Some((old, _)) if *old == v.value => unchanged += 1,
            _ => changed_values.push(v),
        }
    }
    let mut report = Report::new(parse_findings);
    // A retired indicator keeps its history (an export imports back unchanged) but takes no
    // new or corrected values.
    let retired: Vec<Finding> = changed_values
        .iter()
        .filter(|v| catalogue.is_retired(&v.indicator) || catalogue.is_derived(&v.indicator))
        .map(|v| {
            let entry = catalogue.get(&v.indicator);
            let name = entry.map_or(v.indicator.as_str(), |e| e.spec.name_zh.as_str());
            let message = match entry {
                Some(e) if !e.compute.trim().is_empty() => format!(
                    "{name}（{}）由公式 {} 计算，不可填报：请填报其组成指标",
                    v.indicator, e.compute
                ),
                _ => format!("{name}（{}）已停用，不再接收新数据", v.indicator),
            };
            Finding::new(Rule::UnknownIndicator, "在用、非计算指标", message)
                .at_row(v.row)
                .for_base(v.base_id)
                .for_indicator(&v.indicator)
                .for_period(v.period)
                .with_value(&v.indicator)
        })
        .collect();
    report.extend(retired);
    report.extend(check_values(&changed_values, &context));
    report.extend(missing);
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
                revision: next_revision(before.copied()),
                replaces_unrecorded: unrecorded(before.copied()),
                value: v.value,
                reported_value: v.reported.0,
                reported_unit: v.reported.1.unwrap_or_default(),
                indicator: v.indicator,
            }
        })
        .collect();
    (report, accepted, unchanged)
}

/// The revision a new value of a key becomes, given its current `(value, revision)`.
fn next_revision(current: Option<(f64, i32)>) -> i32 {
    current.map_or(1, |(_, r)| r + 1)
}

/// The current figure when it is a bulk load's revision 0, which the history must keep.
fn unrecorded(current: Option<(f64, i32)>) -> Option<f64> {
    current.filter(|(_, r)| *r == 0).map(|(old, _)| old)
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
    /// The bases of one province only.
    pub province_code: Option<String>,
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
    let catalogue = store.current_catalogue().await?.1;
    let mut after: Option<(i32, i64, String)> = None;
    let mut n = 0;
    loop {
        let page = store
            .export_values_page(
                what.frequency,
                what.periods,
                what.base_id,
                what.province_code.as_deref(),
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
                .checks()
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

/// Most field comments on one returned submission.
const MAX_FIELD_COMMENTS: usize = 200;

/// Why a review could not be done.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// No such submission.
    #[error("submission {0} not found")]
    NotFound(i64),
    /// It was already accepted or returned.
    #[error("submission {0} is not waiting for review")]
    NotWaiting(i64),
    /// A field comment is not about a value of the submission, or is empty or too long.
    #[error("{0}")]
    BadField(String),
    /// The store failed (a conflict: someone else decided it or changed its values meanwhile).
    #[error(transparent)]
    Store(#[from] jidi_store::StoreError),
}

/// Accepts a submission: its values become the accepted ones, each as its next revision, with
/// its explained warnings, in one transaction that also marks it accepted (only if it is still
/// waiting). The reviewer's access is the caller's to check.
pub async fn accept_submission(
    store: &Store,
    id: i64,
    reviewer: i64,
    comment: &str,
) -> Result<i64, ReviewError> {
    let submission = store
        .submission(id)
        .await?
        .ok_or(ReviewError::NotFound(id))?;
    if submission.status != SubmissionStatus::Submitted {
        return Err(ReviewError::NotWaiting(id));
    }
    let values = store.submission_values(id).await?;
    // Submitted under an earlier catalogue: an indicator retired or made derived since then
    // takes no typed value any more, so the submission cannot be accepted as it stands.
    let (catalogue_version, catalogue) = store.current_catalogue().await?;
    let stale: Vec<&str> = values
        .iter()
        .filter(|v| catalogue.is_retired(&v.indicator) || catalogue.is_derived(&v.indicator))
        .map(|v| v.indicator.as_str())
        .collect();
    if !stale.is_empty() {
        return Err(ReviewError::BadField(format!(
            "the catalogue no longer takes reported values of {} (retired or computed): return the submission",
            stale.join(", ")
        )));
    }
    let warnings = store.submission_warnings(id).await?;
    // The current revision of each value, read over the submission's periods.
    let mut current: HashMap<(Frequency, i64, i32, String), (f64, i32)> = HashMap::new();
    for f in [Frequency::Annual, Frequency::Monthly] {
        let of: Vec<&SubmittedValue> = values.iter().filter(|v| v.frequency == f).collect();
        let (Some(first), Some(last)) = (
            of.iter().map(|v| v.period).min(),
            of.iter().map(|v| v.period).max(),
        ) else {
            continue;
        };
        let mut codes: Vec<String> = of.iter().map(|v| v.indicator.clone()).collect();
        codes.sort();
        codes.dedup();
        for s in store.values_between(f, first, last, &codes).await? {
            current.insert((f, s.base_id, s.period, s.indicator), (s.value, s.revision));
        }
    }
    let accepted: Vec<AcceptedValue> = values
        .into_iter()
        .map(|v| {
            let before = current
                .get(&(v.frequency, v.base_id, v.period, v.indicator.clone()))
                .copied();
            AcceptedValue {
                frequency: v.frequency,
                base_id: v.base_id,
                period: v.period,
                revision: next_revision(before),
                replaces_unrecorded: unrecorded(before),
                value: v.value,
                reported_value: v.reported_value,
                reported_unit: v.reported_unit,
                indicator: v.indicator,
            }
        })
        .collect();
    let batch = NewBatch {
        user_id: Some(reviewer),
        source: "web",
        file_name: submission.file_name.clone(),
        file_sha256: String::new(),
        rows_read: submission.rows_read.max(0) as usize,
        reason: comment.to_string(),
        at: Utc::now(),
        submission_id: Some(id),
        catalogue_version: Some(catalogue_version.version),
    };
    let mut category_of = HashMap::new();
    for base in accepted.iter().map(|v| v.base_id).collect::<BTreeSet<_>>() {
        if let Some(b) = store.base(base).await? {
            category_of.insert(base, b.facts.category_code);
        }
    }
    let (derived, out_of_range) =
        crate::derive::derived_values(store, &catalogue, &accepted, &category_of).await?;
    if let Some(f) = out_of_range.first() {
        return Err(ReviewError::BadField(f.message.clone()));
    }
    let accepted = [accepted, derived].concat();
    match store.accept_values(&batch, &accepted, &warnings).await {
        Ok(b) => {
            refresh_monitoring(store, &accepted).await;
            Ok(b)
        }
        // Someone else decided it meanwhile; any other conflict (a value or derived figure
        // changed since it was read, a new catalogue version) is reported as it is.
        Err(e @ jidi_store::StoreError::Conflict(_)) => {
            match store.submission(id).await?.map(|s| s.status) {
                Some(SubmissionStatus::Submitted) => Err(e.into()),
                _ => Err(ReviewError::NotWaiting(id)),
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// Returns a submission to its reporter with a comment (required) and, optionally, comments on
/// single fields, each of which must name a value of the submission (退回意见到字段).
pub async fn return_submission(
    store: &Store,
    id: i64,
    reviewer: i64,
    comment: &str,
    fields: &[FieldComment],
) -> Result<(), ReviewError> {
    let submission = store
        .submission(id)
        .await?
        .ok_or(ReviewError::NotFound(id))?;
    if submission.status != SubmissionStatus::Submitted {
        return Err(ReviewError::NotWaiting(id));
    }
    if fields.len() > MAX_FIELD_COMMENTS {
        return Err(ReviewError::BadField(format!(
            "at most {MAX_FIELD_COMMENTS} field comments"
        )));
    }
    if !fields.is_empty() {
        let values = store.submission_values(id).await?;
        for f in fields {
            if !values
                .iter()
                .any(|v| v.indicator == f.indicator && v.period == f.period)
            {
                return Err(ReviewError::BadField(format!(
                    "the submission has no value of {} for {}",
                    f.indicator.chars().take(40).collect::<String>(),
                    f.period
                )));
            }
            let n = f.comment.trim().chars().count();
            if n == 0 || n > 500 || f.comment.contains('\0') {
                return Err(ReviewError::BadField(format!(
                    "the comment on {} must have 1 to 500 characters and no NUL",
                    f.indicator
                )));
            }
        }
    }
    match store
        .return_submission(id, reviewer, comment, fields, Utc::now())
        .await
    {
        Ok(()) => Ok(()),
        Err(jidi_store::StoreError::Conflict(_)) => Err(ReviewError::NotWaiting(id)),
        Err(e) => Err(e.into()),
    }
}

mod form;
pub use form::{
    FORM_FILE, FieldContext, FormValue, PeerRange, TEMPLATE_HEADER, check_values_form,
    form_context, form_field_of_row, form_long_form, peer_range, previous_period, quantile,
    template_rows,
};
