//! Evaluation, schemes and dynamic management through the API. Visibility by role:
//! trial runs and unpublished schemes only for evaluators and the ministry; published stars for
//! everyone; a full scorecard for the base itself, its province, evaluators and the ministry.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jidi_domain::access::{self, Principal, Role};
use jidi_domain::evaluation::{Contribution, DimensionScore};
use jidi_domain::roll::{Base, FieldError};
use jidi_domain::rules::{ProposalKind, RuleSet};
use jidi_domain::scheme::{Scheme, SchemeFormat};
use jidi_service::evaluation::{self as service, SchemeChoice};
use jidi_service::management;
use jidi_store::{
    Page, ProposalFilter, ProposalRecord, ResultFilter, ResultRecord, RunRecord, RunStatus,
    SchemeRecord,
};
use jidi_tabular::Cell;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::bases::{scope, today};
use super::{ApiJson, ApiQuery, parse_id, parse_opt};
use crate::auth::Viewer;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::state::AppState;
use crate::views::tier_name;

/// The evaluation routes.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_evaluations, create_evaluation))
        .routes(routes!(get_evaluation, delete_evaluation))
        .routes(routes!(list_evaluation_results))
        .routes(routes!(get_scorecard))
        .routes(routes!(publish_evaluation))
        .routes(routes!(verify_evaluation))
        .routes(routes!(list_schemes, create_scheme))
        .routes(routes!(get_scheme))
        .routes(routes!(set_default_scheme))
        .routes(routes!(list_proposals))
        .routes(routes!(decide_proposal))
        .routes(routes!(get_rules, update_rules))
        .routes(routes!(get_base_timeline))
        .routes(routes!(create_incident))
}

fn csrf(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-csrf-token").and_then(|v| v.to_str().ok())
}

/// A run as listed.
#[derive(Serialize, ToSchema)]
pub struct RunView {
    /// Id.
    pub id: i64,
    /// Year.
    pub year: i32,
    /// `trial` or `published`.
    pub status: String,
    /// Scheme.
    pub scheme_id: i64,
    /// Bases evaluated.
    pub n_bases: i32,
    /// Replications of the uncertainty analysis.
    pub replications: i32,
    /// Bases per star `[1★ … 5★]`.
    pub star_counts: Vec<i64>,
    /// SHA-256 binding scheme, inputs and results.
    pub content_hash: String,
    /// Run on demo data.
    pub synthetic: bool,
    /// When it ran (RFC 3339).
    pub created_at: String,
    /// When it was published.
    pub published_at: Option<String>,
    /// Summary: groups, diagnostics, sensitivity.
    #[schema(value_type = Object)]
    pub summary: serde_json::Value,
}

/// The view of a run.
pub fn run_view(r: &RunRecord) -> RunView {
    let summary: serde_json::Value = serde_json::from_str(&r.summary).unwrap_or_default();
    RunView {
        id: r.id,
        year: r.year,
        status: match r.status {
            RunStatus::Trial => "trial".into(),
            RunStatus::Published => "published".into(),
        },
        scheme_id: r.scheme_id,
        n_bases: r.n_bases,
        replications: r.replications,
        star_counts: summary["star_counts"]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x.as_i64()).collect())
            .unwrap_or_default(),
        content_hash: r.content_hash.clone(),
        synthetic: r.synthetic,
        created_at: r.created_at.to_rfc3339(),
        published_at: r.published_at.map(|t| t.to_rfc3339()),
        summary,
    }
}

/// A run the viewer may see (trials only for evaluators and the ministry).
pub async fn visible_run(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
) -> Result<RunRecord, AppError> {
    let run = state
        .store
        .run(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("evaluation {id}")))?;
    if run.status == RunStatus::Trial {
        AppError::check(access::can_view_trials(viewer.who()))?;
    }
    Ok(run)
}

/// Lists evaluations: published ones for everyone, trials too for evaluators and the ministry.
#[utoipa::path(get, path = "/api/v1/evaluations", tag = "evaluation",
    responses((status = 200, body = Vec<RunView>)))]
pub async fn list_evaluations(
    State(state): State<AppState>,
    viewer: Viewer,
) -> ApiResult<axum::Json<Vec<RunView>>> {
    let trials = access::can_view_trials(viewer.who()).granted();
    let runs = state.store.runs(None, trials).await?;
    Ok(axum::Json(runs.iter().map(run_view).collect()))
}

/// A trial run request.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationRequest {
    /// Year of the data.
    pub year: i32,
    /// A stored scheme (default: the year's default scheme).
    #[serde(default)]
    pub scheme_id: Option<i64>,
    /// Also run the ranks-sensitivity analysis of the scheme.
    #[serde(default)]
    pub sensitivity: bool,
}

/// Runs a trial evaluation (evaluators and the ministry).
#[utoipa::path(post, path = "/api/v1/evaluations", tag = "evaluation", request_body = EvaluationRequest,
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = 201, body = RunView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
    ))]
pub async fn create_evaluation(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    ApiJson(body): ApiJson<EvaluationRequest>,
) -> ApiResult<Response> {
    AppError::check(access::can_run_trials(viewer.who()))?;
    viewer.check_csrf(csrf(&headers))?;
    let run = start_run(&state, &viewer, body.year, body.scheme_id, body.sensitivity).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/evaluations/{}", run.id))],
        axum::Json(run_view(&run)),
    )
        .into_response())
}

