//! Green and safe (C6) on both backends, as every role: a base's CO₂ recomputed here from its
//! stored December fuel reports and the shipped emission factors equals the API's and the page's
//! figure; the nation's totals equal the sums over its bases; a province sees its own bases only
//! (another province's filter is refused), a base itself against its category and the nation,
//! the public nothing; the XLSX export holds the API's figures.

use crate::support;

use std::collections::BTreeMap;

use axum::http::StatusCode;
use jidi_monitor::carbon::factors::EmissionFactors;
use jidi_monitor::carbon::indicators::FUEL_INDICATORS;
use jidi_test_support::{TestDb, backend_tests};
use serde_json::Value;
use support::{App, Auth, demo_options};

const DONGHU: &str = "电子信息(光电子)·武汉东湖新技术开发区";

/// The demo with 23 months (2024-12 to 2026-10): two Decembers, so that a target has a baseline
/// year and a year of progress.
fn options() -> jidi_service::demo::DemoOptions {
    let mut o = demo_options();
    o.config.months = 23;
    o
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-9 * b.abs().max(1.0),
        "{what}: {a} != {b}"
    );
}

/// A base's December fuel reports of `year` and value added, read from the store, and its CO₂,
/// tce and carbon intensity with the shipped factors (recomputed here, not by the service).
struct Recomputed {
    co2: f64,
    tce: f64,
    physical: Vec<f64>,
    carbon_intensity: Option<f64>,
}

async fn recompute(app: &App, base: i64, year: i32) -> Recomputed {
    let codes: Vec<&str> = FUEL_INDICATORS.iter().map(|f| f.code).collect();
    let december: BTreeMap<String, f64> = app
        .state
        .store
        .monthly_values(base, &codes, year * 100 + 12)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.period == year * 100 + 12)
        .map(|p| (p.indicator, p.value))
        .collect();
    let factors = EmissionFactors::shipped();
    let (mut co2, mut tce, mut physical) = (0.0, 0.0, Vec::new());
    for f in FUEL_INDICATORS {
        let q = december.get(f.code).copied().unwrap_or(0.0);
        let factor = factors.get(f.fuel).unwrap();
        co2 += q * f.factor_units * factor.co2_t_per_unit;
        tce += q * f.factor_units * factor.tce_per_unit;
        physical.push(q);
    }
    let va = app
        .state
        .store
        .annual_values(base, &["va_ind"])
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.year == year)
        .map(|p| p.value);
    Recomputed {
        co2,
        tce,
        physical,
        // 亿元 → 万元.
        carbon_intensity: va.filter(|v| *v > 0.0).map(|v| co2 / (v * 1e4)),
    }
}

fn bases(j: &Value) -> &Vec<Value> {
    j["bases"].as_array().expect("bases")
}

fn find_base(j: &Value, id: i64) -> &Value {
    bases(j)
        .iter()
        .find(|b| b["base_id"] == id)
        .unwrap_or_else(|| panic!("base {id} listed"))
}

/// `1234567.891` → `1,234,567.9`, as the pages' `num(1)` writes it.
fn num1(x: f64) -> String {
    let text = format!("{:.1}", x.abs());
    let (int, frac) = text.split_once('.').unwrap();
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{}{grouped}.{frac}", if x < 0.0 { "-" } else { "" })
}

/// The sums over a list of bases' figures: CO₂, tce, each fuel's physical quantity, and the
/// carbon intensity as Σ CO₂ / Σ value added over the bases with an intensity (value added read
/// back as CO₂ / intensity).
fn sums(list: &[Value]) -> (f64, f64, Vec<f64>, f64) {
    let (mut co2, mut tce, mut fuels) = (0.0, 0.0, vec![0.0; 5]);
    let (mut co2_va, mut va) = (0.0, 0.0);
    for b in list {
        let f = &b["figures"];
        co2 += f["co2_t"].as_f64().unwrap();
        tce += f["energy_tce"].as_f64().unwrap();
        for (k, l) in f["fuels"].as_array().unwrap().iter().enumerate() {
            fuels[k] += l["physical"].as_f64().unwrap();
        }
        if let Some(ci) = f["carbon_intensity"].as_f64() {
            co2_va += f["co2_t"].as_f64().unwrap();
            va += f["co2_t"].as_f64().unwrap() / ci;
        }
    }
    (co2, tce, fuels, co2_va / va)
}

