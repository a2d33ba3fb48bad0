//! Evaluation runs: a trial stored with its frozen inputs and results, published once per year.
//!
//! Invariant: a published run never changes. No function here updates a published run's results
//! or inputs, publishing locks its scheme, deleting refuses published runs, and at most one run
//! per year is published (a unique index enforces it).

use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::error::{Result, StoreError};
use crate::proposals::INSERT_PROPOSAL;
use crate::results::{RESULT_COLUMNS, RESULT_PARAMS, ResultDetails, ResultRecord, result_params};
use crate::roll::INSERT_AUDIT;
use jidi_domain::evaluation::RunSummary;
use jidi_domain::rules::ProposalDraft;

use crate::row::{Conditions, Param, Row, bind_params, push_where, to_json, value_rows};
use crate::store::{Backend, Store, on_pool};

/// Trial or published.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunStatus {
    /// Visible to evaluators and the ministry only.
    Trial,
    /// Frozen and visible by role.
    Published,
}

impl RunStatus {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            RunStatus::Trial => "trial",
            RunStatus::Published => "published",
        }
    }

    /// Parses [`RunStatus::code`].
    pub fn parse(text: &str) -> Option<RunStatus> {
        [RunStatus::Trial, RunStatus::Published]
            .into_iter()
            .find(|s| s.code() == text)
    }
}

/// A stored evaluation run.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRecord {
    /// Id.
    pub id: i64,
    /// Year.
    pub year: i32,
    /// Scheme used.
    pub scheme_id: i64,
    /// Trial or published.
    pub status: RunStatus,
    /// Monte Carlo replications.
    pub replications: i32,
    /// Monte Carlo seed.
    pub seed: i64,
    /// SHA-256 of the inputs.
    pub inputs_hash: String,
    /// SHA-256 of the results.
    pub results_hash: String,
    /// SHA-256 binding scheme, inputs and results.
    pub content_hash: String,
    /// Bases evaluated.
    pub n_bases: i32,
    /// Whether it ran on demo data.
    pub synthetic: bool,
    /// Star counts, groups, diagnostics, sensitivity.
    pub summary: RunSummary,
    /// Who ran it.
    pub created_by: Option<i64>,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Who published it.
    pub published_by: Option<i64>,
    /// When.
    pub published_at: Option<DateTime<Utc>>,
}

/// A run to store, with its inputs and results.
#[derive(Clone, Debug)]
pub struct NewRun {
    /// Year.
    pub year: i32,
    /// Scheme.
    pub scheme_id: i64,
    /// Replications.
    pub replications: i32,
    /// Seed.
    pub seed: i64,
    /// Hashes.
    pub inputs_hash: String,
    /// Hashes.
    pub results_hash: String,
    /// Hashes.
    pub content_hash: String,
    /// Demo data.
    pub synthetic: bool,
    /// Star counts, groups, diagnostics, sensitivity.
    pub summary: RunSummary,
    /// Author.
    pub created_by: Option<i64>,
    /// Results (their `run_id` is ignored).
    pub results: Vec<ResultRecord>,
    /// Scorecard parts, one per result.
    pub details: Vec<ResultDetails>,
    /// Inputs `(base, indicator, value)`.
    pub inputs: Vec<(i64, String, Option<f64>)>,
}

const RUN_COLUMNS: &str = "id, year, scheme_id, status, replications, seed, inputs_hash, results_hash, content_hash, n_bases, synthetic, summary, created_by, created_at, published_by, published_at";

fn run_from_row(r: &impl Row) -> Result<RunRecord> {
    let status = r.text("status")?;
    Ok(RunRecord {
        id: r.int("id")?,
        year: r.int32("year")?,
        scheme_id: r.int("scheme_id")?,
        status: RunStatus::parse(&status)
            .ok_or_else(|| StoreError::corrupt("run status", &status))?,
        replications: r.int32("replications")?,
        seed: r.int("seed")?,
        inputs_hash: r.text("inputs_hash")?,
        results_hash: r.text("results_hash")?,
        content_hash: r.text("content_hash")?,
        n_bases: r.int32("n_bases")?,
        synthetic: r.boolean("synthetic")?,
        summary: r.json("summary")?,
        created_by: r.opt_int("created_by")?,
        created_at: r.timestamp("created_at")?,
        published_by: r.opt_int("published_by")?,
        published_at: r.opt_timestamp("published_at")?,
    })
}

