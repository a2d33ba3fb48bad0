//! The annual development report (年度发展报告) of the demonstration-base programme.
//!
//! # Brief overview
//!
//! A [`Report`] is plain data: the roll, the year's published evaluation, tier
//! decisions, economic figures, innovation, green and safety, monitoring, data collection and an
//! appendix, every section but the roll optional. Every number in it is a
//! [`Figure`](model::Figure): a raw value, a [`Unit`](model::Unit) and the
//! [`Provenance`](model::Provenance) that produced it. Three functions turn it into bytes:
//!
//! - [`render_html`]: one self-contained HTML file (inline CSS and SVG charts, no script, nothing
//!   external), for the screen;
//! - [`render_print_html`]: the same document laid out for A4 printing; headless Chromium prints
//!   it to PDF with the arguments of [`pdf_command_args`];
//! - [`render_docx`]: a DOCX with real heading styles, a TOC field, header and footer on every
//!   page and native Word charts.
//!
//! Each returns a [`Rendered`]: the bytes and the list of every figure shown
//! ([`FigureRecord`]: id, texts, raw value, unit, provenance), which
//! [`Rendered::sidecar_json`] writes as the sidecar file. In HTML each figure is also wrapped as
//! `<span class="fig" data-fig="economy.revenue" data-source="query:economy_headline">…</span>`.
//!
//! The prose is generated from the figures (see [`wording`] for rounding, units and the Chinese
//! and English conventions); nothing is pasted text. The crate is pure: no database, no HTTP, no
//! files, no clock, no async. The same report and language always give the same bytes.
//!
//! ```
//! use jidi_report::{fixture, render_html, render_docx, Lang};
//!
//! let report = fixture::minimal();
//! let html = render_html(&report, Lang::Zh).unwrap();
//! assert!(String::from_utf8(html.bytes).unwrap().contains("国家新型工业化产业示范基地"));
//! let docx = render_docx(&report, Lang::En).unwrap();
//! assert_eq!(&docx.bytes[..2], b"PK");
//! assert!(docx.sidecar_json().contains("\"roll.n_bases\""));
//! ```
//!
//! # PDF
//!
//! The PDF is printed from [`render_print_html`] by headless Chromium, outside this crate:
//! `chromium` followed by [`pdf_command_args`]. Chromium (≥ 131) prints the `@page` margin
//! boxes: the year, edition (and "synthetic data" mark) at the top of every page, `— n —` at the
//! bottom. Measured by hand on the project machine (2 cores, Debian Chromium 156,
//! `fonts-noto-cjk`): the full synthetic report (445 bases) prints to 40 A4 pages in 5.1–5.6 s
//! wall time (1.1 s of CPU), of which about 2.7 s is Chromium's start-up (the minimal report
//! takes 2.6–3.0 s); `pdftotext` finds the Chinese text, the header line on all 40 pages and the
//! `— n —` page numbers. Chromium embeds the CJK glyphs as Type 3 fonts (text still extracts).
//!
//! # Typography and numbers
//!
//! See [`wording`]: no space between Chinese and numbers, full-width punctuation in Chinese
//! prose, 亿元 → 万亿元 from 1万亿元 up (2 decimals), billion yuan in English, percent with one
//! decimal, `同比增长5.2%` / `同比下降3.1%` / `与上年持平`, `占全国比重9.8%`; tables use one
//! format per unit with thousands separators.

#![deny(missing_docs)]

mod build;
pub mod chart;
mod docx;
pub mod fixture;
mod html;
mod ir;
pub mod model;
mod validate;
pub mod wording;

pub use ir::FigureRecord;
pub use validate::{Problem, ReportError, check};
pub use wording::Lang;

use model::Report;
use serde::Serialize;

/// A rendered report: its bytes and the figures it shows.
#[derive(Clone, Debug)]
pub struct Rendered {
    /// The file: UTF-8 HTML, or a DOCX (zip) archive.
    pub bytes: Vec<u8>,
    /// Every figure shown, in order of first appearance, plus the inputs of derived figures.
    pub figures: Vec<FigureRecord>,
    header: SidecarHeader,
}