async fn green_on_every_backend(db: TestDb) {
    let app = App::over(db, &options()).await;
    let label = app.label();
    let admin = app.login("admin").await;
    let evaluator = app.login("evaluator").await;
    let hubei = app.login("hubei").await;
    let donghu = app.login("donghu").await;
    let donghu_id = app.base_id(DONGHU).await;

    // The ministry: the latest year with December reports, every base.
    let r = app.get("/api/v1/green", &admin).await;
    assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.text());
    let nation = r.json();
    assert_eq!(nation["year"], 2025, "{label}");
    assert_eq!(nation["years"], serde_json::json!([2025, 2024]), "{label}");
    let year = 2025;

    // One base recomputed from its stored fuels and the shipped factors.
    let want = recompute(&app, donghu_id, year).await;
    assert!(want.co2 > 0.0, "{label}: 东湖 reports fuels");
    let listed = find_base(&nation, donghu_id);
    close(
        listed["figures"]["co2_t"].as_f64().unwrap(),
        want.co2,
        "东湖 CO₂",
    );
    close(
        listed["figures"]["energy_tce"].as_f64().unwrap(),
        want.tce,
        "东湖 tce",
    );
    for (k, l) in listed["figures"]["fuels"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        close(
            l["physical"].as_f64().unwrap(),
            want.physical[k],
            &format!("东湖 {}", l["indicator"]),
        );
    }
    close(
        listed["figures"]["carbon_intensity"].as_f64().unwrap(),
        want.carbon_intensity.expect("东湖 has value added"),
        "东湖 carbon intensity",
    );
    // Electronics run mostly on electricity.
    let fuels = listed["figures"]["fuels"].as_array().unwrap();
    assert_eq!(fuels[3]["fuel"], "electricity");
    assert!(
        fuels[3]["co2_t"].as_f64().unwrap() > 0.5 * want.co2,
        "{label}: {fuels:?}"
    );

    // The nation's totals are the sums over its bases, its intensity a ratio of sums.
    let total = &nation["total"];
    let (co2, tce, physical, intensity) = sums(bases(&nation));
    assert_eq!(
        total["n_bases"].as_u64().unwrap() as usize,
        bases(&nation).len(),
        "{label}"
    );
    close(total["co2_t"].as_f64().unwrap(), co2, "national CO₂");
    close(total["energy_tce"].as_f64().unwrap(), tce, "national tce");
    for (k, l) in total["fuels"].as_array().unwrap().iter().enumerate() {
        close(
            l["physical"].as_f64().unwrap(),
            physical[k],
            "national fuel",
        );
    }
    close(
        total["carbon_intensity"].as_f64().unwrap(),
        intensity,
        "national carbon intensity",
    );
    // The fuels in standard coal are the reported energy consumption (the demo's calibration),
    // within the rounding of the stored figures.
    let reported = total["energy_reported_tce"].as_f64().unwrap();
    assert!(
        (total["energy_tce"].as_f64().unwrap() / reported - 1.0).abs() < 1e-4,
        "{label}: {reported}"
    );
    // Categories and provinces add up to the nation, and are ranked by carbon intensity.
    for key in ["categories", "provinces"] {
        let groups = nation[key].as_array().unwrap();
        let sum: f64 = groups.iter().map(|g| g["co2_t"].as_f64().unwrap()).sum();
        close(sum, co2, key);
        let ci: Vec<f64> = groups
            .iter()
            .filter_map(|g| g["carbon_intensity"].as_f64())
            .collect();
        assert!(ci.windows(2).all(|w| w[0] <= w[1]), "{label}: {key} ranked");
    }
    // Raw materials emit more per 万元 than electronics.
    let of = |code: &str| {
        nation["categories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["key"] == code)
            .and_then(|g| g["carbon_intensity"].as_f64())
            .unwrap()
    };
    assert!(of("materials") > of("information"), "{label}");
    // Targets: the scope's path starts in 2024 with a five-year horizon.
    let t = &nation["carbon_target"];
    assert_eq!(
        (t["baseline_year"].as_i64(), t["target_year"].as_i64()),
        (Some(2024), Some(2029)),
        "{label}: {t}"
    );
    close(
        t["target"].as_f64().unwrap(),
        t["baseline"].as_f64().unwrap() * 0.82,
        "carbon target",
    );
    close(
        t["current"].as_f64().unwrap(),
        intensity,
        "target's current",
    );
    assert_eq!(
        nation["factors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["fuel"] == "electricity")
            .unwrap()["code"],
        "electricity_grid_2022"
    );
    // Incidents by year: every kind, the view's years.
    let incidents = nation["incidents"].as_array().unwrap();
    assert_eq!(incidents.len(), 2, "{label}");
    assert_eq!(incidents[0]["counts"].as_array().unwrap().len(), 4);

    // The evaluator sees the same.
    let r = app.get("/api/v1/green", &evaluator).await;
    assert_eq!(r.status, StatusCode::OK, "{label}");
    close(
        r.json()["total"]["co2_t"].as_f64().unwrap(),
        co2,
        "evaluator's national CO₂",
    );

    // A province: its own bases, summing to its total; another province is refused.
    let r = app.get("/api/v1/green", &hubei).await;
    assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.text());
    let own = r.json();
    assert_eq!(own["province"], "420000", "{label}");
    let hubei_ids: Vec<i64> = bases(&own)
        .iter()
        .map(|b| b["base_id"].as_i64().unwrap())
        .collect();
    let hubei_in_nation: Vec<i64> = bases(&nation)
        .iter()
        .filter(|b| b["province_name"] == "湖北省")
        .map(|b| b["base_id"].as_i64().unwrap())
        .collect();
    let mut sorted = hubei_ids.clone();
    sorted.sort_unstable();
    let mut expected_ids = hubei_in_nation.clone();
    expected_ids.sort_unstable();
    assert_eq!(sorted, expected_ids, "{label}: Hubei's bases only");
    assert!(hubei_ids.contains(&donghu_id));
    assert!(bases(&own).len() < bases(&nation).len());
    let (hubei_co2, ..) = sums(bases(&own));
    close(
        own["total"]["co2_t"].as_f64().unwrap(),
        hubei_co2,
        "Hubei CO₂",
    );
    close(
        find_base(&own, donghu_id)["figures"]["co2_t"]
            .as_f64()
            .unwrap(),
        want.co2,
        "东湖 in Hubei's view",
    );
    assert_eq!(own["provinces"].as_array().unwrap().len(), 1, "{label}");
    for path in [
        "/api/v1/green?province=430000",
        "/api/v1/green/export?province=430000",
    ] {
        let r = app.get(path, &hubei).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}: {path}");
    }
    let outside = bases(&nation)
        .iter()
        .find(|b| b["province_name"] != "湖北省")
        .unwrap()["base_id"]
        .as_i64()
        .unwrap();
    let r = app
        .get(&format!("/api/v1/green?base={outside}"), &hubei)
        .await;
    assert!(
        matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{label}: {}",
        r.status
    );

    // A base: itself, against its category and the nation.
    let r = app.get("/api/v1/green", &donghu).await;
    assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.text());
    let me = r.json();
    assert_eq!(bases(&me).len(), 1, "{label}");
    assert_eq!(me["base"], donghu_id);
    close(
        me["total"]["co2_t"].as_f64().unwrap(),
        want.co2,
        "东湖's own",
    );
    close(
        me["nation"]["co2_t"].as_f64().unwrap(),
        co2,
        "the nation beside 东湖",
    );
    assert_eq!(me["category_comparison"]["key"], "information", "{label}");
    close(
        me["category_comparison"]["carbon_intensity"]
            .as_f64()
            .unwrap(),
        of("information"),
        "东湖's category",
    );
    let r = app
        .get(&format!("/api/v1/green?base={outside}"), &donghu)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}: another base");

    // The public sees nothing.
    for path in ["/api/v1/green", "/api/v1/green/export"] {
        let r = app.get(path, &Auth::Anonymous).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{label}: {path}");
    }
    let r = app.get("/monitoring/green", &Auth::Anonymous).await;
    assert!(r.status.is_redirection(), "{label}: {}", r.status);

    // The pages show the API's figures, as each role.
    for (user, figure) in [
        ("admin", co2),
        ("evaluator", co2),
        ("hubei", hubei_co2),
        ("donghu", want.co2),
    ] {
        let cookie = app.login_cookie(user).await;
        let page = app.get("/monitoring/green", &cookie).await;
        assert_eq!(
            page.status,
            StatusCode::OK,
            "{label} {user}: {}",
            page.text()
        );
        let html = page.text();
        let cell = &html[html.find("id=\"green-co2-total\"").unwrap()..];
        let cell = &cell[..cell.find("</td>").unwrap()];
        assert!(
            cell.contains(&num1(figure)),
            "{label} {user}: {} in {cell}",
            num1(figure)
        );
        assert!(html.contains("role=\"img\""), "{label} {user}: a chart");
        assert!(html.contains("id=\"tab-green\""), "{label} {user}: the tab");
        let on_page = html.matches("<tr data-base=").count();
        assert!(on_page >= 1, "{label} {user}");
        if user == "hubei" {
            for id in bases(&nation)
                .iter()
                .filter(|b| b["province_name"] != "湖北省")
                .map(|b| b["base_id"].as_i64().unwrap())
            {
                assert!(
                    !html.contains(&format!("data-base=\"{id}\"")),
                    "{label}: base {id} of another province on Hubei's page"
                );
            }
        }
    }
    // In English, no Chinese outside the elements marked lang="zh-CN" (base names, factor
    // sources): the full page, which the crawl of tests/english.rs sees empty (its demo has no
    // December).
    for user in ["admin", "hubei", "donghu"] {
        let cookie = app.login_cookie(user).await;
        let en = app.get("/monitoring/green?lang=en", &cookie).await;
        assert_eq!(en.status, StatusCode::OK, "{label}");
        let html = en.text();
        assert!(html.contains("Green and safe"), "{label}");
        let body = &html[html.find("<main").unwrap()..];
        // The chart's JSON block apart from the rest of the page.
        let start = body.find("id=\"chart-data\">").unwrap();
        let end = start + body[start..].find("</script>").unwrap();
        let chart = &body[start..end];
        let page = format!("{}{}", &body[..start], &body[end..]);
        // Drop the text of each element marked lang="zh-CN" (up to its first closing tag).
        let mut shown = String::new();
        let mut rest = page.as_str();
        while let Some(i) = rest.find("lang=\"zh-CN\"") {
            shown.push_str(&rest[..i]);
            let after = &rest[i..];
            rest = &after[after.find("</").unwrap_or(after.len())..];
        }
        shown.push_str(rest);
        let cjk = |text: &str| -> String {
            text.chars()
                .filter(|c| {
                    ('\u{4E00}'..='\u{9FFF}').contains(c) || ('\u{3000}'..='\u{303F}').contains(c)
                })
                .collect()
        };
        assert_eq!(
            cjk(&shown),
            "",
            "{label} {user}: Chinese on the English page"
        );
        // The chart data repeat only the scope's name (a base's, marked in the heading).
        if user != "donghu" {
            assert_eq!(
                cjk(chart),
                "",
                "{label} {user}: Chinese in the English chart data"
            );
        }
    }

    // The export holds the API's figures, base by base.
    for who in [&admin, &hubei] {
        let api = app.get("/api/v1/green", who).await.json();
        let r = app.get("/api/v1/green/export", who).await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.text());
        let table = jidi_tabular::read("green.xlsx", &r.body).unwrap();
        assert_eq!(table.rows.len(), bases(&api).len(), "{label}");
        let col = |name: &str| table.column(&[name]).unwrap();
        let (id_col, co2_col, ci_col) = (
            col("base_id"),
            col("co2_t"),
            col("carbon_intensity_t_per_10k_yuan"),
        );
        for row in &table.rows {
            let id: i64 = row.cells[id_col].parse::<f64>().unwrap() as i64;
            let b = find_base(&api, id);
            close(
                row.cells[co2_col].parse().unwrap(),
                b["figures"]["co2_t"].as_f64().unwrap(),
                "export CO₂",
            );
            match b["figures"]["carbon_intensity"].as_f64() {
                Some(ci) => close(row.cells[ci_col].parse().unwrap(), ci, "export intensity"),
                None => assert_eq!(row.cells[ci_col], "", "{label}"),
            }
        }
    }

    // Hostile filters are refused with the field named.
    for (path, field) in [
        ("/api/v1/green?year=abc", "year"),
        ("/api/v1/green?province=99", "province"),
        ("/api/v1/green?category=nope", "category"),
        ("/api/v1/green?base=-1", "base"),
    ] {
        let r = app.get(path, &admin).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {path}");
        assert!(r.text().contains(field), "{label}: {}", r.text());
    }
    // A year without reports is an empty view, not an error.
    let r = app.get("/api/v1/green?year=2010", &admin).await;
    assert_eq!(r.status, StatusCode::OK, "{label}");
    assert_eq!(r.json()["total"]["n_bases"], 0, "{label}");
    app.finish().await;
}

backend_tests!(green_on_every_backend);
