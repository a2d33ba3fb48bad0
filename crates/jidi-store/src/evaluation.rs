//! Evaluation schemes, runs with their frozen inputs and results, published history, incidents,
//! and dynamic-management proposals with their decisions.
//!
//! Invariant: a published run never changes. No function here updates a published run's results
//! or inputs, publishing locks its scheme, deleting refuses published runs, and at most one run
//! per year is published (a unique index enforces it).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use jidi_domain::incident::IncidentKind;
use jidi_domain::roll::Tier;
use jidi_domain::rules::{ProposalDraft, ProposalKind};
use sqlx::AssertSqlSafe;

use crate::roll::{INSERT_AUDIT, INSERT_TIER_CHANGE};
use crate::row::{Conditions, Param, Row, bind_params, value_rows};
use crate::{Page, Result, Store, StoreError, on_pool};

/// A stored scheme.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemeRecord {
    /// Id.
    pub id: i64,
    /// Evaluation year.
    pub year: i32,
    /// Version within the year, from 1.
    pub version: i32,
    /// Name.
    pub name: String,
    /// Canonical JSON of the scheme.
    pub definition: String,
    /// SHA-256 of the definition.
    pub content_hash: String,
    /// The scheme it was copied from.
    pub based_on: Option<i64>,
    /// Whether it is the year's default.
    pub is_default: bool,
    /// Whether a published evaluation used it (it can then never be removed).
    pub locked: bool,
    /// Author.
    pub created_by: Option<i64>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// Trial or published.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunStatus {
    /// Visible to evaluators and the ministry only.
    Trial,
    /// Frozen and visible by role.
    Published,
}

impl RunStatus {
    fn code(self) -> &'static str {
        match self {
            RunStatus::Trial => "trial",
            RunStatus::Published => "published",
        }
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
    /// JSON summary (star counts, groups, diagnostics, sensitivity).
    pub summary: String,
    /// Who ran it.
    pub created_by: Option<i64>,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Who published it.
    pub published_by: Option<i64>,
    /// When.
    pub published_at: Option<DateTime<Utc>>,
}

/// One stored result: the figures every list shows. The bulky parts of a scorecard are
/// [`ResultDetails`], stored apart.
#[derive(Clone, Debug, PartialEq)]
pub struct ResultRecord {
    /// Run.
    pub run_id: i64,
    /// Base.
    pub base_id: i64,
    /// Peer group.
    pub category_code: String,
    /// Province.
    pub province_code: String,
    /// Score.
    pub score: Option<f64>,
    /// National rank.
    pub national_rank: Option<f64>,
    /// Rank in the peer group.
    pub category_rank: Option<f64>,
    /// Stars.
    pub stars: Option<i32>,
    /// Stars before vetoes.
    pub stars_before_veto: Option<i32>,
    /// Vetoed.
    pub vetoed: bool,
    /// Veto reason.
    pub veto_reason: Option<String>,
    /// Median national rank.
    pub rank_median: Option<f64>,
    /// 5th percentile national rank.
    pub rank_p05: Option<f64>,
    /// 95th percentile national rank.
    pub rank_p95: Option<f64>,
    /// 5th percentile group rank.
    pub category_rank_p05: Option<f64>,
    /// 95th percentile group rank.
    pub category_rank_p95: Option<f64>,
    /// JSON `[p1, …, p5]`.
    pub star_probabilities: Option<String>,
}

/// The scorecard parts of a result, as JSON text (read one base at a time).
#[derive(Clone, Debug, PartialEq)]
pub struct ResultDetails {
    /// Base.
    pub base_id: i64,
    /// JSON list of dimension scores.
    pub dimension_scores: String,
    /// JSON list of contributions.
    pub contributions: String,
    /// JSON object: next star, change from last year.
    pub details: String,
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
    /// JSON summary.
    pub summary: String,
    /// Author.
    pub created_by: Option<i64>,
    /// Results (their `run_id` is ignored).
    pub results: Vec<ResultRecord>,
    /// Scorecard parts, one per result.
    pub details: Vec<ResultDetails>,
    /// Inputs `(base, indicator, value)`.
    pub inputs: Vec<(i64, String, Option<f64>)>,
}

/// Filters of a results table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResultFilter {
    /// Peer group (category) code.
    pub category: Option<String>,
    /// Province code.
    pub province: Option<String>,
    /// Stars.
    pub stars: Option<i32>,
    /// Only these bases.
    pub base_ids: Option<Vec<i64>>,
}

