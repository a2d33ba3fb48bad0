//! `jidi import catalogue` and `jidi export catalogue`: the managed indicator catalogue as a
//! file (the columns of `jidi_collect::managed::CATALOGUE_COLUMNS`). Keep the arguments and the
//! columns stable: the ministry scripts its edits against them.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use jidi_service::catalogue::{self, CatalogueEdit};

use crate::DbArgs;

/// `jidi import catalogue`.
#[derive(Args)]
pub struct ImportCatalogueArgs {
    /// The edited catalogue (.csv in UTF-8 or GB18030, or .xlsx; English or Chinese headers).
    file: PathBuf,
    /// Why (required; recorded with the version and in each changed indicator's audit entry).
    #[arg(long)]
    reason: String,
    /// Check only; save nothing.
    #[arg(long)]
    dry_run: bool,
}

/// `jidi export catalogue`.
#[derive(Args)]
pub struct ExportCatalogueArgs {
    /// A saved version (default: the current one). Named so because `--version` is jidi's own.
    #[arg(long)]
    catalogue_version: Option<i64>,
    /// csv (UTF-8 with BOM, for Excel) | xlsx.
    #[arg(long, default_value = "csv")]
    format: String,
    /// Output file.
    #[arg(long)]
    out: PathBuf,
}

/// Runs `jidi import catalogue`: the whole file is checked against the current version; any
/// problem saves nothing (exit 1), otherwise the catalogue is saved as the next version.
pub async fn import(db: &DbArgs, args: ImportCatalogueArgs) -> anyhow::Result<()> {
    let name = args.file.file_name().map_or_else(
        || args.file.display().to_string(),
        |n| n.to_string_lossy().to_string(),
    );
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let store = db.open().await?;
    let how = CatalogueEdit {
        user_id: None,
        source: "cli",
        reason: args.reason,
        based_on: None,
        dry_run: args.dry_run,
    };
    let outcome = catalogue::import_catalogue(&store, &name, &bytes, &how).await?;
    for e in &outcome.errors {
        eprintln!(
            "{name}:{}:{}: {}",
            e.row,
            e.column.clone().unwrap_or_default(),
            e.message
        );
    }
    if !outcome.errors.is_empty() {
        bail!(
            "{name}: {} problem(s); the catalogue was not changed",
            outcome.errors.len()
        );
    }
    for c in &outcome.changes {
        let what = if c.old.is_some() {
            c.columns.join(", ")
        } else {
            "added".to_string()
        };
        println!("{}: {what}", c.code);
    }
    match (&outcome.saved, args.dry_run) {
        (Some(v), _) => println!(
            "{name}: saved as catalogue version {} ({} indicator(s) changed)",
            v.version, v.changed
        ),
        (None, true) => println!(
            "{name}: valid, {} indicator(s) would change; nothing saved (--dry-run)",
            outcome.changes.len()
        ),
        (None, false) => println!("{name}: nothing changed; no new version"),
    }
    Ok(())
}

/// Runs `jidi export catalogue`.
pub async fn export(db: &DbArgs, args: ExportCatalogueArgs) -> anyhow::Result<()> {
    if !matches!(args.format.as_str(), "csv" | "xlsx") {
        bail!("--format {:?} must be csv or xlsx", args.format);
    }
    let store = db.open().await?;
    let (version, catalogue) = match args.catalogue_version {
        None => store.current_catalogue().await?,
        Some(v) => store
            .catalogue_at(v)
            .await?
            .with_context(|| format!("the catalogue has no version {v}"))?,
    };
    let (header, rows) = catalogue.to_rows();
    let bytes = match args.format.as_str() {
        "csv" => jidi_tabular::write_csv(&header, &rows)?,
        _ => jidi_tabular::write_xlsx("指标目录", &header, &rows)?,
    };
    std::fs::write(&args.out, &bytes)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    eprintln!(
        "catalogue version {} ({} indicators) written to {}",
        version.version,
        rows.len(),
        args.out.display()
    );
    Ok(())
}
