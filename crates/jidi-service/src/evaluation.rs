//! The evaluation workflow: choose the scheme, load the year's inputs, evaluate, store as a trial,
//! publish, and verify a stored run against its content hash.

use std::collections::HashMap;

use jidi_domain::access::ListScope;
use jidi_domain::evaluation::{
    self, EvalBase, Evaluation, EvaluationInput, PreviousResult, ResultExplanation, RunSummary,
};
use jidi_domain::roll::Status;
use jidi_domain::scheme::{Scheme, SchemeError, SchemeFormat};
use jidi_store::{
    BaseFilter, BaseSort, NewRun, ResultDetails, ResultRecord, RunRecord, SchemeRecord, SortOrder,
    Store,
};

/// Why an evaluation step failed.
#[derive(Debug, thiserror::Error)]
pub enum EvaluationServiceError {
    /// The store failed or refused.
    #[error(transparent)]
    Store(#[from] jidi_store::StoreError),
    /// The scheme is invalid: every problem with its path (the caller's to fix).
    #[error("invalid scheme: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Scheme(Vec<SchemeError>),
    /// A stored scheme no longer parses: corrupt data, not the caller's fault.
    #[error("stored scheme {id} is corrupt")]
    CorruptScheme {
        /// The scheme's id.
        id: i64,
        /// Why it does not parse.
        #[source]
        source: serde_json::Error,
    },
    /// The evaluation could not run.
    #[error(transparent)]
    Evaluation(#[from] evaluation::EvaluationError),
    /// Making the year's proposals failed.
    #[error(transparent)]
    Management(#[from] crate::management::ManagementError),
    /// No slot for the computation freed up in time, or it failed.
    #[error(transparent)]
    Cpu(#[from] crate::cpu::CpuError),
}

/// How long a run waits for a heavy-work slot (another evaluation or import may hold it).
const HEAVY_PATIENCE: std::time::Duration = std::time::Duration::from_secs(120);

fn wrong_year(what: String, year: i32) -> EvaluationServiceError {
    EvaluationServiceError::Scheme(vec![SchemeError {
        path: "year".into(),
        message: format!("{what} is not for {year}"),
    }])
}

type Result<T> = std::result::Result<T, EvaluationServiceError>;

/// Which scheme to run.
#[derive(Clone, Debug)]
pub enum SchemeChoice {
    /// The year's default (created from the national default when the year has none).
    Default,
    /// A stored scheme.
    Stored(i64),
    /// A scheme from a file; stored as a new (non-default) version first.
    New(Box<Scheme>),
}

/// Parses a scheme file and lists every problem with its path.
pub fn parse_scheme(file: &str, text: &str) -> std::result::Result<Scheme, Vec<SchemeError>> {
    Scheme::parse(text, SchemeFormat::detect(file, text))
}

/// The year's default scheme, created from [`Scheme::national_default`] when missing.
pub async fn ensure_default_scheme(
    store: &Store,
    year: i32,
    actor: Option<i64>,
) -> Result<SchemeRecord> {
    if let Some(s) = store.default_scheme(year).await? {
        return Ok(s);
    }
    let scheme = Scheme::national_default(year);
    Ok(store
        .insert_scheme(
            year,
            &scheme.name,
            &scheme.canonical_json(),
            &scheme.content_hash(),
            None,
            true,
            actor,
        )
        .await?)
}

/// Stores an edited scheme as a new version of its year.
pub async fn save_scheme(
    store: &Store,
    scheme: &Scheme,
    based_on: Option<i64>,
    make_default: bool,
    actor: Option<i64>,
) -> Result<SchemeRecord> {
    let errors = scheme.validate();
    if !errors.is_empty() {
        return Err(EvaluationServiceError::Scheme(errors));
    }
    Ok(store
        .insert_scheme(
            scheme.year,
            &scheme.name,
            &scheme.canonical_json(),
            &scheme.content_hash(),
            based_on,
            make_default,
            actor,
        )
        .await?)
}

/// The scheme of a stored record.
pub fn scheme_of(record: &SchemeRecord) -> Result<Scheme> {
    serde_json::from_str(&record.definition).map_err(|source| {
        EvaluationServiceError::CorruptScheme {
            id: record.id,
            source,
        }
    })
}

/// Every base of the national programme (current or withdrawn), as the evaluation sees it.
pub async fn candidates(store: &Store) -> Result<Vec<EvalBase>> {
    let filter = BaseFilter {
        national_only: true,
        ..BaseFilter::default()
    };
    let bases = store
        .all_bases(
            &filter,
            &ListScope::Everything,
            BaseSort::Id,
            SortOrder::Asc,
        )
        .await?;
    Ok(bases
        .into_iter()
        .map(|b| EvalBase {
            id: b.id,
            name: b.facts.name.clone(),
            province_code: b.facts.province_code.clone(),
            category: b.facts.category_code.clone(),
            subcategory: b.facts.subcategory_code.clone(),
            tier: b.facts.tier,
            designated_on: b.facts.designated_on,
            designated_year: b.facts.designated_year,
            withdrawn_on: match &b.facts.status {
                Status::Withdrawn { on, .. } => Some(*on),
                Status::Current => None,
            },
        })
        .collect())
}

/// A finished trial run.
pub struct RunOutcome {
    /// The stored run.
    pub run: RunRecord,
    /// What the domain computed.
    pub evaluation: Evaluation,
    /// The scheme used.
    pub scheme: SchemeRecord,
    /// Wall time of each phase.
    pub phases: RunPhases,
}

/// Wall time of a run's phases (`cargo bench -p jidi-service --bench evaluation` prints them).
#[derive(Clone, Copy, Debug, Default)]
pub struct RunPhases {
    /// Reading the scheme, the candidates, their values, incidents and last year's results.
    pub load: std::time::Duration,
    /// The domain's evaluation on the heavy-work pool.
    pub compute: std::time::Duration,
    /// Storing the run with its inputs and results.
    pub store: std::time::Duration,
}

/// Runs a year's evaluation and stores it as a trial.
pub async fn run_evaluation(
    store: &Store,
    year: i32,
    choice: SchemeChoice,
    with_sensitivity: bool,
    actor: Option<i64>,
) -> Result<RunOutcome> {
    let started = std::time::Instant::now();
    let record = match choice {
        SchemeChoice::Default => ensure_default_scheme(store, year, actor).await?,
        SchemeChoice::Stored(id) => {
            store
                .scheme(id)
                .await?
                .ok_or(jidi_store::StoreError::NotFound {
                    entity: "scheme",
                    key: id.to_string(),
                })?
        }
        SchemeChoice::New(scheme) => {
            if scheme.year != year {
                return Err(wrong_year(
                    format!("the scheme (for {})", scheme.year),
                    year,
                ));
            }
            save_scheme(store, &scheme, None, false, actor).await?
        }
    };
    if record.year != year {
        return Err(wrong_year(
            format!("scheme {} (for {})", record.id, record.year),
            year,
        ));
    }
    let scheme = scheme_of(&record)?;
    let bases = candidates(store).await?;
    let ids: Vec<i64> = bases.iter().map(|b| b.id).collect();
    let values: HashMap<(i64, String), f64> = store
        .annual_values_for_year(year, &ids)
        .await?
        .into_iter()
        .map(|p| ((p.base_id, p.indicator), p.value))
        .collect();
    let incidents = store.incidents_in_year(year).await?;
    let previous = previous_results(store, year - 1).await?;
    let synthetic = store.is_demo().await?;
    let loaded = std::time::Instant::now();
    // A thousand replications (and the sensitivity analysis) are seconds of CPU: they run on a
    // bounded blocking thread, never on an async worker.
    let (evaluation, scheme) = crate::cpu::run_heavy(HEAVY_PATIENCE, move || {
        let evaluation = evaluation::evaluate(&EvaluationInput {
            scheme: &scheme,
            bases: &bases,
            values: &values,
            incidents: &incidents,
            previous: &previous,
            with_sensitivity,
        });
        (evaluation, scheme)
    })
    .await?;
    let evaluation = evaluation?;
    let computed = std::time::Instant::now();
    let run = new_run(&evaluation, &record, &scheme, synthetic, actor);
    let id = store.insert_run(&run).await?;
    let stored = std::time::Instant::now();
    let phases = RunPhases {
        load: loaded - started,
        compute: computed - loaded,
        store: stored - computed,
    };
    tracing::debug!(
        year,
        bases = evaluation.results.len(),
        ?phases,
        "evaluation run"
    );
    let run = store
        .run(id)
        .await?
        .ok_or(jidi_store::StoreError::NotFound {
            entity: "evaluation run",
            key: id.to_string(),
        })?;
    Ok(RunOutcome {
        run,
        evaluation,
        scheme: record,
        phases,
    })
}

async fn previous_results(store: &Store, year: i32) -> Result<HashMap<i64, PreviousResult>> {
    let Some(run) = store.published_run(year).await? else {
        return Ok(HashMap::new());
    };
    Ok(store
        .all_run_results(run.id, &Default::default())
        .await?
        .into_iter()
        .filter_map(|r| {
            Some((
                r.base_id,
                PreviousResult {
                    score: r.score?,
                    national_rank: r.national_rank?,
                    category_rank: r.category_rank?,
                    stars: r.stars? as u8,
                },
            ))
        })
        .collect())
}

fn new_run(
    e: &Evaluation,
    record: &SchemeRecord,
    scheme: &Scheme,
    synthetic: bool,
    actor: Option<i64>,
) -> NewRun {
    let results = e
        .results
        .iter()
        .map(|r| ResultRecord {
            run_id: 0,
            base_id: r.base_id,
            category_code: r.group.clone(),
            province_code: r.province_code.clone(),
            score: Some(r.score),
            national_score: Some(r.national_score),
            national_rank: Some(r.national_rank),
            category_rank: Some(r.category_rank),
            stars: Some(r.stars as i32),
            stars_before_veto: Some(r.stars_before_veto as i32),
            vetoed: r.vetoed,
            veto_reason: r.veto_reason.clone(),
            rank_median: r.rank_median,
            rank_p05: r.rank_p05,
            rank_p95: r.rank_p95,
            category_rank_p05: r.category_rank_p05,
            category_rank_p95: r.category_rank_p95,
            star_probabilities: r.star_probabilities,
        })
        .collect();
    let details = e
        .results
        .iter()
        .map(|r| ResultDetails {
            base_id: r.base_id,
            dimension_scores: r.dimension_scores.clone(),
            contributions: r.contributions.clone(),
            explanation: ResultExplanation {
                next_star: r.next_star.clone(),
                change: r.change,
            },
        })
        .collect();
    let summary = RunSummary {
        scheme_name: record.name.clone(),
        scheme_version: record.version,
        scheme_hash: e.scheme_hash.clone(),
        star_counts: e.star_counts,
        groups: e.groups.clone(),
        diagnostics: e.diagnostics.clone(),
        sensitivity: e.sensitivity.clone(),
        weight_noise: scheme.uncertainty.weight_noise,
        data_noise: scheme.uncertainty.data_noise,
    };
    NewRun {
        year: e.year,
        scheme_id: record.id,
        replications: e.replications as i32,
        seed: scheme.uncertainty.seed as i64,
        inputs_hash: e.inputs_hash.clone(),
        results_hash: e.results_hash.clone(),
        content_hash: e.content_hash.clone(),
        synthetic,
        summary,
        created_by: actor,
        results,
        details,
        inputs: e.inputs.clone(),
    }
}

/// Recomputes a stored run's hashes from its stored scheme, inputs and results, and says whether
/// they match what was recorded when it ran (tampering or drift shows here).
pub async fn verify_run(store: &Store, run_id: i64) -> Result<bool> {
    let run = store
        .run(run_id)
        .await?
        .ok_or(jidi_store::StoreError::NotFound {
            entity: "evaluation run",
            key: run_id.to_string(),
        })?;
    let record = store
        .scheme(run.scheme_id)
        .await?
        .ok_or(jidi_store::StoreError::NotFound {
            entity: "scheme",
            key: run.scheme_id.to_string(),
        })?;
    let scheme = scheme_of(&record)?;
    let scheme_hash = scheme.content_hash();
    let inputs = store.run_inputs(run_id, None).await?;
    let inputs_hash = evaluation::hash_inputs(&inputs);
    let lines: Vec<(i64, String)> = store
        .all_run_results(run_id, &Default::default())
        .await?
        .iter()
        .map(|r| {
            (
                r.base_id,
                evaluation::result_line(
                    r.base_id,
                    r.score.unwrap_or(f64::NAN),
                    r.national_rank.unwrap_or(f64::NAN),
                    r.category_rank.unwrap_or(f64::NAN),
                    r.stars.unwrap_or(0) as u8,
                    r.vetoed,
                ),
            )
        })
        .collect();
    let results_hash = evaluation::hash_result_lines(lines);
    let content = evaluation::hash_content(
        &scheme_hash,
        &inputs_hash,
        &results_hash,
        run.replications as usize,
        run.seed as u64,
    );
    let checks = [
        ("scheme", scheme_hash == record.content_hash),
        ("inputs", inputs_hash == run.inputs_hash),
        ("results", results_hash == run.results_hash),
        ("content", content == run.content_hash),
    ];
    for (what, ok) in checks {
        if !ok {
            tracing::warn!(
                run = run_id,
                part = what,
                "stored evaluation does not match its hash"
            );
        }
    }
    Ok(checks.iter().all(|c| c.1))
}

/// Publishes a trial run with the year's proposals, in one transaction: the proposals are made
/// first, with the run's results counting as published, then stored with the publication.
pub async fn publish(store: &Store, run_id: i64, actor: Option<i64>) -> Result<(RunRecord, usize)> {
    let run = store
        .run(run_id)
        .await?
        .ok_or(jidi_store::StoreError::NotFound {
            entity: "evaluation run",
            key: run_id.to_string(),
        })?;
    let record = store
        .scheme(run.scheme_id)
        .await?
        .ok_or(jidi_store::StoreError::NotFound {
            entity: "scheme",
            key: run.scheme_id.to_string(),
        })?;
    let scheme = scheme_of(&record)?;
    let drafts = crate::management::proposal_drafts(store, run.year, Some(run.id), &scheme).await?;
    Ok(store.publish_run(run_id, actor, &drafts).await?)
}
