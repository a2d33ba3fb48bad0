//! The annual development report (C9) built from the database: [`build`] reads the roll at the
//! end of the year, the year's published evaluation, the decisions on it and the year's values
//! (summed in the database) into a [`jidi_report::model::Report`], whose every figure names the
//! query or run it came from; [`render`] turns it into bytes, [`print_report_pdf`] prints it with
//! the system's headless Chromium (twice: the second time with the contents' page numbers).
//!
//! Sections without data are left out (`None`): a year without a published evaluation has no
//! evaluation section, no movers and no scheme in the appendix; a year without values has no
//! economy; a year without monthly data has no monitoring; a year without a reporting task has no
//! data collection.

mod collection;
mod decisions;
mod economy;
mod editions;
mod monitoring;
mod names;
mod pdf;
mod pdf_pages;
mod rated;

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use jidi_domain::reference::{MacroRegion, STRATEGIES};
use jidi_domain::roll::{Series, Tier};
use jidi_monitor::carbon::factors::EmissionFactors;
use jidi_report::model::{
    CategoryCount, Counter, Date, Figure, Item, Meta, Name, Provenance, Report, Roll, Unit,
};
use jidi_report::{Lang, Rendered};
use jidi_store::{ReportGroup, Store};

pub use editions::{MAX_FINAL_BYTES, check_final_file, publish};
pub use names::Labels;
pub use pdf::{PdfError, find_chromium, print_pdf, print_report_pdf};

/// Why a report could not be built or rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportServiceError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] jidi_store::StoreError),
    /// The year has no national base on the roll: nothing to report.
    #[error("no national base is on the roll at the end of {year}: there is nothing to report")]
    EmptyYear {
        /// The year asked for.
        year: i32,
    },
    /// The year is outside what the programme can have (1990–2100).
    #[error("year {year} is out of range (1990–2100)")]
    BadYear {
        /// The year asked for.
        year: i32,
    },
    /// A stored scheme no longer parses.
    #[error(transparent)]
    Scheme(#[from] crate::evaluation::EvaluationServiceError),
    /// An uploaded final file was refused.
    #[error("{message}")]
    BadFile {
        /// What is wrong, naming the file.
        message: String,
    },
    /// No slot for the rendering freed up in time, or it failed.
    #[error(transparent)]
    Cpu(#[from] crate::cpu::CpuError),
    /// The model broke a rule of the renderer (a bug or corrupt data), with every problem.
    #[error(transparent)]
    Render(#[from] jidi_report::ReportError),
    /// The green figures could not be computed (a fuel without a factor).
    #[error(transparent)]
    Green(#[from] crate::green::GreenError),
}

type Result<T> = std::result::Result<T, ReportServiceError>;

/// Which edition is generated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edition {
    /// 征求意见稿: a draft the office edits.
    Draft,
    /// The published edition with its number within the year (1, 2, …).
    Published(u32),
}

impl Edition {
    fn name(self) -> Name {
        match self {
            Edition::Draft => Name::new("征求意见稿", "Draft for comment"),
            Edition::Published(n) => Name::new(
                &format!("正式版（第{n}版）"),
                &format!("Final (edition {n})"),
            ),
        }
    }
}

/// What to build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReportRequest {
    /// The year of the data.
    pub year: i32,
    /// Which edition.
    pub edition: Edition,
    /// The date of generation printed in the report (given, never read here: the same data and
    /// date give the same bytes).
    pub generated_on: NaiveDate,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Self-contained HTML for the screen.
    Html,
    /// DOCX for the office to edit.
    Docx,
    /// PDF (printed from the print HTML by Chromium).
    Pdf,
}

impl Format {
    /// Parses `html`, `docx` or `pdf`.
    pub fn parse(text: &str) -> Option<Format> {
        match text {
            "html" => Some(Format::Html),
            "docx" => Some(Format::Docx),
            "pdf" => Some(Format::Pdf),
            _ => None,
        }
    }

    /// Stable code, also the file extension.
    pub fn code(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }

    /// The media type of the file.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Html => "text/html; charset=utf-8",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Pdf => "application/pdf",
        }
    }
}

