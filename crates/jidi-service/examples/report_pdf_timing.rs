//! Wall time of printing the full synthetic report to PDF with the system's Chromium: one print
//! (`print_pdf`, contents unnumbered; the baseline) against `print_report_pdf` (two prints, the
//! second with the contents' page numbers), in the same run.
//!
//! `cargo run --release -p jidi-service --example report_pdf_timing -- [RUNS] [OUT.pdf]` (the
//! numbered PDF of the last run is written to `OUT.pdf` when given).

use std::time::Instant;

use jidi_report::{Lang, fixture};
use jidi_service::report::{find_chromium, print_pdf, print_report_pdf};

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(3);
    let chromium = find_chromium().expect("chromium on PATH");
    let report = fixture::full();
    let html = jidi_report::render_print_html(&report, Lang::Zh).expect("renders");
    let out = std::env::args().nth(2);
    let mut one = Vec::new();
    let mut two = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let pdf = print_pdf(&html.bytes, &chromium).expect("prints");
        one.push((t.elapsed().as_secs_f64(), pdf.len()));
        let t = Instant::now();
        let pdf = print_report_pdf(&report, Lang::Zh, &chromium).expect("prints");
        two.push((t.elapsed().as_secs_f64(), pdf.len()));
        if let Some(path) = &out {
            std::fs::write(path, &pdf).expect("writes the PDF");
        }
    }
    let show = |name: &str, xs: &[(f64, usize)]| {
        let mut t: Vec<f64> = xs.iter().map(|x| x.0).collect();
        t.sort_by(f64::total_cmp);
        println!(
            "{name}: {} bytes, wall min {:.2} s, median {:.2} s, max {:.2} s",
            xs[0].1,
            t[0],
            t[t.len() / 2],
            t[t.len() - 1]
        );
        t[t.len() / 2]
    };
    let base = show("print_pdf (one print, baseline)", &one);
    let paged = show("print_report_pdf (two prints, numbered contents)", &two);
    println!("ratio of medians: {:.2} ×", paged / base);
}
