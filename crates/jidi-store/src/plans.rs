//! The query plans of the busy read paths (the roll's pages with their filters and sorts, a run's
//! results, a profile's history, the proposals), for `jidi plans`, the benchmark script and the
//! test that keeps them indexed as the roll grows.
//!
//! Each plan is of the very statement the store runs: the statements are built by the same macros
//! with an `EXPLAIN` in front. A plan is *unindexed* when it reads a whole table (SQLite `SCAN t`,
//! PostgreSQL `Seq Scan`, or an index read end to end without a condition) and sorts what it read
//! (SQLite `USE TEMP B-TREE FOR ORDER BY`, PostgreSQL `Sort`): the cost of such a page grows with
//! the table, not with the page.

use jidi_domain::access::{ListScope, RecordScope};
use jidi_domain::reference::MacroRegion;
use jidi_domain::roll::Series;
use jidi_domain::rules::ProposalStatus;
use sqlx::{AssertSqlSafe, QueryBuilder, Row as _};

use crate::error::{Result, StoreError};
use crate::proposals::{ProposalFilter, proposal_conditions, proposals_page_statements};
use crate::results::{ResultFilter, base_history_sql, result_conditions, results_page_statements};
use crate::roll::{
    BaseFilter, BaseSort, SortOrder, StatusFilter, conditions, roll_order_by, roll_page_statements,
};
use crate::row::push_where;
use crate::store::{Pool, Store};

/// How the planner means to run one statement.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryPlan {
    /// Which read path and which of its statements, e.g. `roll page: province, by name`.
    pub name: String,
    /// The plan as the database printed it (SQLite: one line per step, indented by depth;
    /// PostgreSQL: one line per node, `Node Type on relation [using index] (condition)`).
    pub lines: Vec<String>,
    /// Whether it reads a whole table and sorts it (see the module's documentation).
    pub unindexed: bool,
}

