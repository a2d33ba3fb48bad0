//! The roll as workbooks (issue 13): an export for people (headers in the viewer's language, names
//! instead of codes, dates and numbers formatted) and, separately, the machine round-trip format
//! as an import template with an instructions sheet. The CSV and JSON exports and the API's export
//! keep the machine columns, so a file exported there imports back unchanged.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use jidi_domain::import::ROLL_COLUMNS;
use jidi_domain::roll::{Base, Tier};
use jidi_tabular::{Cell, ColumnFormat, XlsxColumn, XlsxSheet, write_xlsx_book};

use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::views::base_view;

/// The people's export: one sheet of the roll and a note on what it holds.
pub fn people_roll_xlsx(
    state: &AppState,
    bases: &[Base],
    lang: Lang,
) -> Result<Response, AppError> {
    use ColumnFormat::*;
    let col = |zh: &'static str, en: &'static str, width: f64, format| XlsxColumn {
        header: lang.pick(zh, en),
        width,
        format,
    };
    let columns = vec![
        col("编号", "No.", 8.0, Integer),
        col("基地名称", "Base", 44.0, Text),
        col("省份", "Province", 16.0, Text),
        col("地市", "Prefecture", 16.0, Text),
        col("类别", "Category", 16.0, Text),
        col("细分领域", "Sub-type", 22.0, Text),
        col("系列", "Series", 12.0, Text),
        col("梯度", "Tier", 12.0, Text),
        col("批次", "Batch", 8.0, Integer),
        col("设立年份", "Year designated", 10.0, Integer),
        col("设立日期", "Date designated", 12.0, Date),
        col("主导产业", "Leading industries", 30.0, Text),
        col("管理机构", "Managing body", 24.0, Text),
        col("面积（平方公里）", "Area (km²)", 14.0, Decimal2),
        col("状态", "Status", 10.0, Text),
        col("撤销日期", "Withdrawn on", 12.0, Date),
        col("撤销原因", "Reason withdrawn", 24.0, Text),
        col("最新星级", "Latest stars", 10.0, Integer),
        col("模拟数据", "Synthetic", 10.0, Text),
    ];
    let yes_no = |b: bool| {
        Cell::Text(
            if b {
                lang.pick("是", "yes")
            } else {
                lang.pick("否", "no")
            }
            .into(),
        )
    };
    let text = |s: Option<String>| s.map_or(Cell::Empty, Cell::Text);
    let int = |v: Option<i32>| v.map_or(Cell::Empty, |v| Cell::Number(f64::from(v)));
    let rows: Vec<Vec<Cell>> = bases
        .iter()
        .map(|b| {
            let v = base_view(state, b, lang);
            vec![
                Cell::Number(v.id as f64),
                Cell::Text(v.name),
                Cell::Text(v.province_name),
                text(v.prefecture_name),
                Cell::Text(v.category_name),
                text(v.subcategory_name),
                text(v.series_name),
                Cell::Text(v.tier_name),
                int(v.batch),
                int(v.designated_year),
                text(v.designated_on),
                Cell::Text(v.leading_industries.join(lang.pick("、", ", "))),
                text(v.managing_body),
                Cell::from(v.area_km2),
                Cell::Text(
                    if v.status == "withdrawn" {
                        lang.pick("已撤销", "withdrawn")
                    } else {
                        lang.pick("在册", "current")
                    }
                    .into(),
                ),
                text(v.withdrawn_on),
                text(v.withdrawn_reason),
                int(v.latest_stars),
                yes_no(v.synthetic),
            ]
        })
        .collect();
    let n_synthetic = bases.iter().filter(|b| b.facts.synthetic).count();
    let note = vec![
        vec![Cell::Text(
            lang.pick(
                "国家新型工业化产业示范基地名录（导出供阅读；导入请使用“导入模板”）",
                "Roll of national new-type industrialization demonstration bases (for reading; to import, use the import template)",
            )
            .into(),
        )],
        vec![Cell::Text(format!(
            "{}{}",
            lang.pick("基地数：", "Bases: "),
            bases.len()
        ))],
        vec![Cell::Text(format!(
            "{}{}",
            lang.pick("其中模拟数据（演示用，非真实）：", "Of which synthetic (demo data, not real): "),
            n_synthetic
        ))],
    ];
    let bytes = write_xlsx_book(&[
        XlsxSheet {
            name: lang.pick("名录", "Roll"),
            columns,
            rows,
            filter: true,
        },
        XlsxSheet {
            name: lang.pick("说明", "About"),
            columns: vec![XlsxColumn {
                header: lang.pick("说明", "About"),
                width: 100.0,
                format: ColumnFormat::Text,
            }],
            rows: note,
            filter: false,
        },
    ])
    .map_err(|e| AppError::Internal(e.into()))?;
    Ok(xlsx_response(
        bytes,
        lang.pick("基地名录.xlsx", "jidi-roll.xlsx"),
    ))
}

