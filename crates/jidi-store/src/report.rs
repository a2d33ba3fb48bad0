//! The aggregates of the annual development report, summed and counted in the database.
//!
//! Every function here takes the *roll year*: the report counts the bases of the national programme
//! (国家级 and 卓越提升) on the roll at 31 December of that year, that is designated by then
//! (or of unknown designation year) and not withdrawn by then. The tier is the base's stored tier:
//! tier changes after the year are not rolled back (the report of a past year regenerated after a
//! promotion shows the promoted tier). Year-on-year figures sum the *same* bases over both years,
//! so a base designated in the year does not count as growth.
//!
//! The names of these queries (`report_roll_counts`, `report_value_totals`, `report_top_values`)
//! are the `query:<name>` provenance of the report's figures.

use chrono::NaiveDate;
use sqlx::QueryBuilder;

use crate::error::Result;
use crate::row::{Conditions, Param, Row, push_where};
use crate::store::{Store, on_pool};

/// How a report aggregate is grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportGroup {
    /// One group, key `all`.
    National,
    /// By tier (counts of all tiers, not only the national programme).
    Tier,
    /// By series (`advantage`, `specialty`, `none`).
    Series,
    /// By category code.
    Category,
    /// By `category/subtype` (`none` for a base without a sub-type).
    Subtype,
    /// By macro-region code.
    Region,
    /// By province code.
    Province,
}

impl ReportGroup {
    /// The grouping expression; fixed text, never user input.
    fn expr(self) -> &'static str {
        match self {
            ReportGroup::National => "'all'",
            ReportGroup::Tier => "b.tier",
            ReportGroup::Series => "COALESCE(b.series, 'none')",
            ReportGroup::Category => "b.category_code",
            ReportGroup::Subtype => {
                "b.category_code || '/' || COALESCE(b.subcategory_code, 'none')"
            }
            ReportGroup::Region => "b.region",
            ReportGroup::Province => "b.province_code",
        }
    }
}

/// A sum of one indicator over a group of bases.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupTotal {
    /// Group key (see [`ReportGroup`]).
    pub key: String,
    /// Bases with a value (and a weight, for a weighted sum).
    pub n_bases: i64,
    /// `SUM(value)`, or `SUM(value * weight)` for a weighted sum.
    pub sum: f64,
    /// `SUM(weight)` of the same rows (0 without a weight).
    pub weight_sum: f64,
}

/// The bases on the roll at the end of `year`; `national` restricts to the national programme.
fn on_roll(year: i32, national: bool) -> Conditions {
    let end = NaiveDate::from_ymd_opt(year, 12, 31).expect("a valid year-end");
    let mut c = Conditions::default();
    if national {
        c.push("b.tier IN ('national', 'excellence')", vec![]);
    }
    c.push(
        "(b.designated_year IS NULL OR b.designated_year <= ?)",
        vec![Param::Int32(year)],
    );
    c.push(
        "(b.status = 'current' OR (b.withdrawn_on IS NOT NULL AND b.withdrawn_on > ?))",
        vec![Param::Date(end)],
    );
    c
}

