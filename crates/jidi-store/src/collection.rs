//! Collected values: accepting a checked batch with its revisions and warnings in one transaction,
//! reading the window of current values that the checks compare against, and exporting values in
//! pages.

use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::bulk::{CREATE_BATCH_VALUES, FillBatch};
use crate::error::{Result, StoreError};
use crate::roll::INSERT_AUDIT;
use crate::row::{Param, Row, bind_params, push_list, value_rows};
use crate::store::{Store, on_pool};

/// Rows per multi-row statement: under SQLite's default limit of 999 bound parameters.
const MAX_PARAMS: usize = 960;

/// Annual or monthly facts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Frequency {
    /// `annual_values`, period `YYYY`.
    Annual,
    /// `monthly_values`, period `YYYYMM`.
    Monthly,
}

impl Frequency {
    /// The code stored in `value_revisions.frequency`.
    pub fn code(self) -> &'static str {
        match self {
            Frequency::Annual => "annual",
            Frequency::Monthly => "monthly",
        }
    }

    fn table(self) -> (&'static str, &'static str) {
        match self {
            Frequency::Annual => ("annual_values", "year"),
            Frequency::Monthly => ("monthly_values", "period"),
        }
    }
}

/// A current value with its revision (0: written by a bulk load before revisions were recorded).
#[derive(Clone, Debug, PartialEq)]
pub struct StoredValue {
    /// Base.
    pub base_id: i64,
    /// `YYYY` or `YYYYMM`.
    pub period: i32,
    /// Indicator code.
    pub indicator: String,
    /// Value in the catalogue's unit.
    pub value: f64,
    /// Revision of the value.
    pub revision: i32,
    /// Whether it is demo data.
    pub synthetic: bool,
}

/// The current values of one (base, indicator) in a window, read packed by
/// [`Store::value_window`].
#[derive(Clone, Debug, PartialEq)]
pub struct StoredSeries {
    /// Base.
    pub base_id: i64,
    /// Indicator code.
    pub indicator: String,
    /// `(period, revision, value)` of each stored value, in no particular order.
    pub points: Vec<(i32, i32, f64)>,
}

/// A value to accept: the new revision of one (base, period, indicator).
#[derive(Clone, Debug, PartialEq)]
pub struct AcceptedValue {
    /// Annual or monthly.
    pub frequency: Frequency,
    /// Base.
    pub base_id: i64,
    /// `YYYY` or `YYYYMM`.
    pub period: i32,
    /// Indicator code.
    pub indicator: String,
    /// Value in the catalogue's unit.
    pub value: f64,
    /// The figure as reported, before unit conversion.
    pub reported_value: f64,
    /// The unit it was reported in.
    pub reported_unit: String,
    /// The revision this value becomes: one more than the current one (1 for a new value).
    pub revision: i32,
    /// The current value when it is revision 0 (a bulk load's), so that the history keeps it.
    pub replaces_unrecorded: Option<f64>,
}

/// A warning a batch is accepted with, and its explanation.
#[derive(Clone, Debug, PartialEq)]
pub struct AcceptedWarning {
    /// Annual or monthly.
    pub frequency: Frequency,
    /// Base.
    pub base_id: i64,
    /// `YYYY` or `YYYYMM`.
    pub period: i32,
    /// Indicator code.
    pub indicator: String,
    /// Stable rule name (`jump`, `bad_credit_code`, …).
    pub rule: String,
    /// The warning as shown.
    pub message: String,
    /// The reporter's explanation.
    pub explanation: String,
}

