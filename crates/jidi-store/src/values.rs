//! Indicator values: annual and monthly facts keyed by base and period.

use sqlx::QueryBuilder;

use crate::error::{Result, StoreError};
use crate::row::{Conditions, Param, Row, push_list, push_where};
use crate::store::{Store, on_pool};

/// One annual value.
#[derive(Clone, Debug, PartialEq)]
pub struct AnnualPoint {
    /// Base.
    pub base_id: i64,
    /// Indicator code.
    pub indicator: String,
    /// Year.
    pub year: i32,
    /// Value in the indicator's unit.
    pub value: f64,
    /// Whether it is demo data.
    pub synthetic: bool,
}

/// One monthly value (as reported: year-to-date for cumulative indicators).
#[derive(Clone, Debug, PartialEq)]
pub struct MonthlyPoint {
    /// Base.
    pub base_id: i64,
    /// Indicator code.
    pub indicator: String,
    /// Period `YYYYMM`.
    pub period: i32,
    /// Value.
    pub value: f64,
    /// Whether it is demo data.
    pub synthetic: bool,
}

impl Store {
    /// Annual values of one base for the given indicators (all when empty), by indicator and year.
    pub async fn annual_values(
        &self,
        base_id: i64,
        indicators: &[&str],
    ) -> Result<Vec<AnnualPoint>> {
        let points = self
            .base_series("annual_values", "year", base_id, indicators, None)
            .await?;
        Ok(points
            .into_iter()
            .map(|(indicator, year, value, synthetic)| AnnualPoint {
                base_id,
                indicator,
                year,
                value,
                synthetic,
            })
            .collect())
    }

    /// Annual values of one year for many bases (an evaluation's inputs), ordered by base.
    pub async fn annual_values_for_year(
        &self,
        year: i32,
        base_ids: &[i64],
    ) -> Result<Vec<AnnualPoint>> {
        let mut out = Vec::new();
        for chunk in base_ids.chunks(400) {
            let ids: Vec<Param> = chunk.iter().map(|b| Param::Int(*b)).collect();
            let rows: Vec<AnnualPoint> = on_pool!(self, pool => {
                let mut qb = QueryBuilder::new("SELECT base_id, indicator_code, year, value, synthetic FROM annual_values WHERE year = ");
                qb.push_bind(year).push(" AND base_id IN (");
                push_list!(qb, &ids);
                qb.push(") ORDER BY base_id, indicator_code");
                let rows = qb.build().fetch_all(pool).await?;
                rows.iter().map(|r| Ok(AnnualPoint {
                    base_id: r.int("base_id")?,
                    indicator: r.text("indicator_code")?,
                    year: r.int32("year")?,
                    value: r.float("value")?,
                    synthetic: r.boolean("synthetic")?,
                })).collect::<Result<Vec<_>>>()?
            });
            out.extend(rows);
        }
        Ok(out)
    }

    /// Monthly values of one base from `from_period` on, for the given indicators (all when
    /// empty), by indicator and period.
    pub async fn monthly_values(
        &self,
        base_id: i64,
        indicators: &[&str],
        from_period: i32,
    ) -> Result<Vec<MonthlyPoint>> {
        let points = self
            .base_series(
                "monthly_values",
                "period",
                base_id,
                indicators,
                Some(from_period),
            )
            .await?;
        Ok(points
            .into_iter()
            .map(|(indicator, period, value, synthetic)| MonthlyPoint {
                base_id,
                indicator,
                period,
                value,
                synthetic,
            })
            .collect())
    }

    /// One base's series from `table`, as `(indicator, period, value, synthetic)` ordered by
    /// indicator and period.
    ///
    /// The database packs each indicator's series into one text row (`period:synthetic:value`,
    /// comma-separated, in period order) instead of returning a row per point: on SQLite every
    /// row crosses from sqlx's worker thread to the async task as its own message, with its
    /// values copied and freed one by one. Values are written with 17 significant digits on
    /// SQLite and in PostgreSQL's shortest exact form, so they read back bit for bit (a test
    /// checks this on both backends).
    async fn base_series(
        &self,
        table: &str,
        period_column: &str,
        base_id: i64,
        indicators: &[&str],
        from_period: Option<i32>,
    ) -> Result<Vec<(String, i32, f64, bool)>> {
        let mut c = Conditions::default();
        c.push("base_id = ?", vec![Param::Int(base_id)]);
        if let Some(from) = from_period {
            c.push(&format!("{period_column} >= ?"), vec![Param::Int32(from)]);
        }
        if !indicators.is_empty() {
            c.push_in(
                "indicator_code",
                indicators
                    .iter()
                    .map(|c| Param::Text((*c).to_string()))
                    .collect(),
            );
        }
        let value_text = match self.backend() {
            crate::store::Backend::Sqlite => "printf('%!.17g', value)",
            crate::store::Backend::Postgres => "CAST(value AS TEXT)",
        };
        let packed: Vec<(String, String)> = on_pool!(self, pool => {
            let mut qb = QueryBuilder::new(format!(
                "SELECT indicator_code, string_agg(CAST({period_column} AS TEXT) || ':' || CASE WHEN synthetic THEN '1' ELSE '0' END || ':' || {value_text}, ',' ORDER BY {period_column}) AS points FROM {table}"
            ));
            push_where!(qb, c);
            qb.push(" GROUP BY indicator_code ORDER BY indicator_code");
            let rows = qb.build().fetch_all(pool).await?;
            rows.iter().map(|r| Ok((r.text("indicator_code")?, r.text("points")?))).collect::<Result<Vec<_>>>()?
        });
        let mut out = Vec::new();
        for (indicator, points) in packed {
            for point in points.split(',') {
                let parsed = point.split_once(':').and_then(|(period, rest)| {
                    let (synthetic, value) = rest.split_once(':')?;
                    Some((period.parse().ok()?, value.parse().ok()?, synthetic == "1"))
                });
                let (period, value, synthetic) =
                    parsed.ok_or_else(|| StoreError::corrupt("series point", point))?;
                out.push((indicator.clone(), period, value, synthetic));
            }
        }
        Ok(out)
    }

    /// Years that have annual values.
    pub async fn annual_years(&self) -> Result<Vec<i32>> {
        on_pool!(self, pool => {
            let rows: Vec<i32> = sqlx::query_scalar("SELECT DISTINCT year FROM annual_values ORDER BY year")
                .fetch_all(pool).await?;
            Ok(rows)
        })
    }

    /// Number of annual and monthly values stored.
    pub async fn value_counts(&self) -> Result<(i64, i64)> {
        on_pool!(self, pool => {
            let a: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM annual_values").fetch_one(pool).await?;
            let m: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM monthly_values").fetch_one(pool).await?;
            Ok((a, m))
        })
    }
}
