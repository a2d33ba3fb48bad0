//! Monitoring warnings (`monitor_warnings`): one row per warning of a (base, rule) pair, written
//! by replaying the rules over the derived series, acknowledged and annotated by people.
//!
//! A warning is identified by (base, rule, period opened). Rebuilding a base's warnings upserts on
//! that key, so acknowledgements and annotations survive a rebuild; warnings the new replay no
//! longer produces (a corrected month cleared the condition) are deleted. An escalation to a new
//! peak level clears the acknowledgement: the person acknowledged a milder warning.

use chrono::{DateTime, Utc};
use jidi_domain::access::RecordScope;
use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::error::{Result, StoreError};
use crate::roll::INSERT_AUDIT;
use crate::row::{Conditions, Param, Row, bind_params, push_list, push_where, value_rows};
use crate::store::{Store, on_pool};

/// Columns written per new warning.
const WARNING_WIDTH: usize = 15;

/// A warning as replayed from the series (no human fields).
#[derive(Clone, Debug, PartialEq)]
pub struct NewWarning {
    /// Base.
    pub base_id: i64,
    /// Rule id.
    pub rule_id: String,
    /// Period opened, `YYYYMM`.
    pub opened: i32,
    /// Current level code (`blue`, `yellow`, `orange`, `red`).
    pub level: String,
    /// Highest level reached.
    pub peak: String,
    /// Period of the last change.
    pub last_change: i32,
    /// Period closed, if it has.
    pub closed: Option<i32>,
    /// The measured figure at the last change.
    pub current_value: Option<f64>,
    /// The threshold it reached.
    pub threshold: Option<f64>,
    /// Unit of both.
    pub unit: String,
    /// Reason of the last change, Chinese.
    pub reason_zh: String,
    /// Reason of the last change, English.
    pub reason_en: String,
    /// JSON list of its changes.
    pub history: String,
    /// Whether it derives from demo data.
    pub synthetic: bool,
}

/// A stored warning with its base and its acknowledgement.
#[derive(Clone, Debug, PartialEq)]
pub struct WarningRecord {
    /// Id.
    pub id: i64,
    /// Base name.
    pub base_name: String,
    /// Base province.
    pub province_code: String,
    /// Base category.
    pub category_code: String,
    /// The replayed fields.
    pub warning: NewWarning,
    /// Who acknowledged it (user id and display name).
    pub acknowledged_by: Option<(i64, String)>,
    /// When.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// Annotation text ('' when none).
    pub annotation: String,
    /// Who annotated it last.
    pub annotated_by: Option<(i64, String)>,
    /// When.
    pub annotated_at: Option<DateTime<Utc>>,
}

/// Which warnings a list shows.
#[derive(Clone, Debug, PartialEq)]
pub struct WarningFilter {
    /// Whose (from `jidi_domain::access`).
    pub scope: RecordScope,
    /// One base.
    pub base_id: Option<i64>,
    /// Open ones only.
    pub open_only: bool,
    /// Closed ones only.
    pub closed_only: bool,
    /// One level code.
    pub level: Option<String>,
    /// One rule.
    pub rule_id: Option<String>,
}

impl WarningFilter {
    /// Every warning within `scope`.
    pub fn within(scope: RecordScope) -> WarningFilter {
        WarningFilter {
            scope,
            base_id: None,
            open_only: false,
            closed_only: false,
            level: None,
            rule_id: None,
        }
    }

    fn conditions(&self) -> Conditions {
        let mut c = Conditions::default();
        match &self.scope {
            RecordScope::All => {}
            RecordScope::Province(code) => {
                c.push("b.province_code = ?", vec![Param::Text(code.clone())])
            }
            RecordScope::Base(id) => c.push("w.base_id = ?", vec![Param::Int(*id)]),
        }
        if let Some(id) = self.base_id {
            c.push("w.base_id = ?", vec![Param::Int(id)]);
        }
        if self.open_only {
            c.push("w.closed IS NULL", vec![]);
        }
        if self.closed_only {
            c.push("w.closed IS NOT NULL", vec![]);
        }
        if let Some(l) = &self.level {
            c.push("w.level = ?", vec![Param::Text(l.clone())]);
        }
        if let Some(r) = &self.rule_id {
            c.push("w.rule_id = ?", vec![Param::Text(r.clone())]);
        }
        c
    }
}

const WARNING_COLUMNS: &str = "w.id, w.base_id, w.rule_id, w.opened, w.level, w.peak, w.last_change, w.closed, w.current_value, w.threshold, w.unit, w.reason_zh, w.reason_en, w.history, w.synthetic, \
    w.acknowledged_by, ua.display_name AS acknowledged_name, w.acknowledged_at, w.annotation, w.annotated_by, un.display_name AS annotated_name, w.annotated_at, \
    b.name AS base_name, b.province_code, b.category_code";

const WARNING_FROM: &str = " FROM monitor_warnings w JOIN bases b ON b.id = w.base_id LEFT JOIN users ua ON ua.id = w.acknowledged_by LEFT JOIN users un ON un.id = w.annotated_by";

