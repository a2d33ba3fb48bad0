//! The managed catalogue through the API and the pages, as every role, on both backends: every
//! role reads the same figures on the page as in the API and in the downloads; only the ministry
//! edits (one indicator by API or form, a whole file by API or upload), each edit a new version
//! that the checks follow at once; refusals name the row and column and save nothing.

use crate::support;

use axum::http::{Method, StatusCode};
use jidi_test_support::{TestDb, backend_tests};
use serde_json::{Value, json};
use support::{App, Auth, assert_error, demo_options};

const ROLES: [&str; 5] = ["", "admin", "hubei", "donghu", "evaluator"];

fn multipart(auth: &Auth, name: &str, bytes: &[u8], fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = "jidi-test-boundary-c4t";
    let mut body = Vec::new();
    let mut text = |k: &str, v: &str| {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        )
    };
    if let Auth::Cookie { csrf, .. } = auth {
        text("_csrf", csrf);
    }
    for (k, v) in fields {
        text(k, v);
    }
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .as_bytes(),
    );
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The text of the `<td class="{class}">` cell of the row `data-code="{code}"` of a page.
fn cell(html: &str, code: &str, class: &str) -> String {
    let row = html
        .split(&format!("<tr data-code=\"{code}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no row {code}"));
    let row = &row[..row.find("</tr>").unwrap()];
    let at = row
        .find(&format!("class=\"{class}\">"))
        .or_else(|| row.find(&format!("class=\"num {class}\">")))
        .unwrap_or_else(|| panic!("no cell {class} in {code}"));
    let rest = &row[at..];
    let rest = &rest[rest.find('>').unwrap() + 1..];
    rest[..rest.find('<').unwrap()].trim().to_string()
}

fn entry<'a>(catalogue: &'a Value, code: &str) -> &'a Value {
    catalogue["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == code)
        .unwrap_or_else(|| panic!("no {code}"))
}

