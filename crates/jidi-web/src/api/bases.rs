//! The roll through the API: list, get, create, update, withdraw, history, indicators, import and
//! export.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jidi_domain::access::{self, BaseScope};
use jidi_domain::import;
use jidi_domain::roll::{Base, BaseDraft, CategorySet, FieldError, Series, Status, Tier};
use jidi_tabular::Cell;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiJson, ApiQuery, parse_id};
use crate::auth::Viewer;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::views::{BaseListQuery, BaseView, base_view, tier_name};

/// A page of bases.
#[derive(Serialize, ToSchema)]
pub struct BaseListResponse {
    /// The bases of this page.
    pub items: Vec<BaseView>,
    /// Bases matching the filters in all.
    pub total: i64,
    /// Page number, from 1.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
}

/// The facts of a base to create or replace.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BaseRequest {
    /// Official name, `主导产业(细分)·地点`.
    pub name: String,
    /// GB/T 2260 province code.
    pub province_code: String,
    /// GB/T 2260 prefecture code.
    #[serde(default)]
    pub prefecture_code: Option<String>,
    /// Category code.
    pub category_code: String,
    /// Sub-type code.
    #[serde(default)]
    pub subcategory_code: Option<String>,
    /// `advantage` or `specialty`.
    #[serde(default)]
    pub series: Option<String>,
    /// `cultivating`, `provincial`, `national` or `excellence`.
    pub tier: String,
    /// Designation batch.
    #[serde(default)]
    pub batch: Option<i32>,
    /// Year designated.
    #[serde(default)]
    pub designated_year: Option<i32>,
    /// Date designated, YYYY-MM-DD.
    #[serde(default)]
    pub designated_on: Option<String>,
    /// Leading industries.
    #[serde(default)]
    pub leading_industries: Vec<String>,
    /// Managing body.
    #[serde(default)]
    pub managing_body: Option<String>,
    /// Area in km².
    #[serde(default)]
    pub area_km2: Option<f64>,
    /// Public source.
    #[serde(default)]
    pub source: Option<String>,
    /// Remarks.
    #[serde(default)]
    pub note: Option<String>,
    /// Whether the record is demo data.
    #[serde(default)]
    pub synthetic: bool,
}

impl BaseRequest {
    /// Converts to a draft, collecting every field problem (422), keeping `status`.
    pub fn to_draft(&self, state: &AppState, status: Status) -> Result<BaseDraft, AppError> {
        let mut errors = Vec::new();
        let tier = Tier::parse(&self.tier);
        if tier.is_none() {
            errors.push(FieldError {
                field: "tier".into(),
                message: format!(
                    "{:?} is not one of cultivating, provincial, national, excellence",
                    self.tier
                ),
            });
        }
        let series = match self
            .series
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(s) => match Series::parse(s) {
                Some(x) => Some(x),
                None => {
                    errors.push(FieldError {
                        field: "series".into(),
                        message: format!("{s:?} is not advantage or specialty"),
                    });
                    None
                }
            },
        };
        let designated_on = match self
            .designated_on
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(s) => match import::parse_date(s) {
                Some(d) => Some(d),
                None => {
                    errors.push(FieldError {
                        field: "designated_on".into(),
                        message: format!("{s:?} is not a date (YYYY-MM-DD)"),
                    });
                    None
                }
            },
        };
        let draft = BaseDraft {
            name: self.name.trim().to_string(),
            province_code: self.province_code.trim().to_string(),
            prefecture_code: self
                .prefecture_code
                .clone()
                .filter(|s| !s.trim().is_empty()),
            category_code: self.category_code.trim().to_string(),
            subcategory_code: self
                .subcategory_code
                .clone()
                .filter(|s| !s.trim().is_empty()),
            series,
            tier: tier.unwrap_or(Tier::National),
            batch: self.batch,
            designated_year: self.designated_year,
            designated_on,
            leading_industries: self
                .leading_industries
                .iter()
                .map(|s| s.trim().to_string())
                .collect(),
            managing_body: self.managing_body.clone().filter(|s| !s.trim().is_empty()),
            area_km2: self.area_km2,
            status,
            synthetic: self.synthetic,
            source: self.source.clone().filter(|s| !s.trim().is_empty()),
            note: self.note.clone().filter(|s| !s.trim().is_empty()),
        };
        let cats = state.categories();
        errors.extend(draft.validate(&CategorySet { categories: &cats }, today()));
        if errors.is_empty() {
            Ok(draft)
        } else {
            Err(AppError::invalid(errors))
        }
    }
}

