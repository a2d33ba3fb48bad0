//! The platform commands through the real binary on a real SQLite file (and on PostgreSQL when
//! `JIDI_TEST_DATABASE_URL` is set): migrate, demo, users, roll import and export, and the
//! `jidi evaluate` contract.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn jidi(dir: &Path, args: &[&str]) -> Output {
    jidi_with(dir, args, &[])
}

fn jidi_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jidi"));
    c.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("JIDI_DATABASE_URL")
        .env_remove("JIDI_PASSWORD")
        .env("RUST_LOG", "warn");
    for (k, v) in env {
        c.env(k, v);
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

fn failed(o: &Output, what: &str) -> String {
    assert!(
        !o.status.success(),
        "{what} succeeded: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn help_describes_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let help = ok(&jidi(dir.path(), &["--help"]), "help");
    for c in [
        "serve", "demo", "migrate", "import", "export", "user", "index", "weights", "evaluate",
    ] {
        assert!(help.contains(c), "{c} missing from --help");
    }
    for c in [
        "serve", "demo", "import", "export", "user", "index", "weights", "evaluate",
    ] {
        let h = ok(&jidi(dir.path(), &[c, "--help"]), c);
        assert!(
            h.contains("--data-dir") && h.contains("--database-url"),
            "{c}: the database flags are global"
        );
    }
    let bad = jidi(dir.path(), &["evaluate"]);
    assert_eq!(bad.status.code(), Some(2), "missing arguments exit with 2");
}

#[test]
fn roll_users_import_and_export_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&jidi(d, &["migrate"]), "migrate");
    assert!(
        d.join("jidi.sqlite").exists(),
        "the SQLite file is created on first run"
    );
    ok(&jidi(d, &["migrate"]), "migrate twice");

    // The first ministry account, its password from the environment or standard input.
    ok(
        &jidi_with(
            d,
            &[
                "user",
                "add",
                "--username",
                "chief",
                "--role",
                "ministry",
                "--display-name",
                "司长",
            ],
            &[("JIDI_PASSWORD", "chief-password-2026")],
        ),
        "user add",
    );
    let e = failed(
        &jidi_with(
            d,
            &["user", "add", "--username", "weak", "--role", "ministry"],
            &[("JIDI_PASSWORD", "short")],
        ),
        "short password",
    );
    assert!(e.contains("10"), "{e}");
    let e = failed(
        &jidi_with(
            d,
            &["user", "add", "--username", "prov", "--role", "province"],
            &[("JIDI_PASSWORD", "province-password")],
        ),
        "province without scope",
    );
    assert!(e.contains("province"), "{e}");
    let e = failed(
        &jidi_with(
            d,
            &["user", "add", "--username", "xq", "--role", "emperor"],
            &[("JIDI_PASSWORD", "emperor-password")],
        ),
        "bad role",
    );
    assert!(e.contains("emperor"), "{e}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_jidi"))
        .arg("--data-dir")
        .arg(d)
        .args([
            "user",
            "add",
            "--username",
            "hb",
            "--role",
            "province",
            "--province",
            "420000",
        ])
        .env_remove("JIDI_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"hubei-password-2026\n")
        .unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    let list = ok(&jidi(d, &["user", "list"]), "user list");
    assert!(
        list.contains("chief")
            && list.contains("ministry")
            && list.contains("hb")
            && list.contains("420000"),
        "{list}"
    );
    assert!(!list.contains("chief-password"), "passwords never printed");
    ok(&jidi(d, &["user", "disable", "hb"]), "disable");
    let list = ok(&jidi(d, &["user", "list"]), "list");
    assert!(
        list.lines()
            .any(|l| l.starts_with("hb\t") && l.contains("false")),
        "{list}"
    );

    // Import: a bad file is rejected whole with every problem by row and column; nothing written.
    let header = "name,province_code,category_code,subcategory_code,tier,batch,designated_year,designated_on";
    let bad = format!(
        "{header}\n电子信息(光电子)·武汉甲区,420000,information,electronics,national,1,2009,2009-09-01\n\
         新材料·长沙乙区,990000,materials,new_materials,national,1,2009,2009-09-01\n\
         新材料·长沙丙区,430000,nonsense,,national,1,2009,2009-13-01\n\
         电子信息(光电子)·武汉甲区,420000,information,electronics,national,1,2009,2009-09-01\n"
    );
    let file = d.join("roll.csv");
    std::fs::write(&file, &bad).unwrap();
    let e = failed(
        &jidi(d, &["import", "roll", file.to_str().unwrap()]),
        "bad import",
    );
    for needle in [
        "roll.csv",
        "row 3",
        "province_code",
        "row 4",
        "category_code",
        "designated_on",
        "row 5",
        "nothing was imported",
    ] {
        assert!(e.contains(needle), "{needle} missing:\n{e}");
    }
    let export = ok(&jidi(d, &["export", "roll", "--format", "json"]), "export");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&export)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        0,
        "nothing written"
    );
    let e = failed(
        &jidi(
            d,
            &["import", "roll", d.join("missing.csv").to_str().unwrap()],
        ),
        "missing file",
    );
    assert!(e.contains("missing.csv"), "{e}");
    std::fs::write(&file, "nom,province\nx,y\n").unwrap();
    let e = failed(
        &jidi(d, &["import", "roll", file.to_str().unwrap()]),
        "wrong header",
    );
    assert!(e.contains("name"), "{e}");

    // A good file: dry run, then the import; GB18030 from Excel is read too.
    let good = format!(
        "{header}\n电子信息(光电子)·武汉甲区,420000,information,electronics,national,1,2009,2009-09-01\n\
         新材料·长沙乙区,430000,materials,new_materials,provincial,,2020,2020-05-01\n"
    );
    std::fs::write(&file, &good).unwrap();
    assert!(
        ok(
            &jidi(d, &["import", "roll", file.to_str().unwrap(), "--dry-run"]),
            "dry run"
        )
        .contains("2 base(s) valid")
    );
    assert_eq!(
        ok(&jidi(d, &["export", "roll", "--format", "json"]), "export").trim(),
        "[]"
    );
    ok(
        &jidi(d, &["import", "roll", file.to_str().unwrap()]),
        "import",
    );
    let gbk = d.join("roll-gbk.csv");
    let text = format!(
        "{header}\n装备制造·株洲丁区,430000,equipment,auto_rail,national,2,2010,2010-03-01\n"
    );
    let (encoded, _, _) = encoding_rs::GB18030.encode(&text);
    std::fs::write(&gbk, &encoded).unwrap();
    ok(
        &jidi(d, &["import", "roll", gbk.to_str().unwrap()]),
        "GB18030 import",
    );
    // Generated fields of a real record (模拟字段) by label; a wrong one names row and column.
    let marked = d.join("roll-marked.csv");
    std::fs::write(
        &marked,
        "name,province_code,category_code,tier,batch,series,模拟字段\n\
         装备制造·株洲戊区,430000,equipment,national,3,advantage,批次、系列\n\
         装备制造·株洲己区,430000,equipment,national,3,advantage,名称\n",
    )
    .unwrap();
    let e = failed(
        &jidi(d, &["import", "roll", marked.to_str().unwrap()]),
        "bad generated field",
    );
    assert!(
        e.contains("row 3") && e.contains("column 模拟字段") && e.contains("名称"),
        "{e}"
    );
    std::fs::write(
        &marked,
        "name,province_code,category_code,tier,batch,series,模拟字段\n\
         装备制造·株洲戊区,430000,equipment,national,3,advantage,批次、系列\n",
    )
    .unwrap();
    ok(
        &jidi(d, &["import", "roll", marked.to_str().unwrap()]),
        "marked import",
    );
    let exported: serde_json::Value = serde_json::from_str(&ok(
        &jidi(d, &["export", "roll", "--format", "json"]),
        "export",
    ))
    .unwrap();
    let row = exported
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "装备制造·株洲戊区")
        .expect("imported");
    assert_eq!(row["generated_fields"], "series;batch", "{row}");
    let again = failed(
        &jidi(d, &["import", "roll", file.to_str().unwrap()]),
        "duplicate import",
    );
    assert!(again.contains("already"), "{again}");

    // Export in the three formats.
    let csv = ok(&jidi(d, &["export", "roll", "--format", "csv"]), "csv");
    assert!(
        csv.starts_with('\u{feff}'),
        "CSV for Excel starts with a BOM"
    );
    assert_eq!(csv.lines().count(), 5, "the header and four bases");
    assert!(csv.contains("装备制造·株洲丁区"));
    let json: serde_json::Value = serde_json::from_str(&ok(
        &jidi(d, &["export", "roll", "--format", "json"]),
        "json",
    ))
    .unwrap();
    assert_eq!(json.as_array().unwrap().len(), 4);
    let xlsx = d.join("roll.xlsx");
    ok(
        &jidi(
            d,
            &[
                "export",
                "roll",
                "--format",
                "xlsx",
                "--out",
                xlsx.to_str().unwrap(),
            ],
        ),
        "xlsx",
    );
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    // The exported workbook imports back (into a fresh database) unchanged.
    let other = tempfile::tempdir().unwrap();
    ok(
        &jidi(other.path(), &["import", "roll", xlsx.to_str().unwrap()]),
        "re-import the XLSX export",
    );
    let back: serde_json::Value = serde_json::from_str(&ok(
        &jidi(other.path(), &["export", "roll", "--format", "json"]),
        "json",
    ))
    .unwrap();
    let names = |v: &serde_json::Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|b| b["name"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&back), names(&json));
    let marked = |v: &serde_json::Value| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|b| b["name"] == "装备制造·株洲戊区")
            .map(|b| b["generated_fields"].clone())
    };
    assert_eq!(
        marked(&back),
        marked(&json),
        "generated fields survive the XLSX round trip"
    );
    assert_eq!(marked(&back), Some(serde_json::json!("series;batch")));
    assert!(failed(&jidi(d, &["export", "roll", "--format", "pdf"]), "pdf").contains("pdf"));
}

