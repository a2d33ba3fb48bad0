//! The warning rules through the API and the page, as every role, on both backends: every
//! signed-in role reads the same thresholds in the API, the downloads and the page; the public
//! reads none; only the ministry saves (a file by API, the TOML in place or an upload on the
//! page), each save a new version after which the warnings board follows the new thresholds;
//! refusals (NUL, absurd thresholds, duplicate ids, oversize, a stale version) name the rule
//! and field and save nothing.

use crate::support;

use axum::http::{Method, StatusCode};
use jidi_test_support::{TestDb, backend_tests};
use serde_json::Value;
use support::{App, Auth, assert_error, demo_options};

fn options() -> jidi_service::demo::DemoOptions {
    let mut o = demo_options();
    o.config.months = 15;
    o
}

/// The thresholds of `id` by level, as the API shows them.
fn thresholds(view: &Value, id: &str) -> Vec<(String, f64)> {
    view["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no rule {id}: {view}"))["thresholds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["level"].as_str().unwrap().to_string(),
                t["value"].as_f64().unwrap(),
            )
        })
        .collect()
}

/// The text of the `data-level="{level}"` cell of the rule row `id` of the page.
fn page_cell(html: &str, id: &str, level: &str) -> String {
    let row = html
        .split(&format!("<tr data-rule=\"{id}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no row {id}"));
    let row = &row[..row.find("</tr>").unwrap()];
    let rest = row
        .split(&format!("data-level=\"{level}\">"))
        .nth(1)
        .unwrap_or_else(|| panic!("no cell {level}"));
    rest[..rest.find('<').unwrap()].trim().to_string()
}

async fn put(app: &App, auth: &Auth, query: &str, body: &[u8]) -> support::Reply {
    app.call(
        Method::PUT,
        &format!("/api/v1/monitoring/rules?{query}"),
        auth,
        Some("application/toml"),
        body.to_vec(),
    )
    .await
}

async fn warnings_total(app: &App, auth: &Auth, query: &str) -> i64 {
    let r = app
        .get(&format!("/api/v1/warnings?{query}&per_page=1"), auth)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["total"].as_i64().unwrap()
}

