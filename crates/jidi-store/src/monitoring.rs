//! Monitoring (C5): the derived monthly series (`monitor_values`) and their aggregates.
//!
//! The derived rows are computed by `jidi-monitor` in the service and replaced here per base.
//! Aggregates are sums in the database: a group's level is Σ over its bases, and a group's growth
//! is Σ now / Σ then over the bases that report both periods (a ratio of sums on a comparable
//! basis). Each derived row carries its own comparison figures, so one scan of one period's rows
//! gives every group's figures without a self-join; lists are paged and counted in the database.

use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::error::{Result, StoreError};
use crate::row::{Conditions, Param, Row, bind_params, push_list, push_where, value_rows};
use crate::store::{Store, on_pool};

/// Columns written per derived row.
const DERIVED_WIDTH: usize = 14;
/// Rows per multi-row statement: 7,000 parameters (PostgreSQL allows 65,535, the bundled SQLite
/// 32,766). With anonymous placeholders on SQLite binding is linear in the width, so wider
/// statements save per-statement work: 161,000 rows took about 1.0 s of statement time in
/// 68-row statements, 0.8 s in 500-row and 0.7 s in 2,000-row ones (SQLite, 2026-11-30).
const DERIVED_CHUNK: usize = 500;
/// The columns of a derived row, in the order they are written.
const DERIVED_COLUMNS: &str = "base_id, period, indicator_code, value, single, span_months, cumulative, single_ly, cumulative_ly, single_pm, yoy, mom, cum_yoy, synthetic";
/// The columns of a derived row that are not its key.
const DERIVED_FIGURES: [&str; 11] = [
    "value",
    "single",
    "span_months",
    "cumulative",
    "single_ly",
    "cumulative_ly",
    "single_pm",
    "yoy",
    "mom",
    "cum_yoy",
    "synthetic",
];

/// Writes derived rows into `monitor_values` where none of their keys exists (a whole rebuild,
/// after its delete): the bulk of the demo build and of a full replay.
trait InsertFresh {
    async fn insert_fresh(&mut self, rows: &[&DerivedPoint]) -> Result<()>;
}