async fn catalogue_on_every_backend(db: TestDb) {
    let mut options = demo_options();
    options.evaluations = false;
    let app = App::over(db, &options).await;
    let l = app.label();

    // Every role reads version 1: the page's rows and figures are the API's.
    let api = app.get("/api/v1/catalogue", &Auth::Anonymous).await;
    assert_eq!(api.status, StatusCode::OK, "{l}");
    let v1 = api.json();
    assert_eq!(v1["version"]["version"], 1, "{l}");
    assert_eq!(v1["indicators"].as_array().unwrap().len(), 68, "{l}");
    let rd = entry(&v1, "rd_intensity");
    assert_eq!(
        (rd["min"].as_f64(), rd["max"].as_f64()),
        (Some(0.0), Some(100.0))
    );
    for role in ROLES {
        let auth = if role.is_empty() {
            Auth::Anonymous
        } else {
            app.login_cookie(role).await
        };
        let page = app.get("/catalogue", &auth).await;
        assert_eq!(page.status, StatusCode::OK, "{l} {role}: {}", page.text());
        let html = page.text();
        assert_eq!(html.matches("<tr data-code=").count(), 68, "{l} {role}");
        assert_eq!(cell(&html, "rd_intensity", "range"), "0–100", "{l} {role}");
        assert_eq!(cell(&html, "rev_main", "yoy-warn"), "±50%", "{l} {role}");
        assert_eq!(cell(&html, "rev_main", "unit"), "亿元", "{l} {role}");
        assert!(html.contains("data-version=\"1\""), "{l} {role}");
        assert_eq!(
            html.contains("id=\"catalogue-upload\""),
            role == "admin",
            "{l} {role}: only the ministry uploads"
        );
        let monthly = app.get("/catalogue?frequency=monthly", &auth).await.text();
        assert_eq!(monthly.matches("<tr data-code=").count(), 22, "{l} {role}");
        let one = app.get("/catalogue/rd_intensity", &auth).await;
        assert_eq!(one.status, StatusCode::OK, "{l} {role}");
        assert_eq!(
            one.text().contains("id=\"indicator-edit\""),
            role == "admin",
            "{l} {role}"
        );
    }
    // English mode names units in English.
    let en = app
        .call(
            Method::GET,
            "/catalogue?lang=en",
            &Auth::Anonymous,
            None,
            Vec::new(),
        )
        .await
        .text();
    assert!(en.contains("Indicator catalogue"), "{l}");
    assert_eq!(cell(&en, "rev_main", "unit"), "100 million yuan", "{l}");
    // The downloads hold the same catalogue: CSV and XLSX read back to 68 rows.
    for format in ["csv", "xlsx"] {
        let file = app
            .get(
                &format!("/api/v1/catalogue?format={format}"),
                &Auth::Anonymous,
            )
            .await;
        assert_eq!(file.status, StatusCode::OK, "{l} {format}");
        let table = jidi_tabular::read(&format!("c.{format}"), &file.body).unwrap();
        assert_eq!(table.rows.len(), 68, "{l} {format}");
        let c = jidi_collect::ManagedCatalogue::from_table(&table).unwrap();
        assert_eq!(
            c.get("rd_intensity").unwrap().spec.max,
            Some(100.0),
            "{l} {format}"
        );
    }

    // Only the ministry edits.
    let mut tighter = rd.clone();
    tighter["max"] = json!(60.0);
    let body = json!({"based_on": 1, "reason": "研发强度上限收紧到60%", "indicator": tighter});
    for role in ["hubei", "donghu", "evaluator"] {
        let auth = app.login(role).await;
        let r = app
            .json(
                Method::PUT,
                "/api/v1/catalogue/indicators/rd_intensity",
                &auth,
                &body,
            )
            .await;
        assert_error(&r, StatusCode::FORBIDDEN, &format!("{l} {role}"));
    }
    let anon = app
        .json(
            Method::PUT,
            "/api/v1/catalogue/indicators/rd_intensity",
            &Auth::Anonymous,
            &body,
        )
        .await;
    assert_error(&anon, StatusCode::UNAUTHORIZED, l);
    let admin = app.login("admin").await;
    let r = app
        .json(
            Method::PUT,
            "/api/v1/catalogue/indicators/rd_intensity",
            &admin,
            &body,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
    let saved = r.json();
    assert_eq!(saved["status"], "saved", "{l}");
    assert_eq!(saved["version"]["version"], 2, "{l}");
    assert_eq!(
        saved["changes"],
        json!([{"code": "rd_intensity", "kind": "changed", "columns": ["max"]}]),
        "{l}"
    );
    let page = app
        .get("/catalogue/rd_intensity", &Auth::Anonymous)
        .await
        .text();
    assert!(page.contains("0–60"), "{l}: the page shows the new range");
    // The checks follow: 75 % is now out of range.
    let donghu = app.base_id("电子信息(光电子)·武汉东湖新技术开发区").await;
    let check = app
        .json(
            Method::POST,
            "/api/v1/values/check",
            &admin,
            &json!({"base_id": donghu, "period": "2025", "values": {"rd_intensity": 75}}),
        )
        .await;
    assert_eq!(check.status, StatusCode::OK, "{l}: {}", check.text());
    assert!(
        check.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "out_of_range"),
        "{l}: {}",
        check.text()
    );
    // A stale edit is a conflict.
    let stale = app
        .json(
            Method::PUT,
            "/api/v1/catalogue/indicators/rd_intensity",
            &admin,
            &body,
        )
        .await;
    assert_error(&stale, StatusCode::CONFLICT, l);
    // A refused edit names the column and saves nothing.
    let mut bad = tighter.clone();
    bad["direction"] = json!("sideways");
    let r = app
        .json(
            Method::PUT,
            "/api/v1/catalogue/indicators/rd_intensity",
            &admin,
            &json!({"reason": "错误的方向", "indicator": bad}),
        )
        .await;
    let e = assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, l);
    assert_eq!(e["error"]["fields"][0]["field"], "direction", "{l}: {e}");

    // The ministry's page form: a bad bound is shown on its field; a good edit saves version 3.
    let cookie = app.login_cookie("admin").await;
    let mut fields: Vec<(String, String)> = Vec::new();
    let current = app.get("/api/v1/catalogue", &Auth::Anonymous).await.json();
    let m_fai = entry(&current, "m_fai");
    for (k, v) in m_fai.as_object().unwrap() {
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => {
                if *b {
                    "yes".into()
                } else {
                    continue;
                }
            }
            Value::Null => String::new(),
            Value::Array(a) if k == "accepted_units" => a
                .iter()
                .map(|u| format!("{}:{}", u["unit"].as_str().unwrap(), u["factor"]))
                .collect::<Vec<_>>()
                .join(";"),
            Value::Array(a) => a
                .iter()
                .map(|x| x.as_str().unwrap())
                .collect::<Vec<_>>()
                .join(";"),
            Value::Object(_) => unreachable!(),
        };
        fields.push((k.clone(), text));
    }
    let form = |overrides: &[(&str, &str)]| -> Vec<(String, String)> {
        let mut f = fields.clone();
        for (k, v) in overrides {
            match f.iter_mut().find(|(n, _)| n == k) {
                Some(p) => p.1 = v.to_string(),
                None => f.push((k.to_string(), v.to_string())),
            }
        }
        f
    };
    let as_pairs = |f: &[(String, String)]| -> Vec<(String, String)> { f.to_vec() };
    let bad = as_pairs(&form(&[
        ("min", "abc"),
        ("reason", "试错"),
        ("based_on", "2"),
    ]));
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = app.form("/catalogue/indicators", &cookie, &bad).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{l}: {}",
        r.text()
    );
    assert!(r.text().contains("data-column=\"min\""), "{l}");
    let province = app.login_cookie("hubei").await;
    let r = app.form("/catalogue/indicators", &province, &bad).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
    let good = as_pairs(&form(&[
        ("status", "retired"),
        ("reason", "停用固定资产投资增速"),
        ("based_on", "2"),
    ]));
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = app.form("/catalogue/indicators", &cookie, &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.text());
    let v3 = app.get("/api/v1/catalogue", &Auth::Anonymous).await.json();
    assert_eq!(v3["version"]["version"], 3, "{l}");
    assert_eq!(entry(&v3, "m_fai")["status"], "retired", "{l}");
    assert_eq!(
        entry(&v3, "m_fai")["min"],
        m_fai["min"],
        "{l}: the other columns kept"
    );
    let retired_page = app
        .get("/catalogue?status=retired", &Auth::Anonymous)
        .await
        .text();
    assert_eq!(retired_page.matches("<tr data-code=").count(), 1, "{l}");

    // A whole file by the upload form: a new unit for stored values is refused with its row.
    let csv = app
        .get("/api/v1/catalogue?format=csv", &Auth::Anonymous)
        .await;
    let text = String::from_utf8(csv.body.clone()).unwrap();
    let rev_row = text
        .lines()
        .position(|line| line.starts_with("rev_main,"))
        .unwrap()
        + 1;
    let changed: String = text
        .lines()
        .map(|line| {
            if line.starts_with("rev_main,") {
                let mut cells: Vec<&str> = line.split(',').collect();
                cells[3] = "万元";
                cells[4] = "万元:1;亿元:10000";
                cells.join(",")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(changed, text);
    let (ct, body) = multipart(
        &cookie,
        "catalogue.csv",
        changed.as_bytes(),
        &[("reason", "改单位"), ("based_on", "3")],
    );
    let r = app
        .call(Method::POST, "/catalogue", &cookie, Some(&ct), body)
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{l}: {}",
        r.text()
    );
    let problems = r.text();
    let problems = &problems[problems.find("catalogue-problems").unwrap()..];
    assert!(
        problems.contains(&format!("<td class=\"num\">{rev_row}</td><td>unit</td>")),
        "{l}: row {rev_row}: {}",
        &problems[..2000.min(problems.len())]
    );
    let (ct, body) = multipart(
        &province,
        "catalogue.csv",
        text.as_bytes(),
        &[("reason", "x")],
    );
    let r = app
        .call(Method::POST, "/catalogue", &province, Some(&ct), body)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
    // The same file back with one more indicator, through the API: version 4.
    let more = format!(
        "{text}orders_new,新签订单额,New orders signed,亿元,万元:0.0001;亿元:1,annual,no,benefit,strength,,,0,,0.5,4,no,,active\n"
    );
    let r = app
        .call(
            Method::POST,
            "/api/v1/catalogue?reason=%E6%96%B0%E5%A2%9E&based_on=3&file=c.csv",
            &admin,
            Some("text/csv"),
            more.into_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
    assert_eq!(r.json()["changes"][0]["kind"], "added", "{l}");
    let versions = app
        .get("/api/v1/catalogue/versions", &Auth::Anonymous)
        .await
        .json();
    let numbers: Vec<i64> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, vec![4, 3, 2, 1], "{l}");
    // A file downloaded as version 3 and uploaded from a page that shows version 4 is refused:
    // its name says what it was made from, and it would undo version 4.
    let (ct, body) = multipart(
        &cookie,
        "catalogue-v3 (1).csv",
        text.as_bytes(),
        &[("reason", "旧文件"), ("based_on", "4")],
    );
    let r = app
        .call(Method::POST, "/catalogue", &cookie, Some(&ct), body)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{l}: {}", r.text());
    let current = app.get("/api/v1/catalogue", &Auth::Anonymous).await.json();
    assert_eq!(current["version"]["version"], 4, "{l}: nothing saved");
    let page = app.get("/catalogue", &cookie).await.text();
    assert_eq!(page.matches("<tr data-code=").count(), 69, "{l}");
    // Each change is in the audit log of its indicator.
    let audit = app
        .get(
            "/api/v1/audit?entity=indicator&entity_id=rd_intensity",
            &admin,
        )
        .await;
    assert_eq!(audit.status, StatusCode::OK, "{l}: {}", audit.text());
    let text = audit.json().to_string();
    assert!(text.contains("研发强度上限收紧到60%"), "{l}: {text}");
    app.finish().await;
}
backend_tests!(catalogue_on_every_backend);
