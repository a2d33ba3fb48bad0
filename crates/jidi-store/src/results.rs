//! The results of runs: pages of result rows, one base's scorecard details, the frozen inputs, and
//! the published history that later years and the rules read.

use std::collections::HashMap;

use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::error::Result;
use crate::roll::Page;
use jidi_domain::evaluation::{Contribution, DimensionScore, ResultExplanation};

use crate::row::{Conditions, Param, Row, push_where, to_json};
use crate::store::{Store, on_pool};

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
    /// Score within the peer group.
    pub score: Option<f64>,
    /// Score on the common normalisation across all bases (runs before it existed: `None`).
    pub national_score: Option<f64>,
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
    /// Probabilities of one to five stars.
    pub star_probabilities: Option<[f64; 5]>,
}

/// The scorecard parts of a result (read one base at a time, never with a results page).
#[derive(Clone, Debug, PartialEq)]
pub struct ResultDetails {
    /// Base.
    pub base_id: i64,
    /// Dimension scores with their group's median and best.
    pub dimension_scores: Vec<DimensionScore>,
    /// Indicator contributions.
    pub contributions: Vec<Contribution>,
    /// The next star and the change from last year.
    pub explanation: ResultExplanation,
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

/// Stored order of a result row; [`RESULT_PARAMS`] values each.
pub(crate) const RESULT_COLUMNS: &str = "run_id, base_id, category_code, province_code, score, national_rank, category_rank, stars, stars_before_veto, vetoed, veto_reason, rank_median, rank_p05, rank_p95, category_rank_p05, category_rank_p95, star_probabilities, national_score";

/// Values per result row.
pub(crate) const RESULT_PARAMS: usize = 18;

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
        star_probabilities: r.opt_json("star_probabilities")?,
        national_score: r.opt_float("national_score")?,
    })
}

pub(crate) fn result_params(run_id: i64, r: &ResultRecord) -> Vec<Param> {
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
        Param::OptText(r.star_probabilities.as_ref().map(to_json)),
        Param::OptFloat(r.national_score),
    ]
}

/// A base's published results (its profile and timeline), after `prefix` (see
/// [`crate::roll::roll_page_statements`]).
pub(crate) fn base_history_sql(prefix: &str) -> String {
    let cols: Vec<String> = RESULT_COLUMNS
        .split(", ")
        .map(|c| format!("r.{c}"))
        .collect();
    format!(
        "{prefix}SELECT e.year, {} FROM evaluation_results r JOIN evaluation_runs e ON e.id = r.run_id WHERE r.base_id = $1 AND e.status = 'published' ORDER BY e.year",
        cols.join(", ")
    )
}

impl ResultFilter {
    /// Whether `r` passes the filter: the same test as the statements' conditions
    /// ([`result_conditions`]), for rows already read.
    pub fn matches(&self, r: &ResultRecord) -> bool {
        self.category.as_ref().is_none_or(|c| *c == r.category_code)
            && self.province.as_ref().is_none_or(|p| *p == r.province_code)
            && self.stars.is_none_or(|s| r.stars == Some(s))
            && self
                .base_ids
                .as_ref()
                .is_none_or(|ids| ids.contains(&r.base_id))
    }
}

/// The conditions of a page of a run's results.
pub(crate) fn result_conditions(run_id: i64, filter: &ResultFilter) -> Conditions {
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
    c
}

/// The two statements of a page of results (the count, the page), each after `$prefix` (see
/// [`crate::roll::roll_page_statements`]). Only the narrow columns: the scorecard's JSON lives in
/// `evaluation_result_details` and is read for one base at a time.
macro_rules! results_page_statements {
    ($prefix:expr, $c:expr, $limit:expr, $offset:expr) => {{
        let mut count = QueryBuilder::new(format!(
            "{}SELECT COUNT(*) FROM evaluation_results",
            $prefix
        ));
        push_where!(count, $c);
        let mut qb = QueryBuilder::new(format!(
            "{}SELECT {} FROM evaluation_results",
            $prefix,
            $crate::results::RESULT_COLUMNS
        ));
        push_where!(qb, $c);
        qb.push(" ORDER BY national_rank, base_id LIMIT ")
            .push_bind($limit)
            .push(" OFFSET ")
            .push_bind($offset);
        (count, qb)
    }};
}
pub(crate) use results_page_statements;

impl Store {
    /// A page of a run's results by national rank, with the total.
    pub async fn run_results(
        &self,
        run_id: i64,
        filter: &ResultFilter,
        page: Page,
    ) -> Result<(Vec<ResultRecord>, i64)> {
        let c = result_conditions(run_id, filter);
        let limit = page.limit.clamp(1, 2000) as i64;
        let offset = page.offset as i64;
        on_pool!(self, pool => {
            let (mut count, mut qb) = results_page_statements!("", c, limit, offset);
            let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
            let rows = qb.build().fetch_all(pool).await?;
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
                dimension_scores: r.json("dimension_scores")?,
                contributions: r.json("contributions")?,
                explanation: r.json("details")?,
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
        let mut c = Conditions::default();
        c.push("run_id = ?", vec![Param::Int(run_id)]);
        if let Some(b) = base_id {
            c.push("base_id = ?", vec![Param::Int(b)]);
        }
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new("SELECT base_id, indicator_code, value FROM evaluation_inputs");
            push_where!(qb, c);
            qb.push(" ORDER BY base_id, indicator_code");
            let rows = qb.build().fetch_all(pool).await?;
            rows.iter().map(|r| Ok((r.int("base_id")?, r.text("indicator_code")?, r.opt_float("value")?))).collect()
        })
    }

    /// A base's published results, oldest year first, with their run.
    pub async fn base_published_history(&self, base_id: i64) -> Result<Vec<(i32, ResultRecord)>> {
        let sql = base_history_sql("");
        on_pool!(self, pool => {
            let rows = sqlx::query(AssertSqlSafe(sql)).bind(base_id).fetch_all(pool).await?;
            rows.iter().map(|r| Ok((r.int32("year")?, result_from_row(r)?))).collect()
        })
    }

    /// Published `(year, stars, vetoed)` of every base, up to `year`; with `pending`, that run's
    /// results count as published (the history the rules see while it is being published).
    pub async fn published_star_history(
        &self,
        up_to: i32,
        pending: Option<i64>,
    ) -> Result<HashMap<i64, Vec<(i32, i32, bool)>>> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT r.base_id, e.year, r.stars, r.vetoed FROM evaluation_results r JOIN evaluation_runs e ON e.id = r.run_id WHERE (e.status = 'published' OR e.id = $2) AND e.year <= $1 AND r.stars IS NOT NULL")
                .bind(up_to).bind(pending.unwrap_or(-1)).fetch_all(pool).await?;
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
}
