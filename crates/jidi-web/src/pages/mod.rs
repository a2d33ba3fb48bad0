//! Server-rendered pages. Each handler gathers data through the same reads as the API
//! (`crate::reads`) and renders one template; writes come from forms carrying the session's CSRF
//! token.

use axum::extract::Multipart;
use serde::Deserialize;

use crate::auth::Viewer;
use crate::error::AppError;

pub(crate) mod admin;
pub(crate) mod catalogue;
pub(crate) mod dashboard;
pub(crate) mod evaluation;
pub(crate) mod green;
pub(crate) mod monitoring;
pub(crate) mod proposals;
pub(crate) mod render;
pub(crate) mod reports;
pub(crate) mod roll;
pub(crate) mod schemes;
pub(crate) mod session;
pub(crate) mod tasks;
pub(crate) mod values;
pub(crate) mod warning_rules;
pub(crate) mod workbook;

/// A form body, read but not yet parsed: a handler checks who is asking first and only then calls
/// [`PageForm::parse`], so that an anonymous or unauthorised request with a malformed body is sent
/// to sign in (or refused) rather than told about its body.
pub(crate) struct PageForm<T> {
    bytes: axum::body::Bytes,
    _type: std::marker::PhantomData<fn() -> T>,
}

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for PageForm<T> {
    type Rejection = crate::error::PageError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| {
                crate::error::PageError(AppError::Http {
                    status: e.status(),
                    message: e.body_text(),
                })
            })?;
        Ok(PageForm {
            bytes,
            _type: std::marker::PhantomData,
        })
    }
}

impl<T: serde::de::DeserializeOwned> PageForm<T> {
    /// Parses the form (after the access checks).
    pub(crate) fn parse(self) -> Result<T, AppError> {
        serde_urlencoded::from_bytes(&self.bytes)
            .map_err(|e| AppError::bad_field("form", e.to_string()))
    }
}

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

/// The `file` field of an upload form, after checking the form's CSRF token: `(name, bytes)`.
pub(crate) async fn uploaded_file(
    viewer: &Viewer,
    multipart: Multipart,
    default_name: &str,
) -> Result<(String, Vec<u8>), AppError> {
    let (name, bytes, _) = uploaded_form(viewer, multipart, default_name, &[]).await?;
    Ok((name, bytes))
}

/// The `file` field of an upload form and its text fields named in `fields` (each at most
/// 4,000 characters), after checking the form's CSRF token.
pub(crate) async fn uploaded_form(
    viewer: &Viewer,
    mut multipart: Multipart,
    default_name: &str,
    fields: &[&str],
) -> Result<(String, Vec<u8>, std::collections::HashMap<String, String>), AppError> {
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut texts = std::collections::HashMap::new();
    let bad =
        |e: axum::extract::multipart::MultipartError| AppError::bad_field("file", e.to_string());
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name() {
            Some("_csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("file") => {
                let name = field.file_name().unwrap_or(default_name).to_string();
                file = Some((name, field.bytes().await.map_err(bad)?.to_vec()));
            }
            Some(name) if fields.contains(&name) => {
                let name = name.to_string();
                let text = field.text().await.map_err(bad)?;
                if text.chars().count() > 4_000 {
                    return Err(AppError::bad_field(&name, "at most 4,000 characters"));
                }
                texts.insert(name, text);
            }
            _ => {}
        }
    }
    viewer.check_csrf(Some(&csrf))?;
    let (name, bytes) = file.ok_or_else(|| AppError::bad_field("file", "no file was uploaded"))?;
    Ok((name, bytes, texts))
}
