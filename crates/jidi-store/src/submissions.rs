//! Submissions waiting for review: a base's upload is kept apart from the accepted values until
//! its province (or the ministry) accepts it (through [`Store::accept_values`] with the
//! submission's id) or returns it with a comment.

use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::collection::{AcceptedWarning, Frequency};
use crate::error::{Result, StoreError};
use crate::roll::INSERT_AUDIT;
use crate::row::{Conditions, Param, Row, bind_params, push_where, value_rows};
use crate::store::{Store, on_pool};

const MAX_PARAMS: usize = 960;

/// A submission's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubmissionStatus {
    /// Waiting for review.
    Submitted,
    /// Accepted: its values are the accepted ones (batch `batch_id`).
    Accepted,
    /// Returned to the reporter with a comment.
    Returned,
}

impl SubmissionStatus {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            SubmissionStatus::Submitted => "submitted",
            SubmissionStatus::Accepted => "accepted",
            SubmissionStatus::Returned => "returned",
        }
    }

    /// From the stored code.
    pub fn parse(code: &str) -> Option<SubmissionStatus> {
        match code {
            "submitted" => Some(SubmissionStatus::Submitted),
            "accepted" => Some(SubmissionStatus::Accepted),
            "returned" => Some(SubmissionStatus::Returned),
            _ => None,
        }
    }
}

/// A value of a submission, in the catalogue's unit and as reported.
#[derive(Clone, Debug, PartialEq)]
pub struct SubmittedValue {
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
    /// As reported.
    pub reported_value: f64,
    /// Unit reported.
    pub reported_unit: String,
}

/// A new submission.
#[derive(Clone, Debug, PartialEq)]
pub struct NewSubmission {
    /// The reporter.
    pub user_id: Option<i64>,
    /// The reporting base (a base user's own).
    pub base_id: Option<i64>,
    /// The province that reviews it.
    pub province_code: String,
    /// `api`, `web`, `xlsx`.
    pub source: &'static str,
    /// File name.
    pub file_name: String,
    /// SHA-256 of the file, hex.
    pub file_sha256: String,
    /// Data rows read.
    pub rows_read: usize,
    /// Why (a correction's reason).
    pub reason: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A reviewer's comment on one field (indicator and period) of a returned submission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldComment {
    /// Indicator code.
    pub indicator: String,
    /// `YYYY` or `YYYYMM`.
    pub period: i32,
    /// What to check or correct.
    pub comment: String,
}

/// A stored submission.
#[derive(Clone, Debug, PartialEq)]
pub struct SubmissionRecord {
    /// Id.
    pub id: i64,
    /// When submitted.
    pub at: DateTime<Utc>,
    /// Reporter.
    pub user_id: Option<i64>,
    /// Reporting base.
    pub base_id: Option<i64>,
    /// Reviewing province.
    pub province_code: String,
    /// Status.
    pub status: SubmissionStatus,
    /// File name.
    pub file_name: String,
    /// Rows read.
    pub rows_read: i64,
    /// Reporter's reason.
    pub reason: String,
    /// Reviewer.
    pub reviewed_by: Option<i64>,
    /// When reviewed.
    pub reviewed_at: Option<DateTime<Utc>>,
    /// Reviewer's comment.
    pub review_comment: String,
    /// The accepted batch.
    pub batch_id: Option<i64>,
    /// Number of values.
    pub values: i64,
}

/// Which submissions to list.
#[derive(Clone, Debug, Default)]
pub struct SubmissionFilter {
    /// Of one province.
    pub province_code: Option<String>,
    /// Of one base.
    pub base_id: Option<i64>,
    /// In one status.
    pub status: Option<SubmissionStatus>,
}

fn submission_conditions(filter: &SubmissionFilter) -> Conditions {
    let mut c = Conditions::default();
    if let Some(p) = &filter.province_code {
        c.push("s.province_code = ?", vec![Param::Text(p.clone())]);
    }
    if let Some(b) = filter.base_id {
        c.push("s.base_id = ?", vec![Param::Int(b)]);
    }
    if let Some(st) = filter.status {
        c.push("s.status = ?", vec![Param::Text(st.code().into())]);
    }
    c
}

const COLUMNS: &str = "s.id, s.at, s.user_id, s.base_id, s.province_code, s.status, s.file_name, s.rows_read, s.reason, s.reviewed_by, s.reviewed_at, s.review_comment, s.batch_id, (SELECT COUNT(*) FROM submission_values v WHERE v.submission_id = s.id) AS n_values";