/// Renders a built report: HTML and DOCX directly; for PDF the print HTML (to hand to
/// [`print_pdf`]), whose figures are the PDF's sidecar. CPU work: call it off the async workers.
pub fn render(report: &Report, format: Format, lang: Lang) -> Result<Rendered> {
    Ok(match format {
        Format::Html => jidi_report::render_html(report, lang)?,
        Format::Docx => jidi_report::render_docx(report, lang)?,
        Format::Pdf => jidi_report::render_print_html(report, lang)?,
    })
}

/// Builds the report of `request.year` from the database, with the shipped emission factors.
pub async fn build(store: &Store, request: &ReportRequest) -> Result<Report> {
    build_with_factors(store, request, &EmissionFactors::shipped()).await
}

/// Builds the report of `request.year` from the database; CO₂ with `factors` (the ones the server
/// or the command was given, as on the green page).
pub async fn build_with_factors(
    store: &Store,
    request: &ReportRequest,
    factors: &EmissionFactors,
) -> Result<Report> {
    let year = request.year;
    if !(1990..=2100).contains(&year) {
        return Err(ReportServiceError::BadYear { year });
    }
    let labels = Labels::load(store).await?;
    let roll = roll(store, year, &labels).await?;
    if roll.n_bases.value == 0.0 {
        return Err(ReportServiceError::EmptyYear { year });
    }
    let run = store.published_run(year).await?;
    let rated = match &run {
        Some(run) => Some(rated::load(store, run, &labels).await?),
        None => None,
    };
    let synthetic =
        store.report_synthetic_bases(year).await? > 0 || run.as_ref().is_some_and(|r| r.synthetic);
    let economy = economy::economy(store, year, &labels).await?;
    let innovation = economy::innovation(store, year, &labels).await?;
    let green_safety = economy::green_safety(store, year, rated.as_ref(), &labels, factors).await?;
    let decisions = decisions::decisions(store, year, &labels).await?;
    let appendix = rated::appendix(store, run.as_ref(), synthetic).await?;
    let monitoring = monitoring::monitoring(store, year, &labels).await?;
    let collection = collection::collection(store, year, &labels).await?;
    Ok(Report {
        meta: Meta {
            year,
            edition: request.edition.name(),
            issuer: Name::new(
                "国家新型工业化产业示范基地管理平台",
                "National demonstration-base management platform",
            ),
            generated_on: date(request.generated_on),
            synthetic,
        },
        roll,
        evaluation: rated.map(|r| r.evaluation),
        decisions,
        economy,
        innovation,
        green_safety,
        monitoring,
        collection,
        appendix: Some(appendix),
    })
}

pub(crate) fn date(d: NaiveDate) -> Date {
    // Month and day of a NaiveDate are 1–12 and 1–31.
    Date::new(d.year(), d.month() as u8, d.day() as u8)
}

fn count(n: i64, counter: Counter, provenance: Provenance) -> Figure {
    Figure::new(n as f64, Unit::Count(counter), provenance)
}

