//! One error type for every handler, turned into one JSON envelope for the API and an HTML page for
//! the browser. Lower layers' errors are mapped here; nothing else in the crate picks status codes.
//!
//! API error body: `{"error": {"status": 422, "code": "validation_failed", "message": "…",
//! "fields": [{"field": "province_code", "message": "…"}]}}`; a rejected file adds `problems`, each
//! with `file`, `row`, `column`, `rule` and `message`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use jidi_domain::access::Access;
use jidi_domain::roll::FieldError;
use jidi_domain::scheme::SchemeError;
use jidi_service::cpu::CpuError;
use jidi_service::evaluation::EvaluationServiceError;
use jidi_service::management::ManagementError;
use jidi_service::passwords::PasswordError;
use jidi_service::report::{PdfError, ReportServiceError};
use jidi_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// Why a request failed.
#[derive(Debug)]
pub enum AppError {
    /// Sign-in required (401).
    Unauthorized,
    /// Outside the user's role or scope (403).
    Forbidden,
    /// No such resource (404).
    NotFound(String),
    /// The request is malformed (400).
    BadRequest {
        /// What is wrong.
        message: String,
        /// Per-field problems.
        fields: Vec<FieldError>,
    },
    /// The request is well-formed but breaks a rule (422).
    Unprocessable {
        /// What is wrong.
        message: String,
        /// Per-field problems.
        fields: Vec<FieldError>,
    },
    /// An uploaded file or document was rejected whole (422); nothing was written.
    Rejected {
        /// Stable machine code (`import_rejected`, `invalid_scheme`).
        code: &'static str,
        /// What is wrong.
        message: String,
        /// Per-field problems.
        fields: Vec<FieldError>,
        /// Problems located in the file.
        problems: Vec<FileProblem>,
    },
    /// The request conflicts with the state (409).
    Conflict(String),
    /// Too many attempts (429).
    TooManyRequests {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// An error the framework answered before a handler ran (405, 413, an undecodable path, a bad
    /// header), reshaped into the common envelope.
    Http {
        /// Its status.
        status: StatusCode,
        /// What the framework said.
        message: String,
    },
    /// A bug, corrupt data or an unavailable database (500); the detail and its causes are
    /// logged, never shown.
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

/// Handler result.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// A 500 for `error`, whose text and causes go to the log only.
    pub fn internal(error: impl std::error::Error + Send + Sync + 'static) -> AppError {
        AppError::Internal(Box::new(error))
    }

    /// A 400 with one field problem.
    pub fn bad_field(field: &str, message: impl Into<String>) -> AppError {
        let message = message.into();
        AppError::BadRequest {
            message: format!("{field}: {message}"),
            fields: vec![FieldError {
                field: field.into(),
                message,
            }],
        }
    }

    /// A 422 from domain validation errors.
    pub fn invalid(fields: Vec<FieldError>) -> AppError {
        AppError::Unprocessable {
            message: fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; "),
            fields,
        }
    }

    /// Turns an access decision into an error (or nothing).
    pub fn check(access: Access) -> AppResult<()> {
        match access {
            Access::Granted => Ok(()),
            Access::NeedsLogin => Err(AppError::Unauthorized),
            Access::Forbidden => Err(AppError::Forbidden),
        }
    }

    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Unprocessable { .. } | AppError::Rejected { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Http { status, .. } => *status,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::BadRequest { .. } => "bad_request",
            AppError::Unprocessable { .. } => "validation_failed",
            AppError::Rejected { code, .. } => code,
            AppError::Conflict(_) => "conflict",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::Http { status, .. } => match status.as_u16() {
                400 => "bad_request",
                404 => "not_found",
                405 => "method_not_allowed",
                406 => "not_acceptable",
                408 => "request_timeout",
                411 => "length_required",
                413 => "payload_too_large",
                414 => "uri_too_long",
                415 => "unsupported_media_type",
                422 => "validation_failed",
                431 => "header_fields_too_large",
                503 => "busy",
                s if s >= 500 => "internal",
                _ => "http_error",
            },
            AppError::Internal(_) => "internal",
        }
    }

    /// The message shown to the user.
    pub fn message(&self) -> String {
        match self {
            AppError::Unauthorized => "sign in to see this".into(),
            AppError::Forbidden => "this is outside your role or scope".into(),
            AppError::NotFound(what) => format!("{what} not found"),
            AppError::BadRequest { message, .. }
            | AppError::Unprocessable { message, .. }
            | AppError::Rejected { message, .. } => message.clone(),
            AppError::Conflict(m) => m.clone(),
            AppError::TooManyRequests { retry_after } => {
                format!("too many failed attempts; try again in {retry_after} s")
            }
            AppError::Http { message, .. } => message.clone(),
            AppError::Internal(_) => "internal error; it has been logged".into(),
        }
    }

