//! `jidi`: the one binary of the platform. `jidi serve` runs the web server; the other commands
//! administer the database and run the evaluation engine on files.
//!
//! Exit codes: 0 success, 1 a command failed (the error chain is printed once), 2 bad arguments.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

// glibc's allocator spends a quarter of a busy server's CPU in lock contention and consolidation
// between the runtime's and SQLite's threads; mimalloc's per-thread heaps avoid most of it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod catalogue;
mod evaluate;
mod forecast;
mod index;
mod report;
mod roll;
mod users;
mod values;

/// jidi (基地): the national new-type industrialization demonstration bases platform.
#[derive(Parser)]
#[command(name = "jidi", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    db: DbArgs,
    #[command(subcommand)]
    command: Command,
}

/// Where the database is; the same on every command.
#[derive(Args, Clone, Debug)]
pub struct DbArgs {
    /// Directory of the SQLite database (jidi.sqlite, created on first use).
    #[arg(long, global = true, env = "JIDI_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Use PostgreSQL instead, e.g. postgres://user@localhost/jidi (or postgres:///jidi?host=/var/run/postgresql).
    #[arg(long, global = true, env = "JIDI_DATABASE_URL")]
    pub database_url: Option<String>,
}

impl DbArgs {
    /// Opens and migrates the store.
    pub async fn open(&self) -> anyhow::Result<jidi_store::Store> {
        let store = jidi_store::Store::open(&self.data_dir, self.database_url.as_deref())
            .await
            .with_context(|| match &self.database_url {
                Some(url) => format!("cannot open the database {}", redact(url)),
                None => format!(
                    "cannot open the SQLite database in {}",
                    self.data_dir.display()
                ),
            })?;
        store
            .migrate()
            .await
            .context("cannot migrate the database")?;
        Ok(store)
    }
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (pages, API at /api/v1, OpenAPI at /api/openapi.json).
    Serve(ServeArgs),
    /// Load the demo programme (58 real bases as facts, the rest synthetic) into an empty database.
    Demo(DemoArgs),
    /// Apply pending database migrations.
    Migrate,
    /// Print the query plans of the busy pages (roll, results, profile, proposals) on this
    /// database, marking those that read a whole table and sort it; exit 1 when any does.
    Plans {
        /// Plan as a test does: on PostgreSQL with sequential scans and sorts priced out, so that
        /// the answer says whether an index serves each statement, not whether the table is small.
        #[arg(long)]
        forced: bool,
    },
    /// Import the roll, indicator values or the catalogue, all or nothing.
    Import {
        #[command(subcommand)]
        what: roll::ImportWhat,
    },
    /// Export the roll, indicator values or the catalogue.
    Export {
        #[command(subcommand)]
        what: roll::ExportWhat,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: users::UserCommand,
    },
    /// Compute a composite index from CSV files (the evaluation engine on its own).
    Index(Box<index::IndexArgs>),
    /// Compute weights from CSV files (entropy, CRITIC, standard deviation, variance, AHP).
    Weights(index::WeightsArgs),
    /// Run a year's development-quality evaluation on the database and write the results.
    Evaluate(evaluate::EvaluateArgs),
    /// Forecast monthly or quarterly series from a CSV file (no database).
    Forecast(forecast::ForecastArgs),
    /// Write the annual development report of a year (HTML, DOCX or PDF) from the database.
    Report(report::ReportArgs),
}

#[derive(Args)]
struct ServeArgs {
    /// Load the demo first when the database is empty.
    #[arg(long)]
    demo: bool,
    /// Address and port to listen on.
    #[arg(long, env = "JIDI_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Mark cookies Secure (when served over HTTPS).
    #[arg(long)]
    secure_cookies: bool,
    /// Behind a reverse proxy: take client addresses (for login throttling) from the
    /// X-Forwarded-For entry the proxy appended, the right-most one.
    #[arg(long)]
    trust_proxy: bool,
    /// With --trust-proxy, the number of trusted proxies that append to X-Forwarded-For.
    #[arg(long, default_value_t = 1, requires = "trust_proxy")]
    proxy_hops: usize,
    /// An approved standard map of China (GeoJSON) to show on the dashboard; without it the
    /// dashboard shows a province grid and ranked bars.
    #[arg(long, env = "JIDI_MAP_FILE")]
    map_file: Option<PathBuf>,
    /// Session lifetime in hours.
    #[arg(long, default_value_t = 8)]
    session_hours: i64,
    /// Emission factors for the green view (CSV with the columns of the shipped
    /// crates/jidi-monitor/data/emission_factors.csv): each row marked default=yes replaces the
    /// shipped factor of its fuel.
    #[arg(long, env = "JIDI_EMISSION_FACTORS")]
    emission_factors: Option<PathBuf>,
}

