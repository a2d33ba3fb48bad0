//! Interface languages: Chinese (default) and English. Messages live in `locales/*.toml` (flat
//! `key = "text"` tables, embedded in the binary); a missing English message falls back to Chinese,
//! a missing key shows the key, and a test checks that both catalogues have the same keys.

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::http::HeaderMap;

/// An interface language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    /// 简体中文.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// `zh` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The `lang` attribute of pages.
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Parses `zh`/`en` (and `zh-CN`, `en-US` …).
    pub fn parse(text: &str) -> Option<Lang> {
        let t = text.trim().to_ascii_lowercase();
        if t.starts_with("zh") {
            Some(Lang::Zh)
        } else if t.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The language of a request: `?lang=`, then the cookie, then Chinese.
    pub fn from_request(headers: &HeaderMap, query: Option<&str>) -> Lang {
        if let Some(q) = query {
            for pair in q.split('&') {
                if let Some(v) = pair.strip_prefix("lang=")
                    && let Some(l) = Lang::parse(v)
                {
                    return l;
                }
            }
        }
        crate::cookies::get(headers, crate::cookies::LANG)
            .as_deref()
            .and_then(Lang::parse)
            .unwrap_or_default()
    }

    /// Picks the Chinese or English of a pair.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

const ZH: &str = include_str!("../locales/zh.toml");
const EN: &str = include_str!("../locales/en.toml");

fn catalogue(lang: Lang) -> &'static HashMap<String, String> {
    static ZH_MAP: OnceLock<HashMap<String, String>> = OnceLock::new();
    static EN_MAP: OnceLock<HashMap<String, String>> = OnceLock::new();
    let (cell, text) = match lang {
        Lang::Zh => (&ZH_MAP, ZH),
        Lang::En => (&EN_MAP, EN),
    };
    cell.get_or_init(|| parse(text).expect("shipped locale parses"))
}

fn parse(text: &str) -> Result<HashMap<String, String>, String> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
    let mut out = HashMap::new();
    for (k, v) in table {
        match v {
            toml::Value::String(s) => {
                out.insert(k, s);
            }
            other => return Err(format!("{k}: expected a string, found {other}")),
        }
    }
    Ok(out)
}

/// The message `key` in `lang`.
pub fn t(lang: Lang, key: &str) -> String {
    catalogue(lang)
        .get(key)
        .or_else(|| catalogue(Lang::Zh).get(key))
        .cloned()
        .unwrap_or_else(|| key.to_string())
}

/// Keys of a catalogue, for the consistency test.
pub fn keys(lang: Lang) -> Vec<String> {
    let mut k: Vec<String> = catalogue(lang).keys().cloned().collect();
    k.sort();
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogues_have_the_same_keys() {
        assert_eq!(keys(Lang::Zh), keys(Lang::En));
    }

    #[test]
    fn languages_come_from_query_then_cookie() {
        let mut h = HeaderMap::new();
        h.insert(axum::http::header::COOKIE, "jidi_lang=en".parse().unwrap());
        assert_eq!(Lang::from_request(&h, None), Lang::En);
        assert_eq!(Lang::from_request(&h, Some("page=2&lang=zh")), Lang::Zh);
        assert_eq!(Lang::from_request(&HeaderMap::new(), None), Lang::Zh);
    }
}
