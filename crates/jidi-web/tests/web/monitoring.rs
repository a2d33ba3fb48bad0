//! Monitoring and early warning on both backends, as every role: the aggregates the API and the
//! page show equal the ratio of sums recomputed here from the stored 1–N月 reports (single months
//! differenced in this file, independently of `jidi-monitor`), a province sees only its bases, a
//! base only itself, the public nothing; the warnings board is scoped and a province cannot
//! acknowledge another province's warning; an accepted monthly value rebuilds the derived rows;
//! the XLSX export holds the same figures.

use crate::support;

use std::collections::BTreeMap;

use axum::http::{Method, StatusCode, header};
use jidi_service::values::{ImportValues, import_values};
use jidi_test_support::{TestDb, backend_tests};
use serde_json::{Value, json};
use support::{App, Auth, demo_options};

const DONGHU: &str = "电子信息(光电子)·武汉东湖新技术开发区";

/// The demo with 15 months, so that the latest month has last year's month to compare with.
fn options() -> jidi_service::demo::DemoOptions {
    let mut o = demo_options();
    o.config.months = 15;
    o
}

/// One base's reported 1–N月 series of `code`: period `YYYYMM` → value.
async fn reported(app: &App, base: i64, code: &str) -> BTreeMap<i32, f64> {
    app.state
        .store
        .monthly_values(base, &[code], 0)
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.period, p.value))
        .collect()
}

/// The single month ending at `period` (the difference from the previous total of the same year,
/// or the total itself when it is the year's first), with the months it covers.
fn single(series: &BTreeMap<i32, f64>, period: i32) -> Option<(f64, i32)> {
    let now = *series.get(&period)?;
    let year = period / 100;
    match series.range(year * 100 + 1..period).next_back() {
        Some((p, before)) => Some((now - before, period - p)),
        None => Some((now, period % 100)),
    }
}

struct Expected {
    /// Σ cumulative now / Σ last year over bases with both, by group ("all" and categories).
    cum: BTreeMap<String, (f64, f64)>,
    /// Σ single now / Σ single last year over bases with both (same span length).
    month: BTreeMap<String, (f64, f64)>,
    bases: usize,
}

async fn expected(app: &App, period: i32, only: Option<&[i64]>) -> Expected {
    let mut out = Expected {
        cum: BTreeMap::new(),
        month: BTreeMap::new(),
        bases: 0,
    };
    for (id, category) in app.state.store.monthly_base_categories().await.unwrap() {
        if only.is_some_and(|o| !o.contains(&id)) {
            continue;
        }
        let s = reported(app, id, "m_rev").await;
        if !s.contains_key(&period) {
            continue;
        }
        out.bases += 1;
        for key in ["all".to_string(), category.clone()] {
            if let Some(ly) = s.get(&(period - 100)) {
                let e = out.cum.entry(key.clone()).or_default();
                e.0 += s[&period];
                e.1 += ly;
            }
            if let (Some((now, n)), Some((then, m))) =
                (single(&s, period), single(&s, period - 100))
                && n == m
            {
                let e = out.month.entry(key.clone()).or_default();
                e.0 += now;
                e.1 += then;
            }
        }
    }
    out
}

fn growth((now, then): (f64, f64)) -> f64 {
    (now - then) / then * 100.0
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-9 * b.abs().max(1.0),
        "{what}: {a} != {b}"
    );
}

fn period_key(text: &str) -> i32 {
    let (y, m) = text.split_once('-').unwrap();
    y.parse::<i32>().unwrap() * 100 + m.parse::<i32>().unwrap()
}

