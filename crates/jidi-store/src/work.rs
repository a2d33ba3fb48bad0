//! Aggregates for each role's first screen (its work): counts grouped in the database, and the
//! bases whose stars differ between two runs. Each is one statement over indexed keys (run, base,
//! status), so a first screen costs the same at ten times the roll.

use jidi_domain::rules::ProposalKind;
use sqlx::QueryBuilder;

use crate::error::Result;
use crate::proposals::{ProposalFilter, proposal_conditions};
use crate::row::{Conditions, Param, Row, push_where};
use crate::store::{Store, on_pool};

/// A base whose stars or national rank differ between two runs.
#[derive(Clone, Debug, PartialEq)]
pub struct StarChange {
    /// Base id.
    pub base_id: i64,
    /// Official name.
    pub name: String,
    /// Province code.
    pub province_code: String,
    /// Stars in the earlier run (`None`: not rated there).
    pub stars_before: Option<i32>,
    /// Stars in the later run.
    pub stars_after: Option<i32>,
    /// National rank in the earlier run.
    pub rank_before: Option<f64>,
    /// National rank in the later run.
    pub rank_after: Option<f64>,
}

/// How the stars of the bases rated in both runs moved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StarMoves {
    /// Bases rated in both runs.
    pub compared: i64,
    /// Gained at least one star.
    pub up: i64,
    /// Lost at least one star.
    pub down: i64,
}

/// Which bases [`Store::star_changes`] lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeOrder {
    /// Only bases that lost stars, largest loss first.
    Losses,
    /// Every base whose stars changed, then the largest rank shifts: what a trial changes.
    Largest,
}

impl Store {
    /// Star counts of a run (`[k - 1]` = bases with `k` stars), of one province when given.
    pub async fn run_star_counts(&self, run_id: i64, province: Option<&str>) -> Result<[i64; 5]> {
        let mut c = Conditions::default();
        c.push("run_id = ?", vec![Param::Int(run_id)]);
        c.push("stars IS NOT NULL", vec![]);
        if let Some(p) = province {
            c.push("province_code = ?", vec![Param::Text(p.to_string())]);
        }
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new("SELECT stars, COUNT(*) AS n FROM evaluation_results");
            push_where!(qb, c);
            qb.push(" GROUP BY stars");
            let rows = qb.build().fetch_all(pool).await?;
            let mut out = [0i64; 5];
            for r in &rows {
                let s = r.int32("stars")?;
                if (1..=5).contains(&s) {
                    out[(s - 1) as usize] = r.int("n")?;
                }
            }
            Ok(out)
        })
    }

    /// Bases whose stars (or, for [`ChangeOrder::Largest`], national rank) differ between runs
    /// `before` and `after`, of one province when given, at most `limit`; with the moves of every
    /// base rated in both.
    pub async fn star_changes(
        &self,
        before: i64,
        after: i64,
        province: Option<&str>,
        order: ChangeOrder,
        limit: usize,
    ) -> Result<(Vec<StarChange>, StarMoves)> {
        let mut c = Conditions::default();
        c.push("a.run_id = ?", vec![Param::Int(after)]);
        if let Some(p) = province {
            c.push("a.province_code = ?", vec![Param::Text(p.to_string())]);
        }
        let join = "FROM evaluation_results a JOIN evaluation_results p ON p.base_id = a.base_id AND p.run_id = ";
        on_pool!(self, pool => {
            let mut moves = QueryBuilder::new(format!(
                "SELECT COUNT(*) AS compared, \
                 CAST(COALESCE(SUM(CASE WHEN a.stars > p.stars THEN 1 ELSE 0 END), 0) AS BIGINT) AS up, \
                 CAST(COALESCE(SUM(CASE WHEN a.stars < p.stars THEN 1 ELSE 0 END), 0) AS BIGINT) AS down {join}"
            ));
            moves.push_bind(before);
            moves.push(" AND p.stars IS NOT NULL");
            push_where!(moves, c);
            moves.push(" AND a.stars IS NOT NULL");
            let m = moves.build().fetch_one(pool).await?;
            let totals = StarMoves { compared: m.int("compared")?, up: m.int("up")?, down: m.int("down")? };

            let mut qb = QueryBuilder::new(format!(
                "SELECT a.base_id, b.name, a.province_code, p.stars AS stars_before, a.stars AS stars_after, \
                 p.national_rank AS rank_before, a.national_rank AS rank_after {join}"
            ));
            qb.push_bind(before);
            qb.push(" JOIN bases b ON b.id = a.base_id");
            push_where!(qb, c);
            match order {
                ChangeOrder::Losses => {
                    qb.push(" AND a.stars < p.stars ORDER BY p.stars - a.stars DESC, a.national_rank, a.base_id");
                }
                ChangeOrder::Largest => {
                    qb.push(" AND (a.stars <> p.stars OR a.national_rank <> p.national_rank) \
                              ORDER BY CASE WHEN a.stars <> p.stars THEN 0 ELSE 1 END, \
                              ABS(a.national_rank - p.national_rank) DESC, a.base_id");
                }
            }
            qb.push(" LIMIT ").push_bind(limit.min(1000) as i64);
            let rows = qb.build().fetch_all(pool).await?;
            let list = rows.iter().map(|r| Ok(StarChange {
                base_id: r.int("base_id")?,
                name: r.text("name")?,
                province_code: r.text("province_code")?,
                stars_before: r.opt_int32("stars_before")?,
                stars_after: r.opt_int32("stars_after")?,
                rank_before: r.opt_float("rank_before")?,
                rank_after: r.opt_float("rank_after")?,
            })).collect::<Result<Vec<_>>>()?;
            Ok((list, totals))
        })
    }

    /// Proposals matching `filter`, counted by kind (every kind present, zero when none).
    pub async fn proposal_counts(
        &self,
        filter: &ProposalFilter,
    ) -> Result<Vec<(ProposalKind, i64)>> {
        let c = proposal_conditions(filter);
        let rows: Vec<(String, i64)> = on_pool!(self, pool => {
            let mut qb = QueryBuilder::new("SELECT p.kind, COUNT(*) AS n FROM proposals p JOIN bases b ON b.id = p.base_id");
            push_where!(qb, c);
            qb.push(" GROUP BY p.kind");
            let rows = qb.build().fetch_all(pool).await?;
            rows.iter().map(|r| Ok((r.text("kind")?, r.int("n")?))).collect::<Result<Vec<_>>>()?
        });
        Ok(ProposalKind::BY_SEVERITY
            .iter()
            .map(|k| {
                let n = rows
                    .iter()
                    .find(|(code, _)| code == k.code())
                    .map_or(0, |x| x.1);
                (*k, n)
            })
            .collect())
    }
}