#[test]
fn demo_and_the_evaluate_contract() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = ok(&jidi(d, &["demo"]), "demo");
    assert!(out.contains("admin / jidi-admin-2026"), "{out}");
    let again = failed(&jidi(d, &["demo"]), "demo twice");
    assert!(again.contains("--reset"), "{again}");

    // The demo holds a published evaluation for each annual year; a second publication is refused.
    let results = d.join("RESULTS.csv");
    let r = results.to_str().unwrap();
    ok(
        &jidi(d, &["evaluate", "--year", "2025", "--out", r]),
        "evaluate",
    );
    let text = std::fs::read_to_string(&results).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "base_id,name,province,category,score,rank,category_rank,stars,rank_p05,rank_p95,vetoed"
        )
    );
    let rows: Vec<Vec<String>> = lines.map(csv_fields).collect();
    assert_eq!(rows.len(), 445, "every current national base");
    let mut ranks: Vec<f64> = rows.iter().map(|r| r[5].parse().unwrap()).collect();
    ranks.sort_by(f64::total_cmp);
    assert_eq!(ranks[0], 1.0);
    for r in &rows {
        let stars: u8 = r[7].parse().unwrap();
        assert!((1..=5).contains(&stars));
        let (p05, p95, rank): (f64, f64, f64) = (
            r[8].parse().unwrap(),
            r[9].parse().unwrap(),
            r[5].parse().unwrap(),
        );
        assert!(p05 <= p95 && rank >= 1.0, "{r:?}");
        assert!(r[10] == "true" || r[10] == "false");
        assert_eq!(r[2].len(), 6, "province is the GB/T 2260 code");
    }
    let five = rows.iter().filter(|r| r[7] == "5").count() as f64 / 445.0;
    let four = rows.iter().filter(|r| r[7] == "4").count() as f64 / 445.0;
    assert!(
        (0.05..=0.09).contains(&five) && (0.5..=0.65).contains(&four),
        "shares {five} {four}"
    );
    let e = failed(
        &jidi(d, &["evaluate", "--year", "2025", "--publish", "--out", r]),
        "publish twice",
    );
    assert!(e.contains("2025") && e.contains("published"), "{e}");
    let e = failed(
        &jidi(d, &["evaluate", "--year", "1990", "--out", r]),
        "no data",
    );
    assert!(e.contains("1990") && e.contains("2025"), "{e}");

    // A scheme file: an evaluator's variant runs; a broken one is explained.
    let scheme = d.join("scheme.toml");
    let default = jidi_domain::scheme::Scheme::national_default(2025);
    let mut variant = default.clone();
    variant.name = "加权变体".into();
    variant.method.normalisation = "minmax:1:100".into();
    variant.method.aggregation = "gmean".into();
    std::fs::write(
        &scheme,
        variant.to_text(jidi_domain::scheme::SchemeFormat::Toml),
    )
    .unwrap();
    ok(
        &jidi(
            d,
            &[
                "evaluate",
                "--year",
                "2025",
                "--scheme",
                scheme.to_str().unwrap(),
                "--out",
                r,
            ],
        ),
        "evaluate with a scheme",
    );
    std::fs::write(&scheme, "year = 2025\n[stars]\nshares = [2.0]\n").unwrap();
    let e = failed(
        &jidi(
            d,
            &[
                "evaluate",
                "--year",
                "2025",
                "--scheme",
                scheme.to_str().unwrap(),
                "--out",
                r,
            ],
        ),
        "bad scheme",
    );
    assert!(e.contains("scheme.toml"), "{e}");
    std::fs::write(
        &scheme,
        variant.to_text(jidi_domain::scheme::SchemeFormat::Toml),
    )
    .unwrap();
    let e = failed(
        &jidi(
            d,
            &[
                "evaluate",
                "--year",
                "2024",
                "--scheme",
                scheme.to_str().unwrap(),
                "--out",
                r,
            ],
        ),
        "scheme of another year",
    );
    assert!(e.contains("2024") && e.contains("2025"), "{e}");
    // Standard output works as --out -.
    let stdout = ok(
        &jidi(d, &["evaluate", "--year", "2019", "--out", "-"]),
        "stdout",
    );
    assert_eq!(
        stdout.lines().count(),
        382,
        "381 bases evaluated in 2019, as published"
    );

    // --reset starts over.
    ok(
        &jidi(d, &["demo", "--reset", "--no-evaluations"]),
        "demo --reset",
    );
    ok(
        &jidi(d, &["evaluate", "--year", "2024", "--publish", "--out", r]),
        "publish 2024 after reset",
    );
}