    fn fields(&self) -> &[FieldError] {
        match self {
            AppError::BadRequest { fields, .. }
            | AppError::Unprocessable { fields, .. }
            | AppError::Rejected { fields, .. } => fields,
            _ => &[],
        }
    }

    /// A rejected import: every problem by file, row, column and rule.
    pub fn import_rejected(errors: Vec<jidi_domain::import::ImportError>) -> AppError {
        AppError::Rejected {
            code: "import_rejected",
            message: format!(
                "{} problem(s); nothing was written: {}",
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
                    field: if e.row > 0 {
                        format!("row {}, {}", e.row, e.column)
                    } else {
                        e.column.clone()
                    },
                    message: e.message.clone(),
                })
                .collect(),
            problems: errors
                .into_iter()
                .map(|e| FileProblem {
                    file: e.file,
                    row: e.row,
                    column: e.column,
                    rule: e.rule.into(),
                    message: e.message,
                })
                .collect(),
        }
    }

    /// A rejected scheme document: every problem with its path.
    pub fn scheme_rejected(problems: Vec<SchemeError>) -> AppError {
        AppError::Rejected {
            code: "invalid_scheme",
            message: format!(
                "the scheme is invalid: {}",
                problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            fields: problems
                .into_iter()
                .map(|p| FieldError {
                    field: p.path,
                    message: p.message,
                })
                .collect(),
            problems: Vec::new(),
        }
    }

    fn problems(&self) -> &[FileProblem] {
        match self {
            AppError::Rejected { problems, .. } => problems,
            _ => &[],
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::NotFound { entity, key } => AppError::NotFound(format!("{entity} {key}")),
            StoreError::Conflict(m) => AppError::Conflict(m),
            StoreError::Invalid(m) => AppError::Unprocessable {
                message: m,
                fields: vec![],
            },
            other => AppError::internal(other),
        }
    }
}

/// An evaluation that cannot run or publish is the caller's problem (422) unless the store failed
/// or stored data is corrupt (500).
impl From<EvaluationServiceError> for AppError {
    fn from(e: EvaluationServiceError) -> AppError {
        use jidi_domain::evaluation::EvaluationError;
        match e {
            EvaluationServiceError::Store(s) => s.into(),
            EvaluationServiceError::Scheme(problems)
            | EvaluationServiceError::Evaluation(EvaluationError::Scheme(problems)) => {
                AppError::scheme_rejected(problems)
            }
            EvaluationServiceError::Evaluation(e @ EvaluationError::NoBases(_)) => {
                AppError::Unprocessable {
                    message: e.to_string(),
                    fields: vec![],
                }
            }
            EvaluationServiceError::Management(m) => m.into(),
            EvaluationServiceError::Cpu(c) => c.into(),
            other @ (EvaluationServiceError::CorruptScheme { .. }
            | EvaluationServiceError::Evaluation(_)) => AppError::internal(other),
        }
    }
}

impl From<ManagementError> for AppError {
    fn from(e: ManagementError) -> AppError {
        match e {
            ManagementError::Store(s) => s.into(),
            ManagementError::InvalidRules(problems) => AppError::Unprocessable {
                message: format!("the rules are invalid: {}", problems.join("; ")),
                fields: problems
                    .into_iter()
                    .map(|p| match p.split_once(": ") {
                        Some((path, message)) => FieldError {
                            field: path.into(),
                            message: message.into(),
                        },
                        None => FieldError {
                            field: "rules".into(),
                            message: p,
                        },
                    })
                    .collect(),
            },
            ManagementError::NoReason => AppError::invalid(vec![FieldError {
                field: "reason".into(),
                message: "a written reason is required".into(),
            }]),
            ManagementError::BadReason(message) => AppError::invalid(vec![FieldError {
                field: "reason".into(),
                message,
            }]),
            ManagementError::Monitoring(m) => match m {
                jidi_service::monitoring::MonitoringError::Store(s) => s.into(),
                jidi_service::monitoring::MonitoringError::Busy(c) => c.into(),
            },
            other @ (ManagementError::CorruptRules(_) | ManagementError::Ranking(_)) => {
                AppError::internal(other)
            }
        }
    }
}

impl From<PasswordError> for AppError {
    fn from(e: PasswordError) -> AppError {
        match e {
            PasswordError::Cpu(c) => c.into(),
            other => AppError::internal(other),
        }
    }
}