/// The bases with a warning of `rev_yoy_drop`, open or closed, read page by page.
async fn warned_bases(app: &App, auth: &Auth) -> std::collections::BTreeSet<i64> {
    let mut bases = std::collections::BTreeSet::new();
    for page in 1.. {
        let r = app
            .get(
                &format!("/api/v1/warnings?state=all&rule=rev_yoy_drop&per_page=100&page={page}"),
                auth,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let items = r.json()["items"].as_array().unwrap().clone();
        if items.is_empty() {
            break;
        }
        bases.extend(items.iter().map(|w| w["base_id"].as_i64().unwrap()));
    }
    bases
}

async fn warning_rules_on_every_backend(db: TestDb) {
    let app = App::over(db, &options()).await;
    let label = app.label();
    let admin = app.login("admin").await;
    let roles = [
        ("admin", admin.clone()),
        ("evaluator", app.login("evaluator").await),
        ("hubei", app.login("hubei").await),
        ("donghu", app.login("donghu").await),
    ];

    // Every signed-in role reads the built-in set, the same in the API, the file and the page.
    let builtin = jidi_service::monitoring::warning_rules();
    for (who, auth) in &roles {
        let r = app.get("/api/v1/monitoring/rules", auth).await;
        assert_eq!(r.status, StatusCode::OK, "{label} {who}: {}", r.text());
        let view = r.json();
        assert!(view["version"].is_null());
        assert_eq!(view["rules"].as_array().unwrap().len(), builtin.len());
        let t = thresholds(&view, "rev_yoy_drop");
        let want: Vec<(String, f64)> = [
            ("blue", -5.0),
            ("yellow", -10.0),
            ("orange", -20.0),
            ("red", -30.0),
        ]
        .iter()
        .map(|(l, v)| (l.to_string(), *v))
        .collect();
        assert_eq!(t, want, "{label} {who}");
        let file = app.get("/api/v1/monitoring/rules?format=toml", auth).await;
        assert_eq!(file.status, StatusCode::OK);
        let parsed = jidi_service::warning_rules::parse_rules("r.toml", &file.body).unwrap();
        assert_eq!(parsed, builtin, "{label} {who}");
        let page = app.get("/monitoring/rules", auth).await;
        assert_eq!(page.status, StatusCode::OK, "{label} {who}");
        let html = page.text();
        for (level, value) in &want {
            let shown: f64 = page_cell(&html, "rev_yoy_drop", level).parse().unwrap();
            assert_eq!(shown, *value, "{label} {who} {level}");
        }
        // Only the ministry is offered the editor.
        assert_eq!(html.contains("id=\"rules-edit\""), *who == "admin", "{who}");
    }
    let r = app.get("/api/v1/monitoring/rules", &Auth::Anonymous).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{label}");
    let r = app.get("/monitoring/rules", &Auth::Anonymous).await;
    assert!(r.status.is_redirection(), "{label}: {}", r.status);

    // Only the ministry saves. The new blue threshold, a cumulative growth below +100 %, holds
    // for every month that has a year-on-year figure, so which bases it warns can be told from
    // the stored revenue alone.
    let mut rules = builtin.clone();
    if let jidi_monitor::warning::rule::Condition::Threshold { thresholds, .. } =
        &mut rules[0].condition
    {
        thresholds.blue = Some(100.0);
    }
    let toml = jidi_service::warning_rules::write_rules(
        &rules,
        jidi_service::warning_rules::RulesFormat::Toml,
    );
    for (who, auth) in &roles[1..] {
        let r = put(&app, auth, "reason=x", toml.as_bytes()).await;
        assert_error(&r, StatusCode::FORBIDDEN, &format!("{label} {who}"));
    }
    let r = put(&app, &Auth::Anonymous, "reason=x", toml.as_bytes()).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // Hostile files are refused with the rule and field, and save nothing.
    let mut nul = toml.clone().into_bytes();
    nul.insert(10, 0);
    let j = assert_error(
        &put(&app, &admin, "reason=x&file=r.toml", &nul).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        label,
    );
    assert_eq!(j["error"]["fields"][0]["field"], "file", "{j}");
    let absurd = toml.replacen("blue = 100.0", "blue = -1e300", 1);
    let j = assert_error(
        &put(&app, &admin, "reason=x&file=r.toml", absurd.as_bytes()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        label,
    );
    assert_eq!(
        j["error"]["fields"][0]["field"], "rules.rev_yoy_drop.condition.thresholds.blue",
        "{j}"
    );
    let mut twice = rules.clone();
    twice.push(rules[1].clone());
    let text = jidi_service::warning_rules::write_rules(
        &twice,
        jidi_service::warning_rules::RulesFormat::Json,
    );
    let j = assert_error(
        &put(&app, &admin, "reason=x&file=r.json", text.as_bytes()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        label,
    );
    assert_eq!(j["error"]["fields"][0]["field"], "rules.debt_ratio_high.id");
    let big = vec![b'#'; 300 * 1024];
    let r = put(&app, &admin, "reason=x", &big).await;
    assert!(
        matches!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY | StatusCode::PAYLOAD_TOO_LARGE
        ),
        "{label}: {}",
        r.status
    );
    let j = assert_error(
        &put(&app, &admin, "file=r.toml", toml.as_bytes()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        label,
    );
    assert_eq!(j["error"]["fields"][0]["field"], "reason");
    let r = app.get("/api/v1/monitoring/rules/versions", &admin).await;
    assert_eq!(r.json(), serde_json::json!([]), "{label}: nothing saved");

    // A dry run checks only.
    let r = put(
        &app,
        &admin,
        "reason=x&dry_run=true&based_on=0",
        toml.as_bytes(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.text());
    assert_eq!(r.json()["status"], "checked");
    assert_eq!(r.json()["changed"], serde_json::json!(["rev_yoy_drop"]));

    // The save: version 1, the warnings replayed, and the board follows the new blue threshold.
    let before = warned_bases(&app, &admin).await;
    let r = put(
        &app,
        &admin,
        "reason=%E8%93%9D%E8%89%B2%E9%98%88%E5%80%BC%E6%94%BE%E5%AE%BD&based_on=0&file=rules.toml",
        toml.as_bytes(),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{label}: {}", r.text());
    let saved = r.json();
    assert_eq!(saved["status"], "saved");
    assert_eq!(saved["version"]["version"], 1);
    assert_eq!(saved["version"]["reason"], "蓝色阈值放宽");
    assert_eq!(saved["changed"], serde_json::json!(["rev_yoy_drop"]));
    let replayed = saved["warnings_replayed"].as_i64().unwrap();
    assert_eq!(
        replayed,
        warnings_total(&app, &admin, "state=all").await,
        "{label}"
    );
    // Every base with a year-on-year revenue figure is warned now, and no other.
    let mut expected = std::collections::BTreeSet::new();
    for (base, _) in app.state.store.monthly_base_categories().await.unwrap() {
        let points = app
            .state
            .store
            .monthly_values(base, &["m_rev"], 0)
            .await
            .unwrap();
        let by_period: std::collections::HashMap<i32, f64> =
            points.iter().map(|p| (p.period, p.value)).collect();
        if by_period
            .keys()
            .any(|p| by_period.get(&(p - 100)).is_some_and(|v| *v > 0.0))
        {
            expected.insert(base);
        }
    }
    let after = warned_bases(&app, &admin).await;
    assert!(
        !expected.is_empty(),
        "{label}: the demo has a year of months"
    );
    assert_eq!(after, expected, "{label}: bases warned after the save");
    assert!(
        before.len() < after.len(),
        "{label}: the built-in −5 % warned {} bases, +100 % warns {}",
        before.len(),
        after.len()
    );
    for (who, auth) in &roles {
        let view = app.get("/api/v1/monitoring/rules", auth).await.json();
        assert_eq!(view["version"]["version"], 1, "{who}");
        assert_eq!(thresholds(&view, "rev_yoy_drop")[0], ("blue".into(), 100.0));
        let html = app.get("/monitoring/rules", auth).await.text();
        let shown: f64 = page_cell(&html, "rev_yoy_drop", "blue").parse().unwrap();
        assert_eq!(shown, 100.0, "{label} {who}");
    }
    // A file made from the built-in set is now stale.
    let r = put(&app, &admin, "reason=x&based_on=0", toml.as_bytes()).await;
    assert_error(&r, StatusCode::CONFLICT, label);

    // The page edits the TOML in place (ministry): a refusal keeps the text and names the rule.
    let cookie = app.login_cookie("admin").await;
    let bad = toml.replacen("reset_periods = 2", "reset_periods = 9999", 1);
    let r = app
        .form(
            "/monitoring/rules/text",
            &cookie,
            &[("content", &bad), ("reason", "试"), ("based_on", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
    let html = r.text();
    assert!(
        html.contains("must be at most 120 months, got 9999"),
        "{label}"
    );
    assert!(
        html.contains("reset_periods = 9999"),
        "{label}: the text is kept"
    );
    let fewer = jidi_service::warning_rules::write_rules(
        &rules[..2],
        jidi_service::warning_rules::RulesFormat::Toml,
    );
    let r = app
        .form(
            "/monitoring/rules/text",
            &cookie,
            &[
                ("content", &fewer),
                ("reason", "只保留两条"),
                ("based_on", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.text());
    let html = r.text();
    assert!(html.contains("data-change=\"removed\""), "{label}");
    let view = app.get("/api/v1/monitoring/rules", &admin).await.json();
    assert_eq!(view["version"]["version"], 2);
    assert_eq!(view["rules"].as_array().unwrap().len(), 2);
    // The board holds only warnings of the rules in force.
    let board = app
        .get("/api/v1/warnings?state=all&per_page=500", &admin)
        .await
        .json();
    for w in board["items"].as_array().unwrap() {
        assert!(
            w["rule"] == rules[0].id || w["rule"] == rules[1].id,
            "{label}: {w}"
        );
    }
    let versions = app
        .get("/api/v1/monitoring/rules/versions", &roles[3].1)
        .await
        .json();
    assert_eq!(versions.as_array().unwrap().len(), 2);
    assert_eq!(versions[0]["source"], "web");
    app.finish().await;
}

backend_tests!(warning_rules_on_every_backend);