pub use jidi_service::today;

/// A withdrawal.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawRequest {
    /// Date of withdrawal, YYYY-MM-DD.
    pub on: String,
    /// Reason (shown on the base's timeline).
    pub reason: String,
}

/// One step of a tier history.
#[derive(Serialize, ToSchema)]
pub struct TierChangeView {
    /// Tier before (`null` when the base entered the ladder).
    pub from: Option<String>,
    /// Tier after (`null` when the base was withdrawn).
    pub to: Option<String>,
    /// Tier before, named.
    pub from_name: Option<String>,
    /// Tier after, named.
    pub to_name: Option<String>,
    /// Effective date.
    pub on: String,
    /// The proposal whose acceptance made the change.
    pub proposal_id: Option<i64>,
    /// Document or reason.
    pub note: String,
}

pub(crate) fn scope(base: &Base) -> BaseScope<'_> {
    BaseScope {
        id: base.id,
        province_code: &base.facts.province_code,
        tier: base.facts.tier,
    }
}

/// Loads a base the viewer may see (404 when missing, 401/403 when out of scope).
pub(crate) async fn visible_base(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
) -> Result<Base, AppError> {
    let base = state
        .store
        .base(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("base {id}")))?;
    AppError::check(access::can_view_base(viewer.who(), scope(&base)))?;
    Ok(base)
}

fn csrf_header(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-csrf-token").and_then(|v| v.to_str().ok())
}

/// Lists bases with filters, sorting and paging. Anonymous users and out-of-province users see the
/// national roll only; provincial and cultivating lists are visible within scope.
#[utoipa::path(get, path = "/api/v1/bases", tag = "roll", params(BaseListQuery),
    responses(
        (status = 200, body = BaseListResponse),
        (status = 400, description = "A filter value is invalid", body = ErrorBody),
    ))]
pub async fn list_bases(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(query): ApiQuery<BaseListQuery>,
) -> ApiResult<axum::Json<BaseListResponse>> {
    let req = query.parse(&state)?;
    let scope = access::provincial_list_scope(viewer.who());
    let (bases, total) = state
        .store
        .list_bases(&req.filter, &scope, req.sort, req.order, req.store_page())
        .await?;
    let items = bases
        .iter()
        .map(|b| base_view(&state, b, viewer.lang))
        .collect();
    Ok(axum::Json(BaseListResponse {
        items,
        total,
        page: req.page,
        per_page: req.per_page,
    }))
}

/// One base.
#[utoipa::path(get, path = "/api/v1/bases/{id}", tag = "roll",
    params(("id" = i64, Path, description = "Base id")),
    responses(
        (status = 200, body = BaseView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
pub async fn get_base(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<BaseView>> {
    let id = parse_id(&id, "id")?;
    let base = visible_base(&state, &viewer, id).await?;
    Ok(axum::Json(base_view(&state, &base, viewer.lang)))
}

/// Creates a base (ministry).
#[utoipa::path(post, path = "/api/v1/bases", tag = "roll", request_body = BaseRequest,
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = 201, body = BaseView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "A base with this name exists", body = ErrorBody),
        (status = 422, description = "Field errors", body = ErrorBody),
    ))]
pub async fn create_base(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    ApiJson(body): ApiJson<BaseRequest>,
) -> ApiResult<Response> {
    AppError::check(access::can_edit_roll(viewer.who()))?;
    viewer.check_csrf(csrf_header(&headers))?;
    let draft = body.to_draft(&state, Status::Current)?;
    let id = state
        .store
        .create_base(&draft, viewer.user_id(), today())
        .await?;
    let base = state
        .store
        .base(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("base {id}")))?;
    let view = base_view(&state, &base, viewer.lang);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/bases/{id}"))],
        axum::Json(view),
    )
        .into_response())
}

/// Replaces the facts of a base (ministry). A change of tier is written to the history.
#[utoipa::path(put, path = "/api/v1/bases/{id}", tag = "roll", request_body = BaseRequest,
    params(("id" = i64, Path, description = "Base id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = 200, body = BaseView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
    ))]
pub async fn update_base(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<BaseRequest>,
) -> ApiResult<axum::Json<BaseView>> {
    let id = parse_id(&id, "id")?;
    AppError::check(access::can_edit_roll(viewer.who()))?;
    viewer.check_csrf(csrf_header(&headers))?;
    let before = state
        .store
        .base(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("base {id}")))?;
    let draft = body.to_draft(&state, before.facts.status.clone())?;
    let after = state
        .store
        .update_base(id, &draft, viewer.user_id(), today())
        .await?;
    Ok(axum::Json(base_view(&state, &after, viewer.lang)))
}

