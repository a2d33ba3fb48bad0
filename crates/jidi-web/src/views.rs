//! Conversions from domain and store values to what pages and the API show, shared by both so that
//! a page and its API call always agree.

use std::collections::HashMap;

use jidi_domain::reference::{MacroRegion, Regions};
use jidi_domain::roll::{Base, Series, Status, Tier};
use jidi_store::{BaseFilter, BaseSort, Page, SortOrder, StatusFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::AppError;
use crate::i18n::Lang;
use crate::params::{Paging, parse_opt};
use crate::state::AppState;

/// A base as the API and pages show it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct BaseView {
    /// Id.
    pub id: i64,
    /// Official name.
    pub name: String,
    /// GB/T 2260 province code.
    pub province_code: String,
    /// Province name.
    pub province_name: String,
    /// Prefecture code.
    pub prefecture_code: Option<String>,
    /// Prefecture name.
    pub prefecture_name: Option<String>,
    /// `east`, `central`, `west` or `northeast`.
    pub region: String,
    /// Region name in the requested language.
    pub region_name: String,
    /// Category code.
    pub category_code: String,
    /// Category name in the requested language.
    pub category_name: String,
    /// Sub-type code.
    pub subcategory_code: Option<String>,
    /// Sub-type name in the requested language.
    pub subcategory_name: Option<String>,
    /// `advantage` or `specialty`.
    pub series: Option<String>,
    /// Series name in the requested language.
    pub series_name: Option<String>,
    /// `cultivating`, `provincial`, `national` or `excellence`.
    pub tier: String,
    /// Tier name in the requested language.
    pub tier_name: String,
    /// Designation batch.
    pub batch: Option<i32>,
    /// Year designated at the current tier.
    pub designated_year: Option<i32>,
    /// Date designated (YYYY-MM-DD), when known.
    pub designated_on: Option<String>,
    /// Leading industries.
    pub leading_industries: Vec<String>,
    /// Managing body.
    pub managing_body: Option<String>,
    /// Area in km².
    pub area_km2: Option<f64>,
    /// `current` or `withdrawn`.
    pub status: String,
    /// Withdrawal date.
    pub withdrawn_on: Option<String>,
    /// Withdrawal reason.
    pub withdrawn_reason: Option<String>,
    /// Whether this is generated demo data.
    pub synthetic: bool,
    /// Fields of a real record that were generated because its source leaves them empty (their
    /// roll column names); the pages mark these values, not the base.
    pub generated_fields: Vec<String>,
    /// Public source of the facts.
    pub source: Option<String>,
    /// Remarks.
    pub note: Option<String>,
    /// Stars of the latest published evaluation.
    pub latest_stars: Option<i32>,
    /// Year of that evaluation.
    pub latest_stars_year: Option<i32>,
}

/// A province's name in the viewer's language: the official Chinese name, or its English name
/// (the code itself for an unknown code).
pub fn province_name(code: &str, lang: Lang) -> String {
    Regions::get().province(code).map_or_else(
        || code.to_string(),
        |p| lang.pick(&p.name, &p.name_en).to_string(),
    )
}

/// A province's short name for tables and tiles (`湖北`, or the English name).
pub fn province_short_name(code: &str, lang: Lang) -> String {
    Regions::get().province(code).map_or_else(
        || code.to_string(),
        |p| lang.pick(&p.short_name, &p.name_en).to_string(),
    )
}

/// Region name.
pub fn region_name(code: &str, lang: Lang) -> String {
    MacroRegion::parse(code)
        .map(|r| lang.pick(r.name_zh(), r.name_en()).to_string())
        .unwrap_or_else(|| code.to_string())
}

/// Tier name.
pub fn tier_name(tier: Tier, lang: Lang) -> String {
    lang.pick(tier.name_zh(), tier.name_en()).to_string()
}

/// A stored veto reason in the viewer's language: the incidents it names (written by
/// `jidi_domain::incident::veto_reason`) with their English names, or the text as stored when it
/// is not in that form.
pub fn veto_reason_text(text: &str, lang: Lang) -> String {
    match (lang, jidi_domain::incident::veto_incidents(text)) {
        (Lang::En, Some(incidents)) => incidents
            .iter()
            .map(|(kind, on)| format!("{} ({on})", kind.name_en()))
            .collect::<Vec<_>>()
            .join("; "),
        _ => text.to_string(),
    }
}

/// A proposal's reasons in the viewer's language. A reason stored as a line of Chinese text (a
/// proposal made before reasons were data) has no English form and stays as stored.
pub fn reason_texts(reasons: &[jidi_domain::rules::StoredReason], lang: Lang) -> Vec<String> {
    reasons
        .iter()
        .map(|r| match lang {
            Lang::Zh => r.zh(),
            Lang::En => r.en().unwrap_or_else(|| r.zh()),
        })
        .collect()
}

