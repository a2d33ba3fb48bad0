//! Editing the managed catalogue: a whole file (CSV or XLSX) or one entry, checked against the
//! current version (nothing removed; unit, frequency and cumulation fixed once values exist)
//! and saved as the next version with an audit entry per changed indicator, or refused whole.
//! `jidi import catalogue`, the API and the catalogue page come through here.

use std::collections::{BTreeMap, HashSet};

use jidi_collect::catalogue::CatalogueError;
use jidi_collect::managed::{CATALOGUE_COLUMNS, EntryChange};
use jidi_collect::{CatalogueEntry, ManagedCatalogue};
use jidi_store::{CatalogueVersion, NewCatalogueVersion, Store, StoreError};

/// Longest reason accepted.
pub const MAX_REASON: usize = 2_000;

/// How long reading a catalogue file may wait for a heavy-work slot.
const PATIENCE: std::time::Duration = std::time::Duration::from_secs(30);

/// Who edits, and how.
#[derive(Clone, Debug)]
pub struct CatalogueEdit {
    /// The user (none: the command line).
    pub user_id: Option<i64>,
    /// `cli`, `api` or `web`.
    pub source: &'static str,
    /// Why (required).
    pub reason: String,
    /// The version the edit was made on (`None`: the current one; a page or API client sends
    /// the version it showed, so that two officials editing at once do not overwrite each other).
    pub based_on: Option<i64>,
    /// Check only; save nothing.
    pub dry_run: bool,
}

/// What an edit did.
#[derive(Clone, Debug, PartialEq)]
pub struct CatalogueOutcome {
    /// The problems, each with its row and column (nothing was saved when there are any).
    pub errors: Vec<CatalogueError>,
    /// What changes (or changed), per indicator.
    pub changes: Vec<EntryChange>,
    /// The saved version (none: refused, a dry run, or nothing changed).
    pub saved: Option<CatalogueVersion>,
}

/// Why an edit could not be checked at all.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueEditError {
    /// The store failed, or another version was saved meanwhile (a conflict).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The server is busy with other heavy work.
    #[error(transparent)]
    Busy(#[from] crate::cpu::CpuError),
}

fn refused(errors: Vec<CatalogueError>) -> CatalogueOutcome {
    CatalogueOutcome {
        errors,
        changes: Vec::new(),
        saved: None,
    }
}

fn reason_problem(reason: &str) -> Option<CatalogueError> {
    let r = reason.trim();
    (r.is_empty() || r.chars().count() > MAX_REASON || r.contains('\0')).then(|| CatalogueError {
        row: 0,
        column: Some("reason".into()),
        message: format!("a reason is required: 1–{MAX_REASON} characters, no NUL"),
    })
}

/// Replaces the catalogue with the one in `file` (CSV or XLSX).
pub async fn import_catalogue(
    store: &Store,
    file: &str,
    bytes: &[u8],
    how: &CatalogueEdit,
) -> Result<CatalogueOutcome, CatalogueEditError> {
    let owned = (file.to_string(), bytes.to_vec());
    let parsed = crate::cpu::run_heavy(PATIENCE, move || {
        jidi_tabular::read(&owned.0, &owned.1)
            .map_err(|e| {
                vec![CatalogueError {
                    row: 1,
                    column: None,
                    message: e.to_string(),
                }]
            })
            .and_then(|table| {
                let rows: Vec<usize> = table.rows.iter().map(|r| r.number).collect();
                ManagedCatalogue::from_table(&table).map(|next| (next, rows))
            })
    })
    .await?;
    match parsed {
        Ok((next, rows)) => save(store, next, &rows, file, how).await,
        Err(errors) => Ok(refused(errors)),
    }
}

