//! `jidi report`: the annual development report of a year, from the database, as HTML, DOCX or
//! PDF, with the sidecar of its figures beside DOCX and PDF files.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use jidi_report::Lang;
use jidi_service::report::{self, Edition, Format, ReportRequest};

use crate::DbArgs;

/// Output format of `jidi report`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FormatArg {
    /// One self-contained HTML file (figures carry their source as data attributes).
    Html,
    /// DOCX with heading styles, a table of contents and native charts.
    Docx,
    /// PDF printed by the system's headless Chromium (needs `chromium` and `fonts-noto-cjk`).
    Pdf,
}

/// Language of `jidi report`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LangArg {
    /// Chinese.
    Zh,
    /// English.
    En,
}

/// `jidi report`.
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The year of the data.
    #[arg(long)]
    year: i32,
    /// Output format.
    #[arg(long, value_enum)]
    format: FormatArg,
    /// Language.
    #[arg(long, value_enum, default_value = "zh")]
    lang: LangArg,
    /// The file to write; DOCX and PDF also get FILE.figures.json (every figure with its source).
    #[arg(long)]
    out: PathBuf,
    /// The date of generation printed in the report, YYYY-MM-DD (default: today in China); the
    /// same data and date give the same HTML and DOCX bytes.
    #[arg(long)]
    date: Option<chrono::NaiveDate>,
    /// Emission factors for the report's CO₂ (CSV with the columns of the shipped
    /// crates/jidi-monitor/data/emission_factors.csv), as `jidi serve --emission-factors`.
    #[arg(long, env = "JIDI_EMISSION_FACTORS")]
    emission_factors: Option<PathBuf>,
}

/// The sidecar's path: `report.docx` → `report.docx.figures.json`.
pub fn sidecar_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".figures.json");
    out.with_file_name(name)
}

/// Builds, renders and writes the report.
pub async fn run(db: &DbArgs, args: ReportArgs) -> anyhow::Result<()> {
    let format = match args.format {
        FormatArg::Html => Format::Html,
        FormatArg::Docx => Format::Docx,
        FormatArg::Pdf => Format::Pdf,
    };
    let lang = match args.lang {
        LangArg::Zh => Lang::Zh,
        LangArg::En => Lang::En,
    };
    // Find Chromium before the work, so a missing browser fails at once.
    let chromium = match format {
        Format::Pdf => Some(report::find_chromium()?),
        _ => None,
    };
    if args.out.is_dir() {
        bail!(
            "{} is a directory: --out names the file to write",
            args.out.display()
        );
    }
    let store = db.open().await?;
    let started = std::time::Instant::now();
    let request = ReportRequest {
        year: args.year,
        edition: Edition::Draft,
        generated_on: args.date.unwrap_or_else(crate::today),
    };
    let factors = match &args.emission_factors {
        Some(path) => crate::read_emission_factors(path)?,
        None => jidi_monitor::carbon::factors::EmissionFactors::shipped(),
    };
    let model = report::build_with_factors(&store, &request, &factors).await?;
    let built = started.elapsed();
    let rendered = report::render(&model, format, lang)?;
    let bytes = match &chromium {
        Some(chromium) => report::print_report_pdf(&model, lang, chromium)?,
        None => rendered.bytes.clone(),
    };
    std::fs::write(&args.out, &bytes)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    if format != Format::Html {
        let sidecar = sidecar_path(&args.out);
        std::fs::write(&sidecar, rendered.sidecar_json())
            .with_context(|| format!("cannot write {}", sidecar.display()))?;
    }
    tracing::info!(
        year = args.year,
        format = format.code(),
        figures = rendered.figures.len(),
        synthetic = model.meta.synthetic,
        "report written to {} ({} bytes) in {:.2} s (model {:.2} s)",
        args.out.display(),
        bytes.len(),
        started.elapsed().as_secs_f64(),
        built.as_secs_f64()
    );
    Ok(())
}
