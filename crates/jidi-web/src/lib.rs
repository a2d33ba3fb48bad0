//! jidi's web server: server-rendered pages (zh-CN by default, English on request), the REST API
//! under `/api/v1` with its OpenAPI document, and the static assets, all served by one binary.
//!
//! The router is assembled in one place, [`router`]. Handlers only extract input, ask
//! `jidi_domain::access` whether the viewer may proceed, call the domain or the store, and map the
//! result to a response type; this is the only crate that knows HTTP status codes and wire types.
#![deny(missing_docs)]

use std::net::SocketAddr;
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use utoipa_swagger_ui::SwaggerUi;

pub mod api;
pub mod assets;
pub mod auth;
pub mod cookies;
pub mod error;
pub mod i18n;
pub(crate) mod pages;
pub mod params;
pub mod reads;
pub mod state;
pub mod templates;
pub mod views;

pub use state::{AppState, StartError, WebConfig};

/// The whole application.
pub fn router(state: AppState) -> Router {
    let (api, openapi) = api::router();
    let pages = Router::new()
        .route("/", get(pages::dashboard::dashboard))
        .route("/bases", get(pages::roll::bases))
        .route(
            "/bases/new",
            get(pages::roll::new_base_form).post(pages::roll::create_base),
        )
        .route("/bases/export", get(pages::roll::export_bases))
        .route("/bases/import-template", get(pages::roll::import_template))
        .route("/bases/{id}", get(pages::roll::base_profile))
        .route(
            "/bases/{id}/edit",
            get(pages::roll::edit_base_form).post(pages::roll::update_base),
        )
        .route("/bases/{id}/withdraw", post(pages::roll::withdraw_base))
        .route(
            "/login",
            get(pages::session::login_form).post(pages::session::login),
        )
        .route("/logout", post(pages::session::logout))
        .route("/lang/{code}", get(pages::session::set_language))
        .route("/admin", get(pages::admin::admin))
        .route("/admin/users", post(pages::admin::create_user))
        .route("/admin/categories", post(pages::admin::create_category))
        .route("/admin/import", post(pages::admin::import_roll))
        .route(
            "/evaluations",
            get(pages::evaluation::evaluations).post(pages::evaluation::create_run),
        )
        .route("/evaluations/{id}", get(pages::evaluation::run_page))
        .route(
            "/evaluations/{id}/export",
            get(pages::evaluation::export_run),
        )
        .route(
            "/evaluations/{id}/publish",
            post(pages::evaluation::publish_run),
        )
        .route(
            "/evaluations/{id}/delete",
            post(pages::evaluation::delete_run),
        )
        .route(
            "/evaluations/{id}/bases/{base_id}",
            get(pages::evaluation::scorecard_page),
        )
        .route("/compare", get(pages::evaluation::compare))
        .route("/schemes", get(pages::schemes::schemes))
        .route("/schemes/import", post(pages::schemes::import_scheme))
        .route("/schemes/{id}", get(pages::schemes::scheme_page))
        .route(
            "/schemes/{id}/edit",
            get(pages::schemes::edit_scheme).post(pages::schemes::save_scheme),
        )
        .route(
            "/schemes/{id}/default",
            post(pages::schemes::default_scheme),
        )
        .route("/proposals", get(pages::proposals::proposals))
        .route("/proposals/{id}/decision", post(pages::proposals::decide))
        .route("/proposals/decisions", post(pages::proposals::decide_bulk))
        .route(
            "/values",
            get(pages::values::values_form).post(pages::values::submit_values),
        )
        .route("/values/upload", post(pages::values::upload_values))
        .route("/values/template", get(pages::values::values_template))
        .route(
            "/values/workbook",
            get(pages::workbook::workbook_page).post(pages::workbook::upload_workbook),
        )
        .route("/values/workbook.xlsx", get(pages::workbook::workbook_file))
        .route("/submissions", get(pages::values::submissions))
        .route(
            "/submissions/{id}/review",
            post(pages::values::review_submission),
        )
        .route("/audit", get(pages::values::audit))
        .route(
            "/catalogue",
            get(pages::catalogue::catalogue_page).post(pages::catalogue::upload_catalogue),
        )
        .route(
            "/catalogue/indicators",
            post(pages::catalogue::save_indicator),
        )
        .route("/catalogue/{code}", get(pages::catalogue::indicator_page))
        .route(
            "/tasks",
            get(pages::tasks::tasks_page).post(pages::tasks::open_task),
        )
        .route("/tasks/calendar", post(pages::tasks::set_calendar))
        .route("/tasks/{id}", get(pages::tasks::task_page))
        .route("/tasks/{id}/remind", post(pages::tasks::remind))
        .route("/monitoring", get(pages::monitoring::monitoring))
        .route("/monitoring/green", get(pages::green::green))
        .route(
            "/monitoring/bases/{id}",
            get(pages::monitoring::base_monitoring),
        )
        .route(
            "/monitoring/rules",
            get(pages::warning_rules::warning_rules_page)
                .post(pages::warning_rules::upload_warning_rules),
        )
        .route(
            "/monitoring/rules/text",
            post(pages::warning_rules::edit_warning_rules),
        )
        .route("/warnings", get(pages::monitoring::warnings))
        .route(
            "/warnings/{id}",
            post(pages::monitoring::acknowledge_warning),
        )
        .route("/reports", get(pages::reports::reports_page))
        .route("/reports/draft", get(pages::reports::draft))
        .route("/reports/publish", post(pages::reports::publish))
        .route(
            "/reports/editions/{id}/{file}",
            get(pages::reports::edition_file),
        );
    Router::new()
        .merge(pages)
        .merge(api)
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", openapi))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/static/{name}", get(assets::get_asset))
        .fallback(not_found)
        .layer(middleware::from_fn(refuse_nul))
        .layer(middleware::from_fn_with_state(state.clone(), error_shapes))
        .layer(DefaultBodyLimit::max(20 * 1024 * 1024))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn(access_log))
        .with_state(state)
}

