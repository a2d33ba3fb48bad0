//! The server-rendered pages: every page for every role (who may see what, never a 5xx, the
//! synthetic marking, both languages), and the forms that change state (CSRF-checked, validated,
//! all or nothing).

use crate::support;

use axum::http::{Method, StatusCode, header};
use jidi_test_support::{TestDb, backend_tests};
use serde_json::Value;
use support::{App, Auth, Reply, demo_options};

const DONGHU: &str = "电子信息(光电子)·武汉东湖新技术开发区";

struct Ids {
    donghu: i64,
    hubei_provincial: i64,
    withdrawn: i64,
    latest_run: i64,
    earlier_run: i64,
    scheme: i64,
    others: Vec<i64>,
}

async fn ids(app: &App) -> Ids {
    let admin = app.login("admin").await;
    let hubei = app.login("hubei").await;
    let runs = app
        .get("/api/v1/evaluations", &Auth::Anonymous)
        .await
        .json();
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), 8, "a published evaluation per annual year");
    let run_of = |year: i64| {
        runs.iter().find(|r| r["year"] == year).unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let schemes = app.get("/api/v1/schemes", &admin).await.json();
    let first = |v: &Value| v["items"][0]["id"].as_i64().unwrap();
    let others = app
        .get("/api/v1/bases?province=430000&per_page=3", &Auth::Anonymous)
        .await
        .json();
    Ids {
        donghu: app.base_id(DONGHU).await,
        hubei_provincial: first(
            &app.get("/api/v1/bases?tier=provincial", &hubei)
                .await
                .json(),
        ),
        withdrawn: first(
            &app.get("/api/v1/bases?status=withdrawn", &Auth::Anonymous)
                .await
                .json(),
        ),
        latest_run: run_of(2025),
        earlier_run: run_of(2021),
        scheme: schemes.as_array().unwrap()[0]["id"].as_i64().unwrap(),
        others: others["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["id"].as_i64().unwrap())
            .collect(),
    }
}

fn is_login_redirect(r: &Reply) -> bool {
    r.status == StatusCode::SEE_OTHER
        && r.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|l| l.starts_with("/login"))
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    Ok,
    Redirect,
    Login,
    Forbidden,
}

