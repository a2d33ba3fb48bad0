//! `jidi evaluate`: a year's evaluation from the command line.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use jidi_service::evaluation::{self, SchemeChoice};

use crate::DbArgs;

/// `jidi evaluate`.
#[derive(Args, Debug)]
pub struct EvaluateArgs {
    /// The year of the data to evaluate.
    #[arg(long)]
    year: i32,
    /// A scheme file (TOML or JSON); the year's default scheme when absent.
    #[arg(long)]
    scheme: Option<PathBuf>,
    /// Publish the run (freezes it, and makes the year's proposals).
    #[arg(long)]
    publish: bool,
    /// Also run the ranks-sensitivity analysis.
    #[arg(long)]
    sensitivity: bool,
    /// RESULTS.csv (`-` for standard output): base_id,name,province,category,score,rank,
    /// category_rank,stars,rank_p05,rank_p95,vetoed.
    #[arg(long)]
    out: PathBuf,
}

fn number(x: Option<f64>) -> String {
    x.filter(|v| v.is_finite())
        .map(|v| format!("{v}"))
        .unwrap_or_default()
}

/// Runs the evaluation.
pub async fn run(db: &DbArgs, args: EvaluateArgs) -> anyhow::Result<()> {
    let store = db.open().await?;
    let choice = match &args.scheme {
        None => SchemeChoice::Default,
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().to_string(),
            );
            match evaluation::parse_scheme(&name, &text) {
                Ok(s) => SchemeChoice::New(Box::new(s)),
                Err(problems) => {
                    for p in &problems {
                        eprintln!("{name}: {p}");
                    }
                    bail!("{name}: {} problem(s) in the scheme", problems.len());
                }
            }
        }
    };
    let years = store.annual_years().await?;
    if !years.contains(&args.year) {
        bail!(
            "no annual data for {} (years with data: {})",
            args.year,
            years
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let started = std::time::Instant::now();
    let outcome =
        evaluation::run_evaluation(&store, args.year, choice, args.sensitivity, None).await?;
    let mut run = outcome.run.clone();
    let mut proposals = None;
    if args.publish {
        let (published, made) = evaluation::publish(&store, run.id, None).await?;
        run = published;
        proposals = Some(made);
    }
    let ids: Vec<i64> = outcome
        .evaluation
        .results
        .iter()
        .map(|r| r.base_id)
        .collect();
    let bases = store.bases_by_ids(&ids).await?;
    let writer: Box<dyn std::io::Write> = if args.out.as_os_str() == "-" {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(
            std::fs::File::create(&args.out)
                .with_context(|| format!("cannot write {}", args.out.display()))?,
        )
    };
    let mut out = csv::Writer::from_writer(writer);
    out.write_record([
        "base_id",
        "name",
        "province",
        "category",
        "score",
        "rank",
        "category_rank",
        "stars",
        "rank_p05",
        "rank_p95",
        "vetoed",
    ])?;
    for r in &outcome.evaluation.results {
        let name = bases
            .get(&r.base_id)
            .map(|b| b.facts.name.clone())
            .unwrap_or_default();
        let category = bases
            .get(&r.base_id)
            .map(|b| b.facts.category_code.clone())
            .unwrap_or_else(|| r.group.clone());
        out.write_record([
            r.base_id.to_string(),
            name,
            r.province_code.clone(),
            category,
            number(Some(r.score)),
            number(Some(r.national_rank)),
            number(Some(r.category_rank)),
            r.stars.to_string(),
            number(r.rank_p05),
            number(r.rank_p95),
            r.vetoed.to_string(),
        ])?;
    }
    out.flush()?;
    let [one, two, three, four, five] = outcome.evaluation.star_counts;
    eprintln!(
        "evaluation {} of {}: {} bases, stars 5/4/3/2/1 = {five}/{four}/{three}/{two}/{one}, {} replications, {:.2} s; run #{} ({}), content hash {}",
        args.year,
        outcome.scheme.name,
        outcome.evaluation.results.len(),
        outcome.evaluation.replications,
        started.elapsed().as_secs_f64(),
        run.id,
        if args.publish { "published" } else { "trial" },
        run.content_hash
    );
    if let Some(n) = proposals {
        eprintln!("{n} proposal(s) of dynamic management made");
    }
    Ok(())
}
