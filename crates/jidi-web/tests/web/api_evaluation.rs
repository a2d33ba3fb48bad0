//! Evaluation and dynamic management through the API on both backends: trials visible only to
//! evaluators and the ministry, publication (frozen, hashed, once per year), visibility of results
//! by role, schemes as files, proposals decided within scope, rules and incidents.

use crate::support;

use axum::http::{Method, StatusCode};
use jidi_test_support::{TestDb, backend_tests};
use serde_json::{Value, json};
use support::{App, Auth, assert_error, demo_options};

const DONGHU: &str = "电子信息(光电子)·武汉东湖新技术开发区";

async fn app_without_evaluations(db: TestDb) -> App {
    let mut o = demo_options();
    o.evaluations = false;
    App::over(db, &o).await
}

fn items(v: &Value) -> &Vec<Value> {
    v["items"].as_array().expect("items")
}

async fn evaluation_flow_through_the_api(db: TestDb) {
    let app = app_without_evaluations(db).await;
    let l = app.label();
    let anon = Auth::Anonymous;
    let admin = app.login("admin").await;
    let evaluator = app.login("evaluator").await;
    let hubei = app.login("hubei").await;
    let hunan = app.login("hunan").await;
    let donghu_user = app.login("donghu").await;
    let donghu = app.base_id(DONGHU).await;

    // Running a trial: evaluators and the ministry only; bad years and bodies are explained.
    let req = json!({"year": 2024});
    assert_error(
        &app.json(Method::POST, "/api/v1/evaluations", &anon, &req)
            .await,
        StatusCode::UNAUTHORIZED,
        l,
    );
    assert_error(
        &app.json(Method::POST, "/api/v1/evaluations", &hubei, &req)
            .await,
        StatusCode::FORBIDDEN,
        l,
    );
    assert_error(
        &app.json(Method::POST, "/api/v1/evaluations", &donghu_user, &req)
            .await,
        StatusCode::FORBIDDEN,
        l,
    );
    let j = assert_error(
        &app.json(
            Method::POST,
            "/api/v1/evaluations",
            &evaluator,
            &json!({"year": 1990}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        l,
    );
    assert_eq!(j["error"]["fields"][0]["field"], "year");
    assert_error(
        &app.json(
            Method::POST,
            "/api/v1/evaluations",
            &evaluator,
            &json!({"year": "2024"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        l,
    );
    assert_error(
        &app.json(
            Method::POST,
            "/api/v1/evaluations",
            &evaluator,
            &json!({"year": 2024, "scheme_id": 9999}),
        )
        .await,
        StatusCode::NOT_FOUND,
        l,
    );
    let r = app
        .json(
            Method::POST,
            "/api/v1/evaluations",
            &evaluator,
            &json!({"year": 2024, "sensitivity": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
    let trial = r.json();
    let id = trial["id"].as_i64().unwrap();
    assert_eq!(trial["status"], "trial");
    assert_eq!(
        trial["n_bases"], 445,
        "{l}: every current national base of 2024"
    );
    assert_eq!(trial["synthetic"], true);
    let stars: i64 = trial["star_counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap())
        .sum();
    assert_eq!(stars, 445);
    assert!(
        trial["summary"]["sensitivity"].is_array() || trial["summary"]["sensitivity"].is_object(),
        "{l}: {}",
        trial["summary"]
    );

    // A trial is invisible outside evaluators and the ministry.
    let path = format!("/api/v1/evaluations/{id}");
    assert_eq!(app.get(&path, &admin).await.status, StatusCode::OK);
    assert_error(&app.get(&path, &anon).await, StatusCode::UNAUTHORIZED, l);
    assert_error(&app.get(&path, &hubei).await, StatusCode::FORBIDDEN, l);
    assert_error(
        &app.get(&format!("{path}/results"), &donghu_user).await,
        StatusCode::FORBIDDEN,
        l,
    );
    assert_error(
        &app.get(&format!("{path}/results/{donghu}"), &donghu_user)
            .await,
        StatusCode::FORBIDDEN,
        l,
    );
    assert!(
        app.get("/api/v1/evaluations", &anon)
            .await
            .json()
            .as_array()
            .unwrap()
            .is_empty(),
        "{l}"
    );
    assert_eq!(
        app.get("/api/v1/evaluations", &evaluator)
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Publishing: only the ministry; it freezes the run and makes proposals.
    assert_error(
        &app.call(
            Method::POST,
            &format!("{path}/publish"),
            &evaluator,
            None,
            vec![],
        )
        .await,
        StatusCode::FORBIDDEN,
        l,
    );
    let r = app
        .call(
            Method::POST,
            &format!("{path}/publish"),
            &admin,
            None,
            vec![],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
    let published = r.json();
    assert_eq!(published["run"]["status"], "published");
    let hash = published["run"]["content_hash"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(hash.len(), 64);
    let v = app.get(&format!("{path}/verify"), &anon).await.json();
    assert_eq!(v["verified"], true, "{l}: {v}");
    assert_eq!(v["content_hash"], hash.as_str());
    assert_error(
        &app.call(Method::DELETE, &path, &admin, None, vec![]).await,
        StatusCode::CONFLICT,
        l,
    );
    assert_error(
        &app.call(
            Method::POST,
            &format!("{path}/publish"),
            &admin,
            None,
            vec![],
        )
        .await,
        StatusCode::CONFLICT,
        l,
    );
    let second = app
        .json(
            Method::POST,
            "/api/v1/evaluations",
            &evaluator,
            &json!({"year": 2024}),
        )
        .await
        .json();
    let second_id = second["id"].as_i64().unwrap();
    assert_eq!(
        second["content_hash"],
        hash.as_str(),
        "{l}: the same inputs and scheme give the same hash"
    );
    assert_error(
        &app.call(
            Method::POST,
            &format!("/api/v1/evaluations/{second_id}/publish"),
            &admin,
            None,
            vec![],
        )
        .await,
        StatusCode::CONFLICT,
        l,
    );
    let r = app
        .call(
            Method::DELETE,
            &format!("/api/v1/evaluations/{second_id}"),
            &evaluator,
            None,
            vec![],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}");
    let year_schemes = app.get("/api/v1/schemes?year=2024", &anon).await.json();
    assert!(
        year_schemes
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["locked"] == true),
        "{l}: the published scheme is locked and public: {year_schemes}"
    );

    // Published results by role: stars for everyone, figures within scope.
    let all = app
        .get(&format!("{path}/results?per_page=500"), &anon)
        .await
        .json();
    assert_eq!(all["total"], 445);
    assert!(
        items(&all)
            .iter()
            .all(|r| r["stars"].is_number() && r["score"].is_null() && r["full"] == false),
        "{l}"
    );
    let mine = app
        .get(&format!("{path}/results?per_page=500"), &hubei)
        .await
        .json();
    for r in items(&mine) {
        assert_eq!(
            r["full"] == true,
            r["province_code"] == "420000",
            "{l}: {r}"
        );
        assert_eq!(r["score"].is_number(), r["province_code"] == "420000");
    }
    let own = app
        .get(&format!("{path}/results?per_page=500"), &donghu_user)
        .await
        .json();
    assert_eq!(
        items(&own).iter().filter(|r| r["full"] == true).count(),
        1,
        "{l}"
    );
    let filtered = app
        .get(
            &format!("{path}/results?stars=5&category=information"),
            &anon,
        )
        .await
        .json();
    assert!(
        items(&filtered)
            .iter()
            .all(|r| r["stars"] == 5 && r["category"] == "information"),
        "{l}"
    );
    assert_error(
        &app.get(&format!("{path}/results?stars=6"), &anon).await,
        StatusCode::BAD_REQUEST,
        l,
    );
    assert_error(
        &app.get(&format!("{path}/results?per_page=x"), &anon).await,
        StatusCode::BAD_REQUEST,
        l,
    );

    let card_path = format!("{path}/results/{donghu}");
    assert_error(
        &app.get(&card_path, &anon).await,
        StatusCode::UNAUTHORIZED,
        l,
    );
    assert_error(&app.get(&card_path, &hunan).await, StatusCode::FORBIDDEN, l);
    let card = app.get(&card_path, &donghu_user).await;
    assert_eq!(card.status, StatusCode::OK, "{l}: {}", card.text());
    let card = card.json();
    assert_eq!(
        card["dimensions"].as_array().unwrap().len(),
        6,
        "{l}: six national dimensions"
    );
    assert!(card["contributions"].as_array().unwrap().len() >= 30, "{l}");
    let p05 = card["result"]["rank_p05"].as_f64().unwrap();
    let p95 = card["result"]["rank_p95"].as_f64().unwrap();
    let rank = card["result"]["national_rank"].as_f64().unwrap();
    assert!(
        p05 <= p95 && (1.0..=445.0).contains(&p05) && rank >= 1.0,
        "{l}: {p05} {rank} {p95}"
    );
    let probs: f64 = card["result"]["star_probabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .sum();
    assert!(
        (probs - 1.0).abs() < 1e-9,
        "{l}: star probabilities sum to {probs}"
    );
    // The figures shown side by side agree: the awarded star's probability is the one in the
    // distribution, the borderline flag follows from it, and the national score is there.
    let stars = card["result"]["stars"].as_i64().unwrap() as usize;
    let confidence = &card["result"]["star_confidence"];
    let p_awarded = card["result"]["star_probabilities"][stars - 1]
        .as_f64()
        .unwrap();
    assert_eq!(confidence["probability"].as_f64(), Some(p_awarded), "{l}");
    assert_eq!(
        confidence["borderline"].as_bool(),
        Some(p_awarded < jidi_domain::evaluation::BORDERLINE_BELOW),
        "{l}"
    );
    let national_score = card["result"]["national_score"].as_f64().unwrap();
    assert!((0.0..=100.0).contains(&national_score), "{l}");
    if stars < 5 {
        let next = &card["details"]["next_star"];
        let reach = next["reach"].as_str().unwrap();
        match reach {
            "levers" => assert!(!next["levers"].as_array().unwrap().is_empty(), "{l}"),
            "combination" => {
                let c = &next["combination"];
                assert!(c["levers"].as_array().unwrap().len() >= 2, "{l}");
                let share = c["share_of_distance"].as_f64().unwrap();
                assert!(share > 0.0 && share <= 1.0, "{l}");
            }
            "no_place" | "unreachable" => {}
            other => panic!("{l}: reach {other}"),
        }
    }
    // The scorecard page says the same in words.
    let page = app
        .get(&format!("/evaluations/{id}/bases/{donghu}"), &donghu_user)
        .await
        .text();
    assert!(
        page.contains(&format!("第{:.0}至{:.0}名", p05, p95)),
        "{l}: the interval in words"
    );
    assert!(page.contains(&format!("{:.0}%", p_awarded * 100.0)), "{l}");
    assert_eq!(
        page.contains("id=\"borderline\""),
        confidence["borderline"] == true,
        "{l}"
    );
    assert!(page.contains(&format!("{national_score:.2}")), "{l}");
    assert_eq!(app.get(&card_path, &hubei).await.status, StatusCode::OK);
    // Every scorecard of the run loads, in the API and as a page; a lever from 0 (an infinite
    // relative change, JSON null) once failed 18 of them with a 500. The page shows its change
    // as a dash.
    let mut from_zero = None;
    for r in items(&all) {
        let base = r["base_id"].as_i64().unwrap();
        let card = app.get(&format!("{path}/results/{base}"), &admin).await;
        assert_eq!(card.status, StatusCode::OK, "{l}: scorecard of {base}");
        let card = card.json();
        let next = &card["details"]["next_star"];
        let levers = next["levers"]
            .as_array()
            .into_iter()
            .chain(next["combination"]["levers"].as_array())
            .flatten();
        for lever in levers {
            if lever["current"].as_f64() == Some(0.0) {
                assert!(lever["relative_change"].is_null(), "{l}: {lever}");
                from_zero.get_or_insert(base);
            }
        }
    }
    // The demo's run has such levers (its seed is fixed); were it to lose them, this check would
    // check nothing, so their absence fails the test.
    let base = from_zero.unwrap_or_else(|| panic!("{l}: no scorecard has a lever from 0"));
    let page = app
        .get(&format!("/evaluations/{id}/bases/{base}"), &admin)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{l}: scorecard page of {base}");
    let text = page.text();
    let table = &text[text.find("id=\"next-star-answer\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert!(table.contains("<td class=\"num\">—</td>"), "{l}");
    assert!(
        !table.contains("inf%") && !table.contains("NaN"),
        "{l}: an infinite change is shown as a dash"
    );
    let other = items(&all)
        .iter()
        .find(|r| r["province_code"] == "430000")
        .unwrap()["base_id"]
        .as_i64()
        .unwrap();
    assert_error(
        &app.get(&format!("{path}/results/{other}"), &donghu_user)
            .await,
        StatusCode::FORBIDDEN,
        l,
    );

    // The next year: the change from last year appears.
    let r = app
        .json(
            Method::POST,
            "/api/v1/evaluations",
            &admin,
            &json!({"year": 2025}),
        )
        .await;
    let id25 = r.json()["id"].as_i64().unwrap();
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/evaluations/{id25}/publish"),
            &admin,
            None,
            vec![],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
    let made = r.json()["proposals"].as_u64().unwrap();
    assert!(made > 0, "{l}: publication made no proposals");
    let card = app
        .get(
            &format!("/api/v1/evaluations/{id25}/results/{donghu}"),
            &donghu_user,
        )
        .await
        .json();
    assert!(
        card["details"]["change"]["score"].is_number(),
        "{l}: {}",
        card["details"]
    );
    assert_eq!(card["star_history"].as_array().unwrap().len(), 2, "{l}");

    proposals(&app).await;
    schemes(&app).await;
    rules_and_incidents(&app).await;
    app.finish().await;
}
backend_tests!(evaluation_flow_through_the_api);

async fn proposals(app: &App) {
    let l = app.label();
    let admin = app.login("admin").await;
    let hubei = app.login("hubei").await;
    let donghu_user = app.login("donghu").await;
    assert_error(
        &app.get("/api/v1/proposals", &Auth::Anonymous).await,
        StatusCode::UNAUTHORIZED,
        l,
    );
    let all = app
        .get("/api/v1/proposals?status=pending", &admin)
        .await
        .json();
    let total = all["total"].as_i64().unwrap();
    assert!(total > 0, "{l}");
    let kinds: Vec<&str> = items(&all)
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds
            .iter()
            .all(|k| ["promotion", "warning", "rectification", "exit"].contains(k)),
        "{l}: {kinds:?}"
    );
    // A province sees only its own bases' proposals.
    let mine = app
        .get("/api/v1/proposals?status=pending", &hubei)
        .await
        .json();
    assert!(mine["total"].as_i64().unwrap() < total, "{l}");
    for p in items(&mine) {
        let b = app
            .get(&format!("/api/v1/bases/{}", p["base_id"]), &admin)
            .await
            .json();
        assert_eq!(b["province_code"], "420000", "{l}");
    }
    assert_error(
        &app.get("/api/v1/proposals?status=maybe", &admin).await,
        StatusCode::BAD_REQUEST,
        l,
    );
    assert_error(
        &app.get("/api/v1/proposals?kind=coronation", &admin).await,
        StatusCode::BAD_REQUEST,
        l,
    );

    // A national decision is the ministry's: the province and the base are refused.
    let national = items(&all)
        .iter()
        .find(|p| {
            p["from_tier"] == "national" && p["kind"] != "promotion" && p["base_name"] != DONGHU
        })
        .cloned()
        .unwrap_or_else(|| {
            panic!("{l}: no warning, rectification or exit for a national base: {all}")
        });
    let pid = national["id"].as_i64().unwrap();
    let decision = format!("/api/v1/proposals/{pid}/decision");
    let body = json!({"accept": true, "reason": "同意预警（测试）"});
    assert_error(
        &app.json(Method::POST, &decision, &hubei, &body).await,
        StatusCode::FORBIDDEN,
        l,
    );
    assert_error(
        &app.json(Method::POST, &decision, &donghu_user, &body).await,
        StatusCode::FORBIDDEN,
        l,
    );
    assert_error(
        &app.json(Method::POST, &decision, &Auth::Anonymous, &body)
            .await,
        StatusCode::UNAUTHORIZED,
        l,
    );
    assert_error(
        &app.json(
            Method::POST,
            &decision,
            &admin,
            &json!({"accept": true, "reason": "  "}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        l,
    );
    assert_error(
        &app.json(Method::POST, &decision, &admin, &json!({"accept": "yes"}))
            .await,
        StatusCode::BAD_REQUEST,
        l,
    );
    let r = app.json(Method::POST, &decision, &admin, &body).await;
    assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
    assert_eq!(r.json()["status"], "accepted");
    assert_error(
        &app.json(Method::POST, &decision, &admin, &body).await,
        StatusCode::CONFLICT,
        l,
    );

    // A provincial promotion (cultivating → provincial) is the province's own decision.
    let mut found = None;
    for page in 1.. {
        let r = app
            .get(
                &format!("/api/v1/proposals?status=pending&kind=promotion&page={page}"),
                &admin,
            )
            .await
            .json();
        if items(&r).is_empty() {
            break;
        }
        found = items(&r)
            .iter()
            .find(|p| p["from_tier"] == "cultivating")
            .cloned();
        if found.is_some() {
            break;
        }
    }
    let p =
        found.unwrap_or_else(|| panic!("{l}: the demo made no cultivating → provincial proposal"));
    let base = p["base_id"].as_i64().unwrap();
    let province = app
        .get(&format!("/api/v1/bases/{base}"), &admin)
        .await
        .json()["province_code"]
        .as_str()
        .unwrap()
        .to_string();
    // A province user for that province (the demo has two; the proposal may be elsewhere).
    let other_province = if province == "430000" {
        "420000"
    } else {
        "430000"
    };
    for (username, code) in [
        ("prov_own", province.as_str()),
        ("prov_other", other_province),
    ] {
        app.db
            .store
            .create_user(
                &jidi_store::NewUser {
                    username: username.into(),
                    display_name: username.into(),
                    password_hash: jidi_service::passwords::hash("province-test-2026").unwrap(),
                    role: jidi_domain::access::Role::Province,
                    province_code: Some(code.into()),
                    base_id: None,
                },
                None,
            )
            .await
            .unwrap();
    }
    let sign_in = |u: &'static str| async move {
        let r = app
            .json(
                Method::POST,
                "/api/v1/session",
                &Auth::Anonymous,
                &json!({"username": u, "password": "province-test-2026"}),
            )
            .await;
        Auth::Bearer(r.json()["token"].as_str().unwrap().to_string())
    };
    let own = sign_in("prov_own").await;
    let other = sign_in("prov_other").await;
    let path = format!("/api/v1/proposals/{}/decision", p["id"]);
    let body = json!({"accept": true, "reason": "省级认定（测试）"});
    assert_error(
        &app.json(Method::POST, &path, &other, &body).await,
        StatusCode::FORBIDDEN,
        l,
    );
    let r = app.json(Method::POST, &path, &own, &body).await;
    assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
    let b = app.get(&format!("/api/v1/bases/{base}"), &own).await.json();
    assert_eq!(
        b["tier"], "provincial",
        "{l}: the accepted promotion changed the tier"
    );
    let h = app
        .get(&format!("/api/v1/bases/{base}/tier-history"), &own)
        .await
        .json();
    assert_eq!(
        h.as_array().unwrap().last().unwrap()["proposal_id"],
        p["id"]
    );
    let t = app
        .get(&format!("/api/v1/bases/{base}/timeline"), &own)
        .await
        .json();
    assert!(
        t.as_array().unwrap().iter().any(|e| e["detail"]
            .as_str()
            .unwrap_or("")
            .contains("省级认定（测试）")),
        "{l}: {t}"
    );
    let _ = hubei;
}

async fn schemes(app: &App) {
    let l = app.label();
    let evaluator = app.login("evaluator").await;
    let hubei = app.login("hubei").await;
    let list = app
        .get("/api/v1/schemes?year=2025", &evaluator)
        .await
        .json();
    let id = list.as_array().unwrap()[0]["id"].as_i64().unwrap();
    let toml = app
        .get(&format!("/api/v1/schemes/{id}?format=toml"), &evaluator)
        .await;
    assert_eq!(toml.status, StatusCode::OK);
    let text = toml.text();
    assert!(
        text.contains("[[dimensions]]") || text.contains("dimensions"),
        "{l}"
    );
    // An edited copy goes in as a new version; invalid ones are explained by path.
    let edited = text.replacen("name = \"", "name = \"复制·", 1);
    let r = app
        .call(
            Method::POST,
            "/api/v1/schemes",
            &evaluator,
            Some("application/toml"),
            edited.into_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
    assert!(r.json()["version"].as_i64().unwrap() >= 2);
    let copy = r.json()["id"].as_i64().unwrap();
    let json_scheme = app
        .get(&format!("/api/v1/schemes/{id}"), &evaluator)
        .await
        .json();
    let mut broken = json_scheme.clone();
    broken["stars"]["shares"] = json!([0.5, 0.5, 0.5, 0.5, 0.5]);
    broken["dimensions"][0]["weight"] = json!(-1.0);
    let r = app
        .json(Method::POST, "/api/v1/schemes", &evaluator, &broken)
        .await;
    let j = assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, l);
    assert_eq!(j["error"]["code"], "invalid_scheme");
    let fields: Vec<&str> = j["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.iter().any(|f| f.contains("shares"))
            && fields.iter().any(|f| f.contains("dimensions")),
        "{l}: {fields:?}"
    );
    let r = app
        .call(
            Method::POST,
            "/api/v1/schemes",
            &evaluator,
            Some("application/toml"),
            b"this is = = not toml".to_vec(),
        )
        .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, l);
    assert_error(
        &app.json(Method::POST, "/api/v1/schemes", &hubei, &json_scheme)
            .await,
        StatusCode::FORBIDDEN,
        l,
    );
    assert_error(
        &app.get(&format!("/api/v1/schemes/{id}?format=yaml"), &evaluator)
            .await,
        StatusCode::BAD_REQUEST,
        l,
    );
    // Which version is the year's default is the ministry's call.
    let path = format!("/api/v1/schemes/{copy}/default");
    let post = |auth: Auth, path: String| async move {
        app.call(Method::POST, &path, &auth, None, vec![]).await
    };
    assert_error(
        &post(Auth::Anonymous, path.clone()).await,
        StatusCode::UNAUTHORIZED,
        l,
    );
    assert_error(
        &post(evaluator.clone(), path.clone()).await,
        StatusCode::FORBIDDEN,
        l,
    );
    let admin = app.login("admin").await;
    assert_eq!(
        post(admin.clone(), path).await.status,
        StatusCode::NO_CONTENT,
        "{l}"
    );
    let list = app.get("/api/v1/schemes?year=2025", &admin).await.json();
    let defaults: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["is_default"] == true)
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert_eq!(defaults, vec![copy], "{l}: one default per year");
    assert_error(
        &post(admin, "/api/v1/schemes/99999/default".into()).await,
        StatusCode::NOT_FOUND,
        l,
    );
}

async fn rules_and_incidents(app: &App) {
    let l = app.label();
    let admin = app.login("admin").await;
    let hubei = app.login("hubei").await;
    let hunan = app.login("hunan").await;
    let rules = app.get("/api/v1/rules", &Auth::Anonymous).await;
    assert_eq!(rules.status, StatusCode::OK);
    let rules = rules.json();
    assert_error(
        &app.json(Method::PUT, "/api/v1/rules", &hubei, &rules).await,
        StatusCode::FORBIDDEN,
        l,
    );
    let r = app.json(Method::PUT, "/api/v1/rules", &admin, &rules).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}: {}", r.text());
    assert_error(
        &app.json(
            Method::PUT,
            "/api/v1/rules",
            &admin,
            &json!({"rules": "none"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        l,
    );

    let donghu = app.base_id(DONGHU).await;
    let path = format!("/api/v1/bases/{donghu}/incidents");
    let body =
        json!({"kind": "safety_major", "on": "2026-04-01", "description": "重大安全事故（测试）"});
    assert_error(
        &app.json(Method::POST, &path, &hunan, &body).await,
        StatusCode::FORBIDDEN,
        l,
    );
    assert_error(
        &app.json(Method::POST, &path, &Auth::Anonymous, &body).await,
        StatusCode::UNAUTHORIZED,
        l,
    );
    let j = assert_error(
        &app.json(
            Method::POST,
            &path,
            &hubei,
            &json!({"kind": "meteor", "on": "2999-01-01", "description": ""}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        l,
    );
    assert_eq!(
        j["error"]["fields"].as_array().unwrap().len(),
        3,
        "{l}: {j}"
    );
    let r = app.json(Method::POST, &path, &hubei, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
}
