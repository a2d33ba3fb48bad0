//! Reading and writing cookies through the `cookie` crate (quoting, attributes and several
//! `Cookie` headers are its business, not ours). jidi's cookies: the session, the login form's
//! CSRF token and the language.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;
use cookie::{Cookie, SameSite};

/// Session cookie name.
pub const SESSION: &str = "jidi_session";
/// Cookie of the anonymous (login) form's CSRF token.
pub const LOGIN_CSRF: &str = "jidi_login_csrf";
/// Interface language cookie.
pub const LANG: &str = "jidi_lang";

/// The value of cookie `name` among all `Cookie` headers of a request.
pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// The `Set-Cookie` value of a session (an empty token and age 0 clear it).
pub fn session(token: &str, max_age_seconds: i64, secure: bool) -> String {
    Cookie::build((SESSION, token.to_string()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(max_age_seconds))
        .secure(secure)
        .build()
        .to_string()
}

/// The `Set-Cookie` value of the login form's CSRF token, sent back only to `/login`.
pub fn login_csrf(token: &str, secure: bool) -> String {
    Cookie::build((LOGIN_CSRF, token.to_string()))
        .path("/login")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .build()
        .to_string()
}

/// The `Set-Cookie` value of the interface language, kept for a year.
pub fn lang(code: &str) -> String {
    Cookie::build((LANG, code.to_string()))
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::days(365))
        .build()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_several_headers() {
        let mut h = HeaderMap::new();
        h.append(COOKIE, "a=1; jidi_session=abc".parse().unwrap());
        h.append(COOKIE, "jidi_lang=en".parse().unwrap());
        assert_eq!(get(&h, SESSION).as_deref(), Some("abc"));
        assert_eq!(get(&h, LANG).as_deref(), Some("en"));
        assert_eq!(get(&h, "missing"), None);
    }

    #[test]
    fn session_cookies_carry_their_attributes() {
        let c = session("t0k", 3600, true);
        for part in [
            "jidi_session=t0k",
            "HttpOnly",
            "SameSite=Lax",
            "Path=/",
            "Max-Age=3600",
            "Secure",
        ] {
            assert!(c.contains(part), "{c} lacks {part}");
        }
        assert!(!session("", 0, false).contains("Secure"));
        assert!(login_csrf("x", false).contains("Path=/login"));
    }
}
