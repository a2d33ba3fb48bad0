//! The test application: a real store (a SQLite file, and PostgreSQL when configured) holding a
//! smaller demo programme, and the real router, driven in process through `tower::ServiceExt`.
#![allow(dead_code)] // not every helper is used by a test today

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use chrono::NaiveDate;
use http_body_util::BodyExt;
use jidi_service::demo::{self, DemoOptions};
use jidi_test_support::TestDb;
use jidi_web::{AppState, WebConfig};
use serde_json::Value;
use tower::ServiceExt;

/// The demo at the fixed date the tests assume, smaller than the documented one (fewer provincial
/// and cultivating bases, months and replications) so that each backend loads it in seconds; the
/// national programme and its eight annual years are whole.
pub fn demo_options() -> DemoOptions {
    let mut o = DemoOptions::standard(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
    o.config.provincial = 120;
    o.config.cultivating = 40;
    o.config.months = 6;
    o.replications = Some(40);
    o
}

/// A running application over one backend.
pub struct App {
    pub db: TestDb,
    pub state: AppState,
    pub router: Router,
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| {
                let first = v.split(';').next()?;
                let (k, val) = first.split_once('=')?;
                (k == name).then(|| val.to_string())
            })
    }
}

/// How a request is signed.
#[derive(Clone, Debug, Default)]
pub enum Auth {
    #[default]
    Anonymous,
    Bearer(String),
    /// A browser session: the session cookie and the CSRF token of the session.
    Cookie {
        session: String,
        csrf: String,
    },
}

impl App {
    /// SQLite only (for tests about the web layer itself, not the store).
    pub async fn sqlite() -> App {
        App::over(TestDb::sqlite().await, &demo_options()).await
    }

    pub async fn over(mut db: TestDb, options: &DemoOptions) -> App {
        // The demo is built once per test process and options, then copied for each test.
        let owned = options.clone();
        db.fill_from_template(&format!("demo {options:?}"), |store| async move {
            demo::load(&store, &owned).await.expect("load demo");
        })
        .await;
        let state = AppState::new(db.store.clone(), WebConfig::default())
            .await
            .expect("state");
        let router = jidi_web::router(state.clone());
        App { db, state, router }
    }

    /// Closes the store and drops a PostgreSQL test database.
    pub async fn finish(self) {
        self.db.finish().await;
    }

    pub fn label(&self) -> &'static str {
        self.db.label
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let body = res
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        auth: &Auth,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Reply {
        let mut req = Request::builder().method(method.clone()).uri(path);
        match auth {
            Auth::Anonymous => {}
            Auth::Bearer(t) => req = req.header(header::AUTHORIZATION, format!("Bearer {t}")),
            Auth::Cookie { session, csrf } => {
                req = req.header(header::COOKIE, format!("jidi_session={session}"));
                if method != Method::GET {
                    req = req.header("x-csrf-token", csrf.as_str());
                }
            }
        }
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    pub async fn get(&self, path: &str, auth: &Auth) -> Reply {
        self.call(Method::GET, path, auth, None, Vec::new()).await
    }

    pub async fn json(&self, method: Method, path: &str, auth: &Auth, body: &Value) -> Reply {
        self.call(
            method,
            path,
            auth,
            Some("application/json"),
            serde_json::to_vec(body).unwrap(),
        )
        .await
    }

    pub async fn form(&self, path: &str, auth: &Auth, fields: &[(&str, &str)]) -> Reply {
        let mut body = form_urlencoded::Serializer::new(String::new());
        let csrf = match auth {
            Auth::Cookie { csrf, .. } => Some(csrf.clone()),
            _ => None,
        };
        if let Some(c) = &csrf {
            body.append_pair("_csrf", c);
        }
        for (k, v) in fields {
            body.append_pair(k, v);
        }
        self.call(
            Method::POST,
            path,
            auth,
            Some("application/x-www-form-urlencoded"),
            body.finish().into_bytes(),
        )
        .await
    }

    /// Signs in a demo account through the API and returns its bearer token.
    pub async fn login(&self, username: &str) -> Auth {
        let password = demo::ACCOUNTS
            .iter()
            .find(|a| a.username == username)
            .expect("demo account")
            .password;
        let r = self
            .json(
                Method::POST,
                "/api/v1/session",
                &Auth::Anonymous,
                &serde_json::json!({"username": username, "password": password}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", self.label(), r.text());
        Auth::Bearer(r.json()["token"].as_str().unwrap().to_string())
    }

    /// Signs in through the API and returns the cookie form of the session.
    pub async fn login_cookie(&self, username: &str) -> Auth {
        let password = demo::ACCOUNTS
            .iter()
            .find(|a| a.username == username)
            .expect("demo account")
            .password;
        let r = self
            .json(
                Method::POST,
                "/api/v1/session",
                &Auth::Anonymous,
                &serde_json::json!({"username": username, "password": password}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let j = r.json();
        Auth::Cookie {
            session: r.set_cookie("jidi_session").expect("session cookie"),
            csrf: j["csrf_token"].as_str().unwrap().to_string(),
        }
    }

    /// The id of the base with this official name.
    pub async fn base_id(&self, name: &str) -> i64 {
        let q = form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>();
        let r = self
            .get(&format!("/api/v1/bases?q={q}&per_page=5"), &Auth::Anonymous)
            .await;
        let j = r.json();
        j["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["name"] == name)
            .unwrap_or_else(|| panic!("base {name} not listed: {j}"))["id"]
            .as_i64()
            .unwrap()
    }
}

/// Asserts the JSON error envelope and returns its body.
pub fn assert_error(r: &Reply, status: StatusCode, context: &str) -> Value {
    assert_eq!(r.status, status, "{context}: {}", r.text());
    let j = r.json();
    assert!(
        j["error"]["code"].is_string() && j["error"]["message"].is_string(),
        "{context}: not the error shape: {j}"
    );
    j
}
