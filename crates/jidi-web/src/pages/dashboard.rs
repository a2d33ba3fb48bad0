//! `GET /`: the dashboard.

use axum::extract::State;
use axum::response::Html;
use jidi_domain::access::{self, ListScope};
use jidi_domain::roll::{Series, Tier};
use minijinja::{Value, context};

use super::render::*;
use crate::auth::Viewer;
use crate::error::PageResult;
use crate::i18n::Lang;
use crate::i18n::{self};
use crate::state::AppState;
use crate::views::{province_short_name, region_name, tier_name};

/// `GET /`: the dashboard.
pub(crate) async fn dashboard(
    State(state): State<AppState>,
    viewer: Viewer,
) -> PageResult<Html<String>> {
    let scope = access::list_scope(viewer.who());
    let counts = state.store.counts(&scope).await?;
    // Each role's work comes first; the national overview follows.
    let work = crate::reads::work::work(&state, &viewer).await?;
    let lang = viewer.lang;
    let named = |pairs: &[(String, i64)], name: &dyn Fn(&str) -> String| -> Vec<Value> {
        pairs
            .iter()
            .map(|(k, n)| context! { code => k, name => name(k), count => n })
            .collect()
    };
    let tiers = named(&counts.by_tier, &|k| {
        Tier::parse(k).map_or(k.to_string(), |t| tier_name(t, lang))
    });
    let categories = named(&counts.by_category, &|k| state.category_name(k, lang));
    let series = named(&counts.by_series, &|k| {
        Series::parse(k).map_or_else(
            || i18n::t(lang, "series.none"),
            |s| lang.pick(s.name_zh(), s.name_en()).to_string(),
        )
    });
    let regions_counts = named(&counts.by_region, &|k| region_name(k, lang));
    let provinces: Vec<Value> = counts
        .by_province
        .iter()
        .map(|(code, n)| {
            context! {
                code => code,
                name => province_short_name(code, lang),
                count => n,
                cell => grid_cell(code),
            }
        })
        .collect();
    let national: i64 = counts
        .by_tier
        .iter()
        .filter(|(t, _)| t == "national" || t == "excellence")
        .map(|(_, n)| n)
        .sum();
    let tier_count = |code: &str| {
        counts
            .by_tier
            .iter()
            .find(|(t, _)| t == code)
            .map_or(0, |x| x.1)
    };
    let headline = state.store.published_headline().await?.map(|h| {
        serde_json::json!({"year": h.year, "bases": h.bases, "stars": h.stars, "run_id": h.run_id})
    });
    let chart = serde_json::json!({
        "designations": counts.designations_by_year,
        "categories": categories.iter().map(|c| serde_json::json!({"name": c.get_attr("name").ok().map(|v| v.to_string()), "value": c.get_attr("count").ok().and_then(|v| v.as_i64())})).collect::<Vec<_>>(),
        "regions": regions_counts.iter().map(|c| serde_json::json!({"name": c.get_attr("name").ok().map(|v| v.to_string()), "value": c.get_attr("count").ok().and_then(|v| v.as_i64())})).collect::<Vec<_>>(),
        "provinces": provinces.iter().map(|c| serde_json::json!({"name": c.get_attr("name").ok().map(|v| v.to_string()), "value": c.get_attr("count").ok().and_then(|v| v.as_i64())})).collect::<Vec<_>>(),
        "headline": headline,
        "map": state.config.map_file.is_some(),
        "labels": {
            "designations": i18n::t(lang, "dashboard.designations"),
            "bases": i18n::t(lang, "common.bases"),
        }
    });
    render(
        &state,
        &viewer,
        "dashboard.html",
        "dashboard",
        context! {
            title => i18n::t(lang, "nav.dashboard"),
            national => national,
            provincial => tier_count("provincial"),
            cultivating => tier_count("cultivating"),
            // Provincial lists are not public: the public sees no such counts, a province its own.
            provincial_scope => match &scope {
                ListScope::Everything => Some(String::new()),
                ListScope::NationalAndProvince(code) => Some(province_short_name(code, lang)),
                ListScope::NationalOnly => None,
            },
            excellence => tier_count("excellence"),
            withdrawn => counts.withdrawn,
            tiers => tiers,
            categories => categories,
            series => series,
            regions => regions_counts,
            provinces => provinces,
            grid => province_grid(&counts.by_province, lang),
            chart => ser(&chart),
            headline => ser(&headline),
            map_available => state.config.map_file.is_some(),
            work => ser(&work),
        },
    )
}

/// Tile positions `(row, column)` of the province grid cartogram: a schematic layout that keeps
/// neighbours near each other without drawing any boundary.
pub(crate) const PROVINCE_GRID: [(&str, u8, u8); 31] = [
    ("230000", 0, 8),
    ("220000", 1, 8),
    ("150000", 1, 5),
    ("210000", 2, 8),
    ("110000", 2, 6),
    ("650000", 2, 1),
    ("130000", 3, 6),
    ("120000", 3, 7),
    ("140000", 3, 5),
    ("640000", 3, 4),
    ("620000", 3, 3),
    ("630000", 4, 2),
    ("610000", 4, 4),
    ("410000", 4, 5),
    ("370000", 4, 6),
    ("540000", 5, 1),
    ("510000", 5, 3),
    ("500000", 5, 4),
    ("420000", 5, 5),
    ("340000", 5, 6),
    ("320000", 5, 7),
    ("530000", 6, 3),
    ("520000", 6, 4),
    ("430000", 6, 5),
    ("360000", 6, 6),
    ("330000", 6, 7),
    ("310000", 5, 8),
    ("450000", 7, 4),
    ("440000", 7, 5),
    ("350000", 7, 6),
    ("460000", 8, 5),
];

pub(crate) fn grid_cell(code: &str) -> (u8, u8) {
    PROVINCE_GRID
        .iter()
        .find(|(c, ..)| *c == code)
        .map_or((9, 0), |(_, r, c)| (*r, *c))
}

pub(crate) fn province_grid(counts: &[(String, i64)], lang: Lang) -> Vec<Value> {
    let max = counts.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
    PROVINCE_GRID
        .iter()
        .map(|(code, row, col)| {
            let n = counts.iter().find(|(c, _)| c == code).map_or(0, |x| x.1);
            context! {
                code => *code,
                name => province_short_name(code, lang),
                count => n,
                row => row + 1,
                col => col + 1,
                shade => (n as f64 / max as f64 * 5.0).ceil() as i64,
            }
        })
        .collect()
}