/// Headline of the latest published evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct Headline {
    /// Year.
    pub year: i32,
    /// Bases evaluated.
    pub bases: i64,
    /// Bases per star, `[1★ … 5★]`.
    pub stars: [i64; 5],
    /// Run id.
    pub run_id: i64,
}

/// A stored proposal.
#[derive(Clone, Debug, PartialEq)]
pub struct ProposalRecord {
    /// Id.
    pub id: i64,
    /// Base.
    pub base_id: i64,
    /// The run it came from.
    pub run_id: Option<i64>,
    /// Evaluation year.
    pub year: i32,
    /// Kind.
    pub kind: ProposalKind,
    /// Rule code.
    pub rule: String,
    /// Tier when proposed.
    pub from_tier: Tier,
    /// Target tier.
    pub to_tier: Option<Tier>,
    /// Rectification deadline.
    pub deadline: Option<NaiveDate>,
    /// Reasons.
    pub reasons: Vec<String>,
    /// `pending`, `accepted` or `rejected`.
    pub status: String,
    /// When proposed.
    pub created_at: DateTime<Utc>,
    /// Who decided.
    pub decided_by: Option<i64>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
    /// The decision's written reason.
    pub decision_reason: Option<String>,
}

/// Filters of the proposal list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProposalFilter {
    /// `pending`, `accepted` or `rejected`.
    pub status: Option<String>,
    /// Year.
    pub year: Option<i32>,
    /// Kind.
    pub kind: Option<ProposalKind>,
    /// Base.
    pub base_id: Option<i64>,
    /// Only bases of this province.
    pub province: Option<String>,
}

/// What accepting a proposal does to the roll.
#[derive(Clone, Debug, PartialEq)]
pub enum ProposalEffect {
    /// Nothing beyond the record (warnings, rectifications).
    Record,
    /// Move the base to a tier.
    ChangeTier(Tier),
    /// Withdraw the base.
    Withdraw,
}

const SCHEME_COLUMNS: &str = "id, year, version, name, definition, content_hash, based_on, is_default, locked, created_by, created_at";
const RUN_COLUMNS: &str = "id, year, scheme_id, status, replications, seed, inputs_hash, results_hash, content_hash, n_bases, synthetic, summary, created_by, created_at, published_by, published_at";
const RESULT_COLUMNS: &str = "run_id, base_id, category_code, province_code, score, national_rank, category_rank, stars, stars_before_veto, vetoed, veto_reason, rank_median, rank_p05, rank_p95, category_rank_p05, category_rank_p95, star_probabilities";
const PROPOSAL_COLUMNS: &str = "p.id, p.base_id, p.run_id, p.year, p.kind, p.rule_code, p.from_tier, p.to_tier, p.deadline, p.reasons, p.status, p.created_at, p.decided_by, p.decided_at, p.decision_reason";

fn scheme_from_row(r: &impl Row) -> Result<SchemeRecord> {
    Ok(SchemeRecord {
        id: r.int("id")?,
        year: r.int32("year")?,
        version: r.int32("version")?,
        name: r.text("name")?,
        definition: r.text("definition")?,
        content_hash: r.text("content_hash")?,
        based_on: r.opt_int("based_on")?,
        is_default: r.boolean("is_default")?,
        locked: r.boolean("locked")?,
        created_by: r.opt_int("created_by")?,
        created_at: r.timestamp("created_at")?,
    })
}

fn run_from_row(r: &impl Row) -> Result<RunRecord> {
    Ok(RunRecord {
        id: r.int("id")?,
        year: r.int32("year")?,
        scheme_id: r.int("scheme_id")?,
        status: if r.text("status")? == "published" {
            RunStatus::Published
        } else {
            RunStatus::Trial
        },
        replications: r.int32("replications")?,
        seed: r.int("seed")?,
        inputs_hash: r.text("inputs_hash")?,
        results_hash: r.text("results_hash")?,
        content_hash: r.text("content_hash")?,
        n_bases: r.int32("n_bases")?,
        synthetic: r.boolean("synthetic")?,
        summary: r.text("summary")?,
        created_by: r.opt_int("created_by")?,
        created_at: r.timestamp("created_at")?,
        published_by: r.opt_int("published_by")?,
        published_at: r.opt_timestamp("published_at")?,
    })
}

