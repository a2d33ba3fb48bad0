//! English mode is complete: every page each role can reach, fetched in English, shows no Chinese
//! character outside data that has no English form, on both backends.
//!
//! The test crawls the pages as each role (public, ministry, province, base, evaluator) from a
//! few seeds, following the links it finds, and reads the text a person sees: text nodes, the
//! attributes a browser shows (`title`, `placeholder`, `aria-label`, `alt`, a button's `value`)
//! and the strings of the charts' data. Exceptions are marked in the page itself, in one way only:
//! an element with `lang="zh…"` holds Chinese by design, and the test skips what is inside it.
//! What carries that mark, and why (the one list; keep it in step with `docs/I18N.md`):
//!
//! - base names (`主导产业(细分)·地点`): official names, which have no English form;
//! - the brand mark 基地 and the link to the Chinese interface (`中文`);
//! - free text typed by people (decision reasons, review comments, report notes, user names,
//!   annotations, custom category names), stored as typed;
//! - enterprise and park names inside values people submitted;
//! - the sources of emission factors, cited as published (titles of Chinese notices).
//!
//! Text the page marks so may be repeated where no element can mark it: in the page's `<title>`,
//! in an attribute (a checkbox's label "Select 某基地") or in a chart's data (a legend of base
//! names); the test removes the marked texts from such strings before it looks for Chinese.

use crate::support;

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use axum::http::header;
use jidi_test_support::{TestDb, backend_tests};
use support::{App, Auth, demo_options};

/// Pages per route pattern (path with its numbers and codes replaced) and query shape: enough to
/// see each page with and without its filters, few enough to keep the crawl quick.
const PER_PATTERN: usize = 3;
/// A bound on the pages one role visits, so a link explosion fails loudly instead of running on.
const MAX_PAGES: usize = 600;

/// Paths not crawled, each with its reason.
const SKIP_PREFIXES: &[(&str, &str)] = &[
    ("/static/", "assets, not pages"),
    ("/api/", "JSON and Swagger UI, not pages"),
    ("/lang/", "switches the language"),
    ("/logout", "ends the session"),
    (
        "/reports/draft",
        "the annual development report is a Chinese document by design (C9)",
    ),
    ("/reports/editions/", "published report files, not pages"),
    ("/values/template", "a file"),
    ("/values/workbook.xlsx", "a file"),
    ("/bases/export", "a file"),
];

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{3000}'..='\u{303F}'
        | '\u{FF01}'..='\u{FF5E}'
        | '\u{20000}'..='\u{2FA1F}')
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(is_cjk)
}

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];
const SHOWN_ATTRIBUTES: &[&str] = &["title", "placeholder", "aria-label", "alt"];

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2f;", "/")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// What a page shows: the Chinese strings outside `lang="zh…"`, the texts inside it, the chart
/// data and the links.
#[derive(Default)]
struct Reading {
    chinese: Vec<String>,
    exempt: BTreeSet<String>,
    chart_strings: Vec<String>,
    links: Vec<String>,
}

struct Open {
    name: String,
    zh: bool,
}

fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let b: Vec<char> = tag.chars().collect();
    let mut i = 0;
    // Skip the element name.
    while i < b.len() && !b[i].is_whitespace() {
        i += 1;
    }
    while i < b.len() {
        while i < b.len() && (b[i].is_whitespace() || b[i] == '/') {
            i += 1;
        }
        let start = i;
        while i < b.len() && !b[i].is_whitespace() && b[i] != '=' {
            i += 1;
        }
        let name: String = b[start..i].iter().collect::<String>().to_ascii_lowercase();
        if name.is_empty() {
            break;
        }
        if i < b.len() && b[i] == '=' {
            i += 1;
            let value: String = if i < b.len() && (b[i] == '"' || b[i] == '\'') {
                let q = b[i];
                i += 1;
                let s = i;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                let v = b[s..i].iter().collect();
                i += 1;
                v
            } else {
                let s = i;
                while i < b.len() && !b[i].is_whitespace() {
                    i += 1;
                }
                b[s..i].iter().collect()
            };
            out.push((name, unescape(&value)));
        } else {
            out.push((name, String::new()));
        }
    }
    out
}

fn collect_json_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_json_strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| collect_json_strings(x, out)),
        _ => {}
    }
}

