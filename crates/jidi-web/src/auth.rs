//! Passwords (Argon2id), sessions (random tokens, stored hashed, so they survive a restart), CSRF
//! tokens, login throttling, and the [`Viewer`] extractor that every handler uses to learn who is
//! asking.
//!
//! A session is presented either as the `jidi_session` cookie (browsers; unsafe methods must then
//! carry the session's CSRF token, as the `_csrf` form field or the `X-CSRF-Token` header) or as
//! `Authorization: Bearer <token>` (scripts; no ambient credential, so no CSRF check).

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use chrono::{Duration, Utc};
use jidi_domain::access::Principal;
use jidi_store::User;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::cookies;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;

/// Failed sign-ins tolerated per username and address within [`THROTTLE_WINDOW_MINUTES`].
pub const MAX_FAILURES: i64 = 5;
/// Throttling window.
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

/// A random token: 32 bytes from the operating system, hex-encoded.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    hex::encode(bytes)
}

/// SHA-256 of a session token: the database never sees the token itself.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Who is asking, and how.
#[derive(Clone, Debug)]
pub struct Viewer {
    /// The signed-in user, if any.
    pub principal: Option<Principal>,
    /// Their display name.
    pub display_name: Option<String>,
    /// The session's CSRF token (cookie sessions).
    pub csrf: Option<String>,
    /// Whether the session came as a bearer token.
    pub bearer: bool,
    /// The interface language.
    pub lang: Lang,
    /// The stored hash of the session's token, so that signing out ends exactly this session.
    pub session_hash: Option<String>,
}

impl Viewer {
    /// Nobody signed in.
    pub fn anonymous(lang: Lang) -> Viewer {
        Viewer {
            principal: None,
            display_name: None,
            csrf: None,
            bearer: false,
            lang,
            session_hash: None,
        }
    }

    /// The principal as an `Option<&Principal>` for access checks.
    pub fn who(&self) -> Option<&Principal> {
        self.principal.as_ref()
    }

    /// Checks the CSRF token of an unsafe request made with a cookie session.
    pub fn check_csrf(&self, presented: Option<&str>) -> Result<(), AppError> {
        if self.bearer || self.principal.is_none() {
            return Ok(());
        }
        match (&self.csrf, presented) {
            (Some(expected), Some(got)) if constant_time_eq(expected, got) => Ok(()),
            _ => Err(AppError::Forbidden),
        }
    }

    /// The user id, for the audit log.
    pub fn user_id(&self) -> Option<i64> {
        self.principal.as_ref().map(|p| p.user_id)
    }
}

/// Compares two strings in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// The token of an `Authorization: Bearer <token>` header: the scheme matched without regard to
/// case and any run of spaces or tabs around the token allowed (RFC 9110 §11.4). The one place
/// that reads the header, so that signing in, every request and signing out agree on the token.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.trim().split_once([' ', '\t'])?;
    let token = token.trim_matches([' ', '\t']);
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && !token.contains([' ', '\t']))
        .then_some(token)
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Viewer, AppError> {
        let lang = Lang::from_request(&parts.headers, parts.uri.query());
        let (token, is_bearer) = match bearer(&parts.headers) {
            Some(t) => (Some(t.to_string()), true),
            None => (cookies::get(&parts.headers, cookies::SESSION), false),
        };
        let mut viewer = Viewer {
            bearer: is_bearer,
            ..Viewer::anonymous(lang)
        };
        if let Some(token) = token {
            let hash = token_hash(&token);
            match state.store.session(&hash, Utc::now()).await? {
                Some(s) => {
                    viewer.display_name = Some(s.user.display_name.clone());
                    viewer.principal = Some(s.user.principal());
                    viewer.csrf = Some(s.csrf_token);
                    viewer.session_hash = Some(hash);
                }
                // A stale bearer token is an error; a stale cookie just means "signed out".
                None if is_bearer => return Err(AppError::Unauthorized),
                None => {}
            }
        }
        Ok(viewer)
    }
}

/// A new session.
pub struct NewSession {
    /// The token to hand to the client.
    pub token: String,
    /// Its CSRF token.
    pub csrf: String,
    /// When it expires.
    pub expires_at: chrono::DateTime<Utc>,
    /// The user.
    pub user: User,
}

/// The longest username accepted, in bytes.
pub const MAX_USERNAME_BYTES: usize = 64;
/// Failed sign-ins tolerated from one address, whatever the usernames, within the window.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 50;