/// The import template: the machine columns on the first sheet (the one the import reads), and an
/// instructions sheet naming each column, whether it is required and what it accepts.
pub fn import_template_xlsx(state: &AppState, lang: Lang) -> Result<Response, AppError> {
    let columns: Vec<XlsxColumn> = ROLL_COLUMNS
        .iter()
        .filter(|(code, _)| *code != "id")
        .map(|(code, _)| XlsxColumn {
            header: code,
            width: 18.0,
            format: ColumnFormat::Text,
        })
        .collect();
    let categories: Vec<String> = state
        .categories()
        .iter()
        .filter(|c| c.parent.is_none())
        .map(|c| format!("{} = {}", c.code, lang.pick(&c.name_zh, &c.name_en)))
        .collect();
    let tiers: Vec<String> = Tier::ALL
        .iter()
        .map(|t| format!("{} = {}", t.code(), lang.pick(t.name_zh(), t.name_en())))
        .collect();
    let explain = |code: &str| -> (&'static str, String) {
        let required = matches!(code, "name" | "province_code" | "category_code" | "tier");
        let rule = match code {
            "name" => lang
                .pick(
                    "基地正式名称，全名录唯一，如“电子信息(光电子)·武汉东湖新技术开发区”",
                    "Official name, unique on the roll",
                )
                .into(),
            "province_code" => lang
                .pick(
                    "省级行政区划代码（GB/T 2260），如 420000；也可填省份名称",
                    "Province code (GB/T 2260), e.g. 420000; a province name is accepted",
                )
                .into(),
            "prefecture_code" => lang
                .pick(
                    "地市代码（GB/T 2260），如 420100；也可填地市名称",
                    "Prefecture code (GB/T 2260), e.g. 420100; a name is accepted",
                )
                .into(),
            "category_code" => categories.join("; "),
            "subcategory_code" => lang
                .pick("细分领域代码或名称", "Sub-type code or name")
                .into(),
            "series" => lang
                .pick(
                    "advantage = 优势；specialty = 特色",
                    "advantage or specialty",
                )
                .into(),
            "tier" => tiers.join("; "),
            "batch" | "designated_year" => lang.pick("整数", "A whole number").into(),
            "designated_on" | "withdrawn_on" => {
                lang.pick("日期，YYYY-MM-DD", "A date, YYYY-MM-DD").into()
            }
            "leading_industries" => lang
                .pick(
                    "多个产业用“；”分隔",
                    "Several industries separated by \"；\"",
                )
                .into(),
            "area_km2" => lang
                .pick("平方公里，数字", "Square kilometres, a number")
                .into(),
            "status" => lang
                .pick(
                    "current = 在册；withdrawn = 已撤销（需填撤销日期与原因）",
                    "current or withdrawn (then with date and reason)",
                )
                .into(),
            "synthetic" => lang
                .pick(
                    "true = 模拟数据；留空或 false = 真实数据",
                    "true for demo data; empty or false for real data",
                )
                .into(),
            _ => String::new(),
        };
        (
            if required {
                lang.pick("必填", "required")
            } else {
                lang.pick("选填", "optional")
            },
            rule,
        )
    };
    let instructions: Vec<Vec<Cell>> = ROLL_COLUMNS
        .iter()
        .filter(|(code, _)| *code != "id")
        .map(|(code, names)| {
            let (required, rule) = explain(code);
            vec![
                Cell::Text((*code).into()),
                Cell::Text(names.last().copied().unwrap_or(*code).into()),
                Cell::Text(required.into()),
                Cell::Text(rule),
            ]
        })
        .collect();
    let intro = lang.pick(
        "在“名录”表第一行下逐行填写基地，一行一个；列名可用英文代码或中文名称。整表校验通过才全部写入，任何一行有误都会指出行、列与规则，且不写入任何一行。",
        "Fill in the first sheet below its header, one base per row; headers may be the codes or the Chinese names. The file is written all or nothing: any error names its row, column and rule and nothing is written.",
    );
    let mut rows = vec![vec![Cell::Text(intro.into())]];
    rows.extend(instructions);
    let bytes = write_xlsx_book(&[
        XlsxSheet {
            name: lang.pick("名录", "Roll"),
            columns,
            rows: Vec::new(),
            filter: false,
        },
        XlsxSheet {
            name: lang.pick("填写说明", "Instructions"),
            columns: vec![
                XlsxColumn {
                    header: lang.pick("列", "Column"),
                    width: 20.0,
                    format: ColumnFormat::Text,
                },
                XlsxColumn {
                    header: lang.pick("中文列名", "Chinese header"),
                    width: 16.0,
                    format: ColumnFormat::Text,
                },
                XlsxColumn {
                    header: lang.pick("是否必填", "Required"),
                    width: 10.0,
                    format: ColumnFormat::Text,
                },
                XlsxColumn {
                    header: lang.pick("填写规则", "Rule"),
                    width: 90.0,
                    format: ColumnFormat::Text,
                },
            ],
            rows,
            filter: false,
        },
    ])
    .map_err(|e| AppError::Internal(e.into()))?;
    Ok(xlsx_response(
        bytes,
        lang.pick("基地名录导入模板.xlsx", "jidi-roll-import-template.xlsx"),
    ))
}

fn xlsx_response(bytes: Vec<u8>, file_name: &str) -> Response {
    // RFC 6266: an ASCII fallback name and the UTF-8 name for browsers that read it.
    let encoded: String = form_urlencoded::byte_serialize(file_name.as_bytes()).collect();
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"jidi-roll.xlsx\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response()
}
