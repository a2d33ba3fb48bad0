//! The collection pages on both backends, as every role: the form shows the stored figures
//! (last period, peers' range computed here from the store), scope holds (a base only itself, a
//! province only its own submissions), a base's form submission waits for review and its
//! province accepts it through the pages, the live check finds what an upload would, and the
//! XLSX template filled in and uploaded back is accepted.

use crate::support;

use std::time::Instant;

use axum::http::{Method, StatusCode, header};
use jidi_domain::access::Role;
use jidi_store::{Frequency, NewUser};
use jidi_test_support::{TestDb, backend_tests};
use serde_json::json;
use support::{App, Auth, Reply, demo_options};

const DONGHU: &str = "电子信息(光电子)·武汉东湖新技术开发区";

/// The value of attribute `name` in the tag with `id="{id}"`.
fn attr(html: &str, id: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let start = html[..at].rfind('<')?;
    let end = at + html[at..].find('>')?;
    let tag = &html[start..end];
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    let j = tag[i..].find('"')?;
    Some(tag[i..i + j].to_string())
}

fn num_attr(html: &str, id: &str, name: &str) -> Option<f64> {
    attr(html, id, name).and_then(|v| v.parse().ok())
}

fn location(r: &Reply) -> String {
    r.headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

async fn stored(app: &App, base: i64, year: i32, code: &str) -> Option<f64> {
    app.state
        .store
        .values_between(Frequency::Annual, year, year, &[code.to_string()])
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.base_id == base)
        .map(|v| v.value)
}