/// Runs a trial; shared by the API and the page.
pub async fn start_run(
    state: &AppState,
    viewer: &Viewer,
    year: i32,
    scheme_id: Option<i64>,
    sensitivity: bool,
) -> Result<RunRecord, AppError> {
    let years = state.store.annual_years().await?;
    if !years.contains(&year) {
        return Err(AppError::invalid(vec![FieldError {
            field: "year".into(),
            message: format!(
                "no annual data for {year} (years with data: {})",
                years
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }]));
    }
    let choice = scheme_id.map_or(SchemeChoice::Default, SchemeChoice::Stored);
    let outcome =
        service::run_evaluation(&state.store, year, choice, sensitivity, viewer.user_id()).await?;
    Ok(outcome.run)
}

/// One evaluation run.
#[utoipa::path(get, path = "/api/v1/evaluations/{id}", tag = "evaluation",
    params(("id" = i64, Path, description = "Run id")),
    responses((status = 200, body = RunView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_evaluation(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<RunView>> {
    let id = parse_id(&id, "id")?;
    Ok(axum::Json(run_view(
        &visible_run(&state, &viewer, id).await?,
    )))
}

/// Deletes a trial run (evaluators and the ministry); a published run can never be deleted (409).
#[utoipa::path(delete, path = "/api/v1/evaluations/{id}", tag = "evaluation",
    params(("id" = i64, Path, description = "Run id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_evaluation(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = parse_id(&id, "id")?;
    AppError::check(access::can_run_trials(viewer.who()))?;
    viewer.check_csrf(csrf(&headers))?;
    state.store.delete_trial_run(id, viewer.user_id()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Publication result.
#[derive(Serialize, ToSchema)]
pub struct PublishResponse {
    /// The published run.
    pub run: RunView,
    /// Proposals made by the rules.
    pub proposals: usize,
}

/// Publishes a trial run (ministry): freezes inputs and results, locks the scheme, and turns the
/// results into proposals. A year has at most one published evaluation (409 otherwise).
#[utoipa::path(post, path = "/api/v1/evaluations/{id}/publish", tag = "evaluation",
    params(("id" = i64, Path, description = "Run id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = PublishResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn publish_evaluation(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<PublishResponse>> {
    let id = parse_id(&id, "id")?;
    AppError::check(access::can_publish(viewer.who()))?;
    viewer.check_csrf(csrf(&headers))?;
    let (run, proposals) = service::publish(&state.store, id, viewer.user_id()).await?;
    Ok(axum::Json(PublishResponse {
        run: run_view(&run),
        proposals,
    }))
}

/// Integrity check.
#[derive(Serialize, ToSchema)]
pub struct VerifyResponse {
    /// Whether the stored scheme, inputs and results hash to the recorded content hash.
    pub verified: bool,
    /// The recorded hash.
    pub content_hash: String,
}

/// Recomputes a run's hashes from what is stored.
#[utoipa::path(get, path = "/api/v1/evaluations/{id}/verify", tag = "evaluation",
    params(("id" = i64, Path, description = "Run id")),
    responses((status = 200, body = VerifyResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn verify_evaluation(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<VerifyResponse>> {
    let id = parse_id(&id, "id")?;
    let run = visible_run(&state, &viewer, id).await?;
    let verified = service::verify_run(&state.store, id).await?;
    Ok(axum::Json(VerifyResponse {
        verified,
        content_hash: run.content_hash,
    }))
}

/// Results filters.
#[derive(Deserialize, Serialize, IntoParams, Default, Clone)]
#[into_params(parameter_in = Query)]
pub struct ResultsQuery {
    /// Category (peer group) code.
    pub category: Option<String>,
    /// Province code.
    pub province: Option<String>,
    /// Stars 1–5.
    pub stars: Option<String>,
    /// Page from 1.
    pub page: Option<String>,
    /// Rows per page (1–500, default 100).
    pub per_page: Option<String>,
    /// Export only: `xlsx` or `csv`.
    pub format: Option<String>,
    /// Interface language.
    pub lang: Option<String>,
}

/// A result row; fields the viewer may not see are `null` (the public sees published stars).
#[derive(Serialize, ToSchema, Clone)]
pub struct ResultView {
    /// Base.
    pub base_id: i64,
    /// Base name.
    pub name: String,
    /// Province name.
    pub province_name: String,
    /// Province code.
    pub province_code: String,
    /// Peer group code.
    pub category: String,
    /// Peer group name.
    pub category_name: String,
    /// Stars.
    pub stars: Option<i32>,
    /// Whether the full figures are visible.
    pub full: bool,
    /// Score.
    pub score: Option<f64>,
    /// National rank.
    pub national_rank: Option<f64>,
    /// Rank in the peer group.
    pub category_rank: Option<f64>,
    /// 5th percentile of the national rank.
    pub rank_p05: Option<f64>,
    /// 95th percentile of the national rank.
    pub rank_p95: Option<f64>,
    /// Vetoed.
    pub vetoed: Option<bool>,
    /// Veto reason.
    pub veto_reason: Option<String>,
    /// Stars before the veto.
    pub stars_before_veto: Option<i32>,
    /// Probability of one to five stars.
    pub star_probabilities: Option<Vec<f64>>,
    /// Whether the base's data are demo data.
    pub synthetic: bool,
}

/// Whether `viewer` sees the full figures of `base` in a run of `status`.
pub fn full_view(viewer: Option<&Principal>, base: &Base, status: RunStatus) -> bool {
    match status {
        RunStatus::Trial => access::can_view_trials(viewer).granted(),
        RunStatus::Published => access::can_view_base_data(viewer, scope(base)).granted(),
    }
}

/// One page of a run's results as the viewer may see them, and the total matching the filter.
pub async fn results_page(
    state: &AppState,
    viewer: &Viewer,
    run: &RunRecord,
    filter: &ResultFilter,
    page: u32,
    per_page: u32,
) -> Result<(Vec<ResultView>, i64), AppError> {
    let (rows, total) = state
        .store
        .run_results(
            run.id,
            filter,
            Page {
                offset: (page - 1) * per_page,
                limit: per_page,
            },
        )
        .await?;
    Ok((result_views(state, viewer, run, &rows).await?, total))
}

/// Builds result rows for the viewer.
pub async fn result_views(
    state: &AppState,
    viewer: &Viewer,
    run: &RunRecord,
    rows: &[ResultRecord],
) -> Result<Vec<ResultView>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.base_id).collect();
    let bases = state.store.bases_by_ids(&ids).await?;
    Ok(rows
        .iter()
        .filter_map(|r| Some(result_view(state, viewer, run, bases.get(&r.base_id)?, r)))
        .collect())
}

/// One result row for the viewer.
pub fn result_view(
    state: &AppState,
    viewer: &Viewer,
    run: &RunRecord,
    base: &Base,
    r: &ResultRecord,
) -> ResultView {
    let full = full_view(viewer.who(), base, run.status);
    ResultView {
        base_id: r.base_id,
        name: base.facts.name.clone(),
        province_name: jidi_domain::reference::Regions::get()
            .province(&r.province_code)
            .map(|p| p.name.clone())
            .unwrap_or_default(),
        province_code: r.province_code.clone(),
        category: r.category_code.clone(),
        category_name: state.category_name(&r.category_code, viewer.lang),
        stars: r.stars,
        full,
        score: r.score.filter(|_| full),
        national_rank: r.national_rank.filter(|_| full),
        category_rank: r.category_rank.filter(|_| full),
        rank_p05: r.rank_p05.filter(|_| full),
        rank_p95: r.rank_p95.filter(|_| full),
        vetoed: full.then_some(r.vetoed),
        veto_reason: r.veto_reason.clone().filter(|_| full),
        stars_before_veto: r.stars_before_veto.filter(|_| full),
        star_probabilities: r
            .star_probabilities
            .as_deref()
            .filter(|_| full)
            .and_then(|p| serde_json::from_str(p).ok()),
        synthetic: base.facts.synthetic || run.synthetic,
    }
}

/// A page of results.
#[derive(Serialize, ToSchema)]
pub struct ResultsResponse {
    /// Rows by national rank.
    pub items: Vec<ResultView>,
    /// Rows matching.
    pub total: i64,
    /// Page.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
}

/// Parses results filters.
pub fn parse_results_query(q: &ResultsQuery) -> Result<(ResultFilter, u32, u32), AppError> {
    let positive = |v: &str| v.parse::<u32>().ok().filter(|x| *x > 0);
    let filter = ResultFilter {
        category: q.category.clone().filter(|s| !s.is_empty()),
        province: parse_opt(
            &q.province,
            "province",
            |v| {
                jidi_domain::reference::Regions::get()
                    .province(v)
                    .map(|p| p.code.clone())
            },
            "a province code",
        )?,
        stars: parse_opt(
            &q.stars,
            "stars",
            |v| v.parse::<i32>().ok().filter(|s| (1..=5).contains(s)),
            "1 to 5",
        )?,
        base_ids: None,
    };
    let page = parse_opt(&q.page, "page", positive, "a positive integer")?.unwrap_or(1);
    let per_page = parse_opt(
        &q.per_page,
        "per_page",
        |v| positive(v).filter(|n| *n <= 500),
        "1 to 500",
    )?
    .unwrap_or(100);
    Ok((filter, page, per_page))
}

/// Results of a run, by national rank, with filters.
#[utoipa::path(get, path = "/api/v1/evaluations/{id}/results", tag = "evaluation",
    params(("id" = i64, Path, description = "Run id"), ResultsQuery),
    responses((status = 200, body = ResultsResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_evaluation_results(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ResultsQuery>,
) -> ApiResult<Response> {
    let id = parse_id(&id, "id")?;
    let run = visible_run(&state, &viewer, id).await?;
    let (filter, page, per_page) = parse_results_query(&q)?;
    if let Some(format) = q.format.as_deref() {
        return Ok(export_results(&state, &viewer, &run, &filter, format).await?);
    }
    let (items, total) = results_page(&state, &viewer, &run, &filter, page, per_page).await?;
    Ok(axum::Json(ResultsResponse {
        items,
        total,
        page,
        per_page,
    })
    .into_response())
}

/// The results table as XLSX or CSV (what the viewer may see).
pub async fn export_results(
    state: &AppState,
    viewer: &Viewer,
    run: &RunRecord,
    filter: &ResultFilter,
    format: &str,
) -> Result<Response, AppError> {
    if !matches!(format, "xlsx" | "csv") {
        return Err(AppError::bad_field(
            "format",
            format!("{format:?} is not xlsx or csv"),
        ));
    }
    let results = state.store.all_run_results(run.id, filter).await?;
    let rows = result_views(state, viewer, run, &results).await?;
    let lang = viewer.lang;
    let header = [
        lang.pick("基地编号", "base_id"),
        lang.pick("基地名称", "name"),
        lang.pick("省份", "province"),
        lang.pick("类别", "category"),
        lang.pick("星级", "stars"),
        lang.pick("综合得分", "score"),
        lang.pick("全国排名", "rank"),
        lang.pick("类别内排名", "category_rank"),
        lang.pick("排名区间下限(P5)", "rank_p05"),
        lang.pick("排名区间上限(P95)", "rank_p95"),
        lang.pick("一票否决", "vetoed"),
        lang.pick("模拟数据", "synthetic"),
    ];
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            vec![
                Cell::Number(r.base_id as f64),
                Cell::Text(r.name.clone()),
                Cell::Text(r.province_name.clone()),
                Cell::Text(r.category_name.clone()),
                r.stars.map_or(Cell::Empty, |s| Cell::Number(s as f64)),
                Cell::from(r.score),
                Cell::from(r.national_rank),
                Cell::from(r.category_rank),
                Cell::from(r.rank_p05),
                Cell::from(r.rank_p95),
                r.vetoed.map_or(Cell::Empty, |v| {
                    Cell::Text(
                        if v {
                            lang.pick("是", "yes")
                        } else {
                            lang.pick("否", "no")
                        }
                        .into(),
                    )
                }),
                Cell::Text(
                    if r.synthetic {
                        lang.pick("是", "yes")
                    } else {
                        lang.pick("否", "no")
                    }
                    .into(),
                ),
            ]
        })
        .collect();
    let name = format!("jidi-evaluation-{}-{}", run.year, run.id);
    if format == "xlsx" {
        let bytes = jidi_tabular::write_xlsx(&format!("{}", run.year), &header, &cells)
            .map_err(|e| AppError::Internal(e.into()))?;
        Ok((
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}.xlsx\""),
                ),
            ],
            bytes,
        )
            .into_response())
    } else {
        let bytes =
            jidi_tabular::write_csv(&header, &cells).map_err(|e| AppError::Internal(e.into()))?;
        Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}.csv\""),
                ),
            ],
            bytes,
        )
            .into_response())
    }
}

