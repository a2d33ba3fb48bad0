//! The province workbook in the browser's routes, as every role on both backends: who may have
//! one (a province its own, the ministry any; not a base, an evaluator or the public), that the
//! page counts the bases the roll API lists and the file holds the figures the values API
//! exports, and that an upload is accepted or refused whole with the sheet's row and column.

use crate::support;

use axum::http::{Method, StatusCode};
use jidi_tabular::Cell;
use jidi_test_support::{TestDb, backend_tests};
use support::{App, Auth, demo_options};

fn multipart(auth: &Auth, name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "jidi-test-boundary-wb";
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

fn attr(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("{name}=\""))
        .unwrap_or_else(|| panic!("no {name}"));
    let rest = &html[at + name.len() + 2..];
    rest[..rest.find('"').unwrap()].to_string()
}

async fn workbook_on_every_backend(db: TestDb) {
    let mut options = demo_options();
    options.evaluations = false;
    let app = App::over(db, &options).await;
    let l = app.label();

    // Who may: a province (its own), the ministry (any); not the others.
    let anon = app
        .get("/values/workbook?period=2025", &Auth::Anonymous)
        .await;
    assert!(
        anon.status.is_redirection() || anon.status == StatusCode::UNAUTHORIZED,
        "{l}: {}",
        anon.status
    );
    for role in ["donghu", "evaluator"] {
        let auth = app.login_cookie(role).await;
        for path in [
            "/values/workbook?period=2025",
            "/values/workbook.xlsx?period=2025",
        ] {
            assert_eq!(
                app.get(path, &auth).await.status,
                StatusCode::FORBIDDEN,
                "{l} {role} {path}"
            );
        }
    }
    let hubei = app.login_cookie("hubei").await;
    assert_eq!(
        app.get("/values/workbook?period=2025&province=430000", &hubei)
            .await
            .status,
        StatusCode::FORBIDDEN,
        "{l}: another province's workbook"
    );
    let admin = app.login_cookie("admin").await;
    for (auth, province) in [(&hubei, "420000"), (&admin, "420000"), (&admin, "430000")] {
        let page = app
            .get(
                &format!("/values/workbook?period=2025&province={province}"),
                auth,
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::OK,
            "{l} {province}: {}",
            page.text()
        );
        let listed = app
            .get(
                &format!("/api/v1/bases?province={province}&status=current&per_page=1"),
                auth,
            )
            .await
            .json();
        let shown: i64 = attr(&page.text(), "data-bases").parse().unwrap();
        assert_eq!(
            shown,
            listed["total"].as_i64().unwrap(),
            "{l} {province}: {listed}"
        );
    }

    // The file: a row per base, pre-filled with what the values API exports.
    let file = app.get("/values/workbook.xlsx?period=2025", &hubei).await;
    assert_eq!(file.status, StatusCode::OK, "{l}");
    let table = jidi_tabular::read("wb.xlsx", &file.body).unwrap();
    let shown: i64 = attr(
        &app.get("/values/workbook?period=2025", &hubei).await.text(),
        "data-bases",
    )
    .parse()
    .unwrap();
    assert_eq!(table.rows.len() as i64, shown, "{l}");
    let rev = table
        .header
        .iter()
        .position(|h| h.ends_with("[rev_main]"))
        .unwrap();
    let export = app
        .call(
            Method::GET,
            "/api/v1/values?year=2025&format=csv",
            &hubei,
            None,
            Vec::new(),
        )
        .await;
    let long = jidi_tabular::read("v.csv", &export.body).unwrap();
    let row0 = &table.rows[0];
    let base0 = &row0.cells[0];
    let exported = long
        .rows
        .iter()
        .find(|r| &r.cells[0] == base0 && r.cells[3] == "rev_main")
        .map(|r| r.cells[4].parse::<f64>().unwrap());
    let in_sheet = row0.cells[rev].parse::<f64>().ok();
    assert!(in_sheet.is_some(), "{l}: base {base0} has a figure");
    assert_eq!(in_sheet, exported, "{l}: base {base0}");

    // Back with one figure changed (1 %): accepted as the province's; a typo: refused by cell.
    let rebuild = |edit: &dyn Fn(usize, usize, &str) -> Option<Cell>| -> Vec<u8> {
        let header: Vec<&str> = table.header.iter().map(String::as_str).collect();
        let rows: Vec<Vec<Cell>> = table
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                r.cells
                    .iter()
                    .enumerate()
                    .map(|(j, c)| {
                        edit(i, j, c).unwrap_or_else(|| match c.parse::<f64>() {
                            Ok(x) if j != 1 => Cell::Number(x),
                            _ if c.is_empty() => Cell::Empty,
                            _ => Cell::Text(c.clone()),
                        })
                    })
                    .collect()
            })
            .collect();
        jidi_tabular::write_xlsx("汇总表", &header, &rows).unwrap()
    };
    let old = in_sheet.unwrap();
    let bytes = rebuild(&|i, j, _| (i == 0 && j == rev).then_some(Cell::Number(old * 1.01)));
    let (ct, body) = multipart(&hubei, "汇总表.xlsx", &bytes);
    let r = app
        .call(
            Method::POST,
            "/values/workbook?period=2025",
            &hubei,
            Some(&ct),
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
    let html = r.text();
    assert_eq!(attr(&html, "data-status"), "accepted", "{l}");
    assert!(html.contains("id=\"outcome-changed\">1<"), "{l}");
    let export = app
        .call(
            Method::GET,
            "/api/v1/values?year=2025&format=csv",
            &hubei,
            None,
            Vec::new(),
        )
        .await;
    let long = jidi_tabular::read("v.csv", &export.body).unwrap();
    let now = long
        .rows
        .iter()
        .find(|r| &r.cells[0] == base0 && r.cells[3] == "rev_main")
        .map(|r| r.cells[4].parse::<f64>().unwrap())
        .unwrap();
    assert!((now - old * 1.01).abs() < 1e-9, "{l}");
    let bytes = rebuild(&|i, j, _| (i == 1 && j == rev).then(|| Cell::Text("一百".into())));
    let (ct, body) = multipart(&hubei, "汇总表.xlsx", &bytes);
    let r = app
        .call(
            Method::POST,
            "/values/workbook?period=2025",
            &hubei,
            Some(&ct),
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
    let html = r.text();
    let letter = jidi_tabular::column_letter(rev);
    assert!(
        html.contains("data-rule=\"bad_number\" data-row=\"3\""),
        "{l}"
    );
    assert!(
        html.contains(&format!("<td class=\"column\">{letter} (")),
        "{l}"
    );
    app.finish().await;
}
backend_tests!(workbook_on_every_backend);
