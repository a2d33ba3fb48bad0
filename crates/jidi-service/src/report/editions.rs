//! Publishing an edition of the report: the generated HTML and DOCX (numbered as the next
//! edition of the year), the sidecar, and optionally the final DOCX or PDF the office edited,
//! checked before anything is stored.

use std::io::Cursor;
use std::time::Duration;

use chrono::NaiveDate;
use jidi_monitor::carbon::factors::EmissionFactors;
use jidi_report::Lang;
use jidi_store::{EditionRecord, FinalFile, NewEdition, Store};
use sha2::{Digest, Sha256};

use super::{
    Edition, Format, ReportRequest, ReportServiceError, Result, build_with_factors, render,
};

/// The largest final file accepted (the generated DOCX of the full demo is about 0.3 MB; an
/// edited one with pictures is larger; the server takes bodies up to 20 MB, the form included).
pub const MAX_FINAL_BYTES: usize = 16 * 1024 * 1024;

/// How long publishing waits for a heavy-work slot.
const PATIENCE: Duration = Duration::from_secs(60);

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Checks an uploaded final file: its name says `.docx` or `.pdf`, and its content is one (a
/// PDF header, or a zip archive holding `word/document.xml`). Returns the format.
pub fn check_final_file(name: &str, bytes: &[u8]) -> std::result::Result<&'static str, String> {
    if bytes.is_empty() {
        return Err(format!("{name}: the file is empty"));
    }
    if bytes.len() > MAX_FINAL_BYTES {
        return Err(format!(
            "{name}: {} bytes is over the limit of {} MB",
            bytes.len(),
            MAX_FINAL_BYTES / 1024 / 1024
        ));
    }
    if name.contains('\0') || name.chars().count() > 200 {
        return Err("the file name is too long or holds a NUL character".into());
    }
    let lower = name.to_lowercase();
    if lower.ends_with(".pdf") {
        if !bytes.starts_with(b"%PDF-") {
            return Err(format!("{name}: not a PDF (it does not start with %PDF-)"));
        }
        return Ok("pdf");
    }
    if lower.ends_with(".docx") {
        let archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| format!("{name}: not a DOCX (not a readable zip archive: {e})"))?;
        if archive.index_for_name("word/document.xml").is_none() {
            return Err(format!("{name}: not a DOCX (no word/document.xml inside)"));
        }
        return Ok("docx");
    }
    Err(format!("{name}: only .docx or .pdf files are accepted"))
}

/// Publishes the next edition of `year` in `lang`, with the office's final file when given
/// (`(name, bytes)`, checked by [`check_final_file`]); CO₂ with `factors`.
#[allow(clippy::too_many_arguments)] // each is a separate fact of the edition
pub async fn publish(
    store: &Store,
    year: i32,
    lang: Lang,
    generated_on: NaiveDate,
    final_file: Option<(String, Vec<u8>)>,
    actor: Option<i64>,
    factors: &EmissionFactors,
) -> Result<EditionRecord> {
    let final_file = match final_file {
        Some((name, bytes)) => {
            let format = check_final_file(&name, &bytes)
                .map_err(|message| ReportServiceError::BadFile { message })?;
            Some(FinalFile {
                format: format.to_string(),
                sha256: sha256(&bytes),
                name,
                bytes,
            })
        }
        None => None,
    };
    let number = store.next_edition(year).await?;
    let edition_number = u32::try_from(number).unwrap_or(1);
    let request = ReportRequest {
        year,
        edition: Edition::Published(edition_number),
        generated_on,
    };
    let model = build_with_factors(store, &request, factors).await?;
    let synthetic = model.meta.synthetic;
    let (html, docx) = crate::cpu::run_heavy(PATIENCE, move || {
        Ok::<_, ReportServiceError>((
            render(&model, Format::Html, lang)?,
            render(&model, Format::Docx, lang)?,
        ))
    })
    .await??;
    let edition = NewEdition {
        year,
        edition: number,
        lang: lang.code().to_string(),
        html_sha256: sha256(&html.bytes),
        docx_sha256: sha256(&docx.bytes),
        figures: html.sidecar_json(),
        html: html.bytes,
        docx: docx.bytes,
        final_file,
        synthetic,
    };
    Ok(store.publish_edition(&edition, actor).await?)
}