/// A full scorecard.
#[derive(Serialize, ToSchema)]
pub struct Scorecard {
    /// The row.
    pub result: ResultView,
    /// Dimension scores with the peer-group median and best.
    #[schema(value_type = Vec<Object>)]
    pub dimensions: Vec<DimensionScore>,
    /// Indicator contributions against the peer-group median.
    #[schema(value_type = Vec<Object>)]
    pub contributions: Vec<Contribution>,
    /// What it would take to gain a star, and the change from last year.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    /// Category rank interval `[p05, p95]`.
    pub category_rank_interval: Option<[f64; 2]>,
    /// Stars in every published year `(year, stars)`.
    pub star_history: Vec<(i32, i32)>,
}

/// Loads a full scorecard the viewer may see.
pub async fn scorecard(
    state: &AppState,
    viewer: &Viewer,
    run: &RunRecord,
    base_id: i64,
) -> Result<Scorecard, AppError> {
    let base = state
        .store
        .base(base_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("base {base_id}")))?;
    if !full_view(viewer.who(), &base, run.status) {
        AppError::check(access::can_view_base_data(viewer.who(), scope(&base)))?;
        return Err(AppError::Forbidden);
    }
    let not_found = || AppError::NotFound(format!("base {base_id} in evaluation {}", run.id));
    let r = state
        .store
        .run_result(run.id, base_id)
        .await?
        .ok_or_else(not_found)?;
    let parts = state
        .store
        .result_details(run.id, base_id)
        .await?
        .ok_or_else(not_found)?;
    let view = result_view(state, viewer, run, &base, &r);
    let history = state
        .store
        .base_published_history(base_id)
        .await?
        .into_iter()
        .filter_map(|(y, r)| r.stars.map(|s| (y, s)))
        .collect();
    Ok(Scorecard {
        result: view,
        dimensions: serde_json::from_str(&parts.dimension_scores).unwrap_or_default(),
        contributions: serde_json::from_str(&parts.contributions).unwrap_or_default(),
        details: serde_json::from_str(&parts.details).unwrap_or_default(),
        category_rank_interval: r
            .category_rank_p05
            .zip(r.category_rank_p95)
            .map(|(a, b)| [a, b]),
        star_history: history,
    })
}

