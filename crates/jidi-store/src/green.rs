//! Green and safe (C6): a year's energy by fuel, value added, water and green factories summed
//! by group in the database, and safety incidents counted by kind.
//!
//! A year's energy is the December report of each fuel indicator (1–12月 cumulative, as
//! reported in `monthly_values`); value added, water intensity and green factories are that
//! year's annual values. One statement pivots each base's few rows (one index seek per
//! indicator and period) and sums them by group; no statement reads more than one year.

use chrono::NaiveDate;
use jidi_domain::incident::IncidentKind;
use sqlx::QueryBuilder;

use crate::error::Result;
use crate::row::{Conditions, Param, Row, push_where};
use crate::store::{Store, on_pool};

/// The monthly fuel indicators, in the order of every `[f64; 5]` here: coal (t), oil (t),
/// natural gas (万立方米), electricity (万千瓦时), heat (GJ).
pub const GREEN_FUEL_CODES: [&str; 5] = ["m_coal", "m_oil", "m_gas", "m_elec", "m_heat"];

/// How green figures are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GreenGroup {
    /// One group: every base in the filter.
    Nation,
    /// By category.
    Category,
    /// By province.
    Province,
}

impl GreenGroup {
    fn expression(self) -> &'static str {
        match self {
            GreenGroup::Nation => "'all'",
            GreenGroup::Category => "x.category_code",
            GreenGroup::Province => "x.province_code",
        }
    }
}

/// Which bases green figures cover.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GreenFilter {
    /// Only this province's bases.
    pub province_code: Option<String>,
    /// Only this category's bases.
    pub category_code: Option<String>,
    /// Only this base.
    pub base_id: Option<i64>,
    /// Only the bases of the national programme on the roll at the end of this year (the annual
    /// report's bases, as `report_value_totals` counts them).
    pub national_roll_at: Option<i32>,
}

impl GreenFilter {
    fn conditions(&self) -> Conditions {
        let mut c = Conditions::default();
        c.push(
            "(m.base_id IS NOT NULL OR a.water IS NOT NULL OR a.green IS NOT NULL)",
            vec![],
        );
        if let Some(p) = &self.province_code {
            c.push("b.province_code = ?", vec![Param::Text(p.clone())]);
        }
        if let Some(k) = &self.category_code {
            c.push("b.category_code = ?", vec![Param::Text(k.clone())]);
        }
        if let Some(id) = self.base_id {
            c.push("b.id = ?", vec![Param::Int(id)]);
        }
        if let Some(year) = self.national_roll_at {
            c.extend(crate::report::on_roll(year, true));
        }
        c
    }
}

/// A group's sums for one year.
#[derive(Clone, Debug, PartialEq)]
pub struct GreenSums {
    /// Group code (`all`, a category or a province code).
    pub key: String,
    /// Bases with any green figure of the year (fuels, water or green factories).
    pub n_bases: i64,
    /// Bases reporting at least one fuel in December.
    pub n_energy: i64,
    /// Σ of each fuel's 1–12月 total over those bases, in the indicator's unit.
    pub fuels: [f64; 5],
    /// Σ `m_energy` (万吨标准煤) over the bases reporting a fuel.
    pub energy_reported: f64,
    /// Bases reporting a fuel and a positive value added.
    pub n_with_va: i64,
    /// Σ of each fuel over those bases (the numerators of the intensities).
    pub fuels_with_va: [f64; 5],
    /// Σ value added (亿元) over the same bases.
    pub va_with_energy: f64,
    /// Σ water used (m³): water intensity × value added, over bases with both.
    pub water_m3: f64,
    /// Σ value added (亿元) over those bases.
    pub va_with_water: f64,
    /// Σ green factories.
    pub green_factories: f64,
    /// Bases reporting green factories.
    pub n_green: i64,
    /// Whether any figure is demo data.
    pub synthetic: bool,
}

/// One base's green figures for one year.
#[derive(Clone, Debug, PartialEq)]
pub struct GreenBase {
    /// Base.
    pub base_id: i64,
    /// Official name.
    pub name: String,
    /// Province code.
    pub province_code: String,
    /// Category code.
    pub category_code: String,
    /// Each fuel's 1–12月 total (none when not reported).
    pub fuels: [Option<f64>; 5],
    /// `m_energy`, 万吨标准煤.
    pub energy_reported: Option<f64>,
    /// Value added, 亿元.
    pub va: Option<f64>,
    /// Water intensity as reported, m³ per 万元.
    pub water_int: Option<f64>,
    /// Green factories.
    pub green_factories: Option<f64>,
    /// Demo data.
    pub synthetic: bool,
}

/// The fuel columns of the pivot over `monthly_values`: `MAX(CASE …) AS f0`, ….
fn fuel_columns() -> String {
    GREEN_FUEL_CODES
        .iter()
        .enumerate()
        .map(|(i, code)| {
            format!(", MAX(CASE WHEN indicator_code = '{code}' THEN value END) AS f{i}")
        })
        .collect()
}

