//! The managed catalogue at work, on both backends: a file edit retires an indicator, tightens a
//! bound and adds an indicator, and imports, exports and tasks follow the new version at once;
//! edits that would rewrite history (a removed indicator, a new unit for stored values), an edit
//! without a reason and a stale edit are refused whole, with their row and column.

use chrono::NaiveDate;
use jidi_collect::parse::Scope;
use jidi_collect::{ManagedCatalogue, Rule};
use jidi_service::catalogue::{self, CatalogueEdit, CatalogueEditError};
use jidi_service::demo::{self, DemoOptions};
use jidi_service::tasks::{self, OpenTask};
use jidi_service::values::{self, ExportValues, ImportValues};
use jidi_store::{Frequency, StoreError};
use jidi_tabular::Cell;
use jidi_test_support::{TestDb, backend_tests};

fn options() -> DemoOptions {
    let mut o = DemoOptions::standard(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
    o.config.provincial = 10;
    o.config.cultivating = 5;
    o.config.months = 3;
    o.evaluations = false;
    o.collection = false;
    o
}

fn edit(reason: &str) -> CatalogueEdit {
    CatalogueEdit {
        user_id: None,
        source: "cli",
        reason: reason.into(),
        based_on: None,
        dry_run: false,
    }
}

fn as_ministry(dry_run: bool) -> ImportValues {
    ImportValues {
        user_id: None,
        source: "cli",
        scope: Scope::All,
        dry_run,
        reason: String::new(),
        explanation: "按统计口径核实无误".into(),
        review: None,
    }
}

/// The catalogue's CSV with `f` applied to each row's cells (column codes as in the header).
fn edited(c: &ManagedCatalogue, f: impl Fn(&mut Vec<(String, String)>)) -> String {
    let (header, rows) = c.to_rows();
    let mut out = Vec::new();
    for row in rows {
        let mut cells: Vec<(String, String)> = header
            .iter()
            .zip(row)
            .map(|(h, c)| {
                let text = match c {
                    Cell::Text(t) => t,
                    Cell::Number(x) => x.to_string(),
                    Cell::Empty => String::new(),
                };
                (h.to_string(), text)
            })
            .collect();
        f(&mut cells);
        if !cells.is_empty() {
            out.push(cells.into_iter().map(|(_, v)| Cell::Text(v)).collect());
        }
    }
    String::from_utf8(jidi_tabular::write_csv(&header, &out).unwrap()).unwrap()
}

/// A new annual indicator's row with `overrides`.
fn cells(overrides: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
    let mut c: std::collections::BTreeMap<String, String> = [
        ("name_zh", "利润率（计算）"),
        ("name_en", "Profit margin (computed)"),
        ("unit", "%"),
        ("frequency", "annual"),
        ("direction", "benefit"),
        ("dimension", "quality"),
        ("min", "-100"),
        ("max", "100"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in overrides {
        c.insert(k.to_string(), v.to_string());
    }
    c
}

fn set(cells: &mut [(String, String)], column: &str, value: &str) {
    cells.iter_mut().find(|(h, _)| h == column).unwrap().1 = value.into();
}

fn code(cells: &[(String, String)]) -> &str {
    &cells[0].1
}

async fn imports_exports_and_tasks_follow_the_current_version(db: TestDb) {
    let store = &db.store;
    let label = db.label;
    demo::load(store, &options()).await.unwrap();
    let stored = store
        .values_between(
            Frequency::Annual,
            2025,
            2025,
            &["rev_net_increase".to_string()],
        )
        .await
        .unwrap();
    let kept = &stored[0];
    let base = kept.base_id;
    let rows = format!(
        "base_id,period,indicator,value\n{base},2025,rd_intensity,7.5\n{base},2025,rev_net_increase,{}\n",
        kept.value + 1.0
    );
    let before = values::import_values(store, "a.csv", rows.as_bytes(), &as_ministry(true))
        .await
        .unwrap();
    assert!(
        !before
            .report
            .findings
            .iter()
            .any(|f| matches!(f.rule, Rule::OutOfRange | Rule::UnknownIndicator)),
        "{label}: {:#?}",
        before.report.findings
    );

    // Retire one, tighten one, add one: version 2.
    let (v1, current) = store.current_catalogue().await.unwrap();
    let mut file = edited(&current, |cells| match code(cells) {
        "rev_net_increase" => set(cells, "status", "retired"),
        "rd_intensity" => set(cells, "max", "5"),
        _ => {}
    });
    file.push_str("orders_new,新签订单额,New orders signed,亿元,万元:0.0001,annual,no,benefit,strength,,,0,,0.5,4,no,,active\n");
    let outcome = catalogue::import_catalogue(
        store,
        "catalogue.csv",
        file.as_bytes(),
        &edit("测试：停用、收紧、新增"),
    )
    .await
    .unwrap();
    assert!(outcome.errors.is_empty(), "{label}: {:?}", outcome.errors);
    let saved = outcome.saved.unwrap();
    assert_eq!(
        (saved.version, saved.changed),
        (v1.version + 1, 3),
        "{label}"
    );
    let mut changed: Vec<(&str, Vec<&str>)> = outcome
        .changes
        .iter()
        .map(|c| (c.code.as_str(), c.columns.clone()))
        .collect();
    changed.sort();
    assert_eq!(
        changed,
        vec![
            (
                "orders_new",
                jidi_collect::managed::CATALOGUE_COLUMNS
                    .iter()
                    .map(|(c, _)| *c)
                    .collect()
            ),
            ("rd_intensity", vec!["max"]),
            ("rev_net_increase", vec!["status"]),
        ],
        "{label}"
    );

    // The checks follow at once: out of the new range, a retired indicator refused (its stored
    // figure unchanged still passes), the new indicator accepted and exported in its unit.
    let after = values::import_values(store, "a.csv", rows.as_bytes(), &as_ministry(true))
        .await
        .unwrap();
    let rules: Vec<(usize, Rule)> = after
        .report
        .errors()
        .map(|f| (f.row.unwrap(), f.rule))
        .collect();
    assert_eq!(
        rules,
        vec![(2, Rule::OutOfRange), (3, Rule::UnknownIndicator)],
        "{label}: {:#?}",
        after.report.findings
    );
    assert!(
        after.report.findings[1].message.contains("已停用"),
        "{label}"
    );
    let unchanged = format!(
        "base_id,period,indicator,value\n{base},2025,rev_net_increase,{}\n",
        kept.value
    );
    let same = values::import_values(store, "b.csv", unchanged.as_bytes(), &as_ministry(false))
        .await
        .unwrap();
    assert!(
        same.report.findings.is_empty(),
        "{label}: {:?}",
        same.report.findings
    );
    assert_eq!((same.unchanged, same.changed), (1, 0), "{label}");
    let new = format!("base_id,period,indicator,value,unit\n{base},2025,orders_new,125000,万元\n");
    let accepted = values::import_values(store, "c.csv", new.as_bytes(), &as_ministry(false))
        .await
        .unwrap();
    assert!(
        accepted.batch_id.is_some(),
        "{label}: {:#?}",
        accepted.report.findings
    );
    let mut exported = Vec::new();
    values::export_values(
        store,
        &ExportValues {
            frequency: Frequency::Annual,
            periods: (2025, 2025),
            base_id: Some(base),
            province_code: None,
        },
        |row| exported.push(row),
    )
    .await
    .unwrap();
    let orders = exported
        .iter()
        .find(|r| r[3] == Cell::Text("orders_new".into()))
        .unwrap();
    assert_eq!(orders[4], Cell::Number(12.5), "{label}");
    assert_eq!(orders[5], Cell::Text("亿元".into()), "{label}");

    // A task asks the active indicators of the current version.
    let task = tasks::open_task(
        store,
        &OpenTask {
            period: "2026".into(),
            deadline: NaiveDate::from_ymd_opt(2027, 3, 31).unwrap(),
            title: String::new(),
            indicators: Vec::new(),
            opened_by: None,
            opened_via: "ministry",
            synthetic: false,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let asked = store.task_indicators(task).await.unwrap();
    assert!(asked.contains(&"orders_new".to_string()), "{label}");
    assert!(!asked.contains(&"rev_net_increase".to_string()), "{label}");

    // Refused whole: a new unit for stored values, a removed indicator, no reason, a stale edit.
    let (v2, current) = store.current_catalogue().await.unwrap();
    let unit = edited(&current, |cells| {
        if code(cells) == "rev_main" {
            set(cells, "unit", "万元");
            set(cells, "accepted_units", "万元:1;亿元:10000");
        }
    });
    let refused = catalogue::import_catalogue(store, "unit.csv", unit.as_bytes(), &edit("改单位"))
        .await
        .unwrap();
    let row_of_rev_main = current
        .entries()
        .iter()
        .position(|e| e.spec.code == "rev_main")
        .unwrap()
        + 2;
    assert!(
        refused
            .errors
            .iter()
            .any(|e| e.row == row_of_rev_main && e.column.as_deref() == Some("unit")),
        "{label}: {:?}",
        refused.errors
    );
    assert!(refused.saved.is_none());
    // A blank line after the header: the error names the row the file shows, one further down.
    let blank = unit.replacen('\n', "\n\n", 1);
    let refused =
        catalogue::import_catalogue(store, "blank.csv", blank.as_bytes(), &edit("改单位"))
            .await
            .unwrap();
    assert!(
        refused
            .errors
            .iter()
            .any(|e| e.row == row_of_rev_main + 1 && e.column.as_deref() == Some("unit")),
        "{label}: {:?}",
        refused.errors
    );
    let removed = edited(&current, |cells| {
        if code(cells) == "water_int" {
            cells.clear();
        }
    });
    let refused =
        catalogue::import_catalogue(store, "removed.csv", removed.as_bytes(), &edit("删除"))
            .await
            .unwrap();
    assert!(
        refused.errors[0].message.contains("water_int"),
        "{label}: {:?}",
        refused.errors
    );
    let no_reason = catalogue::import_catalogue(store, "x.csv", file.as_bytes(), &edit("  "))
        .await
        .unwrap();
    assert_eq!(
        no_reason.errors[0].column.as_deref(),
        Some("reason"),
        "{label}"
    );
    let mut stale = edit("过期");
    stale.based_on = Some(v1.version);
    let e = catalogue::import_catalogue(store, "x.csv", file.as_bytes(), &stale)
        .await
        .unwrap_err();
    assert!(
        matches!(e, CatalogueEditError::Store(StoreError::Conflict(_))),
        "{label}: {e}"
    );
    assert_eq!(
        store.current_catalogue().await.unwrap().0,
        v2,
        "{label}: nothing saved"
    );

    // A derived indicator: computed from its components when they are accepted, never typed.
    let bad_formula = catalogue::save_entry(
        store,
        &cells(&[
            ("code", "margin_x"),
            ("compute", "profit_total / nowhere * 100"),
        ]),
        &edit("新增计算指标"),
    )
    .await
    .unwrap();
    assert_eq!(
        bad_formula.errors[0].column.as_deref(),
        Some("compute"),
        "{label}: {:?}",
        bad_formula.errors
    );
    let saved = catalogue::save_entry(
        store,
        &cells(&[
            ("code", "margin_x"),
            ("compute", "profit_total / rev_main * 100"),
        ]),
        &edit("新增计算指标"),
    )
    .await
    .unwrap();
    assert!(saved.errors.is_empty(), "{label}: {:?}", saved.errors);
    let typed = format!("base_id,period,indicator,value\n{base},2025,margin_x,12\n");
    let refused = values::import_values(store, "d.csv", typed.as_bytes(), &as_ministry(true))
        .await
        .unwrap();
    assert!(
        refused
            .report
            .errors()
            .any(|f| f.message.contains("由公式")),
        "{label}: {:#?}",
        refused.report.findings
    );
    let now: std::collections::HashMap<String, f64> = store
        .values_of_bases(
            Frequency::Annual,
            2025,
            2025,
            &[base],
            &["profit_total".to_string(), "rev_main".to_string()],
        )
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.indicator, v.value))
        .collect();
    let profit = now["profit_total"] * 1.01;
    let components = format!("base_id,period,indicator,value\n{base},2025,profit_total,{profit}\n");
    let accepted =
        values::import_values(store, "e.csv", components.as_bytes(), &as_ministry(false))
            .await
            .unwrap();
    assert!(
        accepted.batch_id.is_some(),
        "{label}: {:#?}",
        accepted.report.findings
    );
    let margin = store
        .values_of_bases(
            Frequency::Annual,
            2025,
            2025,
            &[base],
            &["margin_x".to_string()],
        )
        .await
        .unwrap();
    assert_eq!(margin.len(), 1, "{label}");
    let expected = profit / now["rev_main"] * 100.0;
    assert!(
        (margin[0].value - expected).abs() < 1e-12,
        "{label}: {} vs {expected}",
        margin[0].value
    );
    let history = store
        .value_revisions(Frequency::Annual, base, 2025, "margin_x")
        .await
        .unwrap();
    assert_eq!(history.len(), 1, "{label}");
    assert_eq!(
        history[0].batch_id, accepted.batch_id,
        "{label}: accepted with its components, in their batch and transaction"
    );
    // A derived figure outside its entry's bounds refuses the batch whole, naming the figure,
    // its formula and its components; nothing is written.
    let bounded = catalogue::save_entry(
        store,
        &cells(&[
            ("code", "margin_x"),
            ("compute", "profit_total / rev_main * 100"),
            ("max", &format!("{}", expected * 1.005)),
        ]),
        &edit("给计算指标设上限"),
    )
    .await
    .unwrap();
    assert!(bounded.errors.is_empty(), "{label}: {:?}", bounded.errors);
    let over = format!(
        "base_id,period,indicator,value\n{base},2025,profit_total,{}\n",
        profit * 1.02
    );
    let refused = values::import_values(store, "g.csv", over.as_bytes(), &as_ministry(false))
        .await
        .unwrap();
    assert!(refused.batch_id.is_none(), "{label}");
    let errors: Vec<_> = refused.report.errors().collect();
    assert_eq!(errors.len(), 1, "{label}: {errors:#?}");
    assert_eq!(errors[0].rule.name(), "out_of_range", "{label}");
    assert_eq!(errors[0].indicator.as_deref(), Some("margin_x"), "{label}");
    assert_eq!(errors[0].period.as_deref(), Some("2025"), "{label}");
    assert!(
        errors[0]
            .message
            .contains("(profit_total / rev_main) * 100")
            && errors[0].message.contains("profit_total = ")
            && errors[0].message.contains("rev_main = "),
        "{label}: {}",
        errors[0].message
    );
    let kept = store
        .values_of_bases(
            Frequency::Annual,
            2025,
            2025,
            &[base],
            &["profit_total".to_string(), "margin_x".to_string()],
        )
        .await
        .unwrap();
    assert!(
        kept.iter()
            .any(|v| v.indicator == "profit_total" && v.value == profit)
            && kept
                .iter()
                .any(|v| v.indicator == "margin_x" && v.value == margin[0].value),
        "{label}: nothing written: {kept:?}"
    );
    // Made to apply to another category only: a component's change no longer computes it for
    // this base.
    let category = store.base(base).await.unwrap().unwrap().facts.category_code;
    let other = jidi_domain::reference::BUILTIN_CATEGORIES
        .iter()
        .map(|c| c.0)
        .find(|c| *c != category)
        .unwrap();
    let narrowed = catalogue::save_entry(
        store,
        &cells(&[
            ("code", "margin_x"),
            ("compute", "profit_total / rev_main * 100"),
            ("applies_to", other),
        ]),
        &edit("只适用于另一类别"),
    )
    .await
    .unwrap();
    assert!(narrowed.errors.is_empty(), "{label}: {:?}", narrowed.errors);
    let again = format!(
        "base_id,period,indicator,value\n{base},2025,profit_total,{}\n",
        profit * 1.01
    );
    let accepted = values::import_values(store, "f.csv", again.as_bytes(), &as_ministry(false))
        .await
        .unwrap();
    assert!(accepted.batch_id.is_some(), "{label}");
    assert_eq!(
        store
            .value_revisions(Frequency::Annual, base, 2025, "margin_x")
            .await
            .unwrap()
            .len(),
        1,
        "{label}: not computed for a base of a category it does not apply to"
    );
    let current = store.current_catalogue().await.unwrap().1;

    // The same catalogue as XLSX is no change at all.
    let (header, rows) = current.to_rows();
    let xlsx = jidi_tabular::write_xlsx("指标目录", &header, &rows).unwrap();
    let same = catalogue::import_catalogue(store, "catalogue.xlsx", &xlsx, &edit("原样上传"))
        .await
        .unwrap();
    assert!(
        same.errors.is_empty() && same.changes.is_empty() && same.saved.is_none(),
        "{label}: {:?}",
        same.errors
    );
    db.finish().await;
}
backend_tests!(imports_exports_and_tasks_follow_the_current_version);