impl InsertFresh for sqlx::SqliteConnection {
    async fn insert_fresh(&mut self, rows: &[&DerivedPoint]) -> Result<()> {
        for chunk in rows.chunks(DERIVED_CHUNK) {
            let sql = format!(
                "INSERT INTO monitor_values ({DERIVED_COLUMNS}) VALUES {}",
                value_rows(crate::store::Backend::Sqlite, chunk.len(), DERIVED_WIDTH)
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for p in chunk {
                q = q
                    .bind(p.base_id)
                    .bind(p.period)
                    .bind(p.indicator.as_str())
                    .bind(p.value)
                    .bind(p.single)
                    .bind(p.span_months)
                    .bind(p.cumulative)
                    .bind(p.single_ly)
                    .bind(p.cumulative_ly)
                    .bind(p.single_pm)
                    .bind(p.yoy)
                    .bind(p.mom)
                    .bind(p.cum_yoy)
                    .bind(p.synthetic);
            }
            q.execute(&mut *self).await?;
        }
        Ok(())
    }
}

impl InsertFresh for sqlx::PgConnection {
    /// `COPY`: 545,000 rows of the demo took 29 s as 500-row upserts with 7,000 parameters each.
    async fn insert_fresh(&mut self, rows: &[&DerivedPoint]) -> Result<()> {
        use std::fmt::Write;
        let mut copy = self
            .copy_in_raw(&format!(
                "COPY monitor_values ({DERIVED_COLUMNS}) FROM STDIN (FORMAT text)"
            ))
            .await?;
        let mut buf = String::with_capacity(256 * 1024);
        for (k, p) in rows.iter().enumerate() {
            let _ = write!(buf, "{}\t{}\t", p.base_id, p.period);
            crate::bulk::copy_text(&mut buf, &p.indicator);
            buf.push('\t');
            crate::bulk::copy_float(&mut buf, Some(p.value));
            buf.push('\t');
            crate::bulk::copy_float(&mut buf, p.single);
            let _ = write!(buf, "\t{}", p.span_months);
            for v in [
                p.cumulative,
                p.single_ly,
                p.cumulative_ly,
                p.single_pm,
                p.yoy,
                p.mom,
                p.cum_yoy,
            ] {
                buf.push('\t');
                crate::bulk::copy_float(&mut buf, v);
            }
            buf.push_str(if p.synthetic { "\tt\n" } else { "\tf\n" });
            if buf.len() >= 240 * 1024 || k + 1 == rows.len() {
                if let Err(e) = copy.send(buf.as_bytes()).await {
                    // The connection must leave COPY mode before it is used again.
                    let _ = copy.abort("monitor values not sent").await;
                    return Err(e.into());
                }
                buf.clear();
            }
        }
        copy.finish().await?;
        Ok(())
    }
}

/// One derived monthly figure of one base.
#[derive(Clone, Debug, PartialEq)]
pub struct DerivedPoint {
    /// Base.
    pub base_id: i64,
    /// Period `YYYYMM`.
    pub period: i32,
    /// Indicator code.
    pub indicator: String,
    /// The value as reported (1–N月 cumulative for flows).
    pub value: f64,
    /// The single month (or the span ending here, `span_months` long) for flows; the value itself
    /// for stocks and counts; none for ratios and growth rates.
    pub single: Option<f64>,
    /// Months covered by `single` (2 for a combined 1–2月).
    pub span_months: i32,
    /// 1–N月 cumulative total (flows only).
    pub cumulative: Option<f64>,
    /// `single` of the same span last year (only when both exist and cover the same months).
    pub single_ly: Option<f64>,
    /// `cumulative` of the same month last year (only when both exist).
    pub cumulative_ly: Option<f64>,
    /// `single` of the previous month (only when both are single months).
    pub single_pm: Option<f64>,
    /// 同比 of `single`, percent.
    pub yoy: Option<f64>,
    /// 环比 of `single`, percent.
    pub mom: Option<f64>,
    /// 累计同比, percent.
    pub cum_yoy: Option<f64>,
    /// Whether it derives from demo data.
    pub synthetic: bool,
}

/// How monitoring figures are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GroupBy {
    /// One group: every base in scope.
    Nation,
    /// By category (装备制造, 原材料, …).
    Category,
    /// By sub-type (the category when a base has none).
    Subcategory,
    /// By province.
    Province,
    /// By macro-region (east, central, west, northeast).
    Region,
}

impl GroupBy {
    /// Stable code, as in URLs.
    pub fn code(self) -> &'static str {
        match self {
            GroupBy::Nation => "nation",
            GroupBy::Category => "category",
            GroupBy::Subcategory => "subcategory",
            GroupBy::Province => "province",
            GroupBy::Region => "region",
        }
    }

    /// Parses [`GroupBy::code`].
    pub fn parse(code: &str) -> Option<GroupBy> {
        [
            GroupBy::Nation,
            GroupBy::Category,
            GroupBy::Subcategory,
            GroupBy::Province,
            GroupBy::Region,
        ]
        .into_iter()
        .find(|g| g.code() == code)
    }

    fn expression(self) -> &'static str {
        match self {
            GroupBy::Nation => "'all'",
            GroupBy::Category => "b.category_code",
            GroupBy::Subcategory => "COALESCE(b.subcategory_code, b.category_code)",
            GroupBy::Province => "b.province_code",
            GroupBy::Region => "b.region",
        }
    }
}

/// Which bases monitoring figures cover.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MonitorFilter {
    /// Only this province's bases.
    pub province_code: Option<String>,
    /// Only this category's bases.
    pub category_code: Option<String>,
    /// Only this base.
    pub base_id: Option<i64>,
}

