//! Rendering the full-size synthetic report (445 bases, 31 provinces, 6 categories with 24
//! sub-types, 40 indicators) to HTML, print HTML and DOCX, in Chinese and English.
//!
//! Run with `cargo bench -p jidi-report --bench render`. Machines are noisy, so besides the wall
//! time it reports the ratio to a baseline measured in the same process: serialising the same
//! model to JSON with serde_json (what any export of the model would cost at least).

#![allow(clippy::print_stdout)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use jidi_report::model::Report;
use jidi_report::{
    Lang, Rendered, ReportError, fixture, render_docx, render_html, render_print_html,
};

type Render = fn(&Report, Lang) -> Result<Rendered, ReportError>;

/// Median wall time of `f` over `rounds` runs, after one warm-up run.
fn time(rounds: usize, mut f: impl FnMut()) -> Duration {
    f();
    let mut samples: Vec<Duration> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    samples.sort();
    samples[rounds / 2]
}

fn main() {
    let report = fixture::full();
    let rounds = 15;
    let baseline = time(rounds, || {
        black_box(serde_json::to_vec(black_box(&report)).unwrap());
    });
    let json_len = serde_json::to_vec(&report).unwrap().len();
    println!(
        "baseline: model → JSON ({:.0} KB) {:>8.2} ms",
        json_len as f64 / 1024.0,
        baseline.as_secs_f64() * 1e3
    );
    for lang in [Lang::Zh, Lang::En] {
        let cases: [(&str, Render); 3] = [
            ("html", render_html),
            ("print html", render_print_html),
            ("docx", render_docx),
        ];
        for (name, render) in cases {
            let size = render(&report, lang).unwrap().bytes.len();
            let t = time(rounds, || {
                black_box(render(black_box(&report), lang).unwrap());
            });
            println!(
                "{:<2} {:<11} ({:>5.0} KB) {:>8.2} ms  = {:>5.1} × baseline",
                lang.code(),
                name,
                size as f64 / 1024.0,
                t.as_secs_f64() * 1e3,
                t.as_secs_f64() / baseline.as_secs_f64()
            );
        }
    }
}