/// Reads a page the way a person sees it (a small tokenizer: the pages are our own templates).
fn read(html: &str) -> Reading {
    let mut r = Reading::default();
    let mut stack: Vec<Open> = Vec::new();
    let mut rest = html;
    let in_zh = |stack: &[Open]| stack.iter().any(|o| o.zh);
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            let text = unescape(rest);
            note_text(&mut r, &text, in_zh(&stack));
            break;
        };
        let text = unescape(&rest[..lt]);
        note_text(&mut r, &text, in_zh(&stack));
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        let Some(gt) = rest.find('>') else { break };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim().to_ascii_lowercase();
            if let Some(pos) = stack.iter().rposition(|o| o.name == name) {
                stack.truncate(pos);
            }
            continue;
        }
        let name = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let attrs = attributes(tag);
        let attr = |k: &str| attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let zh = attr("lang").is_some_and(|l| l.to_ascii_lowercase().starts_with("zh"));
        let inside_zh = zh || in_zh(&stack);
        if name == "a"
            && let Some(href) = attr("href")
        {
            r.links.push(href.to_string());
        }
        for (k, v) in &attrs {
            let shown = SHOWN_ATTRIBUTES.contains(&k.as_str())
                || (k == "value" && matches!(attr("type"), Some("submit" | "button")));
            if shown {
                note_text(&mut r, v, inside_zh);
            }
        }
        // A text area's content is a form's value, like an input's `value`: what the user edits,
        // not text the page shows.
        if name == "textarea" {
            let close = rest.find("</textarea").unwrap_or(rest.len());
            rest = &rest[close..];
            continue;
        }
        if name == "script" || name == "style" {
            let end = format!("</{name}");
            let close = rest.find(&end).unwrap_or(rest.len());
            let body = &rest[..close];
            if name == "script"
                && attr("type") == Some("application/json")
                && let Ok(v) = serde_json::from_str::<serde_json::Value>(body)
            {
                collect_json_strings(&v, &mut r.chart_strings);
            }
            rest = &rest[close..];
            rest = rest.find('>').map_or("", |g| &rest[g + 1..]);
            continue;
        }
        if !VOID.contains(&name.as_str()) && !tag.ends_with('/') {
            stack.push(Open { name, zh });
        }
    }
    r
}

fn note_text(r: &mut Reading, text: &str, zh: bool) {
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() {
        return;
    }
    if zh {
        r.exempt.insert(t);
    } else if has_cjk(&t) {
        r.chinese.push(t);
    }
}

/// `text` without the texts the page marks as Chinese: a base name the page shows in a
/// `lang="zh-CN"` element may stand in the page's `<title>`, a checkbox's label or a chart's
/// legend, where no element can mark it.
fn without_exempt(text: &str, exempt: &BTreeSet<String>) -> String {
    let mut out = text.to_string();
    let mut marked: Vec<&String> = exempt.iter().filter(|e| e.chars().count() >= 2).collect();
    marked.sort_by_key(|e| std::cmp::Reverse(e.len()));
    for e in marked {
        if out.contains(e.as_str()) {
            out = out.replace(e.as_str(), "");
        }
    }
    out
}

/// The route pattern of a link: numbers and codes replaced, query keys sorted, so `/bases/12` and
/// `/bases/13?lang=en` are the same page.
fn pattern(url: &str) -> String {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let segments: Vec<&str> = path
        .split('/')
        .map(|s| {
            if s.chars().any(|c| c.is_ascii_digit()) {
                "{}"
            } else {
                s
            }
        })
        .collect();
    let mut keys: Vec<&str> = query
        .split('&')
        .filter_map(|p| p.split('=').next())
        .filter(|k| !k.is_empty() && *k != "lang")
        .collect();
    keys.sort_unstable();
    keys.dedup();
    format!("{}?{}", segments.join("/"), keys.join("&"))
}

fn follow(href: &str) -> Option<String> {
    let href = href.split('#').next()?;
    if !href.starts_with('/') || href.starts_with("//") {
        return None;
    }
    if SKIP_PREFIXES.iter().any(|(p, _)| href.starts_with(p)) {
        return None;
    }
    Some(href.to_string())
}

fn in_english(url: &str) -> String {
    if url.contains('?') {
        format!("{url}&lang=en")
    } else {
        format!("{url}?lang=en")
    }
}

