//! The PDF: the print HTML printed by the system's headless Chromium (`chromium`, Debian's
//! package; `fonts-noto-cjk` for the Chinese glyphs). Nothing is downloaded: without Chromium or a
//! CJK font the error says what to install.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Why a PDF could not be printed.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// No Chromium on `PATH`.
    #[error(
        "no Chromium found on PATH (looked for {0}): install it, e.g. `apt-get install chromium fonts-noto-cjk`"
    )]
    NoChromium(String),
    /// No font with Chinese glyphs: the PDF would show empty boxes.
    #[error(
        "no CJK font is installed (fc-list :lang=zh is empty): install one, e.g. `apt-get install fonts-noto-cjk`"
    )]
    NoCjkFont,
    /// A temporary file could not be written or read.
    #[error("PDF printing: {0}")]
    Io(#[from] std::io::Error),
    /// Chromium failed or wrote no PDF.
    #[error("chromium failed ({status}): {stderr}")]
    Chromium {
        /// Exit status.
        status: String,
        /// The end of its error output.
        stderr: String,
    },
    /// The report broke a rule of the renderer (a bug or corrupt data).
    #[error(transparent)]
    Render(#[from] jidi_report::ReportError),
    /// Chromium took longer than [`PRINT_TIMEOUT`].
    #[error("chromium did not finish printing within {} s", PRINT_TIMEOUT.as_secs())]
    Timeout,
}

/// How long Chromium may take (the full demo report prints in about 6 s).
pub const PRINT_TIMEOUT: Duration = Duration::from_secs(120);

const CANDIDATES: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// The first Chromium on `PATH`.
pub fn find_chromium() -> Result<PathBuf, PdfError> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in CANDIDATES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    Err(PdfError::NoChromium(CANDIDATES.join(", ")))
}

/// Whether fontconfig knows a font with Chinese glyphs. When `fc-list` itself is missing the
/// check cannot be made and is passed (Chromium may still find fonts).
fn has_cjk_font() -> bool {
    match Command::new("fc-list").arg(":lang=zh").output() {
        Ok(out) => !out.stdout.is_empty(),
        Err(_) => true,
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh private directory under the system's temporary directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> std::io::Result<Scratch> {
        let base = std::env::temp_dir();
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0);
            let dir = base.join(format!("jidi-pdf-{}-{n}-{nanos}", std::process::id()));
            match std::fs::create_dir(&dir) {
                Ok(()) => return Ok(Scratch(dir)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Prints the report to PDF with numbered contents: a first print finds the page each section
/// and subsection landed on (from the PDF's named destinations, see [`super::pdf_pages`]), a
/// second prints them in the contents. Should that reading fail (another Chromium writing
/// another structure), the first print is returned, whose contents have no numbers, and a
/// warning is logged. Blocking (two Chromium runs): call it off the async workers.
pub fn print_report_pdf(
    report: &jidi_report::model::Report,
    lang: jidi_report::Lang,
    chromium: &Path,
) -> Result<Vec<u8>, PdfError> {
    let first = jidi_report::render_print_html(report, lang)?;
    let draft = print_pdf(&first.bytes, chromium)?;
    let pages = match super::pdf_pages::destination_pages(&draft) {
        Ok(pages) if !pages.is_empty() => pages,
        Ok(_) => {
            tracing::warn!("the printed report has no named destinations: contents unnumbered");
            return Ok(draft);
        }
        Err(e) => {
            tracing::warn!("cannot read the printed report's pages ({e}): contents unnumbered");
            return Ok(draft);
        }
    };
    let paged = jidi_report::render_print_html_paged(report, lang, &pages)?;
    print_pdf(&paged.bytes, chromium)
}

/// Prints `print_html` (the output of `jidi_report::render_print_html`) to PDF bytes with the
/// Chromium at `chromium`. Blocking (seconds): call it off the async workers.
pub fn print_pdf(print_html: &[u8], chromium: &Path) -> Result<Vec<u8>, PdfError> {
    if !has_cjk_font() {
        return Err(PdfError::NoCjkFont);
    }
    let scratch = Scratch::new()?;
    let html = scratch.0.join("report.print.html");
    let pdf = scratch.0.join("report.pdf");
    std::fs::write(&html, print_html)?;
    let mut args = jidi_report::pdf_command_args(&html.to_string_lossy(), &pdf.to_string_lossy());
    // A profile of its own, so that concurrent prints (and a user's running browser) do not
    // share one profile lock.
    args.insert(
        0,
        format!("--user-data-dir={}", scratch.0.join("profile").display()),
    );
    let mut child = Command::new(chromium)
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut stderr_pipe = child.stderr.take();
    // Chromium writes a lot to stderr; drain it on a thread so that it never blocks on a full pipe.
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(p) = stderr_pipe.as_mut() {
            let _ = p.read_to_string(&mut text);
        }
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > PRINT_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(PdfError::Timeout);
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stderr = reader.join().unwrap_or_default();
    let bytes = std::fs::read(&pdf).unwrap_or_default();
    if !status.success() || !bytes.starts_with(b"%PDF") {
        let tail: String = stderr
            .lines()
            .rev()
            .take(5)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join(" / ");
        return Err(PdfError::Chromium {
            status: status.to_string(),
            stderr: tail,
        });
    }
    Ok(bytes)
}