/// Withdraws a base from the roll (摘牌, ministry).
#[utoipa::path(post, path = "/api/v1/bases/{id}/withdraw", tag = "roll", request_body = WithdrawRequest,
    params(("id" = i64, Path, description = "Base id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = 200, body = BaseView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "Already withdrawn", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
pub async fn withdraw_base(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<WithdrawRequest>,
) -> ApiResult<axum::Json<BaseView>> {
    let id = parse_id(&id, "id")?;
    AppError::check(access::can_edit_roll(viewer.who()))?;
    viewer.check_csrf(csrf_header(&headers))?;
    let mut errors = Vec::new();
    let on = import::parse_date(&body.on);
    match on {
        None => errors.push(FieldError {
            field: "on".into(),
            message: format!("{:?} is not a date (YYYY-MM-DD)", body.on),
        }),
        Some(d) if d > today() => errors.push(FieldError {
            field: "on".into(),
            message: format!("{d} is in the future"),
        }),
        _ => {}
    }
    if body.reason.trim().is_empty() {
        errors.push(FieldError {
            field: "reason".into(),
            message: "a reason is required".into(),
        });
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors).into());
    }
    state
        .store
        .base(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("base {id}")))?;
    let after = state
        .store
        .withdraw_base(
            id,
            on.expect("checked"),
            body.reason.trim(),
            None,
            viewer.user_id(),
        )
        .await?;
    Ok(axum::Json(base_view(&state, &after, viewer.lang)))
}

