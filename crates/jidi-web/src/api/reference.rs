//! Reference data and roll statistics.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jidi_domain::access;
use jidi_domain::engine::normalise::Direction;
use jidi_domain::reference::{Regions, STRATEGIES};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::extract::ApiJson;
use crate::auth::Viewer;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::state::AppState;
use crate::views::region_name;

/// A category or sub-type.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct CategoryView {
    /// Code.
    pub code: String,
    /// Parent category code (sub-types).
    pub parent: Option<String>,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
}

/// Categories and sub-types.
#[utoipa::path(get, path = "/api/v1/categories", tag = "reference",
    responses((status = 200, body = Vec<CategoryView>)))]
pub async fn list_categories(State(state): State<AppState>) -> axum::Json<Vec<CategoryView>> {
    axum::Json(
        state
            .categories()
            .iter()
            .map(|c| CategoryView {
                code: c.code.clone(),
                parent: c.parent.clone(),
                name_zh: c.name_zh.clone(),
                name_en: c.name_en.clone(),
            })
            .collect(),
    )
}

/// Adds a category or sub-type (ministry).
#[utoipa::path(post, path = "/api/v1/categories", tag = "reference", request_body = CategoryView,
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = 201, body = CategoryView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
    ))]
pub async fn create_category(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: ApiJson<CategoryView>,
) -> ApiResult<Response> {
    AppError::check(access::can_edit_roll(viewer.who()))?;
    viewer.check_csrf(headers.get("x-csrf-token").and_then(|v| v.to_str().ok()))?;
    let body = body.parse()?;
    let category = jidi_domain::roll::new_category(
        &body.code,
        body.parent.as_deref(),
        &body.name_zh,
        &body.name_en,
        &state.categories(),
    )
    .map_err(AppError::invalid)?;
    state
        .store
        .add_category(&category, viewer.user_id())
        .await?;
    state.reload_categories().await?;
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
}

/// A province with its prefectures.
#[derive(Serialize, ToSchema)]
pub struct ProvinceView {
    /// GB/T 2260 code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Region code.
    pub region: String,
    /// Region name.
    pub region_name: String,
    /// Strategy codes.
    pub strategies: Vec<String>,
    /// Prefectures `(code, name)`.
    pub prefectures: Vec<(String, String)>,
}

/// A national strategy.
#[derive(Serialize, ToSchema)]
pub struct StrategyView {
    /// Code.
    pub code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
}

/// Provinces, prefectures and strategies.
#[derive(Serialize, ToSchema)]
pub struct RegionsResponse {
    /// Provinces.
    pub provinces: Vec<ProvinceView>,
    /// Strategies.
    pub strategies: Vec<StrategyView>,
}

/// GB/T 2260 provinces and prefectures, macro-regions and strategy tags.
#[utoipa::path(get, path = "/api/v1/regions", tag = "reference",
    responses((status = 200, body = RegionsResponse)))]
pub async fn list_regions(viewer: Viewer) -> axum::Json<RegionsResponse> {
    let r = Regions::get();
    axum::Json(RegionsResponse {
        provinces: r
            .provinces
            .iter()
            .map(|p| ProvinceView {
                code: p.code.clone(),
                name: p.name.clone(),
                region: p.region.code().into(),
                region_name: region_name(p.region.code(), viewer.lang),
                strategies: jidi_domain::reference::strategies_of(&p.code)
                    .iter()
                    .map(|s| s.code.into())
                    .collect(),
                prefectures: r
                    .prefectures_of(&p.code)
                    .map(|x| (x.code.clone(), x.name.clone()))
                    .collect(),
            })
            .collect(),
        strategies: STRATEGIES
            .iter()
            .map(|s| StrategyView {
                code: s.code.into(),
                name_zh: s.name_zh.into(),
                name_en: s.name_en.into(),
            })
            .collect(),
    })
}

/// An indicator of the catalogue.
#[derive(Serialize, ToSchema)]
pub struct IndicatorView {
    /// Code.
    pub code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Unit.
    pub unit: String,
    /// `annual` or `monthly`.
    pub frequency: String,
    /// Monthly figures are year-to-date.
    pub cumulative: bool,
    /// 1 = higher is better, -1 = lower is better.
    pub direction: i8,
    /// Dimension code.
    pub dimension: String,
    /// Formula.
    pub formula: String,
    /// Category codes it applies to (empty = all).
    pub applies_to: Vec<String>,
    /// `active` or `retired`.
    pub status: String,
}

/// The indicators of the current catalogue (`GET /api/v1/catalogue` has every column and
/// every version).
#[utoipa::path(get, path = "/api/v1/indicators", tag = "reference",
    responses((status = 200, body = Vec<IndicatorView>)))]
pub async fn list_indicators(
    State(state): State<AppState>,
) -> ApiResult<axum::Json<Vec<IndicatorView>>> {
    let (_, catalogue) = state.store.current_catalogue().await?;
    Ok(axum::Json(
        catalogue
            .entries()
            .iter()
            .map(|e| IndicatorView {
                code: e.spec.code.clone(),
                name_zh: e.spec.name_zh.clone(),
                name_en: e.name_en.clone(),
                unit: e.spec.unit.clone(),
                frequency: e.spec.frequency.code().into(),
                cumulative: e.spec.cumulative,
                direction: if e.direction == Direction::Cost {
                    -1
                } else {
                    1
                },
                dimension: e.dimension.clone(),
                formula: e.formula.clone(),
                applies_to: e.applies_to.clone(),
                status: e.status.code().into(),
            })
            .collect(),
    ))
}

/// Roll statistics.
#[derive(Serialize, ToSchema)]
pub struct StatsResponse {
    /// Current bases by tier.
    pub by_tier: Vec<(String, i64)>,
    /// Current national bases by category.
    pub by_category: Vec<(String, i64)>,
    /// Current national bases by series.
    pub by_series: Vec<(String, i64)>,
    /// Current national bases by region.
    pub by_region: Vec<(String, i64)>,
    /// Current national bases by province.
    pub by_province: Vec<(String, i64)>,
    /// National designations by year.
    pub designations_by_year: Vec<(i32, i64)>,
    /// Withdrawn national bases.
    pub withdrawn: i64,
    /// Whether the database holds synthetic demo data.
    pub synthetic_demo: bool,
}

/// Counts by tier, category, series, region and province, and designations by year, within the
/// caller's scope.
#[utoipa::path(get, path = "/api/v1/stats", tag = "roll",
    responses((status = 200, body = StatsResponse)))]
pub async fn get_stats(
    State(state): State<AppState>,
    viewer: Viewer,
) -> ApiResult<axum::Json<StatsResponse>> {
    let c = state
        .store
        .counts(&access::list_scope(viewer.who()))
        .await?;
    Ok(axum::Json(StatsResponse {
        by_tier: c.by_tier,
        by_category: c.by_category,
        by_series: c.by_series,
        by_region: c.by_region,
        by_province: c.by_province,
        designations_by_year: c.designations_by_year,
        withdrawn: c.withdrawn,
        synthetic_demo: state.demo,
    }))
}
