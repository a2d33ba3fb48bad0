//! The managed indicator catalogue as the API and the `/catalogue` pages show it: the wire view
//! of an entry and of a version, an edit body turned into the cells of a catalogue row (so that
//! a form and an API call are read by the same parser as a file), and the mapping of outcomes
//! and errors.

use std::collections::BTreeMap;

use jidi_collect::catalogue::CatalogueError;
use jidi_collect::managed::EntryChange;
use jidi_collect::{CatalogueEntry, ManagedCatalogue};
use jidi_domain::engine::normalise::Direction;
use jidi_domain::roll::FieldError;
use jidi_service::catalogue::{CatalogueEditError, CatalogueOutcome};
use jidi_store::CatalogueVersion;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{AppError, FileProblem};

/// A unit a value may be reported in, with the factor to the catalogue unit.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UnitFactor {
    /// The unit, e.g. `万元`.
    pub unit: String,
    /// What one of it is in the catalogue unit (`万元` for an indicator in 亿元: 0.0001).
    pub factor: f64,
}

/// One indicator of the catalogue.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CatalogueEntryView {
    /// Stable code (a–z, 0–9, _).
    pub code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// The catalogue unit: what values are stored in.
    pub unit: String,
    /// Units accepted in files and forms, with their factors (the catalogue unit included).
    #[serde(default)]
    pub accepted_units: Vec<UnitFactor>,
    /// `annual` or `monthly`.
    pub frequency: String,
    /// Monthly figures arrive year-to-date (1–N月累计).
    #[serde(default)]
    pub cumulative: bool,
    /// `benefit` (higher is better) or `cost`.
    pub direction: String,
    /// Dimension code (`strength`, `quality`, …) or `monitoring`.
    pub dimension: String,
    /// Category codes it applies to (empty: all).
    #[serde(default)]
    pub applies_to: Vec<String>,
    /// How it is computed, in words (empty: reported as such).
    #[serde(default)]
    pub formula: String,
    /// Hard lower bound (`out_of_range`).
    #[serde(default)]
    pub min: Option<f64>,
    /// Hard upper bound.
    #[serde(default)]
    pub max: Option<f64>,
    /// Year-on-year change (fraction) beyond which a `jump` warns.
    #[serde(default)]
    pub yoy_warn: Option<f64>,
    /// Year-on-year change beyond which a `jump` blocks.
    #[serde(default)]
    pub yoy_block: Option<f64>,
    /// Asked by a task by default; `missing_required` when absent.
    #[serde(default)]
    pub required: bool,
    /// Codes of totals it must not exceed (`part_exceeds_total`).
    #[serde(default)]
    pub parts_of: Vec<String>,
    /// `active` or `retired` (kept with its history, no new values). Required in an edit: a
    /// client that does not know the field must not un-retire an indicator by omission.
    pub status: String,
    /// A derived indicator's formula over other codes (`profit_total / rev_main * 100`),
    /// computed whenever a component is accepted and never typed; empty for a reported one.
    /// Required in an edit, for the same reason.
    pub compute: String,
}

/// A saved version of the catalogue.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CatalogueVersionView {
    /// 1, 2, …; version 1 is the shipped catalogue.
    pub version: i64,
    /// When it was saved (RFC 3339).
    pub at: String,
    /// Who saved it.
    pub user_id: Option<i64>,
    /// `shipped`, `cli`, `api` or `web`.
    pub source: String,
    /// The uploaded file, when it came as one.
    pub file_name: String,
    /// Why.
    pub reason: String,
    /// SHA-256 of the version's canonical CSV.
    pub sha256: String,
    /// Indicators in it.
    pub indicators: i64,
    /// Indicators added or changed from the version before.
    pub changed: i64,
}

/// A catalogue version with its indicators.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CatalogueView {
    /// The version.
    pub version: CatalogueVersionView,
    /// Its indicators, in catalogue order.
    pub indicators: Vec<CatalogueEntryView>,
}

/// What changed in one indicator.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EntryChangeView {
    /// The indicator.
    pub code: String,
    /// `added` or `changed`.
    pub kind: String,
    /// The columns that changed.
    pub columns: Vec<String>,
}

/// What an edit did.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CatalogueEditResponse {
    /// `saved`, `checked` (dry run) or `unchanged`.
    pub status: String,
    /// The saved version.
    pub version: Option<CatalogueVersionView>,
    /// The changes, per indicator.
    pub changes: Vec<EntryChangeView>,
}

/// The wire view of a version.
pub fn version_view(v: &CatalogueVersion) -> CatalogueVersionView {
    CatalogueVersionView {
        version: v.version,
        at: v.at.to_rfc3339(),
        user_id: v.user_id,
        source: v.source.clone(),
        file_name: v.file_name.clone(),
        reason: v.reason.clone(),
        sha256: v.sha256.clone(),
        indicators: v.entries,
        changed: v.changed,
    }
}