/// A base's full scorecard in a run (the base itself, its province, evaluators, the ministry).
#[utoipa::path(get, path = "/api/v1/evaluations/{id}/results/{base_id}", tag = "evaluation",
    params(("id" = i64, Path, description = "Run id"), ("base_id" = i64, Path, description = "Base id")),
    responses((status = 200, body = Scorecard), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_scorecard(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, base_id)): Path<(String, String)>,
) -> ApiResult<axum::Json<Scorecard>> {
    let id = parse_id(&id, "id")?;
    let base_id = parse_id(&base_id, "base_id")?;
    let run = visible_run(&state, &viewer, id).await?;
    Ok(axum::Json(scorecard(&state, &viewer, &run, base_id).await?))
}

/// A scheme as listed.
#[derive(Serialize, ToSchema)]
pub struct SchemeView {
    /// Id.
    pub id: i64,
    /// Year.
    pub year: i32,
    /// Version within the year.
    pub version: i32,
    /// Name.
    pub name: String,
    /// SHA-256 of its canonical JSON.
    pub content_hash: String,
    /// The scheme it was copied from.
    pub based_on: Option<i64>,
    /// The year's default.
    pub is_default: bool,
    /// Used by a published evaluation (immutable, never removed).
    pub locked: bool,
    /// Created (RFC 3339).
    pub created_at: String,
}

