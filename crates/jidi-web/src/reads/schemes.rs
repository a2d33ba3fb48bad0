//! Evaluation schemes as listed, and saving an uploaded scheme file.

use jidi_domain::scheme::Scheme;
use jidi_service::evaluation as service;
use jidi_store::SchemeRecord;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::state::AppState;

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

/// Parses, validates and stores a scheme file as a new version.
pub async fn save_scheme_text(
    state: &AppState,
    viewer: &Viewer,
    file: &str,
    text: &str,
    based_on: Option<i64>,
) -> Result<SchemeRecord, AppError> {
    let scheme = service::parse_scheme(file, text).map_err(AppError::scheme_rejected)?;
    Ok(service::save_scheme(&state.store, &scheme, based_on, false, viewer.user_id()).await?)
}

/// Used by scheme forms.
pub fn default_scheme_for(year: i32) -> Scheme {
    Scheme::national_default(year)
}
