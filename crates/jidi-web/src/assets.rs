//! Static assets served by the binary itself (no CDN): the stylesheet, the page script, ECharts
//! (vendored with its licence) and, when the operator supplies one, an approved map file.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/app.css"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../assets/favicon.svg"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/app.js"),
    ),
    (
        "values.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/values.js"),
    ),
    (
        "echarts.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/vendor/echarts/echarts.min.js"),
    ),
    (
        "LICENSE-echarts.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../assets/vendor/echarts/LICENSE"),
    ),
    (
        "NOTICE-echarts.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../assets/vendor/echarts/NOTICE"),
    ),
];

/// `GET /static/{name}`.
pub async fn get_asset(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    if name == "map.json" {
        return match &state.config.map_file {
            Some(path) => match tokio::fs::read(path).await {
                Ok(bytes) => ([(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
                Err(e) => {
                    tracing::error!(path = %path.display(), error = %e, "cannot read the configured map file");
                    StatusCode::NOT_FOUND.into_response()
                }
            },
            None => StatusCode::NOT_FOUND.into_response(),
        };
    }
    match ASSETS.iter().find(|(n, ..)| *n == name) {
        Some((_, mime, bytes)) => (
            [
                (header::CONTENT_TYPE, *mime),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            *bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