/// Adds an indicator, or replaces the one of its code, given as the cells of one catalogue row
/// (column code → text, as a file holds them; columns left out keep the current entry's value,
/// or are empty for a new one). The row is read by the same parser as a file, in the place the
/// entry has in the catalogue, so a form or an API call is checked exactly as an upload;
/// `errors` name the row's columns.
pub async fn save_entry(
    store: &Store,
    cells: &BTreeMap<String, String>,
    how: &CatalogueEdit,
) -> Result<CatalogueOutcome, CatalogueEditError> {
    let (_, current) = store.current_catalogue().await?;
    let code = cells.get("code").map(|c| c.trim()).unwrap_or_default();
    let header: Vec<String> = CATALOGUE_COLUMNS
        .iter()
        .map(|(c, _)| c.to_string())
        .collect();
    let mut rows: Vec<Vec<String>> = current
        .entries()
        .iter()
        .map(CatalogueEntry::cells)
        .collect();
    let at = match current.entries().iter().position(|e| e.spec.code == code) {
        Some(i) => i,
        None => {
            rows.push(vec![String::new(); header.len()]);
            rows.len() - 1
        }
    };
    for (j, name) in header.iter().enumerate() {
        if let Some(text) = cells.get(name) {
            rows[at][j] = text.clone();
        }
    }
    let table = jidi_tabular::Table {
        file: String::new(),
        header,
        rows: rows
            .into_iter()
            .enumerate()
            .map(|(i, cells)| jidi_tabular::Row {
                number: i + 2,
                cells,
            })
            .collect(),
        spreadsheet: false,
    };
    let rows: Vec<usize> = table.rows.iter().map(|r| r.number).collect();
    match ManagedCatalogue::from_table(&table) {
        Ok(next) => save(store, next, &rows, "", how).await,
        Err(errors) => Ok(refused(errors)),
    }
}

/// `rows` is the file row of each of `next`'s entries (a blank line in a file is not an entry).
async fn save(
    store: &Store,
    next: ManagedCatalogue,
    rows: &[usize],
    file: &str,
    how: &CatalogueEdit,
) -> Result<CatalogueOutcome, CatalogueEditError> {
    let (version, current) = store.current_catalogue().await?;
    let mut errors: Vec<CatalogueError> = reason_problem(&how.reason).into_iter().collect();
    if let Some(based_on) = how.based_on
        && based_on != version.version
    {
        return Err(StoreError::Conflict(format!(
            "the catalogue changed meanwhile (version {} is current, the edit was made on version {based_on}): reload and edit again",
            version.version
        ))
        .into());
    }
    // Only the indicators whose fixed columns would change need the history looked up.
    let mut with_values = HashSet::new();
    for e in next.entries() {
        if let Some(old) = current.get(&e.spec.code)
            && (old.spec.unit != e.spec.unit
                || old.spec.frequency != e.spec.frequency
                || old.spec.cumulative != e.spec.cumulative)
            && store.indicator_has_values(&e.spec.code).await?
        {
            with_values.insert(e.spec.code.clone());
        }
    }
    let changes = match current.changes_to(&next, |code| with_values.contains(code)) {
        Ok(changes) => changes,
        Err(more) => {
            // `changes_to` counts rows from 2 in entry order.
            errors.extend(more.into_iter().map(|mut e| {
                if e.row >= 2 {
                    e.row = rows.get(e.row - 2).copied().unwrap_or(e.row);
                }
                e
            }));
            return Ok(refused(errors));
        }
    };
    if !errors.is_empty() {
        return Ok(refused(errors));
    }
    if how.dry_run || changes.is_empty() {
        return Ok(CatalogueOutcome {
            errors,
            changes,
            saved: None,
        });
    }
    let saved = store
        .save_catalogue(
            &NewCatalogueVersion {
                catalogue: &next,
                changes: &changes,
                based_on: version.version,
                source: how.source,
                file_name: file.chars().take(200).collect(),
                reason: how.reason.trim().to_string(),
            },
            how.user_id,
        )
        .await?;
    Ok(CatalogueOutcome {
        errors,
        changes,
        saved: Some(saved),
    })
}
