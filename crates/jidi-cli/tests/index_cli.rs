//! The engine's command-line contract (`jidi index`, `jidi weights`) checked against the peer
//! vectors of `crates/jidi-engine/tests/vectors` through the real binary and real files: what
//! others run to check the engine must give the peers' numbers to 1e-9.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn jidi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jidi"))
        .args(args)
        .env_remove("JIDI_DATABASE_URL")
        .output()
        .expect("run jidi")
}

fn vectors(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../jidi-engine/tests/vectors")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn matrix(v: &Value) -> Vec<Vec<f64>> {
    v.as_array().unwrap().iter().map(floats).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Writes DATA.csv and STRUCTURE.csv for a one-level index over the matrix.
fn files(dir: &Path, x: &[Vec<f64>], types: &[f64], weights: &[f64]) -> (PathBuf, PathBuf) {
    let k = x[0].len();
    let mut data = String::from("unit");
    for j in 0..k {
        data.push_str(&format!(",i{j}"));
    }
    data.push('\n');
    for (i, row) in x.iter().enumerate() {
        data.push_str(&format!("U{:02}", i + 1));
        for v in row {
            data.push_str(&format!(",{v:?}"));
        }
        data.push('\n');
    }
    let mut structure = String::from("code,parent,level,direction,weight\n");
    for j in 0..k {
        structure.push_str(&format!(
            "i{j},index,1,{},{:?}\n",
            types[j] as i32, weights[j]
        ));
    }
    structure.push_str("index,,2,1,1\n");
    let d = dir.join("DATA.csv");
    let s = dir.join("STRUCTURE.csv");
    std::fs::write(&d, data).unwrap();
    std::fs::write(&s, structure).unwrap();
    (d, s)
}

struct Results {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Results {
    fn column(&self, name: &str) -> Vec<f64> {
        let i = self
            .header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {:?}", self.header));
        self.rows
            .iter()
            .map(|r| r[i].parse().unwrap_or(f64::NAN))
            .collect()
    }
}

fn index(dir: &Path, data: &Path, structure: &Path, options: &[&str]) -> Results {
    let out = dir.join("RESULTS.csv");
    let mut args = vec![
        "index",
        "--data",
        data.to_str().unwrap(),
        "--structure",
        structure.to_str().unwrap(),
    ];
    args.extend_from_slice(options);
    args.extend_from_slice(&["--out", out.to_str().unwrap()]);
    let o = jidi(&args);
    assert!(
        o.status.success(),
        "jidi {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    let header = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    Results {
        header,
        rows: lines
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect(),
    }
}

#[test]
fn index_matches_coinr_through_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    for file in [
        "coinr_m12x6.json",
        "coinr_m5x4.json",
        "coinr_lit_critic_tus2019.json",
    ] {
        let v = vectors(file);
        let (data, structure) = files(
            dir.path(),
            &matrix(&v["X"]),
            &floats(&v["types"]),
            &floats(&v["weights"]),
        );
        for (spec, normalise, aggregate) in [
            ("minmax_0_100", "minmax:0:100", "amean"),
            ("minmax_1_100", "minmax:1:100", "amean"),
            ("minmax_1_100", "minmax:1:100", "gmean"),
            ("zscore_0_1", "zscore:0:1", "amean"),
            ("rank", "rank", "amean"),
            ("rank", "rank", "gmean"),
            ("borda", "borda", "amean"),
        ] {
            let key = format!("index_{spec}_a_{aggregate}");
            if v[&key].is_null() {
                continue;
            }
            let r = index(
                dir.path(),
                &data,
                &structure,
                &[
                    "--normalise",
                    normalise,
                    "--aggregate",
                    aggregate,
                    "--ties",
                    "min",
                ],
            );
            assert_eq!(r.header.first().map(String::as_str), Some("unit"));
            assert_eq!(r.header.last().map(String::as_str), Some("rank"));
            let got = r.column("index");
            let want = floats(&v[&key]);
            for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                assert!(close(*g, *w), "{file} {key} unit {i}: {g} vs COINr {w}");
            }
            let ranks = r.column("rank");
            assert_eq!(
                ranks,
                floats(&v[&format!("rank_{spec}_a_{aggregate}")]),
                "{file} {key} ranks"
            );
        }
    }
}