impl Store {
    /// Stores a run with its inputs and results, in one transaction.
    pub async fn insert_run(&self, run: &NewRun) -> Result<i64> {
        let now = Utc::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query_scalar("INSERT INTO evaluation_runs (year, scheme_id, status, replications, seed, inputs_hash, results_hash, content_hash, n_bases, synthetic, summary, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id")
                .bind(run.year).bind(run.scheme_id).bind(RunStatus::Trial.code()).bind(run.replications).bind(run.seed)
                .bind(&run.inputs_hash).bind(&run.results_hash).bind(&run.content_hash).bind(run.results.len() as i32)
                .bind(run.synthetic).bind(to_json(&run.summary)).bind(run.created_by).bind(now)
                .fetch_one(&mut *tx).await?;
            // Small statements of a fixed shape hit the statement cache; huge ones cost SQLite seconds.
            // Each input is written with the revision of the value it read, so that a published
            // result stays reproducible after later corrections: one lookup of the value's key per
            // row in the same statement (a value changed since it was read, whose figure no longer
            // matches, keeps no revision rather than a wrong one). An UPDATE of the rows after
            // inserting them rewrote every row and took 1.1–1.3 s per run on PostgreSQL.
            for chunk in run.inputs.chunks(240) {
                let rows = value_rows(self.backend(), chunk.len(), 3);
                let (run_param, year_param) = match self.backend() {
                    Backend::Sqlite => ("?".to_string(), "?".to_string()),
                    Backend::Postgres => (format!("${}", chunk.len() * 3 + 1), format!("${}", chunk.len() * 3 + 2)),
                };
                let sql = format!(
                    "INSERT INTO evaluation_inputs (run_id, base_id, indicator_code, value, revision) \
                     SELECT r.run_id, v.column1, v.column2, v.column3, a.revision \
                     FROM (VALUES {rows}) AS v CROSS JOIN (SELECT {run_param} AS run_id, {year_param} AS year) AS r \
                     LEFT JOIN annual_values a ON a.base_id = v.column1 AND a.year = r.year AND a.indicator_code = v.column2 AND a.value = v.column3"
                );
                let mut params = Vec::with_capacity(chunk.len() * 3 + 2);
                for (b, c, v) in chunk {
                    params.extend([Param::Int(*b), Param::Text(c.clone()), Param::OptFloat(*v)]);
                }
                params.extend([Param::Int(id), Param::Int32(run.year)]);
                bind_params!(sqlx::query(AssertSqlSafe(sql)), &params).execute(&mut *tx).await?;
            }
            for chunk in run.results.chunks(56) {
                let sql = format!("INSERT INTO evaluation_results ({RESULT_COLUMNS}) VALUES {}", value_rows(self.backend(), chunk.len(), RESULT_PARAMS));
                let params: Vec<Param> = chunk.iter().flat_map(|r| result_params(id, r)).collect();
                bind_params!(sqlx::query(AssertSqlSafe(sql)), &params).execute(&mut *tx).await?;
            }
            for chunk in run.details.chunks(100) {
                let sql = format!("INSERT INTO evaluation_result_details (run_id, base_id, dimension_scores, contributions, details) VALUES {}", value_rows(self.backend(), chunk.len(), 5));
                let params: Vec<Param> = chunk.iter().flat_map(|d| [
                    Param::Int(id), Param::Int(d.base_id), Param::Text(to_json(&d.dimension_scores)),
                    Param::Text(to_json(&d.contributions)), Param::Text(to_json(&d.explanation)),
                ]).collect();
                bind_params!(sqlx::query(AssertSqlSafe(sql)), &params).execute(&mut *tx).await?;
            }
            sqlx::query(INSERT_AUDIT).bind(now).bind(run.created_by).bind("run").bind("evaluation").bind(id.to_string())
                .bind(serde_json::json!({"year": run.year, "scheme_id": run.scheme_id, "hash": run.content_hash}).to_string())
                .execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// A run.
    pub async fn run(&self, id: i64) -> Result<Option<RunRecord>> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM evaluation_runs WHERE id = $1");
        on_pool!(self, pool => {
            let row = sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?;
            row.as_ref().map(run_from_row).transpose()
        })
    }