async fn monitoring_on_every_backend(db: TestDb) {
    let app = App::over(db, &options()).await;
    let label = app.label();
    let admin = app.login("admin").await;
    let evaluator = app.login("evaluator").await;
    let hubei = app.login("hubei").await;
    let hunan = app.login("hunan").await;
    let donghu = app.login("donghu").await;
    let donghu_id = app.base_id(DONGHU).await;

    // The national and category figures of the latest month, as every signed-in role sees them.
    let r = app
        .get("/api/v1/monitoring/groups?group_by=nation", &admin)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.text());
    let j = r.json();
    let period = period_key(j["period"].as_str().expect("a latest month"));
    let want = expected(&app, period, None).await;
    let nation = &j["items"][0];
    assert_eq!(nation["n_bases"].as_u64().unwrap() as usize, want.bases);
    close(
        nation["cum_yoy"].as_f64().unwrap(),
        growth(want.cum["all"]),
        "national 累计同比",
    );
    close(
        nation["yoy"].as_f64().unwrap(),
        growth(want.month["all"]),
        "national 当月同比",
    );
    close(
        nation["cumulative"].as_f64().unwrap(),
        {
            let mut total = 0.0;
            for (id, _) in app.state.store.monthly_base_categories().await.unwrap() {
                total += reported(&app, id, "m_rev")
                    .await
                    .get(&period)
                    .copied()
                    .unwrap_or(0.0);
            }
            total
        },
        "national 1–N月 total",
    );
    for who in [&admin, &evaluator, &hubei, &donghu] {
        let r = app
            .get(
                "/api/v1/monitoring/groups?group_by=category&per_page=100",
                who,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.text());
        for g in r.json()["items"].as_array().unwrap() {
            let key = g["key"].as_str().unwrap();
            if let Some(pair) = want.cum.get(key) {
                close(g["cum_yoy"].as_f64().unwrap(), growth(*pair), key);
            }
        }
    }

    // The ministry's page shows the same national figure.
    let admin_cookie = app.login_cookie("admin").await;
    let page = app.get("/monitoring", &admin_cookie).await;
    assert_eq!(page.status, StatusCode::OK, "{label}: {}", page.text());
    let html = page.text();
    let headline = &html[html.find("id=\"monitor-headline\"").unwrap()..];
    let rev = &headline[headline.find("data-code=\"m_rev\"").unwrap()..];
    let rev = &rev[..rev.find("</div>").unwrap()];
    let shown = format!("{:+.1}%", growth(want.cum["all"]));
    assert!(
        rev.contains(&shown),
        "{label}: headline shows {shown}: {rev}"
    );
    assert!(
        html.contains("id=\"monitor-categories\"") && html.contains("id=\"monitor-provinces\"")
    );

    // A province sees its own bases only, and its page has no province table.
    let r = app
        .get("/api/v1/monitoring/bases?per_page=500", &hubei)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.text());
    let j = r.json();
    let items = j["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(
        items.iter().all(|b| b["province_name"] == "湖北省"),
        "{label}: {j}"
    );
    assert_eq!(j["total"].as_u64().unwrap() as usize, items.len());
    // Ranked by 累计同比, highest first; each equals the base's own recomputed figure.
    let growths: Vec<f64> = items.iter().filter_map(|b| b["cum_yoy"].as_f64()).collect();
    assert!(
        growths.windows(2).all(|w| w[0] >= w[1]),
        "{label}: not ranked"
    );
    let first = &items[0];
    let s = reported(&app, first["base_id"].as_i64().unwrap(), "m_rev").await;
    close(
        first["cum_yoy"].as_f64().unwrap(),
        growth((s[&period], s[&(period - 100)])),
        "a base's 累计同比",
    );
    let r = app
        .get("/api/v1/monitoring/bases?province=430000", &hubei)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}: another province");
    let hubei_ids: Vec<i64> = items
        .iter()
        .map(|b| b["base_id"].as_i64().unwrap())
        .collect();
    let hubei_want = expected(&app, period, Some(&hubei_ids)).await;
    let r = app
        .get(
            "/api/v1/monitoring/groups?group_by=nation&province=420000",
            &hubei,
        )
        .await;
    close(
        r.json()["items"][0]["cum_yoy"].as_f64().unwrap(),
        growth(hubei_want.cum["all"]),
        "Hubei 累计同比",
    );

    // A base sees itself: its page redirects to its own view, its series holds its own figures.
    let donghu_cookie = app.login_cookie("donghu").await;
    let r = app.get("/monitoring", &donghu_cookie).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{label}");
    assert_eq!(
        r.headers.get(header::LOCATION).unwrap().to_str().unwrap(),
        format!("/monitoring/bases/{donghu_id}")
    );
    let r = app
        .get(
            &format!("/api/v1/monitoring/bases/{donghu_id}/series"),
            &donghu,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.text());
    let j = r.json();
    let last = j["points"].as_array().unwrap().last().unwrap().clone();
    // The base's own last accepted month: in the demo its latest report was returned for
    // correction, so its series may end before the nation's month.
    let s = reported(&app, donghu_id, "m_rev").await;
    let own = *s.keys().next_back().unwrap();
    assert!(own <= period);
    assert_eq!(period_key(last["period"].as_str().unwrap()), own);
    let (now, _) = single(&s, own).unwrap();
    let (then, _) = single(&s, own - 100).unwrap();
    close(
        last["yoy"].as_f64().unwrap(),
        growth((now, then)),
        "东湖 当月同比",
    );
    close(last["single"].as_f64().unwrap(), now, "东湖 当月值");
    // Twelve forecast months after the history, each inside its band.
    let chart = j["chart"].as_array().unwrap();
    let forecasts: Vec<&Value> = chart.iter().filter(|c| c["forecast"].is_number()).collect();
    assert_eq!(forecasts.len(), 12, "{label}");
    for f in forecasts {
        let (lo, mid, hi) = (
            f["lo95"].as_f64().unwrap(),
            f["forecast"].as_f64().unwrap(),
            f["hi95"].as_f64().unwrap(),
        );
        assert!(lo <= mid && mid <= hi, "{label}: {f}");
    }
    let page = app
        .get(&format!("/monitoring/bases/{donghu_id}"), &donghu_cookie)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{label}: {}", page.text());
    let html = page.text();
    let row = &html[html
        .find(&format!(
            "data-period=\"{}\"",
            last["period"].as_str().unwrap()
        ))
        .unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains(&format!("{:+.1}%", growth((now, then)))),
        "{label}: {row}"
    );
    let other = hubei_ids
        .iter()
        .find(|id| **id != donghu_id)
        .copied()
        .unwrap();
    let r = app
        .get(&format!("/api/v1/monitoring/bases/{other}/series"), &donghu)
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "{label}: another base's series"
    );
    // Its own ranked list holds itself in its own last accepted month.
    let r = app
        .get(
            &format!(
                "/api/v1/monitoring/bases?period={}-{:02}",
                own / 100,
                own % 100
            ),
            &donghu,
        )
        .await;
    let j = r.json();
    assert_eq!(j["total"], 1, "{label}: {j}");

    // The public sees no monitoring and no warnings.
    for path in [
        "/api/v1/monitoring/groups",
        "/api/v1/monitoring/bases",
        "/api/v1/warnings",
        "/api/v1/monitoring/export",
    ] {
        let r = app.get(path, &Auth::Anonymous).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{label}: {path}");
    }
    let r = app.get("/warnings", &Auth::Anonymous).await;
    assert!(r.status.is_redirection(), "{label}: {}", r.status);

    // Warnings: one open warning per (base, rule) at most; scoped lists; counts by level agree.
    let r = app
        .get("/api/v1/warnings?state=all&per_page=500", &admin)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.text());
    let all = r.json();
    let list = all["items"].as_array().unwrap().clone();
    assert!(!list.is_empty(), "{label}: the demo raises warnings");
    let mut open = std::collections::BTreeSet::new();
    for w in &list {
        if w["closed"].is_null() {
            assert!(
                open.insert((w["base_id"].as_i64(), w["rule"].as_str().map(String::from))),
                "{label}: two open warnings of one (base, rule): {w}"
            );
        }
    }
    let open_by_level: Vec<i64> = all["open_by_level"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert_eq!(open_by_level.iter().sum::<i64>() as usize, open.len());
    let r = app
        .get("/api/v1/warnings?state=all&per_page=500", &hubei)
        .await;
    let hubei_list = r.json()["items"].as_array().unwrap().clone();
    assert!(hubei_list.iter().all(|w| w["province_name"] == "湖北省"));
    let r = app
        .get("/api/v1/warnings?state=all&per_page=500", &donghu)
        .await;
    assert!(
        r.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|w| w["base_id"] == donghu_id)
    );

    // Acknowledging: a province only its own bases' warnings; evaluators never.
    let foreign = list
        .iter()
        .find(|w| w["province_name"] != "湖南省")
        .expect("a warning outside Hunan");
    let id = foreign["id"].as_i64().unwrap();
    let path = format!("/api/v1/warnings/{id}/acknowledgement");
    let r = app
        .json(Method::POST, &path, &hunan, &json!({"acknowledge": true}))
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "{label}: Hunan acks another province's warning"
    );
    let r = app
        .json(
            Method::POST,
            &path,
            &evaluator,
            &json!({"acknowledge": true}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "{label}: evaluators change nothing"
    );
    // The board of that base, read (and kept) before the acknowledgement.
    let board_url = format!("/api/v1/warnings?state=all&base_id={}", foreign["base_id"]);
    let before = app.get(&board_url, &admin).await.json();
    assert!(
        before["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["id"] == id && w["annotation"] == ""),
        "{label}: {before}"
    );
    let r = app
        .json(
            Method::POST,
            &path,
            &admin,
            &json!({"acknowledge": true, "annotation": "已电话核实，停产检修"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.text());
    let j = r.json();
    assert_eq!(j["annotation"], "已电话核实，停产检修");
    assert!(j["acknowledged_by"].is_string() && j["acknowledged_at"].is_string());
    // The board read before the acknowledgement is not served again (reads are kept per data
    // generation, and an acknowledgement advances it).
    let r = app.get(&board_url, &admin).await;
    let board = r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == id)
        .cloned()
        .expect("the acknowledged warning on the board");
    assert_eq!(board["annotation"], "已电话核实，停产检修", "{label}");
    assert!(board["acknowledged_by"].is_string(), "{label}: {board}");
    let r = app
        .json(
            Method::POST,
            &path,
            &admin,
            &json!({"annotation": "a\u{0000}b"}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "{label}: NUL in an annotation"
    );
    if let Some(own) = hubei_list.first() {
        let r = app
            .json(
                Method::POST,
                &format!("/api/v1/warnings/{}/acknowledgement", own["id"]),
                &hubei,
                &json!({"acknowledge": true}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "{label}: Hubei acks its own: {}",
            r.text()
        );
    }
    // The board page lists the same open counts.
    let page = app.get("/warnings", &admin_cookie).await;
    assert_eq!(page.status, StatusCode::OK, "{label}: {}", page.text());
    let html = page.text();
    let red = &html[html.find("data-level=\"red\"").unwrap()..];
    assert!(red.contains(&format!("<strong>{}</strong>", open_by_level[3])));

    // An accepted correction rebuilds the derived rows (and the acknowledgement survives), and
    // the national total read before it is not served again.
    let new_total = s[&own] * 1.05;
    let nation_of = |j: Value| j["items"][0]["cumulative"].as_f64().unwrap();
    let nation_url = format!(
        "/api/v1/monitoring/groups?group_by=nation&period={}",
        last["period"].as_str().unwrap()
    );
    let nation_before = nation_of(app.get(&nation_url, &admin).await.json());
    let csv = format!(
        "base_id,base_name,period,indicator,value,unit,explanation\n{donghu_id},{DONGHU},{},m_rev,{new_total},亿元,测试更正\n",
        last["period"].as_str().unwrap()
    );
    let outcome = import_values(
        &app.state.store,
        "fix.csv",
        csv.as_bytes(),
        &ImportValues {
            user_id: None,
            source: "cli",
            scope: jidi_collect::Scope::All,
            dry_run: false,
            reason: "测试".into(),
            explanation: "测试更正".into(),
            review: None,
        },
    )
    .await
    .unwrap();
    assert!(outcome.batch_id.is_some(), "{label}: {:?}", outcome.report);
    let r = app
        .get(
            &format!("/api/v1/monitoring/bases/{donghu_id}/series"),
            &admin,
        )
        .await;
    let last = r.json()["points"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    close(
        last["cumulative"].as_f64().unwrap(),
        new_total,
        "the corrected total",
    );
    close(
        last["cum_yoy"].as_f64().unwrap(),
        growth((new_total, s[&(own - 100)])),
        "the corrected 累计同比",
    );
    let nation_after = nation_of(app.get(&nation_url, &admin).await.json());
    close(
        nation_after - nation_before,
        new_total - s[&own],
        "the national 1–N月 total after the correction",
    );
    let r = app
        .get("/api/v1/warnings?state=all&per_page=500", &admin)
        .await;
    let still = r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == id)
        .cloned();
    if let Some(w) = still {
        assert_eq!(w["annotation"], "已电话核实，停产检修", "{label}");
    }

    // The export holds every base in scope with the same figures.
    let r = app.get("/api/v1/monitoring/export", &hubei).await;
    assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.text());
    let table = jidi_tabular::read("m.xlsx", &r.body).unwrap();
    assert_eq!(table.rows.len(), hubei_ids.len(), "{label}");
    app.finish().await;
}

backend_tests!(monitoring_on_every_backend);
