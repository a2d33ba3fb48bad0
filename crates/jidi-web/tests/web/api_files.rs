//! Roll files and sessions through the API on both backends: all-or-nothing import, export,
//! sessions, reference data, and the OpenAPI document.

use crate::support;

use axum::http::{Method, StatusCode};
use jidi_test_support::{TestDb, backend_tests};
use serde_json::json;
use support::{App, Auth, assert_error, demo_options};

const DONGHU: &str = "电子信息(光电子)·武汉东湖新技术开发区";

const HEADER: &str = "name,province_code,prefecture_code,category_code,subcategory_code,series,tier,batch,designated_year,designated_on,leading_industries,managing_body,area_km2,source,note";

async fn roll_files_and_sessions(db: TestDb) {
    let app = App::over(db, &demo_options()).await;
    import(&app).await;
    export(&app).await;
    sessions(&app).await;
    reference(&app).await;
    app.finish().await;
}
backend_tests!(roll_files_and_sessions);

/// `/healthz` says the process lives without asking the database; `/readyz` asks it, and answers
/// 503 once the database cannot be reached (here: its pool closed under the running server).
async fn liveness_and_readiness(db: TestDb) {
    let l = db.label;
    let state = jidi_web::AppState::new(db.store.clone(), jidi_web::WebConfig::default())
        .await
        .expect("state");
    let app = App {
        db,
        router: jidi_web::router(state.clone()),
        state,
    };
    let anon = Auth::Anonymous;
    let live = app.get("/healthz", &anon).await;
    assert_eq!(
        (live.status, live.text().as_str()),
        (StatusCode::OK, "ok"),
        "{l}"
    );
    let ready = app.get("/readyz", &anon).await;
    assert_eq!(
        (ready.status, ready.text().as_str()),
        (StatusCode::OK, "ready"),
        "{l}"
    );
    app.db.store.close().await;
    let live = app.get("/healthz", &anon).await;
    assert_eq!(
        live.status,
        StatusCode::OK,
        "{l}: liveness must not depend on the database"
    );
    // A probe reads the status; the body (an error page outside /api) names the cause.
    let ready = app.get("/readyz", &anon).await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE, "{l}");
    assert!(ready.text().contains("database unavailable"), "{l}");
    app.finish().await;
}
backend_tests!(liveness_and_readiness);