/// Who accepted a batch, from where.
#[derive(Clone, Debug, PartialEq)]
pub struct NewBatch {
    /// The user (none: the command line, which acts as the ministry).
    pub user_id: Option<i64>,
    /// `cli`, `api`, `web` or `xlsx`.
    pub source: &'static str,
    /// File name, when from a file.
    pub file_name: String,
    /// SHA-256 of the file, hex.
    pub file_sha256: String,
    /// Data rows read.
    pub rows_read: usize,
    /// Why (a revision's reason).
    pub reason: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The submission this batch accepts (its status becomes `accepted` in the same
    /// transaction, and only if it is still `submitted`).
    pub submission_id: Option<i64>,
    /// The catalogue version the values were checked against: when another version has been
    /// saved since, the batch is refused with a conflict (checked inside the transaction, with
    /// new versions held off on PostgreSQL until it commits). `None`: not checked (the demo's
    /// bulk load, which writes the catalogue itself).
    pub catalogue_version: Option<i64>,
}

/// A revision of one value, oldest first in [`Store::value_revisions`].
#[derive(Clone, Debug, PartialEq)]
pub struct Revision {
    /// Revision number.
    pub revision: i32,
    /// Value in the catalogue's unit.
    pub value: f64,
    /// As reported.
    pub reported_value: f64,
    /// Unit reported.
    pub reported_unit: String,
    /// The batch that brought it (none for revision 0).
    pub batch_id: Option<i64>,
}

impl Store {
    /// Current `frequency` values with periods in `from..=to`, for `indicators` (all when empty),
    /// ordered by period, indicator and base: what the checks of a batch compare against (last
    /// period, same period last year, the base's own history, the peers). The window is what a
    /// batch touches, never a whole table.
    pub async fn values_between(
        &self,
        frequency: Frequency,
        from: i32,
        to: i32,
        indicators: &[String],
    ) -> Result<Vec<StoredValue>> {
        let (table, period) = frequency.table();
        let codes: Vec<Param> = indicators.iter().map(|c| Param::Text(c.clone())).collect();
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new(format!(
                "SELECT base_id, {period} AS period, indicator_code, value, revision, synthetic FROM {table} WHERE {period} >= "
            ));
            qb.push_bind(from).push(format!(" AND {period} <= ")).push_bind(to);
            if !codes.is_empty() {
                qb.push(" AND indicator_code IN (");
                push_list!(qb, &codes);
                qb.push(")");
            }
            qb.push(format!(" ORDER BY {period}, indicator_code, base_id"));
            let rows = qb.build().fetch_all(pool).await?;
            rows.iter().map(stored_value).collect::<Result<Vec<_>>>()
        })
    }

    /// Current `frequency` values with periods in `from..=to`, packed by series: what an import
    /// of a whole province's or programme's file compares against (100,000 new values read
    /// about 300,000 stored ones). Like [`Store::values_between`] but one row per (base,
    /// indicator) instead of one per value: on SQLite every row crosses from sqlx's worker thread
    /// to the async task as its own message, which cost about a second for such a window. The
    /// database writes each point as `period:revision:value` (17 significant digits on SQLite,
    /// PostgreSQL's shortest exact form), so values read back bit for bit. Series come in no
    /// particular order, nor do their points.
    pub async fn value_window(
        &self,
        frequency: Frequency,
        from: i32,
        to: i32,
    ) -> Result<Vec<StoredSeries>> {
        let (table, period) = frequency.table();
        let value_text = match self.backend() {
            crate::store::Backend::Sqlite => "printf('%!.17g', value)",
            crate::store::Backend::Postgres => "CAST(value AS TEXT)",
        };
        let packed: Vec<(i64, String, String)> = on_pool!(self, pool => {
            let mut qb = QueryBuilder::new(format!(
                "SELECT base_id, indicator_code, string_agg(CAST({period} AS TEXT) || ':' || CAST(revision AS TEXT) || ':' || {value_text}, ',') AS points \
                 FROM {table} WHERE {period} >= "
            ));
            qb.push_bind(from).push(format!(" AND {period} <= ")).push_bind(to);
            qb.push(" GROUP BY base_id, indicator_code");
            let rows = qb.build().fetch_all(pool).await?;
            rows.iter().map(|r| Ok((r.int("base_id")?, r.text("indicator_code")?, r.text("points")?))).collect::<Result<Vec<_>>>()?
        });
        packed
            .into_iter()
            .map(|(base_id, indicator, text)| {
                let points = text
                    .split(',')
                    .map(|point| {
                        let mut parts = point.splitn(3, ':');
                        let parsed = (|| {
                            Some((
                                parts.next()?.parse().ok()?,
                                parts.next()?.parse().ok()?,
                                parts.next()?.parse().ok()?,
                            ))
                        })();
                        parsed.ok_or_else(|| StoreError::corrupt("window point", point))
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok(StoredSeries {
                    base_id,
                    indicator,
                    points,
                })
            })
            .collect()
    }

    /// Current `frequency` values of `bases` only, with periods in `from..=to`, for
    /// `indicators` (all when empty), ordered by period, indicator and base: the bounded window
    /// of one form (the base's own history, its peers' figures), read 400 bases at a time.
    pub async fn values_of_bases(
        &self,
        frequency: Frequency,
        from: i32,
        to: i32,
        bases: &[i64],
        indicators: &[String],
    ) -> Result<Vec<StoredValue>> {
        let (table, period) = frequency.table();
        let codes: Vec<Param> = indicators.iter().map(|c| Param::Text(c.clone())).collect();
        let mut out = Vec::new();
        for chunk in bases.chunks(400) {
            let ids: Vec<Param> = chunk.iter().map(|b| Param::Int(*b)).collect();
            let page = on_pool!(self, pool => {
                let mut qb = QueryBuilder::new(format!(
                    "SELECT base_id, {period} AS period, indicator_code, value, revision, synthetic FROM {table} WHERE base_id IN ("
                ));
                push_list!(qb, &ids);
                qb.push(format!(") AND {period} >= ")).push_bind(from).push(format!(" AND {period} <= ")).push_bind(to);
                if !codes.is_empty() {
                    qb.push(" AND indicator_code IN (");
                    push_list!(qb, &codes);
                    qb.push(")");
                }
                let rows = qb.build().fetch_all(pool).await?;
                rows.iter().map(stored_value).collect::<Result<Vec<_>>>()
            })?;
            out.extend(page);
        }
        out.sort_by(|a, b| {
            (a.period, &a.indicator, a.base_id).cmp(&(b.period, &b.indicator, b.base_id))
        });
        Ok(out)
    }

    /// Accepts a checked batch in one transaction: the batch record, each value's new revision
    /// (current table and history), the warnings with their explanations and an audit entry.
    /// A value whose current revision is no longer the one the batch was checked against (a
    /// concurrent correction) fails the whole batch with a conflict; nothing is written.
    pub async fn accept_values(
        &self,
        batch: &NewBatch,
        values: &[AcceptedValue],
        warnings: &[AcceptedWarning],
    ) -> Result<i64> {
        let mut by_frequency: Vec<(Frequency, Vec<&AcceptedValue>)> = Vec::new();
        for f in [Frequency::Annual, Frequency::Monthly] {
            let of: Vec<&AcceptedValue> = values.iter().filter(|v| v.frequency == f).collect();
            if !of.is_empty() {
                by_frequency.push((f, of));
            }
        }
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let batch_id: i64 = sqlx::query_scalar(
                "INSERT INTO value_batches (at, user_id, source, file_name, file_sha256, rows_read, changed, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(batch.at).bind(batch.user_id).bind(batch.source).bind(&batch.file_name)
            .bind(&batch.file_sha256).bind(batch.rows_read as i64).bind(values.len() as i64).bind(&batch.reason)
            .fetch_one(&mut *tx).await?;
            if let Some(checked) = batch.catalogue_version {
                // After the first write: on SQLite the write lock is held from there on, so no
                // catalogue version can commit in between; PostgreSQL holds new versions off
                // until this transaction ends.
                if self.backend() == crate::store::Backend::Postgres {
                    sqlx::query("LOCK TABLE catalogue_versions IN SHARE MODE").execute(&mut *tx).await?;
                }
                let current: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM catalogue_versions")
                    .fetch_one(&mut *tx).await?;
                if current != Some(checked) {
                    return Err(StoreError::Conflict(format!(
                        "the indicator catalogue changed while the values were checked (version {checked}, now {}): nothing was written, check again",
                        current.map_or_else(|| "none".to_string(), |v| v.to_string())
                    )));
                }
            }

            for (frequency, values) in &by_frequency {
                let (table, period) = frequency.table();
                let code = frequency.code();
                // In key order, so that the writes below walk the primary keys in order.
                let mut sorted = values.clone();
                sorted.sort_unstable_by(|a, b| (a.base_id, a.period, &a.indicator).cmp(&(b.base_id, b.period, &b.indicator)));
                sqlx::query(CREATE_BATCH_VALUES).execute(&mut *tx).await?;
                FillBatch::fill_batch(&mut *tx, &sorted).await?;
                // Revision 0 values are a bulk load's: record them before they are replaced.
                sqlx::query(
                    "INSERT INTO value_revisions (base_id, frequency, period, indicator_code, revision, value, reported_value, reported_unit, batch_id) \
                     SELECT base_id, $1, period, indicator_code, 0, unrecorded, unrecorded, '', NULL FROM batch_values WHERE unrecorded IS NOT NULL",
                )
                .bind(code).execute(&mut *tx).await?;
                // The update applies only where the revision is still the one checked against;
                // fewer rows than sent means someone else changed a value meanwhile. (`WHERE
                // TRUE` keeps SQLite from reading ON CONFLICT as a join's.)
                let done = sqlx::query(AssertSqlSafe(format!(
                    "INSERT INTO {table} (base_id, {period}, indicator_code, value, revision) \
                     SELECT base_id, period, indicator_code, value, revision FROM batch_values WHERE TRUE \
                     ON CONFLICT (base_id, {period}, indicator_code) DO UPDATE SET value = excluded.value, revision = excluded.revision, synthetic = FALSE \
                     WHERE {table}.revision = excluded.revision - 1"
                )))
                .execute(&mut *tx).await
                .map_err(|e| StoreError::from_unique(e, "a value of the batch"))?
                .rows_affected();
                if done != values.len() as u64 {
                    return Err(StoreError::Conflict(format!(
                        "{} of {} values were changed by someone else after they were checked; nothing was written, check again",
                        (values.len() as u64).saturating_sub(done),
                        values.len()
                    )));
                }
                sqlx::query(
                    "INSERT INTO value_revisions (base_id, frequency, period, indicator_code, revision, value, reported_value, reported_unit, batch_id) \
                     SELECT base_id, $1, period, indicator_code, revision, value, reported_value, reported_unit, $2 FROM batch_values",
                )
                .bind(code).bind(batch_id)
                .execute(&mut *tx).await
                .map_err(|e| StoreError::from_unique(e, "a revision of the batch already exists"))?;
                sqlx::query("DROP TABLE batch_values").execute(&mut *tx).await?;
            }

            for chunk in warnings.chunks(MAX_PARAMS / 8) {
                let sql = format!(
                    "INSERT INTO value_warnings (batch_id, base_id, frequency, period, indicator_code, rule, message, explanation) VALUES {}",
                    value_rows(self.backend(), chunk.len(), 8)
                );
                let mut params = Vec::with_capacity(chunk.len() * 8);
                for w in chunk {
                    params.extend([Param::Int(batch_id), Param::Int(w.base_id), Param::Text(w.frequency.code().into()), Param::Int32(w.period), Param::Text(w.indicator.clone()), Param::Text(w.rule.clone()), Param::Text(w.message.clone()), Param::Text(w.explanation.clone())]);
                }
                bind_params!(sqlx::query(AssertSqlSafe(sql)), &params).execute(&mut *tx).await?;
            }

            if let Some(submission) = batch.submission_id {
                let done = sqlx::query("UPDATE value_submissions SET status = 'accepted', batch_id = $1, reviewed_by = $2, reviewed_at = $3, review_comment = $4 WHERE id = $5 AND status = 'submitted'")
                    .bind(batch_id).bind(batch.user_id).bind(batch.at).bind(&batch.reason).bind(submission)
                    .execute(&mut *tx).await?.rows_affected();
                if done != 1 {
                    return Err(StoreError::Conflict(format!("submission {submission} is no longer waiting for review")));
                }
            }
            let answers: std::collections::BTreeSet<(i64, Frequency, i32)> =
                values.iter().map(|v| (v.base_id, v.frequency, v.period)).collect();
            crate::tasks::mark_accepted!(tx, &answers, batch.submission_id, batch.at);
            if let Some(submission) = batch.submission_id {
                // A submission whose values were all unchanged still answers its tasks.
                sqlx::query("UPDATE task_bases SET status = 'accepted', accepted_at = $1 WHERE submission_id = $2")
                    .bind(batch.at).bind(submission).execute(&mut *tx).await?;
            }
            sqlx::query(INSERT_AUDIT)
                .bind(batch.at).bind(batch.user_id).bind("accept_values").bind("value_batch").bind(batch_id.to_string())
                .bind(serde_json::json!({
                    "source": batch.source,
                    "file": batch.file_name,
                    "sha256": batch.file_sha256,
                    "frequencies": by_frequency.iter().map(|(f, v)| (f.code(), v.len())).collect::<std::collections::BTreeMap<_, _>>(),
                    "rows": batch.rows_read,
                    "changed": values.len(),
                    "warnings": warnings.len(),
                    "reason": batch.reason,
                    "submission": batch.submission_id,
                }).to_string())
                .execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(batch_id)
        })
    }

    /// Number of accepted batches. Batches are never deleted, so a count that grew by more than
    /// one's own batches means someone else's batch was committed in between.
    pub async fn value_batch_count(&self) -> Result<i64> {
        on_pool!(self, pool => {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM value_batches").fetch_one(pool).await?;
            Ok(n)
        })
    }

    /// Every revision of one value, oldest first.
    pub async fn value_revisions(
        &self,
        frequency: Frequency,
        base_id: i64,
        period: i32,
        indicator: &str,
    ) -> Result<Vec<Revision>> {
        on_pool!(self, pool => {
            let rows = sqlx::query(
                "SELECT revision, value, reported_value, reported_unit, batch_id FROM value_revisions \
                 WHERE base_id = $1 AND frequency = $2 AND period = $3 AND indicator_code = $4 ORDER BY revision",
            )
            .bind(base_id).bind(frequency.code()).bind(period).bind(indicator)
            .fetch_all(pool).await?;
            rows.iter().map(|r| Ok(Revision {
                revision: r.int32("revision")?,
                value: r.float("value")?,
                reported_value: r.float("reported_value")?,
                reported_unit: r.text("reported_unit")?,
                batch_id: r.opt_int("batch_id")?,
            })).collect::<Result<Vec<_>>>()
        })
    }

    /// The revision of each input a run read (`None`: loaded without one, or changed meanwhile).
    pub async fn run_input_revisions(
        &self,
        run_id: i64,
    ) -> Result<Vec<(i64, String, Option<i32>)>> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT base_id, indicator_code, revision FROM evaluation_inputs WHERE run_id = $1 ORDER BY base_id, indicator_code")
                .bind(run_id).fetch_all(pool).await?;
            rows.iter().map(|r| Ok((r.int("base_id")?, r.text("indicator_code")?, r.opt_int32("revision")?))).collect()
        })
    }

    /// One page of current values for export, in `(period, base, indicator)` order after `after`
    /// (keyset paging, so that a large export never holds more than a page).
    pub async fn export_values_page(
        &self,
        frequency: Frequency,
        periods: (i32, i32),
        base_id: Option<i64>,
        province_code: Option<&str>,
        after: Option<&(i32, i64, String)>,
        limit: usize,
    ) -> Result<Vec<StoredValue>> {
        let (table, period) = frequency.table();
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new(format!(
                "SELECT base_id, {period} AS period, indicator_code, value, revision, synthetic FROM {table} WHERE {period} >= "
            ));
            qb.push_bind(periods.0).push(format!(" AND {period} <= ")).push_bind(periods.1);
            if let Some(b) = base_id {
                qb.push(" AND base_id = ").push_bind(b);
            }
            if let Some(code) = province_code {
                qb.push(" AND base_id IN (SELECT id FROM bases WHERE province_code = ").push_bind(code.to_string()).push(")");
            }
            if let Some((p, b, i)) = after {
                qb.push(format!(" AND ({period} > ")).push_bind(*p)
                    .push(format!(" OR ({period} = ")).push_bind(*p)
                    .push(" AND (base_id > ").push_bind(*b)
                    .push(" OR (base_id = ").push_bind(*b)
                    .push(" AND indicator_code > ").push_bind(i.clone())
                    .push("))))");
            }
            qb.push(format!(" ORDER BY {period}, base_id, indicator_code LIMIT ")).push_bind(limit as i64);
            let rows = qb.build().fetch_all(pool).await?;
            rows.iter().map(stored_value).collect::<Result<Vec<_>>>()
        })
    }
}

fn stored_value(r: &impl Row) -> Result<StoredValue> {
    Ok(StoredValue {
        base_id: r.int("base_id")?,
        period: r.int32("period")?,
        indicator: r.text("indicator_code")?,
        value: r.float("value")?,
        revision: r.int32("revision")?,
        synthetic: r.boolean("synthetic")?,
    })
}
