//! `jidi import values` and `jidi export values`: the long form others script against. Keep the
//! arguments, the header and the report's columns stable.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use jidi_collect::{Report, Scope};
use jidi_service::values::{self, ExportValues, ImportValues, LONG_FORM_HEADER};
use jidi_store::Frequency;

use crate::DbArgs;

/// `jidi import values`.
#[derive(Args)]
pub struct ImportValuesArgs {
    /// The file (.csv in UTF-8 or GB18030, or .xlsx).
    file: PathBuf,
    /// Check only; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Write every finding to this CSV (`row,column,severity,rule,message`; header = row 1).
    #[arg(long)]
    report: Option<PathBuf>,
    /// Why (recorded with the batch, e.g. a correction's reason).
    #[arg(long, default_value = "")]
    reason: String,
}

/// `jidi export values`.
#[derive(Args)]
pub struct ExportValuesArgs {
    /// One year (annual values, or every month of it with --frequency monthly).
    #[arg(long, conflicts_with = "period")]
    year: Option<i32>,
    /// One month, YYYY-MM (monthly values).
    #[arg(long)]
    period: Option<String>,
    /// annual | monthly (default: monthly with --period, else annual).
    #[arg(long)]
    frequency: Option<String>,
    /// One base only.
    #[arg(long)]
    base: Option<i64>,
    /// csv (UTF-8 with BOM, for Excel) | xlsx.
    #[arg(long, default_value = "csv")]
    format: String,
    /// Output file.
    #[arg(long)]
    out: PathBuf,
}

fn write_report(path: &PathBuf, report: &Report) -> anyhow::Result<()> {
    let rows: Vec<Vec<jidi_tabular::Cell>> = report
        .to_csv_rows()
        .into_iter()
        .map(|r| r.into_iter().map(jidi_tabular::Cell::Text).collect())
        .collect();
    let bytes = jidi_tabular::write_csv(&Report::CSV_HEADER, &rows)?;
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// Runs `jidi import values`.
pub async fn import(db: &DbArgs, args: ImportValuesArgs) -> anyhow::Result<()> {
    let name = args.file.file_name().map_or_else(
        || args.file.display().to_string(),
        |n| n.to_string_lossy().to_string(),
    );
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let store = db.open().await?;
    let how = ImportValues {
        user_id: None,
        source: "cli",
        scope: Scope::All,
        dry_run: args.dry_run,
        reason: args.reason,
        explanation: "命令行导入（部级），警告已记录".into(),
        review: None,
    };
    let outcome = values::import_values(&store, &name, &bytes, &how).await?;
    if let Some(path) = &args.report {
        write_report(path, &outcome.report)?;
    }
    let errors = outcome.report.errors().count();
    let warnings = outcome.report.warnings().count();
    for f in outcome.report.findings.iter().take(50) {
        eprintln!(
            "{name}:{}:{}: {} {}: {}",
            f.row.map(|r| r.to_string()).unwrap_or_default(),
            f.column.clone().unwrap_or_default(),
            f.severity.code(),
            f.rule.name(),
            f.message
        );
    }
    if outcome.report.findings.len() > 50 {
        eprintln!(
            "… {} more finding(s){}",
            outcome.report.findings.len() - 50,
            if args.report.is_some() {
                " in the report"
            } else {
                "; --report FILE lists them all"
            }
        );
    }
    if outcome.refused() {
        bail!(
            "{name}: {errors} error(s), {warnings} warning(s) in {} row(s); nothing was imported",
            outcome.rows
        );
    }
    if args.dry_run {
        println!(
            "{name}: {} row(s) valid, {} would change, {} unchanged, {warnings} warning(s); nothing written (--dry-run)",
            outcome.rows, outcome.changed, outcome.unchanged
        );
    } else {
        println!(
            "{name}: {} row(s) read, {} value(s) changed{}, {} unchanged, {warnings} warning(s) recorded",
            outcome.rows,
            outcome.changed,
            outcome
                .batch_id
                .map_or(String::new(), |b| format!(" (batch {b})")),
            outcome.unchanged
        );
    }
    Ok(())
}

/// Runs `jidi export values`.
pub async fn export(db: &DbArgs, args: ExportValuesArgs) -> anyhow::Result<()> {
    if !matches!(args.format.as_str(), "csv" | "xlsx") {
        bail!("--format {:?} must be csv or xlsx", args.format);
    }
    let frequency = match (args.frequency.as_deref(), &args.period) {
        (Some("annual"), None) | (None, None) => Frequency::Annual,
        (Some("monthly"), _) | (None, Some(_)) => Frequency::Monthly,
        (Some("annual"), Some(_)) => bail!("--period is a month: use --frequency monthly"),
        (Some(other), _) => bail!("--frequency {other:?} must be annual or monthly"),
    };
    let periods = match (&args.period, args.year, frequency) {
        (Some(p), _, _) => {
            let month: jidi_monitor::period::Period = p
                .parse()
                .map_err(|_| anyhow::anyhow!("--period {p:?} must be YYYY-MM"))?;
            let key = month.year() * 100 + month.month() as i32;
            (key, key)
        }
        (None, Some(y), Frequency::Annual) => (y, y),
        (None, Some(y), Frequency::Monthly) => (y * 100 + 1, y * 100 + 12),
        (None, None, Frequency::Annual) => (0, 9999),
        (None, None, Frequency::Monthly) => (0, 999_912),
    };
    let store = db.open().await?;
    let mut rows = Vec::new();
    let n = values::export_values(
        &store,
        &ExportValues {
            frequency,
            periods,
            base_id: args.base,
            province_code: None,
        },
        |r| rows.push(r),
    )
    .await?;
    let bytes = match args.format.as_str() {
        "csv" => jidi_tabular::write_csv(&LONG_FORM_HEADER, &rows)?,
        _ => jidi_tabular::write_xlsx("values", &LONG_FORM_HEADER, &rows)?,
    };
    std::fs::write(&args.out, &bytes)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    eprintln!("{n} value(s) written to {}", args.out.display());
    Ok(())
}
