//! `jidi import roll` and `jidi export roll`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Subcommand;
use jidi_store::{BaseFilter, BaseSort, SortOrder};

use crate::DbArgs;

/// What to import.
#[derive(Subcommand)]
pub enum ImportWhat {
    /// A roll file (CSV in UTF-8 or GB18030, or XLSX): written all or nothing; every problem is
    /// listed with its row, column and rule.
    Roll {
        /// The file.
        file: PathBuf,
        /// Check only; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Indicator values in the long form `base_id,base_name,period,indicator,value,unit` (CSV or
    /// XLSX; `base_name` and `unit` optional, a `unit` converts to the catalogue's unit). Every row
    /// is checked first; with any error nothing is written and the exit code is 1. Accepted at once
    /// as the ministry's, warnings recorded, audited with the file's name and SHA-256.
    Values(crate::values::ImportValuesArgs),
    /// The indicator catalogue (CSV or XLSX, as `jidi export catalogue` writes it), checked whole
    /// against the current version and saved as the next one; any problem saves nothing (exit 1).
    Catalogue(crate::catalogue::ImportCatalogueArgs),
}

/// What to export.
#[derive(Subcommand)]
pub enum ExportWhat {
    /// The whole roll (every tier, current and withdrawn).
    Roll {
        /// csv (UTF-8 with BOM, for Excel) | xlsx | json.
        #[arg(long, default_value = "csv")]
        format: String,
        /// Output file; standard output when absent (not for xlsx).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Accepted indicator values in the long form (`period` YYYY or YYYY-MM; values in the
    /// catalogue's unit, cumulative indicators as reported).
    Values(crate::values::ExportValuesArgs),
    /// The indicator catalogue (current or one version).
    Catalogue(crate::catalogue::ExportCatalogueArgs),
}

/// Runs an import.
pub async fn import(db: &DbArgs, what: ImportWhat) -> anyhow::Result<()> {
    let (file, dry_run) = match what {
        ImportWhat::Roll { file, dry_run } => (file, dry_run),
        ImportWhat::Values(args) => return crate::values::import(db, args).await,
        ImportWhat::Catalogue(args) => return crate::catalogue::import(db, args).await,
    };
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().to_string(),
    );
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let store = db.open().await?;
    let categories = store.categories().await?;
    match jidi_service::roll::import_roll(&store, &categories, &name, &bytes, None, dry_run).await {
        Err(problems) => {
            for p in &problems {
                eprintln!("{p}");
            }
            bail!(
                "{name}: {} problem(s); nothing was imported",
                problems.len()
            );
        }
        Ok(r) if r.dry_run => {
            println!(
                "{name}: {} base(s) valid; nothing written (--dry-run)",
                r.valid_rows
            );
            Ok(())
        }
        Ok(r) => {
            println!(
                "{name}: {} base(s) imported (ids {}–{})",
                r.created.len(),
                r.created.first().unwrap_or(&0),
                r.created.last().unwrap_or(&0)
            );
            Ok(())
        }
    }
}

/// Runs an export.
pub async fn export(db: &DbArgs, what: ExportWhat) -> anyhow::Result<()> {
    let (format, out) = match what {
        ExportWhat::Roll { format, out } => (format, out),
        ExportWhat::Values(args) => return crate::values::export(db, args).await,
        ExportWhat::Catalogue(args) => return crate::catalogue::export(db, args).await,
    };
    if !matches!(format.as_str(), "csv" | "xlsx" | "json") {
        bail!("--format {format:?} must be csv, xlsx or json");
    }
    let store = db.open().await?;
    let bases = store
        .all_bases(
            &BaseFilter::default(),
            &jidi_domain::access::ListScope::Everything,
            BaseSort::Id,
            SortOrder::Asc,
        )
        .await?;
    let rows: Vec<Vec<jidi_tabular::Cell>> =
        bases.iter().map(jidi_service::roll::export_row).collect();
    let bytes = match format.as_str() {
        "csv" => jidi_tabular::write_csv(&jidi_service::roll::EXPORT_COLUMNS, &rows)?,
        "xlsx" => jidi_tabular::write_xlsx("roll", &jidi_service::roll::EXPORT_COLUMNS, &rows)?,
        _ => {
            let items: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    let mut m = serde_json::Map::new();
                    for (k, c) in jidi_service::roll::EXPORT_COLUMNS.iter().zip(r) {
                        let v = match c {
                            jidi_tabular::Cell::Text(s) => serde_json::Value::String(s.clone()),
                            jidi_tabular::Cell::Number(x) => serde_json::json!(x),
                            jidi_tabular::Cell::Empty => serde_json::Value::Null,
                        };
                        m.insert((*k).to_string(), v);
                    }
                    serde_json::Value::Object(m)
                })
                .collect();
            serde_json::to_vec_pretty(&items)?
        }
    };
    match out {
        Some(path) => {
            std::fs::write(&path, &bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("{} base(s) written to {}", bases.len(), path.display());
        }
        None if format == "xlsx" => bail!("an XLSX export needs --out FILE"),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&bytes)?;
            stdout.flush()?;
        }
    }
    Ok(())
}
