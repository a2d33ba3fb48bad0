//! Loading the demo: the generated programme, the documented demo accounts, and a published
//! evaluation for each year of annual data with the latest year's proposals waiting for a decision.

use std::time::Instant;

use chrono::NaiveDate;
use jidi_demo as demo;
/// The generator's settings, part of [`DemoOptions`] (re-exported so that callers need not depend
/// on the generator crate).
pub use jidi_demo::DemoConfig;
use jidi_domain::access::Role;
use jidi_store::{NewUser, Store};

use crate::evaluation::{self, SchemeChoice};

/// A demo account: `(username, password, role, display name, province, real base name)`.
pub struct DemoAccount {
    /// Login name.
    pub username: &'static str,
    /// Password (documented in the README; demo only).
    pub password: &'static str,
    /// Role.
    pub role: Role,
    /// Name shown.
    pub display_name: &'static str,
    /// Province scope.
    pub province_code: Option<&'static str>,
    /// Base scope, by name.
    pub base_name: Option<&'static str>,
}

/// The demo accounts, one per role (two provinces, to show scopes).
pub const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        username: "admin",
        password: "jidi-admin-2026",
        role: Role::Ministry,
        display_name: "部示范基地办公室（演示）",
        province_code: None,
        base_name: None,
    },
    DemoAccount {
        username: "hubei",
        password: "jidi-hubei-2026",
        role: Role::Province,
        display_name: "湖北省工业和信息化厅（演示）",
        province_code: Some("420000"),
        base_name: None,
    },
    DemoAccount {
        username: "hunan",
        password: "jidi-hunan-2026",
        role: Role::Province,
        display_name: "湖南省工业和信息化厅（演示）",
        province_code: Some("430000"),
        base_name: None,
    },
    DemoAccount {
        username: "donghu",
        password: "jidi-donghu-2026",
        role: Role::Base,
        display_name: "东湖示范基地管委会（演示）",
        province_code: None,
        base_name: Some("电子信息(光电子)·武汉东湖新技术开发区"),
    },
    DemoAccount {
        username: "evaluator",
        password: "jidi-evaluator-2026",
        role: Role::Evaluator,
        display_name: "第三方评估机构（演示）",
        province_code: None,
        base_name: None,
    },
];

/// Options of a demo load.
#[derive(Clone, Debug)]
pub struct DemoOptions {
    /// Generator settings.
    pub config: DemoConfig,
    /// Publish an evaluation for every year of annual data.
    pub evaluations: bool,
    /// Replications of those evaluations (the scheme's 1,000 unless lowered, e.g. in tests).
    pub replications: Option<usize>,
    /// Play the collection history: past reporting tasks answered, the last month's task
    /// part-way through (its values arrive as submissions, not in the bulk load).
    pub collection: bool,
}

impl DemoOptions {
    /// The documented demo.
    pub fn standard(today: NaiveDate) -> DemoOptions {
        DemoOptions {
            config: DemoConfig::standard(today),
            evaluations: true,
            replications: None,
            collection: true,
        }
    }
}

/// What was loaded, and how long each part took.
#[derive(Clone, Debug)]
pub struct DemoReport {
    /// Bases.
    pub bases: usize,
    /// Annual values.
    pub annual: usize,
    /// Monthly values.
    pub monthly: usize,
    /// Accounts.
    pub users: usize,
    /// Published evaluations `(year, bases evaluated, five stars)`.
    pub evaluations: Vec<(i32, usize, usize)>,
    /// Proposals waiting for a decision.
    pub proposals: usize,
    /// The collection history played (none when not asked for).
    pub collection: Option<crate::demo_collection::CollectionSummary>,
    /// Seconds: generate, load, hash passwords, evaluate.
    pub timings: [f64; 4],
}