fn level_code(text: String) -> Result<String> {
    match text.as_str() {
        "blue" | "yellow" | "orange" | "red" => Ok(text),
        _ => Err(StoreError::corrupt("monitor_warnings.level", &text)),
    }
}

fn person(id: Option<i64>, name: Option<String>) -> Option<(i64, String)> {
    id.map(|id| (id, name.unwrap_or_default()))
}

fn warning_record(r: &impl Row) -> Result<WarningRecord> {
    Ok(WarningRecord {
        id: r.int("id")?,
        base_name: r.text("base_name")?,
        province_code: r.text("province_code")?,
        category_code: r.text("category_code")?,
        warning: NewWarning {
            base_id: r.int("base_id")?,
            rule_id: r.text("rule_id")?,
            opened: r.int32("opened")?,
            level: level_code(r.text("level")?)?,
            peak: level_code(r.text("peak")?)?,
            last_change: r.int32("last_change")?,
            closed: r.opt_int32("closed")?,
            current_value: r.opt_float("current_value")?,
            threshold: r.opt_float("threshold")?,
            unit: r.text("unit")?,
            reason_zh: r.text("reason_zh")?,
            reason_en: r.text("reason_en")?,
            history: r.text("history")?,
            synthetic: r.boolean("synthetic")?,
        },
        acknowledged_by: person(
            r.opt_int("acknowledged_by")?,
            r.opt_text("acknowledged_name")?,
        ),
        acknowledged_at: r.opt_timestamp("acknowledged_at")?,
        annotation: r.text("annotation")?,
        annotated_by: person(r.opt_int("annotated_by")?, r.opt_text("annotated_name")?),
        annotated_at: r.opt_timestamp("annotated_at")?,
    })
}