#[derive(Args)]
struct DemoArgs {
    /// Delete the existing database first (SQLite file; or every table of the PostgreSQL schema).
    #[arg(long)]
    reset: bool,
    /// Seed of the generated data.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Skip the published evaluations (faster; the evaluation pages are then empty).
    #[arg(long)]
    no_evaluations: bool,
    /// Size of the programme: N times the generated bases (synthetic copies named `（合成 k）`),
    /// their values, evaluations and proposals; the 58 real bases stay once. 1 to 100.
    #[arg(long, default_value_t = 1, value_parser = parse_scale)]
    scale: usize,
}

fn parse_scale(text: &str) -> Result<usize, String> {
    let n: usize = text.parse().map_err(|_| {
        format!(
            "scale must be a whole number from 1 to {}",
            jidi_service::demo::DemoConfig::MAX_SCALE
        )
    })?;
    jidi_service::demo::DemoConfig::check_scale(n)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("JIDI_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A closed pipe (jidi export … | head) is not a failure.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {e}");
            let mut shown = e.to_string();
            for cause in e.chain().skip(1) {
                // Errors that wrap their source often repeat its text; print each thing once.
                let text = cause.to_string();
                if shown.contains(&text) {
                    continue;
                }
                eprintln!("  caused by: {text}");
                shown = text;
            }
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve(&cli.db, args).await,
        Command::Demo(args) => demo(&cli.db, args).await,
        Command::Migrate => {
            let store = cli.db.open().await?;
            let versions = store.applied_migrations().await?;
            println!(
                "migrations applied: {}",
                versions
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            Ok(())
        }
        Command::Plans { forced } => plans(&cli.db, forced).await,
        Command::Import { what } => roll::import(&cli.db, what).await,
        Command::Export { what } => roll::export(&cli.db, what).await,
        Command::User { command } => users::run(&cli.db, command).await,
        Command::Index(args) => index::index(*args),
        Command::Weights(args) => index::weights(args),
        Command::Evaluate(args) => evaluate::run(&cli.db, args).await,
        Command::Forecast(args) => forecast::run(args),
        Command::Report(args) => report::run(&cli.db, args).await,
    }
}

fn today() -> chrono::NaiveDate {
    jidi_service::today()
}

async fn load_demo(
    store: &jidi_store::Store,
    seed: u64,
    scale: usize,
    evaluations: bool,
) -> anyhow::Result<()> {
    let mut options = jidi_service::demo::DemoOptions::standard(today());
    options.config.seed = seed;
    options.config.scale = scale;
    options.evaluations = evaluations;
    let started = std::time::Instant::now();
    let report = jidi_service::demo::load(store, &options).await?;
    let [generate, load, hash, evaluate] = report.timings;
    tracing::info!(
        bases = report.bases,
        annual = report.annual,
        monthly = report.monthly,
        users = report.users,
        evaluations = report.evaluations.len(),
        proposals = report.proposals,
        "demo loaded in {:.2} s (generate {generate:.2} s, load {load:.2} s, passwords {hash:.2} s, evaluations {evaluate:.2} s)",
        started.elapsed().as_secs_f64()
    );
    for (year, n, five) in &report.evaluations {
        tracing::info!("  {year}: {n} bases evaluated, {five} five-star (synthetic data)");
    }
    Ok(())
}

async fn demo(db: &DbArgs, args: DemoArgs) -> anyhow::Result<()> {
    if args.reset {
        reset(db).await?;
    }
    let store = db.open().await?;
    if !store.is_empty().await? {
        anyhow::bail!(
            "the database already holds bases; run `jidi demo --reset` to start over, or use another --data-dir"
        );
    }
    load_demo(&store, args.seed, args.scale, !args.no_evaluations).await?;
    println!(
        "demo loaded; accounts: admin / jidi-admin-2026 (ministry), hubei / jidi-hubei-2026 (province), donghu / jidi-donghu-2026 (base), evaluator / jidi-evaluator-2026"
    );
    Ok(())
}