/// The tier history of a base, oldest first.
#[utoipa::path(get, path = "/api/v1/bases/{id}/tier-history", tag = "roll",
    params(("id" = i64, Path, description = "Base id")),
    responses(
        (status = 200, body = Vec<TierChangeView>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
pub async fn list_tier_history(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Vec<TierChangeView>>> {
    let id = parse_id(&id, "id")?;
    visible_base(&state, &viewer, id).await?;
    let history = state.store.tier_history(id).await?;
    Ok(axum::Json(history_views(&history, viewer.lang)))
}

/// Tier history for display.
pub fn history_views(history: &[jidi_domain::roll::TierChange], lang: Lang) -> Vec<TierChangeView> {
    history
        .iter()
        .map(|h| TierChangeView {
            from: h.from.map(|t| t.code().into()),
            to: h.to.map(|t| t.code().into()),
            from_name: h.from.map(|t| tier_name(t, lang)),
            to_name: h.to.map(|t| tier_name(t, lang)),
            on: h.on.to_string(),
            proposal_id: h.proposal_id,
            note: h.note.clone(),
        })
        .collect()
}

/// Query of a base's indicator series.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorQuery {
    /// `annual` (default) or `monthly`.
    pub frequency: Option<String>,
    /// Comma-separated indicator codes (all when absent).
    pub codes: Option<String>,
    /// Monthly: first period `YYYYMM`.
    pub from: Option<String>,
}

/// One value of a series.
#[derive(Serialize, ToSchema)]
pub struct SeriesPoint {
    /// Year (annual) or period `YYYYMM` (monthly).
    pub period: i32,
    /// Value in the indicator's unit.
    pub value: f64,
}

/// One indicator's series for a base.
#[derive(Serialize, ToSchema)]
pub struct IndicatorSeries {
    /// Indicator code.
    pub code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Unit.
    pub unit: String,
    /// Whether monthly figures are year-to-date.
    pub cumulative: bool,
    /// Whether the values are demo data.
    pub synthetic: bool,
    /// Values in period order.
    pub points: Vec<SeriesPoint>,
}

/// Indicator values of a base (unpublished data: ministry, evaluators, the base's province and the
/// base itself).
#[utoipa::path(get, path = "/api/v1/bases/{id}/indicators", tag = "roll",
    params(("id" = i64, Path, description = "Base id"), IndicatorQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = 200, body = Vec<IndicatorSeries>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
pub async fn list_base_indicators(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<IndicatorQuery>,
) -> ApiResult<axum::Json<Vec<IndicatorSeries>>> {
    let id = parse_id(&id, "id")?;
    let base = visible_base(&state, &viewer, id).await?;
    AppError::check(access::can_view_base_data(viewer.who(), scope(&base)))?;
    let monthly = match q.frequency.as_deref() {
        None | Some("annual") => false,
        Some("monthly") => true,
        Some(other) => {
            return Err(AppError::bad_field(
                "frequency",
                format!("{other:?} is not annual or monthly"),
            )
            .into());
        }
    };
    let codes: Vec<String> = q
        .codes
        .as_deref()
        .map(|c| {
            c.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    for c in &codes {
        if jidi_domain::catalogue::indicator(c).is_none() {
            return Err(AppError::bad_field("codes", format!("unknown indicator {c:?}")).into());
        }
    }
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    Ok(axum::Json(
        series(&state, id, monthly, &refs, q.from.as_deref()).await?,
    ))
}

/// Loads a base's series.
pub async fn series(
    state: &AppState,
    id: i64,
    monthly: bool,
    codes: &[&str],
    from: Option<&str>,
) -> Result<Vec<IndicatorSeries>, AppError> {
    let mut out: Vec<IndicatorSeries> = Vec::new();
    let mut push = |code: &str, period: i32, value: f64, synthetic: bool| {
        if out.last().is_none_or(|s| s.code != code) {
            let ind = jidi_domain::catalogue::indicator(code);
            out.push(IndicatorSeries {
                code: code.into(),
                name_zh: ind.map(|i| i.name_zh.clone()).unwrap_or_default(),
                name_en: ind.map(|i| i.name_en.clone()).unwrap_or_default(),
                unit: ind.map(|i| i.unit.clone()).unwrap_or_default(),
                cumulative: ind.is_some_and(|i| i.cumulative),
                synthetic,
                points: Vec::new(),
            });
        }
        if let Some(s) = out.last_mut() {
            s.synthetic |= synthetic;
            s.points.push(SeriesPoint { period, value });
        }
    };
    if monthly {
        let from = match from {
            None => 0,
            Some(f) => f
                .parse::<i32>()
                .ok()
                .filter(|p| (190001..=210012).contains(p) && (1..=12).contains(&(p % 100)))
                .ok_or_else(|| {
                    AppError::bad_field("from", format!("{f:?} is not a period YYYYMM"))
                })?,
        };
        for p in state.store.monthly_values(id, codes, from).await? {
            push(&p.indicator, p.period, p.value, p.synthetic);
        }
    } else {
        for p in state.store.annual_values(id, codes).await? {
            push(&p.indicator, p.year, p.value, p.synthetic);
        }
    }
    Ok(out)
}

/// Result of an import.
#[derive(Serialize, ToSchema)]
pub struct ImportResponse {
    /// Ids of the bases created, in file order (empty on a dry run).
    pub created: Vec<i64>,
    /// Rows that passed every check.
    pub valid_rows: usize,
    /// Whether this was a dry run (nothing written).
    pub dry_run: bool,
}

/// Query of an import.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// File name (its extension tells CSV from XLSX when the content does not).
    pub file: Option<String>,
    /// Check only; write nothing.
    pub dry_run: Option<bool>,
}

/// Imports a roll file (CSV or XLSX as the raw body), all or nothing (ministry). On any problem
/// nothing is written and every problem is listed with its row, column and rule.
#[utoipa::path(post, path = "/api/v1/bases/import", tag = "roll", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "text/csv", description = "The file (CSV, UTF-8 or GB18030; or XLSX)"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = 201, description = "Imported", body = ImportResponse),
        (status = 200, description = "Dry run: every row passed", body = ImportResponse),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "Rejected; nothing written. `error.problems` lists every problem by row, column and rule", body = ErrorBody),
    ))]
pub async fn import_roll(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Bytes,
) -> ApiResult<Response> {
    AppError::check(access::can_edit_roll(viewer.who()))?;
    viewer.check_csrf(csrf_header(&headers))?;
    let file = q.file.unwrap_or_else(|| "upload.csv".into());
    let cats = state.categories();
    let dry_run = q.dry_run.unwrap_or(false);
    match jidi_service::roll::import_roll(
        &state.store,
        &cats,
        &file,
        &body,
        viewer.user_id(),
        dry_run,
    )
    .await
    {
        Ok(r) => {
            let status = if r.dry_run {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            };
            let body = ImportResponse {
                created: r.created,
                valid_rows: r.valid_rows,
                dry_run: r.dry_run,
            };
            Ok((status, axum::Json(body)).into_response())
        }
        Err(problems) => Err(AppError::import_rejected(problems).into()),
    }
}

/// The roll columns in export order.
pub const EXPORT_COLUMNS: [&str; 20] = [
    "id",
    "name",
    "province_code",
    "prefecture_code",
    "category_code",
    "subcategory_code",
    "series",
    "tier",
    "batch",
    "designated_year",
    "designated_on",
    "leading_industries",
    "managing_body",
    "area_km2",
    "status",
    "withdrawn_on",
    "withdrawn_reason",
    "synthetic",
    "source",
    "note",
];

