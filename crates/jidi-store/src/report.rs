//! The aggregates of the annual development report, summed and counted in the database.
//!
//! Every function here takes the *roll year*: the report counts the bases of the national programme
//! (国家级 and 卓越提升) on the roll at 31 December of that year, that is designated by then
//! (or of unknown designation year) and not withdrawn by then, with the tier it had on that day
//! (see [`tier_at`]): the report of a past year regenerated after a promotion still shows the tier
//! of that year. Year-on-year figures sum the *same* bases over both years, so a base designated
//! in the year does not count as growth.
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
    /// The grouping expression for the roll at the end of `year`; fixed text (the year is
    /// printed as digits), never user input.
    fn expr(self, year: i32) -> String {
        match self {
            ReportGroup::Tier => tier_at(year),
            other => other.fixed_expr().to_string(),
        }
    }

    fn fixed_expr(self) -> &'static str {
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

/// A change of tier recorded in the year that enters, moves within or leaves the national
/// programme, with the written reason of the decision behind it when there is one.
#[derive(Clone, Debug, PartialEq)]
pub struct TierMove {
    /// The `tier_changes` row.
    pub id: i64,
    /// Base.
    pub base_id: i64,
    /// Tier code before (`None`: entered the roll).
    pub from_tier: Option<String>,
    /// Tier code after (`None`: left the roll).
    pub to_tier: Option<String>,
    /// Day of the change.
    pub changed_on: NaiveDate,
    /// The decided proposal that made it, if any.
    pub proposal_id: Option<i64>,
    /// The history entry's note (a designation notice, a withdrawal reason).
    pub note: String,
    /// The written reason of that proposal's decision.
    pub decision_reason: Option<String>,
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

/// The tier base `b` had at the end of `year`, from its tier history: the tier of its last change
/// on or before 31 December, else the tier it left at its first change after that day, else (no
/// history) its stored tier. A withdrawal (`to_tier` NULL) keeps the tier it had; whether the base
/// was still on the roll is the status condition's business. The date is a literal of the year's
/// digits, not a bound parameter, so that the same expression can be repeated in `GROUP BY` on
/// PostgreSQL (which compares it to the `DATE` column as a date, SQLite as `YYYY-MM-DD` text).
fn tier_at(year: i32) -> String {
    let end = format!("'{:04}-12-31'", year.clamp(1, 9999));
    format!(
        "COALESCE(\
         (SELECT tc.to_tier FROM tier_changes tc WHERE tc.base_id = b.id AND tc.to_tier IS NOT NULL AND tc.changed_on <= {end} ORDER BY tc.changed_on DESC, tc.id DESC LIMIT 1), \
         (SELECT tc.from_tier FROM tier_changes tc WHERE tc.base_id = b.id AND tc.from_tier IS NOT NULL AND tc.changed_on > {end} ORDER BY tc.changed_on, tc.id LIMIT 1), \
         b.tier)"
    )
}

/// The bases on the roll at the end of `year`; `national` restricts to the national programme
/// (by the tier of that day).
pub(crate) fn on_roll(year: i32, national: bool) -> Conditions {
    let end = NaiveDate::from_ymd_opt(year, 12, 31).expect("a valid year-end");
    let mut c = Conditions::default();
    if national {
        c.push(
            &format!("{} IN ('national', 'excellence')", tier_at(year)),
            vec![],
        );
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
        let expr = group.expr(year);
        on_pool!(self, pool => {
            // Grouped over a derived table: the tier of the day is a correlated subquery, which
            // is not repeated in GROUP BY.
            let mut qb = QueryBuilder::new(format!("SELECT x.k AS k, COUNT(*) AS n FROM (SELECT {expr} AS k FROM bases b"));
            push_where!(qb, c);
            qb.push(") x GROUP BY x.k ORDER BY n DESC, k");
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

    /// The changes of tier dated in `year` (1 January to 31 December) that touch the national
    /// programme (from or to 国家级 or 卓越提升), by day and id: the one record of who entered,
    /// moved within or left the programme (`query:report_tier_moves`).
    pub async fn report_tier_moves(&self, year: i32) -> Result<Vec<TierMove>> {
        let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("a valid year start");
        let last = NaiveDate::from_ymd_opt(year, 12, 31).expect("a valid year-end");
        on_pool!(self, pool => {
            let rows = sqlx::query(
                "SELECT tc.id, tc.base_id, tc.from_tier, tc.to_tier, tc.changed_on, tc.proposal_id, tc.note, p.decision_reason \
                 FROM tier_changes tc LEFT JOIN proposals p ON p.id = tc.proposal_id \
                 WHERE tc.changed_on >= $1 AND tc.changed_on <= $2 \
                 AND (tc.from_tier IN ('national', 'excellence') OR tc.to_tier IN ('national', 'excellence')) \
                 ORDER BY tc.changed_on, tc.id",
            )
            .bind(first)
            .bind(last)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(TierMove {
                        id: r.int("id")?,
                        base_id: r.int("base_id")?,
                        from_tier: r.opt_text("from_tier")?,
                        to_tier: r.opt_text("to_tier")?,
                        changed_on: r.date("changed_on")?,
                        proposal_id: r.opt_int("proposal_id")?,
                        note: r.text("note")?,
                        decision_reason: r.opt_text("decision_reason")?,
                    })
                })
                .collect()
        })
    }

    /// Ids of the national bases on the roll at the end of `year` (by the tier of that day), by id.
    pub async fn report_national_ids(&self, year: i32) -> Result<Vec<i64>> {
        let c = on_roll(year, true);
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
        let expr = group.expr(roll_year);
        // Sums of floats depend on the order rows arrive in, which PostgreSQL's plan may change
        // between two runs on the same data (after an ANALYZE); summed as NUMERIC they are exact,
        // so the same data give the same report, byte for byte. SQLite sums in its one order.
        let (select, join) = match weight {
            Some(_) => (
                "CAST(SUM(CAST(v.value * w.value AS NUMERIC)) AS DOUBLE PRECISION) AS s, CAST(SUM(CAST(w.value AS NUMERIC)) AS DOUBLE PRECISION) AS ws",
                " JOIN annual_values w ON w.base_id = v.base_id AND w.year = v.year AND w.indicator_code = ",
            ),
            None => (
                "CAST(SUM(CAST(v.value AS NUMERIC)) AS DOUBLE PRECISION) AS s",
                "",
            ),
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
