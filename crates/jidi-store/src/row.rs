//! Typed column access that reads the same way from SQLite and PostgreSQL rows, and the
//! parameters of dynamically built statements.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row as _;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

use serde::de::DeserializeOwned;

use crate::error::{Result, StoreError};
use crate::store::Backend;

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

    /// A JSON column as a typed value; text that does not parse is [`StoreError::Corrupt`].
    fn json<T: DeserializeOwned>(&self, column: &'static str) -> Result<T> {
        let text = self.text(column)?;
        serde_json::from_str(&text).map_err(|_| StoreError::corrupt(column, &text))
    }

    /// A nullable JSON column as a typed value.
    fn opt_json<T: DeserializeOwned>(&self, column: &'static str) -> Result<Option<T>> {
        self.opt_text(column)?
            .map(|text| serde_json::from_str(&text).map_err(|_| StoreError::corrupt(column, &text)))
            .transpose()
    }
}

/// A value as the JSON text stored in a column. Serialising a plain data type cannot fail; a
/// failure would be a bug in the type, so it panics instead of storing something else.
pub(crate) fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("stored values serialise to JSON")
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

/// A `WHERE` clause under construction: each condition is SQL text with `?` where a value goes,
/// and the values. [`push_where!`] hands them to sqlx's `QueryBuilder`, which numbers the
/// placeholders as it binds: no SQL text is ever renumbered after the fact (renumbering by string
/// replacement once rewrote a scope's own placeholder and broke every province user's dashboard on
/// PostgreSQL).
#[derive(Clone, Debug, Default)]
pub(crate) struct Conditions {
    clauses: Vec<Clause>,
}

/// One condition: the text around its values (one more piece than values) and the values.
#[derive(Clone, Debug)]
pub(crate) struct Clause {
    pub pieces: Vec<String>,
    pub params: Vec<Param>,
}

impl Conditions {
    /// Adds every condition of `other`, after these.
    pub fn extend(&mut self, other: Conditions) {
        self.clauses.extend(other.clauses);
    }

    /// Adds a condition where each `?` stands for the next of `params`.
    pub fn push(&mut self, clause: &str, params: Vec<Param>) {
        let pieces: Vec<String> = clause.split('?').map(str::to_string).collect();
        assert_eq!(
            pieces.len(),
            params.len() + 1,
            "a placeholder for every value in {clause:?}"
        );
        self.clauses.push(Clause { pieces, params });
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

    /// These conditions and one more.
    pub fn and(&self, clause: &str, params: Vec<Param>) -> Conditions {
        let mut out = self.clone();
        out.push(clause, params);
        out
    }

    /// The conditions, in order.
    pub fn clauses(&self) -> &[Clause] {
        &self.clauses
    }
}

/// Binds one [`Param`] to a `QueryBuilder` (or its `Separated`) of either backend.
macro_rules! push_param {
    ($qb:expr, $param:expr) => {
        match $param {
            $crate::row::Param::Text(v) => $qb.push_bind(v.clone()),
            $crate::row::Param::OptText(v) => $qb.push_bind(v.clone()),
            $crate::row::Param::Int(v) => $qb.push_bind(*v),
            $crate::row::Param::OptInt(v) => $qb.push_bind(*v),
            $crate::row::Param::Int32(v) => $qb.push_bind(*v),
            $crate::row::Param::OptInt32(v) => $qb.push_bind(*v),
            $crate::row::Param::Float(v) => $qb.push_bind(*v),
            $crate::row::Param::OptFloat(v) => $qb.push_bind(*v),
            $crate::row::Param::Bool(v) => $qb.push_bind(*v),
            $crate::row::Param::Date(v) => $qb.push_bind(*v),
            $crate::row::Param::OptDate(v) => $qb.push_bind(*v),
            $crate::row::Param::Timestamp(v) => $qb.push_bind(*v),
        }
    };
}
pub(crate) use push_param;

/// Appends ` WHERE a AND b …` (nothing when there is no condition) to a `QueryBuilder`.
macro_rules! push_where {
    ($qb:expr, $conditions:expr) => {
        for (i, clause) in $conditions.clauses().iter().enumerate() {
            $qb.push(if i == 0 { " WHERE " } else { " AND " });
            for (k, piece) in clause.pieces.iter().enumerate() {
                $qb.push(piece);
                if let Some(p) = clause.params.get(k) {
                    $crate::row::push_param!($qb, p);
                }
            }
        }
    };
}
pub(crate) use push_where;

/// Appends `v1, v2, …`, binding each of `params` (the inside of `IN (…)`).
macro_rules! push_list {
    ($qb:expr, $params:expr) => {{
        let mut list = $qb.separated(", ");
        for p in $params {
            $crate::row::push_param!(list, p);
        }
    }};
}
pub(crate) use push_list;

/// The placeholders of a multi-row `VALUES`: `rows` rows of `width` parameters, numbered
/// `$1, $2, …` in order on PostgreSQL and bare `?` (the same positions) on SQLite.
///
/// Why not `$n` on SQLite: sqlx binds each SQLite parameter after asking its name
/// (`sqlite3_bind_parameter_name`), which SQLite answers with a linear scan of the statement's
/// named parameters, so binding an n-parameter statement costs O(n²). With 960-parameter
/// statements that was over half of the CPU time of storing 90,000 values (perf, 2026-11-30);
/// anonymous `?` parameters have no names to scan. Statements built with this must use no other
/// placeholders.
pub(crate) fn value_rows(backend: Backend, rows: usize, width: usize) -> String {
    let mut out = String::with_capacity(rows * width * 5);
    let mut n = 1;
    for r in 0..rows {
        out.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..width {
            if c > 0 {
                out.push_str(", ");
            }
            match backend {
                Backend::Sqlite => out.push('?'),
                Backend::Postgres => {
                    out.push('$');
                    out.push_str(&n.to_string());
                }
            }
            n += 1;
        }
        out.push(')');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn conditions_keep_their_values_next_to_their_placeholders() {
        use super::{Conditions, Param};
        let mut c = Conditions::default();
        c.push("(a = ? OR b = ?)", vec![Param::Int(1), Param::Int(2)]);
        c.push_in("p", vec![Param::Text("x".into())]);
        c.push_in("q", vec![]);
        let d = c.and("s = ?", vec![Param::Bool(true)]);
        assert_eq!(c.clauses().len(), 3);
        assert_eq!(d.clauses().len(), 4);
        assert_eq!(d.clauses()[0].pieces, ["(a = ", " OR b = ", ")"]);
        assert_eq!(d.clauses()[1].pieces, ["p IN (", ")"]);
        assert_eq!(d.clauses()[2].pieces, ["1 = 0"]);
        assert_eq!(d.clauses()[3].params.len(), 1);
    }

    #[test]
    fn value_rows_number_every_placeholder() {
        use crate::store::Backend::{Postgres, Sqlite};
        assert_eq!(
            super::value_rows(Postgres, 2, 3),
            "($1, $2, $3), ($4, $5, $6)"
        );
        assert_eq!(super::value_rows(Postgres, 1, 1), "($1)");
        assert_eq!(super::value_rows(Sqlite, 2, 2), "(?, ?), (?, ?)");
    }
}