impl MonitorFilter {
    fn conditions(&self, indicator: &str, period: Option<i32>) -> Conditions {
        let mut c = Conditions::default();
        c.push(
            "mv.indicator_code = ?",
            vec![Param::Text(indicator.to_string())],
        );
        if let Some(p) = period {
            c.push("mv.period = ?", vec![Param::Int32(p)]);
        }
        if let Some(p) = &self.province_code {
            c.push("b.province_code = ?", vec![Param::Text(p.clone())]);
        }
        if let Some(k) = &self.category_code {
            c.push("b.category_code = ?", vec![Param::Text(k.clone())]);
        }
        if let Some(id) = self.base_id {
            c.push("mv.base_id = ?", vec![Param::Int(id)]);
        }
        c
    }
}

/// The sums of one group at one period: levels and the comparable pairs that growth rates are
/// ratios of.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupSums {
    /// Group code (`all` for the nation, else a category, province or region code).
    pub key: String,
    /// Period `YYYYMM` (for a series; the requested period in a cross-section).
    pub period: i32,
    /// Bases reporting the indicator.
    pub n_bases: i64,
    /// Σ single month (or span).
    pub single: f64,
    /// Σ 1–N月 cumulative (flows only; 0 when none).
    pub cumulative: f64,
    /// Σ single over the bases with last year's same span, and Σ of last year's.
    pub yoy_pair: (f64, f64),
    /// Σ cumulative over the bases with last year's cumulative, and Σ of last year's.
    pub cum_yoy_pair: (f64, f64),
    /// Σ single over the bases with a previous single month, and Σ of the previous month's.
    pub mom_pair: (f64, f64),
    /// Bases in the YoY pair (the comparable set).
    pub n_comparable: i64,
    /// Whether any figure derives from demo data.
    pub synthetic: bool,
}

/// One base's derived figure at one period, for ranked lists.
#[derive(Clone, Debug, PartialEq)]
pub struct BaseFigure {
    /// Base.
    pub base_id: i64,
    /// Official name.
    pub name: String,
    /// Province code.
    pub province_code: String,
    /// Category code.
    pub category_code: String,
    /// The derived figure.
    pub point: DerivedPoint,
    /// Open warnings of the base (any rule).
    pub open_warnings: i64,
    /// Highest level among them: 1 blue … 4 red, 0 none.
    pub worst_level: i32,
}

/// How a ranked list of bases is ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaseRank {
    /// By 累计同比 (flows) or 同比, highest first; bases without one last.
    GrowthDesc,
    /// The same, lowest first (the ones shrinking most).
    GrowthAsc,
    /// By level (cumulative, else single), highest first.
    LevelDesc,
}

// `CAST(0 AS DOUBLE PRECISION)`: SQLite types a bare `0` as an integer, which a float column
// refuses to decode when a group has no figure at all (stocks have no 1–N月 total).
const SUMS: &str = "COUNT(*) AS n_bases, COALESCE(SUM(mv.single), CAST(0 AS DOUBLE PRECISION)) AS single, COALESCE(SUM(mv.cumulative), CAST(0 AS DOUBLE PRECISION)) AS cumulative, \
    COALESCE(SUM(CASE WHEN mv.single_ly IS NOT NULL THEN mv.single END), CAST(0 AS DOUBLE PRECISION)) AS yoy_now, COALESCE(SUM(mv.single_ly), CAST(0 AS DOUBLE PRECISION)) AS yoy_base, \
    COALESCE(SUM(CASE WHEN mv.cumulative_ly IS NOT NULL THEN mv.cumulative END), CAST(0 AS DOUBLE PRECISION)) AS cum_now, COALESCE(SUM(mv.cumulative_ly), CAST(0 AS DOUBLE PRECISION)) AS cum_base, \
    COALESCE(SUM(CASE WHEN mv.single_pm IS NOT NULL THEN mv.single END), CAST(0 AS DOUBLE PRECISION)) AS mom_now, COALESCE(SUM(mv.single_pm), CAST(0 AS DOUBLE PRECISION)) AS mom_base, \
    CAST(COALESCE(SUM(CASE WHEN mv.single_ly IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS n_comparable, \
    CAST(COALESCE(MAX(CASE WHEN mv.synthetic THEN 1 ELSE 0 END), 0) AS BIGINT) AS any_synthetic";