/// Crawls as one viewer; returns, per route pattern, the Chinese strings shown.
async fn crawl(
    app: &App,
    auth: &Auth,
    seeds: &[String],
) -> (BTreeMap<String, BTreeSet<String>>, usize) {
    let mut offenders: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut per_pattern: HashMap<String, usize> = HashMap::new();
    let mut queue: VecDeque<String> = seeds.iter().cloned().collect();
    let mut n_pages = 0;
    while let Some(url) = queue.pop_front() {
        if !seen.insert(url.clone()) {
            continue;
        }
        let key = pattern(&url);
        let n = per_pattern.entry(key.clone()).or_default();
        if *n >= PER_PATTERN {
            continue;
        }
        *n += 1;
        let reply = app.get(&in_english(&url), auth).await;
        let is_html = reply
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("text/html"));
        assert!(
            !reply.status.is_server_error(),
            "{}: {url}: {}",
            app.label(),
            reply.status
        );
        if !is_html {
            continue;
        }
        n_pages += 1;
        assert!(
            n_pages <= MAX_PAGES,
            "{}: crawl ran away at {url}",
            app.label()
        );
        let page = read(&reply.text());
        let mut bad: Vec<String> = page.chinese;
        bad.extend(page.chart_strings.into_iter().filter(|s| has_cjk(s)));
        bad.retain(|s| has_cjk(&without_exempt(s, &page.exempt)));
        if !bad.is_empty() {
            offenders
                .entry(format!("{key} (e.g. {url})"))
                .or_default()
                .extend(bad);
        }
        for href in page.links {
            if let Some(next) = follow(&href)
                && !seen.contains(&next)
            {
                queue.push_back(next);
            }
        }
    }
    (offenders, n_pages)
}

async fn english_pages_show_no_chinese(db: TestDb) {
    let app = App::over(db, &demo_options()).await;
    let label = app.label();
    let mut viewers = vec![("public", Auth::Anonymous)];
    for (role, user) in [
        ("ministry", "admin"),
        ("province", "hubei"),
        ("base", "donghu"),
        ("evaluator", "evaluator"),
    ] {
        viewers.push((role, app.login_cookie(user).await));
    }
    // Pages no link leads to (error pages, forms reached by buttons) are seeds of their own.
    let seeds: Vec<String> = [
        "/",
        "/login",
        "/bases",
        "/evaluations",
        "/schemes",
        "/catalogue",
        "/reports",
        "/proposals",
        "/monitoring",
        "/warnings",
        "/tasks",
        "/values",
        "/values/workbook",
        "/submissions",
        "/audit",
        "/admin",
        "/bases/new",
        "/nowhere",
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    let mut report = String::new();
    let mut n_strings = 0;
    for (role, auth) in &viewers {
        let (offenders, n_pages) = crawl(&app, auth, &seeds).await;
        assert!(
            n_pages >= 10,
            "{label} {role}: only {n_pages} pages crawled"
        );
        for (page, strings) in &offenders {
            n_strings += strings.len();
            let sample: Vec<&String> = strings.iter().take(40).collect();
            report.push_str(&format!(
                "{role} {page}: {} strings: {sample:?}\n",
                strings.len()
            ));
        }
        eprintln!(
            "{label} {role}: {n_pages} pages, {} with Chinese",
            offenders.len()
        );
    }
    assert!(
        report.is_empty(),
        "{label}: English pages show Chinese ({n_strings} distinct strings by page):\n{report}"
    );
    app.finish().await;
}

backend_tests!(english_pages_show_no_chinese);

#[test]
fn the_reader_skips_chinese_marked_as_such() {
    let r = read(
        "<p title=\"提示\">Hello <span lang=\"zh-CN\">东湖<b>区</b></span> 亿元</p>\
         <script type=\"application/json\">{\"a\":[\"东湖\",\"武汉\"]}</script>\
         <a href=\"/bases?x=1&amp;y=2\">x</a>",
    );
    assert_eq!(r.chinese, vec!["提示".to_string(), "亿元".to_string()]);
    assert_eq!(
        r.exempt.into_iter().collect::<Vec<_>>(),
        vec!["东湖".to_string(), "区".to_string()]
    );
    assert_eq!(r.chart_strings, vec!["东湖", "武汉"]);
    assert_eq!(r.links, vec!["/bases?x=1&y=2"]);
    assert_eq!(pattern("/bases/12?page=2&lang=en"), "/bases/{}?page");
    let marked: BTreeSet<String> = ["东湖".to_string()].into();
    assert!(!has_cjk(&without_exempt("Select 东湖", &marked)));
    assert!(has_cjk(&without_exempt("东湖 · 亿元", &marked)));
    assert!(
        read("<textarea>默认方案</textarea><p>x</p>")
            .chinese
            .is_empty()
    );
}