/// Liveness: the process answers. It touches no table, so a load balancer's probe costs nothing
/// and a slow or unreachable database does not get a live server restarted; `/readyz` is the
/// check that includes the database.
async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers a query on the roll's table (503 when it cannot), so traffic
/// goes only to servers that can serve it.
async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.check_ready().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "readiness check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

async fn not_found(req: Request) -> Response {
    if req.uri().path().starts_with("/api/") {
        error::ApiError(error::AppError::NotFound(format!(
            "route {}",
            req.uri().path()
        )))
        .into_response()
    } else {
        error::PageError(error::AppError::NotFound(format!(
            "page {}",
            req.uri().path()
        )))
        .into_response()
    }
}

/// Security headers of every response: pages, the API, its documentation, errors. Scripts come
/// only from `/static` (chart data travels in `<script type="application/json">` blocks, which the
/// policy does not execute); nothing may frame the site.
async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    res
}

/// Refuses a NUL character anywhere in the path or the query string (`%00`), before any handler:
/// no field of jidi may contain one, and PostgreSQL refuses it in text. Bodies are checked field
/// by field after the access checks (`jidi_domain::roll::check_text`).
async fn refuse_nul(req: Request, next: Next) -> Response {
    let has_nul = |text: &str| {
        text.as_bytes()
            .windows(3)
            .any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
    };
    let uri = req.uri();
    let field = if has_nul(uri.path()) {
        Some("path")
    } else if uri.query().is_some_and(has_nul) {
        Some("query")
    } else {
        None
    };
    match field {
        Some(field) => {
            let e = error::AppError::bad_field(field, "NUL characters are not allowed");
            if uri.path().starts_with("/api/") {
                error::ApiError(e).into_response()
            } else {
                error::PageError(e).into_response()
            }
        }
        None => next.run(req).await,
    }
}