fn record(r: &impl Row) -> Result<SubmissionRecord> {
    let status = r.text("status")?;
    Ok(SubmissionRecord {
        id: r.int("id")?,
        at: r.timestamp("at")?,
        user_id: r.opt_int("user_id")?,
        base_id: r.opt_int("base_id")?,
        province_code: r.text("province_code")?,
        status: SubmissionStatus::parse(&status)
            .ok_or_else(|| StoreError::corrupt("submission status", &status))?,
        file_name: r.text("file_name")?,
        rows_read: r.int("rows_read")?,
        reason: r.text("reason")?,
        reviewed_by: r.opt_int("reviewed_by")?,
        reviewed_at: r.opt_timestamp("reviewed_at")?,
        review_comment: r.text("review_comment")?,
        batch_id: r.opt_int("batch_id")?,
        values: r.int("n_values")?,
    })
}

impl Store {
    /// Stores a submission with its values and explained warnings, in one transaction.
    pub async fn submit_values(
        &self,
        s: &NewSubmission,
        values: &[SubmittedValue],
        warnings: &[AcceptedWarning],
    ) -> Result<i64> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query_scalar("INSERT INTO value_submissions (at, user_id, base_id, province_code, status, source, file_name, file_sha256, rows_read, reason) VALUES ($1, $2, $3, $4, 'submitted', $5, $6, $7, $8, $9) RETURNING id")
                .bind(s.at).bind(s.user_id).bind(s.base_id).bind(&s.province_code).bind(s.source)
                .bind(&s.file_name).bind(&s.file_sha256).bind(s.rows_read as i64).bind(&s.reason)
                .fetch_one(&mut *tx).await?;
            for chunk in values.chunks(MAX_PARAMS / 8) {
                let sql = format!("INSERT INTO submission_values (submission_id, frequency, base_id, period, indicator_code, value, reported_value, reported_unit) VALUES {}", value_rows(self.backend(), chunk.len(), 8));
                let mut params = Vec::with_capacity(chunk.len() * 8);
                for v in chunk {
                    params.extend([Param::Int(id), Param::Text(v.frequency.code().into()), Param::Int(v.base_id), Param::Int32(v.period), Param::Text(v.indicator.clone()), Param::Float(v.value), Param::Float(v.reported_value), Param::Text(v.reported_unit.clone())]);
                }
                bind_params!(sqlx::query(AssertSqlSafe(sql)), &params).execute(&mut *tx).await
                    .map_err(|e| StoreError::from_unique(e, "a value appears twice in the submission"))?;
            }
            for chunk in warnings.chunks(MAX_PARAMS / 8) {
                let sql = format!("INSERT INTO submission_warnings (submission_id, frequency, base_id, period, indicator_code, rule, message, explanation) VALUES {}", value_rows(self.backend(), chunk.len(), 8));
                let mut params = Vec::with_capacity(chunk.len() * 8);
                for w in chunk {
                    params.extend([Param::Int(id), Param::Text(w.frequency.code().into()), Param::Int(w.base_id), Param::Int32(w.period), Param::Text(w.indicator.clone()), Param::Text(w.rule.clone()), Param::Text(w.message.clone()), Param::Text(w.explanation.clone())]);
                }
                bind_params!(sqlx::query(AssertSqlSafe(sql)), &params).execute(&mut *tx).await?;
            }
            let answers: std::collections::BTreeSet<(i64, Frequency, i32)> =
                values.iter().map(|v| (v.base_id, v.frequency, v.period)).collect();
            crate::tasks::mark_submitted!(tx, &answers, id, s.at);
            sqlx::query(INSERT_AUDIT)
                .bind(s.at).bind(s.user_id).bind("submit_values").bind("value_submission").bind(id.to_string())
                .bind(serde_json::json!({"file": s.file_name, "sha256": s.file_sha256, "rows": s.rows_read, "values": values.len(), "warnings": warnings.len(), "reason": s.reason}).to_string())
                .execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// One submission.
    pub async fn submission(&self, id: i64) -> Result<Option<SubmissionRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM value_submissions s WHERE s.id = $1");
        on_pool!(self, pool => {
            let row = sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?;
            row.as_ref().map(record).transpose()
        })
    }

    /// How many submissions match `filter`.
    pub async fn submission_count(&self, filter: &SubmissionFilter) -> Result<i64> {
        let c = submission_conditions(filter);
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM value_submissions s");
            push_where!(qb, c);
            Ok(qb.build_query_scalar::<i64>().fetch_one(pool).await?)
        })
    }

    /// Submissions matching `filter`, newest first, at most `limit`.
    pub async fn submissions(
        &self,
        filter: &SubmissionFilter,
        limit: usize,
    ) -> Result<Vec<SubmissionRecord>> {
        let c = submission_conditions(filter);
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new(format!("SELECT {COLUMNS} FROM value_submissions s"));
            push_where!(qb, c);
            qb.push(" ORDER BY s.id DESC LIMIT ").push_bind(limit.min(1000) as i64);
            let rows = qb.build().fetch_all(pool).await?;
            rows.iter().map(record).collect::<Result<Vec<_>>>()
        })
    }

    /// The values of a submission.
    pub async fn submission_values(&self, id: i64) -> Result<Vec<SubmittedValue>> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT frequency, base_id, period, indicator_code, value, reported_value, reported_unit FROM submission_values WHERE submission_id = $1 ORDER BY frequency, period, base_id, indicator_code")
                .bind(id).fetch_all(pool).await?;
            rows.iter().map(|r| {
                let f = r.text("frequency")?;
                Ok(SubmittedValue {
                    frequency: match f.as_str() {
                        "annual" => Frequency::Annual,
                        "monthly" => Frequency::Monthly,
                        _ => return Err(StoreError::corrupt("frequency", &f)),
                    },
                    base_id: r.int("base_id")?,
                    period: r.int32("period")?,
                    indicator: r.text("indicator_code")?,
                    value: r.float("value")?,
                    reported_value: r.float("reported_value")?,
                    reported_unit: r.text("reported_unit")?,
                })
            }).collect::<Result<Vec<_>>>()
        })
    }

    /// The warnings of a submission with their explanations.
    pub async fn submission_warnings(&self, id: i64) -> Result<Vec<AcceptedWarning>> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT frequency, base_id, period, indicator_code, rule, message, explanation FROM submission_warnings WHERE submission_id = $1 ORDER BY base_id, period, indicator_code")
                .bind(id).fetch_all(pool).await?;
            rows.iter().map(|r| {
                let f = r.text("frequency")?;
                Ok(AcceptedWarning {
                    frequency: if f == "monthly" { Frequency::Monthly } else { Frequency::Annual },
                    base_id: r.int("base_id")?,
                    period: r.int32("period")?,
                    indicator: r.text("indicator_code")?,
                    rule: r.text("rule")?,
                    message: r.text("message")?,
                    explanation: r.text("explanation")?,
                })
            }).collect::<Result<Vec<_>>>()
        })
    }

    /// Returns a submission to its reporter with a comment and comments on single fields; only
    /// a submission still waiting.
    pub async fn return_submission(
        &self,
        id: i64,
        reviewer: i64,
        comment: &str,
        fields: &[FieldComment],
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let done = sqlx::query("UPDATE value_submissions SET status = 'returned', reviewed_by = $1, reviewed_at = $2, review_comment = $3 WHERE id = $4 AND status = 'submitted'")
                .bind(reviewer).bind(at).bind(comment).bind(id)
                .execute(&mut *tx).await?.rows_affected();
            if done != 1 {
                return Err(StoreError::Conflict(format!("submission {id} is not waiting for review")));
            }
            crate::tasks::mark_returned!(tx, id);
            for f in fields {
                sqlx::query("INSERT INTO submission_comments (submission_id, indicator_code, period, comment) VALUES ($1, $2, $3, $4)")
                    .bind(id).bind(&f.indicator).bind(f.period).bind(&f.comment)
                    .execute(&mut *tx).await
                    .map_err(|e| StoreError::from_unique(e, "a field is commented twice"))?;
            }
            sqlx::query(INSERT_AUDIT)
                .bind(at).bind(reviewer).bind("return_submission").bind("value_submission").bind(id.to_string())
                .bind(serde_json::json!({"comment": comment, "fields": fields.iter().map(|f| serde_json::json!({"indicator": f.indicator, "period": f.period, "comment": f.comment})).collect::<Vec<_>>()}).to_string())
                .execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// The reviewer's comments on single fields of a returned submission.
    pub async fn submission_comments(&self, id: i64) -> Result<Vec<FieldComment>> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT indicator_code, period, comment FROM submission_comments WHERE submission_id = $1 ORDER BY period, indicator_code")
                .bind(id).fetch_all(pool).await?;
            rows.iter().map(|r| Ok(FieldComment {
                indicator: r.text("indicator_code")?,
                period: r.int32("period")?,
                comment: r.text("comment")?,
            })).collect::<Result<Vec<_>>>()
        })
    }
}