impl Store {
    /// Bases on the roll at the end of `year` counted by `group`, largest first: the national
    /// programme only, except by [`ReportGroup::Tier`], which counts every tier.
    pub async fn report_roll_counts(
        &self,
        year: i32,
        group: ReportGroup,
    ) -> Result<Vec<(String, i64)>> {
        let c = on_roll(year, group != ReportGroup::Tier);
        let expr = group.expr();
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new(format!("SELECT {expr} AS k, COUNT(*) AS n FROM bases b"));
            push_where!(qb, c);
            if group != ReportGroup::National {
                qb.push(format!(" GROUP BY {expr}"));
            }
            qb.push(" ORDER BY n DESC, k");
            let rows = qb.build().fetch_all(pool).await?;
            rows.iter().map(|r| Ok((r.text("k")?, r.int("n")?))).collect()
        })
    }

    /// Synthetic bases among the national programme on the roll at the end of `year`.
    pub async fn report_synthetic_bases(&self, year: i32) -> Result<i64> {
        let c = on_roll(year, true).and("b.synthetic = ?", vec![Param::Bool(true)]);
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM bases b");
            push_where!(qb, c);
            Ok(qb.build_query_scalar::<i64>().fetch_one(pool).await?)
        })
    }

    /// Ids of the national bases designated in `year`, by id.
    pub async fn report_designated_in(&self, year: i32) -> Result<Vec<i64>> {
        let c = on_roll(year, true).and("b.designated_year = ?", vec![Param::Int32(year)]);
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new("SELECT b.id FROM bases b");
            push_where!(qb, c);
            qb.push(" ORDER BY b.id");
            Ok(qb.build_query_scalar::<i64>().fetch_all(pool).await?)
        })
    }

    /// `indicator`'s annual values of `value_year` summed over the national bases on the roll at
    /// the end of `roll_year`, by `group`. With a `weight` indicator the sum is of
    /// `value * weight` over bases reporting both, and [`GroupTotal::weight_sum`] is the sum of the
    /// weights (a ratio of sums, e.g. revenue-weighted R&D intensity).
    pub async fn report_value_totals(
        &self,
        roll_year: i32,
        value_year: i32,
        indicator: &str,
        weight: Option<&str>,
        group: ReportGroup,
    ) -> Result<Vec<GroupTotal>> {
        let c = on_roll(roll_year, true).and(
            "v.year = ? AND v.indicator_code = ?",
            vec![Param::Int32(value_year), Param::Text(indicator.to_string())],
        );
        let expr = group.expr();
        let (select, join) = match weight {
            Some(_) => (
                "SUM(v.value * w.value) AS s, SUM(w.value) AS ws",
                " JOIN annual_values w ON w.base_id = v.base_id AND w.year = v.year AND w.indicator_code = ",
            ),
            None => ("SUM(v.value) AS s", ""),
        };
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new(format!(
                "SELECT {expr} AS k, COUNT(*) AS n, {select} FROM annual_values v JOIN bases b ON b.id = v.base_id"
            ));
            if let Some(w) = weight {
                qb.push(join);
                qb.push_bind(w.to_string());
            }
            push_where!(qb, c);
            // PostgreSQL refuses a constant in GROUP BY; the national total is one group anyway.
            if group != ReportGroup::National {
                qb.push(format!(" GROUP BY {expr}"));
            }
            qb.push(" ORDER BY k");
            let rows = qb.build().fetch_all(pool).await?;
            rows.iter()
                .map(|r| {
                    Ok(GroupTotal {
                        key: r.text("k")?,
                        n_bases: r.int("n")?,
                        sum: r.opt_float("s")?.unwrap_or(0.0),
                        weight_sum: match weight {
                            Some(_) => r.opt_float("ws")?.unwrap_or(0.0),
                            None => 0.0,
                        },
                    })
                })
                .collect()
        })
    }

    /// The `limit` national bases (on the roll at the end of `year`) with the largest value of
    /// `indicator` in `year`: `(base id, value)`, largest first, ties by id.
    pub async fn report_top_values(
        &self,
        year: i32,
        indicator: &str,
        limit: i64,
    ) -> Result<Vec<(i64, f64)>> {
        let c = on_roll(year, true).and(
            "v.year = ? AND v.indicator_code = ?",
            vec![Param::Int32(year), Param::Text(indicator.to_string())],
        );
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new(
                "SELECT v.base_id AS id, v.value AS x FROM annual_values v JOIN bases b ON b.id = v.base_id",
            );
            push_where!(qb, c);
            qb.push(" ORDER BY v.value DESC, v.base_id LIMIT ");
            qb.push_bind(limit.clamp(0, 1000));
            let rows = qb.build().fetch_all(pool).await?;
            rows.iter().map(|r| Ok((r.int("id")?, r.float("x")?))).collect()
        })
    }
}