async fn every_page_renders_for_every_role(db: TestDb) {
    let app = App::over(db, &demo_options()).await;
    let ids = ids(&app).await;
    let Ids {
        donghu,
        hubei_provincial: prov,
        withdrawn,
        latest_run: run,
        earlier_run: old,
        scheme,
        ..
    } = ids;
    let compare = format!(
        "/compare?run={run}&ids={donghu},{}",
        ids.others
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",")
    );
    use Expect::*;
    // (path, anonymous, ministry, hubei, hunan, donghu, evaluator)
    let table: Vec<(String, [Expect; 6])> = vec![
        ("/".into(), [Ok, Ok, Ok, Ok, Ok, Ok]),
        ("/?lang=en".into(), [Ok, Ok, Ok, Ok, Ok, Ok]),
        ("/bases".into(), [Ok, Ok, Ok, Ok, Ok, Ok]),
        (
            "/bases?province=420000&tier=national&sort=batch&order=desc&page=2&per_page=5".into(),
            [Ok, Ok, Ok, Ok, Ok, Ok],
        ),
        (
            format!("/bases?q={}", enc("东湖")),
            [Ok, Ok, Ok, Ok, Ok, Ok],
        ),
        ("/bases?tier=provincial".into(), [Ok, Ok, Ok, Ok, Ok, Ok]),
        (format!("/bases/{donghu}"), [Ok, Ok, Ok, Ok, Ok, Ok]),
        (format!("/bases/{donghu}?lang=en"), [Ok, Ok, Ok, Ok, Ok, Ok]),
        (format!("/bases/{withdrawn}"), [Ok, Ok, Ok, Ok, Ok, Ok]),
        (
            format!("/bases/{prov}"),
            [Login, Ok, Ok, Forbidden, Forbidden, Ok],
        ),
        (
            "/bases/new".into(),
            [Login, Ok, Forbidden, Forbidden, Forbidden, Forbidden],
        ),
        (
            format!("/bases/{donghu}/edit"),
            [Login, Ok, Forbidden, Forbidden, Forbidden, Forbidden],
        ),
        (
            "/admin".into(),
            [Login, Ok, Forbidden, Forbidden, Forbidden, Forbidden],
        ),
        ("/evaluations".into(), [Ok, Ok, Ok, Ok, Ok, Ok]),
        (format!("/evaluations/{run}"), [Ok, Ok, Ok, Ok, Ok, Ok]),
        (
            format!("/evaluations/{run}?stars=5&category=information"),
            [Ok, Ok, Ok, Ok, Ok, Ok],
        ),
        (
            format!("/evaluations/{old}?lang=en"),
            [Ok, Ok, Ok, Ok, Ok, Ok],
        ),
        (
            format!("/evaluations/{run}/bases/{donghu}"),
            [Login, Ok, Ok, Forbidden, Ok, Ok],
        ),
        (
            format!("/evaluations/{run}/bases/{donghu}?lang=en"),
            [Login, Ok, Ok, Forbidden, Ok, Ok],
        ),
        // Comparing needs the full scorecard of every base compared.
        (compare, [Login, Ok, Forbidden, Forbidden, Forbidden, Ok]),
        (
            "/compare".into(),
            [Redirect, Redirect, Redirect, Redirect, Redirect, Redirect],
        ),
        ("/schemes".into(), [Ok, Ok, Ok, Ok, Ok, Ok]),
        (format!("/schemes/{scheme}"), [Ok, Ok, Ok, Ok, Ok, Ok]),
        (
            format!("/schemes/{scheme}/edit"),
            [Login, Ok, Forbidden, Forbidden, Forbidden, Ok],
        ),
        ("/proposals".into(), [Login, Ok, Ok, Ok, Ok, Ok]),
        ("/login".into(), [Ok, Ok, Ok, Ok, Ok, Ok]),
    ];
    let mut viewers = vec![("anonymous", Auth::Anonymous)];
    for u in ["admin", "hubei", "hunan", "donghu", "evaluator"] {
        viewers.push((u, app.login_cookie(u).await));
    }
    for (path, expected) in &table {
        for ((who, auth), want) in viewers.iter().zip(expected) {
            let r = app.get(path, auth).await;
            let got = if r.status == StatusCode::OK {
                Ok
            } else if is_login_redirect(&r) {
                Login
            } else if r.status == StatusCode::SEE_OTHER {
                Redirect
            } else if r.status == StatusCode::FORBIDDEN {
                Forbidden
            } else {
                panic!("{who} {path}: {} {}", r.status, r.text());
            };
            assert_eq!(got, *want, "{who} {path}");
            if got == Ok {
                let html = r.text();
                assert!(html.starts_with("<!doctype html>"), "{who} {path}");
                assert!(
                    r.headers.contains_key(header::CONTENT_SECURITY_POLICY),
                    "{who} {path}"
                );
                // The demo is marked as synthetic on every page.
                assert!(
                    html.contains("class=\"demo-banner\""),
                    "{who} {path}: no synthetic marking"
                );
                if path.contains("lang=en") {
                    assert!(html.contains("lang=\"en\""), "{who} {path}");
                } else if !path.contains("lang=") {
                    assert!(html.contains("lang=\"zh-CN\""), "{who} {path}");
                }
            }
        }
    }

    // Scope shows inside pages too: the public results table has stars but no scores; the base's
    // own scorecard has the radar, the contributions and the levers.
    let public = app
        .get(
            &format!("/api/v1/evaluations/{run}/results?per_page=500"),
            &Auth::Anonymous,
        )
        .await
        .json();
    let row = public["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["base_id"] == donghu)
        .unwrap()
        .clone();
    assert!(
        row["stars"].is_number() && row["score"].is_null() && row["full"] == false,
        "{row}"
    );
    let own = app
        .get(&format!("/evaluations/{run}/bases/{donghu}"), &viewers[4].1)
        .await
        .text();
    assert!(
        own.contains("id=\"radar\""),
        "the base does not see its radar"
    );
    assert!(own.contains("id=\"contributions\""));
    assert!(own.contains("id=\"next-star\""));

    // The results table exports to Excel; the public's copy has stars only.
    let xlsx = app
        .get(
            &format!("/evaluations/{run}/export?format=xlsx&category=information"),
            &Auth::Anonymous,
        )
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.body.starts_with(b"PK"), "not an XLSX file");
    let csv = app
        .get(
            &format!("/evaluations/{run}/export?format=csv"),
            &Auth::Anonymous,
        )
        .await
        .text();
    let own_csv = app
        .get(
            &format!("/evaluations/{run}/export?format=csv"),
            &viewers[1].1,
        )
        .await
        .text();
    assert_eq!(
        csv.lines().count(),
        own_csv.lines().count(),
        "the same rows"
    );
    assert!(
        own_csv.len() > csv.len(),
        "the ministry's export carries the figures the public's lacks"
    );

    // The scheme of the latest year shows which indicators and weights move the ranks most.
    let schemes = app
        .get("/api/v1/schemes?year=2025", &Auth::Anonymous)
        .await
        .json();
    let latest = schemes
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["locked"] == true)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let page = app
        .get(&format!("/schemes/{latest}"), &Auth::Anonymous)
        .await
        .text();
    assert!(
        page.contains("data-chart=\"sensitivity\""),
        "no sensitivity on the scheme page"
    );

    // Unknown and malformed paths are pages, not crashes.
    for p in [
        "/bases/abc",
        "/bases/99999999",
        "/evaluations/xyz",
        "/evaluations/99999/bases/1",
        "/schemes/0",
        "/nowhere",
        "/compare?ids=a,b",
        "/bases?per_page=-5",
        "/static/../../etc/passwd",
    ] {
        let r = app.get(p, &viewers[1].1).await;
        assert!(r.status.is_client_error(), "{p}: {}", r.status);
    }
    // Static assets are served by the binary, ECharts with its licence.
    for p in [
        "/static/app.css",
        "/static/app.js",
        "/static/echarts.min.js",
        "/static/LICENSE-echarts.txt",
    ] {
        let r = app.get(p, &Auth::Anonymous).await;
        assert_eq!(r.status, StatusCode::OK, "{p}");
        assert!(r.headers.contains_key(header::CACHE_CONTROL), "{p}");
    }
    // Under its hashed name an asset is cached for a year and sent gzip-compressed to a client
    // that accepts it (the same bytes once decoded), plain to one that does not.
    // (The templates escape `/` in attributes as `&#x2f;`.)
    let page = app
        .get("/", &Auth::Anonymous)
        .await
        .text()
        .replace("&#x2f;", "/");
    let url = page
        .split("src=\"")
        .filter_map(|s| s.split('"').next())
        .find(|s| s.starts_with("/static/echarts.") && s.ends_with(".js"))
        .expect("the dashboard loads ECharts under its hashed name")
        .to_string();
    let get = |accept: Option<&str>| {
        let mut b = axum::http::Request::builder().uri(&url);
        if let Some(a) = accept {
            b = b.header(header::ACCEPT_ENCODING, a);
        }
        b.body(axum::body::Body::empty()).unwrap()
    };
    let plain = app.send(get(None)).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert!(plain.headers.get(header::CONTENT_ENCODING).is_none());
    assert_eq!(
        plain.headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert!(plain.body.len() > 1_000_000, "{}", plain.body.len());
    let zipped = app.send(get(Some("gzip, deflate, br"))).await;
    assert_eq!(zipped.headers[header::CONTENT_ENCODING], "gzip");
    assert_eq!(zipped.headers[header::VARY], "Accept-Encoding");
    assert!(zipped.body.len() * 2 < plain.body.len());
    let mut unzipped = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(&zipped.body[..]),
        &mut unzipped,
    )
    .unwrap();
    assert!(unzipped == plain.body, "gzip decodes to the file");
    let refused = app.send(get(Some("gzip;q=0, identity"))).await;
    assert!(refused.headers.get(header::CONTENT_ENCODING).is_none());
    assert!(refused.body == plain.body);
    let lang = app.get("/lang/en?back=/bases", &Auth::Anonymous).await;
    assert_eq!(lang.status, StatusCode::SEE_OTHER);
    assert_eq!(lang.headers[header::LOCATION], "/bases");
    let away = app
        .get("/lang/en?back=//evil.example", &Auth::Anonymous)
        .await;
    assert_eq!(away.headers[header::LOCATION], "/", "open redirect");
    app.finish().await;
}
backend_tests!(every_page_renders_for_every_role);

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn forms_are_csrf_checked_validated_and_change_state(db: TestDb) {
    let app = App::over(db, &demo_options()).await;
    let ids = ids(&app).await;

    // Login: the form's token must match its cookie.
    let page = app.get("/login", &Auth::Anonymous).await;
    let cookie = page.set_cookie("jidi_login_csrf").expect("login cookie");
    let html = page.text();
    assert!(html.contains(&cookie), "the form carries the token");
    let login = |csrf: &str, cookie: &str, password: &str| {
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("_csrf", csrf)
            .append_pair("username", "admin")
            .append_pair("password", password)
            .append_pair("next", "/admin")
            .finish();
        axum::http::Request::builder()
            .method(Method::POST)
            .uri("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("jidi_login_csrf={cookie}"))
            .body(axum::body::Body::from(body))
            .unwrap()
    };
    assert_eq!(
        app.send(login("forged", &cookie, "jidi-admin-2026"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.send(login(&cookie, &cookie, "wrong")).await.status,
        StatusCode::UNAUTHORIZED
    );
    let ok = app.send(login(&cookie, &cookie, "jidi-admin-2026")).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(ok.headers[header::LOCATION], "/admin");
    let session = ok.set_cookie("jidi_session").expect("session cookie");
    let set = ok.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite"),
        "{set}"
    );

    let admin = app.login_cookie("admin").await;
    let Auth::Cookie { csrf, .. } = &admin else {
        unreachable!()
    };
    let admin_page = app.get("/admin", &admin).await.text();
    assert!(
        admin_page.contains(csrf.as_str()),
        "pages carry the session's CSRF token"
    );
    let no_csrf = Auth::Cookie {
        session: session.clone(),
        csrf: String::new(),
    };

    // New base: refused without the token, 422 with messages when invalid, created when valid.
    let fields = [
        ("name", "电子信息(表单)·武汉表单区"),
        ("province_code", "420000"),
        ("prefecture_code", "420100"),
        ("category_code", "information"),
        ("subcategory_code", "electronics"),
        ("series", "advantage"),
        ("tier", "national"),
        ("batch", "10"),
        ("designated_year", "2025"),
        ("designated_on", "2025-06-30"),
        ("leading_industries", "光电子；激光"),
        ("managing_body", "表单管委会"),
        ("area_km2", "8.5"),
    ];
    assert_eq!(
        app.form("/bases/new", &no_csrf, &fields).await.status,
        StatusCode::FORBIDDEN
    );
    let mut bad = fields.to_vec();
    bad[1] = ("province_code", "990000");
    bad[9] = ("designated_on", "2025-02-31");
    let r = app.form("/bases/new", &admin, &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text();
    assert!(
        text.contains("990000") && text.contains("2025-02-31"),
        "the form shows what is wrong"
    );
    assert!(
        text.contains("电子信息(表单)·武汉表单区"),
        "the form keeps what was typed"
    );
    let r = app.form("/bases/new", &admin, &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let location = r.headers[header::LOCATION].to_str().unwrap().to_string();
    let created = app.get(&location, &admin).await;
    assert_eq!(created.status, StatusCode::OK);
    assert!(created.text().contains("表单管委会"));
    let id: i64 = location.rsplit('/').next().unwrap().parse().unwrap();

    // Withdraw through the form.
    let r = app
        .form(
            &format!("/bases/{id}/withdraw"),
            &admin,
            &[("on", "not a date"), ("reason", "x")],
        )
        .await;
    // The page and the API check a withdrawal with one domain rule: field errors are 422.
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .form(
            &format!("/bases/{id}/withdraw"),
            &admin,
            &[("on", "2999-01-01"), ("reason", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a future date");
    assert!(r.text().contains("in the future"), "{}", r.text());
    let r = app
        .form(
            &format!("/bases/{id}/withdraw"),
            &admin,
            &[("on", "2026-05-01"), ("reason", "撤销（测试）")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let after = app.get(&format!("/api/v1/bases/{id}"), &admin).await.json();
    assert_eq!(after["status"], "withdrawn");

    // Users: a short password is refused; a new province user can sign in and is scoped.
    let r = app
        .form(
            "/admin/users",
            &admin,
            &[
                ("username", "gd"),
                ("display_name", "广东"),
                ("password", "short"),
                ("role", "province"),
                ("province_code", "440000"),
                ("base_id", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .form(
            "/admin/users",
            &admin,
            &[
                ("username", "gd"),
                ("display_name", "广东"),
                ("password", "guangdong-2026"),
                ("role", "province"),
                ("province_code", "440000"),
                ("base_id", ""),
            ],
        )
        .await;
    assert!(
        r.status.is_success() || r.status == StatusCode::SEE_OTHER,
        "{}",
        r.status
    );
    let s = app
        .json(
            Method::POST,
            "/api/v1/session",
            &Auth::Anonymous,
            &serde_json::json!({"username": "gd", "password": "guangdong-2026"}),
        )
        .await;
    assert_eq!(s.status, StatusCode::OK);
    assert_eq!(s.json()["user"]["province_code"], "440000");

    // Roll import from the admin page: a bad file is rejected whole, with every problem listed.
    let bad_file = "name,province_code,category_code,tier\n电子信息(上传)·武汉上传区,990000,information,national\n新材料(上传)·长沙上传区,430000,nonsense,national\n";
    let r = upload(
        &app,
        "/admin/import",
        &admin,
        "roll.csv",
        bad_file.as_bytes(),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text();
    assert!(
        text.contains("990000") && text.contains("nonsense"),
        "problems listed"
    );
    let none = app
        .get(&format!("/api/v1/bases?q={}", enc("上传区")), &admin)
        .await
        .json();
    assert_eq!(none["total"], 0, "nothing written");

    // A trial run from the evaluations page, then its deletion; publishing a second run of a year
    // that already has one is refused.
    let evaluator = app.login_cookie("evaluator").await;
    let r = app
        .form(
            "/evaluations",
            &evaluator,
            &[("year", "2025"), ("scheme_id", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let trial = r.headers[header::LOCATION].to_str().unwrap().to_string();
    assert_eq!(app.get(&trial, &evaluator).await.status, StatusCode::OK);
    assert!(
        is_login_redirect(&app.get(&trial, &Auth::Anonymous).await),
        "the public sees a trial"
    );
    assert_eq!(
        app.get(&trial, &app.login_cookie("hubei").await)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = app.form(&format!("{trial}/publish"), &evaluator, &[]).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "only the ministry publishes"
    );
    let r = app.form(&format!("{trial}/publish"), &admin, &[]).await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "2025 already has a published evaluation"
    );
    let r = app.form(&format!("{trial}/delete"), &evaluator, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&trial, &evaluator).await.status,
        StatusCode::NOT_FOUND
    );
    let r = app
        .form(
            &format!("/evaluations/{}/delete", ids.latest_run),
            &admin,
            &[],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "a published run is never deleted"
    );
    let r = app
        .form(
            "/evaluations",
            &evaluator,
            &[("year", "1999"), ("scheme_id", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Scheme: edit a copy (a new version), with validation.
    let edit = format!("/schemes/{}/edit", ids.scheme);
    let r = app
        .form(
            &edit,
            &evaluator,
            &[("mode", "form"), ("name", "试评方案"), ("share_5", "abc")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("share_5"));
    let r = app
        .form(
            &edit,
            &evaluator,
            &[("mode", "toml"), ("toml", "year = \"next\"")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .form(
            &edit,
            &evaluator,
            &[
                ("mode", "form"),
                ("name", "试评方案（加大创新权重）"),
                ("dim_innovation", "0.3"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let new_scheme = r.headers[header::LOCATION].to_str().unwrap().to_string();
    let page = app.get(&new_scheme, &evaluator).await.text();
    assert!(page.contains("试评方案（加大创新权重）"));
    let toml = app
        .get(
            &format!("/api/v1/schemes/{}?format=toml", ids.scheme),
            &evaluator,
        )
        .await;
    assert_eq!(toml.status, StatusCode::OK);
    let r = upload(
        &app,
        "/schemes/import",
        &evaluator,
        "scheme.toml",
        &toml.body,
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "a scheme exported as TOML imports back: {}",
        r.text()
    );

    // Proposals: a decision needs a reason; accepting changes the tier history.
    let proposals = app
        .get(
            "/api/v1/proposals?status=pending&kind=promotion",
            &app.login("admin").await,
        )
        .await
        .json();
    let p = &proposals["items"][0];
    let (pid, base) = (p["id"].as_i64().unwrap(), p["base_id"].as_i64().unwrap());
    let before = app
        .get(&format!("/api/v1/bases/{base}/tier-history"), &admin)
        .await
        .json()
        .as_array()
        .unwrap()
        .len();
    let r = app
        .form(
            &format!("/proposals/{pid}/decision"),
            &admin,
            &[
                ("decision", "accept"),
                ("reason", ""),
                ("back", "/proposals"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let r = app
        .form(
            &format!("/proposals/{pid}/decision"),
            &admin,
            &[
                ("decision", "accept"),
                ("reason", "符合申报条件，同意晋级（测试）"),
                ("back", "/proposals"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let after = app
        .get(&format!("/api/v1/bases/{base}/tier-history"), &admin)
        .await
        .json();
    assert_eq!(after.as_array().unwrap().len(), before + 1);
    assert_eq!(
        after.as_array().unwrap().last().unwrap()["proposal_id"],
        pid
    );
    let again = app
        .form(
            &format!("/proposals/{pid}/decision"),
            &admin,
            &[
                ("decision", "reject"),
                ("reason", "x"),
                ("back", "/proposals"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "a decision is final");
    let timeline = app.get(&format!("/bases/{base}"), &admin).await.text();
    assert!(
        timeline.contains("符合申报条件，同意晋级"),
        "the profile's timeline shows why"
    );

    // Logout ends the session.
    let r = app.form("/logout", &admin, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(is_login_redirect(&app.get("/admin", &admin).await));
    app.finish().await;
}
backend_tests!(forms_are_csrf_checked_validated_and_change_state);

async fn upload(app: &App, path: &str, auth: &Auth, file: &str, bytes: &[u8]) -> Reply {
    let boundary = "jidi-test-boundary";
    let Auth::Cookie { csrf, .. } = auth else {
        panic!("cookie auth")
    };
    let mut body = Vec::new();
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n")
            .as_bytes(),
    );
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    app.call(
        Method::POST,
        path,
        auth,
        Some(&format!("multipart/form-data; boundary={boundary}")),
        body,
    )
    .await
}

/// Regression: the comparison table repeated one dimension score in every row of a base's column
/// (the template indexed the scores with the inner loop's counter). Every cell must be the base's
/// own score of that row's dimension, as its scorecard gives it.
async fn the_comparison_table_shows_each_bases_own_dimension_scores(db: TestDb) {
    let app = App::over(db, &demo_options()).await;
    let ids = ids(&app).await;
    let admin = app.login("admin").await;
    let bases = [ids.donghu, ids.others[0]];
    let page = app
        .get(
            &format!(
                "/compare?run={}&ids={},{}",
                ids.latest_run, bases[0], bases[1]
            ),
            &admin,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let html = page.text();
    let mut cards = Vec::new();
    for b in bases {
        let card = app
            .get(
                &format!("/api/v1/evaluations/{}/results/{b}", ids.latest_run),
                &admin,
            )
            .await
            .json();
        cards.push(card);
    }
    let dims = cards[0]["dimensions"].as_array().unwrap();
    assert_eq!(dims.len(), 6);
    let mut distinct = std::collections::HashSet::new();
    for (k, d) in dims.iter().enumerate() {
        let code = d["code"].as_str().unwrap();
        let expected: Vec<String> = cards
            .iter()
            .map(|c| {
                let score = c["dimensions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|x| x["code"] == code)
                    .unwrap()["score"]
                    .as_f64()
                    .unwrap();
                format!("{score:.1}")
            })
            .collect();
        distinct.insert(expected[0].clone());
        let row = format!(
            "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            expected[0], expected[1]
        );
        assert!(
            html.contains(&row),
            "[{}] dimension {k} ({code}): {row} not in the table",
            app.label()
        );
    }
    assert!(distinct.len() > 1, "the six dimension scores differ");
    // Ranks show their denominator: each base's national rank out of the run's bases.
    let run = app
        .get(&format!("/api/v1/evaluations/{}", ids.latest_run), &admin)
        .await
        .json();
    let n = run["n_bases"].as_i64().unwrap();
    for card in &cards {
        let rank = card["result"]["national_rank"].as_f64().unwrap();
        let cell = format!("<td class=\"num\">{rank:.0}<small> / {n} (");
        assert!(
            html.contains(&cell),
            "[{}] {cell} not in the table",
            app.label()
        );
    }
    app.finish().await;
}
backend_tests!(the_comparison_table_shows_each_bases_own_dimension_scores);

/// The text of a chart's alternative (`<div … id="alt-{id}">…</div>`), markup included.
fn chart_alt<'a>(html: &'a str, id: &str) -> &'a str {
    let open = format!("id=\"alt-{id}\">");
    let start = html
        .find(&open)
        .unwrap_or_else(|| panic!("no text alternative for chart {id}"))
        + open.len();
    let len = html[start..].find("</div>").unwrap();
    &html[start..start + len]
}

/// Issue 13: every chart's text alternative is written by the server with the figures the chart
/// draws, in the page's language, base names marked as Chinese; as every role, in both languages.
async fn charts_carry_their_figures_as_text(db: TestDb) {
    let app = App::over(db, &demo_options()).await;
    let ids = ids(&app).await;
    let l = app.label();
    let mut viewers = vec![("public", Auth::Anonymous)];
    for user in ["admin", "hubei", "donghu", "evaluator"] {
        viewers.push((user, app.login(user).await));
    }
    for (who, auth) in &viewers {
        let stats = app.get("/api/v1/stats", auth).await.json();
        let pair = |v: &Value| (v[0].to_string().replace('"', ""), v[1].as_i64().unwrap());
        let designations: Vec<String> = stats["designations_by_year"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                let (y, n) = pair(v);
                format!("{y}: {n}")
            })
            .collect();
        let mut by_province: Vec<i64> = stats["by_province"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| pair(v).1)
            .collect();
        by_province.sort_unstable_by(|a, b| b.cmp(a));
        for lang in ["zh", "en"] {
            let html = app.get(&format!("/?lang={lang}"), auth).await.text();
            assert_eq!(
                chart_alt(&html, "designations"),
                designations.join("; "),
                "{l} {who} {lang}"
            );
            // The ranked provinces: every province with its count, largest first.
            let shown: Vec<i64> = chart_alt(&html, "provinces")
                .split("; ")
                .map(|p| p.rsplit(": ").next().unwrap().parse().unwrap())
                .collect();
            assert_eq!(shown, by_province, "{l} {who} {lang}");
            assert!(html.contains("data-chart=\"provinces\" role=\"img\" aria-label=\""));
        }
    }

    // A scorecard's radar: the base's, the median's and the best's score of each dimension; the
    // comparison: each base by name (marked Chinese) with its dimension scores.
    let run = ids.latest_run;
    let bases = [ids.donghu, ids.others[0]];
    let admin = &viewers[1].1;
    let mut cards = Vec::new();
    for b in bases {
        cards.push(
            app.get(&format!("/api/v1/evaluations/{run}/results/{b}"), admin)
                .await
                .json(),
        );
    }
    for (who, auth) in [("admin", admin), ("donghu", &viewers[3].1)] {
        for lang in ["zh", "en"] {
            let html = app
                .get(
                    &format!("/evaluations/{run}/bases/{}?lang={lang}", bases[0]),
                    auth,
                )
                .await
                .text();
            let radar = chart_alt(&html, "radar");
            let dims = cards[0]["dimensions"].as_array().unwrap();
            let parts: Vec<&str> = radar.split("; ").collect();
            assert_eq!(parts.len(), dims.len(), "{l} {who} {lang}: {radar}");
            for (part, d) in parts.iter().zip(dims) {
                for key in ["score", "median", "best"] {
                    let x = format!("{:.1}", d[key].as_f64().unwrap());
                    assert!(
                        part.contains(&x),
                        "{l} {who} {lang}: {part} lacks {key} {x}"
                    );
                }
            }
        }
    }
    let html = app
        .get(
            &format!("/compare?run={run}&ids={},{}&lang=en", bases[0], bases[1]),
            admin,
        )
        .await
        .text();
    let alt = chart_alt(&html, "compare-radar");
    let parts: Vec<&str> = alt.split("; ").collect();
    assert_eq!(parts.len(), 2, "{l}: {alt}");
    for (part, card) in parts.iter().zip(&cards) {
        let name = card["result"]["name"].as_str().unwrap();
        let marked = format!("<span lang=\"zh-CN\">{name}</span>: ");
        assert!(part.starts_with(&marked), "{l}: {part}");
        let rest = &part[marked.len()..];
        assert!(
            !rest.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{l}: English outside the name: {rest}"
        );
        let mut at = 0;
        for d in card["dimensions"].as_array().unwrap() {
            let x = format!("{:.1}", d["score"].as_f64().unwrap());
            let found = rest[at..]
                .find(&x)
                .unwrap_or_else(|| panic!("{l}: {rest} lacks {x} after {at}"));
            at += found + x.len();
        }
    }
    app.finish().await;
}
backend_tests!(charts_carry_their_figures_as_text);
