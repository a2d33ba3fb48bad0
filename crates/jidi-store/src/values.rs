//! Indicator values: annual and monthly facts keyed by base and period.

use sqlx::AssertSqlSafe;

use crate::row::{Param, Row, bind_params};
use crate::{Result, Store, on_pool};

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

fn in_list(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Annual values of one base for the given indicators (all when empty), by indicator and year.
    pub async fn annual_values(
        &self,
        base_id: i64,
        indicators: &[&str],
    ) -> Result<Vec<AnnualPoint>> {
        let mut params = vec![Param::Int(base_id)];
        let filter = if indicators.is_empty() {
            String::new()
        } else {
            params.extend(indicators.iter().map(|c| Param::Text((*c).to_string())));
            format!("AND indicator_code IN ({})", in_list(2, indicators.len()))
        };
        let sql = format!(
            "SELECT base_id, indicator_code, year, value, synthetic FROM annual_values WHERE base_id = $1 {filter} ORDER BY indicator_code, year"
        );
        on_pool!(self, pool => {
            let rows = bind_params!(sqlx::query(AssertSqlSafe(sql)), &params).fetch_all(pool).await?;
            rows.iter().map(|r| Ok(AnnualPoint {
                base_id: r.int("base_id")?,
                indicator: r.text("indicator_code")?,
                year: r.int32("year")?,
                value: r.float("value")?,
                synthetic: r.boolean("synthetic")?,
            })).collect()
        })
    }

    /// Annual values of one year for many bases (an evaluation's inputs), ordered by base.
    pub async fn annual_values_for_year(
        &self,
        year: i32,
        base_ids: &[i64],
    ) -> Result<Vec<AnnualPoint>> {
        let mut out = Vec::new();
        for chunk in base_ids.chunks(400) {
            let mut params = vec![Param::Int32(year)];
            params.extend(chunk.iter().map(|b| Param::Int(*b)));
            let sql = format!(
                "SELECT base_id, indicator_code, year, value, synthetic FROM annual_values WHERE year = $1 AND base_id IN ({}) ORDER BY base_id, indicator_code",
                in_list(2, chunk.len())
            );
            let rows: Vec<AnnualPoint> = on_pool!(self, pool => {
                let rows = bind_params!(sqlx::query(AssertSqlSafe(sql)), &params).fetch_all(pool).await?;
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

    /// Monthly values of one base from `from_period` on, for the given indicators.
    pub async fn monthly_values(
        &self,
        base_id: i64,
        indicators: &[&str],
        from_period: i32,
    ) -> Result<Vec<MonthlyPoint>> {
        let mut params = vec![Param::Int(base_id), Param::Int32(from_period)];
        let filter = if indicators.is_empty() {
            String::new()
        } else {
            params.extend(indicators.iter().map(|c| Param::Text((*c).to_string())));
            format!("AND indicator_code IN ({})", in_list(3, indicators.len()))
        };
        let sql = format!(
            "SELECT base_id, indicator_code, period, value, synthetic FROM monthly_values WHERE base_id = $1 AND period >= $2 {filter} ORDER BY indicator_code, period"
        );
        on_pool!(self, pool => {
            let rows = bind_params!(sqlx::query(AssertSqlSafe(sql)), &params).fetch_all(pool).await?;
            rows.iter().map(|r| Ok(MonthlyPoint {
                base_id: r.int("base_id")?,
                indicator: r.text("indicator_code")?,
                period: r.int32("period")?,
                value: r.float("value")?,
                synthetic: r.boolean("synthetic")?,
            })).collect()
        })
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
