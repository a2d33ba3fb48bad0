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

/// One asset as served: its content-hashed name, its bytes and, when it is text worth
/// compressing, its gzip form (made once, at the first request, off the async workers).
struct Served {
    name: &'static str,
    hashed: String,
    mime: &'static str,
    bytes: &'static [u8],
    gzip: Option<Vec<u8>>,
}

static SERVED: std::sync::OnceLock<Vec<Served>> = std::sync::OnceLock::new();

/// A year: hashed names change whenever the content does, so a browser never needs to ask again.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Plain names (old bookmarks, the licence link) may change under the same name.
const SHORT: &str = "public, max-age=300";

fn hashed_name(name: &str, bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    let tag: String = digest[..5].iter().map(|b| format!("{b:02x}")).collect();
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{tag}.{ext}"),
        None => format!("{name}.{tag}"),
    }
}

fn build_served() -> Vec<Served> {
    use std::io::Write;
    ASSETS
        .iter()
        .map(|(name, mime, bytes)| {
            let compressible = mime.starts_with("text/") || mime.starts_with("image/svg");
            let gzip = compressible
                .then(|| {
                    let mut enc =
                        flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
                    enc.write_all(bytes).ok()?;
                    enc.finish().ok()
                })
                .flatten()
                // Only when it saves something.
                .filter(|z| z.len() < bytes.len());
            Served {
                name,
                hashed: hashed_name(name, bytes),
                mime,
                bytes,
                gzip,
            }
        })
        .collect()
}

fn served_now() -> &'static [Served] {
    SERVED.get_or_init(build_served)
}

async fn served() -> &'static [Served] {
    if let Some(s) = SERVED.get() {
        return s;
    }
    // Compressing ECharts (1.1 MB) takes tens of milliseconds: not on an async worker.
    tokio::task::spawn_blocking(served_now)
        .await
        .unwrap_or_else(|_| served_now())
}

/// The URL of an asset under its content-hashed name (`/static/app.1a2b3c4d5e.css`), for
/// templates; an unknown name is returned as a plain `/static/` path.
pub fn asset_url(name: &str) -> String {
    served_now().iter().find(|s| s.name == name).map_or_else(
        || format!("/static/{name}"),
        |s| format!("/static/{}", s.hashed),
    )
}

/// Whether the request accepts gzip (`Accept-Encoding: gzip` without `q=0`).
fn accepts_gzip(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|part| {
            let mut it = part.split(';').map(str::trim);
            let coding = it.next().unwrap_or("");
            let refused = it.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
}

/// `GET /static/{name}`.
pub async fn get_asset(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
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
    let assets = served().await;
    let (asset, cache) = match assets.iter().find(|s| s.hashed == name) {
        Some(a) => (a, IMMUTABLE),
        None => match assets.iter().find(|s| s.name == name) {
            Some(a) => (a, SHORT),
            None => return StatusCode::NOT_FOUND.into_response(),
        },
    };
    let vary = (header::VARY, "Accept-Encoding");
    match &asset.gzip {
        Some(z) if accepts_gzip(&headers) => (
            [
                (header::CONTENT_TYPE, asset.mime),
                (header::CACHE_CONTROL, cache),
                (header::CONTENT_ENCODING, "gzip"),
                vary,
            ],
            z.clone(),
        )
            .into_response(),
        _ => (
            [
                (header::CONTENT_TYPE, asset.mime),
                (header::CACHE_CONTROL, cache),
                vary,
            ],
            asset.bytes,
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_keep_the_extension_and_follow_the_content() {
        let a = hashed_name("app.css", b"body{}");
        assert!(a.starts_with("app.") && a.ends_with(".css") && a.len() == "app..css".len() + 10);
        assert_ne!(a, hashed_name("app.css", b"body{ }"));
    }

    #[test]
    fn gzip_is_chosen_by_accept_encoding() {
        let h = |v: &str| {
            let mut m = axum::http::HeaderMap::new();
            m.insert(header::ACCEPT_ENCODING, v.parse().unwrap());
            m
        };
        assert!(accepts_gzip(&h("gzip, deflate, br")));
        assert!(accepts_gzip(&h("br;q=1.0, gzip;q=0.8")));
        assert!(!accepts_gzip(&h("gzip;q=0")));
        assert!(!accepts_gzip(&h("br, identity")));
        assert!(!accepts_gzip(&axum::http::HeaderMap::new()));
    }
}