impl Store {
    /// Makes the stored warnings of `base_ids` exactly `warnings`, in one transaction: upserted
    /// on (base, rule, opened), keeping acknowledgements and annotations unless the warning
    /// reached a new peak; those no longer produced are deleted.
    pub async fn replace_monitor_warnings(
        &self,
        base_ids: &[i64],
        warnings: &[NewWarning],
    ) -> Result<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let refresh: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(refresh), 0) + 1 FROM monitor_warnings")
                .fetch_one(&mut *tx).await?;
            for chunk in warnings.chunks(960 / (WARNING_WIDTH + 1)) {
                let sql = format!(
                    "INSERT INTO monitor_warnings (base_id, rule_id, opened, level, peak, last_change, closed, current_value, threshold, unit, reason_zh, reason_en, history, synthetic, refresh) VALUES {} \
                     ON CONFLICT (base_id, rule_id, opened) DO UPDATE SET level = excluded.level, last_change = excluded.last_change, closed = excluded.closed, \
                     current_value = excluded.current_value, threshold = excluded.threshold, unit = excluded.unit, reason_zh = excluded.reason_zh, reason_en = excluded.reason_en, \
                     history = excluded.history, synthetic = excluded.synthetic, refresh = excluded.refresh, \
                     acknowledged_by = CASE WHEN excluded.peak = monitor_warnings.peak THEN monitor_warnings.acknowledged_by END, \
                     acknowledged_at = CASE WHEN excluded.peak = monitor_warnings.peak THEN monitor_warnings.acknowledged_at END, \
                     peak = excluded.peak",
                    value_rows(self.backend(), chunk.len(), WARNING_WIDTH)
                );
                let mut params = Vec::with_capacity(chunk.len() * WARNING_WIDTH);
                for w in chunk {
                    params.extend([
                        Param::Int(w.base_id), Param::Text(w.rule_id.clone()), Param::Int32(w.opened),
                        Param::Text(w.level.clone()), Param::Text(w.peak.clone()), Param::Int32(w.last_change),
                        Param::OptInt32(w.closed), Param::OptFloat(w.current_value), Param::OptFloat(w.threshold),
                        Param::Text(w.unit.clone()), Param::Text(w.reason_zh.clone()), Param::Text(w.reason_en.clone()),
                        Param::Text(w.history.clone()), Param::Bool(w.synthetic), Param::Int(refresh),
                    ]);
                }
                bind_params!(sqlx::query(AssertSqlSafe(sql)), &params).execute(&mut *tx).await?;
            }
            for chunk in base_ids.chunks(400) {
                let ids: Vec<Param> = chunk.iter().map(|b| Param::Int(*b)).collect();
                let mut qb = QueryBuilder::new("DELETE FROM monitor_warnings WHERE refresh <> ");
                qb.push_bind(refresh).push(" AND base_id IN (");
                push_list!(qb, &ids);
                qb.push(")");
                qb.build().execute(&mut *tx).await?;
            }
            sqlx::query(crate::monitoring::ADVANCE_GENERATION).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// A page of warnings within `filter` with the total: open ones first, then by level
    /// (red first) and the latest change.
    pub async fn monitor_warnings(
        &self,
        filter: &WarningFilter,
        page: crate::Page,
    ) -> Result<(Vec<WarningRecord>, i64)> {
        let c = filter.conditions();
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM monitor_warnings w JOIN bases b ON b.id = w.base_id");
            push_where!(qb, c);
            let total: i64 = qb.build_query_scalar().fetch_one(pool).await?;
            let mut qb = QueryBuilder::new(format!("SELECT {WARNING_COLUMNS}{WARNING_FROM}"));
            push_where!(qb, c);
            qb.push(" ORDER BY (w.closed IS NOT NULL), CASE w.level WHEN 'red' THEN 0 WHEN 'orange' THEN 1 WHEN 'yellow' THEN 2 ELSE 3 END, w.last_change DESC, w.id LIMIT ")
                .push_bind(page.limit.clamp(1, 500) as i64).push(" OFFSET ").push_bind(page.offset as i64);
            let rows = qb.build().fetch_all(pool).await?;
            let list = rows.iter().map(warning_record).collect::<Result<Vec<_>>>()?;
            Ok((list, total))
        })
    }

    /// Open warnings within `filter` by level: `[blue, yellow, orange, red]`.
    pub async fn monitor_warning_counts(&self, filter: &WarningFilter) -> Result<[i64; 4]> {
        let c = filter.conditions().and("w.closed IS NULL", vec![]);
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new("SELECT w.level, COUNT(*) AS n FROM monitor_warnings w JOIN bases b ON b.id = w.base_id");
            push_where!(qb, c);
            qb.push(" GROUP BY w.level");
            let rows = qb.build().fetch_all(pool).await?;
            let mut out = [0; 4];
            for r in &rows {
                let i = match level_code(r.text("level")?)?.as_str() {
                    "blue" => 0,
                    "yellow" => 1,
                    "orange" => 2,
                    _ => 3,
                };
                out[i] = r.int("n")?;
            }
            Ok(out)
        })
    }

    /// Every warning that stood open in some month of `year` (opened by its December and not
    /// closed by its January), with its id, by base and opening.
    pub async fn monitor_warnings_of_year(&self, year: i32) -> Result<Vec<(i64, NewWarning)>> {
        on_pool!(self, pool => {
            let rows = sqlx::query(AssertSqlSafe(format!(
                "SELECT {WARNING_COLUMNS}{WARNING_FROM} WHERE w.opened <= $1 AND (w.closed IS NULL OR w.closed > $2) ORDER BY w.base_id, w.opened, w.rule_id"
            )))
            .bind(year * 100 + 12).bind(year * 100 + 1).fetch_all(pool).await?;
            rows.iter().map(|r| warning_record(r).map(|w| (w.id, w.warning))).collect()
        })
    }

    /// The latest month of the derived monthly table, `YYYYMM`.
    pub async fn latest_monitor_period(&self) -> Result<Option<i32>> {
        on_pool!(self, pool => {
            // One seek per catalogue indicator: the table is keyed by (indicator, period, base),
            // so a plain MAX(period) would read every row.
            let latest: Option<i32> = sqlx::query_scalar(
                "SELECT MAX((SELECT MAX(mv.period) FROM monitor_values mv WHERE mv.indicator_code = i.code)) FROM indicators i",
            )
            .fetch_one(pool).await?;
            Ok(latest)
        })
    }

    /// One warning.
    pub async fn monitor_warning(&self, id: i64) -> Result<Option<WarningRecord>> {
        on_pool!(self, pool => {
            let row = sqlx::query(AssertSqlSafe(format!("SELECT {WARNING_COLUMNS}{WARNING_FROM} WHERE w.id = $1")))
                .bind(id).fetch_optional(pool).await?;
            row.as_ref().map(warning_record).transpose()
        })
    }

    /// Records that `user_id` acknowledged warning `id` and, when `annotation` is given, sets its
    /// annotation; with an audit entry. `false` when there is no such warning.
    pub async fn acknowledge_warning(
        &self,
        id: i64,
        user_id: Option<i64>,
        acknowledge: bool,
        annotation: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let mut done = 0;
            if acknowledge {
                done += sqlx::query("UPDATE monitor_warnings SET acknowledged_by = $1, acknowledged_at = $2 WHERE id = $3")
                    .bind(user_id).bind(at).bind(id).execute(&mut *tx).await?.rows_affected();
            }
            if let Some(text) = annotation {
                done += sqlx::query("UPDATE monitor_warnings SET annotation = $1, annotated_by = $2, annotated_at = $3 WHERE id = $4")
                    .bind(text).bind(user_id).bind(at).bind(id).execute(&mut *tx).await?.rows_affected();
            }
            if done == 0 {
                return Ok(false);
            }
            sqlx::query(INSERT_AUDIT)
                .bind(at).bind(user_id).bind(if acknowledge { "acknowledge" } else { "annotate" }).bind("monitor_warning").bind(id.to_string())
                .bind(serde_json::json!({"acknowledged": acknowledge, "annotation": annotation}).to_string())
                .execute(&mut *tx).await?;
            sqlx::query(crate::monitoring::ADVANCE_GENERATION).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(true)
        })
    }
}
