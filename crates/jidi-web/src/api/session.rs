//! Sign in and out through the API.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::extract::ApiJson;
use crate::auth::{self, Viewer};
use crate::cookies;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::state::AppState;

/// Credentials.
#[derive(Deserialize, ToSchema)]
pub struct SessionRequest {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// The signed-in user.
#[derive(Serialize, ToSchema)]
pub struct UserResponse {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// `ministry`, `province`, `base` or `evaluator`.
    pub role: String,
    /// Province scope.
    pub province_code: Option<String>,
    /// Base scope.
    pub base_id: Option<i64>,
}

/// A new session.
#[derive(Serialize, ToSchema)]
pub struct SessionResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// Send as `X-CSRF-Token` on writes when using the cookie instead.
    pub csrf_token: String,
    /// RFC 3339 expiry.
    pub expires_at: String,
    /// Who signed in.
    pub user: UserResponse,
}

/// Signs in. Five failures within 15 minutes for one username and address lock further attempts
/// for the rest of the window (429).
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = SessionRequest,
    responses(
        (status = 200, description = "Signed in; the session cookie is also set", body = SessionResponse),
        (status = 400, description = "Wrong username or password, or a malformed body", body = ErrorBody),
        (status = 429, description = "Too many failed attempts", body = ErrorBody),
    ))]
pub async fn create_session(
    State(state): State<AppState>,
    auth::PeerAddr(peer): auth::PeerAddr,
    headers: HeaderMap,
    body: ApiJson<SessionRequest>,
) -> ApiResult<Response> {
    let body = body.parse()?;
    let address = auth::client_address(&headers, state.config.proxy_hops, peer);
    let s = auth::sign_in(&state, &body.username, &body.password, &address).await?;
    let max_age = (s.expires_at - chrono::Utc::now()).num_seconds();
    let cookie = cookies::session(&s.token, max_age, state.config.secure_cookies);
    let body = SessionResponse {
        token: s.token,
        csrf_token: s.csrf,
        expires_at: s.expires_at.to_rfc3339(),
        user: UserResponse {
            id: s.user.id,
            username: s.user.username,
            display_name: s.user.display_name,
            role: s.user.role.code().into(),
            province_code: s.user.province_code,
            base_id: s.user.base_id,
        },
    };
    Ok(([(header::SET_COOKIE, cookie)], axum::Json(body)).into_response())
}

/// Who is signed in.
#[utoipa::path(get, path = "/api/v1/session", tag = "session",
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = 200, body = UserResponse),
        (status = 401, body = ErrorBody),
    ))]
pub async fn get_session(viewer: Viewer) -> ApiResult<axum::Json<UserResponse>> {
    let p = viewer.principal.ok_or(AppError::Unauthorized)?;
    Ok(axum::Json(UserResponse {
        id: p.user_id,
        username: p.username,
        display_name: viewer.display_name.unwrap_or_default(),
        role: p.role.code().into(),
        province_code: p.province_code,
        base_id: p.base_id,
    }))
}

/// Signs out (ends the session presented).
#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 204, description = "Signed out"), (status = 401, body = ErrorBody)))]
pub async fn delete_session(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> ApiResult<Response> {
    viewer.principal.as_ref().ok_or(AppError::Unauthorized)?;
    viewer.check_csrf(headers.get("x-csrf-token").and_then(|v| v.to_str().ok()))?;
    if let Some(hash) = &viewer.session_hash {
        state.store.delete_session(hash).await?;
    }
    let clear = cookies::session("", 0, state.config.secure_cookies);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear)]).into_response())
}