/// One error shape everywhere. An API error is the JSON envelope, whoever answered: a handler,
/// or the framework before any handler ran (405, 413, an undecodable path or header), whose plain
/// text is reshaped here. A page error is rendered in the normal layout, in the viewer's language;
/// a sign-in error becomes a redirect to the login page that keeps the destination.
async fn error_shapes(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let uri = req.uri().clone();
    let method = req.method().clone();
    let headers = req.headers().clone();
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if uri.path().starts_with("/api/") {
        if is_json {
            return res;
        }
        let allow = res.headers().get(header::ALLOW).cloned();
        let message = framework_message(res).await;
        let mut reshaped =
            error::ApiError(error::AppError::Http { status, message }).into_response();
        if let Some(allow) = allow {
            reshaped.headers_mut().insert(header::ALLOW, allow);
        }
        return reshaped;
    }
    let marked = res.extensions().get::<error::ErrorPage>().cloned();
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let page = match marked {
        Some(page) => page,
        // A page the handler rendered itself (a form shown again with its errors) stands.
        None if is_html || uri.path().starts_with("/static/") => return res,
        None => error::ErrorPage {
            status,
            message: framework_message(res).await,
        },
    };
    if page.status == StatusCode::UNAUTHORIZED {
        let here = if method == axum::http::Method::GET {
            uri.path_and_query().map_or("/", |p| p.as_str()).to_string()
        } else {
            "/".to_string()
        };
        let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
        return (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, format!("/login?next={next}&reason=auth"))],
        )
            .into_response();
    }
    let mut parts = axum::http::Request::builder()
        .uri(uri.clone())
        .body(())
        .map(|r| r.into_parts().0)
        .unwrap_or_else(|_| axum::http::Request::new(()).into_parts().0);
    parts.headers = headers;
    let viewer =
        match <auth::Viewer as axum::extract::FromRequestParts<AppState>>::from_request_parts(
            &mut parts, &state,
        )
        .await
        {
            Ok(v) => v,
            Err(_) => {
                auth::Viewer::anonymous(i18n::Lang::from_request(&parts.headers, uri.query()))
            }
        };
    let lang = viewer.lang;
    let key = format!("error.title.{}", page.status.as_u16());
    let title = match i18n::t(lang, &key) {
        t if t == key => i18n::t(lang, "error.title.other"),
        t => t,
    };
    match pages::render::render(
        &state,
        &viewer,
        "error.html",
        "",
        minijinja::context! {
            title => title,
            message => page.message.clone(),
            here => uri.path_and_query().map_or("/", |p| p.as_str()),
        },
    ) {
        Ok(html) => (page.status, html).into_response(),
        Err(e) => {
            tracing::error!(error = ?e.0, "the error page did not render");
            (page.status, page.message).into_response()
        }
    }
}

/// The text the framework put in an error response, bounded (it is short; a long body is not
/// the framework's).
async fn framework_message(res: Response) -> String {
    let status = res.status();
    let body = axum::body::to_bytes(res.into_body(), 4096)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&body).trim().to_string();
    if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_lowercase()
    } else {
        text
    }
}

async fn access_log(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let res = next.run(req).await;
    tracing::debug!(%method, %path, status = res.status().as_u16(), elapsed_ms = started.elapsed().as_secs_f64() * 1000.0, "request");
    res
}

/// Serves until interrupted (Ctrl-C or SIGTERM), then finishes the requests under way.
pub async fn serve(state: AppState, listen: SocketAddr) -> Result<(), StartError> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|source| StartError::Listen {
            address: listen,
            source,
        })?;
    let actual = listener.local_addr().map_err(StartError::Serve)?;
    tracing::info!(address = %actual, "jidi is serving on http://{actual}");
    serve_on(listener, state, shutdown_signal()).await
}

/// Serves on a bound listener until `shutdown` completes (tests and benchmarks bind port 0).
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    // Name and compress the static assets once, on the blocking pool, before the first request.
    let _ = tokio::task::spawn_blocking(assets::prepare).await;
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(StartError::Serve)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
