//! Page templates (minijinja, embedded in the binary) and the functions they may call.
//!
//! Undefined variables are errors (`UndefinedBehavior::Strict`), and a test renders every page, so
//! a typo in a template fails the test suite rather than a user's request.

use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind, State, UndefinedBehavior};

use crate::i18n::{self, Lang};

/// Every template, by name.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("layout.html", include_str!("../templates/layout.html")),
    ("error.html", include_str!("../templates/error.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    (
        "dashboard.html",
        include_str!("../templates/dashboard.html"),
    ),
    ("bases.html", include_str!("../templates/bases.html")),
    ("base.html", include_str!("../templates/base.html")),
    (
        "base_form.html",
        include_str!("../templates/base_form.html"),
    ),
    ("login.html", include_str!("../templates/login.html")),
    ("admin.html", include_str!("../templates/admin.html")),
    (
        "evaluations.html",
        include_str!("../templates/evaluations.html"),
    ),
    ("run.html", include_str!("../templates/run.html")),
    (
        "scorecard.html",
        include_str!("../templates/scorecard.html"),
    ),
    ("compare.html", include_str!("../templates/compare.html")),
    ("schemes.html", include_str!("../templates/schemes.html")),
    ("scheme.html", include_str!("../templates/scheme.html")),
    (
        "scheme_edit.html",
        include_str!("../templates/scheme_edit.html"),
    ),
    (
        "proposals.html",
        include_str!("../templates/proposals.html"),
    ),
    ("values.html", include_str!("../templates/values.html")),
    (
        "submissions.html",
        include_str!("../templates/submissions.html"),
    ),
    ("tasks.html", include_str!("../templates/tasks.html")),
    ("task.html", include_str!("../templates/task.html")),
    ("audit.html", include_str!("../templates/audit.html")),
    ("workbook.html", include_str!("../templates/workbook.html")),
    (
        "catalogue.html",
        include_str!("../templates/catalogue.html"),
    ),
    (
        "catalogue_entry.html",
        include_str!("../templates/catalogue_entry.html"),
    ),
    (
        "monitoring.html",
        include_str!("../templates/monitoring.html"),
    ),
    (
        "monitoring_base.html",
        include_str!("../templates/monitoring_base.html"),
    ),
    ("green.html", include_str!("../templates/green.html")),
    ("warnings.html", include_str!("../templates/warnings.html")),
    (
        "warning_rules.html",
        include_str!("../templates/warning_rules.html"),
    ),
    (
        "warnings_list.html",
        include_str!("../templates/warnings_list.html"),
    ),
    ("reports.html", include_str!("../templates/reports.html")),
];

fn lang_of(state: &State) -> Lang {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::parse))
        .unwrap_or_default()
}

