//! The annual development report for pages and the API: drafts generated on request (ministry
//! only; rendering and printing on blocking threads), published editions (public) and their files.

use std::time::Duration;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use jidi_domain::access;
use jidi_report::Lang as ReportLang;
use jidi_service::report::{self as service, Edition, Format, ReportRequest};
use jidi_store::{EditionFile, EditionRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::params::parse_opt;
use crate::state::AppState;

/// How long a draft waits for a heavy-work slot.
const PATIENCE: Duration = Duration::from_secs(60);

/// What draft to generate.
#[derive(Clone, Debug, Default, Deserialize, Serialize, IntoParams)]
pub struct DraftQuery {
    /// Year of the data.
    pub year: Option<String>,
    /// `html` (default), `docx` or `pdf`.
    pub format: Option<String>,
    /// `zh` (default) or `en`.
    pub lang: Option<String>,
}

/// The parsed draft request.
pub struct DraftSpec {
    /// Year.
    pub year: i32,
    /// Format.
    pub format: Format,
    /// Language.
    pub lang: ReportLang,
}

fn parse_lang(text: &str) -> Option<ReportLang> {
    match text {
        "zh" => Some(ReportLang::Zh),
        "en" => Some(ReportLang::En),
        _ => None,
    }
}

fn parse_year(text: &str) -> Option<i32> {
    text.parse::<i32>()
        .ok()
        .filter(|y| (1990..=2100).contains(y))
}

impl DraftQuery {
    /// Checks the query: a year is required, format and language have defaults.
    pub fn parse(&self) -> AppResult<DraftSpec> {
        let year = parse_opt(&self.year, "year", parse_year, "a year (1990–2100)")?
            .ok_or_else(|| AppError::bad_field("year", "required"))?;
        let format = parse_opt(&self.format, "format", Format::parse, "html, docx or pdf")?
            .unwrap_or(Format::Html);
        let lang = parse_opt(&self.lang, "lang", parse_lang, "zh or en")?.unwrap_or(ReportLang::Zh);
        Ok(DraftSpec { year, format, lang })
    }
}

/// A file to send.
pub struct FileReply {
    /// Bytes.
    pub bytes: Vec<u8>,
    /// Media type.
    pub media_type: &'static str,
    /// File name (ASCII).
    pub file_name: String,
    /// Shown in the browser (HTML) rather than downloaded.
    pub inline: bool,
}

impl IntoResponse for FileReply {
    fn into_response(self) -> Response {
        let disposition = format!(
            "{}; filename=\"{}\"",
            if self.inline { "inline" } else { "attachment" },
            self.file_name
        );
        (
            [
                (header::CONTENT_TYPE, self.media_type.to_string()),
                (header::CONTENT_DISPOSITION, disposition),
                (header::CACHE_CONTROL, "private, no-store".to_string()),
            ],
            self.bytes,
        )
            .into_response()
    }
}

/// Generates a draft (ministry only): HTML inline, DOCX and PDF as downloads.
pub async fn draft(state: &AppState, viewer: &Viewer, spec: &DraftSpec) -> AppResult<FileReply> {
    AppError::check(access::can_manage_reports(viewer.who()))?;
    // Find Chromium first: a server without it answers at once, before any work.
    let chromium = match spec.format {
        Format::Pdf => Some(service::find_chromium()?),
        _ => None,
    };
    let request = ReportRequest {
        year: spec.year,
        edition: Edition::Draft,
        generated_on: jidi_service::today(),
    };
    let model =
        service::build_with_factors(&state.store, &request, &state.config.emission_factors).await?;
    let (format, lang) = (spec.format, spec.lang);
    let bytes = jidi_service::cpu::run_heavy(PATIENCE, move || -> AppResult<Vec<u8>> {
        Ok(match &chromium {
            Some(path) => service::print_report_pdf(&model, lang, path)?,
            None => service::render(&model, format, lang)?.bytes,
        })
    })
    .await??;
    Ok(FileReply {
        bytes,
        media_type: format.media_type(),
        file_name: format!(
            "jidi-report-{}-draft-{}.{}",
            spec.year,
            lang.code(),
            format.code()
        ),
        inline: format == Format::Html,
    })
}

/// A published edition of the report.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EditionView {
    /// Id.
    pub id: i64,
    /// Year of the data.
    pub year: i32,
    /// Edition number within the year, from 1.
    pub edition: i32,
    /// Language, `zh` or `en`.
    pub lang: String,
    /// When it was published (RFC 3339).
    pub published_at: String,
    /// Whether its figures are synthetic (demo data).
    pub synthetic: bool,
    /// SHA-256 of the HTML.
    pub html_sha256: String,
    /// Size of the HTML, bytes.
    pub html_size: i64,
    /// SHA-256 of the generated DOCX.
    pub docx_sha256: String,
    /// Size of the DOCX, bytes.
    pub docx_size: i64,
    /// `docx` or `pdf` when the office uploaded a final file.
    pub final_format: Option<String>,
    /// SHA-256 of the final file.
    pub final_sha256: Option<String>,
    /// Size of the final file, bytes.
    pub final_size: Option<i64>,
    /// Where to download each file.
    pub links: EditionLinks,
}