#[test]
#[ignore = "needs PostgreSQL: set JIDI_TEST_DATABASE_URL and run with --include-ignored"]
fn postgres_end_to_end() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(jidi_test_support::TestDb::postgres());
    let url = db.database_url().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let env = [("JIDI_DATABASE_URL", url.as_str())];
    ok(&jidi_with(d, &["migrate"], &env), "migrate on PostgreSQL");
    ok(
        &jidi_with(d, &["demo", "--no-evaluations"], &env),
        "demo on PostgreSQL",
    );
    assert!(
        !d.join("jidi.sqlite").exists(),
        "--database-url wins over the data directory"
    );
    let r = d.join("R.csv");
    ok(
        &jidi_with(
            d,
            &[
                "--database-url",
                &url,
                "evaluate",
                "--year",
                "2022",
                "--out",
                r.to_str().unwrap(),
            ],
            &[],
        ),
        "evaluate via --database-url",
    );
    assert_eq!(
        std::fs::read_to_string(&r).unwrap().lines().count(),
        446,
        "445 bases evaluated in 2022, as published"
    );
    let e = failed(
        &jidi_with(
            d,
            &["migrate"],
            &[(
                "JIDI_DATABASE_URL",
                "postgres://nobody:secret@127.0.0.1:1/none",
            )],
        ),
        "unreachable server",
    );
    assert!(
        e.contains("cannot open") && !e.contains("secret"),
        "the password is not printed: {e}"
    );
    rt.block_on(db.finish());
}

fn csv_fields(line: &str) -> Vec<String> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line.as_bytes());
    r.records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect()
}