const POINT_COLUMNS: &str = "mv.base_id, mv.period, mv.indicator_code, mv.value, mv.single, mv.span_months, mv.cumulative, mv.single_ly, mv.cumulative_ly, mv.single_pm, mv.yoy, mv.mom, mv.cum_yoy, mv.synthetic";

fn group_sums(r: &impl Row, period: Option<i32>) -> Result<GroupSums> {
    Ok(GroupSums {
        key: r.text("group_key")?,
        period: match period {
            Some(p) => p,
            None => r.int32("period")?,
        },
        n_bases: r.int("n_bases")?,
        single: r.float("single")?,
        cumulative: r.float("cumulative")?,
        yoy_pair: (r.float("yoy_now")?, r.float("yoy_base")?),
        cum_yoy_pair: (r.float("cum_now")?, r.float("cum_base")?),
        mom_pair: (r.float("mom_now")?, r.float("mom_base")?),
        n_comparable: r.int("n_comparable")?,
        synthetic: r.int("any_synthetic")? != 0,
    })
}

fn derived_point(r: &impl Row) -> Result<DerivedPoint> {
    let span_months = r.int32("span_months")?;
    if !(1..=12).contains(&span_months) {
        return Err(StoreError::corrupt(
            "monitor_values.span_months",
            &span_months.to_string(),
        ));
    }
    Ok(DerivedPoint {
        base_id: r.int("base_id")?,
        period: r.int32("period")?,
        indicator: r.text("indicator_code")?,
        value: r.float("value")?,
        single: r.opt_float("single")?,
        span_months,
        cumulative: r.opt_float("cumulative")?,
        single_ly: r.opt_float("single_ly")?,
        cumulative_ly: r.opt_float("cumulative_ly")?,
        single_pm: r.opt_float("single_pm")?,
        yoy: r.opt_float("yoy")?,
        mom: r.opt_float("mom")?,
        cum_yoy: r.opt_float("cum_yoy")?,
        synthetic: r.boolean("synthetic")?,
    })
}

/// Advances the data generation (migration 17): the last statement of every transaction that
/// changes the derived table or the warnings, so that the counter's row is locked only while the
/// transaction commits.
pub(crate) const ADVANCE_GENERATION: &str =
    "UPDATE data_generation SET generation = generation + 1 WHERE id = 1";

impl Store {
    /// The data generation: a number that grows with every committed change of what the
    /// monitoring's reads are made of (derived rows, warnings and their acknowledgements, the
    /// roll, account names, warning rules). A read made after seeing generation `g` stays valid
    /// while the generation is still `g`. One primary-key seek.
    pub async fn data_generation(&self) -> Result<i64> {
        on_pool!(self, pool => {
            let g: i64 = sqlx::query_scalar("SELECT generation FROM data_generation WHERE id = 1")
                .fetch_one(pool).await?;
            Ok(g)
        })
    }

