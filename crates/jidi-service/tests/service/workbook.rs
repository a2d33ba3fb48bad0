//! The province workbook on both backends: written pre-filled with the accepted values, read
//! back unchanged as no change, a corrected figure accepted as a new revision, and every problem
//! named by the workbook's own row and column (the indicator's column letter and header),
//! nothing written while there is one. Real XLSX both ways.

use chrono::NaiveDate;
use jidi_collect::parse::Scope;
use jidi_collect::{Rule, ValuePeriod};
use jidi_domain::access::ListScope;
use jidi_service::demo::{self, DemoOptions};
use jidi_service::values::ImportValues;
use jidi_service::workbook;
use jidi_store::{BaseFilter, BaseSort, Frequency, SortOrder};
use jidi_tabular::Cell;
use jidi_test_support::{TestDb, backend_tests};

fn options() -> DemoOptions {
    let mut o = DemoOptions::standard(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
    o.config.provincial = 20;
    o.config.cultivating = 5;
    o.config.months = 3;
    o.evaluations = false;
    o.collection = false;
    o
}

fn as_province() -> ImportValues {
    ImportValues {
        user_id: None,
        source: "web",
        scope: Scope::Province("420000".into()),
        dry_run: false,
        reason: "省级汇总表".into(),
        explanation: String::new(),
        review: None,
    }
}

fn xlsx(header: &[String], rows: &[Vec<Cell>]) -> Vec<u8> {
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    jidi_tabular::write_xlsx("汇总表", &header, rows).unwrap()
}

async fn the_workbook_round_trips_and_names_its_cells(db: TestDb) {
    let store = &db.store;
    let label = db.label;
    demo::load(store, &options()).await.unwrap();
    let bases: Vec<(i64, String, String)> = store
        .all_bases(
            &BaseFilter {
                province: Some("420000".into()),
                ..BaseFilter::default()
            },
            &ListScope::Everything,
            BaseSort::Id,
            SortOrder::Asc,
        )
        .await
        .unwrap()
        .into_iter()
        .map(|b| (b.id, b.facts.name, b.facts.category_code))
        .collect();
    assert!(bases.len() > 5, "{label}");
    let (header, rows) = workbook::workbook(store, &bases, ValuePeriod::Year(2025))
        .await
        .unwrap();
    assert_eq!(&header[..3], ["基地编号", "基地名称", "期间"], "{label}");
    assert_eq!(header.last().unwrap(), "情况说明");
    let rev = header
        .iter()
        .position(|h| h.ends_with("[rev_main]"))
        .unwrap();
    assert_eq!(
        header[rev],
        "营业收入（规上工业/示范基地）（亿元）[rev_main]"
    );
    // Pre-filled with the accepted figures.
    let stored = store
        .values_between(Frequency::Annual, 2025, 2025, &["rev_main".to_string()])
        .await
        .unwrap();
    let first = bases[0].0;
    let accepted = stored.iter().find(|v| v.base_id == first).unwrap().value;
    assert_eq!(rows[0][rev], Cell::Number(accepted), "{label}");
    let filled = rows
        .iter()
        .flat_map(|r| &r[3..r.len() - 1])
        .filter(|c| **c != Cell::Empty)
        .count();

    // Back unchanged: nothing to do.
    let same =
        workbook::import_workbook(store, "汇总表.xlsx", &xlsx(&header, &rows), &as_province())
            .await
            .unwrap();
    assert!(
        same.report.findings.is_empty(),
        "{label}: {:#?}",
        same.report.findings
    );
    assert_eq!(
        (same.changed, same.unchanged, same.rows),
        (0, filled, bases.len()),
        "{label}"
    );

    // A typo and a base of another province: refused, each at its own row and column.
    let letter = jidi_tabular::column_letter(rev);
    let mut bad = rows.clone();
    bad[1][rev] = Cell::Text("12,3.4亿".into());
    let other = store
        .all_bases(
            &BaseFilter {
                province: Some("430000".into()),
                ..BaseFilter::default()
            },
            &ListScope::Everything,
            BaseSort::Id,
            SortOrder::Asc,
        )
        .await
        .unwrap()[0]
        .clone();
    bad[2][0] = Cell::Number(other.id as f64);
    bad[2][1] = Cell::Text(other.facts.name.clone());
    let refused =
        workbook::import_workbook(store, "汇总表.xlsx", &xlsx(&header, &bad), &as_province())
            .await
            .unwrap();
    assert!(refused.refused(), "{label}");
    let errors: Vec<(usize, Rule, String)> = refused
        .report
        .errors()
        .map(|f| (f.row.unwrap(), f.rule, f.column.clone().unwrap_or_default()))
        .collect();
    assert!(
        errors.contains(&(3, Rule::BadNumber, format!("{letter} ({})", header[rev]))),
        "{label}: {errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|(r, rule, c)| *r == 4 && *rule == Rule::OutOfScope && c == "A (基地编号)"),
        "{label}: {errors:?}"
    );
    assert!(
        refused.report.errors().all(|f| f.sheet.is_some()),
        "{label}: every finding names the sheet"
    );

    // A header that is no indicator is named by its column.
    let mut odd = header.clone();
    odd[rev] = "营收合计".into();
    let r = workbook::import_workbook(store, "汇总表.xlsx", &xlsx(&odd, &rows), &as_province())
        .await
        .unwrap();
    let f = r.report.errors().next().unwrap();
    assert_eq!(
        (f.rule, f.row, f.column.clone()),
        (
            Rule::UnknownIndicator,
            Some(1),
            Some(format!("{letter} (营收合计)"))
        ),
        "{label}"
    );

    // One corrected figure (1 % up) is accepted as the next revision; the rest unchanged.
    let mut fixed = rows.clone();
    fixed[0][rev] = Cell::Number(accepted * 1.01);
    let done =
        workbook::import_workbook(store, "汇总表.xlsx", &xlsx(&header, &fixed), &as_province())
            .await
            .unwrap();
    assert!(!done.refused(), "{label}: {:#?}", done.report.findings);
    assert_eq!((done.changed, done.unchanged), (1, filled - 1), "{label}");
    assert!(done.batch_id.is_some());
    let now = store
        .values_between(Frequency::Annual, 2025, 2025, &["rev_main".to_string()])
        .await
        .unwrap();
    let v = now.iter().find(|v| v.base_id == first).unwrap();
    assert!((v.value - accepted * 1.01).abs() < 1e-9, "{label}");
    db.finish().await;
}
backend_tests!(the_workbook_round_trips_and_names_its_cells);
