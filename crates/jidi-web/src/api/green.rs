//! Green and safe (C6) through the API: a year's energy by fuel, CO₂, intensities, water, green
//! factories, incidents and target progress of the viewer's scope, and its XLSX export.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jidi_tabular::Cell;

use crate::api::extract::ApiQuery;
use crate::api::monitoring::opt;
use crate::auth::Viewer;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::reads::green::{GreenQuery, GreenResponse, green_view};
use crate::state::AppState;

/// Energy by fuel (coal, oil, gas, electricity, heat: 1–12月 totals of the year), CO₂ with the
/// emission factors in force, energy, carbon and water intensity per 万元 of value added, green
/// factories, incidents by kind and year, and progress against the default targets (−13.5 %
/// energy and −18 % carbon intensity over five years from the first year with data), of the
/// viewer's scope: the ministry and evaluators any, a province its own bases, a base itself.
/// Categories, provinces and bases are ranked by carbon intensity, lowest first.
#[utoipa::path(get, path = "/api/v1/green", tag = "monitoring", params(GreenQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = GreenResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_green(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<GreenQuery>,
) -> ApiResult<axum::Json<GreenResponse>> {
    Ok(axum::Json(green_view(&state, &viewer, &q).await?))
}

/// The header of the green export: one row per base of the scope.
pub const GREEN_EXPORT_HEADER: [&str; 20] = [
    "base_id",
    "base_name",
    "province",
    "category",
    "year",
    "coal_t",
    "oil_t",
    "natural_gas_10k_m3",
    "electricity_10k_kwh",
    "heat_gj",
    "energy_tce",
    "energy_reported_tce",
    "co2_t",
    "energy_intensity_tce_per_10k_yuan",
    "carbon_intensity_t_per_10k_yuan",
    "water_intensity_m3_per_10k_yuan",
    "green_factories",
    "energy_target_status",
    "carbon_target_status",
    "synthetic",
];

/// The green figures of every base of the scope (one year) as an XLSX workbook, in the order of
/// the API's `bases` (by carbon intensity).
#[utoipa::path(get, path = "/api/v1/green/export", tag = "monitoring", params(GreenQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, description = "XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn export_green(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<GreenQuery>,
) -> ApiResult<Response> {
    let view = green_view(&state, &viewer, &q).await?;
    let year = view.year.unwrap_or_default();
    let rows: Vec<Vec<Cell>> = view
        .bases
        .iter()
        .map(|b| {
            let f = &b.figures;
            let mut row = vec![
                Cell::Number(b.base_id as f64),
                Cell::Text(b.name.clone()),
                Cell::Text(b.province_name.clone()),
                Cell::Text(b.category_name.clone()),
                Cell::Number(f64::from(year)),
            ];
            row.extend(f.fuels.iter().map(|l| Cell::Number(l.physical)));
            row.extend([
                Cell::Number(f.energy_tce),
                Cell::Number(f.energy_reported_tce),
                Cell::Number(f.co2_t),
                opt(f.energy_intensity),
                opt(f.carbon_intensity),
                opt(f.water_intensity),
                opt((f.n_green > 0).then_some(f.green_factories)),
                b.energy_target
                    .as_ref()
                    .map_or(Cell::Empty, |t| Cell::Text(t.status.clone())),
                b.carbon_target
                    .as_ref()
                    .map_or(Cell::Empty, |t| Cell::Text(t.status.clone())),
                Cell::Text(if f.synthetic { "yes" } else { "no" }.into()),
            ]);
            row
        })
        .collect();
    let bytes = jidi_tabular::write_xlsx("green", &GREEN_EXPORT_HEADER, &rows)
        .map_err(AppError::internal)?;
    let name = format!("green-{year}.xlsx");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
