//! GB/T 4754-2017 industry classification (国民经济行业分类): sections (门类, a letter),
//! divisions (大类, 2 digits), groups (中类, 3 digits) and classes (小类, 4 digits).
//!
//! The list is `data/gbt4754_2017_full.csv`, embedded and parsed once. The level of a code is
//! taken from its length, and a division's section from the file's division rows, because the
//! file's own `level` and `parent` columns have a few slips (`3611` is labelled 中类, some
//! classes point at the wrong group); the code structure of the standard is unambiguous.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::finding::{Finding, Rule};

/// The embedded classification, as CSV (`code,name,level,parent`).
pub const GBT4754_CSV: &str = include_str!("../data/gbt4754_2017_full.csv");

/// The level of an industry code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndustryLevel {
    /// 门类: one letter, `C`.
    Section,
    /// 大类: two digits, `13`.
    Division,
    /// 中类: three digits, `131`.
    Group,
    /// 小类: four digits, `1311`.
    Class,
}

impl IndustryLevel {
    /// 门类, 大类, 中类 or 小类.
    pub fn name_zh(self) -> &'static str {
        match self {
            IndustryLevel::Section => "门类",
            IndustryLevel::Division => "大类",
            IndustryLevel::Group => "中类",
            IndustryLevel::Class => "小类",
        }
    }
}

/// One entry of the classification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndustryClass {
    /// The code as the standard writes it: `C` for a section, digits for the others.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// Level.
    pub level: IndustryLevel,
    /// The section letter the code belongs to.
    pub section: char,
}

struct Classification {
    by_code: HashMap<String, IndustryClass>,
}

fn classification() -> &'static Classification {
    static LIST: OnceLock<Classification> = OnceLock::new();
    LIST.get_or_init(|| {
        let mut reader = csv::Reader::from_reader(GBT4754_CSV.as_bytes());
        let rows: Vec<(String, String, String)> = reader
            .records()
            .filter_map(Result::ok)
            .map(|r| {
                let cell = |i: usize| r.get(i).unwrap_or("").trim().to_string();
                (cell(0), cell(1), cell(3))
            })
            .collect();
        // Division → section, from the division rows (their parent is the section letter).
        let section_of: HashMap<&str, char> = rows
            .iter()
            .filter(|(code, _, _)| code.len() == 2)
            .filter_map(|(code, _, parent)| Some((code.as_str(), parent.chars().next()?)))
            .collect();
        let mut by_code = HashMap::new();
        for (code, name, _) in &rows {
            let level = match code.len() {
                1 => IndustryLevel::Section,
                2 => IndustryLevel::Division,
                3 => IndustryLevel::Group,
                4 => IndustryLevel::Class,
                _ => continue,
            };
            let section = if level == IndustryLevel::Section {
                code.chars().next()
            } else {
                code.get(..2).and_then(|d| section_of.get(d).copied())
            };
            let Some(section) = section else { continue };
            by_code.insert(
                code.clone(),
                IndustryClass {
                    code: code.clone(),
                    name: name.clone(),
                    level,
                    section,
                },
            );
        }
        Classification { by_code }
    })
}

/// Why an industry code was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IndustryCodeProblem {
    /// Not a section letter, 2–4 digits, or a section letter followed by 2–4 digits.
    #[error("`{0}` is not written as a letter, 2–4 digits, or a letter and 2–4 digits")]
    BadFormat(String),
    /// Well formed but not in GB/T 4754-2017.
    #[error("`{0}` is not in GB/T 4754-2017")]
    Unknown(String),
    /// The letter given is not the section of the digits (`A1311`: 1311 is in section C).
    #[error("`{code}`: the digits belong to section {section}")]
    SectionMismatch {
        /// The code as given.
        code: String,
        /// The section the digits belong to.
        section: char,
    },
}