async fn roll(store: &Store, year: i32, labels: &Labels) -> Result<Roll> {
    let q = |detail: String| Provenance::query("report_roll_counts", &detail);
    let scope =
        format!("year={year}; national bases (国家级, 卓越提升) on the roll at {year}-12-31");
    let total: i64 = store
        .report_roll_counts(year, ReportGroup::National)
        .await?
        .iter()
        .map(|(_, n)| n)
        .sum();
    // Last year-end's roll by the same rule, for the change on last year; a programme that had
    // no national base then has no change to state.
    let previous: i64 = store
        .report_roll_counts(year - 1, ReportGroup::National)
        .await?
        .iter()
        .map(|(_, n)| n)
        .sum();
    let tiers: HashMap<String, i64> = store
        .report_roll_counts(year, ReportGroup::Tier)
        .await?
        .into_iter()
        .collect();
    let by_tier = Tier::ALL
        .iter()
        .filter_map(|t| {
            let n = *tiers.get(t.code())?;
            Some(Item {
                key: t.code().to_string(),
                label: Name::new(t.name_zh(), t.name_en()),
                value: count(
                    n,
                    Counter::Base,
                    q(format!(
                        "year={year}; bases of every tier on the roll at {year}-12-31; tier={}",
                        t.code()
                    )),
                ),
            })
        })
        .collect();
    let series: HashMap<String, i64> = store
        .report_roll_counts(year, ReportGroup::Series)
        .await?
        .into_iter()
        .collect();
    let by_series = [Series::Advantage, Series::Specialty]
        .iter()
        .filter_map(|s| {
            let n = *series.get(s.code())?;
            Some(Item {
                key: s.code().to_string(),
                label: Name::new(s.name_zh(), s.name_en()),
                value: count(n, Counter::Base, q(format!("{scope}; series={}", s.code()))),
            })
        })
        .collect();
    let subtypes = store.report_roll_counts(year, ReportGroup::Subtype).await?;
    let by_category = store
        .report_roll_counts(year, ReportGroup::Category)
        .await?
        .into_iter()
        .map(|(code, n)| {
            let prefix = format!("{code}/");
            CategoryCount {
                label: labels.category(&code),
                n_bases: count(n, Counter::Base, q(format!("{scope}; category={code}"))),
                subtypes: subtypes
                    .iter()
                    .filter_map(|(key, n)| {
                        let sub = key.strip_prefix(&prefix)?;
                        (sub != "none").then(|| Item {
                            key: sub.to_string(),
                            label: labels.category(sub),
                            value: count(
                                *n,
                                Counter::Base,
                                q(format!("{scope}; category={code}; subtype={sub}")),
                            ),
                        })
                    })
                    .collect(),
                key: code,
            }
        })
        .collect();
    let regions: HashMap<String, i64> = store
        .report_roll_counts(year, ReportGroup::Region)
        .await?
        .into_iter()
        .collect();
    let by_region = MacroRegion::ALL
        .iter()
        .filter_map(|r| {
            let n = *regions.get(r.code())?;
            Some(Item {
                key: r.code().to_string(),
                label: Name::new(r.name_zh(), r.name_en()),
                value: count(n, Counter::Base, q(format!("{scope}; region={}", r.code()))),
            })
        })
        .collect();
    let provinces = store
        .report_roll_counts(year, ReportGroup::Province)
        .await?;
    let by_strategy = STRATEGIES
        .iter()
        .filter_map(|s| {
            let n: i64 = provinces
                .iter()
                .filter(|(code, _)| s.provinces.contains(&code.get(..2).unwrap_or_default()))
                .map(|(_, n)| n)
                .sum();
            (n > 0).then(|| Item {
                key: s.code.to_string(),
                label: Name::new(s.name_zh, s.name_en),
                value: count(
                    n,
                    Counter::Base,
                    q(format!(
                        "{scope}; by province, summed over the provinces of strategy {} ({})",
                        s.code,
                        s.provinces.join(",")
                    )),
                ),
            })
        })
        .collect();
    let n_provinces = provinces.len() as i64;
    let by_province = provinces
        .into_iter()
        .map(|(code, n)| Item {
            label: labels.province(&code),
            value: count(n, Counter::Base, q(format!("{scope}; province={code}"))),
            key: code,
        })
        .collect();
    Ok(Roll {
        n_bases: count(total, Counter::Base, q(scope.clone())),
        n_bases_previous: (previous > 0).then(|| {
            count(
                previous,
                Counter::Base,
                q(format!(
                    "year={}; national bases (国家级, 卓越提升) on the roll at {}-12-31",
                    year - 1,
                    year - 1
                )),
            )
        }),
        n_provinces: count(
            n_provinces,
            Counter::Province,
            q(format!("{scope}; distinct provinces")),
        ),
        by_tier,
        by_series,
        by_category,
        by_region,
        by_strategy,
        by_province,
    })
}