#[derive(Clone, Debug, Serialize)]
struct SidecarHeader {
    generator: &'static str,
    format: &'static str,
    lang: &'static str,
    year: i32,
    edition: String,
    generated_on: String,
    synthetic: bool,
}

#[derive(Serialize)]
struct Sidecar<'a> {
    report: &'a SidecarHeader,
    figures: &'a [FigureRecord],
}

impl Rendered {
    /// The sidecar: a JSON object `{"report": {…}, "figures": [{id, texts, value, unit, source,
    /// detail, derived_from}, …]}` listing every figure of the file with its raw value and
    /// provenance, so that a test can recompute figures from the database.
    pub fn sidecar_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(&Sidecar {
            report: &self.header,
            figures: &self.figures,
        })
        .expect("the sidecar serialises");
        out.push('\n');
        out
    }
}

fn render(
    report: &Report,
    lang: Lang,
    format: &'static str,
    to_bytes: impl FnOnce(&ir::Doc) -> Vec<u8>,
) -> Result<Rendered, ReportError> {
    let problems = check(report);
    if !problems.is_empty() {
        return Err(ReportError { problems });
    }
    let doc = build::build(report, lang);
    let bytes = to_bytes(&doc);
    let meta = &report.meta;
    Ok(Rendered {
        bytes,
        figures: doc.figures,
        header: SidecarHeader {
            generator: concat!("jidi-report ", env!("CARGO_PKG_VERSION")),
            format,
            lang: lang.code(),
            year: meta.year,
            edition: match lang {
                Lang::Zh => meta.edition.zh.clone(),
                Lang::En => meta
                    .edition
                    .en
                    .clone()
                    .unwrap_or_else(|| meta.edition.zh.clone()),
            },
            generated_on: meta.generated_on.iso(),
            synthetic: meta.synthetic,
        },
    })
}

/// The report as one self-contained HTML page for the screen (it also prints).
pub fn render_html(report: &Report, lang: Lang) -> Result<Rendered, ReportError> {
    render(report, lang, "html", |doc| {
        html::render(doc, lang, html::Variant::Screen, None).into_bytes()
    })
}

/// The report as HTML laid out for A4 print, the input of the PDF (see [`pdf_command_args`]).
pub fn render_print_html(report: &Report, lang: Lang) -> Result<Rendered, ReportError> {
    render(report, lang, "pdf", |doc| {
        html::render(doc, lang, html::Variant::Print, None).into_bytes()
    })
}

/// [`render_print_html`] with the page of each section and subsection in the contents, from
/// `pages` (heading anchor → page number, as printed at the foot of the page). The pages come
/// from a first print: Chromium cannot number the contents itself (no `target-counter()`), and
/// the page slots have a fixed width, so this second print lays out like the first.
pub fn render_print_html_paged(
    report: &Report,
    lang: Lang,
    pages: &std::collections::BTreeMap<String, u32>,
) -> Result<Rendered, ReportError> {
    render(report, lang, "pdf", |doc| {
        html::render(doc, lang, html::Variant::Print, Some(pages)).into_bytes()
    })
}

/// The report as a DOCX document.
pub fn render_docx(report: &Report, lang: Lang) -> Result<Rendered, ReportError> {
    render(report, lang, "docx", |doc| docx::render(doc, lang))
}

/// The arguments (after the program name, `chromium`) that print `html_path` (the output of
/// [`render_print_html`], written to a file) to `pdf_path` with headless Chromium:
///
/// ```text
/// chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
///     --print-to-pdf=<pdf_path> <html_path>
/// ```
///
/// `--no-pdf-header-footer` drops Chromium's own date and URL lines; the page numbers and the
/// header line come from the document's `@page` rules. The HTML loads nothing, so no network and
/// no time budget are needed.
pub fn pdf_command_args(html_path: &str, pdf_path: &str) -> Vec<String> {
    vec![
        "--headless".to_string(),
        "--no-sandbox".to_string(),
        "--disable-gpu".to_string(),
        "--no-pdf-header-footer".to_string(),
        format!("--print-to-pdf={pdf_path}"),
        html_path.to_string(),
    ]
}
