//! The annual development report (C9) built from the database: [`build`] reads the roll at the
//! end of the year, the year's published evaluation, the decisions on it and the year's values
//! (summed in the database) into a [`jidi_report::model::Report`], whose every figure names the
//! query or run it came from; [`render`] turns it into bytes, [`print_pdf`] prints the print HTML
//! with the system's headless Chromium.
//!
//! Sections without data are left out (`None`): a year without a published evaluation has no
//! evaluation section, no movers and no scheme in the appendix; a year without values has no
//! economy; a year without monthly data has no monitoring; a year without a reporting task has no
//! data collection.

mod collection;
mod economy;
mod editions;
mod monitoring;
mod names;
mod pdf;
mod rated;

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use jidi_domain::reference::{MacroRegion, STRATEGIES};
use jidi_domain::roll::{Series, Tier};
use jidi_report::model::{
    CategoryCount, Counter, Date, Decision, DecisionKind, Decisions, Figure, Item, Meta, Name,
    Provenance, Report, Roll, Unit,
};
use jidi_report::{Lang, Rendered};
use jidi_store::{ProposalFilter, ReportGroup, Store};

pub use editions::{MAX_FINAL_BYTES, check_final_file, publish};
pub use names::Labels;
pub use pdf::{PdfError, find_chromium, print_pdf};

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

/// Builds the report of `request.year` from the database.
pub async fn build(store: &Store, request: &ReportRequest) -> Result<Report> {
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
    let green_safety = economy::green_safety(store, year, rated.as_ref(), &labels).await?;
    let decisions = decisions(store, year, &labels).await?;
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

/// Accepted proposals of the year's evaluation, and the national bases designated in the year.
async fn decisions(store: &Store, year: i32, labels: &Labels) -> Result<Option<Decisions>> {
    use jidi_domain::rules::{ProposalKind, ProposalStatus};
    let mut filter = ProposalFilter::within(jidi_domain::access::RecordScope::All);
    filter.status = Some(ProposalStatus::Accepted);
    filter.year = Some(year);
    let mut accepted = Vec::new();
    loop {
        let page = jidi_store::Page {
            offset: accepted.len() as u32,
            limit: 500,
        };
        let (rows, total) = store.proposals(&filter, page).await?;
        let done = rows.is_empty() || (accepted.len() + rows.len()) as i64 >= total;
        accepted.extend(rows);
        if done {
            break;
        }
    }
    let designated = store.report_designated_in(year).await?;
    let mut ids: Vec<i64> = accepted.iter().map(|p| p.base_id).collect();
    ids.extend(designated.iter().map(|(id, _)| *id));
    let bases = store.bases_by_ids(&ids).await?;
    let tier = |t: Tier| Name::new(t.name_zh(), t.name_en());
    let mut items = Vec::new();
    for (id, tier_then) in &designated {
        let Some(base) = bases.get(id) else { continue };
        let facts = &base.facts;
        // The tier at the end of the year, not today's (a later promotion is a later decision).
        let tier_then = Tier::parse(tier_then).unwrap_or(facts.tier);
        let batch = match facts.batch {
            Some(b) => format!("第{b}批国家新型工业化产业示范基地"),
            None => "国家新型工业化产业示范基地".to_string(),
        };
        items.push(Decision {
            key: format!("new-{id}"),
            kind: DecisionKind::New,
            base: labels.base_ref(base),
            from_tier: None,
            to_tier: Some(tier(tier_then)),
            decided_on: date(
                facts
                    .designated_on
                    .unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 12, 31).expect("year end")),
            ),
            reason: Name::zh_only(&format!("公布为{batch}")),
        });
    }
    for p in &accepted {
        let Some(base) = bases.get(&p.base_id) else {
            continue;
        };
        let kind = match p.kind {
            ProposalKind::Promotion => DecisionKind::Promoted,
            ProposalKind::Warning => DecisionKind::Warned,
            ProposalKind::Rectification => DecisionKind::Rectified,
            ProposalKind::Exit => DecisionKind::Withdrawn,
        };
        let decided = p.decided_at.unwrap_or(p.created_at);
        let mut reason = p.decision_reason.clone().unwrap_or_default();
        if reason.trim().is_empty() {
            reason = p
                .reasons
                .iter()
                .map(|r| r.zh())
                .collect::<Vec<_>>()
                .join("；");
        }
        items.push(Decision {
            key: p.id.to_string(),
            kind,
            base: labels.base_ref(base),
            from_tier: Some(tier(p.from_tier)),
            // A warning or a rectification order keeps the base in its tier; only an exit
            // leaves the roll (no target tier).
            to_tier: match p.kind {
                ProposalKind::Warning | ProposalKind::Rectification => Some(tier(p.from_tier)),
                ProposalKind::Promotion | ProposalKind::Exit => p.to_tier.map(tier),
            },
            decided_on: date((decided + chrono::Duration::hours(8)).date_naive()),
            reason: Name::zh_only(if reason.trim().is_empty() {
                "（未填写理由）"
            } else {
                &reason
            }),
        });
    }
    if items.is_empty() {
        return Ok(None);
    }
    Ok(Some(Decisions {
        provenance: Provenance::query(
            "report_decisions",
            &format!(
                "proposals of year={year} with status=accepted; national bases with designated_year={year}"
            ),
        ),
        items,
    }))
}