/// `'m_coal', 'm_oil', …`.
fn fuel_list() -> String {
    GREEN_FUEL_CODES
        .iter()
        .map(|c| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Appends the per-base pivot of one year within a filter as the subquery `x`: one row per base
/// with any green figure, its December fuel reports `f0`…`f4`, `energy`, and the year's `va`,
/// `water` and `green`.
macro_rules! push_pivot {
    ($qb:expr, $year:expr, $filter:expr) => {{
        $qb.push(
            "(SELECT b.id AS base_id, b.name AS name, b.category_code AS category_code, b.province_code AS province_code, \
             m.f0, m.f1, m.f2, m.f3, m.f4, m.energy, a.va, a.water, a.green, \
             CASE WHEN m.f0 IS NOT NULL OR m.f1 IS NOT NULL OR m.f2 IS NOT NULL OR m.f3 IS NOT NULL OR m.f4 IS NOT NULL THEN 1 ELSE 0 END AS fuel_reported, \
             CASE WHEN COALESCE(m.synthetic, 0) = 1 OR COALESCE(a.synthetic, 0) = 1 THEN 1 ELSE 0 END AS synthetic \
             FROM bases b LEFT JOIN (SELECT base_id",
        );
        $qb.push(fuel_columns());
        $qb.push(
            ", MAX(CASE WHEN indicator_code = 'm_energy' THEN value END) AS energy, MAX(CASE WHEN synthetic THEN 1 ELSE 0 END) AS synthetic \
             FROM monthly_values WHERE period = ",
        );
        $qb.push_bind($year * 100 + 12);
        $qb.push(format!(
            " AND indicator_code IN ({}, 'm_energy') GROUP BY base_id) m ON m.base_id = b.id \
             LEFT JOIN (SELECT base_id, MAX(CASE WHEN indicator_code = 'va_ind' THEN value END) AS va, \
             MAX(CASE WHEN indicator_code = 'water_int' THEN value END) AS water, \
             MAX(CASE WHEN indicator_code = 'green_factory' THEN value END) AS green, \
             MAX(CASE WHEN synthetic THEN 1 ELSE 0 END) AS synthetic \
             FROM annual_values WHERE year = ",
            fuel_list()
        ));
        $qb.push_bind($year);
        $qb.push(
            " AND indicator_code IN ('va_ind', 'water_int', 'green_factory') GROUP BY base_id) a ON a.base_id = b.id",
        );
        let c = $filter.conditions();
        push_where!($qb, c);
        $qb.push(") x");
    }};
}

const ZERO: &str = "CAST(0 AS DOUBLE PRECISION)";

fn sums_columns() -> String {
    let mut s = String::from(
        "COUNT(*) AS n_bases, CAST(COALESCE(SUM(x.fuel_reported), 0) AS BIGINT) AS n_energy",
    );
    for i in 0..5 {
        s.push_str(&format!(
            ", COALESCE(SUM(CASE WHEN x.fuel_reported = 1 THEN x.f{i} END), {ZERO}) AS s{i}"
        ));
        s.push_str(&format!(
            ", COALESCE(SUM(CASE WHEN x.fuel_reported = 1 AND x.va > 0 THEN x.f{i} END), {ZERO}) AS v{i}"
        ));
    }
    s.push_str(&format!(
        ", COALESCE(SUM(CASE WHEN x.fuel_reported = 1 THEN x.energy END), {ZERO}) AS energy_reported, \
         CAST(COALESCE(SUM(CASE WHEN x.fuel_reported = 1 AND x.va > 0 THEN 1 ELSE 0 END), 0) AS BIGINT) AS n_with_va, \
         COALESCE(SUM(CASE WHEN x.fuel_reported = 1 AND x.va > 0 THEN x.va END), {ZERO}) AS va_with_energy, \
         COALESCE(SUM(CASE WHEN x.water IS NOT NULL AND x.va > 0 THEN x.water * x.va * CAST(10000 AS DOUBLE PRECISION) END), {ZERO}) AS water_m3, \
         COALESCE(SUM(CASE WHEN x.water IS NOT NULL AND x.va > 0 THEN x.va END), {ZERO}) AS va_with_water, \
         COALESCE(SUM(x.green), {ZERO}) AS green, \
         CAST(COALESCE(SUM(CASE WHEN x.green IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS n_green, \
         CAST(COALESCE(MAX(x.synthetic), 0) AS BIGINT) AS any_synthetic"
    ));
    s
}

fn green_sums(r: &impl Row) -> Result<GreenSums> {
    let five = |prefix: &str| -> Result<[f64; 5]> {
        let mut out = [0.0; 5];
        for (i, x) in out.iter_mut().enumerate() {
            *x = r.float(&format!("{prefix}{i}"))?;
        }
        Ok(out)
    };
    Ok(GreenSums {
        key: r.text("group_key")?,
        n_bases: r.int("n_bases")?,
        n_energy: r.int("n_energy")?,
        fuels: five("s")?,
        energy_reported: r.float("energy_reported")?,
        n_with_va: r.int("n_with_va")?,
        fuels_with_va: five("v")?,
        va_with_energy: r.float("va_with_energy")?,
        water_m3: r.float("water_m3")?,
        va_with_water: r.float("va_with_water")?,
        green_factories: r.float("green")?,
        n_green: r.int("n_green")?,
        synthetic: r.int("any_synthetic")? != 0,
    })
}

impl Store {
    /// Years with December fuel reports (the years a green view can show), latest first.
    pub async fn green_years(&self) -> Result<Vec<i32>> {
        let fuel_list = fuel_list();
        on_pool!(self, pool => {
            let range: (Option<i32>, Option<i32>) = sqlx::query_as("SELECT MIN(period), MAX(period) FROM monthly_values")
                .fetch_one(pool).await?;
            let (Some(first), Some(last)) = range else { return Ok(Vec::new()) };
            let mut years = Vec::new();
            for year in (first / 100..=last / 100).rev() {
                let sql = format!("SELECT EXISTS (SELECT 1 FROM monthly_values WHERE period = $1 AND indicator_code IN ({fuel_list}))");
                let exists: bool = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(year * 100 + 12).fetch_one(pool).await?;
                if exists {
                    years.push(year);
                }
            }
            Ok(years)
        })
    }

    /// A year's green sums by group within `filter`, ordered by group code (the nation: one
    /// group, or none when no base has a figure).
    pub async fn green_groups(
        &self,
        year: i32,
        group: GreenGroup,
        filter: &GreenFilter,
    ) -> Result<Vec<GreenSums>> {
        let key = group.expression();
        let grouped = group != GreenGroup::Nation;
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new(format!("SELECT {key} AS group_key, {} FROM ", sums_columns()));
            push_pivot!(qb, year, filter);
            if grouped {
                qb.push(format!(" GROUP BY {key} ORDER BY {key}"));
            }
            let rows = qb.build().fetch_all(pool).await?;
            let sums = rows.iter().map(green_sums).collect::<Result<Vec<_>>>()?;
            Ok(sums.into_iter().filter(|g| g.n_bases > 0).collect())
        })
    }

    /// A year's green figures of every base within `filter`, by id.
    pub async fn green_bases(&self, year: i32, filter: &GreenFilter) -> Result<Vec<GreenBase>> {
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new("SELECT x.base_id, x.name, x.province_code, x.category_code, x.f0, x.f1, x.f2, x.f3, x.f4, x.energy, x.va, x.water, x.green, CAST(x.synthetic AS BIGINT) AS synthetic FROM ");
            push_pivot!(qb, year, filter);
            qb.push(" ORDER BY x.base_id");
            let rows = qb.build().fetch_all(pool).await?;
            rows.iter().map(|r| {
                let mut fuels = [None; 5];
                for (i, f) in fuels.iter_mut().enumerate() {
                    *f = r.opt_float(&format!("f{i}"))?;
                }
                Ok(GreenBase {
                    base_id: r.int("base_id")?,
                    name: r.text("name")?,
                    province_code: r.text("province_code")?,
                    category_code: r.text("category_code")?,
                    fuels,
                    energy_reported: r.opt_float("energy")?,
                    va: r.opt_float("va")?,
                    water_int: r.opt_float("water")?,
                    green_factories: r.opt_float("green")?,
                    synthetic: r.int("synthetic")? != 0,
                })
            }).collect()
        })
    }

    /// Incidents of `year` within `filter` by kind: `(kind, count)`, kinds in code order.
    pub async fn incident_counts(
        &self,
        year: i32,
        filter: &GreenFilter,
    ) -> Result<Vec<(IncidentKind, i64)>> {
        let from = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid date");
        let to = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid date");
        let mut c = Conditions::default();
        c.push("i.occurred_on >= ?", vec![Param::Date(from)]);
        c.push("i.occurred_on <= ?", vec![Param::Date(to)]);
        if let Some(p) = &filter.province_code {
            c.push("b.province_code = ?", vec![Param::Text(p.clone())]);
        }
        if let Some(k) = &filter.category_code {
            c.push("b.category_code = ?", vec![Param::Text(k.clone())]);
        }
        if let Some(id) = filter.base_id {
            c.push("b.id = ?", vec![Param::Int(id)]);
        }
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new("SELECT i.kind AS kind, COUNT(*) AS n FROM incidents i JOIN bases b ON b.id = i.base_id");
            push_where!(qb, c);
            qb.push(" GROUP BY i.kind ORDER BY i.kind");
            let rows = qb.build().fetch_all(pool).await?;
            let mut out = Vec::new();
            for r in &rows {
                let kind = r.text("kind")?;
                let Some(kind) = IncidentKind::parse(&kind) else {
                    return Err(crate::error::StoreError::corrupt("incidents.kind", &kind));
                };
                out.push((kind, r.int("n")?));
            }
            Ok(out)
        })
    }
}
