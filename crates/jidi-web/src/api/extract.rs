//! Extractors of API requests whose rejections are the API's error envelope naming the field.

use std::marker::PhantomData;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, AppError};

/// A JSON body, read but not yet parsed: a handler checks who is asking first and only then calls
/// [`ApiJson::parse`], so that an anonymous or unauthorised request with a malformed body gets its
/// 401 or 403, not a 400 that would tell it about the body. Parse errors name the failing field
/// (400, never 500).
pub struct ApiJson<T> {
    bytes: Bytes,
    is_json: bool,
    _type: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            ApiError(AppError::Http {
                status: e.status(),
                message: e.body_text(),
            })
        })?;
        Ok(ApiJson {
            bytes,
            is_json,
            _type: PhantomData,
        })
    }
}

impl<T: DeserializeOwned> ApiJson<T> {
    /// Parses the body (after the access checks).
    pub fn parse(self) -> Result<T, AppError> {
        if !self.is_json {
            return Err(AppError::BadRequest {
                message: "the body must be JSON (Content-Type: application/json)".into(),
                fields: vec![],
            });
        }
        let mut de = serde_json::Deserializer::from_slice(&self.bytes);
        serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let field = if path == "." {
                "body".to_string()
            } else {
                path
            };
            AppError::bad_field(&field, e.inner().to_string())
        })
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
                // An unknown parameter has no path of its own: name the query.
                let path = e.path().to_string();
                let field = if path == "." {
                    "query".to_string()
                } else {
                    path
                };
                ApiError(AppError::bad_field(&field, e.inner().to_string()))
            })
    }
}

fn form_urlencoded_parse(query: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(query.as_bytes())
}