/// A scheme's name for a page title: the default scheme's generated name in the viewer's
/// language, a typed name as typed.
pub fn scheme_title(name: &str, year: i32, lang: Lang) -> String {
    if lang == Lang::En && name == jidi_domain::scheme::default_name(year) {
        jidi_domain::scheme::default_name_en(year)
    } else {
        name.to_string()
    }
}

/// Builds the view of a base.
pub fn base_view(state: &AppState, base: &Base, lang: Lang) -> BaseView {
    let stars = base.latest_rating;
    let f = &base.facts;
    let regions = Regions::get();
    let region = f.region().map_or("", MacroRegion::code).to_string();
    let (withdrawn_on, withdrawn_reason) = match &f.status {
        Status::Current => (None, None),
        Status::Withdrawn { on, reason } => (Some(on.to_string()), Some(reason.clone())),
    };
    BaseView {
        id: base.id,
        name: f.name.clone(),
        province_name: province_name(&f.province_code, lang),
        province_code: f.province_code.clone(),
        prefecture_name: f
            .prefecture_code
            .as_deref()
            .and_then(|c| regions.prefecture(c))
            .map(|p| lang.pick(&p.name, &p.name_en).to_string()),
        prefecture_code: f.prefecture_code.clone(),
        region_name: region_name(&region, lang),
        region,
        category_name: state.category_name(&f.category_code, lang),
        category_code: f.category_code.clone(),
        subcategory_name: f
            .subcategory_code
            .as_deref()
            .map(|c| state.category_name(c, lang)),
        subcategory_code: f.subcategory_code.clone(),
        series: f.series.map(|s| s.code().to_string()),
        series_name: f
            .series
            .map(|s| lang.pick(s.name_zh(), s.name_en()).to_string()),
        tier: f.tier.code().into(),
        tier_name: tier_name(f.tier, lang),
        batch: f.batch,
        designated_year: f.designated_year,
        designated_on: f.designated_on.map(|d| d.to_string()),
        leading_industries: f.leading_industries.clone(),
        managing_body: f.managing_body.clone(),
        area_km2: f.area_km2,
        status: f.status.code().into(),
        withdrawn_on,
        withdrawn_reason,
        synthetic: f.synthetic,
        generated_fields: f
            .generated_fields
            .iter()
            .map(|g| g.code().to_string())
            .collect(),
        source: f.source.clone(),
        note: f.note.clone(),
        latest_stars_year: stars.map(|s| s.0),
        latest_stars: stars.map(|s| s.1),
    }
}

/// Filters, sorting and paging of the base list (query string of `/bases` and `/api/v1/bases`).
#[derive(Clone, Debug, Default, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BaseListQuery {
    /// Province code (e.g. 420000).
    pub province: Option<String>,
    /// Prefecture code.
    pub prefecture: Option<String>,
    /// Category code.
    pub category: Option<String>,
    /// Sub-type code.
    pub subcategory: Option<String>,
    /// `cultivating`, `provincial`, `national` or `excellence`.
    pub tier: Option<String>,
    /// `advantage` or `specialty`.
    pub series: Option<String>,
    /// Designation batch.
    pub batch: Option<String>,
    /// `current` or `withdrawn`.
    pub status: Option<String>,
    /// `east`, `central`, `west` or `northeast`.
    pub region: Option<String>,
    /// National strategy code (`jjj`, `yangtze`, `belt_road`, `yrd`, `yellow_river`).
    pub strategy: Option<String>,
    /// Year designated.
    pub year: Option<String>,
    /// Text in the name, leading industries or managing body.
    pub q: Option<String>,
    /// Page number, from 1.
    pub page: Option<String>,
    /// Rows per page (1–200, default 50).
    pub per_page: Option<String>,
    /// `name`, `province`, `category`, `tier`, `batch`, `designated` or `id`.
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub order: Option<String>,
    /// Interface language (`zh` or `en`).
    pub lang: Option<String>,
    /// Export only: `csv` (default), `xlsx` or `json`.
    pub format: Option<String>,
}

/// The longest search text: names are at most 120 characters, and a longer pattern only costs
/// the database (SQLite refuses LIKE patterns over 50,000 bytes).
pub const MAX_SEARCH_CHARS: usize = 120;

/// A parsed list request.
pub struct ListRequest {
    /// Filters.
    pub filter: BaseFilter,
    /// Sort key.
    pub sort: BaseSort,
    /// Direction.
    pub order: SortOrder,
    /// Page number from 1.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
    /// The page as checked.
    pub paging: Paging,
}

