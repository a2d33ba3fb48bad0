//! `jidi report` through the real binary on a real SQLite file holding a small demo: HTML with
//! every figure's source, DOCX (a zip whose document.xml holds the headings) with its sidecar,
//! byte-identical on the same data and date, PDF when Chromium is present, and clear refusals.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use chrono::NaiveDate;
use jidi_service::demo::{self, DemoOptions};

/// Loads a small demo (values 2023–2025, each year evaluated and published) into `dir`.
fn load_demo(dir: &Path) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = jidi_store::Store::open_sqlite(dir).await.unwrap();
        store.migrate().await.unwrap();
        let mut o = DemoOptions::standard(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
        o.config.first_year = 2023;
        o.config.provincial = 60;
        o.config.cultivating = 20;
        o.config.months = 3;
        o.replications = Some(30);
        demo::load(&store, &o).await.unwrap();
        store.close().await;
    });
}

fn jidi(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jidi"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("JIDI_DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .expect("run jidi")
}

fn ok(o: &Output, what: &str) {
    assert!(
        o.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn report(dir: &Path, format: &str, out: &Path) -> Output {
    jidi(
        dir,
        &[
            "report",
            "--year",
            "2025",
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
            "--date",
            "2026-03-15",
        ],
    )
}

fn sidecar(path: &Path) -> serde_json::Value {
    let mut name = path.file_name().unwrap().to_os_string();
    name.push(".figures.json");
    let text = std::fs::read_to_string(path.with_file_name(name)).expect("the sidecar is written");
    serde_json::from_str(&text).unwrap()
}

#[test]
fn html_and_docx_from_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    load_demo(d);

    let html = d.join("report.html");
    ok(&report(d, "html", &html), "html");
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.starts_with("<!DOCTYPE html>"), "{}", &text[..100]);
    assert!(text.contains("data-source=\"evaluation_run:"));
    assert!(text.contains("data-source=\"query:report_value_totals\""));
    assert!(text.contains("2026年3月15日") || text.contains("2026-03-15"));

    let docx = d.join("report.docx");
    ok(&report(d, "docx", &docx), "docx");
    let bytes = std::fs::read(&docx).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    for heading in ["概述", "基地体系与分布", "经济运行", "附录"] {
        assert!(xml.contains(heading), "document.xml lacks {heading}");
    }
    let figures = sidecar(&docx);
    assert_eq!(figures["report"]["format"], "docx");
    assert_eq!(figures["report"]["synthetic"], true);
    let ids: Vec<&str> = figures["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"roll.n_bases") && ids.contains(&"evaluation.stars.5"));

    // The same data and date give the same bytes.
    let again = d.join("again.docx");
    ok(&report(d, "docx", &again), "docx again");
    assert_eq!(
        std::fs::read(&again).unwrap(),
        bytes,
        "DOCX is reproducible"
    );
    let html_again = d.join("again.html");
    ok(&report(d, "html", &html_again), "html again");
    assert_eq!(std::fs::read_to_string(&html_again).unwrap(), text);

    // English, and refusals that say why.
    let en = d.join("en.html");
    ok(
        &jidi(
            d,
            &[
                "report",
                "--year",
                "2025",
                "--format",
                "html",
                "--lang",
                "en",
                "--out",
                en.to_str().unwrap(),
            ],
        ),
        "english",
    );
    assert!(
        std::fs::read_to_string(&en)
            .unwrap()
            .contains("lang=\"en\"")
    );
    let none = jidi(
        d,
        &[
            "report", "--year", "1995", "--format", "html", "--out", "x.html",
        ],
    );
    assert!(!none.status.success());
    assert!(String::from_utf8_lossy(&none.stderr).contains("nothing to report"));
    let bad = jidi(
        d,
        &[
            "report", "--year", "2025", "--format", "odt", "--out", "x.odt",
        ],
    );
    assert_eq!(bad.status.code(), Some(2), "a bad format is a usage error");

    // Emission factors from a file, as `jidi serve` takes them: a bad file is refused by name,
    // before anything is written.
    let factors = d.join("factors.csv");
    std::fs::write(&factors, "code,nonsense\n").unwrap();
    let out = d.join("factors.html");
    let refused = jidi(
        d,
        &[
            "report",
            "--year",
            "2025",
            "--format",
            "html",
            "--emission-factors",
            factors.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("factors.csv"), "{err}");
    assert!(!out.exists(), "nothing written");
}

#[test]
#[ignore = "needs chromium and fonts-noto-cjk (Debian packages); CI runs --include-ignored"]
fn pdf_is_printed_by_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    load_demo(d);
    let pdf = d.join("report.pdf");
    ok(&report(d, "pdf", &pdf), "pdf");
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    assert!(
        bytes.len() > 50_000,
        "{} bytes: the report has pages",
        bytes.len()
    );
    let figures = sidecar(&pdf);
    assert_eq!(figures["report"]["format"], "pdf");
    // Without Chromium on PATH the command says what to install.
    let out = Command::new(env!("CARGO_BIN_EXE_jidi"))
        .arg("--data-dir")
        .arg(d)
        .args(["report", "--year", "2025", "--format", "pdf", "--out"])
        .arg(d.join("none.pdf"))
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("chromium"));
}