#[test]
fn mcdm_methods_match_pymcdm_through_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    for file in [
        "mcdm_m12x6.json",
        "mcdm_m5x4.json",
        "mcdm_lit_critic_tus2019.json",
    ] {
        let v = vectors(file);
        let x = matrix(&v["X"]);
        let types = floats(&v["types"]);
        let weights = floats(&v["weights_given"]);
        let (data, structure) = files(dir.path(), &x, &types, &weights);
        for (key, aggregate) in [
            ("pymcdm_TOPSIS_vector", "topsis:vector"),
            ("pymcdm_TOPSIS_minmax", "topsis:minmax"),
        ] {
            let r = index(
                dir.path(),
                &data,
                &structure,
                &[
                    "--normalise",
                    "none",
                    "--aggregate",
                    aggregate,
                    "--ties",
                    "average",
                ],
            );
            let want = floats(&v[key]);
            for (i, (g, w)) in r.column("index").iter().zip(&want).enumerate() {
                assert!(close(*g, *w), "{file} {key} unit {i}: {g} vs pymcdm {w}");
            }
            assert_eq!(
                r.column("rank"),
                floats(&v[&format!("{key}_rank")]),
                "{file} {key} ranks (ties averaged as pymcdm)"
            );
        }
        // VIKOR: jidi reports 1 − Q so that higher is better everywhere; where pymcdm gives NaN
        // (a degenerate regret range) jidi documents its convention instead.
        let q = floats(&v["pymcdm_VIKOR_Q"]);
        if q.iter().all(|x| x.is_finite()) {
            let r = index(
                dir.path(),
                &data,
                &structure,
                &["--normalise", "none", "--aggregate", "vikor"],
            );
            for (i, (g, w)) in r.column("index").iter().zip(&q).enumerate() {
                assert!(close(*g, 1.0 - w), "{file} VIKOR unit {i}: {g} vs 1 − {w}");
            }
        }
        // Entropy-TOPSIS, the common pipeline, with weights computed from the data.
        if v["pymcdm_TOPSIS_vector_with_entropy_weights"].is_array() {
            let r = index(
                dir.path(),
                &data,
                &structure,
                &[
                    "--normalise",
                    "none",
                    "--weights",
                    "entropy",
                    "--aggregate",
                    "topsis:vector",
                ],
            );
            for (g, w) in r
                .column("index")
                .iter()
                .zip(floats(&v["pymcdm_TOPSIS_vector_with_entropy_weights"]))
            {
                assert!(close(*g, w), "{file} entropy-TOPSIS: {g} vs {w}");
            }
        }
    }
}