/// Download links of an edition.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EditionLinks {
    /// The HTML.
    pub html: String,
    /// The generated DOCX.
    pub docx: String,
    /// The office's final file, when uploaded.
    pub r#final: Option<String>,
    /// The sidecar JSON: every figure with its source.
    pub figures: String,
}

/// The wire view of a stored edition.
pub fn edition_view(e: &EditionRecord) -> EditionView {
    let link = |f: &str| format!("/api/v1/reports/editions/{}/files/{f}", e.id);
    EditionView {
        id: e.id,
        year: e.year,
        edition: e.edition,
        lang: e.lang.clone(),
        published_at: e.published_at.to_rfc3339(),
        synthetic: e.synthetic,
        html_sha256: e.html_sha256.clone(),
        html_size: e.html_size,
        docx_sha256: e.docx_sha256.clone(),
        docx_size: e.docx_size,
        final_format: e.final_format.clone(),
        final_sha256: e.final_sha256.clone(),
        final_size: e.final_size,
        links: EditionLinks {
            html: link("html"),
            docx: link("docx"),
            r#final: e.final_format.as_ref().map(|_| link("final")),
            figures: link("figures"),
        },
    }
}

/// Every published edition (public), newest first.
pub async fn editions(state: &AppState) -> AppResult<Vec<EditionView>> {
    Ok(state
        .store
        .report_editions(None)
        .await?
        .iter()
        .map(edition_view)
        .collect())
}

/// One file of a published edition (public): `html`, `docx`, `final` or `figures`.
pub async fn edition_file(state: &AppState, id: i64, file: &str) -> AppResult<FileReply> {
    let which = match file {
        "html" => EditionFile::Html,
        "docx" => EditionFile::Docx,
        "final" => EditionFile::Final,
        "figures" => EditionFile::Figures,
        _ => return Err(AppError::NotFound(format!("file {file}"))),
    };
    let edition = state
        .store
        .report_edition(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("report edition {id}")))?;
    let bytes = state
        .store
        .report_edition_file(id, which)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("file {file} of report edition {id}")))?;
    let (media_type, ext, inline) = match which {
        EditionFile::Html => (Format::Html.media_type(), "html", true),
        EditionFile::Docx => (Format::Docx.media_type(), "docx", false),
        EditionFile::Figures => ("application/json", "figures.json", true),
        EditionFile::Final => match edition.final_format.as_deref() {
            Some("pdf") => (Format::Pdf.media_type(), "pdf", false),
            _ => (Format::Docx.media_type(), "docx", false),
        },
    };
    let kind = if which == EditionFile::Final {
        "final"
    } else {
        "edition"
    };
    Ok(FileReply {
        bytes,
        media_type,
        file_name: format!(
            "jidi-report-{}-{kind}-{}-{}.{ext}",
            edition.year, edition.edition, edition.lang
        ),
        inline,
    })
}

/// Publishes the next edition of a year (ministry only), with the office's final file if given.
pub async fn publish(
    state: &AppState,
    viewer: &Viewer,
    year: i32,
    lang: ReportLang,
    final_file: Option<(String, Vec<u8>)>,
) -> AppResult<EditionView> {
    AppError::check(access::can_manage_reports(viewer.who()))?;
    let record = service::publish(
        &state.store,
        year,
        lang,
        jidi_service::today(),
        final_file,
        viewer.user_id(),
        &state.config.emission_factors,
    )
    .await?;
    Ok(edition_view(&record))
}

/// Parses a year field.
pub fn year_field(text: &str) -> AppResult<i32> {
    parse_year(text.trim())
        .ok_or_else(|| AppError::bad_field("year", format!("{text:?} is not a year (1990–2100)")))
}

/// Parses a language field (empty: Chinese).
pub fn lang_field(text: &str) -> AppResult<ReportLang> {
    match text.trim() {
        "" => Ok(ReportLang::Zh),
        t => parse_lang(t)
            .ok_or_else(|| AppError::bad_field("lang", format!("{t:?} is not zh or en"))),
    }
}