    /// Writes derived rows: each row is inserted or, when its figures changed, updated in place
    /// (rows whose figures are unchanged are not rewritten), and the rows at `stale` keys
    /// (`base, period, indicator`: reported periods that no longer derive a row) are deleted.
    /// Updating in place replaced deleting and re-inserting the whole range: a refresh after a
    /// year of every base rewrites about 200,000 rows, and SQLite spent about 0.9 s of CPU on the
    /// delete alone (2026-11-30). Rows are written in key order.
    /// With `whole`, every stored row of those bases is deleted first (a full rebuild).
    pub async fn write_monitor_values(
        &self,
        points: &[DerivedPoint],
        stale: &[(i64, i32, String)],
        whole: Option<&[i64]>,
    ) -> Result<()> {
        let mut stale: Vec<&(i64, i32, String)> = stale.iter().collect();
        stale.sort_unstable();
        let mut sorted: Vec<&DerivedPoint> = points.iter().collect();
        sorted.sort_unstable_by(|a, b| {
            (a.base_id, a.period, &a.indicator).cmp(&(b.base_id, b.period, &b.indicator))
        });
        // Null-safe inequality: `IS NOT` on SQLite, `IS DISTINCT FROM` on PostgreSQL.
        let differs = match self.backend() {
            crate::store::Backend::Sqlite => "IS NOT",
            crate::store::Backend::Postgres => "IS DISTINCT FROM",
        };
        let changed = DERIVED_FIGURES
            .iter()
            .map(|c| format!("monitor_values.{c} {differs} excluded.{c}"))
            .collect::<Vec<_>>()
            .join(" OR ");
        let set = DERIVED_FIGURES
            .iter()
            .map(|c| format!("{c} = excluded.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for chunk in whole.unwrap_or_default().chunks(400) {
                let ids: Vec<Param> = chunk.iter().map(|b| Param::Int(*b)).collect();
                let mut qb = QueryBuilder::new("DELETE FROM monitor_values WHERE base_id IN (");
                push_list!(qb, &ids);
                qb.push(")");
                qb.build().execute(&mut *tx).await?;
            }
            if whole.is_some() {
                // Every row of these bases was just deleted: nothing can conflict, so the rows go
                // in without the upsert's conflict checks (COPY on PostgreSQL).
                tx.insert_fresh(&sorted).await?;
            }
            for chunk in sorted.chunks(DERIVED_CHUNK).filter(|_| whole.is_none()) {
                let sql = format!(
                    "INSERT INTO monitor_values ({DERIVED_COLUMNS}) VALUES {} \
                     ON CONFLICT (base_id, period, indicator_code) DO UPDATE SET {set} WHERE {changed}",
                    value_rows(self.backend(), chunk.len(), DERIVED_WIDTH)
                );
                let mut params = Vec::with_capacity(chunk.len() * DERIVED_WIDTH);
                for p in chunk {
                    params.extend([
                        Param::Int(p.base_id), Param::Int32(p.period), Param::Text(p.indicator.clone()),
                        Param::Float(p.value), Param::OptFloat(p.single), Param::Int32(p.span_months),
                        Param::OptFloat(p.cumulative), Param::OptFloat(p.single_ly), Param::OptFloat(p.cumulative_ly),
                        Param::OptFloat(p.single_pm), Param::OptFloat(p.yoy), Param::OptFloat(p.mom),
                        Param::OptFloat(p.cum_yoy), Param::Bool(p.synthetic),
                    ]);
                }
                bind_params!(sqlx::query(AssertSqlSafe(sql)), &params).execute(&mut *tx).await?;
            }
            // In key order, after the upserts (which also run in key order), so that two
            // refreshes of one category take their row locks in the same order on PostgreSQL.
            for (base_id, period, indicator) in &stale {
                sqlx::query("DELETE FROM monitor_values WHERE base_id = $1 AND period = $2 AND indicator_code = $3")
                    .bind(base_id).bind(period).bind(indicator).execute(&mut *tx).await?;
            }
            sqlx::query(ADVANCE_GENERATION).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Bases that have monthly values, with their category (the peer group of the warning
    /// rules), by id.
    pub async fn monthly_base_categories(&self) -> Result<Vec<(i64, String)>> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT b.id, b.category_code FROM bases b WHERE EXISTS (SELECT 1 FROM monthly_values mv WHERE mv.base_id = b.id) ORDER BY b.id")
                .fetch_all(pool).await?;
            rows.iter().map(|r| Ok((r.int("id")?, r.text("category_code")?))).collect::<Result<Vec<_>>>()
        })
    }