async fn plans(db: &DbArgs, forced: bool) -> anyhow::Result<()> {
    let store = db.open().await?;
    let plans = if forced {
        store.index_plans().await?
    } else {
        store.query_plans().await?
    };
    let mut unindexed = 0;
    for plan in &plans {
        let mark = if plan.unindexed {
            unindexed += 1;
            "  ← reads the whole table and sorts it"
        } else {
            ""
        };
        println!("{}{mark}", plan.name);
        for line in &plan.lines {
            println!("    {line}");
        }
    }
    println!("{} statements, {unindexed} unindexed", plans.len());
    if unindexed > 0 {
        anyhow::bail!("{unindexed} busy statements read a whole table and sort it");
    }
    Ok(())
}

async fn reset(db: &DbArgs) -> anyhow::Result<()> {
    match &db.database_url {
        None => {
            for suffix in ["", "-wal", "-shm"] {
                let path = db.data_dir.join(format!("jidi.sqlite{suffix}"));
                if path.exists() {
                    std::fs::remove_file(&path)
                        .with_context(|| format!("cannot delete {}", path.display()))?;
                }
            }
            Ok(())
        }
        Some(url) => {
            let store = jidi_store::Store::open(&db.data_dir, Some(url)).await?;
            store
                .reset_postgres_schema()
                .await
                .context("cannot reset the PostgreSQL schema")?;
            store.close().await;
            Ok(())
        }
    }
}

/// Reads an operator's emission-factor file, naming the file, row and column of every problem.
pub(crate) fn read_emission_factors(
    path: &std::path::Path,
) -> anyhow::Result<jidi_monitor::carbon::factors::EmissionFactors> {
    use jidi_monitor::carbon::factors::{EmissionFactors, MAX_FACTOR_FILE_BYTES};
    let size = std::fs::metadata(path)
        .with_context(|| format!("cannot read the emission factors {}", path.display()))?
        .len();
    if size > MAX_FACTOR_FILE_BYTES as u64 {
        anyhow::bail!(
            "{}: {size} bytes, more than the {MAX_FACTOR_FILE_BYTES} an emission-factor file may have",
            path.display()
        );
    }
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read the emission factors {}", path.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("{}: not UTF-8 text", path.display()))?;
    EmissionFactors::from_csv(&text).map_err(|problems| {
        let lines: Vec<String> = problems
            .iter()
            .map(|p| format!("{}: {p}", path.display()))
            .collect();
        anyhow::anyhow!("the emission factors are not usable:\n{}", lines.join("\n"))
    })
}

async fn serve(db: &DbArgs, args: ServeArgs) -> anyhow::Result<()> {
    let store = db.open().await?;
    if args.demo && store.is_empty().await? {
        tracing::info!("empty database: loading the demo first");
        load_demo(&store, 2026, 1, true).await?;
    }
    if let Some(path) = &args.map_file
        && !path.exists()
    {
        anyhow::bail!("the map file {} does not exist", path.display());
    }
    let emission_factors = match &args.emission_factors {
        Some(path) => read_emission_factors(path)?,
        None => jidi_monitor::carbon::factors::EmissionFactors::shipped(),
    };
    let config = jidi_web::WebConfig {
        emission_factors,
        secure_cookies: args.secure_cookies,
        session_hours: args.session_hours,
        proxy_hops: if args.trust_proxy {
            args.proxy_hops.max(1)
        } else {
            0
        },
        map_file: args.map_file,
    };
    store
        .optimize()
        .await
        .context("cannot refresh the query planner's statistics")?;
    let state = jidi_web::AppState::new(store.clone(), config).await?;
    // Hourly (and at start): sweep expired sessions and old login attempts, open the month's
    // reporting task when the calendar says so.
    let sweeper = store.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            let now = chrono::Utc::now();
            if let Err(e) = sweeper
                .purge_expired(now, now - chrono::Duration::days(1))
                .await
            {
                tracing::warn!(error = %e, "session sweep failed");
            }
            // The monthly calendar: opens last month's reporting task once it is due.
            match jidi_service::tasks::open_due_tasks(&sweeper, jidi_service::today(), now).await {
                Ok(Some(id)) => tracing::info!(task = id, "calendar opened a reporting task"),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "calendar could not open a reporting task"),
            }
        }
    });
    Ok(jidi_web::serve(state, args.listen).await?)
}