/// The wire view of an entry.
pub fn entry_view(e: &CatalogueEntry) -> CatalogueEntryView {
    let s = &e.spec;
    CatalogueEntryView {
        code: s.code.clone(),
        name_zh: s.name_zh.clone(),
        name_en: e.name_en.clone(),
        unit: s.unit.clone(),
        accepted_units: s
            .accepted_units
            .iter()
            .map(|(unit, factor)| UnitFactor {
                unit: unit.clone(),
                factor: *factor,
            })
            .collect(),
        frequency: s.frequency.code().into(),
        cumulative: s.cumulative,
        direction: match e.direction {
            Direction::Benefit => "benefit",
            Direction::Cost => "cost",
        }
        .into(),
        dimension: e.dimension.clone(),
        applies_to: e.applies_to.clone(),
        formula: e.formula.clone(),
        min: s.min,
        max: s.max,
        yoy_warn: s.yoy_warn,
        yoy_block: s.yoy_block,
        required: s.required,
        parts_of: s.parts_of.clone(),
        status: e.status.code().into(),
        compute: e.compute.clone(),
    }
}

/// The wire view of a whole version.
pub fn catalogue_view(v: &CatalogueVersion, c: &ManagedCatalogue) -> CatalogueView {
    CatalogueView {
        version: version_view(v),
        indicators: c.entries().iter().map(entry_view).collect(),
    }
}

/// An entry of the API as the cells of a catalogue row, for the file parser.
pub fn entry_cells(e: &CatalogueEntryView) -> BTreeMap<String, String> {
    let number = |x: Option<f64>| x.map(jidi_tabular::format_number).unwrap_or_default();
    let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
    BTreeMap::from([
        ("code".into(), e.code.clone()),
        ("name_zh".into(), e.name_zh.clone()),
        ("name_en".into(), e.name_en.clone()),
        ("unit".into(), e.unit.clone()),
        (
            "accepted_units".into(),
            e.accepted_units
                .iter()
                .map(|u| format!("{}:{}", u.unit, u.factor))
                .collect::<Vec<_>>()
                .join(";"),
        ),
        ("frequency".into(), e.frequency.clone()),
        ("cumulative".into(), yes(e.cumulative)),
        ("direction".into(), e.direction.clone()),
        ("dimension".into(), e.dimension.clone()),
        ("applies_to".into(), e.applies_to.join(";")),
        ("formula".into(), e.formula.clone()),
        ("min".into(), number(e.min)),
        ("max".into(), number(e.max)),
        ("yoy_warn".into(), number(e.yoy_warn)),
        ("yoy_block".into(), number(e.yoy_block)),
        ("required".into(), yes(e.required)),
        ("parts_of".into(), e.parts_of.join(";")),
        ("status".into(), e.status.clone()),
        ("compute".into(), e.compute.clone()),
    ])
}

/// The wire view of the changes.
pub fn change_views(changes: &[EntryChange]) -> Vec<EntryChangeView> {
    changes
        .iter()
        .map(|c| EntryChangeView {
            code: c.code.clone(),
            kind: if c.old.is_some() { "changed" } else { "added" }.into(),
            columns: c.columns.iter().map(|c| c.to_string()).collect(),
        })
        .collect()
}

/// The response to an edit that was not refused.
pub fn edit_response(outcome: &CatalogueOutcome, dry_run: bool) -> CatalogueEditResponse {
    CatalogueEditResponse {
        status: match (&outcome.saved, dry_run) {
            (Some(_), _) => "saved",
            (None, true) => "checked",
            (None, false) => "unchanged",
        }
        .into(),
        version: outcome.saved.as_ref().map(version_view),
        changes: change_views(&outcome.changes),
    }
}

/// The 422 of a refused edit: every problem with its row and column (a single entry's problems
/// name its columns as fields).
pub fn rejected(file: &str, errors: &[CatalogueError]) -> AppError {
    let problems: Vec<FileProblem> = errors
        .iter()
        .map(|e| FileProblem {
            file: file.into(),
            row: e.row,
            column: e.column.clone().unwrap_or_default(),
            rule: "bad_catalogue".into(),
            message: e.message.clone(),
        })
        .collect();
    AppError::Rejected {
        code: "catalogue_rejected",
        message: format!(
            "{} problem(s); nothing was saved: {}",
            errors.len(),
            errors
                .iter()
                .take(3)
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ),
        fields: errors
            .iter()
            .map(|e| FieldError {
                field: e.column.clone().unwrap_or_else(|| "file".into()),
                message: e.message.clone(),
            })
            .collect(),
        problems,
    }
}

/// The HTTP form of an edit's failure.
pub fn edit_error(e: CatalogueEditError) -> AppError {
    match e {
        CatalogueEditError::Store(s) => AppError::from(s),
        CatalogueEditError::Busy(c) => AppError::from(c),
    }
}