/// Builds the environment.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .unwrap_or_else(|e| panic!("template {name}: {e}"));
    }
    env.add_function("t", |state: &State, key: &str| -> String {
        i18n::t(lang_of(state), key)
    });
    // `pick(zh, en)`: the text in the page's language.
    env.add_function("pick", |state: &State, zh: Value, en: Value| -> Value {
        match lang_of(state) {
            Lang::Zh => zh,
            Lang::En => {
                if en.is_undefined() || en.is_none() || en.as_str() == Some("") {
                    zh
                } else {
                    en
                }
            }
        }
    });
    env.add_function("select", select);
    // `generated_text(kind, text, key)`: a text the programme generated (the default scheme's
    // name or description, for the scheme's year; a task's standard title, for its period) in the
    // page's language, or none when `text` was typed by people and
    // has no other form (the `typed` macro then marks it as Chinese).
    env.add_function(
        "generated_text",
        |state: &State, kind: &str, text: &str, key: Value| -> Value {
            use jidi_domain::scheme;
            if kind == "task_title" {
                // `key` is the task's period, `YYYY` or `YYYY-MM`.
                let period = key
                    .as_str()
                    .map(String::from)
                    .unwrap_or_else(|| key.to_string());
                let (shown, typed) =
                    crate::reads::tasks::shown_title(text, &period, lang_of(state));
                return if typed {
                    Value::from(())
                } else {
                    Value::from(shown)
                };
            }
            let Some(year) = key.as_i64().and_then(|y| i32::try_from(y).ok()) else {
                return Value::from(());
            };
            let demo_description = format!(
                "{}{}",
                scheme::DEFAULT_DESCRIPTION,
                scheme::SYNTHETIC_SHARES_NOTE
            );
            let (zh, en) = match kind {
                "scheme_name" => (scheme::default_name(year), scheme::default_name_en(year)),
                "scheme_description" if text == demo_description => (
                    demo_description,
                    format!(
                        "{}{}",
                        scheme::DEFAULT_DESCRIPTION_EN,
                        scheme::SYNTHETIC_SHARES_NOTE_EN
                    ),
                ),
                "scheme_description" => (
                    scheme::DEFAULT_DESCRIPTION.to_string(),
                    scheme::DEFAULT_DESCRIPTION_EN.to_string(),
                ),
                _ => return Value::from(()),
            };
            if text != zh {
                return Value::from(());
            }
            Value::from(match lang_of(state) {
                Lang::Zh => zh,
                Lang::En => en,
            })
        },
    );
    // `{{ unit|unit }}`: a catalogue unit in the page's language.
    env.add_filter("unit", |state: &State, unit: Value| -> String {
        let text = unit.as_str().unwrap_or_default();
        match lang_of(state) {
            Lang::Zh => text.to_string(),
            Lang::En => jidi_domain::catalogue::unit_en(text).to_string(),
        }
    });
    env.add_filter("num", format_number);
    // `{{ value|num_in(unit) }}`: a figure in its unit; a whole count of firms, items or events
    // shows no decimals ("58 家", never "58.00 家"), stored as a float or not.
    env.add_filter(
        "num_in",
        |value: Value, unit: Value, digits: Option<u32>| -> Result<String, Error> {
            let unit = unit.as_str().unwrap_or_default();
            let whole = f64::try_from(value.clone()).is_ok_and(|x| x.fract() == 0.0);
            let digits = if whole && is_count_unit(unit) {
                Some(0)
            } else {
                digits
            };
            format_number(value, digits)
        },
    );
    // `{{ asset("app.css") }}`: the content-hashed URL, cached for a year by browsers.
    env.add_function("asset", |name: &str| crate::assets::asset_url(name));
    env.add_filter("stars", |n: Value| -> String {
        n.as_i64().map_or_else(|| "—".into(), stars_text)
    });
    env.add_filter("signed", |v: Value, digits: Option<u32>| -> String {
        match f64::try_from(v.clone()).ok() {
            Some(x) if x.is_finite() => format!("{:+.*}", digits.unwrap_or(1) as usize, x),
            _ => "—".into(),
        }
    });
    // `{{ rate|growth }}`: a growth rate in % as the monitoring tables show it, marked good when
    // not negative, a muted dash when missing. A filter rather than a template macro: a macro call
    // per cell (five a row, sixty rows) was the dearest part of a base's monitoring page.
    env.add_filter("growth", |v: Value| -> Value {
        if v.is_none() || v.is_undefined() {
            return Value::from_safe_string(r#"<span class="muted">—</span>"#.into());
        }
        let x = f64::try_from(v).ok();
        let class = if x.is_some_and(|x| x >= 0.0) {
            "good"
        } else {
            "bad"
        };
        let text = match x {
            Some(x) if x.is_finite() => format!("{x:+.1}"),
            _ => "—".into(),
        };
        Value::from_safe_string(format!(r#"<span class="{class}">{text}%</span>"#))
    });
    // `{{ v|change }}`: a change from last year with its arrow (▲ up, ▼ down), whole numbers; a
    // filter for the same reason as `growth` (two cells a row of the results table).
    env.add_filter("change", |v: Value| -> Result<Value, Error> {
        if v.is_none() || v.is_undefined() {
            return Ok(Value::from_safe_string(
                r#"<span class="muted">—</span>"#.into(),
            ));
        }
        let x = f64::try_from(v.clone()).map_err(|_| {
            Error::new(
                minijinja::ErrorKind::InvalidOperation,
                format!("change of a non-number {v}"),
            )
        })?;
        let html = if x > 0.0 {
            format!(
                r#"<span class="up">▲ {}</span>"#,
                format_number(v, Some(0))?
            )
        } else if x < 0.0 {
            format!(
                r#"<span class="down">▼ {}</span>"#,
                format_number(Value::from(-x), Some(0))?
            )
        } else {
            r#"<span class="muted">0</span>"#.to_string()
        };
        Ok(Value::from_safe_string(html))
    });
    env.add_filter("pct", |v: Value| -> String {
        match f64::try_from(v.clone()).ok() {
            Some(x) if x.is_finite() => format!("{:.0}%", x * 100.0),
            _ => "—".into(),
        }
    });
    env
}

/// `{{ select(name, options, current, placeholder) }}`: a `<select>` with its options (each with
/// `value`, `label` and optionally `parent`, which the page script uses for dependent lists).
/// Written here rather than as a template macro because a macro call per option made filter
/// forms the dearest part of the list page.
fn select(
    name: &str,
    options: Value,
    current: Option<Value>,
    placeholder: &str,
) -> Result<Value, Error> {
    use crate::error::html_escape as esc;
    let current = current
        .filter(|c| !c.is_none() && !c.is_undefined())
        .map(|c| c.to_string());
    let mut html = format!(
        "<select name=\"{n}\" id=\"f-{n}\">\n  <option value=\"\">{}</option>\n  ",
        esc(placeholder),
        n = esc(name)
    );
    for o in options.try_iter()? {
        let text = |key: &str| {
            o.get_attr(key)
                .ok()
                .filter(|v| !v.is_none() && !v.is_undefined())
                .map(|v| v.to_string())
                .filter(|s| !s.is_empty())
        };
        let value = text("value").unwrap_or_default();
        html.push_str(&format!("<option value=\"{}\"", esc(&value)));
        if let Some(parent) = text("parent") {
            html.push_str(&format!(" data-parent=\"{}\"", esc(&parent)));
        }
        if current.as_deref() == Some(value.as_str()) {
            html.push_str(" selected");
        }
        html.push_str(&format!(
            ">{}</option>",
            esc(&text("label").unwrap_or_default())
        ));
    }
    html.push_str("\n</select>");
    Ok(Value::from_safe_string(html))
}

/// `★★★☆☆` for 3 stars; `—` outside one to five.
fn stars_text(n: i64) -> String {
    match n {
        1..=5 => {
            let k = n as usize;
            format!("{}{}", "★".repeat(k), "☆".repeat(5 - k))
        }
        _ => "—".to_string(),
    }
}

/// `{{ value|num(2) }}`: a number with thousands separators and `digits` decimals; `—` when missing.
/// Units that count whole things: firms, items, events, people.
fn is_count_unit(unit: &str) -> bool {
    matches!(
        unit,
        "个" | "家" | "项" | "件" | "次" | "人" | "户" | "起" | "座"
    )
}

fn format_number(value: Value, digits: Option<u32>) -> Result<String, Error> {
    if value.is_none() || value.is_undefined() {
        return Ok("—".into());
    }
    let Some(x) = f64::try_from(value.clone()).ok() else {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            "num expects a number",
        ));
    };
    if !x.is_finite() {
        return Ok("—".into());
    }
    // Counts are whole ("5 个", never "5.00 个"): an integer value has no decimals unless asked.
    let integer = value.as_i64().is_some() && !value.to_string().contains('.');
    let digits = digits.unwrap_or(if integer || x.abs() >= 100.0 { 0 } else { 2 }) as usize;
    let text = format!("{:.*}", digits, x.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if x < 0.0 { "-" } else { "" };
    Ok(if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cell filters write what the template macros they replaced wrote.
    #[test]
    fn growth_and_change_cells() {
        let env = environment();
        let muted = r#"<span class="muted">—</span>"#;
        for (filter, v, want) in [
            ("growth", Value::from(()), muted),
            (
                "growth",
                Value::from(2.345),
                r#"<span class="good">+2.3%</span>"#,
            ),
            (
                "growth",
                Value::from(0.0),
                r#"<span class="good">+0.0%</span>"#,
            ),
            (
                "growth",
                Value::from(-12.06),
                r#"<span class="bad">-12.1%</span>"#,
            ),
            ("change", Value::from(()), muted),
            ("change", Value::from(2), r#"<span class="up">▲ 2</span>"#),
            (
                "change",
                Value::from(-1234.0),
                r#"<span class="down">▼ 1,234</span>"#,
            ),
            ("change", Value::from(0), r#"<span class="muted">0</span>"#),
        ] {
            let src = format!("{{{{ v|{filter} }}}}");
            let got = env
                .render_str(&src, minijinja::context! { v => v.clone() })
                .unwrap();
            assert_eq!(got, want, "{v:?}|{filter}");
        }
    }

    /// The templates are listed by hand so that the binary embeds them; the list is checked
    /// against the folder, so that a new template cannot be silently left out.
    #[test]
    fn every_template_file_is_embedded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .expect("templates folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".html"))
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = TEMPLATES.iter().map(|(n, _)| (*n).to_string()).collect();
        listed.sort();
        assert_eq!(listed, on_disk);
        for (name, source) in TEMPLATES {
            assert_eq!(
                std::fs::read_to_string(dir.join(name)).expect("template"),
                *source,
                "{name} is the embedded text"
            );
        }
    }

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(
            format_number(Value::from(1234567.891), Some(1)).unwrap(),
            "1,234,567.9"
        );
        assert_eq!(format_number(Value::from(-0.5), None).unwrap(), "-0.50");
        assert_eq!(format_number(Value::from(()), None).unwrap(), "—");
        assert_eq!(format_number(Value::from(5_i64), None).unwrap(), "5");
        assert_eq!(format_number(Value::from(5.0_f64), None).unwrap(), "5.00");
        assert_eq!(
            format_number(Value::from(12_345_i64), None).unwrap(),
            "12,345"
        );
    }
}