async fn import(app: &App) {
    let l = app.label();
    let admin = app.login("admin").await;
    let before = app.get("/api/v1/bases?per_page=1", &admin).await.json()["total"]
        .as_i64()
        .unwrap();

    // Every problem listed by row and column; nothing written.
    let bad = format!(
        "{HEADER}\n\
         电子信息(导入)·武汉导入一区,420000,420100,information,electronics,advantage,national,10,2025,2025-06-30,光电子,管委会,3.5,,\n\
         电子信息(导入)·武汉导入二区,990000,,information,electronics,advantage,national,10,2025,2025-06-30,,,,,\n\
         电子信息(导入)·武汉导入三区,420000,,nonsense,,advantage,national,10,2025,2025-13-01,,,,,\n\
         电子信息(导入)·武汉导入一区,420000,,information,electronics,advantage,national,10,2025,2025-06-30,,,,,\n\
         {DONGHU},420000,,information,electronics,advantage,national,1,2009,,,,,,\n"
    );
    let r = app
        .call(
            Method::POST,
            "/api/v1/bases/import?file=roll.csv",
            &admin,
            Some("text/csv"),
            bad.into_bytes(),
        )
        .await;
    let j = assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, l);
    let problems = j["error"]["problems"].as_array().unwrap();
    assert!(
        problems.iter().all(|p| p["file"] == "roll.csv"
            && p["row"].as_u64().unwrap() > 1
            && p["rule"].is_string()),
        "{l}: {j}"
    );
    let problems = j["error"]["fields"].as_array().unwrap();
    let text = problems
        .iter()
        .map(|f| format!("{}: {}", f["field"], f["message"]))
        .collect::<Vec<_>>()
        .join("\n");
    for needle in [
        "row 3",
        "province_code",
        "row 4",
        "category_code",
        "designated_on",
        "row 5",
        "row 6",
    ] {
        assert!(text.contains(needle), "{l}: {needle} missing from\n{text}");
    }
    let after = app.get("/api/v1/bases?per_page=1", &admin).await.json()["total"]
        .as_i64()
        .unwrap();
    assert_eq!(before, after, "{l}: a rejected import wrote rows");

    // A wrong header is named.
    let r = app
        .call(
            Method::POST,
            "/api/v1/bases/import?file=roll.csv",
            &admin,
            Some("text/csv"),
            b"nom,province\nx,y\n".to_vec(),
        )
        .await;
    let j = assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, l);
    assert!(j.to_string().contains("name"), "{l}: {j}");

    // Dry run, then the real thing.
    let good = format!(
        "{HEADER}\n\
         电子信息(导入)·武汉导入一区,420000,420100,information,electronics,advantage,national,10,2025,2025-06-30,光电子;激光,管委会,3.5,,\n\
         新材料(导入)·长沙导入区,430000,430100,materials,new_materials,specialty,national,10,2025,2025-06-30,先进材料,,,,\n"
    );
    let r = app
        .call(
            Method::POST,
            "/api/v1/bases/import?file=roll.csv&dry_run=true",
            &admin,
            Some("text/csv"),
            good.clone().into_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
    assert_eq!(r.json()["valid_rows"], 2);
    assert_eq!(
        app.get("/api/v1/bases?per_page=1", &admin).await.json()["total"]
            .as_i64()
            .unwrap(),
        before
    );
    let r = app
        .call(
            Method::POST,
            "/api/v1/bases/import?file=roll.csv",
            &admin,
            Some("text/csv"),
            good.into_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
    assert_eq!(r.json()["created"].as_array().unwrap().len(), 2);
    assert_eq!(
        app.get("/api/v1/bases?per_page=1", &admin).await.json()["total"]
            .as_i64()
            .unwrap(),
        before + 2
    );

    // XLSX goes through the same checks.
    let xlsx = xlsx_roll(&[
        HEADER.split(',').collect(),
        vec![
            "电子信息(导入)·武汉表格区",
            "420000",
            "",
            "information",
            "electronics",
            "advantage",
            "national",
            "10",
            "2025",
            "2025-06-30",
            "",
            "",
            "",
            "",
            "",
        ],
    ]);
    let r = app
        .call(
            Method::POST,
            "/api/v1/bases/import?file=roll.xlsx",
            &admin,
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            xlsx,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());

    // Only the ministry imports.
    let hubei = app.login("hubei").await;
    assert_error(
        &app.call(
            Method::POST,
            "/api/v1/bases/import?file=roll.csv",
            &hubei,
            Some("text/csv"),
            HEADER.as_bytes().to_vec(),
        )
        .await,
        StatusCode::FORBIDDEN,
        l,
    );
}

fn xlsx_roll(rows: &[Vec<&str>]) -> Vec<u8> {
    let body: Vec<Vec<jidi_tabular::Cell>> = rows[1..]
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| jidi_tabular::Cell::Text((*c).to_string()))
                .collect()
        })
        .collect();
    jidi_tabular::write_xlsx("roll", &rows[0], &body).unwrap()
}

async fn export(app: &App) {
    let l = app.label();
    let anon = Auth::Anonymous;
    let csv = app
        .get("/api/v1/bases/export?format=csv&province=420000", &anon)
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{l}: {}", csv.text());
    assert!(
        csv.body.starts_with(&[0xEF, 0xBB, 0xBF]),
        "{l}: CSV for Excel starts with a BOM"
    );
    let text = csv.text();
    assert!(text.contains(DONGHU), "{l}");
    assert!(!text.contains("430000"), "{l}: filter ignored");
    let xlsx = app.get("/api/v1/bases/export?format=xlsx", &anon).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.body.starts_with(b"PK"), "{l}: not an XLSX (zip) file");
    let json = app
        .get("/api/v1/bases/export?format=json&tier=provincial", &anon)
        .await;
    assert_eq!(
        json.json().as_array().unwrap().len(),
        0,
        "{l}: export leaks provincial lists"
    );
    let hubei = app.login("hubei").await;
    let json = app
        .get("/api/v1/bases/export?format=json&tier=provincial", &hubei)
        .await
        .json();
    assert!(!json.as_array().unwrap().is_empty());
    assert!(
        json.as_array()
            .unwrap()
            .iter()
            .all(|b| b["province_code"] == "420000"),
        "{l}"
    );
    assert_error(
        &app.get("/api/v1/bases/export?format=pdf", &anon).await,
        StatusCode::BAD_REQUEST,
        l,
    );
}

