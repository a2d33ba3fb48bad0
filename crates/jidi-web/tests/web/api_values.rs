//! Indicator values through the API on both backends, as every role: exports hold exactly the
//! stored figures within each caller's scope; uploads are checked all or nothing; a base's upload
//! waits for its province's review; warnings need explanations; the audit log is the ministry's.

use crate::support;

use std::collections::{HashMap, HashSet};

use axum::http::{Method, StatusCode};
use jidi_store::Frequency;
use jidi_test_support::{TestDb, backend_tests};
use serde_json::{Value, json};
use support::{App, Auth, Reply, assert_error, demo_options};

const DONGHU: &str = "电子信息(光电子)·武汉东湖新技术开发区";
const HEADER: &str = "base_id,base_name,period,indicator,value,unit,explanation";

/// `(base_id, period, indicator) → value` of a long-form CSV export.
fn parse_export(r: &Reply) -> HashMap<(i64, String, String), f64> {
    let text = r.text();
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "base_id",
            "base_name",
            "period",
            "indicator",
            "value",
            "unit"
        ]
    );
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                (r[0].parse().unwrap(), r[2].to_string(), r[3].to_string()),
                r[4].parse().unwrap(),
            )
        })
        .collect()
}

async fn upload(app: &App, auth: &Auth, file: &str, rows: &[String]) -> Reply {
    let body = format!("{HEADER}\n{}\n", rows.join("\n"));
    app.call(
        Method::POST,
        &format!("/api/v1/values?file={file}"),
        auth,
        Some("text/csv"),
        body.into_bytes(),
    )
    .await
}

fn problems(r: &Reply) -> Vec<(u64, String, String)> {
    let j = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "rejected upload");
    j["error"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["row"].as_u64().unwrap(),
                p["column"].as_str().unwrap().to_string(),
                p["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn stored(app: &App, base: i64, year: i32, code: &str) -> f64 {
    app.state
        .store
        .values_between(Frequency::Annual, year, year, &[code.to_string()])
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.base_id == base)
        .unwrap()
        .value
}

