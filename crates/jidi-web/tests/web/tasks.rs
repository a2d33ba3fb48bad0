//! Reporting tasks and completeness (催报) through the API and the pages, on both backends, as
//! every role, over the demo's collection history: the counts a task shows agree with its bases
//! listed one by one, by province and by category, in the API and on the page; each role sees its
//! own part; only the ministry opens tasks; the ministry and provinces remind their overdue bases;
//! a base sees its reminders and its timeliness history; returned submissions carry comments on
//! single values.

use crate::support;

use std::collections::BTreeMap;

use axum::http::{Method, StatusCode};
use jidi_test_support::{TestDb, backend_tests};
use serde_json::{Value, json};
use support::{App, Auth, assert_error, demo_options};

const DONGHU: &str = "电子信息(光电子)·武汉东湖新技术开发区";

/// Every base row of a task as `who` sees it, page by page.
async fn all_bases(app: &App, task: i64, who: &Auth, query: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let r = app
            .get(
                &format!("/api/v1/tasks/{task}/bases?limit=100&after={after}{query}"),
                who,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let page = r.json().as_array().unwrap().clone();
        let Some(last) = page.last() else { break };
        after = last["base_id"].as_i64().unwrap();
        out.extend(page);
    }
    out
}

/// Counts by status of base rows.
fn recount(rows: &[Value]) -> BTreeMap<String, i64> {
    let mut m = BTreeMap::new();
    for r in rows {
        *m.entry(r["status"].as_str().unwrap().to_string())
            .or_insert(0) += 1;
    }
    m
}

fn count(v: &Value, key: &str) -> i64 {
    v["counts"][key].as_i64().unwrap()
}

/// The counts shown on a task's page (`data-count="key">N<`).
fn page_count(html: &str, key: &str) -> String {
    let marker = format!("data-count=\"{key}\"");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("{key} not shown"));
    let rest = &html[at..];
    let start = rest.find('>').unwrap() + 1;
    let end = rest[start..].find('<').unwrap();
    rest[start..start + end].trim().to_string()
}

/// The counts a task shows agree with its rows listed one by one, with its groups, and with
/// its page, for `who`.
async fn check_task(app: &App, task: &Value, who: &Auth, cookie: &Auth, province: Option<&str>) {
    let id = task["id"].as_i64().unwrap();
    let rows = all_bases(app, id, who, "").await;
    let by_status = recount(&rows);
    let label = format!("{} task {id}", app.label());
    assert_eq!(count(task, "bases"), rows.len() as i64, "{label}");
    for s in ["not_reported", "submitted", "returned", "accepted"] {
        assert_eq!(
            count(task, s),
            by_status.get(s).copied().unwrap_or(0),
            "{label} {s}"
        );
    }
    if let Some(p) = province {
        assert!(rows.iter().all(|r| r["province_code"] == p), "{label}");
    }
    let on_time = rows
        .iter()
        .filter(|r| !r["submitted_at"].is_null() && !r["late"].as_bool().unwrap())
        .count() as i64;
    assert_eq!(count(task, "on_time"), on_time, "{label}");
    let overdue = all_bases(app, id, who, "&overdue=true").await;
    assert_eq!(count(task, "overdue"), overdue.len() as i64, "{label}");

    let detail = app.get(&format!("/api/v1/tasks/{id}"), who).await.json();
    assert_eq!(detail["task"]["counts"], task["counts"], "{label}");
    for groups in ["by_province", "by_category"] {
        let mut sums: BTreeMap<&str, i64> = BTreeMap::new();
        for g in detail[groups].as_array().unwrap() {
            for k in [
                "bases",
                "accepted",
                "submitted",
                "returned",
                "not_reported",
                "on_time",
            ] {
                *sums.entry(k).or_insert(0) += g["counts"][k].as_i64().unwrap();
            }
        }
        for (k, v) in sums {
            assert_eq!(v, count(task, k), "{label} {groups} {k}");
        }
    }
    if let Some(p) = province {
        let provinces = detail["by_province"].as_array().unwrap();
        assert_eq!(provinces.len(), 1, "{label}");
        assert_eq!(provinces[0]["code"], p);
    }

    let page = app.get(&format!("/tasks/{id}"), cookie).await;
    assert_eq!(page.status, StatusCode::OK, "{label}: {}", page.text());
    let html = page.text();
    for k in [
        "bases",
        "accepted",
        "submitted",
        "returned",
        "not_reported",
        "overdue",
    ] {
        assert_eq!(
            page_count(&html, k),
            count(task, k).to_string(),
            "{label} page {k}"
        );
    }
    assert_eq!(
        page_count(&html, "completeness"),
        format!(
            "{:.1}%",
            task["counts"]["completeness_percent"].as_f64().unwrap()
        ),
        "{label}"
    );
    assert_eq!(
        html.matches("<tr data-base=\"").count(),
        rows.len().min(1000),
        "{label}"
    );
}

