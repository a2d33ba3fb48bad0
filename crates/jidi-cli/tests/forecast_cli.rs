//! `jidi forecast` through the real binary and real files: the output layout, the values of the
//! exactly known seasonal-naive forecasts, the fallback notes on standard error, and the input
//! errors with their file, row, column and rule.

use std::path::Path;
use std::process::{Command, Output};

fn jidi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jidi"))
        .args(args)
        .env_remove("JIDI_DATABASE_URL")
        .output()
        .expect("run jidi")
}

/// Writes `input`, runs `jidi forecast` with `extra` arguments, returns (exit code, output file,
/// standard error).
fn run(dir: &Path, input: &str, extra: &[&str]) -> (i32, String, String) {
    let path = dir.join("SERIES.csv");
    let out = dir.join("FORECASTS.csv");
    std::fs::write(&path, input).unwrap();
    let _ = std::fs::remove_file(&out);
    let mut args = vec![
        "forecast",
        "--input",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = jidi(&args);
    (
        o.status.code().unwrap_or(-1),
        std::fs::read_to_string(&out).unwrap_or_default(),
        String::from_utf8_lossy(&o.stderr).to_string(),
    )
}

/// Monthly series "b" (three years, rows shuffled and listed first), quarterly "a" (three years),
/// a constant monthly series "c".
fn sample() -> String {
    let mut rows = Vec::new();
    for (i, year) in [2021, 2022, 2023].into_iter().enumerate() {
        for month in 1..=12 {
            let v = 100.0 + 10.0 * i as f64 + month as f64;
            rows.push(format!("b,{year}-{month:02},{v}"));
        }
    }
    rows.reverse();
    for year in [2021, 2022, 2023] {
        for q in 1..=4 {
            rows.push(format!("a,{year}-Q{q},{}", q * 10 + year - 2021));
        }
    }
    for month in 1..=6 {
        rows.push(format!("c,2024-{month:02},5"));
    }
    format!("series,period,value\n{}\n", rows.join("\n"))
}

#[test]
fn seasonal_naive_values_periods_and_order() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run(
        dir.path(),
        &sample(),
        &["--horizon", "5", "--method", "snaive"],
    );
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "series,period,forecast,lo95,hi95");
    assert_eq!(lines.len(), 1 + 3 * 5);
    // Series in order of first appearance: b, a, c; periods continue each series' calendar.
    let cells: Vec<Vec<&str>> = lines[1..].iter().map(|l| l.split(',').collect()).collect();
    let periods: Vec<(&str, &str)> = cells.iter().map(|c| (c[0], c[1])).collect();
    assert_eq!(
        periods,
        [
            ("b", "2024-01"),
            ("b", "2024-02"),
            ("b", "2024-03"),
            ("b", "2024-04"),
            ("b", "2024-05"),
            ("a", "2024-Q1"),
            ("a", "2024-Q2"),
            ("a", "2024-Q3"),
            ("a", "2024-Q4"),
            ("a", "2025-Q1"),
            ("c", "2024-07"),
            ("c", "2024-08"),
            ("c", "2024-09"),
            ("c", "2024-10"),
            ("c", "2024-11"),
        ]
    );
    let number = |r: usize, c: usize| cells[r][c].parse::<f64>().unwrap();
    // b: the last year (120 + month) repeated; every seasonal difference is 10, so σ = 10.
    assert_eq!(number(0, 2), 121.0);
    assert_eq!(number(4, 2), 125.0);
    assert!((number(0, 3) - (121.0 - 1.959_963_984_540_054 * 10.0)).abs() < 1e-6);
    // a (season 4 from --season auto): 12, 22, 32, 42 then 12 again a season further, σ·√2
    // with σ = 1.
    assert_eq!(
        (5..10).map(|r| number(r, 2)).collect::<Vec<_>>(),
        [12.0, 22.0, 32.0, 42.0, 12.0]
    );
    assert!((number(9, 4) - (12.0 + 1.959_963_984_540_054 * 2f64.sqrt())).abs() < 1e-6);
    // c: constant, named on standard error.
    assert_eq!(cells[10][2..], ["5", "5", "5"]);
    assert!(
        err.contains("forecast: series \"c\": constant series"),
        "{err}"
    );
}

#[test]
fn auto_forecasts_every_series_and_names_fallbacks() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run(dir.path(), &sample(), &["--horizon", "12"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(lines.len(), 36);
    for line in &lines {
        let c: Vec<f64> = line
            .split(',')
            .skip(2)
            .map(|v| v.parse().unwrap())
            .collect();
        assert!(c[1] <= c[0] && c[0] <= c[2], "{line}");
    }
    // b rises by 10 a year with a monthly pattern: its January 2024 forecast is near 131.
    let b_jan: f64 = lines[0].split(',').nth(2).unwrap().parse().unwrap();
    assert!((b_jan - 131.0).abs() < 4.0, "{b_jan}");
    // One line per series with a fallback: c is constant; a has three seasons, b three years.
    assert_eq!(
        err.lines().filter(|l| l.starts_with("forecast:")).count(),
        1,
        "{err}"
    );
}

#[test]
fn input_errors_name_file_row_column_and_rule() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, &str); 7] = [
        (
            "bad header",
            "name,period,value\nx,2024-01,1\n",
            "row 1: the header must be series,period,value",
        ),
        (
            "bad period",
            "series,period,value\nx,2024-01,1\nx,2024-13,2\n",
            "row 3, column period: \"2024-13\" is not a period YYYY-MM or YYYY-Qn",
        ),
        (
            "bad number",
            "series,period,value\nx,2024-01,1\nx,2024-02,abc\n",
            "row 3, column value: \"abc\" is not a finite number",
        ),
        (
            "duplicate period",
            "series,period,value\nx,2024-01,1\nx,2024-02,2\nx,2024-01,3\n",
            "row 4, column period: series \"x\" has period 2024-01 already on row 2",
        ),
        (
            "mixed frequencies",
            "series,period,value\nx,2024-01,1\nx,2024-Q2,2\n",
            "row 3, column period: 2024-Q2 is quarterly but series \"x\" is monthly (row 2)",
        ),
        (
            "gap",
            "series,period,value\nx,2024-01,1\nx,2024-04,2\nx,2024-02,3\n",
            "row 3, column period: series \"x\" has no value for 2024-03 (between 2024-02 and 2024-04)",
        ),
        (
            "missing column",
            "series,period,value\nx,2024-01\n",
            "row 2: expected 3 columns",
        ),
    ];
    for (case, input, expected) in cases {
        let (code, out, err) = run(dir.path(), input, &["--horizon", "3"]);
        assert_eq!(code, 1, "{case}: {err}");
        assert!(out.is_empty(), "{case}: nothing is written");
        assert!(err.contains("SERIES.csv: "), "{case}: {err}");
        assert!(err.contains(expected), "{case}: {err}");
    }
}