fn result_from_row(r: &impl Row) -> Result<ResultRecord> {
    Ok(ResultRecord {
        run_id: r.int("run_id")?,
        base_id: r.int("base_id")?,
        category_code: r.text("category_code")?,
        province_code: r.text("province_code")?,
        score: r.opt_float("score")?,
        national_rank: r.opt_float("national_rank")?,
        category_rank: r.opt_float("category_rank")?,
        stars: r.opt_int32("stars")?,
        stars_before_veto: r.opt_int32("stars_before_veto")?,
        vetoed: r.boolean("vetoed")?,
        veto_reason: r.opt_text("veto_reason")?,
        rank_median: r.opt_float("rank_median")?,
        rank_p05: r.opt_float("rank_p05")?,
        rank_p95: r.opt_float("rank_p95")?,
        category_rank_p05: r.opt_float("category_rank_p05")?,
        category_rank_p95: r.opt_float("category_rank_p95")?,
        star_probabilities: r.opt_text("star_probabilities")?,
    })
}

fn proposal_from_row(r: &impl Row) -> Result<ProposalRecord> {
    let kind = r.text("kind")?;
    let from = r.text("from_tier")?;
    Ok(ProposalRecord {
        id: r.int("id")?,
        base_id: r.int("base_id")?,
        run_id: r.opt_int("run_id")?,
        year: r.int32("year")?,
        kind: ProposalKind::parse(&kind)
            .ok_or_else(|| StoreError::Invalid(format!("stored proposal kind {kind:?}")))?,
        rule: r.text("rule_code")?,
        from_tier: Tier::parse(&from)
            .ok_or_else(|| StoreError::Invalid(format!("stored tier {from:?}")))?,
        to_tier: r.opt_text("to_tier")?.as_deref().and_then(Tier::parse),
        deadline: r.opt_date("deadline")?,
        reasons: serde_json::from_str(&r.text("reasons")?).unwrap_or_default(),
        status: r.text("status")?,
        created_at: r.timestamp("created_at")?,
        decided_by: r.opt_int("decided_by")?,
        decided_at: r.opt_timestamp("decided_at")?,
        decision_reason: r.opt_text("decision_reason")?,
    })
}

fn result_params(run_id: i64, r: &ResultRecord) -> Vec<Param> {
    vec![
        Param::Int(run_id),
        Param::Int(r.base_id),
        Param::Text(r.category_code.clone()),
        Param::Text(r.province_code.clone()),
        Param::OptFloat(r.score),
        Param::OptFloat(r.national_rank),
        Param::OptFloat(r.category_rank),
        Param::OptInt32(r.stars),
        Param::OptInt32(r.stars_before_veto),
        Param::Bool(r.vetoed),
        Param::OptText(r.veto_reason.clone()),
        Param::OptFloat(r.rank_median),
        Param::OptFloat(r.rank_p05),
        Param::OptFloat(r.rank_p95),
        Param::OptFloat(r.category_rank_p05),
        Param::OptFloat(r.category_rank_p95),
        Param::OptText(r.star_probabilities.clone()),
    ]
}