/// Checks an industry code and returns its entry. Accepted forms: a section letter (`C`), the
/// digits of a division, group or class (`13`, `131`, `1311`), or the section letter followed by
/// those digits (`C1311`, as many registers write them). Letters may be lower case and spaces
/// around are ignored; the returned entry has the standard's spelling.
pub fn check_industry_code(code: &str) -> Result<&'static IndustryClass, IndustryCodeProblem> {
    let text = code.trim();
    let bad = || IndustryCodeProblem::BadFormat(text.to_string());
    let mut chars = text.chars();
    let first = chars.next().ok_or_else(bad)?;
    let (letter, digits) = if first.is_ascii_alphabetic() {
        (Some(first.to_ascii_uppercase()), chars.as_str())
    } else {
        (None, text)
    };
    let list = &classification().by_code;
    if digits.is_empty() {
        let letter = letter.ok_or_else(bad)?;
        return list
            .get(letter.to_string().as_str())
            .ok_or_else(|| IndustryCodeProblem::Unknown(text.to_string()));
    }
    if !(2..=4).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let entry = list
        .get(digits)
        .ok_or_else(|| IndustryCodeProblem::Unknown(text.to_string()))?;
    match letter {
        Some(l) if l != entry.section => Err(IndustryCodeProblem::SectionMismatch {
            code: text.to_string(),
            section: entry.section,
        }),
        _ => Ok(entry),
    }
}

/// The entry of `code` in any accepted form (see [`check_industry_code`]).
pub fn industry(code: &str) -> Option<&'static IndustryClass> {
    check_industry_code(code).ok()
}

/// The `bad_industry_code` finding for `code`, `None` when it is a valid code.
pub fn industry_code_finding(code: &str) -> Option<Finding> {
    let problem = check_industry_code(code).err()?;
    let shown = code.trim();
    let message = match &problem {
        IndustryCodeProblem::BadFormat(_) => format!(
            "行业代码“{shown}”格式不对，应为门类字母或 2–4 位数字（可带门类字母，如 C3611）"
        ),
        IndustryCodeProblem::Unknown(_) => {
            format!("行业代码“{shown}”不在 GB/T 4754-2017 国民经济行业分类中")
        }
        IndustryCodeProblem::SectionMismatch { section, .. } => {
            format!("行业代码“{shown}”的门类字母与数字不符，该数字属于门类 {section}")
        }
    };
    Some(Finding::new(Rule::BadIndustryCode, "GB/T 4754-2017 行业代码", message).with_value(shown))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_has_every_level() {
        let list = &classification().by_code;
        let count = |l| list.values().filter(|c| c.level == l).count();
        assert_eq!(count(IndustryLevel::Section), 20);
        assert_eq!(count(IndustryLevel::Division), 97);
        assert_eq!(count(IndustryLevel::Group), 472);
        assert_eq!(count(IndustryLevel::Class), 1382);
    }

    #[test]
    fn known_codes_in_every_form() {
        let c = industry("C").unwrap();
        assert_eq!(
            (c.name.as_str(), c.level),
            ("制造业", IndustryLevel::Section)
        );
        let d = industry("36").unwrap();
        assert_eq!(
            (d.name.as_str(), d.level, d.section),
            ("汽车制造业", IndustryLevel::Division, 'C')
        );
        assert_eq!(industry("361").unwrap().level, IndustryLevel::Group);
        // Labelled 中类 in the file, but four digits make it a 小类.
        let class = industry("3611").unwrap();
        assert_eq!(
            (class.name.as_str(), class.level),
            ("汽柴油车整车制造", IndustryLevel::Class)
        );
        assert_eq!(industry("C3611"), Some(class));
        assert_eq!(
            industry(" c3611 "),
            Some(class),
            "lower-case section letter"
        );
        assert_eq!(industry("c").unwrap().code, "C");
        assert_eq!(industry("0111").unwrap().section, 'A');
    }

    #[test]
    fn unknown_malformed_and_mismatched_codes() {
        assert!(matches!(
            check_industry_code("3699"),
            Err(IndustryCodeProblem::Unknown(_))
        ));
        assert!(matches!(
            check_industry_code("Z"),
            Err(IndustryCodeProblem::Unknown(_))
        ));
        for bad in ["", "1", "36111", "C36111", "C-36", "３６", "CC36", "36a"] {
            assert!(
                matches!(
                    check_industry_code(bad),
                    Err(IndustryCodeProblem::BadFormat(_))
                ),
                "{bad:?}"
            );
        }
        assert_eq!(
            check_industry_code("A3611"),
            Err(IndustryCodeProblem::SectionMismatch {
                code: "A3611".into(),
                section: 'C'
            })
        );
        let f = industry_code_finding("A3611").unwrap();
        assert_eq!(
            (f.rule, f.severity),
            (Rule::BadIndustryCode, crate::Severity::Error)
        );
        assert!(industry_code_finding("C3611").is_none());
    }
}