/// The view of a scheme record.
pub fn scheme_view(s: &SchemeRecord) -> SchemeView {
    SchemeView {
        id: s.id,
        year: s.year,
        version: s.version,
        name: s.name.clone(),
        content_hash: s.content_hash.clone(),
        based_on: s.based_on,
        is_default: s.is_default,
        locked: s.locked,
        created_at: s.created_at.to_rfc3339(),
    }
}

/// Whether `viewer` may see `scheme`: evaluators and the ministry always; others once published.
pub fn can_see_scheme(viewer: &Viewer, s: &SchemeRecord) -> bool {
    s.locked || access::can_run_trials(viewer.who()).granted()
}

/// Year filter.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// Year.
    pub year: Option<String>,
}

/// Lists schemes (unpublished ones only for evaluators and the ministry).
#[utoipa::path(get, path = "/api/v1/schemes", tag = "evaluation", params(YearQuery),
    responses((status = 200, body = Vec<SchemeView>), (status = 400, body = ErrorBody)))]
pub async fn list_schemes(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<axum::Json<Vec<SchemeView>>> {
    let year = parse_opt(&q.year, "year", |v| v.parse::<i32>().ok(), "a year")?;
    let schemes = state.store.schemes(year).await?;
    Ok(axum::Json(
        schemes
            .iter()
            .filter(|s| can_see_scheme(&viewer, s))
            .map(scheme_view)
            .collect(),
    ))
}

/// Scheme format query.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SchemeFormatQuery {
    /// `json` (the scheme as a JSON object, default) or `toml` (a file to download and edit).
    pub format: Option<String>,
}

/// A scheme's definition.
#[utoipa::path(get, path = "/api/v1/schemes/{id}", tag = "evaluation",
    params(("id" = i64, Path, description = "Scheme id"), SchemeFormatQuery),
    responses((status = 200, description = "The scheme (JSON, or TOML with format=toml)"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_scheme(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<SchemeFormatQuery>,
) -> ApiResult<Response> {
    let id = parse_id(&id, "id")?;
    let record = state
        .store
        .scheme(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("scheme {id}")))?;
    if !can_see_scheme(&viewer, &record) {
        AppError::check(access::can_run_trials(viewer.who()))?;
    }
    let scheme = service::scheme_of(&record)?;
    match q.format.as_deref() {
        None | Some("json") => {
            Ok(axum::Json(serde_json::to_value(&scheme).unwrap_or_default()).into_response())
        }
        Some("toml") => Ok((
            [
                (
                    header::CONTENT_TYPE,
                    "application/toml; charset=utf-8".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"scheme-{}-v{}.toml\"",
                        record.year, record.version
                    ),
                ),
            ],
            scheme.to_text(SchemeFormat::Toml),
        )
            .into_response()),
        Some(other) => {
            Err(AppError::bad_field("format", format!("{other:?} is not json or toml")).into())
        }
    }
}

/// Creates a scheme version from a TOML or JSON file (evaluators and the ministry). Problems are
/// listed with their paths (422).
#[utoipa::path(post, path = "/api/v1/schemes", tag = "evaluation",
    request_body(content = String, content_type = "application/toml", description = "The scheme as TOML or JSON"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 201, body = SchemeView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, description = "Invalid scheme: every problem with its path in `error.fields`", body = ErrorBody)))]
pub async fn create_scheme(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    AppError::check(access::can_run_trials(viewer.who()))?;
    viewer.check_csrf(csrf(&headers))?;
    let text = String::from_utf8_lossy(&body).to_string();
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    match save_scheme_text(
        &state,
        &viewer,
        if is_json {
            "scheme.json"
        } else {
            "scheme.toml"
        },
        &text,
        None,
    )
    .await
    {
        Ok(record) => Ok((StatusCode::CREATED, axum::Json(scheme_view(&record))).into_response()),
        Err(problems) => Err(AppError::scheme_rejected(problems).into()),
    }
}

/// Parses, validates and stores a scheme file as a new version.
pub async fn save_scheme_text(
    state: &AppState,
    viewer: &Viewer,
    file: &str,
    text: &str,
    based_on: Option<i64>,
) -> Result<SchemeRecord, Vec<String>> {
    let scheme = service::parse_scheme(file, text)?;
    service::save_scheme(&state.store, &scheme, based_on, false, viewer.user_id())
        .await
        .map_err(|e| vec![e.to_string()])
}

