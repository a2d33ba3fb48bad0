//! Signing in and out, and the language switch.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::context;
use serde::Deserialize;

use super::render::*;
use super::*;
use crate::auth::{self, Viewer};
use crate::cookies;
use crate::error::{AppError, PageResult};
use crate::i18n::{self, Lang};
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LoginQuery {
    next: Option<String>,
    reason: Option<String>,
    /// Interface language (`zh` or `en`), read by the layout.
    #[serde(rename = "lang")]
    _lang: Option<String>,
}

/// Where to go after signing in or switching the language: a path of this site, else home.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    next.and_then(crate::params::local_path)
        .unwrap_or_else(|| "/".to_string())
}

/// `GET /login`.
pub(crate) async fn login_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<LoginQuery>,
) -> PageResult<Response> {
    let notice =
        (q.reason.as_deref() == Some("auth")).then(|| i18n::t(viewer.lang, "login.reason.auth"));
    login_page(&state, &viewer, q.next.as_deref(), notice, StatusCode::OK)
}

pub(crate) fn login_page(
    state: &AppState,
    viewer: &Viewer,
    next: Option<&str>,
    error: Option<String>,
    status: StatusCode,
) -> PageResult<Response> {
    let token = auth::random_token();
    let page = render(
        state,
        viewer,
        "login.html",
        "login",
        context! {
            title => i18n::t(viewer.lang, "nav.login"),
            login_csrf => token.clone(),
            next => safe_next(next),
            error => error,
            show_demo_accounts => state.demo,
        },
    )?;
    let cookie = cookies::login_csrf(&token, state.config.secure_cookies);
    Ok((status, [(header::SET_COOKIE, cookie)], page).into_response())
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// `POST /login`.
pub(crate) async fn login(
    State(state): State<AppState>,
    viewer: Viewer,
    auth::PeerAddr(peer): auth::PeerAddr,
    headers: HeaderMap,
    form: PageForm<LoginForm>,
) -> PageResult<Response> {
    let form = form.parse()?;
    // Double-submit check: the form's token must equal the cookie set with the form.
    let cookie = cookies::get(&headers, cookies::LOGIN_CSRF).unwrap_or_default();
    if cookie.is_empty() || !auth::constant_time_eq(&cookie, &form.csrf) {
        return login_page(
            &state,
            &viewer,
            Some(&form.next),
            Some(i18n::t(viewer.lang, "login.expired")),
            StatusCode::FORBIDDEN,
        );
    }
    let address = auth::client_address(&headers, state.config.proxy_hops, peer);
    match auth::sign_in(&state, &form.username, &form.password, &address).await {
        Ok(s) => {
            let max_age = (s.expires_at - chrono::Utc::now()).num_seconds();
            let cookie = cookies::session(&s.token, max_age, state.config.secure_cookies);
            Ok((
                StatusCode::SEE_OTHER,
                [
                    (header::SET_COOKIE, cookie),
                    (header::LOCATION, safe_next(Some(&form.next))),
                ],
            )
                .into_response())
        }
        Err(AppError::BadRequest { .. }) => login_page(
            &state,
            &viewer,
            Some(&form.next),
            Some(i18n::t(viewer.lang, "login.failed")),
            StatusCode::UNAUTHORIZED,
        ),
        Err(AppError::TooManyRequests { retry_after }) => {
            let msg = i18n::t(viewer.lang, "login.throttled")
                .replace("{minutes}", &(retry_after / 60).to_string());
            login_page(
                &state,
                &viewer,
                Some(&form.next),
                Some(msg),
                StatusCode::TOO_MANY_REQUESTS,
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /logout`.
pub(crate) async fn logout(
    State(state): State<AppState>,
    viewer: Viewer,
    form: PageForm<CsrfForm>,
) -> PageResult<Response> {
    let form = form.parse()?;
    viewer.check_csrf(Some(&form.csrf))?;
    if let Some(hash) = &viewer.session_hash {
        state.store.delete_session(hash).await?;
    }
    let clear = cookies::session("", 0, state.config.secure_cookies);
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, clear),
            (header::LOCATION, "/".to_string()),
        ],
    )
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BackQuery {
    back: Option<String>,
    /// Interface language (`zh` or `en`), read by the layout.
    #[serde(rename = "lang")]
    _lang: Option<String>,
}

/// `GET /lang/{code}`: switches the interface language and goes back.
pub(crate) async fn set_language(Path(code): Path<String>, Query(q): Query<BackQuery>) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    let cookie = cookies::lang(lang.code());
    (
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, cookie),
            (header::LOCATION, safe_next(q.back.as_deref())),
        ],
    )
        .into_response()
}