async fn sessions(app: &App) {
    let l = app.label();
    let anon = Auth::Anonymous;
    assert_error(
        &app.get("/api/v1/session", &anon).await,
        StatusCode::UNAUTHORIZED,
        l,
    );
    let t = app.login("hubei").await;
    let me = app.get("/api/v1/session", &t).await.json();
    assert_eq!(me["role"], "province");
    assert_eq!(me["province_code"], "420000");
    // Signing out ends the session.
    let r = app
        .call(Method::DELETE, "/api/v1/session", &t, None, Vec::new())
        .await;
    assert!(r.status.is_success(), "{l}: {}", r.status);
    assert_error(
        &app.get("/api/v1/session", &t).await,
        StatusCode::UNAUTHORIZED,
        l,
    );

    // Wrong passwords are told apart from nothing; the sixth attempt is throttled.
    let wrong = json!({"username": "hunan", "password": "wrong"});
    for _ in 0..5 {
        assert_error(
            &app.json(Method::POST, "/api/v1/session", &anon, &wrong)
                .await,
            StatusCode::BAD_REQUEST,
            l,
        );
    }
    let r = app
        .json(Method::POST, "/api/v1/session", &anon, &wrong)
        .await;
    assert_error(&r, StatusCode::TOO_MANY_REQUESTS, l);
    assert!(r.headers.contains_key("retry-after"), "{l}");
    // Even the right password waits out the window.
    let right = json!({"username": "hunan", "password": "jidi-hunan-2026"});
    assert_error(
        &app.json(Method::POST, "/api/v1/session", &anon, &right)
            .await,
        StatusCode::TOO_MANY_REQUESTS,
        l,
    );
    // Unknown users get the same answer as wrong passwords.
    let r = app
        .json(
            Method::POST,
            "/api/v1/session",
            &anon,
            &json!({"username": "nobody", "password": "x"}),
        )
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST, l);
    let r = app
        .json(
            Method::POST,
            "/api/v1/session",
            &anon,
            &json!({"username": "nobody"}),
        )
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST, l);
}

async fn reference(app: &App) {
    let l = app.label();
    let anon = Auth::Anonymous;
    let regions = app.get("/api/v1/regions", &anon).await.json();
    assert_eq!(
        regions["provinces"].as_array().unwrap().len(),
        31,
        "{l}: {regions}"
    );
    let cats = app.get("/api/v1/categories", &anon).await.json();
    assert!(cats.as_array().unwrap().len() >= 10, "{l}");
    let ind = app.get("/api/v1/indicators", &anon).await.json();
    assert!(ind.as_array().unwrap().len() >= 40, "{l}");
    let stats = app.get("/api/v1/stats", &anon).await;
    assert_eq!(stats.status, StatusCode::OK, "{l}: {}", stats.text());
    let s = stats.json();
    assert_eq!(
        s["synthetic_demo"], true,
        "{l}: demo statistics must say they are synthetic: {s}"
    );
    assert_eq!(app.get("/healthz", &anon).await.status, StatusCode::OK);
    assert_eq!(app.get("/readyz", &anon).await.status, StatusCode::OK);
}