/// Makes a scheme its year's default (ministry).
#[utoipa::path(post, path = "/api/v1/schemes/{id}/default", tag = "evaluation",
    params(("id" = i64, Path, description = "Scheme id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn set_default_scheme(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = parse_id(&id, "id")?;
    AppError::check(access::can_publish(viewer.who()))?;
    viewer.check_csrf(csrf(&headers))?;
    state.store.set_default_scheme(id, viewer.user_id()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Proposal filters.
#[derive(Deserialize, Serialize, IntoParams, Default, Clone)]
#[into_params(parameter_in = Query)]
pub struct ProposalQuery {
    /// `pending`, `accepted` or `rejected`.
    pub status: Option<String>,
    /// Year.
    pub year: Option<String>,
    /// `promotion`, `warning`, `rectification` or `exit`.
    pub kind: Option<String>,
    /// Page from 1.
    pub page: Option<String>,
    /// Interface language.
    pub lang: Option<String>,
}

/// A proposal.
#[derive(Serialize, ToSchema)]
pub struct ProposalView {
    /// Id.
    pub id: i64,
    /// Base.
    pub base_id: i64,
    /// Base name.
    pub base_name: String,
    /// Province name.
    pub province_name: String,
    /// Year.
    pub year: i32,
    /// Kind code.
    pub kind: String,
    /// Kind name.
    pub kind_name: String,
    /// Rule code.
    pub rule: String,
    /// Tier when proposed (`cultivating`, `provincial`, `national`, `excellence`).
    pub from_tier: String,
    /// Tier when proposed, named.
    pub from_tier_name: String,
    /// Target tier of a promotion.
    pub to_tier: Option<String>,
    /// Target tier, named.
    pub to_tier_name: Option<String>,
    /// Rectification deadline.
    pub deadline: Option<String>,
    /// Reasons.
    pub reasons: Vec<String>,
    /// `pending`, `accepted`, `rejected`.
    pub status: String,
    /// Decision reason.
    pub decision_reason: Option<String>,
    /// Decided (RFC 3339).
    pub decided_at: Option<String>,
    /// Whether the viewer may decide it.
    pub can_decide: bool,
}

/// Views of proposals, their bases read in one query.
pub async fn proposal_views(
    state: &AppState,
    viewer: &Viewer,
    rows: &[ProposalRecord],
) -> Result<Vec<ProposalView>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|p| p.base_id).collect();
    let bases = state.store.bases_by_ids(&ids).await?;
    Ok(rows
        .iter()
        .map(|p| proposal_view(viewer, p, bases.get(&p.base_id)))
        .collect())
}

/// One page (50) of the proposals in the viewer's scope, with the total and the page number.
pub async fn proposals_page(
    state: &AppState,
    viewer: &Viewer,
    q: &ProposalQuery,
) -> Result<(Vec<ProposalView>, i64, u32), AppError> {
    let (filter, page) = proposal_scope(viewer, q)?;
    let (rows, total) = state
        .store
        .proposals(
            &filter,
            Page {
                offset: (page - 1) * 50,
                limit: 50,
            },
        )
        .await?;
    Ok((proposal_views(state, viewer, &rows).await?, total, page))
}

/// The view of a proposal on `base` (`None` when the base is gone).
fn proposal_view(viewer: &Viewer, p: &ProposalRecord, base: Option<&Base>) -> ProposalView {
    let lang = viewer.lang;
    let can_decide = p.status == "pending"
        && base.is_some_and(|b| {
            access::can_decide(
                viewer.who(),
                scope(b),
                p.to_tier.or(if p.kind == ProposalKind::Exit {
                    None
                } else {
                    Some(b.facts.tier)
                }),
            )
            .granted()
        });
    ProposalView {
        id: p.id,
        base_id: p.base_id,
        base_name: base.map(|b| b.facts.name.clone()).unwrap_or_default(),
        province_name: base
            .and_then(|b| jidi_domain::reference::Regions::get().province(&b.facts.province_code))
            .map(|x| x.name.clone())
            .unwrap_or_default(),
        year: p.year,
        kind: p.kind.code().into(),
        kind_name: lang.pick(p.kind.name_zh(), p.kind.name_en()).into(),
        rule: p.rule.clone(),
        from_tier: p.from_tier.code().into(),
        from_tier_name: tier_name(p.from_tier, lang),
        to_tier: p.to_tier.map(|t| t.code().into()),
        to_tier_name: p.to_tier.map(|t| tier_name(t, lang)),
        deadline: p.deadline.map(|d| d.to_string()),
        reasons: p.reasons.clone(),
        status: p.status.clone(),
        decision_reason: p.decision_reason.clone(),
        decided_at: p.decided_at.map(|t| t.to_rfc3339()),
        can_decide,
    }
}

/// The proposal filter for a viewer (401 for the public; a province sees its own; a base its own).
pub fn proposal_scope(
    viewer: &Viewer,
    q: &ProposalQuery,
) -> Result<(ProposalFilter, u32), AppError> {
    let p = viewer.principal.as_ref().ok_or(AppError::Unauthorized)?;
    let mut filter = ProposalFilter {
        status: parse_opt(
            &q.status,
            "status",
            |v| matches!(v, "pending" | "accepted" | "rejected").then(|| v.to_string()),
            "pending, accepted or rejected",
        )?,
        year: parse_opt(&q.year, "year", |v| v.parse::<i32>().ok(), "a year")?,
        kind: parse_opt(
            &q.kind,
            "kind",
            ProposalKind::parse,
            "promotion, warning, rectification or exit",
        )?,
        ..ProposalFilter::default()
    };
    match p.role {
        Role::Ministry | Role::Evaluator => {}
        Role::Province => filter.province = p.province_code.clone(),
        Role::Base => filter.base_id = Some(p.base_id.unwrap_or(-1)),
    }
    let page = parse_opt(
        &q.page,
        "page",
        |v| v.parse::<u32>().ok().filter(|x| *x > 0),
        "a positive integer",
    )?
    .unwrap_or(1);
    Ok((filter, page))
}

/// A page of proposals.
#[derive(Serialize, ToSchema)]
pub struct ProposalsResponse {
    /// Proposals.
    pub items: Vec<ProposalView>,
    /// Total matching.
    pub total: i64,
    /// Page.
    pub page: u32,
}

/// Proposals of dynamic management within the viewer's scope.
#[utoipa::path(get, path = "/api/v1/proposals", tag = "management", params(ProposalQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = ProposalsResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list_proposals(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<ProposalQuery>,
) -> ApiResult<axum::Json<ProposalsResponse>> {
    let (items, total, page) = proposals_page(&state, &viewer, &q).await?;
    Ok(axum::Json(ProposalsResponse { items, total, page }))
}

