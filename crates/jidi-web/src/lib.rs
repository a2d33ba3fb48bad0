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
        .layer(middleware::from_fn(page_headers));
    Router::new()
        .merge(pages)
        .merge(api)
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", openapi))
        .route("/healthz", get(healthz))
        .route("/static/{name}", get(assets::get_asset))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(20 * 1024 * 1024))
        .layer(middleware::from_fn(access_log))
        .with_state(state)
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.is_empty().await {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unavailable");
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

/// Security headers of HTML pages. Scripts come only from `/static`; chart data travels in
/// `<script type="application/json">` blocks, which the policy does not execute.
async fn page_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
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