/// The report: a year without bases or out of range and a refused upload are the caller's (422);
/// a missing Chromium is the server's setup (503, with what to install); the rest are 500s.
impl From<ReportServiceError> for AppError {
    fn from(e: ReportServiceError) -> AppError {
        match e {
            ReportServiceError::Store(s) => s.into(),
            ReportServiceError::Cpu(c) => c.into(),
            ReportServiceError::Scheme(s) => s.into(),
            e @ (ReportServiceError::EmptyYear { .. } | ReportServiceError::BadYear { .. }) => {
                AppError::Unprocessable {
                    message: e.to_string(),
                    fields: vec![FieldError {
                        field: "year".into(),
                        message: e.to_string(),
                    }],
                }
            }
            ReportServiceError::BadFile { message } => AppError::Unprocessable {
                fields: vec![FieldError {
                    field: "file".into(),
                    message: message.clone(),
                }],
                message,
            },
            other @ (ReportServiceError::Render(_) | ReportServiceError::Green(_)) => {
                AppError::internal(other)
            }
        }
    }
}

/// Printing a PDF needs Chromium and a CJK font on the server: without them the format is
/// unavailable (503, saying what to install); a failed print is a 500.
impl From<PdfError> for AppError {
    fn from(e: PdfError) -> AppError {
        match e {
            PdfError::NoChromium(_) | PdfError::NoCjkFont => AppError::Http {
                status: StatusCode::SERVICE_UNAVAILABLE,
                message: e.to_string(),
            },
            other => AppError::internal(other),
        }
    }
}

/// Every heavy-work slot stayed busy: 503 with the advice to retry, never a queue without end.
impl From<CpuError> for AppError {
    fn from(e: CpuError) -> AppError {
        match e {
            CpuError::Busy => AppError::Http {
                status: StatusCode::SERVICE_UNAVAILABLE,
                message: e.to_string(),
            },
            other => AppError::internal(other),
        }
    }
}

/// An error and its causes on one line, for the log.
pub fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}

/// A field problem on the wire.
#[derive(Serialize, ToSchema)]
pub struct FieldErrorBody {
    /// Field name.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// A problem located in an uploaded file.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FileProblem {
    /// File name.
    pub file: String,
    /// Row (1 = header; 0 = the file as a whole).
    pub row: usize,
    /// Column label, e.g. `C (province_code)`.
    pub column: String,
    /// Rule code (`unknown_province`, `duplicate_name`, `bad_date`, …).
    pub rule: String,
    /// What is wrong, with the offending value.
    pub message: String,
}

/// The error envelope's content.
#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// HTTP status.
    pub status: u16,
    /// Stable machine code.
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// Per-field problems (validation).
    pub fields: Vec<FieldErrorBody>,
    /// For a rejected file: every problem by row, column and rule.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<FileProblem>,
}

/// Every API error has this body.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// Extractor rejections (a failing session lookup) are answered as JSON.
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        ApiError(self).into_response()
    }
}

/// An [`AppError`] answered as JSON (the API).
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> ApiError {
        ApiError(e.into())
    }
}

/// API handler result.
pub type ApiResult<T> = Result<T, ApiError>;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        if let AppError::Internal(inner) = &e {
            tracing::error!(error = %chain(inner.as_ref()), "internal error in API request");
        }
        let body = ErrorBody {
            error: ErrorDetail {
                status: e.status().as_u16(),
                code: e.code().into(),
                message: e.message(),
                fields: e
                    .fields()
                    .iter()
                    .map(|f| FieldErrorBody {
                        field: f.field.clone(),
                        message: f.message.clone(),
                    })
                    .collect(),
                problems: e.problems().to_vec(),
            },
        };
        let mut response = (e.status(), axum::Json(body)).into_response();
        if let AppError::TooManyRequests { retry_after } = e
            && let Ok(v) = HeaderValue::from_str(&retry_after.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

/// An [`AppError`] answered as an HTML page (the browser). The handler only marks the response
/// with an [`ErrorPage`]; the `error_pages` layer of the router renders it in the normal layout and
/// the viewer's language, and turns a sign-in error into a redirect that keeps the destination.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> PageError {
        PageError(e.into())
    }
}

/// Page handler result.
pub type PageResult<T> = Result<T, PageError>;

/// What a failed page shows: carried in the response's extensions from the handler to the layer
/// that renders it.
#[derive(Clone, Debug)]
pub struct ErrorPage {
    /// The status.
    pub status: StatusCode,
    /// The message shown (never an internal detail).
    pub message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let e = self.0;
        if let AppError::Internal(inner) = &e {
            tracing::error!(error = %chain(inner.as_ref()), "internal error in page request");
        }
        let page = ErrorPage {
            status: e.status(),
            message: e.message(),
        };
        // A bare page for a response that never passes the layer; the layer replaces it.
        let mut response = (
            e.status(),
            Html(format!(
                "<!doctype html><title>{}</title><p>{}</p>",
                e.status(),
                html_escape(&page.message)
            )),
        )
            .into_response();
        response.extensions_mut().insert(page);
        response
    }
}

/// Escapes text for HTML.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
