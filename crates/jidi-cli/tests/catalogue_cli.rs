//! `jidi export catalogue` and `jidi import catalogue` through the real binary: the exported file
//! imports back as no change (CSV and XLSX), an edit is saved as the next version and exported
//! as saved, a bad file is refused whole with row and column and exit 1. SQLite always;
//! PostgreSQL when `JIDI_TEST_DATABASE_URL` is set.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn jidi(dir: &Path, db: Option<&str>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jidi"));
    c.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("JIDI_DATABASE_URL")
        .env("RUST_LOG", "error");
    if let Some(url) = db {
        c.env("JIDI_DATABASE_URL", url);
    }
    c.stdin(Stdio::null()).output().expect("run jidi")
}

fn ok(o: &Output, what: &str) -> String {
    assert!(
        o.status.success(),
        "{what}: {}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    r.records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect()
}

fn write_csv(path: &Path, rows: &[Vec<String>]) {
    let mut w = csv::Writer::from_path(path).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
}

fn catalogue_round_trip_and_edits(d: &Path, db: Option<&str>) {
    ok(&jidi(d, db, &["migrate"]), "migrate");
    let p = |name: &str| d.join(name).to_string_lossy().into_owned();
    ok(
        &jidi(d, db, &["export", "catalogue", "--out", &p("c.csv")]),
        "export",
    );
    let rows = read_csv(&d.join("c.csv"));
    assert_eq!(rows.len(), 69, "header and 68 indicators");
    assert_eq!(&rows[0][..4], ["code", "name_zh", "name_en", "unit"]);
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();

    // The export imports back as no change, in both formats.
    let out = ok(
        &jidi(
            d,
            db,
            &["import", "catalogue", &p("c.csv"), "--reason", "原样"],
        ),
        "import unchanged",
    );
    assert!(out.contains("nothing changed"), "{out}");
    ok(
        &jidi(
            d,
            db,
            &[
                "export",
                "catalogue",
                "--format",
                "xlsx",
                "--out",
                &p("c.xlsx"),
            ],
        ),
        "export xlsx",
    );
    let out = ok(
        &jidi(
            d,
            db,
            &["import", "catalogue", &p("c.xlsx"), "--reason", "原样"],
        ),
        "import unchanged xlsx",
    );
    assert!(out.contains("nothing changed"), "{out}");

    // An edit: tighter R&D intensity, checked by a dry run first.
    let mut edited = rows.clone();
    let rd = edited.iter_mut().find(|r| r[0] == "rd_intensity").unwrap();
    rd[col("max")] = "60".into();
    write_csv(&d.join("e.csv"), &edited);
    let out = ok(
        &jidi(
            d,
            db,
            &[
                "import",
                "catalogue",
                &p("e.csv"),
                "--reason",
                "收紧",
                "--dry-run",
            ],
        ),
        "dry run",
    );
    assert!(out.contains("1 indicator(s) would change"), "{out}");
    let out = ok(
        &jidi(
            d,
            db,
            &["import", "catalogue", &p("e.csv"), "--reason", "收紧"],
        ),
        "import edit",
    );
    assert!(out.contains("rd_intensity: max"), "{out}");
    assert!(out.contains("saved as catalogue version 2"), "{out}");
    ok(
        &jidi(d, db, &["export", "catalogue", "--out", &p("v2.csv")]),
        "export v2",
    );
    let v2 = read_csv(&d.join("v2.csv"));
    let rd = v2.iter().find(|r| r[0] == "rd_intensity").unwrap();
    assert_eq!(rd[col("max")], "60");
    ok(
        &jidi(
            d,
            db,
            &[
                "export",
                "catalogue",
                "--catalogue-version",
                "1",
                "--out",
                &p("v1.csv"),
            ],
        ),
        "export v1",
    );
    assert_eq!(
        read_csv(&d.join("v1.csv")),
        rows,
        "version 1 kept as it was"
    );

    // A bad file: every problem with row and column, exit 1, nothing saved.
    let mut bad = v2.clone();
    bad[3][col("frequency")] = "weekly".into();
    bad[5][col("direction")] = "up".into();
    write_csv(&d.join("bad.csv"), &bad);
    let o = jidi(
        d,
        db,
        &["import", "catalogue", &p("bad.csv"), "--reason", "错"],
    );
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.csv:4:frequency:"), "{err}");
    assert!(err.contains("bad.csv:6:direction:"), "{err}");
    assert!(err.contains("2 problem(s)"), "{err}");
    let o = jidi(
        d,
        db,
        &[
            "export",
            "catalogue",
            "--catalogue-version",
            "3",
            "--out",
            &p("x.csv"),
        ],
    );
    assert!(!o.status.success(), "no version 3");
}

#[test]
fn catalogue_round_trip_and_edits_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    catalogue_round_trip_and_edits(dir.path(), None);
}

#[test]
#[ignore = "needs PostgreSQL: set JIDI_TEST_DATABASE_URL and run with --include-ignored"]
fn catalogue_round_trip_and_edits_on_postgres() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(jidi_test_support::TestDb::postgres());
    let url = db.database_url().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    catalogue_round_trip_and_edits(dir.path(), Some(&url));
    rt.block_on(db.finish());
}
