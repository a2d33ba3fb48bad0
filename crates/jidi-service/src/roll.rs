//! Importing a roll file: read (CSV or XLSX), validate every row against the reference data and the
//! names already on the roll, then write all or nothing. The web upload, the API and `jidi import
//! roll` all come through here.

use std::collections::HashSet;

use jidi_domain::import::{self, ImportError, Sheet};
use jidi_domain::reference::Category;
use jidi_domain::roll::{Base, CategorySet, Status};
use jidi_store::Store;
use jidi_tabular::Cell;

/// What an import did.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportOutcome {
    /// Ids of the bases created, in file order (empty on a dry run).
    pub created: Vec<i64>,
    /// Rows that passed every check.
    pub valid_rows: usize,
    /// Whether nothing was written on purpose.
    pub dry_run: bool,
}

/// How long an import waits for a heavy-work slot.
const IMPORT_PATIENCE: std::time::Duration = std::time::Duration::from_secs(60);

/// A store failure during an import, as one whole-file problem: a conflict keeps its message (a
/// name taken meanwhile), anything else is logged and reported without the database's own text.
fn database(file: &str, e: &jidi_store::StoreError) -> Vec<ImportError> {
    match e {
        jidi_store::StoreError::Conflict(m) | jidi_store::StoreError::Invalid(m) => {
            whole_file(file, "conflict", m.clone())
        }
        other => {
            tracing::error!(error = %other, "roll import: the store failed");
            whole_file(
                file,
                "database",
                "the database failed; nothing was written (the error is logged)".into(),
            )
        }
    }
}

fn whole_file(file: &str, rule: &'static str, message: String) -> Vec<ImportError> {
    vec![ImportError {
        file: file.into(),
        row: 0,
        column: String::new(),
        rule,
        message,
    }]
}

/// Imports the roll file `file` (its name tells CSV from XLSX when the content does not). On any
/// problem nothing is written and every problem is returned with its row, column and rule.
pub async fn import_roll(
    store: &Store,
    categories: &[Category],
    file: &str,
    bytes: &[u8],
    actor: Option<i64>,
    dry_run: bool,
) -> Result<ImportOutcome, Vec<ImportError>> {
    // Reading and checking a large file is CPU work: on a bounded blocking thread.
    let owned = (file.to_string(), bytes.to_vec());
    let table = crate::cpu::run_heavy(IMPORT_PATIENCE, move || {
        jidi_tabular::read(&owned.0, &owned.1)
    })
    .await
    .map_err(|e| whole_file(file, "busy", e.to_string()))?
    .map_err(|e| {
        let rule = match e {
            jidi_tabular::TabularError::TooLarge { .. } => "too_large",
            _ => "unreadable_file",
        };
        whole_file(file, rule, e.to_string())
    })?;
    let names: Vec<String> = table
        .column(&["name", "名称", "基地名称"])
        .map(|i| {
            table
                .rows
                .iter()
                .filter_map(|r| r.cells.get(i).cloned())
                .collect()
        })
        .unwrap_or_default();
    // Only the names in the file are looked up, so the check stays cheap on a large roll.
    let existing: HashSet<String> = store
        .existing_names(&names)
        .await
        .map_err(|e| database(file, &e))?
        .into_iter()
        .collect();
    let today = crate::today();
    let categories = categories.to_vec();
    let drafts = crate::cpu::run_heavy(IMPORT_PATIENCE, move || {
        let label = |i: usize| table.column_label(i);
        let sheet = Sheet {
            file: &table.file,
            header: &table.header,
            rows: table
                .rows
                .iter()
                .map(|r| (r.number, r.cells.as_slice()))
                .collect(),
            column_label: &label,
        };
        import::roll_from_sheet(
            &sheet,
            &CategorySet {
                categories: &categories,
            },
            today,
            &|n| existing.contains(n),
        )
    })
    .await
    .map_err(|e| whole_file(file, "busy", e.to_string()))??;
    if dry_run {
        return Ok(ImportOutcome {
            created: Vec::new(),
            valid_rows: drafts.len(),
            dry_run: true,
        });
    }
    let created = store
        .create_bases(&drafts, actor, today)
        .await
        .map_err(|e| database(file, &e))?;
    Ok(ImportOutcome {
        valid_rows: created.len(),
        created,
        dry_run: false,
    })
}

/// The roll columns in export order: the machine round-trip format that `jidi import roll`
/// reads back.
pub const EXPORT_COLUMNS: [&str; 21] = [
    "id",
    "name",
    "province_code",
    "prefecture_code",
    "category_code",
    "subcategory_code",
    "series",
    "tier",
    "batch",
    "designated_year",
    "designated_on",
    "leading_industries",
    "managing_body",
    "area_km2",
    "status",
    "withdrawn_on",
    "withdrawn_reason",
    "synthetic",
    "source",
    "note",
    "generated_fields",
];

/// A base as an export row (the columns of [`EXPORT_COLUMNS`]).
pub fn export_row(b: &Base) -> Vec<Cell> {
    let f = &b.facts;
    let text = |s: &Option<String>| s.clone().map_or(Cell::Empty, Cell::Text);
    let (w_on, w_reason) = match &f.status {
        Status::Current => (Cell::Empty, Cell::Empty),
        Status::Withdrawn { on, reason } => {
            (Cell::Text(on.to_string()), Cell::Text(reason.clone()))
        }
    };
    vec![
        Cell::Number(b.id as f64),
        Cell::Text(f.name.clone()),
        Cell::Text(f.province_code.clone()),
        text(&f.prefecture_code),
        Cell::Text(f.category_code.clone()),
        text(&f.subcategory_code),
        f.series
            .map_or(Cell::Empty, |s| Cell::Text(s.code().into())),
        Cell::Text(f.tier.code().into()),
        f.batch.map_or(Cell::Empty, |v| Cell::Number(v as f64)),
        f.designated_year
            .map_or(Cell::Empty, |v| Cell::Number(v as f64)),
        f.designated_on
            .map_or(Cell::Empty, |d| Cell::Text(d.to_string())),
        Cell::Text(f.leading_industries.join("；")),
        text(&f.managing_body),
        Cell::from(f.area_km2),
        Cell::Text(f.status.code().into()),
        w_on,
        w_reason,
        Cell::Text(f.synthetic.to_string()),
        text(&f.source),
        text(&f.note),
        Cell::Text(
            f.generated_fields
                .iter()
                .map(|g| g.code())
                .collect::<Vec<_>>()
                .join(";"),
        ),
    ]
}
