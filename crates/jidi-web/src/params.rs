//! Parsing request parameters into typed values, with errors that name the field: shared by the
//! API and the pages.

use axum::http::HeaderMap;

use crate::error::AppError;

/// The CSRF token a browser session sends with a write (`X-CSRF-Token`).
pub fn csrf(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-csrf-token").and_then(|v| v.to_str().ok())
}

/// Parses a path id.
pub fn parse_id(text: &str, field: &str) -> Result<i64, AppError> {
    text.parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| AppError::bad_field(field, format!("{text:?} is not a positive integer")))
}

/// Parses an optional query value.
pub fn parse_opt<T>(
    value: &Option<String>,
    field: &str,
    parse: impl Fn(&str) -> Option<T>,
    expected: &str,
) -> Result<Option<T>, AppError> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => parse(v)
            .map(Some)
            .ok_or_else(|| AppError::bad_field(field, format!("{v:?} is not {expected}"))),
    }
}
