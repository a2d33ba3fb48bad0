//! The busy read paths stay indexed as the roll grows: no statement of the roll's pages (every
//! filter and sort the list offers), a run's results, a profile's history or the proposals may
//! read a whole table and sort it. Checked on the demo's whole roll with published evaluations,
//! with PostgreSQL's sequential scans and sorts priced out so that the verdict is about the
//! indexes, not about how small the test's tables are (`Store::index_plans`).

use chrono::NaiveDate;
use jidi_service::demo::{self, DemoOptions};
use jidi_test_support::{TestDb, backend_tests};

async fn busy_statements_are_served_by_indexes(db: TestDb) {
    let label = db.label;
    let mut o = DemoOptions::standard(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
    o.config.months = 2;
    o.config.first_year = 2024;
    o.replications = Some(10);
    demo::load(&db.store, &o).await.unwrap();
    let plans = db.store.index_plans().await.unwrap();
    assert!(plans.len() >= 25, "{label}: {} plans", plans.len());
    let mut bad = Vec::new();
    for p in &plans {
        eprintln!("{label} {}:\n    {}", p.name, p.lines.join("\n    "));
        if p.unindexed {
            bad.push(p.name.clone());
        }
    }
    assert!(bad.is_empty(), "{label}: full scan and sort in {bad:?}");
    // The list pages read the narrow result rows, never the scorecard's JSON.
    for p in plans.iter().filter(|p| p.name.starts_with("results")) {
        let text = p.lines.join(" ");
        assert!(
            !text.contains("evaluation_result_details"),
            "{label}: {text}"
        );
    }
    db.finish().await;
}
backend_tests!(busy_statements_are_served_by_indexes);