/// Parameters of a statement to plan: the read path's arguments.
enum Statement {
    Roll(
        &'static str,
        BaseFilter,
        ListScope,
        BaseSort,
        SortOrder,
        bool,
    ),
    Results(&'static str, ResultFilter),
    History,
    Proposals(&'static str, ProposalFilter),
}

/// Fills `$out` with `(name, QueryBuilder)` for the statements of `$statement`.
macro_rules! build_statements {
    ($out:expr, $statement:expr, $prefix:expr, $run_id:expr, $limit:expr, $offset:expr) => {
        match $statement {
            Statement::Roll(name, filter, scope, sort, order, with_count) => {
                let c = conditions(filter, scope);
                let order_by = roll_order_by(*sort, *order);
                let (count, list) = roll_page_statements!($prefix, c, order_by, $limit, $offset);
                $out.push((format!("roll page: {name}"), list));
                if *with_count {
                    $out.push((format!("roll count: {name}"), count));
                }
            }
            Statement::Results(name, filter) => {
                let c = result_conditions($run_id, filter);
                let (count, list) = results_page_statements!($prefix, c, $limit, $offset);
                $out.push((format!("results page: {name}"), list));
                $out.push((format!("results count: {name}"), count));
            }
            Statement::History => {
                // Plain SQL with one parameter, run by the caller.
                $out.push((
                    "profile: published history".to_string(),
                    QueryBuilder::new(""),
                ));
            }
            Statement::Proposals(name, filter) => {
                let c = proposal_conditions(filter);
                let (count, list) = proposals_page_statements!($prefix, c, $limit, $offset);
                $out.push((format!("proposals page: {name}"), list));
                $out.push((format!("proposals count: {name}"), count));
            }
        }
    };
}

impl Store {
    /// Plans of the busy read paths on this database, with sample arguments taken from it (the
    /// latest run, the first national base). Planner settings are left as they are, so the
    /// answer depends on the data's size and statistics; see [`Store::index_plans`].
    pub async fn query_plans(&self) -> Result<Vec<QueryPlan>> {
        self.plans(false).await
    }

    /// The same plans with PostgreSQL's sequential scans and sorts priced out
    /// (`enable_seqscan`, `enable_sort` off for the transaction), so that a plan still reading a
    /// whole table and sorting it means no index serves the statement, whatever the table's size:
    /// a test can then check the indexes on a small database. SQLite plans as usual.
    pub async fn index_plans(&self) -> Result<Vec<QueryPlan>> {
        self.plans(true).await
    }

    async fn plans(&self, forced: bool) -> Result<Vec<QueryPlan>> {
        let run_id = self.sample("SELECT MAX(id) FROM evaluation_runs").await?;
        let base_id = self
            .sample("SELECT MIN(id) FROM bases WHERE tier = 'national'")
            .await?;
        let mut out = Vec::new();
        for statement in statements() {
            out.extend(self.plan(&statement, run_id, base_id, forced).await?);
        }
        Ok(out)
    }

    async fn sample(&self, sql: &'static str) -> Result<i64> {
        let id: Option<i64> = match &self.pool {
            Pool::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await?,
            Pool::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await?,
        };
        id.ok_or_else(|| StoreError::Invalid(format!("no sample row for plans: {sql}")))
    }

    async fn plan(
        &self,
        statement: &Statement,
        run_id: i64,
        base_id: i64,
        forced: bool,
    ) -> Result<Vec<QueryPlan>> {
        let (limit, offset) = (50i64, 100i64);
        let mut out = Vec::new();
        match &self.pool {
            Pool::Sqlite(pool) => {
                let prefix = "EXPLAIN QUERY PLAN ";
                let mut builders: Vec<(String, QueryBuilder<sqlx::Sqlite>)> = Vec::new();
                build_statements!(builders, statement, prefix, run_id, limit, offset);
                for (name, mut qb) in builders {
                    let rows = if matches!(statement, Statement::History) {
                        sqlx::query(AssertSqlSafe(base_history_sql(prefix)))
                            .bind(base_id)
                            .fetch_all(pool)
                            .await?
                    } else {
                        qb.build().fetch_all(pool).await?
                    };
                    let steps: Vec<(i64, i64, String)> = rows
                        .iter()
                        .map(|r| {
                            (
                                r.get::<i64, _>(0),
                                r.get::<i64, _>(1),
                                r.get::<String, _>(3),
                            )
                        })
                        .collect();
                    out.push(sqlite_plan(name, &steps));
                }
            }
            Pool::Postgres(pool) => {
                let prefix = "EXPLAIN (FORMAT JSON) ";
                let mut builders: Vec<(String, QueryBuilder<sqlx::Postgres>)> = Vec::new();
                build_statements!(builders, statement, prefix, run_id, limit, offset);
                for (name, mut qb) in builders {
                    let mut tx = pool.begin().await?;
                    if forced {
                        sqlx::raw_sql(
                            "SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off",
                        )
                        .execute(&mut *tx)
                        .await?;
                    }
                    let row = if matches!(statement, Statement::History) {
                        sqlx::query(AssertSqlSafe(base_history_sql(prefix)))
                            .bind(base_id)
                            .fetch_one(&mut *tx)
                            .await?
                    } else {
                        qb.build().fetch_one(&mut *tx).await?
                    };
                    tx.rollback().await?;
                    // `json` travels as its text; sqlx has no `json` type without its feature.
                    let text: String = row.try_get_unchecked(0)?;
                    let json: serde_json::Value = serde_json::from_str(&text)
                        .map_err(|_| StoreError::corrupt("EXPLAIN output", &text))?;
                    out.push(postgres_plan(name, &json[0]["Plan"]));
                }
            }
        }
        Ok(out)
    }
}

/// The busy statements: what `crates/jidi-web/benches/list_queries.txt` asks of the roll, as the
/// public (national bases) and as the ministry (every tier), a run's results as listed and
/// filtered, a profile's history and the proposals.
fn statements() -> Vec<Statement> {
    use Statement::*;
    let public = ListScope::NationalOnly;
    let current = |f: BaseFilter| BaseFilter {
        status: Some(StatusFilter::Current),
        ..f
    };
    let by_name = (BaseSort::Name, SortOrder::Asc);
    let roll = |name, f, scope: &ListScope, (sort, order): (BaseSort, SortOrder), count| {
        Roll(name, f, scope.clone(), sort, order, count)
    };
    vec![
        roll(
            "public, by name",
            BaseFilter::default(),
            &public,
            by_name,
            true,
        ),
        roll(
            "public, by batch descending",
            BaseFilter::default(),
            &public,
            (BaseSort::Batch, SortOrder::Desc),
            false,
        ),
        roll(
            "public, by designation year",
            BaseFilter::default(),
            &public,
            (BaseSort::Designated, SortOrder::Desc),
            false,
        ),
        roll(
            "public, by province",
            BaseFilter::default(),
            &public,
            (BaseSort::Province, SortOrder::Asc),
            false,
        ),
        roll(
            "public, by category",
            BaseFilter::default(),
            &public,
            (BaseSort::Category, SortOrder::Asc),
            false,
        ),
        roll(
            "public, one province, by name",
            BaseFilter {
                province: Some("420000".into()),
                ..BaseFilter::default()
            },
            &public,
            by_name,
            true,
        ),
        roll(
            "public, one category, by name",
            BaseFilter {
                category: Some("equipment".into()),
                ..BaseFilter::default()
            },
            &public,
            by_name,
            true,
        ),
        roll(
            "public, one series, by name",
            BaseFilter {
                series: Some(Series::Advantage),
                ..BaseFilter::default()
            },
            &public,
            by_name,
            true,
        ),
        roll(
            "public, one region, by name",
            BaseFilter {
                region: Some(MacroRegion::of_province("620000").expect("Gansu is west")),
                ..BaseFilter::default()
            },
            &public,
            by_name,
            true,
        ),
        roll(
            "ministry, every tier, by name",
            BaseFilter::default(),
            &ListScope::Everything,
            by_name,
            true,
        ),
        roll(
            "ministry, current, by name",
            current(BaseFilter::default()),
            &ListScope::Everything,
            by_name,
            true,
        ),
        roll(
            "province user, by name",
            BaseFilter::default(),
            &ListScope::NationalAndProvince("420000".into()),
            by_name,
            true,
        ),
        Results("whole run", ResultFilter::default()),
        Results(
            "one category",
            ResultFilter {
                category: Some("equipment".into()),
                ..ResultFilter::default()
            },
        ),
        Results(
            "one province",
            ResultFilter {
                province: Some("420000".into()),
                ..ResultFilter::default()
            },
        ),
        History,
        Proposals("every proposal", ProposalFilter::within(RecordScope::All)),
        Proposals(
            "pending",
            ProposalFilter {
                status: Some(ProposalStatus::Pending),
                ..ProposalFilter::within(RecordScope::All)
            },
        ),
        Proposals(
            "one province",
            ProposalFilter::within(RecordScope::Province("420000".into())),
        ),
    ]
}

/// A SQLite plan from `EXPLAIN QUERY PLAN`'s `(id, parent, detail)` rows. A sort counts against
/// the statement when a step beside it (the same query level) reads a whole table, directly
/// (`SCAN t`, `SCAN t USING [COVERING] INDEX i`) or through a co-routine or subquery that does:
/// the roll's outer re-sort of its 50 rows beside a `SEARCH` by id is harmless.
fn sqlite_plan(name: String, steps: &[(i64, i64, String)]) -> QueryPlan {
    let mut depth = std::collections::HashMap::new();
    let mut lines = Vec::new();
    for (id, parent, detail) in steps {
        let d = depth.get(parent).map_or(0, |d| d + 1);
        depth.insert(*id, d);
        lines.push(format!("{}{detail}", "  ".repeat(d)));
    }
    let is_table_scan = |detail: &str| {
        detail
            .strip_prefix("SCAN ")
            .is_some_and(|rest| !rest.starts_with("CONSTANT") && !rest.starts_with('('))
    };
    // Whether step `id` or anything below it reads a whole table.
    let scans_below = |root: i64| -> bool {
        let mut stack = vec![root];
        while let Some(at) = stack.pop() {
            for (id, parent, detail) in steps {
                if *parent == at {
                    if is_table_scan(detail) {
                        return true;
                    }
                    stack.push(*id);
                }
            }
        }
        false
    };
    let unindexed = steps.iter().any(|(_, parent, detail)| {
        detail.contains("TEMP B-TREE FOR") && detail.contains("ORDER BY") && {
            steps
                .iter()
                .filter(|s| s.1 == *parent)
                .any(|(_, _, sibling)| {
                    if is_table_scan(sibling) {
                        return true;
                    }
                    // `SCAN (subquery-2)` reads what `CO-ROUTINE (subquery-2)` produced.
                    sibling.strip_prefix("SCAN ").is_some_and(|rest| {
                        rest.starts_with('(')
                            && steps
                                .iter()
                                .filter(|(_, _, d)| d.ends_with(rest) && !d.starts_with("SCAN"))
                                .any(|(id, _, _)| scans_below(*id))
                    })
                })
        }
    });
    QueryPlan {
        name,
        lines,
        unindexed,
    }
}

/// A PostgreSQL plan from `EXPLAIN (FORMAT JSON)`'s `Plan` node.
fn postgres_plan(name: String, root: &serde_json::Value) -> QueryPlan {
    let mut lines = Vec::new();
    let (mut scans, mut sorts) = (false, false);
    let mut stack = vec![(root, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        let kind = node["Node Type"].as_str().unwrap_or("?");
        let mut line = format!("{}{kind}", "  ".repeat(depth));
        if let Some(r) = node["Relation Name"].as_str() {
            line.push_str(&format!(" on {r}"));
        }
        if let Some(i) = node["Index Name"].as_str() {
            line.push_str(&format!(" using {i}"));
        }
        let condition = node["Index Cond"].as_str();
        if let Some(c) = condition {
            line.push_str(&format!(" ({c})"));
        }
        if let Some(k) = node["Sort Key"].as_array() {
            let keys: Vec<&str> = k.iter().filter_map(|x| x.as_str()).collect();
            line.push_str(&format!(" [{}]", keys.join(", ")));
        }
        lines.push(line);
        match kind {
            "Seq Scan" => scans = true,
            "Index Scan" | "Index Only Scan" if condition.is_none() => scans = true,
            "Sort" => sorts = true,
            _ => {}
        }
        if let Some(children) = node["Plans"].as_array() {
            for child in children.iter().rev() {
                stack.push((child, depth + 1));
            }
        }
    }
    QueryPlan {
        name,
        lines,
        unindexed: scans && sorts,
    }
}