/// A decision.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// Accept (true) or reject (false).
    pub accept: bool,
    /// The written reason.
    pub reason: String,
}

/// Decides a proposal with a written reason: the ministry decides everything, a province the
/// changes among its own tiers. An accepted promotion or exit changes the tier history.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/decision", tag = "management", request_body = DecisionRequest,
    params(("id" = i64, Path, description = "Proposal id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = ProposalView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn decide_proposal(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DecisionRequest>,
) -> ApiResult<axum::Json<ProposalView>> {
    let id = parse_id(&id, "id")?;
    viewer.check_csrf(csrf(&headers))?;
    let p = decide(&state, &viewer, id, body.accept, &body.reason).await?;
    let base = state.store.base(p.base_id).await?;
    Ok(axum::Json(proposal_view(&viewer, &p, base.as_ref())))
}

/// Checks scope and decides; shared by the API and the page.
pub async fn decide(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    accept: bool,
    reason: &str,
) -> Result<ProposalRecord, AppError> {
    let p = state
        .store
        .proposal(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("proposal {id}")))?;
    let base = state
        .store
        .base(p.base_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("base {}", p.base_id)))?;
    let target = match p.kind {
        ProposalKind::Exit => None,
        ProposalKind::Promotion => p.to_tier,
        _ => Some(base.facts.tier),
    };
    AppError::check(access::can_decide(viewer.who(), scope(&base), target))?;
    if reason.trim().is_empty() {
        return Err(AppError::invalid(vec![FieldError {
            field: "reason".into(),
            message: "a written reason is required".into(),
        }]));
    }
    management::decide(&state.store, id, accept, reason, viewer.user_id())
        .await
        .map_err(|e| match e {
            management::ManagementError::Store(s) => s.into(),
            other => AppError::Internal(anyhow::anyhow!(other)),
        })
}

/// The rules of dynamic management in force.
#[utoipa::path(get, path = "/api/v1/rules", tag = "management",
    responses((status = 200, description = "The rule table", body = Object)))]
pub async fn get_rules(State(state): State<AppState>) -> ApiResult<axum::Json<serde_json::Value>> {
    let rules = management::rules(&state.store)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok(axum::Json(serde_json::to_value(&rules).unwrap_or_default()))
}

