//! Values as people type them into forms and spreadsheets: dates in the common Chinese and ISO
//! forms. Shared by every importer and form so that they accept the same things.

use chrono::NaiveDate;

/// Parses `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYY年M月D日`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let t = t.split_whitespace().next().unwrap_or(t);
    for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, fmt) {
            return Some(d);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_in_the_usual_forms() {
        let d = NaiveDate::from_ymd_opt(2022, 1, 28);
        for t in [
            "2022-01-28",
            "2022/01/28",
            "2022.01.28",
            "2022年01月28日",
            " 2022-01-28 00:00:00",
        ] {
            assert_eq!(parse_date(t), d, "{t:?}");
        }
        assert_eq!(parse_date("28/01/2022"), None);
        assert_eq!(parse_date(""), None);
    }
}