impl ListRequest {
    /// The store's page.
    pub fn store_page(&self) -> Page {
        self.paging.store_page()
    }
}

impl BaseListQuery {
    /// Validates every parameter; the first bad one is reported with its name.
    pub fn parse(&self, state: &AppState) -> Result<ListRequest, AppError> {
        let cats = state.categories();
        let known_category = |c: &str, top: bool| {
            cats.iter()
                .any(|x| x.code == c && x.parent.is_none() == top)
                .then(|| c.to_string())
        };
        let filter = BaseFilter {
            province: parse_opt(
                &self.province,
                "province",
                |v| Regions::get().province(v).map(|p| p.code.clone()),
                "a province code",
            )?,
            prefecture: parse_opt(
                &self.prefecture,
                "prefecture",
                |v| Regions::get().prefecture(v).map(|p| p.code.clone()),
                "a prefecture code",
            )?,
            category: parse_opt(
                &self.category,
                "category",
                |v| known_category(v, true),
                "a category code",
            )?,
            subcategory: parse_opt(
                &self.subcategory,
                "subcategory",
                |v| known_category(v, false),
                "a sub-type code",
            )?,
            tier: parse_opt(
                &self.tier,
                "tier",
                Tier::parse,
                "a tier (cultivating, provincial, national, excellence)",
            )?,
            series: parse_opt(
                &self.series,
                "series",
                Series::parse,
                "a series (advantage, specialty)",
            )?,
            batch: parse_opt(
                &self.batch,
                "batch",
                |v| v.parse::<i32>().ok().filter(|b| (1..=50).contains(b)),
                "a batch number",
            )?,
            status: parse_opt(
                &self.status,
                "status",
                |v| match v {
                    "current" => Some(StatusFilter::Current),
                    "withdrawn" => Some(StatusFilter::Withdrawn),
                    _ => None,
                },
                "current or withdrawn",
            )?,
            region: parse_opt(
                &self.region,
                "region",
                MacroRegion::parse,
                "a region (east, central, west, northeast)",
            )?,
            strategy: parse_opt(
                &self.strategy,
                "strategy",
                |v| {
                    jidi_domain::reference::STRATEGIES
                        .iter()
                        .any(|s| s.code == v)
                        .then(|| v.to_string())
                },
                "a strategy code",
            )?,
            designated_year: parse_opt(
                &self.year,
                "year",
                |v| v.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)),
                "a year",
            )?,
            text: parse_opt(
                &self.q,
                "q",
                |v| {
                    (v.chars().count() <= MAX_SEARCH_CHARS && !v.chars().any(char::is_control))
                        .then(|| v.to_string())
                },
                &format!("at most {MAX_SEARCH_CHARS} characters of text"),
            )?,
            national_only: false,
        };
        let sort = parse_opt(
            &self.sort,
            "sort",
            BaseSort::parse,
            "a sort key (name, province, category, tier, batch, designated, id)",
        )?
        .unwrap_or_default();
        let order = parse_opt(
            &self.order,
            "order",
            |v| match v {
                "asc" => Some(SortOrder::Asc),
                "desc" => Some(SortOrder::Desc),
                _ => None,
            },
            "asc or desc",
        )?
        .unwrap_or_default();
        let paging = Paging::parse(&self.page, &self.per_page, 50, 200)?;
        Ok(ListRequest {
            filter,
            sort,
            order,
            page: paging.page,
            per_page: paging.per_page,
            paging,
        })
    }

    /// The query string of this request with one parameter replaced (for sort and page links).
    pub fn with(&self, key: &str, value: &str) -> String {
        let mut map: Vec<(String, String)> = [
            ("province", &self.province),
            ("prefecture", &self.prefecture),
            ("category", &self.category),
            ("subcategory", &self.subcategory),
            ("tier", &self.tier),
            ("series", &self.series),
            ("batch", &self.batch),
            ("status", &self.status),
            ("region", &self.region),
            ("strategy", &self.strategy),
            ("year", &self.year),
            ("q", &self.q),
            ("page", &self.page),
            ("per_page", &self.per_page),
            ("sort", &self.sort),
            ("order", &self.order),
        ]
        .iter()
        .filter(|(k, _)| *k != key)
        .filter_map(|(k, v)| {
            v.as_ref()
                .filter(|v| !v.is_empty())
                .map(|v| (k.to_string(), v.clone()))
        })
        .collect();
        if !value.is_empty() {
            map.push((key.to_string(), value.to_string()));
        }
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in map {
            s.append_pair(&k, &v);
        }
        s.finish()
    }
}

/// Latest published stars per base: `base id → (year, stars)`.
pub type StarsMap = HashMap<i64, (i32, i32)>;
