//! The whole evaluation flow on both backends: demo data → trial → publish (frozen, hashed) →
//! proposals → decision → tier history.

use chrono::NaiveDate;
use jidi_domain::access::RecordScope;
use jidi_domain::roll::{Status, Tier};
use jidi_domain::rules::{Decision, ProposalKind, ProposalStatus};
use jidi_service::demo::{self, DemoOptions};
use jidi_service::evaluation::{self, SchemeChoice};
use jidi_service::management;
use jidi_store::{Page, ProposalFilter, RunStatus, StoreError};
use jidi_test_support::{TestDb, backend_tests};

fn options() -> DemoOptions {
    let mut o = DemoOptions::standard(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
    o.config.provincial = 120;
    o.config.cultivating = 40;
    o.config.months = 3;
    o.evaluations = false;
    o
}

async fn tamper(db: &TestDb, run_id: i64) {
    let sql = format!(
        "UPDATE evaluation_results SET score = score + 1 WHERE run_id = {run_id} AND national_rank = 1"
    );
    if let Some(dir) = db.sqlite_dir() {
        use sqlx::Connection;
        let mut c =
            sqlx::SqliteConnection::connect(&format!("sqlite://{}/jidi.sqlite", dir.display()))
                .await
                .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut c)
            .await
            .unwrap();
    } else if let Some(url) = db.database_url() {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut c)
            .await
            .unwrap();
    }
}

