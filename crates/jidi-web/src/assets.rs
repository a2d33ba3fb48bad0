//! Static assets served by the binary itself (no CDN): the stylesheet, the page script, ECharts
//! (vendored with its licence) and, when the operator supplies one, an approved map file.

use axum::body::Bytes;
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

/// One asset as served: its content-hashed name and its bytes.
struct Named {
    name: &'static str,
    hashed: String,
    mime: &'static str,
    bytes: &'static [u8],
}

/// The assets' names (hashing 1.2 MB of SHA-256 takes milliseconds), for templates and requests.
static NAMED: std::sync::OnceLock<Vec<Named>> = std::sync::OnceLock::new();
/// The gzip form of each asset (by position in [`ASSETS`]) when it is text worth compressing and
/// compression saves something. Compressing ECharts at the best level takes tens of milliseconds
/// (more in a debug build), so it is made once, off the async workers: at start-up by
/// [`prepare`] (which `serve_on` runs on the blocking pool before it answers), or else by the
/// first asset request on the blocking pool. Every response shares these bytes (a `Bytes` clone
/// is a reference count, not a copy).
static GZIP: std::sync::OnceLock<Vec<Option<Bytes>>> = std::sync::OnceLock::new();

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

fn named() -> &'static [Named] {
    NAMED.get_or_init(|| {
        ASSETS
            .iter()
            .map(|(name, mime, bytes)| Named {
                name,
                hashed: hashed_name(name, bytes),
                mime,
                bytes,
            })
            .collect()
    })
}

fn gzip(bytes: &[u8]) -> Option<Bytes> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).ok()?;
    let z = enc.finish().ok()?;
    // Only when it saves something.
    (z.len() < bytes.len()).then(|| Bytes::from(z))
}

fn gzipped_now() -> &'static [Option<Bytes>] {
    GZIP.get_or_init(|| {
        ASSETS
            .iter()
            .map(|(_, mime, bytes)| {
                let compressible = mime.starts_with("text/") || mime.starts_with("image/svg");
                compressible.then(|| gzip(bytes)).flatten()
            })
            .collect()
    })
}

/// Names and compresses every asset. Blocking (tens of milliseconds): `serve_on` runs it on the
/// blocking pool before it accepts a connection.
pub fn prepare() {
    named();
    gzipped_now();
}

async fn gzipped() -> &'static [Option<Bytes>] {
    if let Some(z) = GZIP.get() {
        return z;
    }
    tokio::task::spawn_blocking(gzipped_now)
        .await
        .unwrap_or_else(|_| gzipped_now())
}

/// The URL of an asset under its content-hashed name (`/static/app.1a2b3c4d5e.css`), for
/// templates; an unknown name is returned as a plain `/static/` path.
pub fn asset_url(name: &str) -> String {
    named().iter().find(|s| s.name == name).map_or_else(
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
    let assets = named();
    let (index, cache) = match assets.iter().position(|s| s.hashed == name) {
        Some(i) => (i, IMMUTABLE),
        None => match assets.iter().position(|s| s.name == name) {
            Some(i) => (i, SHORT),
            None => return StatusCode::NOT_FOUND.into_response(),
        },
    };
    let asset = &assets[index];
    let vary = (header::VARY, "Accept-Encoding");
    // Only a compressible asset waits for the compressed forms (once per process).
    let compressible = asset.mime.starts_with("text/") || asset.mime.starts_with("image/svg");
    let gz = if compressible && accepts_gzip(&headers) {
        gzipped().await[index].clone()
    } else {
        None
    };
    match gz {
        Some(z) => (
            [
                (header::CONTENT_TYPE, asset.mime),
                (header::CACHE_CONTROL, cache),
                (header::CONTENT_ENCODING, "gzip"),
                vary,
            ],
            z,
        )
            .into_response(),
        None => (
            [
                (header::CONTENT_TYPE, asset.mime),
                (header::CACHE_CONTROL, cache),
                vary,
            ],
            Bytes::from_static(asset.bytes),
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