/// A base as an export row (the columns of [`EXPORT_COLUMNS`]).
pub fn export_row(b: &Base) -> Vec<Cell> {
    let f = &b.facts;
    let text = |s: &Option<String>| s.clone().map_or(Cell::Empty, Cell::Text);
    let (w_on, w_reason) = match &f.status {
        Status::Current => (Cell::Empty, Cell::Empty),
        Status::Withdrawn { on, reason } => {
            (Cell::Text(on.to_string()), Cell::Text(reason.clone()))
        }
    };
    vec![
        Cell::Number(b.id as f64),
        Cell::Text(f.name.clone()),
        Cell::Text(f.province_code.clone()),
        text(&f.prefecture_code),
        Cell::Text(f.category_code.clone()),
        text(&f.subcategory_code),
        f.series
            .map_or(Cell::Empty, |s| Cell::Text(s.code().into())),
        Cell::Text(f.tier.code().into()),
        f.batch.map_or(Cell::Empty, |v| Cell::Number(v as f64)),
        f.designated_year
            .map_or(Cell::Empty, |v| Cell::Number(v as f64)),
        f.designated_on
            .map_or(Cell::Empty, |d| Cell::Text(d.to_string())),
        Cell::Text(f.leading_industries.join("；")),
        text(&f.managing_body),
        Cell::from(f.area_km2),
        Cell::Text(f.status.code().into()),
        w_on,
        w_reason,
        Cell::Text(f.synthetic.to_string()),
        text(&f.source),
        text(&f.note),
    ]
}

/// Every base visible to `viewer` that matches the list request, fetched page by page (no
/// whole-table query).
pub async fn visible_roll(
    state: &AppState,
    viewer: &Viewer,
    req: &crate::views::ListRequest,
) -> Result<Vec<Base>, AppError> {
    let scope = access::provincial_list_scope(viewer.who());
    Ok(state
        .store
        .all_bases(&req.filter, &scope, req.sort, req.order)
        .await?)
}

/// Exports the roll visible to the caller as CSV (UTF-8 with BOM), XLSX or JSON, with the list's
/// filters and sorting (`format` selects the file type).
#[utoipa::path(get, path = "/api/v1/bases/export", tag = "roll", params(BaseListQuery),
    responses(
        (status = 200, description = "The roll file", content_type = "text/csv"),
        (status = 400, body = ErrorBody),
    ))]
pub async fn export_roll(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<BaseListQuery>,
) -> ApiResult<Response> {
    let format = q.format.as_deref().unwrap_or("csv");
    if !matches!(format, "csv" | "xlsx" | "json") {
        return Err(
            AppError::bad_field("format", format!("{format:?} is not csv, xlsx or json")).into(),
        );
    }
    let req = q.parse(&state)?;
    let bases = visible_roll(&state, &viewer, &req).await?;
    render_roll(&state, &bases, format, viewer.lang).map_err(Into::into)
}

/// Renders bases as a download.
pub fn render_roll(
    state: &AppState,
    bases: &[Base],
    format: &str,
    lang: Lang,
) -> Result<Response, AppError> {
    let disposition = |ext: &str| format!("attachment; filename=\"jidi-roll.{ext}\"");
    match format {
        "json" => {
            let views: Vec<BaseView> = bases.iter().map(|b| base_view(state, b, lang)).collect();
            Ok((
                [(header::CONTENT_DISPOSITION, disposition("json"))],
                axum::Json(views),
            )
                .into_response())
        }
        "xlsx" => {
            let rows: Vec<Vec<Cell>> = bases.iter().map(export_row).collect();
            let bytes = jidi_tabular::write_xlsx("roll", &EXPORT_COLUMNS, &rows)
                .map_err(|e| AppError::Internal(e.into()))?;
            Ok((
                [
                    (
                        header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            .to_string(),
                    ),
                    (header::CONTENT_DISPOSITION, disposition("xlsx")),
                ],
                bytes,
            )
                .into_response())
        }
        _ => {
            let rows: Vec<Vec<Cell>> = bases.iter().map(export_row).collect();
            let bytes = jidi_tabular::write_csv(&EXPORT_COLUMNS, &rows)
                .map_err(|e| AppError::Internal(e.into()))?;
            Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (header::CONTENT_DISPOSITION, disposition("csv")),
                ],
                bytes,
            )
                .into_response())
        }
    }
}