impl Store {
    /// Stores a scheme as the next version of its year.
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_scheme(
        &self,
        year: i32,
        name: &str,
        definition: &str,
        content_hash: &str,
        based_on: Option<i64>,
        make_default: bool,
        actor: Option<i64>,
    ) -> Result<SchemeRecord> {
        let now = Utc::now();
        let id: i64 = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let version: i32 = sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) + 1 FROM schemes WHERE year = $1")
                .bind(year).fetch_one(&mut *tx).await?;
            if make_default {
                sqlx::query("UPDATE schemes SET is_default = $1 WHERE year = $2").bind(false).bind(year).execute(&mut *tx).await?;
            }
            let id: i64 = sqlx::query_scalar("INSERT INTO schemes (year, version, name, definition, content_hash, based_on, is_default, locked, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
                .bind(year).bind(version).bind(name).bind(definition).bind(content_hash).bind(based_on)
                .bind(make_default).bind(false).bind(actor).bind(now)
                .fetch_one(&mut *tx).await?;
            sqlx::query(INSERT_AUDIT).bind(now).bind(actor).bind("create").bind("scheme").bind(id.to_string())
                .bind(serde_json::json!({"year": year, "version": version, "hash": content_hash}).to_string())
                .execute(&mut *tx).await?;
            tx.commit().await?;
            id
        });
        self.scheme(id).await?.ok_or(StoreError::NotFound {
            entity: "scheme",
            key: id.to_string(),
        })
    }

    /// A scheme.
    pub async fn scheme(&self, id: i64) -> Result<Option<SchemeRecord>> {
        let sql = format!("SELECT {SCHEME_COLUMNS} FROM schemes WHERE id = $1");
        on_pool!(self, pool => {
            let row = sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?;
            row.as_ref().map(scheme_from_row).transpose()
        })
    }

    /// Schemes, newest year and version first (one year when given).
    pub async fn schemes(&self, year: Option<i32>) -> Result<Vec<SchemeRecord>> {
        let (filter, params) = match year {
            Some(y) => ("WHERE year = $1", vec![Param::Int32(y)]),
            None => ("", vec![]),
        };
        let sql = format!(
            "SELECT {SCHEME_COLUMNS} FROM schemes {filter} ORDER BY year DESC, version DESC"
        );
        on_pool!(self, pool => {
            let rows = bind_params!(sqlx::query(AssertSqlSafe(sql)), &params).fetch_all(pool).await?;
            rows.iter().map(scheme_from_row).collect()
        })
    }

    /// The default scheme of a year.
    pub async fn default_scheme(&self, year: i32) -> Result<Option<SchemeRecord>> {
        let sql = format!(
            "SELECT {SCHEME_COLUMNS} FROM schemes WHERE year = $1 AND is_default = $2 ORDER BY version DESC LIMIT 1"
        );
        on_pool!(self, pool => {
            let row = sqlx::query(AssertSqlSafe(sql)).bind(year).bind(true).fetch_optional(pool).await?;
            row.as_ref().map(scheme_from_row).transpose()
        })
    }

    /// Makes a scheme its year's default.
    pub async fn set_default_scheme(&self, id: i64, actor: Option<i64>) -> Result<()> {
        let s = self.scheme(id).await?.ok_or(StoreError::NotFound {
            entity: "scheme",
            key: id.to_string(),
        })?;
        let now = Utc::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE schemes SET is_default = (id = $1) WHERE year = $2").bind(id).bind(s.year).execute(&mut *tx).await?;
            sqlx::query(INSERT_AUDIT).bind(now).bind(actor).bind("set_default").bind("scheme").bind(id.to_string()).bind("{}")
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Stores a run with its inputs and results, in one transaction.
    pub async fn insert_run(&self, run: &NewRun) -> Result<i64> {
        let now = Utc::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query_scalar("INSERT INTO evaluation_runs (year, scheme_id, status, replications, seed, inputs_hash, results_hash, content_hash, n_bases, synthetic, summary, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id")
                .bind(run.year).bind(run.scheme_id).bind(RunStatus::Trial.code()).bind(run.replications).bind(run.seed)
                .bind(&run.inputs_hash).bind(&run.results_hash).bind(&run.content_hash).bind(run.results.len() as i32)
                .bind(run.synthetic).bind(&run.summary).bind(run.created_by).bind(now)
                .fetch_one(&mut *tx).await?;
            // Small statements of a fixed shape hit the statement cache; huge ones cost SQLite seconds.
            for chunk in run.inputs.chunks(240) {
                let sql = format!("INSERT INTO evaluation_inputs (run_id, base_id, indicator_code, value) VALUES {}", value_rows(chunk.len(), 4));
                let mut params = Vec::with_capacity(chunk.len() * 4);
                for (b, c, v) in chunk {
                    params.extend([Param::Int(id), Param::Int(*b), Param::Text(c.clone()), Param::OptFloat(*v)]);
                }
                bind_params!(sqlx::query(AssertSqlSafe(sql)), &params).execute(&mut *tx).await?;
            }
            for chunk in run.results.chunks(56) {
                let sql = format!("INSERT INTO evaluation_results ({RESULT_COLUMNS}) VALUES {}", value_rows(chunk.len(), 17));
                let params: Vec<Param> = chunk.iter().flat_map(|r| result_params(id, r)).collect();
                bind_params!(sqlx::query(AssertSqlSafe(sql)), &params).execute(&mut *tx).await?;
            }
            for chunk in run.details.chunks(100) {
                let sql = format!("INSERT INTO evaluation_result_details (run_id, base_id, dimension_scores, contributions, details) VALUES {}", value_rows(chunk.len(), 5));
                let params: Vec<Param> = chunk.iter().flat_map(|d| [
                    Param::Int(id), Param::Int(d.base_id), Param::Text(d.dimension_scores.clone()),
                    Param::Text(d.contributions.clone()), Param::Text(d.details.clone()),
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
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM evaluation_runs {} ORDER BY year DESC, id DESC",
            c.where_sql()
        );
        on_pool!(self, pool => {
            let rows = bind_params!(sqlx::query(AssertSqlSafe(sql)), &c.params).fetch_all(pool).await?;
            rows.iter().map(run_from_row).collect()
        })
    }

    /// The published run of a year.
    pub async fn published_run(&self, year: i32) -> Result<Option<RunRecord>> {
        Ok(self.runs(Some(year), false).await?.into_iter().next())
    }

    /// Publishes a trial run: freezes it, locks its scheme. Refused for a published run and when the
    /// year already has one.
    pub async fn publish_run(&self, id: i64, actor: Option<i64>) -> Result<RunRecord> {
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
        on_pool!(self, pool => {
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
            sqlx::query(INSERT_AUDIT).bind(now).bind(actor).bind("publish").bind("evaluation").bind(id.to_string())
                .bind(serde_json::json!({"year": run.year, "hash": run.content_hash}).to_string())
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        self.run(id).await?.ok_or(StoreError::NotFound {
            entity: "evaluation run",
            key: id.to_string(),
        })
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

    /// A page of a run's results by national rank, with the total.
    pub async fn run_results(
        &self,
        run_id: i64,
        filter: &ResultFilter,
        page: Page,
    ) -> Result<(Vec<ResultRecord>, i64)> {
        let mut c = Conditions::default();
        c.push("run_id = ?", vec![Param::Int(run_id)]);
        if let Some(v) = &filter.category {
            c.push("category_code = ?", vec![Param::Text(v.clone())]);
        }
        if let Some(v) = &filter.province {
            c.push("province_code = ?", vec![Param::Text(v.clone())]);
        }
        if let Some(v) = filter.stars {
            c.push("stars = ?", vec![Param::Int32(v)]);
        }
        if let Some(ids) = &filter.base_ids {
            c.push_in("base_id", ids.iter().map(|i| Param::Int(*i)).collect());
        }
        let n = c.next_placeholder();
        let sql = format!(
            "SELECT {RESULT_COLUMNS} FROM evaluation_results {} ORDER BY national_rank, base_id LIMIT ${n} OFFSET ${}",
            c.where_sql(),
            n + 1
        );
        let count = format!("SELECT COUNT(*) FROM evaluation_results {}", c.where_sql());
        on_pool!(self, pool => {
            let total: i64 = bind_params!(sqlx::query_scalar(AssertSqlSafe(count)), &c.params).fetch_one(pool).await?;
            let rows = bind_params!(sqlx::query(AssertSqlSafe(sql)), &c.params)
                .bind(page.limit.clamp(1, 2000) as i64).bind(page.offset as i64)
                .fetch_all(pool).await?;
            Ok((rows.iter().map(result_from_row).collect::<Result<Vec<_>>>()?, total))
        })
    }

    /// One base's result in a run.
    pub async fn run_result(&self, run_id: i64, base_id: i64) -> Result<Option<ResultRecord>> {
        let sql = format!(
            "SELECT {RESULT_COLUMNS} FROM evaluation_results WHERE run_id = $1 AND base_id = $2"
        );
        on_pool!(self, pool => {
            let row = sqlx::query(AssertSqlSafe(sql)).bind(run_id).bind(base_id).fetch_optional(pool).await?;
            row.as_ref().map(result_from_row).transpose()
        })
    }

    /// The scorecard parts of one base's result in a run.
    pub async fn result_details(&self, run_id: i64, base_id: i64) -> Result<Option<ResultDetails>> {
        on_pool!(self, pool => {
            let row = sqlx::query("SELECT base_id, dimension_scores, contributions, details FROM evaluation_result_details WHERE run_id = $1 AND base_id = $2")
                .bind(run_id).bind(base_id).fetch_optional(pool).await?;
            row.as_ref().map(|r| Ok(ResultDetails {
                base_id: r.int("base_id")?,
                dimension_scores: r.text("dimension_scores")?,
                contributions: r.text("contributions")?,
                details: r.text("details")?,
            })).transpose()
        })
    }

    /// Every result of a run matching `filter`, fetched in pages of 500.
    pub async fn all_run_results(
        &self,
        run_id: i64,
        filter: &ResultFilter,
    ) -> Result<Vec<ResultRecord>> {
        let mut out = Vec::new();
        let mut offset = 0u32;
        loop {
            let (page, total) = self
                .run_results(run_id, filter, Page { offset, limit: 500 })
                .await?;
            offset += page.len() as u32;
            let done = page.is_empty() || offset as i64 >= total;
            out.extend(page);
            if done {
                return Ok(out);
            }
        }
    }

    /// The frozen inputs of a run.
    pub async fn run_inputs(
        &self,
        run_id: i64,
        base_id: Option<i64>,
    ) -> Result<Vec<(i64, String, Option<f64>)>> {
        let (filter, params) = match base_id {
            Some(b) => ("AND base_id = $2", vec![Param::Int(run_id), Param::Int(b)]),
            None => ("", vec![Param::Int(run_id)]),
        };
        let sql = format!(
            "SELECT base_id, indicator_code, value FROM evaluation_inputs WHERE run_id = $1 {filter} ORDER BY base_id, indicator_code"
        );
        on_pool!(self, pool => {
            let rows = bind_params!(sqlx::query(AssertSqlSafe(sql)), &params).fetch_all(pool).await?;
            rows.iter().map(|r| Ok((r.int("base_id")?, r.text("indicator_code")?, r.opt_float("value")?))).collect()
        })
    }

    /// A base's published results, oldest year first, with their run.
    pub async fn base_published_history(&self, base_id: i64) -> Result<Vec<(i32, ResultRecord)>> {
        let cols: Vec<String> = RESULT_COLUMNS
            .split(", ")
            .map(|c| format!("r.{c}"))
            .collect();
        let sql = format!(
            "SELECT e.year, {} FROM evaluation_results r JOIN evaluation_runs e ON e.id = r.run_id WHERE r.base_id = $1 AND e.status = 'published' ORDER BY e.year",
            cols.join(", ")
        );
        on_pool!(self, pool => {
            let rows = sqlx::query(AssertSqlSafe(sql)).bind(base_id).fetch_all(pool).await?;
            rows.iter().map(|r| Ok((r.int32("year")?, result_from_row(r)?))).collect()
        })
    }

    /// Published `(year, stars, vetoed)` of every base, up to `year`.
    pub async fn published_star_history(
        &self,
        up_to: i32,
    ) -> Result<HashMap<i64, Vec<(i32, i32, bool)>>> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT r.base_id, e.year, r.stars, r.vetoed FROM evaluation_results r JOIN evaluation_runs e ON e.id = r.run_id WHERE e.status = 'published' AND e.year <= $1 AND r.stars IS NOT NULL")
                .bind(up_to).fetch_all(pool).await?;
            let mut out: HashMap<i64, Vec<(i32, i32, bool)>> = HashMap::new();
            for r in &rows {
                out.entry(r.int("base_id")?).or_default().push((r.int32("year")?, r.int32("stars")?, r.boolean("vetoed")?));
            }
            Ok(out)
        })
    }

    /// Headline of the latest published evaluation.
    pub async fn published_headline(&self) -> Result<Option<Headline>> {
        let Some(run) = self.runs(None, false).await?.into_iter().next() else {
            return Ok(None);
        };
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT stars, COUNT(*) AS n FROM evaluation_results WHERE run_id = $1 AND stars IS NOT NULL GROUP BY stars")
                .bind(run.id).fetch_all(pool).await?;
            let mut stars = [0i64; 5];
            let mut bases = 0;
            for r in &rows {
                let s = r.int32("stars")?;
                let n = r.int("n")?;
                if (1..=5).contains(&s) {
                    stars[(s - 1) as usize] = n;
                }
                bases += n;
            }
            Ok(Some(Headline { year: run.year, bases, stars, run_id: run.id }))
        })
    }

    /// Incidents of a year: `(base, kind, date)`.
    pub async fn incidents_in_year(
        &self,
        year: i32,
    ) -> Result<Vec<(i64, IncidentKind, NaiveDate)>> {
        let from = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid date");
        let to = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid date");
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT base_id, kind, occurred_on FROM incidents WHERE occurred_on >= $1 AND occurred_on <= $2 ORDER BY occurred_on")
                .bind(from).bind(to).fetch_all(pool).await?;
            rows.iter().filter_map(|r| {
                let kind = r.text("kind").ok().and_then(|k| IncidentKind::parse(&k))?;
                Some(Ok((r.int("base_id").ok()?, kind, r.date("occurred_on").ok()?)))
            }).collect()
        })
    }

    /// Incidents of a base: `(kind, date, description, synthetic)`.
    pub async fn base_incidents(
        &self,
        base_id: i64,
    ) -> Result<Vec<(String, NaiveDate, String, bool)>> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT kind, occurred_on, description, synthetic FROM incidents WHERE base_id = $1 ORDER BY occurred_on")
                .bind(base_id).fetch_all(pool).await?;
            rows.iter().map(|r| Ok((r.text("kind")?, r.date("occurred_on")?, r.text("description")?, r.boolean("synthetic")?))).collect()
        })
    }

    /// Records an incident.
    pub async fn add_incident(
        &self,
        base_id: i64,
        kind: IncidentKind,
        on: NaiveDate,
        description: &str,
        actor: Option<i64>,
    ) -> Result<()> {
        let now = Utc::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO incidents (base_id, kind, occurred_on, description, synthetic) VALUES ($1, $2, $3, $4, $5)")
                .bind(base_id).bind(kind.code()).bind(on).bind(description).bind(false)
                .execute(&mut *tx).await.map_err(|e| StoreError::from_unique(e, "incident"))?;
            sqlx::query(INSERT_AUDIT).bind(now).bind(actor).bind("create").bind("incident").bind(base_id.to_string())
                .bind(serde_json::json!({"kind": kind.code(), "on": on.to_string()}).to_string())
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Stores proposals; a proposal already made (same base, year, kind and rule) is kept as it
    /// was. Returns how many were new.
    pub async fn insert_proposals(
        &self,
        drafts: &[ProposalDraft],
        run_id: Option<i64>,
    ) -> Result<usize> {
        let now = Utc::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let mut added = 0;
            for p in drafts {
                let n = sqlx::query("INSERT INTO proposals (base_id, run_id, year, kind, rule_code, from_tier, to_tier, deadline, reasons, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10) ON CONFLICT (base_id, year, kind, rule_code) DO NOTHING")
                    .bind(p.base_id).bind(run_id).bind(p.year).bind(p.kind.code()).bind(&p.rule)
                    .bind(p.from_tier.code()).bind(p.to_tier.map(|t| t.code())).bind(p.deadline)
                    .bind(serde_json::to_string(&p.reasons).unwrap_or_else(|_| "[]".into())).bind(now)
                    .execute(&mut *tx).await?.rows_affected();
                added += n as usize;
            }
            tx.commit().await?;
            Ok(added)
        })
    }

    /// A page of proposals with the total, newest first.
    pub async fn proposals(
        &self,
        filter: &ProposalFilter,
        page: Page,
    ) -> Result<(Vec<ProposalRecord>, i64)> {
        let mut c = Conditions::default();
        if let Some(v) = &filter.status {
            c.push("p.status = ?", vec![Param::Text(v.clone())]);
        }
        if let Some(v) = filter.year {
            c.push("p.year = ?", vec![Param::Int32(v)]);
        }
        if let Some(v) = filter.kind {
            c.push("p.kind = ?", vec![Param::Text(v.code().into())]);
        }
        if let Some(v) = filter.base_id {
            c.push("p.base_id = ?", vec![Param::Int(v)]);
        }
        if let Some(v) = &filter.province {
            c.push("b.province_code = ?", vec![Param::Text(v.clone())]);
        }
        let n = c.next_placeholder();
        let sql = format!(
            "SELECT {PROPOSAL_COLUMNS}, COUNT(*) OVER () AS total FROM proposals p JOIN bases b ON b.id = p.base_id {} ORDER BY p.year DESC, CASE p.status WHEN 'pending' THEN 0 ELSE 1 END, p.id LIMIT ${n} OFFSET ${}",
            c.where_sql(),
            n + 1
        );
        let count = format!(
            "SELECT COUNT(*) FROM proposals p JOIN bases b ON b.id = p.base_id {}",
            c.where_sql()
        );
        on_pool!(self, pool => {
            let rows = bind_params!(sqlx::query(AssertSqlSafe(sql)), &c.params)
                .bind(page.limit.clamp(1, 500) as i64).bind(page.offset as i64)
                .fetch_all(pool).await?;
            let total: i64 = match rows.first() {
                Some(r) => r.int("total")?,
                None if page.offset == 0 => 0,
                None => bind_params!(sqlx::query_scalar(AssertSqlSafe(count)), &c.params).fetch_one(pool).await?,
            };
            Ok((rows.iter().map(proposal_from_row).collect::<Result<Vec<_>>>()?, total))
        })
    }

    /// A proposal.
    pub async fn proposal(&self, id: i64) -> Result<Option<ProposalRecord>> {
        let sql = format!("SELECT {PROPOSAL_COLUMNS} FROM proposals p WHERE p.id = $1");
        on_pool!(self, pool => {
            let row = sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?;
            row.as_ref().map(proposal_from_row).transpose()
        })
    }

    /// Accepts or rejects a pending proposal with a written reason; an accepted promotion or exit
    /// changes the roll in the same transaction, its history entry naming the proposal.
    pub async fn decide_proposal(
        &self,
        id: i64,
        accept: bool,
        reason: &str,
        effect: ProposalEffect,
        on: NaiveDate,
        actor: Option<i64>,
    ) -> Result<ProposalRecord> {
        let p = self.proposal(id).await?.ok_or(StoreError::NotFound {
            entity: "proposal",
            key: id.to_string(),
        })?;
        if p.status != "pending" {
            return Err(StoreError::Conflict(format!(
                "proposal {id} was already {}",
                p.status
            )));
        }
        if reason.trim().is_empty() {
            return Err(StoreError::Invalid(
                "a decision needs a written reason".into(),
            ));
        }
        let base = self.base(p.base_id).await?.ok_or(StoreError::NotFound {
            entity: "base",
            key: p.base_id.to_string(),
        })?;
        let now = Utc::now();
        let status = if accept { "accepted" } else { "rejected" };
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let updated = sqlx::query("UPDATE proposals SET status = $1, decided_by = $2, decided_at = $3, decision_reason = $4 WHERE id = $5 AND status = 'pending'")
                .bind(status).bind(actor).bind(now).bind(reason.trim()).bind(id)
                .execute(&mut *tx).await?.rows_affected();
            if updated != 1 {
                return Err(StoreError::Conflict(format!("proposal {id} was decided meanwhile")));
            }
            let note = format!("{}（第{}号建议）：{}", p.kind.name_zh(), id, reason.trim());
            if accept {
                match &effect {
                    ProposalEffect::Record => {}
                    ProposalEffect::ChangeTier(to) => {
                        sqlx::query("UPDATE bases SET tier = $1, updated_at = $2 WHERE id = $3")
                            .bind(to.code()).bind(now).bind(p.base_id).execute(&mut *tx).await?;
                        if *to == Tier::National {
                            // A new national base is designated by this decision.
                            sqlx::query("UPDATE bases SET designated_on = $1, designated_year = $2, batch = NULL WHERE id = $3")
                                .bind(on).bind(chrono::Datelike::year(&on)).bind(p.base_id).execute(&mut *tx).await?;
                        }
                        sqlx::query(INSERT_TIER_CHANGE)
                            .bind(p.base_id).bind(Some(base.facts.tier.code())).bind(Some(to.code())).bind(on).bind(Some(id)).bind(&note)
                            .execute(&mut *tx).await?;
                    }
                    ProposalEffect::Withdraw => {
                        sqlx::query("UPDATE bases SET status = 'withdrawn', withdrawn_on = $1, withdrawn_reason = $2, updated_at = $3 WHERE id = $4 AND status = 'current'")
                            .bind(on).bind(&note).bind(now).bind(p.base_id).execute(&mut *tx).await?;
                        sqlx::query(INSERT_TIER_CHANGE)
                            .bind(p.base_id).bind(Some(base.facts.tier.code())).bind(None::<String>).bind(on).bind(Some(id)).bind(&note)
                            .execute(&mut *tx).await?;
                    }
                }
            }
            sqlx::query(INSERT_AUDIT).bind(now).bind(actor).bind(if accept { "accept" } else { "reject" }).bind("proposal").bind(id.to_string())
                .bind(serde_json::json!({"base": p.base_id, "kind": p.kind.code(), "reason": reason}).to_string())
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        self.proposal(id).await?.ok_or(StoreError::NotFound {
            entity: "proposal",
            key: id.to_string(),
        })
    }

    /// Accepted rectifications, the latest per base: `base → deadline`.
    pub async fn accepted_rectifications(&self) -> Result<HashMap<i64, NaiveDate>> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT base_id, deadline FROM proposals WHERE kind = 'rectification' AND status = 'accepted' AND deadline IS NOT NULL ORDER BY deadline")
                .fetch_all(pool).await?;
            let mut out = HashMap::new();
            for r in &rows {
                out.insert(r.int("base_id")?, r.date("deadline")?);
            }
            Ok(out)
        })
    }

    /// A setting.
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        on_pool!(self, pool => {
            Ok(sqlx::query_scalar("SELECT value FROM settings WHERE key = $1").bind(key).fetch_optional(pool).await?)
        })
    }

    /// Stores a setting.
    pub async fn set_setting(&self, key: &str, value: &str, actor: Option<i64>) -> Result<()> {
        let now = Utc::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .bind(key).bind(value).execute(&mut *tx).await?;
            sqlx::query(INSERT_AUDIT).bind(now).bind(actor).bind("set").bind("setting").bind(key).bind("{}")
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }
}
