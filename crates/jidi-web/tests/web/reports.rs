//! The annual report on the web, as every role on both backends: only the ministry generates
//! drafts and publishes editions; published editions (and only those) are public; the figures a
//! draft shows are the database's; an uploaded final file is checked and kept byte for byte.

use crate::support;

use axum::http::{Method, StatusCode, header};
use jidi_store::ReportGroup;
use jidi_test_support::{TestDb, backend_tests};
use sha2::{Digest, Sha256};
use support::{App, Auth, assert_error, demo_options};

const BOUNDARY: &str = "----jidi-report-test";

/// A multipart body with text fields and an optional file.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn publish_page(
    app: &App,
    auth: &Auth,
    year: &str,
    file: Option<(&str, &[u8])>,
) -> support::Reply {
    let csrf = match auth {
        Auth::Cookie { csrf, .. } => csrf.clone(),
        _ => String::new(),
    };
    app.call(
        Method::POST,
        "/reports/publish",
        auth,
        Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
        multipart(&[("_csrf", &csrf), ("year", year), ("lang", "zh")], file),
    )
    .await
}

/// The text of the figure `id` in an HTML report.
fn figure_text(html: &str, id: &str) -> String {
    let marker = format!("data-fig=\"{id}\"");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("figure {id} not shown"));
    let rest = &html[at..];
    let start = rest.find('>').unwrap() + 1;
    let end = rest[start..].find('<').unwrap() + start;
    rest[start..end].to_string()
}

