//! Each role's first screen (`/` and `GET /api/v1/work`), as every role on both backends. Every
//! figure is checked against the list the item links to, fetched by the same viewer: a count on
//! the first screen is the count the click shows; the page shows the API's figures.

use crate::support;

use axum::http::{Method, StatusCode};
use jidi_test_support::{TestDb, backend_tests};
use serde_json::{Value, json};
use support::{App, Auth, assert_error, demo_options};

const DONGHU: &str = "电子信息(光电子)·武汉东湖新技术开发区";

fn todo_count(work: &Value, key: &str) -> i64 {
    work["todo"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == key)
        .map_or(0, |i| i["count"].as_i64().unwrap())
}

fn stars(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap())
        .collect()
}

/// The page's to-do list shows each item's count with its key.
fn assert_page_shows(app: &App, page: &str, work: &Value, who: &str) {
    let l = app.label();
    // Values in the page are HTML-escaped (minijinja escapes `/` too).
    let page = page
        .replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    for item in work["todo"].as_array().unwrap() {
        let needle = format!(
            "data-key=\"{}\"><a href=\"{}\"><strong class=\"count\">{}</strong>",
            item["key"].as_str().unwrap(),
            item["href"].as_str().unwrap(),
            item["count"]
        );
        assert!(page.contains(&needle), "{l} {who}: page lacks {needle}");
    }
}

/// Stars per level of a run's results, counted from the results list (optionally one province).
async fn counted_stars(app: &App, run: i64, province: Option<&str>, auth: &Auth) -> Vec<i64> {
    let mut out = vec![0i64; 5];
    let filter = province.map_or(String::new(), |p| format!("&province={p}"));
    let mut page = 1;
    loop {
        let r = app
            .get(
                &format!("/api/v1/evaluations/{run}/results?per_page=500&page={page}{filter}"),
                auth,
            )
            .await
            .json();
        let items = r["items"].as_array().unwrap();
        for it in items {
            if let Some(s) = it["stars"].as_i64() {
                out[(s - 1) as usize] += 1;
            }
        }
        if items.is_empty() || (page * 500) as i64 >= r["total"].as_i64().unwrap() {
            return out;
        }
        page += 1;
    }
}

/// The stars of one base in a run, read from the run's results list.
async fn stars_of(app: &App, run: i64, base: i64, auth: &Auth) -> Value {
    for page in 1..=10 {
        let r = app
            .get(
                &format!("/api/v1/evaluations/{run}/results?per_page=500&page={page}"),
                auth,
            )
            .await
            .json();
        let items = r["items"].as_array().unwrap();
        if let Some(it) = items.iter().find(|i| i["base_id"] == base) {
            return it["stars"].clone();
        }
        if items.is_empty() {
            break;
        }
    }
    panic!("base {base} not in run {run}");
}

