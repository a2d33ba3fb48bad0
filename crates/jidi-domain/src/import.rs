//! Import of the roll from a table (CSV or XLSX, already read into cells): every problem is listed
//! with its file, row, column and rule, and nothing is returned unless every row is valid.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;

use crate::parse::parse_date;
use crate::reference::Regions;
use crate::roll::{BaseDraft, BaseField, CategorySet, Series, Status, Tier};

/// The cells of a table, with the positions needed for messages.
#[derive(Clone)]
pub struct Sheet<'a> {
    /// File name.
    pub file: &'a str,
    /// Header cells.
    pub header: &'a [String],
    /// Data rows: file row number (header = 1) and cells.
    pub rows: Vec<(usize, &'a [String])>,
    /// How column `i` is named in messages (e.g. `C (province)` for a spreadsheet).
    pub column_label: &'a (dyn Fn(usize) -> String + Sync),
}

/// One problem of an import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// File name.
    pub file: String,
    /// Row number in the file (1 = header).
    pub row: usize,
    /// Column label.
    pub column: String,
    /// The rule broken, as a short code (`unknown_province`, `duplicate_name`, …).
    pub rule: &'static str,
    /// What is wrong, with the offending value.
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: row {}, column {}: {} [{}]",
            self.file, self.row, self.column, self.message, self.rule
        )
    }
}

/// The columns of a roll file and the names accepted for each (first = canonical, as exported).
pub const ROLL_COLUMNS: &[(&str, &[&str])] = &[
    ("id", &["编号"]),
    ("name", &["名称", "基地名称"]),
    ("province_code", &["province", "省份", "省"]),
    ("prefecture_code", &["prefecture", "city", "地市", "城市"]),
    ("category_code", &["category", "类别", "大类"]),
    ("subcategory_code", &["subcategory", "细分", "细分领域"]),
    ("series", &["系列"]),
    ("tier", &["梯度", "层级", "级别"]),
    ("batch", &["批次"]),
    ("designated_year", &["year", "设立年份", "年份"]),
    ("designated_on", &["date", "设立日期"]),
    ("leading_industries", &["主导产业"]),
    ("managing_body", &["管理机构"]),
    ("area_km2", &["area", "面积", "面积（平方公里）"]),
    ("status", &["状态"]),
    ("withdrawn_on", &["摘牌日期"]),
    ("withdrawn_reason", &["摘牌原因"]),
    ("synthetic", &["模拟"]),
    ("generated_fields", &["模拟字段"]),
    ("source", &["来源"]),
    ("note", &["备注"]),
];

const REQUIRED: [&str; 4] = ["name", "province_code", "category_code", "tier"];