async fn tasks_as_every_role(db: TestDb) {
    let app = App::over(db, &demo_options()).await;
    let ministry = app.login("admin").await;
    let hubei = app.login("hubei").await;
    let hunan = app.login("hunan").await;
    let donghu = app.login("donghu").await;
    let evaluator = app.login("evaluator").await;
    let ministry_c = app.login_cookie("admin").await;
    let hubei_c = app.login_cookie("hubei").await;
    let donghu_c = app.login_cookie("donghu").await;
    let evaluator_c = app.login_cookie("evaluator").await;

    // The public signs in first.
    assert_error(
        &app.get("/api/v1/tasks", &Auth::Anonymous).await,
        StatusCode::UNAUTHORIZED,
        "anonymous",
    );
    let r = app.get("/tasks", &Auth::Anonymous).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "anonymous /tasks");
    assert_eq!(
        r.headers[axum::http::header::LOCATION].to_str().unwrap(),
        "/login?next=%2Ftasks&reason=auth",
        "the sign-in keeps the destination"
    );

    // The demo: the annual task, the months before, and October part-way through.
    let all = app.get("/api/v1/tasks", &ministry).await.json();
    let all = all.as_array().unwrap().clone();
    assert_eq!(all.len(), 7, "{}", app.label());
    let october = all[0].clone();
    assert_eq!(october["period"], "2026-10");
    assert_eq!(october["deadline_date"], "2026-11-10");
    assert!(october["synthetic"].as_bool().unwrap());
    for s in [
        "accepted",
        "submitted",
        "returned",
        "not_reported",
        "overdue",
    ] {
        assert!(count(&october, s) > 0, "{s}: {october}");
    }
    // Completeness is accepted over asked, one decimal.
    let share = (1000.0 * count(&october, "accepted") as f64 / count(&october, "bases") as f64)
        .round()
        / 10.0;
    assert_eq!(
        october["counts"]["completeness_percent"].as_f64().unwrap(),
        share
    );
    check_task(&app, &october, &ministry, &ministry_c, None).await;
    check_task(&app, &all[1], &ministry, &ministry_c, None).await;
    let evaluator_list = app.get("/api/v1/tasks", &evaluator).await.json();
    assert_eq!(evaluator_list[0]["counts"], october["counts"]);
    check_task(&app, &october, &evaluator, &evaluator_c, None).await;

    // A province sees its own bases only.
    let mine = app.get("/api/v1/tasks", &hubei).await.json();
    let hubei_october = mine[0].clone();
    assert!(count(&hubei_october, "bases") < count(&october, "bases"));
    check_task(&app, &hubei_october, &hubei, &hubei_c, Some("420000")).await;

    // A base sees itself: one base per task, its reminder, its history.
    let base = app.base_id(DONGHU).await;
    let own = app.get("/api/v1/tasks", &donghu).await.json();
    assert!(
        own.as_array()
            .unwrap()
            .iter()
            .all(|t| count(t, "bases") == 1)
    );
    assert_eq!(count(&own[0], "returned"), 1);
    let reminders = app.get("/api/v1/reminders", &donghu).await.json();
    assert_eq!(reminders.as_array().unwrap().len(), 1, "{reminders}");
    assert_eq!(reminders[0]["status"], "returned");
    assert_eq!(reminders[0]["task_id"], october["id"]);
    assert_eq!(app.get("/api/v1/reminders", &hubei).await.json(), json!([]));
    let history = app
        .get(&format!("/api/v1/bases/{base}/timeliness"), &donghu)
        .await
        .json();
    let history = history.as_array().unwrap().clone();
    assert_eq!(history.len(), 7);
    assert_eq!(history[0]["status"], "returned");
    assert_eq!(
        app.get(&format!("/api/v1/bases/{base}/timeliness"), &hubei)
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        7
    );
    assert_error(
        &app.get(&format!("/api/v1/bases/{base}/timeliness"), &hunan)
            .await,
        StatusCode::FORBIDDEN,
        "another province's base",
    );
    assert_error(
        &app.get(
            &format!("/api/v1/bases/{base}/timeliness"),
            &Auth::Anonymous,
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "anonymous timeliness",
    );
    let page = app.get("/tasks", &donghu_c).await.text();
    assert!(page.contains("id=\"reminders\"") && page.contains("id=\"timeliness\""));
    assert_eq!(
        page.matches("<tr data-task=\"").count(),
        14,
        "{}",
        app.label()
    );
    assert!(!page.contains("id=\"open-task\""));
    let own_detail = app
        .get(&format!("/api/v1/tasks/{}/bases", october["id"]), &donghu)
        .await
        .json();
    assert_eq!(own_detail.as_array().unwrap().len(), 1);
    assert_eq!(own_detail[0]["base_id"], base);

    // The returned submission carries the province's comments on single values.
    let subs = app
        .get("/api/v1/submissions?status=returned", &donghu)
        .await
        .json();
    let comments = subs[0]["field_comments"].as_array().unwrap();
    assert_eq!(comments.len(), 2, "{subs}");
    assert!(comments.iter().all(|c| c["period"] == "2026-10"));
    let page = app
        .get("/submissions?status=returned", &donghu_c)
        .await
        .text();
    assert_eq!(page.matches("class=\"field-comment\">与上月").count(), 2);

    // A draft keeps what a base typed, even a value that would not pass, until it submits.
    let base_text = base.to_string();
    let r = app
        .form(
            "/values",
            &donghu_c,
            &[
                ("base", base_text.as_str()),
                ("period", "2026-11"),
                ("v.m_output_gross", "12.5亿x"),
                ("action", "draft"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("data-status=\"draft\""));
    let page = app
        .get(&format!("/values?base={base}&period=2026-11"), &donghu_c)
        .await
        .text();
    assert!(page.contains("id=\"draft-note\""), "{}", app.label());
    assert!(page.contains("value=\"12.5亿x\""));
    let other_month = app
        .get(&format!("/values?base={base}&period=2026-09"), &donghu_c)
        .await
        .text();
    assert!(!other_month.contains("id=\"draft-note\""));

    // Only the ministry opens tasks; the checks name the field.
    let body = json!({"period": "2026-11", "deadline": "2026-12-10"});
    for who in [&hubei, &donghu, &evaluator] {
        assert_error(
            &app.json(Method::POST, "/api/v1/tasks", who, &body).await,
            StatusCode::FORBIDDEN,
            "open as non-ministry",
        );
    }
    assert_error(
        &app.json(Method::POST, "/api/v1/tasks", &Auth::Anonymous, &body)
            .await,
        StatusCode::UNAUTHORIZED,
        "open anonymously",
    );
    for (bad, field) in [
        (
            json!({"period": "2026-13", "deadline": "2026-12-10"}),
            "period",
        ),
        (
            json!({"period": "2026-11", "deadline": "2026-11-20"}),
            "deadline",
        ),
        (
            json!({"period": "2026-11", "deadline": "10/12/2026"}),
            "deadline",
        ),
        (
            json!({"period": "2026-11", "deadline": "2026-12-10", "indicators": ["rev_main"]}),
            "indicators",
        ),
        (
            json!({"period": "2026-11\u{0}", "deadline": "2026-12-10"}),
            "period",
        ),
    ] {
        let e = assert_error(
            &app.json(Method::POST, "/api/v1/tasks", &ministry, &bad)
                .await,
            StatusCode::BAD_REQUEST,
            "bad task",
        );
        assert!(
            e["error"]["message"].as_str().unwrap().starts_with(field),
            "{e}"
        );
    }
    let r = app
        .json(Method::POST, "/api/v1/tasks", &ministry, &body)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let november = r.json();
    assert_eq!(november["title"], "2026年11月月度数据填报");
    assert_eq!(count(&november, "not_reported"), count(&november, "bases"));
    assert_eq!(count(&november, "bases"), count(&october, "bases"));
    assert_eq!(count(&november, "overdue"), 0);
    assert_error(
        &app.json(Method::POST, "/api/v1/tasks", &ministry, &body)
            .await,
        StatusCode::CONFLICT,
        "second task for a period",
    );
    // Nobody is late before the deadline.
    assert_error(
        &app.json(
            Method::POST,
            &format!("/api/v1/tasks/{}/reminders", november["id"]),
            &ministry,
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
        "remind before the deadline",
    );

    // Reminders: a province its own overdue bases; not another's; a base never.
    let oct = october["id"].as_i64().unwrap();
    let hubei_overdue: Vec<i64> = all_bases(&app, oct, &hubei, "&overdue=true")
        .await
        .iter()
        .map(|r| r["base_id"].as_i64().unwrap())
        .collect();
    assert!(hubei_overdue.contains(&base));
    assert_error(
        &app.json(
            Method::POST,
            &format!("/api/v1/tasks/{oct}/reminders"),
            &hunan,
            &json!({"base_ids": [base]}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "another province's base",
    );
    for who in [&donghu, &evaluator] {
        assert_error(
            &app.json(
                Method::POST,
                &format!("/api/v1/tasks/{oct}/reminders"),
                who,
                &json!({}),
            )
            .await,
            StatusCode::FORBIDDEN,
            "remind as base or evaluator",
        );
    }
    let r = app
        .json(
            Method::POST,
            &format!("/api/v1/tasks/{oct}/reminders"),
            &hubei,
            &json!({"message": "请于本周内补报"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        r.json()["reminded"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .collect::<Vec<_>>(),
        hubei_overdue
    );
    let reminders = app.get("/api/v1/reminders", &donghu).await.json();
    assert_eq!(reminders.as_array().unwrap().len(), 2);
    assert_eq!(reminders[0]["message"], "请于本周内补报");
    let row = all_bases(&app, oct, &donghu, "").await;
    assert_eq!(row[0]["reminders"], 2);

    // The page: the ministry's form opens a task, the reminder button reminds.
    let page = app.get("/tasks", &ministry_c).await.text();
    assert!(page.contains("id=\"open-task\"") && page.contains("id=\"calendar\""));
    let r = app
        .form(
            "/tasks",
            &ministry_c,
            &[("period", "2026-09"), ("deadline", "2026-10-10")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    let r = app
        .form(
            "/tasks",
            &ministry_c,
            &[("period", "2026-04"), ("deadline", "2026-05-10")],
        )
        .await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.text());
    let r = app
        .form(&format!("/tasks/{oct}/remind"), &hubei_c, &[])
        .await;
    assert!(r.status.is_redirection(), "{}", r.text());
    let r = app
        .form(&format!("/tasks/{oct}/remind"), &donghu_c, &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .form(
            "/tasks/calendar",
            &ministry_c,
            &[("open_day", "3"), ("deadline_day", "2")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app
        .form(
            "/tasks/calendar",
            &hubei_c,
            &[("open_day", "1"), ("deadline_day", "10")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    app.finish().await;
}
backend_tests!(tasks_as_every_role);