/// Why the demo could not load.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The store failed or refused (for example, the database is not empty).
    #[error(transparent)]
    Store(#[from] jidi_store::StoreError),
    /// An account's password could not be hashed.
    #[error(transparent)]
    Password(#[from] crate::passwords::PasswordError),
    /// An evaluation of the demo's history failed.
    #[error(transparent)]
    Evaluation(#[from] crate::evaluation::EvaluationServiceError),
    /// Building the monitoring figures failed.
    #[error(transparent)]
    Monitoring(#[from] crate::monitoring::MonitoringError),
    /// Deciding a past year's proposals failed.
    #[error(transparent)]
    Management(#[from] crate::management::ManagementError),
    /// Opening one of the demo's reporting tasks was refused.
    #[error(transparent)]
    Task(#[from] crate::tasks::TaskError),
    /// The options ask for something the generator refuses (for example a scale of 0).
    #[error("{0}")]
    Invalid(String),
}

/// Loads the demo into an empty database.
pub async fn load(store: &Store, options: &DemoOptions) -> Result<DemoReport, DemoError> {
    DemoConfig::check_scale(options.config.scale).map_err(DemoError::Invalid)?;
    let started = Instant::now();
    let mut data = demo::generate(&options.config);
    let held = options
        .collection
        .then(|| crate::demo_collection::hold_back_last_month(&mut data, &options.config));
    let generated = started.elapsed().as_secs_f64();
    // The account passwords, hashed on the bounded password threads.
    let hashing = Instant::now();
    let mut hashes = Vec::new();
    for a in ACCOUNTS {
        hashes.push(crate::passwords::hash_blocking(a.password.to_string()).await?);
    }
    let hashed = hashing.elapsed().as_secs_f64();
    let loading = Instant::now();
    let names: Vec<String> = data.bases.iter().map(|b| b.draft.name.clone()).collect();
    let summary = store
        .load_demo(&data, |ids| {
            ACCOUNTS
                .iter()
                .zip(&hashes)
                .map(|(a, hash)| NewUser {
                    username: a.username.into(),
                    display_name: a.display_name.into(),
                    password_hash: hash.clone(),
                    role: a.role,
                    province_code: a.province_code.map(Into::into),
                    base_id: a
                        .base_name
                        .and_then(|n| names.iter().position(|x| x == n))
                        .map(|i| ids[i]),
                })
                .collect()
        })
        .await?;
    // Statistics for the planner before the replay, the monitoring build and the evaluations
    // query the freshly loaded tables (PostgreSQL otherwise plans them as empty until autovacuum
    // gets round to them).
    store.optimize().await?;
    tracing::info!(
        seconds = loading.elapsed().as_secs_f64(),
        "demo: programme bulk-loaded"
    );
    let phase = Instant::now();
    let collection = match held {
        Some(held) => Some(
            crate::demo_collection::replay(store, &options.config, &data, &summary.base_ids, held)
                .await?,
        ),
        None => None,
    };
    tracing::info!(
        seconds = phase.elapsed().as_secs_f64(),
        "demo: collection history played"
    );
    let phase = Instant::now();
    crate::monitoring::rebuild_all(store).await?;
    tracing::info!(
        seconds = phase.elapsed().as_secs_f64(),
        "demo: monitoring built"
    );
    let loaded = loading.elapsed().as_secs_f64();
    let evaluating = Instant::now();
    let mut evaluations = Vec::new();
    let mut proposals = 0;
    if options.evaluations {
        let last = options.config.last_year();
        for year in options.config.first_year..=last {
            let mut scheme = jidi_domain::scheme::Scheme::national_default(year);
            if let Some(r) = options.replications {
                scheme.uncertainty.replications = r;
            }
            demo_star_shares(&mut scheme);
            let record = evaluation::save_scheme(store, &scheme, None, true, None).await?;
            // The scheme page shows the sensitivity of the latest year's run.
            let outcome = evaluation::run_evaluation(
                store,
                year,
                SchemeChoice::Stored(record.id),
                year == last,
                None,
            )
            .await?;
            let five = outcome.evaluation.star_counts[4];
            // Every year's rules run; the latest year's proposals are left for the ministry to
            // decide, earlier ones carry the demo's (synthetic) decisions.
            let (_, made) = evaluation::publish(store, outcome.run.id, None).await?;
            if year == last {
                proposals = made;
            } else {
                decide_past_year(store, year).await?;
            }
            evaluations.push((year, outcome.evaluation.results.len(), five));
            tracing::info!(
                year,
                seconds = evaluating.elapsed().as_secs_f64(),
                "demo: evaluation published"
            );
        }
    }
    let phase = Instant::now();
    store.optimize().await?;
    tracing::info!(
        seconds = phase.elapsed().as_secs_f64(),
        "demo: statistics refreshed"
    );
    let evaluated = evaluating.elapsed().as_secs_f64();
    Ok(DemoReport {
        bases: summary.base_ids.len(),
        annual: summary.annual,
        monthly: summary.monthly,
        users: summary.users,
        evaluations,
        proposals,
        collection,
        timings: [generated, loaded, hashed, evaluated],
    })
}

/// Star shares of the years after the last published outcome (2022). The real shares are not
/// public; the demo lets the five- and four-star shares rise a little each year, as the
/// programme's quality has, so that its star counts are not the same three years running. These
/// shares are synthetic and the scheme's description says so.
fn demo_star_shares(scheme: &mut jidi_domain::scheme::Scheme) {
    let (five, four) = match scheme.year {
        2023 => (0.072, 0.585),
        2024 => (0.076, 0.592),
        y if y >= 2025 => (0.081, 0.600),
        _ => return,
    };
    if scheme.stars.shares.len() == 5 {
        let rest = 1.0 - five - four;
        let round = |x: f64| (x * 1e6).round() / 1e6;
        let (three, two) = (round(rest * 0.77), round(rest * 0.17));
        let one = round(1.0 - five - four - three - two);
        scheme.stars.shares = vec![five, four, three, two, one];
        scheme
            .description
            .push_str(jidi_domain::scheme::SYNTHETIC_SHARES_NOTE);
    }
}

/// The demo's decisions on a past year's proposals, all marked as simulated: warnings and
/// rectifications are issued; exits are deferred (the demo's roll keeps the published counts of
/// each year); promotions were not part of that year's batch. Each is dated inside `year`, on
/// the day of its kind's (simulated) batch notice at 10:00 in China, so that the report of the
/// year lists it with a date of that year, and the same demo gives the same dates whenever it
/// is loaded.
async fn decide_past_year(store: &Store, year: i32) -> Result<(), DemoError> {
    use jidi_domain::access::RecordScope;
    use jidi_domain::rules::{Decision, ProposalKind, ProposalStatus};
    use jidi_store::{Page, ProposalFilter};
    loop {
        let filter = ProposalFilter {
            status: Some(ProposalStatus::Pending),
            year: Some(year),
            ..ProposalFilter::within(RecordScope::All)
        };
        let (page, _) = store
            .proposals(
                &filter,
                Page {
                    offset: 0,
                    limit: 200,
                },
            )
            .await?;
        if page.is_empty() {
            return Ok(());
        }
        for p in page {
            let (decision, reason) = match p.kind {
                ProposalKind::Warning => (Decision::Accept, "已下发预警通知（模拟决定）"),
                ProposalKind::Rectification => (Decision::Accept, "限期整改（模拟决定）"),
                ProposalKind::Exit => (Decision::Reject, "给予整改机会，暂缓退出（模拟决定）"),
                ProposalKind::Promotion => (Decision::Reject, "未列入当年批次（模拟决定）"),
            };
            let (month, day) = match p.kind {
                ProposalKind::Warning => (11, 20),
                ProposalKind::Rectification | ProposalKind::Exit => (12, 10),
                ProposalKind::Promotion => (12, 18),
            };
            let at = NaiveDate::from_ymd_opt(year, month, day)
                .and_then(|d| d.and_hms_opt(2, 0, 0))
                .expect("a valid day of the year")
                .and_utc();
            crate::management::decide_at(store, p.id, decision, reason, at, None).await?;
        }
    }
}