    /// Bases the monitoring refresh replays, with their category: those with monthly values and
    /// those a monthly reporting task asked (a base that never sent a monthly value is judged by
    /// the late-report rule too).
    pub async fn monitored_base_categories(&self) -> Result<Vec<(i64, String)>> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT b.id, b.category_code FROM bases b WHERE EXISTS (SELECT 1 FROM monthly_values mv WHERE mv.base_id = b.id) \
                 OR EXISTS (SELECT 1 FROM task_bases tb JOIN reporting_tasks t ON t.id = tb.task_id WHERE tb.base_id = b.id AND t.frequency = 'monthly') ORDER BY b.id")
                .fetch_all(pool).await?;
            rows.iter().map(|r| Ok((r.int("id")?, r.text("category_code")?))).collect::<Result<Vec<_>>>()
        })
    }

    /// Periods that have derived figures of `indicator`, latest first.
    pub async fn monitor_periods(&self, indicator: &str) -> Result<Vec<i32>> {
        on_pool!(self, pool => {
            // A loose index scan, one seek per period: the table is keyed by (indicator, period,
            // base), and DISTINCT read every base's row of every period (27,000 for one
            // indicator of the demo) on each page view.
            let periods: Vec<i32> = sqlx::query_scalar(
                "WITH RECURSIVE p(period) AS ( \
                   SELECT MAX(period) FROM monitor_values WHERE indicator_code = $1 \
                   UNION ALL \
                   SELECT (SELECT MAX(mv.period) FROM monitor_values mv WHERE mv.indicator_code = $1 AND mv.period < p.period) FROM p WHERE p.period IS NOT NULL) \
                 SELECT period FROM p WHERE period IS NOT NULL ORDER BY period DESC")
                .bind(indicator).fetch_all(pool).await?;
            Ok(periods)
        })
    }

    /// Sums of `indicator` at `period` by group within `filter`, ordered by group code, one page;
    /// and the number of groups.
    pub async fn monitor_groups(
        &self,
        indicator: &str,
        period: i32,
        group: GroupBy,
        filter: &MonitorFilter,
        page: crate::Page,
    ) -> Result<(Vec<GroupSums>, i64)> {
        let c = filter.conditions(indicator, Some(period));
        let key = group.expression();
        // PostgreSQL refuses a constant in GROUP BY and ORDER BY: the nation is one aggregate
        // without them (and no group at all when no base reports).
        let grouped = group != GroupBy::Nation;
        on_pool!(self, pool => {
            let total: i64 = if grouped {
                let mut qb = QueryBuilder::new(format!("SELECT COUNT(DISTINCT {key}) FROM monitor_values mv JOIN bases b ON b.id = mv.base_id"));
                push_where!(qb, c);
                qb.build_query_scalar().fetch_one(pool).await?
            } else {
                1
            };
            let mut qb = QueryBuilder::new(format!("SELECT {key} AS group_key, {SUMS} FROM monitor_values mv JOIN bases b ON b.id = mv.base_id"));
            push_where!(qb, c);
            if grouped {
                qb.push(format!(" GROUP BY {key} ORDER BY {key}"));
            }
            qb.push(" LIMIT ");
            qb.push_bind(page.limit.clamp(1, 500) as i64).push(" OFFSET ").push_bind(page.offset as i64);
            let rows = qb.build().fetch_all(pool).await?;
            let groups = rows.iter().map(|r| group_sums(r, Some(period))).collect::<Result<Vec<_>>>()?;
            let groups: Vec<GroupSums> = groups.into_iter().filter(|g| g.n_bases > 0).collect();
            let total = if grouped { total } else { groups.len() as i64 };
            Ok((groups, total))
        })
    }

    /// Sums of `indicator` within `filter` for every period from `from` on, oldest first: the
    /// group's monthly series.
    pub async fn monitor_group_series(
        &self,
        indicator: &str,
        filter: &MonitorFilter,
        from: i32,
    ) -> Result<Vec<GroupSums>> {
        let c = filter
            .conditions(indicator, None)
            .and("mv.period >= ?", vec![Param::Int32(from)]);
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new(format!("SELECT 'all' AS group_key, mv.period AS period, {SUMS} FROM monitor_values mv JOIN bases b ON b.id = mv.base_id"));
            push_where!(qb, c);
            qb.push(" GROUP BY mv.period ORDER BY mv.period");
            let rows = qb.build().fetch_all(pool).await?;
            rows.iter().map(|r| group_sums(r, None)).collect::<Result<Vec<_>>>()
        })
    }

    /// One page of bases with their figure of `indicator` at `period` within `filter`, ranked,
    /// with their open warnings; and the number of such bases.
    pub async fn monitor_bases(
        &self,
        indicator: &str,
        period: i32,
        filter: &MonitorFilter,
        rank: BaseRank,
        page: crate::Page,
    ) -> Result<(Vec<BaseFigure>, i64)> {
        let c = filter.conditions(indicator, Some(period));
        // The growth a list ranks by: 累计同比 for flows, else 同比.
        let growth = "COALESCE(mv.cum_yoy, mv.yoy)";
        let order = match rank {
            BaseRank::GrowthDesc => format!("({growth} IS NULL), {growth} DESC, mv.base_id"),
            BaseRank::GrowthAsc => format!("({growth} IS NULL), {growth} ASC, mv.base_id"),
            BaseRank::LevelDesc => {
                "COALESCE(mv.cumulative, mv.single, mv.value) DESC, mv.base_id".into()
            }
        };
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM monitor_values mv JOIN bases b ON b.id = mv.base_id");
            push_where!(qb, c);
            let total: i64 = qb.build_query_scalar().fetch_one(pool).await?;
            let mut qb = QueryBuilder::new(format!(
                "SELECT {POINT_COLUMNS}, b.name, b.province_code, b.category_code, \
                 (SELECT COUNT(*) FROM monitor_warnings w WHERE w.base_id = mv.base_id AND w.closed IS NULL) AS open_warnings, \
                 (SELECT COALESCE(MAX(CASE w.level WHEN 'red' THEN 4 WHEN 'orange' THEN 3 WHEN 'yellow' THEN 2 ELSE 1 END), 0) FROM monitor_warnings w WHERE w.base_id = mv.base_id AND w.closed IS NULL) AS worst_level \
                 FROM monitor_values mv JOIN bases b ON b.id = mv.base_id"
            ));
            push_where!(qb, c);
            qb.push(format!(" ORDER BY {order} LIMIT "));
            qb.push_bind(page.limit.clamp(1, 500) as i64).push(" OFFSET ").push_bind(page.offset as i64);
            let rows = qb.build().fetch_all(pool).await?;
            let list = rows.iter().map(|r| Ok(BaseFigure {
                base_id: r.int("base_id")?,
                name: r.text("name")?,
                province_code: r.text("province_code")?,
                category_code: r.text("category_code")?,
                point: derived_point(r)?,
                open_warnings: r.int("open_warnings")?,
                worst_level: r.int32("worst_level")?,
            })).collect::<Result<Vec<_>>>()?;
            Ok((list, total))
        })
    }

    /// One base's derived series of `indicator` from `from` on, oldest first.
    pub async fn monitor_series(
        &self,
        base_id: i64,
        indicator: &str,
        from: i32,
    ) -> Result<Vec<DerivedPoint>> {
        on_pool!(self, pool => {
            let rows = sqlx::query(AssertSqlSafe(format!("SELECT {POINT_COLUMNS} FROM monitor_values mv WHERE mv.base_id = $1 AND mv.indicator_code = $2 AND mv.period >= $3 ORDER BY mv.period")))
                .bind(base_id).bind(indicator).bind(from)
                .fetch_all(pool).await?;
            rows.iter().map(derived_point).collect::<Result<Vec<_>>>()
        })
    }

    /// Number of derived rows.
    pub async fn monitor_value_count(&self) -> Result<i64> {
        on_pool!(self, pool => {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM monitor_values").fetch_one(pool).await?;
            Ok(n)
        })
    }
}