/// Signs in `username` with `password` and returns the cookie session.
async fn cookie_of(app: &App, username: &str, password: &str) -> Auth {
    let r = app
        .json(
            Method::POST,
            "/api/v1/session",
            &Auth::Anonymous,
            &json!({"username": username, "password": password}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    Auth::Cookie {
        session: r.set_cookie("jidi_session").unwrap(),
        csrf: r.json()["csrf_token"].as_str().unwrap().to_string(),
    }
}

fn multipart(auth: &Auth, name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "jidi-test-boundary-7d1f";
    let mut body = Vec::new();
    if let Auth::Cookie { csrf, .. } = auth {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .as_bytes(),
    );
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn collection_pages_on_every_backend(db: TestDb) {
    let app = App::over(db, &demo_options()).await;
    let l = app.label();
    let store = app.state.store.clone();
    let admin = app.login_cookie("admin").await;
    let hubei = app.login_cookie("hubei").await;
    let donghu = app.login_cookie("donghu").await;
    let evaluator = app.login_cookie("evaluator").await;
    let anon = Auth::Anonymous;
    let donghu_id = app.base_id(DONGHU).await;
    let base = store.base(donghu_id).await.unwrap().unwrap();
    let year = *store.annual_years().await.unwrap().iter().max().unwrap();

    // A second province (Guangdong), created through the store.
    let hash = jidi_service::passwords::hash_blocking("guangdong-test-2026".into())
        .await
        .unwrap();
    store
        .create_user(
            &NewUser {
                username: "guangdong".into(),
                display_name: "广东省（测试）".into(),
                password_hash: hash,
                role: Role::Province,
                province_code: Some("440000".into()),
                base_id: None,
            },
            None,
        )
        .await
        .unwrap();
    let guangdong = cookie_of(&app, "guangdong", "guangdong-test-2026").await;
    // A base of another province, for scope.
    let hunan_base = app
        .get("/api/v1/bases?province=430000&per_page=1", &anon)
        .await
        .json()["items"][0]["id"]
        .as_i64()
        .unwrap();

    // Who may open what.
    let form = format!("/values?base={donghu_id}&period={year}");
    let template = format!("/values/template?base={donghu_id}&period={year}");
    for (path, expect) in [
        (
            form.as_str(),
            [None, Some(200), Some(200), Some(200), Some(403), Some(403)],
        ),
        (
            "/values",
            [None, Some(200), Some(200), Some(200), Some(403), Some(200)],
        ),
        (
            template.as_str(),
            [None, Some(200), Some(200), Some(200), Some(403), Some(403)],
        ),
        (
            "/submissions",
            [None, Some(200), Some(200), Some(200), Some(403), Some(200)],
        ),
        (
            "/audit",
            [None, Some(200), Some(403), Some(403), Some(403), Some(403)],
        ),
    ] {
        for (who, auth, want) in [
            ("anonymous", &anon, expect[0]),
            ("admin", &admin, expect[1]),
            ("hubei", &hubei, expect[2]),
            ("donghu", &donghu, expect[3]),
            ("evaluator", &evaluator, expect[4]),
            ("guangdong", &guangdong, expect[5]),
        ] {
            let r = app.get(path, auth).await;
            match want {
                None => assert!(
                    r.status == StatusCode::SEE_OTHER && location(&r).starts_with("/login"),
                    "{l}: {who} {path}: {}",
                    r.status
                ),
                Some(code) => assert_eq!(r.status.as_u16(), code, "{l}: {who} {path}"),
            }
        }
    }
    // A base cannot open another base's form or template; nor a province another's.
    for path in [
        format!("/values?base={hunan_base}&period={year}"),
        format!("/values/template?base={hunan_base}&period={year}"),
    ] {
        assert_eq!(
            app.get(&path, &donghu).await.status,
            StatusCode::FORBIDDEN,
            "{l}: {path}"
        );
        assert_eq!(
            app.get(&path, &hubei).await.status,
            StatusCode::FORBIDDEN,
            "{l}: {path}"
        );
    }
    assert_eq!(
        app.get("/values?base=99999999", &admin).await.status,
        StatusCode::NOT_FOUND
    );

    // The figures beside each field are the stored ones.
    let page = app.get(&form, &donghu).await.text();
    assert!(page.contains("数据填报") && page.contains(DONGHU), "{l}");
    let prev = stored(&app, donghu_id, year - 1, "rev_main").await.unwrap();
    assert_eq!(
        num_attr(&page, "prev-rev_main", "data-value"),
        Some(prev),
        "{l}: last year's revenue shown for Donghu"
    );
    let current = stored(&app, donghu_id, year, "rev_main").await.unwrap();
    assert_eq!(
        num_attr(&page, "v-rev_main", "value"),
        Some(current),
        "{l}: the accepted value fills the field"
    );
    // The peers' range: the other bases of the category, this year (three or more reported).
    let peers: Vec<i64> = store
        .all_bases(
            &jidi_store::BaseFilter {
                category: Some(base.facts.category_code.clone()),
                ..Default::default()
            },
            &jidi_domain::access::ListScope::Everything,
            jidi_store::BaseSort::Id,
            jidi_store::SortOrder::Asc,
        )
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.id)
        .filter(|&b| b != donghu_id)
        .collect();
    let mut xs: Vec<f64> = store
        .values_between(Frequency::Annual, year, year, &["rev_main".into()])
        .await
        .unwrap()
        .into_iter()
        .filter(|v| peers.contains(&v.base_id))
        .map(|v| v.value)
        .collect();
    assert!(xs.len() >= 3, "{l}: peers reported {year}");
    xs.sort_by(f64::total_cmp);
    assert_eq!(
        num_attr(&page, "peers-rev_main", "data-min"),
        Some(xs[0]),
        "{l}"
    );
    assert_eq!(
        num_attr(&page, "peers-rev_main", "data-max"),
        xs.last().copied(),
        "{l}"
    );
    assert_eq!(
        attr(&page, "peers-rev_main", "data-n"),
        Some(xs.len().to_string()),
        "{l}"
    );
    let n_annual = jidi_collect::CheckCatalogue::standard()
        .specs()
        .iter()
        .filter(|s| s.frequency == jidi_collect::Frequency::Annual)
        .count();
    assert_eq!(
        page.matches("data-field=\"").count(),
        n_annual,
        "{l}: one field per annual indicator"
    );
    let en = app.get(&format!("{form}&lang=en"), &donghu).await.text();
    assert!(
        en.contains("Report data") && en.contains("Peer range"),
        "{l}"
    );

    // The live check: the same findings as an upload, nothing written.
    let next = year + 1;
    let jump = (current * 1.8).to_string();
    let check = |auth: Auth, body: serde_json::Value| {
        let app = &app;
        async move {
            app.json(Method::POST, "/api/v1/values/check", &auth, &body)
                .await
        }
    };
    let r = check(
        donghu.clone(),
        json!({"base_id": donghu_id, "period": next.to_string(), "values": {"rev_main": jump, "ent_above_scale": "约30", "rd_intensity": 120}}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
    let j = r.json();
    let rules: Vec<(String, String, String)> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["indicator"].as_str().unwrap_or("").to_string(),
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        rules.contains(&("rev_main".into(), "jump".into(), "warning".into())),
        "{l}: {rules:?}"
    );
    eprintln!("[{l}] check findings: {rules:?}");
    assert!(
        rules.contains(&(
            "ent_above_scale".into(),
            "bad_number".into(),
            "error".into()
        )),
        "{l}: {rules:?}"
    );
    assert!(
        rules.contains(&("rd_intensity".into(), "out_of_range".into(), "error".into())),
        "{l}: {rules:?}"
    );
    assert_eq!(
        j["warnings"],
        rules.iter().filter(|r| r.2 == "warning").count(),
        "{l}: {j}"
    );
    assert_eq!(
        stored(&app, donghu_id, next, "rev_main").await,
        None,
        "{l}: nothing written"
    );
    let r = check(
        guangdong.clone(),
        json!({"base_id": donghu_id, "period": next.to_string(), "values": {"rev_main": 1}}),
    )
    .await;
    assert!(r.text().contains("out_of_scope"), "{l}: {}", r.text());
    assert_eq!(
        check(
            evaluator.clone(),
            json!({"base_id": donghu_id, "period": "2024", "values": {}})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        check(
            anon.clone(),
            json!({"base_id": donghu_id, "period": "2024", "values": {}})
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
    let mut times = Vec::new();
    for i in 0..10 {
        let started = Instant::now();
        let r = check(
            donghu.clone(),
            json!({"base_id": donghu_id, "period": next.to_string(), "values": {"rev_main": current * (1.0 + i as f64 / 10.0), "output_gross": 1000, "va_ind": 300}}),
        )
        .await;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(r.status, StatusCode::OK);
    }
    times.sort_by(f64::total_cmp);
    eprintln!(
        "[{l}] POST /api/v1/values/check: median {:.1} ms, max {:.1} ms over 10 calls (debug build)",
        times[5], times[9]
    );

    // Submitting the form as the base: a warning without an explanation refuses it.
    let r = app
        .form(
            "/values",
            &donghu,
            &[
                ("base", &donghu_id.to_string()),
                ("period", &next.to_string()),
                ("v.rev_main", &jump),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
    let text = r.text();
    assert_eq!(
        attr(&text, "outcome", "data-status").as_deref(),
        Some("rejected"),
        "{l}"
    );
    assert!(
        text.contains("需填写情况说明") && text.contains("data-rule=\"jump\""),
        "{l}"
    );
    assert!(
        text.contains(&format!("value=\"{jump}\"")),
        "{l}: the typed value is kept"
    );
    // Errors are listed by field.
    let r = app
        .form(
            "/values",
            &donghu,
            &[
                ("base", &donghu_id.to_string()),
                ("period", &next.to_string()),
                ("v.rev_main", "abc"),
                ("v.rd_intensity", "120"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text();
    assert!(
        text.contains("data-rule=\"bad_number\" data-indicator=\"rev_main\""),
        "{l}"
    );
    assert!(
        text.contains("data-rule=\"out_of_range\" data-indicator=\"rd_intensity\""),
        "{l}"
    );
    // Another base's form is refused.
    let r = app
        .form(
            "/values",
            &donghu,
            &[
                ("base", &hunan_base.to_string()),
                ("period", &next.to_string()),
                ("v.rev_main", "10"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
    // With the explanation it is submitted, not yet in force.
    let r = app
        .form(
            "/values",
            &donghu,
            &[
                ("base", &donghu_id.to_string()),
                ("period", &next.to_string()),
                ("v.rev_main", &jump),
                ("e.rev_main", "新建光电子产业园投产"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
    let text = r.text();
    assert!(text.contains("已提交，等待审核"), "{l}");
    assert_eq!(
        stored(&app, donghu_id, next, "rev_main").await,
        None,
        "{l}: waits for review"
    );
    let pending = store
        .submissions(
            &jidi_store::SubmissionFilter {
                base_id: Some(donghu_id),
                ..Default::default()
            },
            1,
        )
        .await
        .unwrap();
    let id = pending[0].id;
    assert_eq!(pending[0].province_code, "420000");

    // Review: another province neither sees nor decides it.
    let list = app.get("/submissions", &guangdong).await.text();
    assert!(!list.contains(&format!("id=\"submission-{id}\"")), "{l}");
    let r = app
        .form(
            &format!("/submissions/{id}/review"),
            &guangdong,
            &[("decision", "accept")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}");
    let r = app
        .form(
            &format!("/submissions/{id}/review"),
            &donghu,
            &[("decision", "accept")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "{l}: a base does not review itself"
    );
    // Hubei sees it beside the accepted value (none yet), with the explanation.
    let list = app
        .get("/submissions?status=submitted", &hubei)
        .await
        .text();
    assert!(list.contains(&format!("id=\"submission-{id}\"")), "{l}");
    assert!(
        list.contains("新建光电子产业园投产") && list.contains("data-rule=\"jump\""),
        "{l}"
    );
    assert!(list.contains(&format!("id=\"accept-{id}\"")), "{l}");
    // Returning needs a comment.
    let r = app
        .form(
            &format!("/submissions/{id}/review"),
            &hubei,
            &[("decision", "return")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}");
    let r = app
        .form(
            &format!("/submissions/{id}/review"),
            &hubei,
            &[("decision", "accept"), ("comment", "核实无误")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.text());
    assert_eq!(
        stored(&app, donghu_id, next, "rev_main").await,
        Some(jump.parse().unwrap()),
        "{l}: accepted values are in force"
    );
    let r = app
        .form(
            &format!("/submissions/{id}/review"),
            &hubei,
            &[("decision", "accept")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{l}: once only");
    let own = app.get("/submissions", &donghu).await.text();
    assert_eq!(
        attr(&own, &format!("submission-{id}"), "data-status").as_deref(),
        Some("accepted"),
        "{l}"
    );
    assert!(
        own.contains("核实无误") && !own.contains(&format!("id=\"accept-{id}\"")),
        "{l}"
    );

    // The audit page: the submission and its acceptance, by user.
    let audit = app.get("/audit", &admin).await.text();
    assert!(
        audit.contains("submit_values") && audit.contains("accept_values"),
        "{l}"
    );
    let by_hubei = app.get("/audit?user=hubei", &admin).await.text();
    assert!(
        by_hubei.contains("accept_values") && !by_hubei.contains("submit_values"),
        "{l}"
    );
    let one = app
        .get(
            &format!("/audit?entity=value_submission&entity_id={id}"),
            &admin,
        )
        .await
        .text();
    assert!(one.contains("submit_values"), "{l}");
    assert_eq!(
        app.get("/audit?before=abc", &admin).await.status,
        StatusCode::BAD_REQUEST
    );

    // The template: filled in and uploaded back, accepted (a province's upload is in force).
    let later = next + 1;
    let r = app
        .get(
            &format!("/values/template?base={donghu_id}&period={later}"),
            &hubei,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{l}");
    let table = jidi_tabular::read("t.xlsx", &r.body).unwrap();
    assert_eq!(
        table.header,
        jidi_service::values::TEMPLATE_HEADER
            .map(String::from)
            .to_vec()
    );
    assert_eq!(table.rows.len(), n_annual, "{l}");
    let rev = table
        .rows
        .iter()
        .find(|r| r.cells[3] == "rev_main")
        .unwrap();
    assert_eq!(rev.cells[0], donghu_id.to_string());
    assert_eq!(rev.cells[2], later.to_string());
    assert_eq!(rev.cells[5], "亿元");
    assert_eq!(
        rev.cells[8].parse::<f64>().ok(),
        Some(jump.parse::<f64>().unwrap()),
        "{l}: last period's value"
    );
    let filled: Vec<Vec<jidi_tabular::Cell>> = table
        .rows
        .iter()
        .map(|row| {
            row.cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    if i == 4 && row.cells[3] == "rev_main" {
                        jidi_tabular::Cell::Number(jump.parse::<f64>().unwrap() * 1.1)
                    } else if c.is_empty() {
                        jidi_tabular::Cell::Empty
                    } else {
                        jidi_tabular::Cell::Text(c.clone())
                    }
                })
                .collect()
        })
        .collect();
    let xlsx = jidi_tabular::write_xlsx("values", &jidi_service::values::TEMPLATE_HEADER, &filled)
        .unwrap();
    let (ct, body) = multipart(&hubei, "filled.xlsx", &xlsx);
    let r = app
        .call(
            Method::POST,
            &format!("/values/upload?base={donghu_id}&period={later}"),
            &hubei,
            Some(&ct),
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
    assert_eq!(
        attr(&r.text(), "outcome", "data-status").as_deref(),
        Some("accepted"),
        "{l}"
    );
    assert!(r.text().contains("已接收，数据已生效"));
    assert_eq!(
        stored(&app, donghu_id, later, "rev_main").await,
        Some(jump.parse::<f64>().unwrap() * 1.1),
        "{l}: the template round trip is accepted"
    );
    // A bad file lists every problem with row, column and rule.
    let csv = format!(
        "base_id,period,indicator,value\n{donghu_id},{later},rev_mian,1\n{donghu_id},{later},rd_intensity,abc\n"
    );
    let (ct, body) = multipart(&donghu, "bad.csv", csv.as_bytes());
    let r = app
        .call(Method::POST, "/values/upload", &donghu, Some(&ct), body)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
    let text = r.text();
    assert!(
        text.contains("data-rule=\"unknown_indicator\"")
            && text.contains("data-rule=\"bad_number\""),
        "{l}"
    );
    assert!(
        text.contains("<td>2</td>") && text.contains("<td>3</td>"),
        "{l}: rows named"
    );
    app.finish().await;
}
backend_tests!(collection_pages_on_every_backend);
