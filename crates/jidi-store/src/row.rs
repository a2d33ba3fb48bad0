//! Typed column access that reads the same way from SQLite and PostgreSQL rows, and the
//! parameters of dynamically built statements.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row as _;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

use crate::error::Result;

/// Column access shared by both backends' rows.
pub(crate) trait Row {
    fn text(&self, column: &str) -> Result<String>;
    fn opt_text(&self, column: &str) -> Result<Option<String>>;
    fn int(&self, column: &str) -> Result<i64>;
    fn opt_int(&self, column: &str) -> Result<Option<i64>>;
    fn int32(&self, column: &str) -> Result<i32>;
    fn opt_int32(&self, column: &str) -> Result<Option<i32>>;
    fn float(&self, column: &str) -> Result<f64>;
    fn opt_float(&self, column: &str) -> Result<Option<f64>>;
    fn boolean(&self, column: &str) -> Result<bool>;
    fn date(&self, column: &str) -> Result<NaiveDate>;
    fn opt_date(&self, column: &str) -> Result<Option<NaiveDate>>;
    fn timestamp(&self, column: &str) -> Result<DateTime<Utc>>;
    fn opt_timestamp(&self, column: &str) -> Result<Option<DateTime<Utc>>>;
}

macro_rules! impl_row {
    ($row:ty) => {
        impl Row for $row {
            fn text(&self, c: &str) -> Result<String> {
                Ok(self.try_get(c)?)
            }
            fn opt_text(&self, c: &str) -> Result<Option<String>> {
                Ok(self.try_get(c)?)
            }
            fn int(&self, c: &str) -> Result<i64> {
                Ok(self.try_get(c)?)
            }
            fn opt_int(&self, c: &str) -> Result<Option<i64>> {
                Ok(self.try_get(c)?)
            }
            fn int32(&self, c: &str) -> Result<i32> {
                Ok(self.try_get(c)?)
            }
            fn opt_int32(&self, c: &str) -> Result<Option<i32>> {
                Ok(self.try_get(c)?)
            }
            fn float(&self, c: &str) -> Result<f64> {
                Ok(self.try_get(c)?)
            }
            fn opt_float(&self, c: &str) -> Result<Option<f64>> {
                Ok(self.try_get(c)?)
            }
            fn boolean(&self, c: &str) -> Result<bool> {
                Ok(self.try_get(c)?)
            }
            fn date(&self, c: &str) -> Result<NaiveDate> {
                Ok(self.try_get(c)?)
            }
            fn opt_date(&self, c: &str) -> Result<Option<NaiveDate>> {
                Ok(self.try_get(c)?)
            }
            fn timestamp(&self, c: &str) -> Result<DateTime<Utc>> {
                Ok(self.try_get(c)?)
            }
            fn opt_timestamp(&self, c: &str) -> Result<Option<DateTime<Utc>>> {
                Ok(self.try_get(c)?)
            }
        }
    };
}

impl_row!(SqliteRow);
impl_row!(PgRow);

/// A bind parameter of a statement built at run time.
#[derive(Clone, Debug)]
pub(crate) enum Param {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    OptInt(Option<i64>),
    Int32(i32),
    OptInt32(Option<i32>),
    Float(f64),
    OptFloat(Option<f64>),
    Bool(bool),
    Date(NaiveDate),
    OptDate(Option<NaiveDate>),
    Timestamp(DateTime<Utc>),
}

/// Binds a list of [`Param`]s to a query, whichever backend the query is for.
macro_rules! bind_params {
    ($query:expr, $params:expr) => {{
        let mut q = $query;
        for p in $params {
            q = match p {
                $crate::row::Param::Text(v) => q.bind(v.clone()),
                $crate::row::Param::OptText(v) => q.bind(v.clone()),
                $crate::row::Param::Int(v) => q.bind(*v),
                $crate::row::Param::OptInt(v) => q.bind(*v),
                $crate::row::Param::Int32(v) => q.bind(*v),
                $crate::row::Param::OptInt32(v) => q.bind(*v),
                $crate::row::Param::Float(v) => q.bind(*v),
                $crate::row::Param::OptFloat(v) => q.bind(*v),
                $crate::row::Param::Bool(v) => q.bind(*v),
                $crate::row::Param::Date(v) => q.bind(*v),
                $crate::row::Param::OptDate(v) => q.bind(*v),
                $crate::row::Param::Timestamp(v) => q.bind(*v),
            };
        }
        q
    }};
}
pub(crate) use bind_params;

/// Builds a `WHERE` clause with numbered placeholders.
#[derive(Default)]
pub(crate) struct Conditions {
    pub clauses: Vec<String>,
    pub params: Vec<Param>,
}

impl Conditions {
    /// Adds a clause where `?` stands for the next placeholder(s).
    pub fn push(&mut self, clause: &str, params: Vec<Param>) {
        let mut out = String::with_capacity(clause.len() + 4);
        let mut next = self.params.len();
        for ch in clause.chars() {
            if ch == '?' {
                next += 1;
                out.push_str(&format!("${next}"));
            } else {
                out.push(ch);
            }
        }
        self.clauses.push(out);
        self.params.extend(params);
    }

    /// `WHERE a AND b …`, or nothing.
    pub fn where_sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }

    /// `column IN (…)` over `values`; no row matches an empty list.
    pub fn push_in(&mut self, column: &str, values: Vec<Param>) {
        if values.is_empty() {
            self.push("1 = 0", vec![]);
        } else {
            let marks = vec!["?"; values.len()].join(", ");
            self.push(&format!("{column} IN ({marks})"), values);
        }
    }

    /// The number the next placeholder gets.
    pub fn next_placeholder(&self) -> usize {
        self.params.len() + 1
    }
}

/// `$first, $first+1, …`: `n` numbered placeholders, for `IN (…)` lists.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($1, $2), ($3, $4), …`: the placeholders of `rows` rows of `width` parameters each, for
/// multi-row `INSERT … VALUES` statements.
pub(crate) fn value_rows(rows: usize, width: usize) -> String {
    let mut out = String::with_capacity(rows * width * 5);
    let mut n = 1;
    for r in 0..rows {
        out.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..width {
            if c > 0 {
                out.push_str(", ");
            }
            out.push('$');
            out.push_str(&n.to_string());
            n += 1;
        }
        out.push(')');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_start_where_asked() {
        assert_eq!(super::placeholders(3, 2), "$3, $4");
        assert_eq!(super::placeholders(1, 0), "");
    }

    #[test]
    fn value_rows_number_every_placeholder() {
        assert_eq!(super::value_rows(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(super::value_rows(1, 1), "($1)");
    }
}