fn weights(data: &Path, structure: &Path, method: &str, extra: &[&str]) -> Vec<f64> {
    let mut args = vec![
        "weights",
        "--data",
        data.to_str().unwrap(),
        "--structure",
        structure.to_str().unwrap(),
        "--method",
        method,
    ];
    args.extend_from_slice(extra);
    let o = jidi(&args);
    assert!(
        o.status.success(),
        "jidi {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = String::from_utf8(o.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("code,weight"));
    lines
        .filter(|l| l.starts_with('i'))
        .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
        .collect()
}

#[test]
fn weights_match_both_peers_by_convention() {
    let dir = tempfile::tempdir().unwrap();
    for file in [
        "mcdm_m12x6.json",
        "mcdm_m5x4.json",
        "mcdm_lit_entropy_elsayed2017.json",
        "mcdm_lit_critic_tus2019.json",
    ] {
        let v = vectors(file);
        let x = matrix(&v["X"]);
        let types = floats(&v["types"]);
        let (data, structure) = files(dir.path(), &x, &types, &vec![1.0; types.len()]);
        for (method, convention, key) in [
            ("entropy", "pymcdm", "pymcdm_entropy_weights"),
            ("critic", "pymcdm", "pymcdm_critic_weights"),
            ("std", "pymcdm", "pymcdm_standard_deviation_weights"),
            ("variance", "pymcdm", "pymcdm_variance_weights"),
            ("entropy", "pydecision", "pyDecision_entropy_method"),
            ("critic", "pydecision", "pyDecision_critic_method"),
        ] {
            if !v[key].is_array() {
                continue;
            }
            // pyDecision adds tiny epsilons (1e-9, 1e-10) that jidi leaves out; its figures are
            // matched to 1e-6, pymcdm's to 1e-9.
            let tolerance = if convention == "pydecision" {
                1e-6
            } else {
                1e-9
            };
            let got = weights(&data, &structure, method, &["--convention", convention]);
            let want = floats(&v[key]);
            assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(&want) {
                assert!(
                    (g - w).abs() <= tolerance * w.abs().max(1.0),
                    "{file} {method}/{convention}: {got:?} vs {want:?}"
                );
            }
            assert!((got.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
    }
}

#[test]
fn ahp_weights_and_consistency() {
    let dir = tempfile::tempdir().unwrap();
    let cases = vectors("ahp.json");
    for (name, case) in cases["cases"].as_object().unwrap() {
        let Some(a) = case.get("matrix").or_else(|| case.get("A")) else {
            continue;
        };
        let a = matrix(a);
        let n = a.len();
        let x: Vec<Vec<f64>> = (0..3)
            .map(|i| (0..n).map(|j| (i * n + j + 1) as f64).collect())
            .collect();
        let (data, structure) = files(dir.path(), &x, &vec![1.0; n], &vec![1.0; n]);
        let pairwise = dir.path().join("PAIRWISE.csv");
        let mut text = String::from("code");
        for j in 0..n {
            text.push_str(&format!(",i{j}"));
        }
        text.push('\n');
        for (i, row) in a.iter().enumerate() {
            text.push_str(&format!("i{i}"));
            for v in row {
                text.push_str(&format!(",{v:?}"));
            }
            text.push('\n');
        }
        std::fs::write(&pairwise, text).unwrap();
        let method = format!("ahp:{}", pairwise.display());
        let cr = case["pymcdm_AHP_CR"].as_f64().unwrap_or(0.0);
        let mut args = vec!["--random-index", "tummala-ling"];
        if cr > 0.1 {
            // Refused unless forced, and the refusal says why.
            let o = jidi(&[
                "weights",
                "--data",
                data.to_str().unwrap(),
                "--structure",
                structure.to_str().unwrap(),
                "--method",
                &method,
                "--random-index",
                "tummala-ling",
            ]);
            assert!(
                !o.status.success(),
                "{name}: CR {cr} accepted without --force"
            );
            assert!(
                String::from_utf8_lossy(&o.stderr).contains("0.1"),
                "{name}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            args.push("--force");
        }
        let got = weights(&data, &structure, &method, &args);
        let want = floats(&case["pymcdm_AHP_weights"]);
        for (g, w) in got.iter().zip(&want) {
            assert!(close(*g, *w), "{name}: {got:?} vs pymcdm {want:?}");
        }
    }
}

#[test]
fn uncertainty_columns_and_reproducibility() {
    let dir = tempfile::tempdir().unwrap();
    let v = vectors("mcdm_m12x6.json");
    let (data, structure) = files(
        dir.path(),
        &matrix(&v["X"]),
        &floats(&v["types"]),
        &floats(&v["weights_given"]),
    );
    let opts = [
        "--normalise",
        "minmax:1:100",
        "--aggregate",
        "gmean",
        "--uncertainty",
        "300",
        "--seed",
        "7",
        "--ua-normalise",
        "minmax:1:100,zscore:100:10",
        "--ua-aggregate",
        "amean,gmean",
        "--ua-treat",
    ];
    let a = index(dir.path(), &data, &structure, &opts);
    let tail: Vec<&str> = a.header.iter().rev().take(4).map(String::as_str).collect();
    assert_eq!(tail, ["rank_p95", "rank_p05", "rank_median", "rank"]);
    let (med, lo, hi) = (
        a.column("rank_median"),
        a.column("rank_p05"),
        a.column("rank_p95"),
    );
    for i in 0..med.len() {
        assert!(
            lo[i] <= med[i] && med[i] <= hi[i] && lo[i] >= 1.0 && hi[i] <= 12.0,
            "unit {i}: {} {} {}",
            lo[i],
            med[i],
            hi[i]
        );
    }
    let b = index(dir.path(), &data, &structure, &opts);
    assert_eq!(a.rows, b.rows, "the same seed gives the same figures");
}

#[test]
fn bad_files_are_named_by_file_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("DATA.csv");
    let s = dir.path().join("STRUCTURE.csv");
    let out = dir.path().join("OUT.csv");
    let run = |data: &str, structure: &str| {
        std::fs::write(&d, data).unwrap();
        std::fs::write(&s, structure).unwrap();
        let o = jidi(&[
            "index",
            "--data",
            d.to_str().unwrap(),
            "--structure",
            s.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(!o.status.success(), "accepted:\n{data}\n{structure}");
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let good_structure =
        "code,parent,level,direction,weight\na,index,1,1,1\nb,index,1,-1,1\nindex,,2,1,1\n";
    let e = run("unit,a,b\nU1,1,2\nU2,abc,3\nU3,4,5\n", good_structure);
    assert!(
        e.contains("DATA.csv") && e.contains("row 3") && e.contains("a") && e.contains("abc"),
        "{e}"
    );
    let e = run("name,a,b\nU1,1,2\n", good_structure);
    assert!(e.contains("DATA.csv") && e.contains("unit"), "{e}");
    let e = run(
        "unit,a,b\nU1,1,2\nU2,3,4\n",
        "code,parent,level,direction,weight\na,index,1,2,1\nb,index,1,-1,1\nindex,,2,1,1\n",
    );
    assert!(
        e.contains("STRUCTURE.csv") && e.contains("row 2") && e.contains("direction"),
        "{e}"
    );
    let e = run(
        "unit,a,b\nU1,1,2\nU2,3,4\n",
        "code,parent,level,direction,weight\na,nowhere,1,1,1\nb,index,1,-1,1\nindex,,2,1,1\n",
    );
    assert!(e.contains("STRUCTURE.csv") && e.contains("nowhere"), "{e}");
    let e = run(
        "unit,a,b\nU1,1,2\nU2,3,4\n",
        "code,parent,level,direction,weight\na,index,1,1,1\nc,index,1,-1,1\nindex,,2,1,1\n",
    );
    assert!(
        e.contains("c") && e.contains("DATA.csv"),
        "an indicator missing from the data: {e}"
    );
    let e = run("unit,a,b\nU1,1,2\nU1,3,4\n", good_structure);
    assert!(
        e.contains("U1") && e.contains("row 3"),
        "duplicate unit: {e}"
    );
    // An unknown option value is refused before any work.
    std::fs::write(&d, "unit,a,b\nU1,1,2\nU2,3,4\n").unwrap();
    std::fs::write(&s, good_structure).unwrap();
    let o = jidi(&[
        "index",
        "--data",
        d.to_str().unwrap(),
        "--structure",
        s.to_str().unwrap(),
        "--normalise",
        "cubic",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("cubic"));
    assert!(!out.exists(), "no half-written results");
}
