//! What a report must satisfy before it is rendered: finite figures with a provenance, whole
//! non-negative counts, star values 0–5, valid dates and months, non-empty Chinese names, and
//! unique keys within each list (they make the figure ids). Every problem is returned with its
//! path in the model, so that whoever fills the model can fix all of them at once.

use std::collections::HashSet;

use serde_json::Value;

use crate::model::Report;

/// A problem of the model, with its path, e.g. `economy.by_category[2].revenue.value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// The report could not be rendered: it has problems.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportError {
    /// Every problem found.
    pub problems: Vec<Problem>,
}

impl std::fmt::Display for ReportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the report model has {} problem(s)", self.problems.len())?;
        for p in &self.problems {
            write!(f, "; {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ReportError {}

/// Every problem of `report`; empty when it can be rendered.
pub fn check(report: &Report) -> Vec<Problem> {
    // The model serialises to a tree whose shapes are easy to recognise (a figure is an object
    // with `value`, `unit` and `provenance`); serde writes non-finite floats as null.
    let tree = serde_json::to_value(report).expect("the model serialises");
    let mut problems = Vec::new();
    walk(&tree, "", &mut problems);
    problems
}

fn walk(node: &Value, path: &str, problems: &mut Vec<Problem>) {
    let mut problem = |at: String, message: &str| {
        problems.push(Problem {
            path: at,
            message: message.to_string(),
        })
    };
    match node {
        Value::Object(map) => {
            if map.contains_key("value")
                && map.contains_key("unit")
                && map.contains_key("provenance")
            {
                let value = map["value"].as_f64();
                match value {
                    None => problem(format!("{path}.value"), "not a finite number"),
                    Some(v) => {
                        let unit = &map["unit"];
                        if unit.get("count").is_some() && (v < 0.0 || (v - v.round()).abs() > 1e-9)
                        {
                            problem(
                                format!("{path}.value"),
                                "a count must be a whole number, not negative",
                            );
                        }
                        if unit.as_str() == Some("stars") && !(0.0..=5.0).contains(&v) {
                            problem(format!("{path}.value"), "stars must be between 0 and 5");
                        }
                    }
                }
                if map["provenance"]["source"]
                    .as_str()
                    .is_none_or(|s| s.trim().is_empty())
                {
                    problem(format!("{path}.provenance.source"), "empty provenance");
                }
            }
            if map.len() == 3
                && ["year", "month", "day"]
                    .iter()
                    .all(|k| map.contains_key(*k))
            {
                let date = crate::model::Date {
                    year: map["year"].as_i64().unwrap_or(0) as i32,
                    month: map["month"].as_u64().unwrap_or(0) as u8,
                    day: map["day"].as_u64().unwrap_or(0) as u8,
                };
                if !date.is_valid() {
                    problem(path.to_string(), "not a valid date");
                }
            } else if let Some(m) = map.get("month").and_then(Value::as_u64)
                && !(1..=12).contains(&m)
            {
                problem(format!("{path}.month"), "month must be 1–12");
            }
            if map.len() == 2
                && map.contains_key("zh")
                && map.contains_key("en")
                && map["zh"].as_str().is_none_or(|s| s.trim().is_empty())
            {
                problem(format!("{path}.zh"), "empty Chinese text");
            }
            for (key, child) in map {
                let child_path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                walk(child, &child_path, problems);
            }
        }
        Value::Array(items) => {
            let mut seen = HashSet::new();
            for (idx, item) in items.iter().enumerate() {
                let item_path = format!("{path}[{idx}]");
                let key = item
                    .get("key")
                    .or_else(|| item.get("base").and_then(|b| b.get("key")))
                    .and_then(Value::as_str);
                if let Some(key) = key {
                    if key.is_empty() || key.chars().any(char::is_whitespace) {
                        problems.push(Problem {
                            path: format!("{item_path}.key"),
                            message: format!("key {key:?} must be non-empty without spaces"),
                        });
                    } else if !seen.insert(key.to_string()) {
                        problems.push(Problem {
                            path: format!("{item_path}.key"),
                            message: format!("key {key:?} appears twice in the list"),
                        });
                    }
                }
                walk(item, &item_path, problems);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;

    #[test]
    fn the_fixtures_are_valid() {
        assert_eq!(check(&fixture::full()), vec![]);
        assert_eq!(check(&fixture::minimal()), vec![]);
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let mut report = fixture::full();
        report.roll.n_bases.value = f64::NAN;
        report.roll.n_provinces.value = 30.5;
        report.meta.generated_on.day = 31;
        report.meta.generated_on.month = 2;
        let dup = report.roll.by_province[0].clone();
        report.roll.by_province.push(dup);
        report.roll.by_tier[0].value.provenance.source = String::new();
        let economy = report.economy.as_mut().unwrap();
        economy.revenue.current.provenance.source = " ".into();
        let got: Vec<String> = check(&report).iter().map(|p| p.path.clone()).collect();
        let want = [
            "meta.generated_on",
            "roll.by_province[31].key",
            "roll.by_tier[0].value.provenance.source",
            "roll.n_bases.value",
            "roll.n_provinces.value",
            "economy.revenue.current.provenance.source",
        ];
        for w in want {
            assert!(got.iter().any(|g| g == w), "missing {w} in {got:?}");
        }
        assert_eq!(got.len(), want.len(), "{got:?}");
    }
}