/// Checks a username and password, with throttling, and opens a session.
///
/// The attempt is reserved (recorded as failed) before the password is checked, per username and
/// address and per address alone, so that a burst of simultaneous attempts cannot slip past the
/// limit; a right password marks it succeeded. The check itself runs on the bounded password
/// threads.
pub async fn sign_in(
    state: &AppState,
    username: &str,
    password: &str,
    address: &str,
) -> Result<NewSession, AppError> {
    let username = username.trim();
    let wrong = || AppError::BadRequest {
        message: "wrong username or password".into(),
        fields: vec![jidi_domain::roll::FieldError {
            field: "password".into(),
            message: "wrong username or password".into(),
        }],
    };
    if username.is_empty()
        || username.len() > MAX_USERNAME_BYTES
        || username.contains('\0')
        || password.len() > jidi_domain::access::MAX_PASSWORD_BYTES
        || password.contains('\0')
    {
        return Err(wrong());
    }
    let key = format!("{username}|{address}");
    let address_key = format!("*|{address}");
    let now = Utc::now();
    let since = now - Duration::minutes(THROTTLE_WINDOW_MINUTES);
    let (reserved, per_key) = state
        .store
        .reserve_login_attempt(&[&key], now, since)
        .await?;
    let (address_reserved, per_address) = state
        .store
        .reserve_login_attempt(&[&address_key], now, since)
        .await?;
    if per_key > MAX_FAILURES || per_address > MAX_FAILURES_PER_ADDRESS {
        return Err(AppError::TooManyRequests {
            retry_after: (THROTTLE_WINDOW_MINUTES * 60) as u64,
        });
    }
    let user = state.store.user_by_username(username).await?;
    // Verify against a real hash even for unknown users, so that timing does not reveal which
    // usernames exist.
    let hash = match &user {
        Some(u) if u.active => u.password_hash.clone(),
        _ => state.dummy_hash.as_ref().clone(),
    };
    let matches = jidi_service::passwords::verify_blocking(password.to_string(), hash).await?;
    let ok = matches && user.as_ref().is_some_and(|u| u.active);
    let Some(user) = user.filter(|_| ok) else {
        return Err(wrong());
    };
    let mut succeeded = reserved;
    succeeded.extend(address_reserved);
    state.store.mark_login_succeeded(&succeeded).await?;
    let token = random_token();
    let csrf = random_token();
    let expires_at = Utc::now() + Duration::hours(state.config.session_hours);
    state
        .store
        .create_session(&token_hash(&token), user.id, &csrf, expires_at)
        .await?;
    Ok(NewSession {
        token,
        csrf,
        expires_at,
        user,
    })
}

/// The peer address of the connection, when the server recorded it.
pub struct PeerAddr(pub Option<std::net::SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for PeerAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<PeerAddr, Self::Rejection> {
        Ok(PeerAddr(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0),
        ))
    }
}

/// The client address for throttling: the connection's, or with `proxy_hops` trusted proxies in
/// front, the `X-Forwarded-For` entry that many places from the right (the address the outermost
/// trusted proxy saw; everything left of it came from the client and may be forged).
pub fn client_address(
    headers: &HeaderMap,
    proxy_hops: usize,
    peer: Option<std::net::SocketAddr>,
) -> String {
    if proxy_hops > 0 {
        let entries: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .collect();
        if let Some(entry) = entries
            .len()
            .checked_sub(proxy_hops)
            .and_then(|i| entries.get(i))
        {
            return (*entry).to_string();
        }
    }
    peer.map_or_else(|| "local".to_string(), |p| p.ip().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token());
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn bearer_tokens_are_read_the_same_however_spaced() {
        let token = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(axum::http::header::AUTHORIZATION, v.parse().unwrap());
            bearer(&h).map(str::to_string)
        };
        for v in [
            "Bearer abc",
            "Bearer   abc",
            "bearer abc ",
            " Bearer\tabc",
            "BEARER abc",
        ] {
            assert_eq!(token(v).as_deref(), Some("abc"), "{v:?}");
        }
        for v in ["Bearer", "Bearer ", "Basic abc", "Bearer a b", "Bearerabc"] {
            assert_eq!(token(v), None, "{v:?}");
        }
    }

    #[test]
    fn the_client_address_is_the_one_the_trusted_proxy_saw() {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "6.6.6.6, 10.0.0.7".parse().unwrap());
        let peer = Some("127.0.0.1:5000".parse().unwrap());
        assert_eq!(client_address(&h, 0, peer), "127.0.0.1");
        assert_eq!(
            client_address(&h, 1, peer),
            "10.0.0.7",
            "not the forged left entry"
        );
        assert_eq!(client_address(&h, 2, peer), "6.6.6.6");
        assert_eq!(client_address(&h, 3, peer), "127.0.0.1", "too few entries");
        assert_eq!(client_address(&HeaderMap::new(), 1, peer), "127.0.0.1");
    }

    #[test]
    fn equal_strings_compare_equal_in_constant_time() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
    }
}