async fn demo_trial_publish_propose_decide(db: TestDb) {
    let store = &db.store;
    let label = db.label;
    let report = demo::load(store, &options()).await.unwrap();
    assert_eq!(report.users, demo::ACCOUNTS.len());

    // A trial of 2024 and one of 2025 with the default scheme.
    let prior = evaluation::run_evaluation(store, 2024, SchemeChoice::Default, false, None)
        .await
        .unwrap();
    evaluation::publish(store, prior.run.id, None)
        .await
        .unwrap();
    let trial = evaluation::run_evaluation(store, 2025, SchemeChoice::Default, true, None)
        .await
        .unwrap();
    assert_eq!(trial.run.status, RunStatus::Trial, "[{label}]");
    assert!(
        store.published_run(2025).await.unwrap().is_none(),
        "[{label}] a trial is not published"
    );
    assert!(
        evaluation::verify_run(store, trial.run.id).await.unwrap(),
        "[{label}] hash verifies"
    );
    // Last year's result is carried into this year's explanation.
    let (rows, total) = store
        .run_results(trial.run.id, &Default::default(), Page::first(5))
        .await
        .unwrap();
    assert_eq!(total as usize, trial.evaluation.results.len());
    let parts = store
        .result_details(trial.run.id, rows[0].base_id)
        .await
        .unwrap()
        .unwrap();
    assert!(
        parts.explanation.change.is_some(),
        "[{label}] {:?}",
        parts.explanation
    );

    // Publish: frozen, scheme locked, one published run per year.
    let (published, proposals) = evaluation::publish(store, trial.run.id, None)
        .await
        .unwrap();
    assert_eq!(published.status, RunStatus::Published);
    assert!(
        store
            .scheme(published.scheme_id)
            .await
            .unwrap()
            .unwrap()
            .locked
    );
    assert!(
        proposals > 0,
        "[{label}] the rules find something to propose"
    );
    // The roll now carries each evaluated base's 2025 rating.
    let first = &trial.evaluation.results[0];
    let base = store.base(first.base_id).await.unwrap().unwrap();
    assert_eq!(
        base.latest_rating,
        Some((2025, first.stars as i32)),
        "[{label}]"
    );
    // An older year published afterwards does not replace it.
    let older = evaluation::run_evaluation(store, 2023, SchemeChoice::Default, false, None)
        .await
        .unwrap();
    evaluation::publish(store, older.run.id, None)
        .await
        .unwrap();
    let base = store.base(first.base_id).await.unwrap().unwrap();
    assert_eq!(base.latest_rating.map(|r| r.0), Some(2025), "[{label}]");
    assert!(matches!(
        store.publish_run(trial.run.id, None, &[]).await,
        Err(StoreError::Conflict(_))
    ));
    let again = evaluation::run_evaluation(store, 2025, SchemeChoice::Default, false, None)
        .await
        .unwrap();
    assert!(
        matches!(
            store.publish_run(again.run.id, None, &[]).await,
            Err(StoreError::Conflict(_))
        ),
        "[{label}] second publication of a year"
    );
    assert!(
        matches!(
            store.delete_trial_run(published.id, None).await,
            Err(StoreError::Conflict(_))
        ),
        "[{label}] published runs are never deleted"
    );
    store.delete_trial_run(again.run.id, None).await.unwrap();

    // Tampering with a published result is detected by its hash.
    assert!(evaluation::verify_run(store, published.id).await.unwrap());
    tamper(&db, published.id).await;
    assert!(
        !evaluation::verify_run(store, published.id).await.unwrap(),
        "[{label}] tampering detected"
    );

    // Decisions change the tier history.
    let (promotions, _) = store
        .proposals(
            &ProposalFilter {
                kind: Some(ProposalKind::Promotion),
                status: Some(ProposalStatus::Pending),
                ..ProposalFilter::within(RecordScope::All)
            },
            Page::first(50),
        )
        .await
        .unwrap();
    let p = promotions
        .iter()
        .find(|p| p.to_tier == Some(Tier::National))
        .expect("a provincial base meets the application conditions");
    let decided = management::decide(
        store,
        p.id,
        Decision::Accept,
        "经审核，符合国家级示范基地申报条件",
        Some(1),
    )
    .await
    .unwrap();
    assert_eq!(decided.status, ProposalStatus::Accepted);
    let base = store.base(p.base_id).await.unwrap().unwrap();
    assert_eq!(base.facts.tier, Tier::National);
    let history = store.tier_history(p.base_id).await.unwrap();
    let last = history.last().unwrap();
    assert_eq!(
        (last.from, last.to, last.proposal_id),
        (Some(Tier::Provincial), Some(Tier::National), Some(p.id))
    );
    assert!(matches!(
        management::decide(store, p.id, Decision::Reject, "x", None).await,
        Err(management::ManagementError::Store(StoreError::Conflict(_)))
    ));
    assert!(matches!(
        store
            .decide_proposal(
                p.id,
                Decision::Accept,
                " ",
                jidi_store::ProposalEffect::Record,
                NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                chrono::Utc::now(),
                "",
                None
            )
            .await,
        Err(StoreError::Conflict(_) | StoreError::Invalid(_))
    ));

    // A rejected proposal leaves the roll alone but keeps its reason.
    let (pending, _) = store
        .proposals(
            &ProposalFilter {
                status: Some(ProposalStatus::Pending),
                ..ProposalFilter::within(RecordScope::All)
            },
            Page::first(200),
        )
        .await
        .unwrap();
    if let Some(other) = pending.iter().find(|x| x.kind == ProposalKind::Exit) {
        management::decide(
            store,
            other.id,
            Decision::Accept,
            "一票否决，予以摘牌",
            Some(1),
        )
        .await
        .unwrap();
        let b = store.base(other.base_id).await.unwrap().unwrap();
        assert!(
            matches!(b.facts.status, Status::Withdrawn { .. }),
            "[{label}]"
        );
    }
    let w = pending
        .iter()
        .find(|x| x.kind == ProposalKind::Warning)
        .expect("a warning");
    let r = management::decide(
        store,
        w.id,
        Decision::Reject,
        "数据口径有误，暂不预警",
        Some(1),
    )
    .await
    .unwrap();
    assert_eq!(r.decision_reason.as_deref(), Some("数据口径有误，暂不预警"));
    db.finish().await;
}
backend_tests!(demo_trial_publish_propose_decide);

/// The demo's history as an official would read it: the rules ran every year; past years'
/// proposals carry (simulated) decisions and only the latest year's wait; star counts after the
/// last published outcome (2022) differ from year to year instead of repeating one rounding.
async fn the_demo_history_runs_the_rules_every_year(db: TestDb) {
    let store = &db.store;
    let label = db.label;
    let mut o = options();
    o.evaluations = true;
    o.replications = Some(20);
    let report = demo::load(store, &o).await.unwrap();
    let last = o.config.last_year();
    let fives: Vec<(i32, usize)> = report.evaluations.iter().map(|e| (e.0, e.2)).collect();
    let later: Vec<usize> = fives
        .iter()
        .filter(|(y, _)| *y >= 2023)
        .map(|f| f.1)
        .collect();
    assert!(
        later.windows(2).all(|w| w[0] != w[1]),
        "{label}: five-star counts after 2022 {fives:?}"
    );
    for year in o.config.first_year..=last {
        let filter = ProposalFilter {
            year: Some(year),
            ..ProposalFilter::within(RecordScope::All)
        };
        let (items, total) = store
            .proposals(
                &filter,
                Page {
                    offset: 0,
                    limit: 500,
                },
            )
            .await
            .unwrap();
        assert!(total > 0, "{label}: no proposals in {year}");
        for p in &items {
            if year == last {
                assert_eq!(p.status, ProposalStatus::Pending, "{label}: {year}");
            } else {
                assert_ne!(
                    p.status,
                    ProposalStatus::Pending,
                    "{label}: {year} undecided"
                );
                let reason = p.decision_reason.as_deref().unwrap_or("");
                assert!(reason.contains("模拟"), "{label}: {year}: {reason:?}");
            }
        }
    }
    db.finish().await;
}
backend_tests!(the_demo_history_runs_the_rules_every_year);

