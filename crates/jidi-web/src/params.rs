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

/// `target` when it is a path of this site (`/…`), else `None`. Browsers read a backslash as a
/// slash and drop tabs and newlines inside URLs, so `/\\evil.com` and `/\t/evil.com` would leave
/// the site: anything with a control character or a backslash is refused, as are `//host` and
/// any scheme.
pub fn local_path(target: &str) -> Option<String> {
    let ok = target.starts_with('/')
        && !target.starts_with("//")
        && !target.contains('\\')
        && !target.chars().any(char::is_control)
        && target.len() <= 2048;
    ok.then(|| target.to_string())
}

/// A page of a list as asked for: validated once, with an offset that cannot overflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
    /// Page number, from 1.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
    /// Rows to skip.
    pub offset: u32,
}

impl Paging {
    /// Parses `page` (a positive integer, default 1) and `per_page` (1 to `max`, default
    /// `default`). A page whose first row lies beyond what an offset can address is a 400 naming
    /// `page`, never a wrapped offset that silently shows another page.
    pub fn parse(
        page: &Option<String>,
        per_page: &Option<String>,
        default: u32,
        max: u32,
    ) -> Result<Paging, AppError> {
        let positive = |v: &str| v.parse::<u32>().ok().filter(|x| *x > 0);
        let page = parse_opt(page, "page", positive, "a positive integer")?.unwrap_or(1);
        let per_page = parse_opt(
            per_page,
            "per_page",
            |v| positive(v).filter(|n| *n <= max),
            &format!("1 to {max}"),
        )?
        .unwrap_or(default);
        let offset = (page - 1).checked_mul(per_page).ok_or_else(|| {
            AppError::bad_field("page", format!("{page} is beyond the last page"))
        })?;
        Ok(Paging {
            page,
            per_page,
            offset,
        })
    }

    /// The store's page.
    pub fn store_page(&self) -> jidi_store::Page {
        jidi_store::Page {
            offset: self.offset,
            limit: self.per_page,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn only_paths_of_this_site_are_destinations() {
        for ok in ["/", "/bases?page=2", "/bases/3#x"] {
            assert_eq!(local_path(ok).as_deref(), Some(ok));
        }
        for bad in [
            "//evil.com",
            "/\\evil.com",
            "/\t/evil.com",
            "https://evil.com",
            "evil.com",
            "/\n/evil.com",
            "",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn pages_are_checked_and_never_wrap() {
        let p = Paging::parse(&some("3"), &some("20"), 50, 500).unwrap();
        assert_eq!((p.page, p.per_page, p.offset), (3, 20, 40));
        assert_eq!(Paging::parse(&None, &None, 50, 500).unwrap().per_page, 50);
        for (page, per) in [
            ("0", "10"),
            ("-1", "10"),
            ("x", "10"),
            ("1", "0"),
            ("1", "501"),
        ] {
            assert!(
                Paging::parse(&some(page), &some(per), 50, 500).is_err(),
                "{page} {per}"
            );
        }
        // (2^32 / 100 + 2 − 1) × 100 overflows u32: refused, not wrapped to an early page.
        let huge = (u32::MAX / 100 + 2).to_string();
        assert!(Paging::parse(&some(&huge), &some("100"), 50, 500).is_err());
    }
}