    /// Runs, newest first; trials only when `include_trials`.
    pub async fn runs(&self, year: Option<i32>, include_trials: bool) -> Result<Vec<RunRecord>> {
        let mut c = Conditions::default();
        if let Some(y) = year {
            c.push("year = ?", vec![Param::Int32(y)]);
        }
        if !include_trials {
            c.push("status = 'published'", vec![]);
        }
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new(format!("SELECT {RUN_COLUMNS} FROM evaluation_runs"));
            push_where!(qb, c);
            qb.push(" ORDER BY year DESC, id DESC");
            let rows = qb.build().fetch_all(pool).await?;
            rows.iter().map(run_from_row).collect()
        })
    }

    /// The published run of a year.
    pub async fn published_run(&self, year: i32) -> Result<Option<RunRecord>> {
        Ok(self.runs(Some(year), false).await?.into_iter().next())
    }

    /// Publishes a trial run: freezes it, locks its scheme. Refused for a published run and when the
    /// year already has one.
    /// Publishes a trial run and stores the proposals its results give, in one transaction: a
    /// published run always has its proposals (a crash or error in between leaves the run a trial
    /// and nothing stored). Returns the published run and how many proposals were new.
    pub async fn publish_run(
        &self,
        id: i64,
        actor: Option<i64>,
        proposals: &[ProposalDraft],
    ) -> Result<(RunRecord, usize)> {
        let run = self.run(id).await?.ok_or(StoreError::NotFound {
            entity: "evaluation run",
            key: id.to_string(),
        })?;
        if run.status == RunStatus::Published {
            return Err(StoreError::Conflict(format!(
                "run {id} is already published"
            )));
        }
        if self.published_run(run.year).await?.is_some() {
            return Err(StoreError::Conflict(format!(
                "the {} evaluation is already published; published results never change",
                run.year
            )));
        }
        let now = Utc::now();
        let added = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let updated = sqlx::query("UPDATE evaluation_runs SET status = 'published', published_by = $1, published_at = $2 WHERE id = $3 AND status = 'trial'")
                .bind(actor).bind(now).bind(id).execute(&mut *tx).await
                .map_err(|e| StoreError::from_unique(e, format!("the {} evaluation is already published", run.year)))?
                .rows_affected();
            if updated != 1 {
                return Err(StoreError::Conflict(format!("run {id} changed while publishing")));
            }
            sqlx::query("UPDATE schemes SET locked = $1 WHERE id = $2").bind(true).bind(run.scheme_id).execute(&mut *tx).await?;
            // The roll shows each base's latest published rating; an older year published later
            // does not replace a newer one.
            sqlx::query("UPDATE bases SET latest_stars = (SELECT r.stars FROM evaluation_results r WHERE r.run_id = $1 AND r.base_id = bases.id), latest_stars_year = $2 \
                         WHERE id IN (SELECT base_id FROM evaluation_results WHERE run_id = $1 AND stars IS NOT NULL) AND (latest_stars_year IS NULL OR latest_stars_year <= $2)")
                .bind(id).bind(run.year).execute(&mut *tx).await?;
            let mut added = 0usize;
            for p in proposals {
                added += sqlx::query(INSERT_PROPOSAL)
                    .bind(p.base_id).bind(Some(id)).bind(p.year).bind(p.kind.code()).bind(&p.rule)
                    .bind(p.from_tier.code()).bind(p.to_tier.map(|t| t.code())).bind(p.deadline)
                    .bind(to_json(&p.reasons)).bind(now)
                    .execute(&mut *tx).await?.rows_affected() as usize;
            }
            sqlx::query(INSERT_AUDIT).bind(now).bind(actor).bind("publish").bind("evaluation").bind(id.to_string())
                .bind(serde_json::json!({"year": run.year, "hash": run.content_hash, "proposals": added}).to_string())
                .execute(&mut *tx).await?;
            tx.commit().await?;
            added
        });
        let run = self.run(id).await?.ok_or(StoreError::NotFound {
            entity: "evaluation run",
            key: id.to_string(),
        })?;
        Ok((run, added))
    }

    /// Deletes a trial run with its inputs and results; published runs are refused.
    pub async fn delete_trial_run(&self, id: i64, actor: Option<i64>) -> Result<()> {
        let run = self.run(id).await?.ok_or(StoreError::NotFound {
            entity: "evaluation run",
            key: id.to_string(),
        })?;
        if run.status == RunStatus::Published {
            return Err(StoreError::Conflict(format!(
                "run {id} is published and can never be deleted"
            )));
        }
        let now = Utc::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM evaluation_inputs WHERE run_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM evaluation_result_details WHERE run_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM evaluation_results WHERE run_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("UPDATE proposals SET run_id = NULL WHERE run_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM evaluation_runs WHERE id = $1 AND status = 'trial'").bind(id).execute(&mut *tx).await?;
            sqlx::query(INSERT_AUDIT).bind(now).bind(actor).bind("delete").bind("evaluation").bind(id.to_string()).bind("{}")
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }
}