async fn report_pages_as_every_role(db: TestDb) {
    let app = App::over(db, &demo_options()).await;
    let l = app.label();
    let store = app.state.store.clone();

    // Before any edition: the public page says so and offers no forms.
    let page = app.get("/reports", &Auth::Anonymous).await;
    assert_eq!(page.status, StatusCode::OK, "[{l}]");
    assert!(page.text().contains("尚未发布任何版本"), "[{l}]");
    assert!(!page.text().contains("id=\"report-generate\""), "[{l}]");
    assert!(
        page.text().contains("id=\"nav-reports\""),
        "[{l}] nav entry"
    );

    // Drafts: the ministry only, as page and API, for every role.
    let admin = app.login_cookie("admin").await;
    for user in ["hubei", "donghu", "evaluator"] {
        let auth = app.login(user).await;
        let r = app.get("/api/v1/reports/draft?year=2025", &auth).await;
        assert_error(&r, StatusCode::FORBIDDEN, &format!("[{l}] {user} draft"));
        let cookie = app.login_cookie(user).await;
        let p = app.get("/reports/draft?year=2025", &cookie).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "[{l}] {user} draft page");
        let page = app.get("/reports", &cookie).await;
        assert!(
            !page.text().contains("id=\"report-publish\""),
            "[{l}] {user}"
        );
        let r = app
            .json(
                Method::POST,
                "/api/v1/reports/editions",
                &auth,
                &serde_json::json!({"year": 2025}),
            )
            .await;
        assert_error(
            &r,
            StatusCode::FORBIDDEN,
            &format!("[{l}] {user} publishes"),
        );
        let r = publish_page(&app, &cookie, "2025", None).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "[{l}] {user} publishes by page"
        );
    }
    let r = app
        .get("/api/v1/reports/draft?year=2025", &Auth::Anonymous)
        .await;
    assert_error(
        &r,
        StatusCode::UNAUTHORIZED,
        &format!("[{l}] anonymous draft"),
    );
    let r = app.get("/reports/draft?year=2025", &Auth::Anonymous).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "[{l}] anonymous is sent to sign in"
    );

    // The ministry's draft shows the database's figures.
    let page = app.get("/reports", &admin).await;
    assert!(page.text().contains("id=\"report-generate\""), "[{l}]");
    let draft = app
        .get("/reports/draft?year=2025&format=html", &admin)
        .await;
    assert_eq!(draft.status, StatusCode::OK, "[{l}] {}", draft.text());
    assert!(
        draft.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = draft.text();
    let n_national: i64 = store
        .report_roll_counts(2025, ReportGroup::National)
        .await
        .unwrap()
        .iter()
        .map(|(_, n)| n)
        .sum();
    assert_eq!(
        figure_text(&html, "roll.n_bases"),
        format!("{n_national}家"),
        "[{l}] national bases"
    );
    let run = store.published_run(2025).await.unwrap().unwrap();
    assert!(
        html.contains(&format!("data-source=\"evaluation_run:{}\"", run.id)),
        "[{l}]"
    );
    let headline = store.published_headline().await.unwrap().unwrap();
    assert_eq!(headline.run_id, run.id);
    assert_eq!(
        figure_text(&html, "evaluation.stars.5"),
        format!("{}家", headline.stars[4]),
        "[{l}] five-star bases agree with the published headline"
    );
    let bearer = app.login("admin").await;
    let docx = app
        .get(
            "/api/v1/reports/draft?year=2025&format=docx&lang=en",
            &bearer,
        )
        .await;
    assert_eq!(docx.status, StatusCode::OK, "[{l}] {}", docx.text());
    assert!(docx.body.starts_with(b"PK"), "[{l}] a DOCX is a zip");
    assert!(
        docx.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let bad = app.get("/api/v1/reports/draft?year=20x5", &bearer).await;
    assert_error(&bad, StatusCode::BAD_REQUEST, &format!("[{l}] bad year"));
    let empty = app.get("/api/v1/reports/draft?year=1995", &bearer).await;
    assert_error(
        &empty,
        StatusCode::UNPROCESSABLE_ENTITY,
        &format!("[{l}] no bases in 1995"),
    );

    // Publishing: edition 1 through the API, edition 2 by the page with the office's PDF.
    let r = app
        .json(
            Method::POST,
            "/api/v1/reports/editions",
            &bearer,
            &serde_json::json!({"year": 2025}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "[{l}] {}", r.text());
    let first = r.json();
    assert_eq!(first["edition"], 1, "[{l}]");
    assert_eq!(first["synthetic"], true, "[{l}]");
    // Published without an uploaded final file: the generated HTML and DOCX are the edition.
    assert!(
        first["final_format"].is_null() && first["final_sha256"].is_null(),
        "[{l}] no final file: {first}"
    );
    let first_docx = app
        .get(
            &format!(
                "/api/v1/reports/editions/{}/files/docx",
                first["id"].as_i64().unwrap()
            ),
            &Auth::Anonymous,
        )
        .await;
    assert_eq!(first_docx.status, StatusCode::OK, "[{l}]");
    assert_eq!(
        hex::encode(Sha256::digest(&first_docx.body)),
        first["docx_sha256"].as_str().unwrap(),
        "[{l}] the frozen DOCX as hashed"
    );
    let final_pdf = b"%PDF-1.7\n% the office's edited final\n%%EOF\n".to_vec();
    // A file that is not what its name says is refused, and nothing is published.
    let refused = publish_page(&app, &admin, "2025", Some(("final.docx", b"not a zip"))).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "[{l}] {}",
        refused.text()
    );
    assert!(
        refused.text().contains("final.docx"),
        "[{l}] the error names the file"
    );
    let r = publish_page(&app, &admin, "2025", Some(("定稿.pdf", &final_pdf))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "[{l}] {}", r.text());
    let list = app
        .get("/api/v1/reports/editions", &Auth::Anonymous)
        .await
        .json();
    let items = list.as_array().unwrap();
    assert_eq!(items.len(), 2, "[{l}] two editions: {list}");
    let second = &items[0];
    assert_eq!(second["edition"], 2, "[{l}] newest first");
    assert_eq!(second["final_format"], "pdf", "[{l}]");
    assert_eq!(
        second["final_sha256"].as_str().unwrap(),
        hex::encode(Sha256::digest(&final_pdf)),
        "[{l}]"
    );

    // The public reads the published files, byte for byte as hashed.
    let id = second["id"].as_i64().unwrap();
    let html_file = app
        .get(&format!("/reports/editions/{id}/html"), &Auth::Anonymous)
        .await;
    assert_eq!(html_file.status, StatusCode::OK, "[{l}]");
    assert_eq!(
        hex::encode(Sha256::digest(&html_file.body)),
        second["html_sha256"].as_str().unwrap()
    );
    assert!(
        html_file.text().contains("第2版"),
        "[{l}] the edition is printed"
    );
    let final_file = app
        .get(
            &format!("/api/v1/reports/editions/{id}/files/final"),
            &Auth::Anonymous,
        )
        .await;
    assert_eq!(
        final_file.body, final_pdf,
        "[{l}] the final file as uploaded"
    );
    let figures = app
        .get(
            &format!("/api/v1/reports/editions/{id}/files/figures"),
            &Auth::Anonymous,
        )
        .await
        .json();
    assert_eq!(figures["report"]["year"], 2025, "[{l}]");
    let first_id = first["id"].as_i64().unwrap();
    let none = app
        .get(
            &format!("/api/v1/reports/editions/{first_id}/files/final"),
            &Auth::Anonymous,
        )
        .await;
    assert_error(
        &none,
        StatusCode::NOT_FOUND,
        &format!("[{l}] no final file in edition 1"),
    );
    let page = app.get("/reports", &Auth::Anonymous).await.text();
    assert!(page.contains(&format!("id=\"edition-{id}\"")), "[{l}]");
    assert!(
        page.contains(&format!("id=\"edition-{first_id}\"")),
        "[{l}] earlier editions kept"
    );
    app.finish().await;
}

backend_tests!(report_pages_as_every_role);