/// What a demo build put in the database, to compare builds: every base (id, name, tier,
/// synthetic) and each published run's content hash, which binds its scheme, every input value
/// it read and every result.
async fn demo_content(
    store: &jidi_store::Store,
) -> (Vec<(i64, String, String, bool)>, Vec<String>) {
    use jidi_domain::access::ListScope;
    use jidi_store::{BaseFilter, BaseSort, SortOrder};
    let bases = store
        .all_bases(
            &BaseFilter::default(),
            &ListScope::Everything,
            BaseSort::Id,
            SortOrder::Asc,
        )
        .await
        .unwrap()
        .into_iter()
        .map(|b| {
            (
                b.id,
                b.facts.name,
                b.facts.tier.code().to_string(),
                b.facts.synthetic,
            )
        })
        .collect();
    let runs = store
        .runs(None, false)
        .await
        .unwrap()
        .into_iter()
        .map(|r| format!("{} {} {}", r.year, r.n_bases, r.content_hash))
        .collect();
    (bases, runs)
}

/// `--scale 2`: twice the generated bases (the real ones once), their values evaluated and
/// published every year with proposals, and the same database content on a second build.
async fn a_scaled_demo_is_twice_the_generated_roll_and_reproducible(db: TestDb) {
    let label = db.label;
    let mut o = options();
    o.config.months = 2;
    o.config.first_year = 2023;
    o.evaluations = true;
    o.replications = Some(10);
    let mut scaled = o.clone();
    scaled.config.scale = 2;
    let report = demo::load(&db.store, &scaled).await.unwrap();
    let (bases, runs) = demo_content(&db.store).await;
    let other = if label == "sqlite" {
        TestDb::sqlite().await
    } else {
        TestDb::postgres().await
    };
    demo::load(&other.store, &o).await.unwrap();
    let (single, _) = demo_content(&other.store).await;
    let synthetic = |b: &[(i64, String, String, bool)]| b.iter().filter(|x| x.3).count();
    assert_eq!(
        bases.len() - synthetic(&bases),
        58,
        "{label}: real bases once"
    );
    assert_eq!(synthetic(&bases), 2 * synthetic(&single), "{label}");
    assert_eq!(report.bases, bases.len(), "{label}");
    let copies = bases.iter().filter(|b| b.1.ends_with("（合成 2）")).count();
    assert_eq!(copies, synthetic(&single), "{label}");
    assert_eq!(runs.len(), 3, "{label}: {runs:?}");
    assert!(report.proposals > 0, "{label}");
    // Evaluated bases grow with the roll (national copies are evaluated too).
    let national = |b: &[(i64, String, String, bool)]| {
        b.iter()
            .filter(|x| x.2 == "national" || x.2 == "excellence")
            .count()
    };
    assert_eq!(national(&bases), 2 * national(&single) - 58, "{label}");
    other.finish().await;

    // A second build of the same scale is the same database.
    let again = if label == "sqlite" {
        TestDb::sqlite().await
    } else {
        TestDb::postgres().await
    };
    demo::load(&again.store, &scaled).await.unwrap();
    assert_eq!(demo_content(&again.store).await, (bases, runs), "{label}");
    again.finish().await;

    // Scale 0 and absurd scales are refused with the rule.
    for bad in [0, 101] {
        let mut o = o.clone();
        o.config.scale = bad;
        let e = demo::load(&db.store, &o).await.unwrap_err().to_string();
        assert!(e.contains("between 1 and 100"), "{label}: {e}");
    }
    db.finish().await;
}
backend_tests!(a_scaled_demo_is_twice_the_generated_roll_and_reproducible);