/// Parses and validates a roll table. `existing` tells whether a name is already on the roll.
pub fn roll_from_sheet(
    sheet: &Sheet<'_>,
    categories: &CategorySet<'_>,
    today: NaiveDate,
    existing: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Vec<BaseDraft>, Vec<ImportError>> {
    let mut errors = Vec::new();
    let err = |row: usize, column: String, rule: &'static str, message: String| ImportError {
        file: sheet.file.to_string(),
        row,
        column,
        rule,
        message,
    };
    // Header: every column known, none twice, the required ones present.
    let mut columns: HashMap<&'static str, usize> = HashMap::new();
    for (i, h) in sheet.header.iter().enumerate() {
        let h = h.trim();
        let canonical = ROLL_COLUMNS
            .iter()
            .find(|(c, aliases)| {
                c.eq_ignore_ascii_case(h) || aliases.iter().any(|a| a.eq_ignore_ascii_case(h))
            })
            .map(|(c, _)| *c);
        match canonical {
            None => errors.push(err(
                1,
                (sheet.column_label)(i),
                "unknown_column",
                format!(
                    "unknown column {h:?}; the roll columns are {}",
                    ROLL_COLUMNS
                        .iter()
                        .map(|c| c.0)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
            Some(c) => {
                if columns.insert(c, i).is_some() {
                    errors.push(err(
                        1,
                        (sheet.column_label)(i),
                        "duplicate_column",
                        format!("column {c} appears twice"),
                    ));
                }
            }
        }
    }
    for r in REQUIRED {
        if !columns.contains_key(r) {
            errors.push(err(
                1,
                r.to_string(),
                "missing_column",
                format!("required column {r} is missing"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let regions = Regions::get();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut drafts = Vec::with_capacity(sheet.rows.len());
    for (row, cells) in &sheet.rows {
        let row = *row;
        let cell = |c: &str| -> &str {
            columns
                .get(c)
                .and_then(|&i| cells.get(i))
                .map(|s| s.trim())
                .unwrap_or("")
        };
        let label = |c: &str| {
            columns
                .get(c)
                .map_or(c.to_string(), |&i| (sheet.column_label)(i))
        };
        let mut row_errors = Vec::new();
        let mut bad = |c: &str, rule: &'static str, message: String| {
            row_errors.push(err(row, label(c), rule, message));
        };
        let name = cell("name").to_string();
        if name.is_empty() {
            bad("name", "required", "name is empty".into());
        } else if let Some(first) = seen.get(&name) {
            bad(
                "name",
                "duplicate_name",
                format!("{name:?} already appears in row {first}"),
            );
        } else if existing(&name) {
            bad(
                "name",
                "duplicate_name",
                format!("a base named {name:?} is already on the roll"),
            );
        }
        seen.entry(name.clone()).or_insert(row);
        let province_text = cell("province_code");
        let province = regions
            .province(province_text)
            .or_else(|| regions.province_by_name(province_text));
        if province.is_none() {
            bad(
                "province_code",
                "unknown_province",
                format!(
                    "unknown province {province_text:?} (a GB/T 2260 code such as 420000 or a name such as 湖北省)"
                ),
            );
        }
        let province_code = province.map(|p| p.code.clone()).unwrap_or_default();
        let prefecture_text = cell("prefecture_code");
        let prefecture_code = if prefecture_text.is_empty()
            || province.is_some_and(|p| {
                p.name == prefecture_text
                    || regions.is_municipality(&p.code)
                        && prefecture_text.trim_end_matches('市') == p.short_name
            }) {
            None
        } else {
            match regions.prefecture(prefecture_text).or_else(|| {
                province.and_then(|p| regions.prefecture_by_name(&p.code, prefecture_text))
            }) {
                Some(p) => Some(p.code.clone()),
                None => {
                    bad(
                        "prefecture_code",
                        "unknown_prefecture",
                        format!("unknown prefecture {prefecture_text:?} in {province_text}"),
                    );
                    None
                }
            }
        };
        let category_text = cell("category_code");
        let category = categories.resolve_category(category_text);
        if category.is_none() {
            bad(
                "category_code",
                "unknown_category",
                format!("unknown category {category_text:?}"),
            );
        }
        let category_code = category.map(|c| c.code.clone()).unwrap_or_default();
        let sub_text = cell("subcategory_code");
        let subcategory_code = if sub_text.is_empty() {
            None
        } else {
            match categories.resolve_subcategory(&category_code, sub_text) {
                Some(s) => Some(s.code.clone()),
                None => {
                    bad(
                        "subcategory_code",
                        "unknown_subcategory",
                        format!("unknown sub-type {sub_text:?} of category {category_text:?}"),
                    );
                    None
                }
            }
        };
        let series_text = cell("series");
        let series = if series_text.is_empty() {
            None
        } else {
            match Series::parse(series_text) {
                Some(s) => Some(s),
                None => {
                    bad(
                        "series",
                        "bad_series",
                        format!("series {series_text:?} must be 优势/特色 (advantage/specialty)"),
                    );
                    None
                }
            }
        };
        let tier_text = cell("tier");
        let tier = Tier::parse(tier_text);
        if tier.is_none() {
            bad(
                "tier",
                "bad_tier",
                format!(
                    "tier {tier_text:?} must be 培育/省级/国家级/卓越提升 (cultivating/provincial/national/excellence)"
                ),
            );
        }
        let mut int = |c: &str| -> Option<i32> {
            let t = cell(c);
            if t.is_empty() {
                return None;
            }
            match t.trim_end_matches(".0").parse::<i32>() {
                Ok(v) => Some(v),
                Err(_) => {
                    bad(c, "bad_integer", format!("{t:?} is not a whole number"));
                    None
                }
            }
        };
        let batch = int("batch");
        let designated_year = int("designated_year");
        let mut date = |c: &str| -> Option<NaiveDate> {
            let t = cell(c);
            if t.is_empty() {
                return None;
            }
            match parse_date(t) {
                Some(d) => Some(d),
                None => {
                    bad(
                        c,
                        "bad_date",
                        format!("{t:?} is not a date (use YYYY-MM-DD)"),
                    );
                    None
                }
            }
        };
        let designated_on = date("designated_on");
        let withdrawn_on = date("withdrawn_on");
        let area_text = cell("area_km2");
        let area_km2 = if area_text.is_empty() {
            None
        } else {
            match area_text.parse::<f64>() {
                Ok(v) => Some(v),
                Err(_) => {
                    bad(
                        "area_km2",
                        "bad_number",
                        format!("{area_text:?} is not a number"),
                    );
                    None
                }
            }
        };
        let status = match cell("status") {
            "" | "current" | "在册" | "现行" => {
                if withdrawn_on.is_some() {
                    bad(
                        "withdrawn_on",
                        "status_mismatch",
                        "a withdrawal date is given but the status is current".into(),
                    );
                }
                Status::Current
            }
            "withdrawn" | "摘牌" | "已摘牌" | "撤销" => match withdrawn_on {
                Some(on) => Status::Withdrawn {
                    on,
                    reason: cell("withdrawn_reason").to_string(),
                },
                None => {
                    bad(
                        "withdrawn_on",
                        "required",
                        "a withdrawn base needs withdrawn_on".into(),
                    );
                    Status::Current
                }
            },
            other => {
                bad(
                    "status",
                    "bad_status",
                    format!("status {other:?} must be current or withdrawn (在册/摘牌)"),
                );
                Status::Current
            }
        };
        let synthetic = matches!(
            cell("synthetic").to_ascii_lowercase().as_str(),
            "true" | "1" | "yes" | "是"
        );
        let generated_fields = match BaseField::parse_list(cell("generated_fields")) {
            Ok(fields) => fields,
            Err(piece) => {
                bad(
                    "generated_fields",
                    "bad_field",
                    format!(
                        "{piece:?} names no generated field; use {}",
                        BaseField::ALL
                            .iter()
                            .map(|f| f.code())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                Vec::new()
            }
        };
        let leading_industries: Vec<String> = cell("leading_industries")
            .split(['；', ';', '、', '|'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let text = |c: &str| Some(cell(c).to_string()).filter(|s| !s.is_empty());
        let draft = BaseDraft {
            name,
            province_code,
            prefecture_code,
            category_code,
            subcategory_code,
            series,
            tier: tier.unwrap_or(Tier::National),
            batch,
            designated_year,
            designated_on,
            leading_industries,
            managing_body: text("managing_body"),
            area_km2,
            status,
            synthetic,
            generated_fields,
            source: text("source"),
            note: text("note"),
        };
        if row_errors.is_empty() {
            for e in draft.validate(categories, today) {
                let column = match e.field.as_str() {
                    "withdrawn_reason" => "withdrawn_reason",
                    f => ROLL_COLUMNS
                        .iter()
                        .map(|c| c.0)
                        .find(|c| *c == f)
                        .unwrap_or("name"),
                };
                row_errors.push(err(row, label(column), "invalid", e.message));
            }
        }
        if row_errors.is_empty() {
            drafts.push(draft);
        }
        errors.extend(row_errors);
    }
    if errors.is_empty() {
        Ok(drafts)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::builtin_categories;

    fn run(header: &[&str], rows: &[&[&str]]) -> Result<Vec<BaseDraft>, Vec<ImportError>> {
        let header: Vec<String> = header.iter().map(|s| s.to_string()).collect();
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect();
        let label = |i: usize| header.get(i).cloned().unwrap_or_default();
        let sheet = Sheet {
            file: "roll.csv",
            header: &header,
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| (i + 2, r.as_slice()))
                .collect(),
            column_label: &label,
        };
        let cats = builtin_categories();
        roll_from_sheet(
            &sheet,
            &CategorySet { categories: &cats },
            NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
            &|n| n == "已在册·园区",
        )
    }

    #[test]
    fn chinese_headers_and_names_are_accepted() {
        let drafts = run(
            &[
                "名称",
                "省份",
                "地市",
                "类别",
                "细分",
                "系列",
                "梯度",
                "批次",
                "设立日期",
                "主导产业",
            ],
            &[&[
                "装备制造(工程机械)·长沙经济技术开发区",
                "湖南省",
                "长沙",
                "装备制造",
                "高端装备",
                "优势",
                "国家级",
                "1",
                "2010/1/15",
                "工程机械；智能装备",
            ]],
        )
        .unwrap();
        let d = &drafts[0];
        assert_eq!(d.province_code, "430000");
        assert_eq!(d.prefecture_code.as_deref(), Some("430100"));
        assert_eq!(d.subcategory_code.as_deref(), Some("high_end_equipment"));
        assert_eq!(d.leading_industries, vec!["工程机械", "智能装备"]);
    }

    #[test]
    fn every_error_is_listed_with_row_column_and_rule() {
        let errors = run(
            &["name", "province", "category", "tier", "designated_on"],
            &[
                &["甲·园区", "湖北x", "装备制造", "国家级", ""],
                &["乙·园区", "420000", "电子", "国家级", "2020-13-01"],
                &["甲·园区", "420000", "装备制造", "国家", ""],
                &["已在册·园区", "420000", "装备制造", "国家级", ""],
            ],
        )
        .unwrap_err();
        let found: Vec<(usize, &str, &str)> = errors
            .iter()
            .map(|e| (e.row, e.column.as_str(), e.rule))
            .collect();
        assert_eq!(
            found,
            vec![
                (2, "province", "unknown_province"),
                (3, "category", "unknown_category"),
                (3, "designated_on", "bad_date"),
                (4, "name", "duplicate_name"),
                (4, "tier", "bad_tier"),
                (5, "name", "duplicate_name"),
            ]
        );
        assert!(
            errors[0]
                .to_string()
                .contains("roll.csv: row 2, column province")
        );
    }

    #[test]
    fn a_wrong_header_is_rejected_before_any_row() {
        let errors = run(
            &["name", "provinz", "category"],
            &[&["甲", "420000", "装备制造"]],
        )
        .unwrap_err();
        let rules: Vec<&str> = errors.iter().map(|e| e.rule).collect();
        assert_eq!(
            rules,
            vec!["unknown_column", "missing_column", "missing_column"]
        );
        assert!(errors.iter().all(|e| e.row == 1));
    }
}