/// The OpenAPI document lists every API route of the router, each with its responses, and the
/// browsable UI is served from the binary.
#[tokio::test]
async fn openapi_document_covers_the_api() {
    let app = App::sqlite().await;
    let r = app.get("/api/openapi.json", &Auth::Anonymous).await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    let expected = [
        ("get", "/api/v1/bases"),
        ("get", "/api/v1/monitoring/groups"),
        ("get", "/api/v1/monitoring/bases"),
        ("get", "/api/v1/monitoring/bases/{id}/series"),
        ("get", "/api/v1/monitoring/export"),
        ("get", "/api/v1/green"),
        ("get", "/api/v1/green/export"),
        ("get", "/api/v1/warnings"),
        ("get", "/api/v1/work"),
        ("post", "/api/v1/warnings/{id}/acknowledgement"),
        ("post", "/api/v1/bases"),
        ("get", "/api/v1/bases/{id}"),
        ("put", "/api/v1/bases/{id}"),
        ("post", "/api/v1/bases/{id}/withdraw"),
        ("get", "/api/v1/bases/{id}/tier-history"),
        ("get", "/api/v1/bases/{id}/indicators"),
        ("get", "/api/v1/bases/{id}/timeline"),
        ("post", "/api/v1/bases/{id}/incidents"),
        ("post", "/api/v1/bases/import"),
        ("get", "/api/v1/bases/export"),
        ("get", "/api/v1/categories"),
        ("post", "/api/v1/categories"),
        ("get", "/api/v1/regions"),
        ("get", "/api/v1/indicators"),
        ("get", "/api/v1/catalogue"),
        ("post", "/api/v1/catalogue"),
        ("get", "/api/v1/catalogue/versions"),
        ("put", "/api/v1/catalogue/indicators/{code}"),
        ("get", "/api/v1/stats"),
        ("post", "/api/v1/session"),
        ("get", "/api/v1/session"),
        ("delete", "/api/v1/session"),
        ("get", "/api/v1/evaluations"),
        ("post", "/api/v1/evaluations"),
        ("get", "/api/v1/evaluations/{id}"),
        ("delete", "/api/v1/evaluations/{id}"),
        ("post", "/api/v1/evaluations/{id}/publish"),
        ("get", "/api/v1/evaluations/{id}/verify"),
        ("get", "/api/v1/evaluations/{id}/results"),
        ("get", "/api/v1/evaluations/{id}/results/{base_id}"),
        ("get", "/api/v1/schemes"),
        ("post", "/api/v1/schemes"),
        ("get", "/api/v1/schemes/{id}"),
        ("post", "/api/v1/schemes/{id}/default"),
        ("get", "/api/v1/proposals"),
        ("post", "/api/v1/proposals/{id}/decision"),
        ("post", "/api/v1/proposals/decisions"),
        ("get", "/api/v1/rules"),
        ("put", "/api/v1/rules"),
        ("post", "/api/v1/values"),
        ("get", "/api/v1/values"),
        ("post", "/api/v1/values/check"),
        ("get", "/api/v1/submissions"),
        ("post", "/api/v1/submissions/{id}/review"),
        ("get", "/api/v1/audit"),
        ("get", "/api/v1/tasks"),
        ("post", "/api/v1/tasks"),
        ("get", "/api/v1/tasks/{id}"),
        ("get", "/api/v1/tasks/{id}/bases"),
        ("post", "/api/v1/tasks/{id}/reminders"),
        ("get", "/api/v1/reminders"),
        ("get", "/api/v1/bases/{id}/timeliness"),
        ("get", "/api/v1/reports/draft"),
        ("get", "/api/v1/reports/editions"),
        ("post", "/api/v1/reports/editions"),
        ("get", "/api/v1/reports/editions/{id}/files/{file}"),
        ("get", "/api/v1/monitoring/rules"),
        ("put", "/api/v1/monitoring/rules"),
        ("get", "/api/v1/monitoring/rules/versions"),
    ];
    for (method, path) in expected {
        let op = &paths.get(path).unwrap_or_else(|| panic!("{path} missing"))[method];
        assert!(op.is_object(), "{method} {path} missing");
        assert!(
            !op["responses"].as_object().unwrap().is_empty(),
            "{method} {path} has no responses"
        );
    }
    let count: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(count, expected.len(), "the document and this list disagree");
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    // Every documented GET without a path parameter answers without a 5xx.
    for (method, path) in expected {
        if method == "get" && !path.contains('{') {
            let r = app.get(path, &Auth::Anonymous).await;
            assert!(!r.status.is_server_error(), "{path}: {}", r.status);
        }
    }
    let ui = app.get("/api/docs/", &Auth::Anonymous).await;
    assert_eq!(ui.status, StatusCode::OK);
    assert!(ui.text().contains("swagger"), "the UI is served offline");
}

/// The whole OpenAPI document is a snapshot: an API change shows up as a diff of
/// `tests/web/snapshots/web__api_files__openapi.snap` to review and accept (`INSTA_UPDATE=always` or
/// `cargo insta review`), never silently.
#[test]
fn the_openapi_document_changes_only_deliberately() {
    let (_, doc) = jidi_web::api::router();
    let json = serde_json::to_string_pretty(&doc).expect("the document serialises");
    insta::assert_snapshot!("openapi", json);
}