async fn values_api_on_every_backend(db: TestDb) {
    let app = App::over(db, &demo_options()).await;
    let l = app.label();
    let admin = app.login("admin").await;
    let hubei = app.login("hubei").await;
    let donghu = app.login("donghu").await;
    let evaluator = app.login("evaluator").await;
    let anon = Auth::Anonymous;
    let donghu_id = app.base_id(DONGHU).await;

    // Exports: the figures are the stored ones, and each role sees its scope.
    let r = app.get("/api/v1/values?year=2024", &anon).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "anonymous export");
    let all = parse_export(&app.get("/api/v1/values?year=2024", &admin).await);
    let by_evaluator = parse_export(&app.get("/api/v1/values?year=2024", &evaluator).await);
    assert_eq!(all, by_evaluator, "{l}");
    let rev_2024 = stored(&app, donghu_id, 2024, "rev_main").await;
    assert_eq!(
        all[&(donghu_id, "2024".to_string(), "rev_main".to_string())],
        rev_2024,
        "{l}: the export shows the stored figure"
    );
    let (n_annual, _) = app.state.store.value_counts().await.unwrap();
    let years = app.state.store.annual_years().await.unwrap();
    assert!(
        all.len() > 1000 && (all.len() as i64) < n_annual,
        "{l}: one year of {years:?}"
    );
    let hubei_rows = parse_export(&app.get("/api/v1/values?year=2024", &hubei).await);
    let hubei_bases: HashSet<i64> = hubei_rows.keys().map(|k| k.0).collect();
    for b in &hubei_bases {
        let base = app.state.store.base(*b).await.unwrap().unwrap();
        assert_eq!(
            base.facts.province_code, "420000",
            "{l}: base {b} outside Hubei"
        );
    }
    assert!(hubei_bases.contains(&donghu_id));
    let expected_hubei = all.keys().filter(|k| hubei_bases.contains(&k.0)).count();
    assert_eq!(hubei_rows.len(), expected_hubei, "{l}: every Hubei value");
    let own = parse_export(&app.get("/api/v1/values?year=2024", &donghu).await);
    assert!(
        own.keys().all(|k| k.0 == donghu_id) && !own.is_empty(),
        "{l}"
    );
    let other_hubei = *hubei_bases.iter().find(|b| **b != donghu_id).unwrap();
    let outside = all
        .keys()
        .map(|k| k.0)
        .find(|b| !hubei_bases.contains(b))
        .unwrap();
    let r = app
        .get(
            &format!("/api/v1/values?year=2024&base={other_hubei}"),
            &donghu,
        )
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "a base exports another base");
    for bad in [
        "/api/v1/values",
        "/api/v1/values?year=99999",
        "/api/v1/values?period=2024-13",
        "/api/v1/values?year=2024&format=pdf",
    ] {
        assert_error(&app.get(bad, &admin).await, StatusCode::BAD_REQUEST, bad);
    }

    // Uploads: anonymous and evaluators may not report.
    let plausible = rev_2024 * 1.05;
    let row = |base: i64, year: i32, code: &str, v: f64, why: &str| {
        format!("{base},,{year},{code},{v},亿元,{why}")
    };
    let r = upload(
        &app,
        &anon,
        "a.csv",
        &[row(donghu_id, 2025, "rev_main", plausible, "")],
    )
    .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "anonymous upload");
    let r = upload(
        &app,
        &evaluator,
        "a.csv",
        &[row(donghu_id, 2025, "rev_main", plausible, "")],
    )
    .await;
    assert_error(&r, StatusCode::FORBIDDEN, "evaluator upload");

    // A base reports for itself only; a row for another base rejects the whole file.
    let before_2025 = stored(&app, donghu_id, 2025, "rev_main").await;
    let r = upload(
        &app,
        &donghu,
        "mixed.csv",
        &[
            row(donghu_id, 2025, "rev_main", plausible, ""),
            row(other_hubei, 2025, "rev_main", 10.0, ""),
        ],
    )
    .await;
    assert_eq!(
        problems(&r),
        vec![(3, "base_id".to_string(), "out_of_scope".to_string())],
        "{l}"
    );
    assert_eq!(
        stored(&app, donghu_id, 2025, "rev_main").await,
        before_2025,
        "{l}: nothing written"
    );

    // A jump needs an explanation before it can go up.
    let jump = rev_2024 * 1.8;
    let r = upload(
        &app,
        &donghu,
        "jump.csv",
        &[row(donghu_id, 2025, "rev_main", jump, "")],
    )
    .await;
    assert_eq!(
        problems(&r),
        vec![(
            2,
            "explanation".to_string(),
            "unexplained_warning".to_string()
        )],
        "{l}"
    );
    let r = upload(
        &app,
        &donghu,
        "jump.csv",
        &[row(donghu_id, 2025, "rev_main", jump, "新引进龙头企业投产")],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
    let j = r.json();
    assert_eq!(j["status"], "submitted", "{l}");
    assert_eq!(j["changed"], 1);
    assert_eq!(j["warnings"][0]["rule"], "jump");
    let submission = j["submission_id"].as_i64().unwrap();
    assert_eq!(
        stored(&app, donghu_id, 2025, "rev_main").await,
        before_2025,
        "{l}: a submission is not in force before review"
    );

    // Who sees the submission.
    let listed = |r: Reply| -> Vec<i64> {
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        r.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_i64().unwrap())
            .collect()
    };
    assert!(listed(app.get("/api/v1/submissions", &hubei).await).contains(&submission));
    assert!(
        listed(
            app.get("/api/v1/submissions?status=submitted", &admin)
                .await
        )
        .contains(&submission)
    );
    assert!(listed(app.get("/api/v1/submissions", &donghu).await).contains(&submission));
    assert_error(
        &app.get("/api/v1/submissions", &anon).await,
        StatusCode::UNAUTHORIZED,
        "anonymous list",
    );
    assert_error(
        &app.get("/api/v1/submissions?status=maybe", &admin).await,
        StatusCode::BAD_REQUEST,
        "bad status",
    );

    // Review: a base and an evaluator may not; returning needs a comment; the province accepts.
    let review = |accept: bool, comment: &str| json!({"accept": accept, "comment": comment});
    let path = format!("/api/v1/submissions/{submission}/review");
    assert_error(
        &app.json(Method::POST, &path, &donghu, &review(true, ""))
            .await,
        StatusCode::FORBIDDEN,
        "base reviews",
    );
    assert_error(
        &app.json(Method::POST, &path, &evaluator, &review(true, ""))
            .await,
        StatusCode::FORBIDDEN,
        "evaluator reviews",
    );
    assert_error(
        &app.json(Method::POST, &path, &hubei, &review(false, " "))
            .await,
        StatusCode::BAD_REQUEST,
        "return without comment",
    );
    let r = app
        .json(Method::POST, &path, &hubei, &review(true, "核实无误"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
    assert_eq!(r.json()["status"], "accepted");
    assert_eq!(
        stored(&app, donghu_id, 2025, "rev_main").await,
        jump,
        "{l}: accepted values are in force"
    );
    let after = parse_export(&app.get("/api/v1/values?year=2025", &donghu).await);
    assert_eq!(
        after[&(donghu_id, "2025".to_string(), "rev_main".to_string())],
        jump,
        "{l}"
    );
    assert_error(
        &app.json(Method::POST, &path, &admin, &review(true, ""))
            .await,
        StatusCode::CONFLICT,
        "accepted twice",
    );
    let history = app
        .state
        .store
        .value_revisions(Frequency::Annual, donghu_id, 2025, "rev_main")
        .await
        .unwrap();
    assert_eq!(
        history
            .iter()
            .map(|h| (h.revision, h.value))
            .collect::<Vec<_>>(),
        vec![(0, before_2025), (1, jump)],
        "{l}: the bulk-loaded figure is kept as revision 0"
    );

    // The ministry returns a second one; nothing changes.
    let r = upload(
        &app,
        &donghu,
        "again.csv",
        &[row(
            donghu_id,
            2025,
            "rev_main",
            jump * 1.01,
            "修订：统计口径调整",
        )],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
    let second = r.json()["submission_id"].as_i64().unwrap();
    let r = app
        .json(
            Method::POST,
            &format!("/api/v1/submissions/{second}/review"),
            &admin,
            &review(false, "请附统计报表"),
        )
        .await;
    assert_eq!(r.json()["status"], "returned", "{l}");
    assert_eq!(r.json()["review_comment"], "请附统计报表");
    assert_eq!(stored(&app, donghu_id, 2025, "rev_main").await, jump, "{l}");

    // A province's upload is accepted at once, within its province only.
    let other_2024 = stored(&app, other_hubei, 2024, "rev_main").await;
    let r = upload(
        &app,
        &hubei,
        "hb.csv",
        &[row(other_hubei, 2025, "rev_main", other_2024 * 1.03, "")],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
    assert_eq!(r.json()["status"], "accepted");
    assert_eq!(
        stored(&app, other_hubei, 2025, "rev_main").await,
        other_2024 * 1.03
    );
    let r = upload(
        &app,
        &hubei,
        "hb2.csv",
        &[row(outside, 2025, "rev_main", 1.0, "")],
    )
    .await;
    assert_eq!(
        problems(&r),
        vec![(2, "base_id".to_string(), "out_of_scope".to_string())],
        "{l}"
    );

    // The ministry's unit slip is an error at its row and column, and the same file again is
    // unchanged.
    let r = upload(
        &app,
        &admin,
        "slip.csv",
        &[row(
            outside,
            2025,
            "rev_main",
            stored(&app, outside, 2024, "rev_main").await * 10_000.0,
            "",
        )],
    )
    .await;
    assert_eq!(
        problems(&r),
        vec![(2, "value".to_string(), "unit_slip".to_string())],
        "{l}"
    );
    let r = upload(
        &app,
        &hubei,
        "hb.csv",
        &[row(other_hubei, 2025, "rev_main", other_2024 * 1.03, "")],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{l}");
    assert_eq!(r.json()["status"], "unchanged");

    // The audit log: the ministry reads it; nobody else.
    let r = app
        .get("/api/v1/audit?entity=value_submission", &admin)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{l}");
    let actions: Vec<String> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert!(
        actions.contains(&"submit_values".to_string())
            && actions.contains(&"return_submission".to_string()),
        "{l}: {actions:?}"
    );
    let r = app.get("/api/v1/audit?entity=value_batch", &admin).await;
    let batches: Vec<Value> = r.json().as_array().unwrap().clone();
    assert!(
        batches
            .iter()
            .any(|e| e["detail"]["submission"] == submission),
        "{l}: {batches:?}"
    );
    assert_error(
        &app.get("/api/v1/audit", &hubei).await,
        StatusCode::FORBIDDEN,
        "province reads audit",
    );
    assert_error(
        &app.get("/api/v1/audit", &anon).await,
        StatusCode::UNAUTHORIZED,
        "anonymous reads audit",
    );
    app.finish().await;
}
backend_tests!(values_api_on_every_backend);
