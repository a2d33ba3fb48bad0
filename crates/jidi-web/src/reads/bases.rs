//! Bases as every caller sees them: visibility, the roll for a viewer, tier history, indicator
//! series, and the roll as a download.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use jidi_domain::access::{self, BaseScope};
use jidi_domain::roll::{
    Base, BaseDraft, BaseField, CategorySet, FieldError, Series, Status, Tier,
};
use jidi_tabular::Cell;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::views::{BaseView, base_view, tier_name};
use jidi_service::roll::{EXPORT_COLUMNS, export_row};

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
    /// Fields of a real record that were generated because the source leaves them empty
    /// (`category_code`, `subcategory_code`, `series`, `batch`, `designated_year`, `designated_on`).
    #[serde(default)]
    pub generated_fields: Vec<String>,
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
            Some(s) => match jidi_domain::parse::parse_date(s) {
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
        if self.generated_fields.len() > BaseField::ALL.len() {
            errors.push(FieldError {
                field: "generated_fields".into(),
                message: format!("at most {} fields", BaseField::ALL.len()),
            });
        }
        let mut generated_fields = Vec::new();
        for f in self.generated_fields.iter().take(BaseField::ALL.len()) {
            match BaseField::parse(f) {
                Some(x) => generated_fields.push(x),
                None => errors.push(FieldError {
                    field: "generated_fields".into(),
                    message: format!(
                        "{:?} names no generated field (category_code, subcategory_code, series, batch, designated_year, designated_on)",
                        f.chars().take(40).collect::<String>()
                    ),
                }),
            }
        }
        generated_fields.sort();
        generated_fields.dedup();
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
            generated_fields,
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

/// A tier change's note as a page shows it: `(generated, typed)`. A note written for an accepted
/// proposal (`jidi_domain::rules::tier_change_note`) names the proposal's kind and number, which a
/// page in English shows in English, and the decision's reason as typed; any other note was typed
/// on the roll and is shown as typed. Pages mark the typed part as Chinese.
pub fn shown_note(h: &TierChangeView, lang: Lang) -> (String, String) {
    let parts = h
        .proposal_id
        .and_then(|id| jidi_domain::rules::tier_change_note_parts(&h.note, id).map(|p| (id, p)));
    match (lang, parts) {
        (Lang::En, Some((id, (kind, reason)))) => (
            format!("{} (proposal no. {id}): ", kind.name_en()),
            reason.to_string(),
        ),
        _ => (String::new(), h.note.clone()),
    }
}

/// What the access rules need to know about a base.
pub fn scope(base: &Base) -> BaseScope<'_> {
    BaseScope {
        id: base.id,
        province_code: &base.facts.province_code,
        tier: base.facts.tier,
    }
}

/// Loads a base the viewer may see (404 when missing, 401/403 when out of scope).
pub async fn visible_base(state: &AppState, viewer: &Viewer, id: i64) -> Result<Base, AppError> {
    let base = state
        .store
        .base(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("base {id}")))?;
    AppError::check(access::can_view_base(viewer.who(), scope(&base)))?;
    Ok(base)
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

/// Every base visible to `viewer` that matches the list request, fetched page by page (no
/// whole-table query).
pub async fn visible_roll(
    state: &AppState,
    viewer: &Viewer,
    req: &crate::views::ListRequest,
) -> Result<Vec<Base>, AppError> {
    let scope = access::list_scope(viewer.who());
    Ok(state
        .store
        .all_bases(&req.filter, &scope, req.sort, req.order)
        .await?)
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
