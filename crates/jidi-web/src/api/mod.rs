//! The REST API under `/api/v1`, documented by the OpenAPI document at `/api/openapi.json` (browsable
//! at `/api/docs`). Routes and their documentation are registered together (utoipa-axum), so they
//! cannot drift apart. Conventions are in `docs/API-DESIGN.md`.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, AppError};
use crate::state::AppState;

pub mod bases;
pub mod evaluations;
pub mod reference;
pub mod session;

/// JSON body whose deserialisation errors name the failing field (400, never 500).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(ApiError(AppError::BadRequest {
                message: "the body must be JSON (Content-Type: application/json)".into(),
                fields: vec![],
            }));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            ApiError(AppError::BadRequest {
                message: format!("unreadable body: {e}"),
                fields: vec![],
            })
        })?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Ok(v) => Ok(ApiJson(v)),
            Err(e) => {
                let path = e.path().to_string();
                let field = if path == "." {
                    "body".to_string()
                } else {
                    path
                };
                Err(ApiError(AppError::bad_field(&field, e.inner().to_string())))
            }
        }
    }
}

/// Query string whose errors are 400 with the field named.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded_parse(query));
        serde_path_to_error::deserialize::<_, T>(de)
            .map(ApiQuery)
            .map_err(|e| {
                ApiError(AppError::bad_field(
                    &e.path().to_string(),
                    e.inner().to_string(),
                ))
            })
    }
}

fn form_urlencoded_parse(query: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(query.as_bytes())
}

/// Parses a path id.
pub fn parse_id(text: &str, field: &str) -> Result<i64, AppError> {
    text.parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| AppError::bad_field(field, format!("{text:?} is not a positive integer")))
}

/// Parses an optional query value.
pub fn parse_opt<T>(
    value: &Option<String>,
    field: &str,
    parse: impl Fn(&str) -> Option<T>,
    expected: &str,
) -> Result<Option<T>, AppError> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => parse(v)
            .map(Some)
            .ok_or_else(|| AppError::bad_field(field, format!("{v:?} is not {expected}"))),
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "jidi API",
        description = "The national new-type industrialization demonstration bases: the roll, evaluations, dynamic management. Errors share one envelope (`ErrorBody`). Lists return `{items, total, page, per_page}`. Sign in with `POST /api/v1/session`, then send `Authorization: Bearer <token>`; browser sessions send the `X-CSRF-Token` header on writes.",
        license(name = "Apache-2.0")
    ),
    modifiers(&Security),
    tags(
        (name = "session", description = "Sign in and out"),
        (name = "roll", description = "The roll of bases (C1)"),
        (name = "reference", description = "Categories, regions, indicators"),
        (name = "evaluation", description = "Development-quality evaluation (C3)"),
        (name = "management", description = "Dynamic management: proposals and decisions (C4)"),
    )
)]
struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}

/// The API routes and the OpenAPI document describing them.
pub fn router() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(
            session::create_session,
            session::get_session,
            session::delete_session
        ))
        .routes(routes!(bases::list_bases, bases::create_base))
        .routes(routes!(bases::get_base, bases::update_base))
        .routes(routes!(bases::withdraw_base))
        .routes(routes!(bases::list_tier_history))
        .routes(routes!(bases::list_base_indicators))
        .routes(routes!(bases::import_roll))
        .routes(routes!(bases::export_roll))
        .routes(routes!(
            reference::list_categories,
            reference::create_category
        ))
        .routes(routes!(reference::list_regions))
        .routes(routes!(reference::list_indicators))
        .routes(routes!(reference::get_stats))
        .merge(evaluations::routes())
        .split_for_parts()
}
