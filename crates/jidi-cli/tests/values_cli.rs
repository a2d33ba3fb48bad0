//! `jidi import values` and `jidi export values` through the real binary: the long form round
//! trip (CSV and XLSX) changes nothing, a bad file is refused whole with a report naming row,
//! column, severity and rule, a plausible correction with a warning is accepted as a new
//! revision. SQLite always; PostgreSQL when `JIDI_TEST_DATABASE_URL` is set.

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

fn write_csv(path: &Path, rows: &[Vec<String>], crlf: bool) {
    let mut w = csv::WriterBuilder::new()
        .terminator(if crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .from_path(path)
        .unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
}

fn values_round_trip_and_refusals(d: &Path, db: Option<&str>) {
    ok(&jidi(d, db, &["demo", "--no-evaluations"]), "demo");
    let p = |name: &str| d.join(name).to_string_lossy().into_owned();

    // The long form, as documented.
    ok(
        &jidi(
            d,
            db,
            &["export", "values", "--year", "2024", "--out", &p("a.csv")],
        ),
        "export annual",
    );
    let exported = read_csv(&d.join("a.csv"));
    assert_eq!(
        exported[0],
        [
            "base_id",
            "base_name",
            "period",
            "indicator",
            "value",
            "unit"
        ]
    );
    assert!(exported.len() > 10_000, "{} rows", exported.len());
    assert!(exported[1..].iter().all(|r| r[2] == "2024"));

    // Imported back unchanged: reports nothing and changes nothing.
    let out = ok(
        &jidi(
            d,
            db,
            &["import", "values", &p("a.csv"), "--report", &p("r0.csv")],
        ),
        "import the export",
    );
    assert!(out.contains(" 0 value(s) changed"), "{out}");
    assert_eq!(read_csv(&d.join("r0.csv")).len(), 1, "only the header");

    // The same for a month as XLSX.
    ok(
        &jidi(
            d,
            db,
            &[
                "export",
                "values",
                "--period",
                "2025-06",
                "--format",
                "xlsx",
                "--out",
                &p("m.xlsx"),
            ],
        ),
        "export monthly xlsx",
    );
    let out = ok(
        &jidi(d, db, &["import", "values", &p("m.xlsx")]),
        "import the xlsx export",
    );
    assert!(out.contains(" 0 value(s) changed"), "{out}");

    // A bad file with CRLF line ends (as Excel writes): refused whole, each problem at its row
    // as Excel shows it, with its column, severity and rule.
    let header = exported[0].clone();
    let find = |base: &str, code: &str| {
        exported
            .iter()
            .find(|r| r[0] == base && r[3] == code)
            .unwrap()
            .clone()
    };
    let mut slip = find("1", "rev_main");
    let original_slip: f64 = slip[4].parse().unwrap();
    slip[4] = (original_slip * 10_000.0).to_string();
    let mut jump = find("2", "rev_main");
    let original_jump: f64 = jump[4].parse().unwrap();
    jump[4] = (original_jump * 1.8).to_string();
    let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    let bad = vec![
        header.clone(),
        slip,
        jump.clone(),
        row(&["99999", "", "2024", "rev_main", "1", ""]),
        row(&["3", "", "2024", "rev_main", "abc", ""]),
        row(&["3", "", "2024-13", "rev_main", "1", ""]),
        row(&["3", "", "2024", "rev_main", "1", "斤"]),
    ];
    write_csv(&d.join("bad.csv"), &bad, true);
    let o = jidi(
        d,
        db,
        &["import", "values", &p("bad.csv"), "--report", &p("r1.csv")],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report = read_csv(&d.join("r1.csv"));
    assert_eq!(report[0], ["row", "column", "severity", "rule", "message"]);
    let got: Vec<(String, String, String, String)> = report[1..]
        .iter()
        .map(|r| (r[0].clone(), r[1].clone(), r[2].clone(), r[3].clone()))
        .collect();
    let want = |row: &str, column: &str, severity: &str, rule: &str| {
        (
            row.to_string(),
            column.to_string(),
            severity.to_string(),
            rule.to_string(),
        )
    };
    for w in [
        want("2", "value", "error", "unit_slip"),
        want("3", "value", "warning", "jump"),
        want("4", "base_id", "error", "unknown_base"),
        want("5", "value", "error", "bad_number"),
        want("6", "period", "error", "bad_period"),
        want("7", "unit", "error", "bad_unit"),
    ] {
        assert!(got.contains(&w), "{w:?} not in {got:?}");
    }
    // The unit slip's message names the value and what was expected.
    let slip_message = &report[1..].iter().find(|r| r[3] == "unit_slip").unwrap()[4];
    assert!(slip_message.contains("10000倍"), "{slip_message}");
    ok(
        &jidi(
            d,
            db,
            &["export", "values", "--year", "2024", "--out", &p("b.csv")],
        ),
        "export after the refusal",
    );
    assert_eq!(
        std::fs::read(d.join("a.csv")).unwrap(),
        std::fs::read(d.join("b.csv")).unwrap(),
        "nothing of a refused file is written"
    );

    // The jump alone is a warning: a dry run writes nothing, the import accepts it as a new
    // revision, and importing it again changes nothing.
    write_csv(&d.join("jump.csv"), &[header, jump.clone()], false);
    let out = ok(
        &jidi(d, db, &["import", "values", &p("jump.csv"), "--dry-run"]),
        "dry run",
    );
    assert!(
        out.contains("1 would change") && out.contains("1 warning(s)"),
        "{out}"
    );
    let out = ok(
        &jidi(
            d,
            db,
            &[
                "import",
                "values",
                &p("jump.csv"),
                "--reason",
                "龙头企业投产",
            ],
        ),
        "import the correction",
    );
    assert!(out.contains(" 1 value(s) changed (batch "), "{out}");
    assert!(out.contains("1 warning(s) recorded"), "{out}");
    ok(
        &jidi(
            d,
            db,
            &[
                "export",
                "values",
                "--year",
                "2024",
                "--base",
                "2",
                "--out",
                &p("c.csv"),
            ],
        ),
        "export one base",
    );
    let after = read_csv(&d.join("c.csv"));
    let v = after.iter().find(|r| r[3] == "rev_main").unwrap();
    assert_eq!(
        v[4].parse::<f64>().unwrap(),
        jump[4].parse::<f64>().unwrap()
    );
    assert!(after[1..].iter().all(|r| r[0] == "2"));
    let out = ok(
        &jidi(d, db, &["import", "values", &p("jump.csv")]),
        "import the correction again",
    );
    assert!(out.contains(" 0 value(s) changed"), "{out}");
}

#[test]
fn values_round_trip_and_refusals_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    values_round_trip_and_refusals(dir.path(), None);
}

#[test]
#[ignore = "needs PostgreSQL: set JIDI_TEST_DATABASE_URL and run with --include-ignored"]
fn values_round_trip_and_refusals_on_postgres() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(jidi_test_support::TestDb::postgres());
    let url = db.database_url().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    values_round_trip_and_refusals(dir.path(), Some(&url));
    rt.block_on(db.finish());
}