/// Replaces the rules (ministry); problems are listed (422).
#[utoipa::path(put, path = "/api/v1/rules", tag = "management", request_body(content = Object, description = "The rule table"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_rules(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    ApiJson(rules): ApiJson<RuleSet>,
) -> ApiResult<StatusCode> {
    AppError::check(access::can_publish(viewer.who()))?;
    viewer.check_csrf(csrf(&headers))?;
    management::set_rules(&state.store, &rules, viewer.user_id())
        .await
        .map_err(|e| match e {
            management::ManagementError::Rules(m) => AppError::Unprocessable {
                message: m,
                fields: vec![],
            },
            management::ManagementError::Store(s) => s.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}

/// One event of a base's timeline.
#[derive(Serialize, ToSchema)]
pub struct TimelineEvent {
    /// Date (YYYY-MM-DD) or year.
    pub date: String,
    /// `tier`, `evaluation`, `proposal` or `incident`.
    pub kind: String,
    /// What happened.
    pub title: String,
    /// Why, or details.
    pub detail: String,
}

/// A base's timeline: tier changes, published ratings, proposals and decisions (within scope),
/// and incidents (within scope), oldest first.
/// The caller passes the tier history and published ratings it has already loaded.
pub async fn timeline(
    state: &AppState,
    viewer: &Viewer,
    base: &Base,
    tiers: &[jidi_domain::roll::TierChange],
    ratings: &[(i32, ResultRecord)],
) -> Result<Vec<TimelineEvent>, AppError> {
    let lang = viewer.lang;
    let mut events = Vec::new();
    for h in tiers.iter().cloned() {
        let title = match (h.from, h.to) {
            (None, Some(t)) => format!(
                "{} {}",
                crate::i18n::t(lang, "timeline.entered"),
                tier_name(t, lang)
            ),
            (Some(f), Some(t)) => format!("{} → {}", tier_name(f, lang), tier_name(t, lang)),
            (Some(_), None) | (None, None) => crate::i18n::t(lang, "timeline.withdrawn"),
        };
        events.push(TimelineEvent {
            date: h.on.to_string(),
            kind: "tier".into(),
            title,
            detail: h.note,
        });
    }
    for (year, r) in ratings.iter().cloned() {
        let stars = r.stars.unwrap_or(0).clamp(0, 5) as usize;
        let mut detail = String::new();
        if r.vetoed {
            detail = format!(
                "{}：{}",
                crate::i18n::t(lang, "evaluation.vetoed"),
                r.veto_reason.unwrap_or_default()
            );
        }
        events.push(TimelineEvent {
            date: format!("{year}-12-31"),
            kind: "evaluation".into(),
            title: format!(
                "{year} {} {}",
                crate::i18n::t(lang, "evaluation.rating"),
                "★".repeat(stars)
            ),
            detail,
        });
    }
    if access::can_view_base_data(viewer.who(), scope(base)).granted() {
        let (proposals, _) = state
            .store
            .proposals(
                &ProposalFilter {
                    base_id: Some(base.id),
                    ..ProposalFilter::default()
                },
                Page::first(200),
            )
            .await?;
        for p in proposals {
            let kind = lang.pick(p.kind.name_zh(), p.kind.name_en());
            let status = crate::i18n::t(lang, &format!("proposal.status.{}", p.status));
            events.push(TimelineEvent {
                date: p.decided_at.map_or_else(
                    || p.created_at.date_naive().to_string(),
                    |d| d.date_naive().to_string(),
                ),
                kind: "proposal".into(),
                title: format!("{kind}（{}）· {status}", p.rule),
                detail: format!(
                    "{}{}",
                    p.reasons.join("；"),
                    p.decision_reason
                        .map(|r| format!(" — {r}"))
                        .unwrap_or_default()
                ),
            });
        }
        for (kind, on, description, _) in state.store.base_incidents(base.id).await? {
            let name = jidi_domain::incident::IncidentKind::parse(&kind)
                .map_or(kind.clone(), |k| k.name_zh().to_string());
            events.push(TimelineEvent {
                date: on.to_string(),
                kind: "incident".into(),
                title: name,
                detail: description,
            });
        }
    }
    events.sort_by(|a, b| a.date.cmp(&b.date));
    Ok(events)
}

/// A base's timeline.
#[utoipa::path(get, path = "/api/v1/bases/{id}/timeline", tag = "management",
    params(("id" = i64, Path, description = "Base id")),
    responses((status = 200, body = Vec<TimelineEvent>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_base_timeline(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Vec<TimelineEvent>>> {
    let id = parse_id(&id, "id")?;
    let base = super::bases::visible_base(&state, &viewer, id).await?;
    let tiers = state.store.tier_history(base.id).await?;
    let ratings = state.store.base_published_history(base.id).await?;
    Ok(axum::Json(
        timeline(&state, &viewer, &base, &tiers, &ratings).await?,
    ))
}

/// An incident report.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentRequest {
    /// `safety_major`, `safety_serious`, `environment_level1` or `environment_level2`.
    pub kind: String,
    /// Date (YYYY-MM-DD).
    pub on: String,
    /// Description.
    pub description: String,
}

/// Records an incident (the ministry, or the base's province); vetoing kinds cap the year's stars.
#[utoipa::path(post, path = "/api/v1/bases/{id}/incidents", tag = "management", request_body = IncidentRequest,
    params(("id" = i64, Path, description = "Base id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 201), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_incident(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<IncidentRequest>,
) -> ApiResult<StatusCode> {
    let id = parse_id(&id, "id")?;
    let base = super::bases::visible_base(&state, &viewer, id).await?;
    let allowed = viewer.principal.as_ref().is_some_and(|p| {
        p.role == Role::Ministry
            || (p.role == Role::Province
                && p.province_code.as_deref() == Some(base.facts.province_code.as_str()))
    });
    if !allowed {
        return Err(if viewer.principal.is_some() {
            AppError::Forbidden
        } else {
            AppError::Unauthorized
        }
        .into());
    }
    viewer.check_csrf(csrf(&headers))?;
    let mut errors = Vec::new();
    let kind = jidi_domain::incident::IncidentKind::parse(&body.kind);
    if kind.is_none() {
        errors.push(FieldError {
            field: "kind".into(),
            message: format!("{:?} is not an incident kind", body.kind),
        });
    }
    let on = jidi_domain::import::parse_date(&body.on);
    match on {
        None => errors.push(FieldError {
            field: "on".into(),
            message: format!("{:?} is not a date", body.on),
        }),
        Some(d) if d > today() => errors.push(FieldError {
            field: "on".into(),
            message: format!("{d} is in the future"),
        }),
        _ => {}
    }
    if body.description.trim().is_empty() {
        errors.push(FieldError {
            field: "description".into(),
            message: "a description is required".into(),
        });
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors).into());
    }
    state
        .store
        .add_incident(
            id,
            kind.expect("checked"),
            on.expect("checked"),
            body.description.trim(),
            viewer.user_id(),
        )
        .await?;
    Ok(StatusCode::CREATED)
}

/// Star counts of runs by year, for charts: `year → [1★ … 5★]`.
pub fn star_counts_by_year(runs: &[RunRecord]) -> HashMap<i32, Vec<i64>> {
    runs.iter()
        .filter(|r| r.status == RunStatus::Published)
        .map(|r| (r.year, run_view(r).star_counts))
        .collect()
}

/// Used by scheme forms.
pub fn default_scheme_for(year: i32) -> Scheme {
    Scheme::national_default(year)
}