async fn first_screens_show_each_roles_work(db: TestDb) {
    let app = App::over(db, &demo_options()).await;
    let l = app.label();
    let anon = Auth::Anonymous;
    let admin = app.login("admin").await;
    let hubei = app.login("hubei").await;
    let donghu_user = app.login("donghu").await;
    let evaluator = app.login("evaluator").await;
    let donghu = app.base_id(DONGHU).await;

    // The public: the published stars, nothing waiting, no work panel.
    let public = app.get("/api/v1/work", &anon).await;
    assert_eq!(public.status, StatusCode::OK, "{l}");
    let public = public.json();
    assert_eq!(public["role"], "public");
    assert_eq!(public["todo"], json!([]));
    let run = public["stars"]["run_id"].as_i64().unwrap();
    let nation = stars(&public["stars"]["nation"]);
    assert_eq!(
        nation,
        counted_stars(&app, run, None, &anon).await,
        "{l}: national stars"
    );
    assert_eq!(nation.iter().sum::<i64>(), 445, "{l}");
    let page = app.get("/", &anon).await.text();
    assert!(!page.contains("id=\"work\""), "{l}: no work panel");
    // Plain words for the public: the headline shows stars and counts, and the machinery
    // (content hashes, replication counts, seeds) stays in the methods note of each run.
    for lang in ["zh", "en"] {
        let page = app.get(&format!("/?lang={lang}"), &anon).await.text();
        let body = &page[page.find("<main").expect("main")..];
        let text = body.to_lowercase();
        for jargon in [
            "sha-256",
            "sha256",
            "hash",
            "哈希",
            "摘要值",
            "replication",
            "重复抽样",
            "蒙特卡",
            "monte carlo",
            "seed",
            "随机种子",
            "inputs_hash",
        ] {
            assert!(
                !text.contains(jargon),
                "{l} {lang}: public first screen says {jargon}"
            );
        }
        let nation_total: i64 = nation.iter().sum();
        assert!(
            body.contains(&nation_total.to_string()),
            "{l} {lang}: the headline counts the bases"
        );
    }
    assert_error(
        &app.get("/api/v1/work?colour=red", &anon).await,
        StatusCode::BAD_REQUEST,
        l,
    );

    // The ministry: decisions by kind, most severe first; late reports; submissions; warnings.
    let work = app.get("/api/v1/work", &admin).await.json();
    assert_eq!(work["role"], "ministry");
    let kinds: Vec<&str> = work["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["exit", "rectification", "warning", "promotion"],
        "{l}"
    );
    let mut any_pending = 0;
    for k in work["proposals"].as_array().unwrap() {
        let kind = k["kind"].as_str().unwrap();
        let listed = app
            .get(
                &format!("/api/v1/proposals?status=pending&kind={kind}&per_page=1"),
                &admin,
            )
            .await
            .json();
        assert_eq!(k["pending"], listed["total"], "{l}: pending {kind}");
        assert_eq!(
            todo_count(&work, &format!("proposals.{kind}")),
            listed["total"].as_i64().unwrap(),
            "{l}: to-do {kind}"
        );
        any_pending += listed["total"].as_i64().unwrap();
    }
    assert!(
        any_pending > 0,
        "{l}: the demo's latest year waits for decisions"
    );
    // Urgent first: every `high` item before every `normal` one.
    let severities: Vec<&str> = work["todo"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["severity"].as_str().unwrap())
        .collect();
    let first_normal = severities.iter().position(|s| *s == "normal");
    if let Some(n) = first_normal {
        assert!(
            severities[n..].iter().all(|s| *s == "normal"),
            "{l}: {severities:?}"
        );
    }
    let newest = &work["tasks"][0];
    let task = app
        .get(&format!("/api/v1/tasks/{}", newest["id"]), &admin)
        .await
        .json();
    assert_eq!(newest["counts"], task["task"]["counts"], "{l}: task counts");
    assert_eq!(
        todo_count(&work, "tasks.overdue"),
        task["task"]["counts"]["overdue"].as_i64().unwrap(),
        "{l}: late reports"
    );
    assert!(
        todo_count(&work, "tasks.overdue") > 0,
        "{l}: the demo has late bases"
    );
    let waiting = app
        .get("/api/v1/submissions?status=submitted", &admin)
        .await
        .json();
    assert_eq!(
        todo_count(&work, "submissions.review"),
        waiting.as_array().unwrap().len() as i64,
        "{l}: submissions to review"
    );
    let warnings = app.get("/api/v1/warnings?per_page=1", &admin).await.json();
    assert_eq!(work["open_warnings"], warnings["open_by_level"], "{l}");
    for (level, index) in [("red", 3), ("orange", 2)] {
        let listed = app
            .get(
                &format!("/api/v1/warnings?level={level}&per_page=1"),
                &admin,
            )
            .await
            .json();
        assert_eq!(
            todo_count(&work, &format!("warnings.{level}")),
            listed["total"].as_i64().unwrap(),
            "{l}: {level}"
        );
        assert_eq!(
            work["open_warnings"][index], listed["total"],
            "{l}: {level} by level"
        );
    }
    // Every base that lost a star did so: checked against both runs' results.
    let losses = &work["star_losses"];
    let before = losses["before_run_id"].as_i64().unwrap();
    assert_eq!(losses["after_run_id"], run, "{l}");
    assert!(
        losses["down"].as_i64().unwrap() > 0,
        "{l}: some bases lost stars"
    );
    for c in losses["changes"].as_array().unwrap() {
        let b = c["base_id"].as_i64().unwrap();
        for (r, key) in [(before, "stars_before"), (run, "stars_after")] {
            assert_eq!(
                c[key],
                stars_of(&app, r, b, &admin).await,
                "{l}: base {b} {key}"
            );
        }
        assert!(
            c["stars_after"].as_i64().unwrap() < c["stars_before"].as_i64().unwrap(),
            "{l}: {c}"
        );
    }
    let page = app.get("/", &admin).await.text();
    assert!(page.contains("id=\"work\""), "{l}");
    assert_page_shows(&app, &page, &work, "ministry");
    let english = app.get("/?lang=en", &admin).await.text();
    assert!(english.contains("Your work"), "{l}");

    // A province: its own bases beside the nation; only its own decisions, reviews, warnings.
    let work = app.get("/api/v1/work", &hubei).await.json();
    assert_eq!(work["role"], "province");
    let own = stars(&work["stars"]["own"]);
    assert_eq!(
        own,
        counted_stars(&app, run, Some("420000"), &hubei).await,
        "{l}: Hubei's stars"
    );
    assert_eq!(stars(&work["stars"]["nation"]), nation, "{l}");
    let four_plus = (own[3] + own[4]) as f64 / own.iter().sum::<i64>() as f64 * 100.0;
    assert!(
        (work["stars"]["own_four_plus_percent"].as_f64().unwrap() - four_plus).abs() < 1e-9,
        "{l}"
    );
    for k in work["proposals"].as_array().unwrap() {
        let kind = k["kind"].as_str().unwrap();
        let listed = app
            .get(
                &format!("/api/v1/proposals?status=pending&kind={kind}&per_page=1"),
                &hubei,
            )
            .await
            .json();
        assert_eq!(k["pending"], listed["total"], "{l}: Hubei pending {kind}");
    }
    for c in work["star_losses"]["changes"].as_array().unwrap() {
        assert_eq!(c["province_name"], "湖北省", "{l}: only Hubei's bases: {c}");
    }
    let task = app
        .get(&format!("/api/v1/tasks/{}", work["tasks"][0]["id"]), &hubei)
        .await
        .json();
    assert_eq!(
        work["tasks"][0]["counts"], task["task"]["counts"],
        "{l}: Hubei's counts"
    );
    let warnings = app.get("/api/v1/warnings?per_page=1", &hubei).await.json();
    assert_eq!(work["open_warnings"], warnings["open_by_level"], "{l}");
    let page = app.get("/", &hubei).await.text();
    assert_page_shows(&app, &page, &work, "hubei");
    assert!(page.contains("id=\"work-stars\""), "{l}");

    // A base: its own record, its returned report to correct, its answer to the newest task.
    let work = app.get("/api/v1/work", &donghu_user).await.json();
    assert_eq!(work["role"], "base");
    let mine = &work["my_base"];
    assert_eq!(mine["id"], donghu, "{l}");
    assert_eq!(mine["name"], DONGHU);
    let returned = app
        .get("/api/v1/submissions?status=returned", &donghu_user)
        .await
        .json();
    assert_eq!(
        todo_count(&work, "submissions.returned"),
        returned.as_array().unwrap().len() as i64,
        "{l}: returned reports"
    );
    assert!(
        todo_count(&work, "submissions.returned") >= 1,
        "{l}: the demo returns Donghu's October report"
    );
    let history = mine["star_history"].as_array().unwrap();
    let (year, latest) = (
        history.last().unwrap()[0].as_i64().unwrap(),
        history.last().unwrap()[1].clone(),
    );
    assert_eq!(year, public["stars"]["year"].as_i64().unwrap(), "{l}");
    let card = app
        .get(
            &format!(
                "/api/v1/evaluations/{}/results/{donghu}",
                mine["scorecard_run_id"]
            ),
            &donghu_user,
        )
        .await;
    assert_eq!(card.status, StatusCode::OK, "{l}: {}", card.text());
    let card = card.json();
    assert_eq!(card["result"]["stars"], latest, "{l}: scorecard stars");
    // Ranks show their denominator, on the scorecard and in the results table.
    let rank = card["result"]["national_rank"].as_f64().unwrap();
    let scorecard = app
        .get(
            &format!("/evaluations/{}/bases/{donghu}", mine["scorecard_run_id"]),
            &donghu_user,
        )
        .await
        .text();
    assert!(
        scorecard.contains(&format!(
            "id=\"national-rank\">{rank:.0}<small> / 445</small>"
        )),
        "{l}: rank {rank} / 445 on the scorecard"
    );
    let table = app
        .get(
            &format!("/evaluations/{}", mine["scorecard_run_id"]),
            &admin,
        )
        .await
        .text();
    assert!(
        table.contains("<small> / 445</small>"),
        "{l}: ranks in the table"
    );
    assert_eq!(work["proposals"].as_array().unwrap().len(), 4, "{l}");
    let page = app.get("/", &donghu_user).await.text();
    assert_page_shows(&app, &page, &work, "donghu");
    assert!(
        page.contains(&format!("href=\"/bases/{donghu}\">{DONGHU}</a>")),
        "{l}: my base links to its profile"
    );

    // An evaluator: a trial of the latest year against its published run.
    let year = public["stars"]["year"].as_i64().unwrap();
    let r = app
        .json(
            Method::POST,
            "/api/v1/evaluations",
            &evaluator,
            &json!({"year": year}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
    let trial = r.json()["id"].as_i64().unwrap();
    let work = app.get("/api/v1/work", &evaluator).await.json();
    assert_eq!(work["role"], "evaluator");
    assert_eq!(work["todo"], json!([]), "{l}: evaluators decide nothing");
    let t = work["trials"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == trial)
        .expect("the trial is listed")
        .clone();
    let cmp = &t["against_published"];
    assert_eq!(cmp["before_run_id"], run, "{l}");
    // The moves recomputed from both runs' results.
    let mut published = std::collections::HashMap::new();
    for p in [1, 2] {
        let r = app
            .get(
                &format!("/api/v1/evaluations/{run}/results?per_page=500&page={p}"),
                &evaluator,
            )
            .await
            .json();
        for it in r["items"].as_array().unwrap() {
            published.insert(it["base_id"].as_i64().unwrap(), it["stars"].as_i64());
        }
    }
    let (mut up, mut down, mut compared) = (0, 0, 0);
    for p in [1, 2] {
        let r = app
            .get(
                &format!("/api/v1/evaluations/{trial}/results?per_page=500&page={p}"),
                &evaluator,
            )
            .await
            .json();
        for it in r["items"].as_array().unwrap() {
            let (Some(after), Some(Some(before))) = (
                it["stars"].as_i64(),
                published.get(&it["base_id"].as_i64().unwrap()),
            ) else {
                continue;
            };
            compared += 1;
            up += i64::from(after > *before);
            down += i64::from(after < *before);
        }
    }
    assert_eq!(
        (
            cmp["compared"].as_i64().unwrap(),
            cmp["up"].as_i64().unwrap(),
            cmp["down"].as_i64().unwrap()
        ),
        (compared, up, down),
        "{l}: trial against published"
    );
    let page = app.get("/", &evaluator).await.text();
    assert!(page.contains(&format!("data-run=\"{trial}\"")), "{l}");
    // The ministry now sees the same trial.
    let work = app.get("/api/v1/work", &admin).await.json();
    assert!(
        work["trials"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == trial),
        "{l}"
    );
    app.finish().await;
}
backend_tests!(first_screens_show_each_roles_work);

/// Proposals at volume: a tab per kind whose counts add up to the list, filters by province,
/// category and rule that the rows obey, evidence links, and one decision for many proposals
/// (API and page), each recorded on its own proposal; refused whole when any is out of reach.
async fn proposals_at_volume(db: TestDb) {
    let app = App::over(db, &demo_options()).await;
    let l = app.label();
    let admin = app.login("admin").await;
    let hubei = app.login("hubei").await;
    let evaluator = app.login("evaluator").await;

    let all = app
        .get("/api/v1/proposals?status=pending&per_page=500", &admin)
        .await
        .json();
    let kinds = all["kinds"].as_array().unwrap();
    let codes: Vec<&str> = kinds.iter().map(|k| k["kind"].as_str().unwrap()).collect();
    assert_eq!(
        codes,
        ["exit", "rectification", "warning", "promotion"],
        "{l}"
    );
    let sum: i64 = kinds.iter().map(|k| k["count"].as_i64().unwrap()).sum();
    assert_eq!(sum, all["total"].as_i64().unwrap(), "{l}: tabs add up");
    for k in kinds {
        let listed = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["kind"] == k["kind"])
            .count() as i64;
        assert_eq!(listed, k["count"].as_i64().unwrap(), "{l}: {}", k["kind"]);
    }
    // Filters: every row obeys them; the tab counts follow them.
    let hb = app
        .get(
            "/api/v1/proposals?status=pending&province=420000&per_page=500",
            &admin,
        )
        .await
        .json();
    assert!(
        hb["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["province_name"] == "湖北省"),
        "{l}"
    );
    let hb_sum: i64 = hb["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["count"].as_i64().unwrap())
        .sum();
    assert_eq!(hb_sum, hb["total"].as_i64().unwrap(), "{l}");
    let first = &all["items"][0];
    let rule = first["rule"].as_str().unwrap();
    let by_rule = app
        .get(
            &format!("/api/v1/proposals?status=pending&rule={rule}&per_page=500"),
            &admin,
        )
        .await
        .json();
    assert!(
        by_rule["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["rule"] == rule),
        "{l}"
    );
    assert!(by_rule["total"].as_i64().unwrap() >= 1, "{l}");
    let by_category = app
        .get(
            "/api/v1/proposals?status=pending&category=materials&per_page=1",
            &admin,
        )
        .await
        .json();
    assert!(by_category["total"].as_i64().unwrap() <= all["total"].as_i64().unwrap());
    for bad in [
        "province=990000",
        "category=nothing",
        "rule=%00",
        "rule=x%20y",
    ] {
        assert_error(
            &app.get(&format!("/api/v1/proposals?{bad}"), &admin).await,
            StatusCode::BAD_REQUEST,
            l,
        );
    }
    // Evidence: the scorecard of the run that proposed it.
    if let Some(run) = first["run_id"].as_i64() {
        assert_eq!(
            first["evidence"],
            format!("/evaluations/{run}/bases/{}", first["base_id"]),
            "{l}"
        );
        let card = app.get(first["evidence"].as_str().unwrap(), &admin).await;
        assert_eq!(card.status, StatusCode::OK, "{l}");
    }
    // Every evidence link opens: a national base's scorecard in its run, a provincial base's
    // star history (it is not scored in the national run, so it has no scorecard there).
    let mut to_profile = 0;
    for p in all["items"].as_array().unwrap() {
        let evidence = p["evidence"].as_str().unwrap();
        let tier = p["from_tier"].as_str().unwrap_or_default();
        if let (Some(run), "national" | "excellence") = (p["run_id"].as_i64(), tier) {
            assert_eq!(
                evidence,
                format!("/evaluations/{run}/bases/{}", p["base_id"]),
                "{l}"
            );
        } else {
            assert_eq!(
                evidence,
                format!("/bases/{}#evaluations", p["base_id"]),
                "{l}"
            );
            to_profile += 1;
        }
        let path = evidence.split('#').next().unwrap();
        assert_eq!(
            app.get(path, &admin).await.status,
            StatusCode::OK,
            "{l}: {evidence}"
        );
    }
    assert!(
        to_profile > 0,
        "{l}: the demo has provincial promotions pending"
    );

    // The page: tabs with the API's counts, a bulk form, a box per decidable proposal.
    let page = app.get("/proposals?status=pending", &admin).await.text();
    for k in kinds {
        let needle = format!(
            "data-kind=\"{}\">{} <span class=\"count\">{}</span>",
            k["kind"].as_str().unwrap(),
            k["name"].as_str().unwrap(),
            k["count"]
        );
        assert!(page.contains(&needle), "{l}: tab {needle}");
    }
    assert!(page.contains("id=\"bulk\""), "{l}");
    assert!(page.contains("form=\"bulk\""), "{l}");

    // Bulk decision through the API: one reason, each proposal decided on its own.
    let picked: Vec<i64> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == "warning" || p["kind"] == "promotion")
        .take(3)
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        picked.len(),
        3,
        "{l}: the demo has pending warnings or promotions"
    );
    assert_error(
        &app.json(
            Method::POST,
            "/api/v1/proposals/decisions",
            &evaluator,
            &json!({"ids": picked, "accept": false, "reason": "x"}),
        )
        .await,
        StatusCode::FORBIDDEN,
        l,
    );
    for (body, status) in [
        (
            json!({"ids": [], "accept": false, "reason": "x"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"ids": picked, "accept": false, "reason": "  "}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"ids": [picked[0], 999_999_999], "accept": false, "reason": "x"}),
            StatusCode::NOT_FOUND,
        ),
        (
            json!({"ids": (0..501).collect::<Vec<i64>>(), "accept": false, "reason": "x"}),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let r = app
            .json(Method::POST, "/api/v1/proposals/decisions", &admin, &body)
            .await;
        assert_error(&r, status, l);
    }
    // Nothing of a refused batch was decided.
    let still = app
        .get("/api/v1/proposals?status=pending&per_page=1", &admin)
        .await
        .json();
    assert_eq!(
        still["total"], all["total"],
        "{l}: refused batches decide nothing"
    );
    let reason = "统一研究决定：暂不采纳（批量测试）";
    let r = app
        .json(
            Method::POST,
            "/api/v1/proposals/decisions",
            &admin,
            &json!({"ids": picked, "accept": false, "reason": reason}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
    let decided = r.json()["decided"].as_array().unwrap().clone();
    assert_eq!(decided.len(), 3, "{l}");
    for d in &decided {
        assert_eq!(d["status"], "rejected", "{l}");
        assert_eq!(d["decision_reason"], reason, "{l}");
    }
    let after = app
        .get("/api/v1/proposals?status=pending&per_page=1", &admin)
        .await
        .json();
    assert_eq!(
        after["total"].as_i64().unwrap(),
        all["total"].as_i64().unwrap() - 3,
        "{l}"
    );
    assert_error(
        &app.json(
            Method::POST,
            "/api/v1/proposals/decisions",
            &admin,
            &json!({"ids": picked, "accept": false, "reason": reason}),
        )
        .await,
        StatusCode::CONFLICT,
        l,
    );

    // The page's bulk form: a province may not decide national tiers (refused whole); the
    // ministry decides two at once through the page.
    let hb_cookie = app.login_cookie("hubei").await;
    let mine = app
        .get("/api/v1/proposals?status=pending&per_page=500", &hubei)
        .await
        .json();
    let national = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["can_decide"] == false)
        .map(|p| p["id"].to_string())
        .expect("Hubei has pending proposals it may not decide");
    let r = app
        .form(
            "/proposals/decisions",
            &hb_cookie,
            &[
                ("decision", "accept"),
                ("reason", "越权测试"),
                ("ids", &national),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "{l}: a province cannot decide national tiers"
    );
    let admin_cookie = app.login_cookie("admin").await;
    let pending = app
        .get(
            "/api/v1/proposals?status=pending&kind=promotion&per_page=500",
            &admin,
        )
        .await
        .json();
    let two: Vec<i64> = pending["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["can_decide"] == true)
        .take(2)
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(two.len(), 2, "{l}: two promotions to decide");
    let (a, b) = (two[0].to_string(), two[1].to_string());
    let r = app
        .form(
            "/proposals/decisions",
            &admin_cookie,
            &[
                ("decision", "reject"),
                ("reason", "部统一意见（测试）"),
                ("ids", &a),
                ("ids", &b),
                ("back", "/proposals?status=pending"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.text());
    assert_eq!(
        r.headers[axum::http::header::LOCATION].to_str().unwrap(),
        "/proposals?status=pending"
    );
    let rejected = app
        .get("/api/v1/proposals?status=rejected&per_page=500", &admin)
        .await
        .json();
    for id in &two {
        assert!(
            rejected["items"].as_array().unwrap().iter().any(|p| {
                p["id"].as_i64() == Some(*id) && p["decision_reason"] == "部统一意见（测试）"
            }),
            "{l}: {id} decided by the page"
        );
    }
    app.finish().await;
}
backend_tests!(proposals_at_volume);
