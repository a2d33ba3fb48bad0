//! Writes the fixtures in every format and language to a folder, for looking at them:
//! `cargo run -p jidi-report --example render -- /tmp/report` gives `full-zh.html`,
//! `full-zh.print.html`, `full-zh.docx`, `full-zh.docx.figures.json`, … and the same for `en`
//! and the minimal report. Print a PDF with `chromium` and the arguments of
//! `jidi_report::pdf_command_args`.

#![allow(clippy::print_stdout)]

use std::path::PathBuf;

use jidi_report::{Lang, fixture, render_docx, render_html, render_print_html};

fn main() -> std::io::Result<()> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "report-out".into()),
    );
    std::fs::create_dir_all(&dir)?;
    for (name, report) in [("full", fixture::full()), ("minimal", fixture::minimal())] {
        for lang in [Lang::Zh, Lang::En] {
            let stem = format!("{name}-{}", lang.code());
            let html = render_html(&report, lang).expect("fixture is valid");
            std::fs::write(dir.join(format!("{stem}.html")), &html.bytes)?;
            let print = render_print_html(&report, lang).expect("fixture is valid");
            std::fs::write(dir.join(format!("{stem}.print.html")), &print.bytes)?;
            std::fs::write(
                dir.join(format!("{stem}.pdf.figures.json")),
                print.sidecar_json(),
            )?;
            let docx = render_docx(&report, lang).expect("fixture is valid");
            std::fs::write(dir.join(format!("{stem}.docx")), &docx.bytes)?;
            std::fs::write(
                dir.join(format!("{stem}.docx.figures.json")),
                docx.sidecar_json(),
            )?;
            println!(
                "{stem}: html {} B, docx {} B, {} figures",
                html.bytes.len(),
                docx.bytes.len(),
                docx.figures.len()
            );
        }
    }
    Ok(())
}
