//! Data collection shared by the values API and the collection pages: the caller's reporting
//! scope as the checker's `Scope`, where a reported value goes (accepted at once, or to its
//! province's review), whether a submission lies within the caller's scope, reviewing one, and
//! the mapping of service errors.

use jidi_collect::Scope;
use jidi_domain::access::{self, Principal, RecordScope};
use jidi_service::values::{self, Review, ReviewError, ValuesError};
use jidi_store::{FieldComment, SubmissionFilter, SubmissionRecord, SubmissionStatus};

use crate::error::AppError;
use crate::state::AppState;

/// The refusal of an access decision: sign in, or forbidden.
pub fn denied(a: access::Access) -> AppError {
    match a {
        access::Access::NeedsLogin => AppError::Unauthorized,
        _ => AppError::Forbidden,
    }
}

/// The checker's scope of a record scope.
pub fn collect_scope(scope: &RecordScope) -> Scope {
    match scope {
        RecordScope::All => Scope::All,
        RecordScope::Province(p) => Scope::Province(p.clone()),
        RecordScope::Base(b) => Scope::Base(*b),
    }
}

/// Whether `base` (with its province) lies within a reporting scope.
pub fn base_in_scope(scope: &RecordScope, base_id: i64, province_code: &str) -> bool {
    match scope {
        RecordScope::All => true,
        RecordScope::Province(p) => p == province_code,
        RecordScope::Base(b) => *b == base_id,
    }
}

/// Where `principal`'s reports go: `None` accepted at once (ministry, province); a base's wait
/// for its province's review.
pub async fn review_of(
    state: &AppState,
    principal: &Principal,
) -> Result<Option<Review>, AppError> {
    if !access::reports_are_reviewed(principal) {
        return Ok(None);
    }
    let base_id = principal.base_id.ok_or(AppError::Forbidden)?;
    let base = state
        .store
        .base(base_id)
        .await?
        .ok_or(AppError::Forbidden)?;
    Ok(Some(Review {
        user_id: principal.user_id,
        base_id: Some(base_id),
        province_code: base.facts.province_code,
    }))
}

/// The service's failure as an HTTP error.
pub fn values_error(e: ValuesError) -> AppError {
    match e {
        ValuesError::Store(s) => AppError::from(s),
        ValuesError::Busy(c) => AppError::from(c),
    }
}

/// Whether `principal` sees submission `s` at all (its reviewers, its base, readers of all).
pub fn sees_submission(principal: &Principal, s: &SubmissionRecord) -> bool {
    access::can_review_submission(Some(principal), &s.province_code).granted()
        || access::record_scope(Some(principal)).is_ok_and(|r| match r {
            RecordScope::All => true,
            RecordScope::Province(p) => p == s.province_code,
            RecordScope::Base(b) => s.base_id == Some(b),
        })
}

/// The submissions filter of a record scope.
pub fn submission_filter(scope: RecordScope, status: Option<SubmissionStatus>) -> SubmissionFilter {
    match scope {
        RecordScope::All => SubmissionFilter {
            status,
            ..SubmissionFilter::default()
        },
        RecordScope::Province(p) => SubmissionFilter {
            province_code: Some(p),
            status,
            ..SubmissionFilter::default()
        },
        RecordScope::Base(b) => SubmissionFilter {
            base_id: Some(b),
            status,
            ..SubmissionFilter::default()
        },
    }
}

/// Accepts or returns submission `id` for `principal` after the same checks everywhere: outside
/// the caller's scope it does not exist (404); only its province and the ministry decide (403);
/// a comment of at most 2,000 characters without NUL, required to return; once only (409).
pub async fn review(
    state: &AppState,
    principal: &Principal,
    id: i64,
    accept: bool,
    comment: &str,
    fields: &[FieldComment],
) -> Result<SubmissionRecord, AppError> {
    let comment = comment.trim();
    if comment.chars().count() > 2000 || comment.contains('\0') {
        return Err(AppError::bad_field(
            "comment",
            "at most 2,000 characters, no NUL",
        ));
    }
    if accept && !fields.is_empty() {
        return Err(AppError::bad_field(
            "fields",
            "field comments go with a returned submission",
        ));
    }
    if !accept && comment.is_empty() {
        return Err(AppError::bad_field(
            "comment",
            "a returned submission needs a comment",
        ));
    }
    let Some(submission) = state
        .store
        .submission(id)
        .await?
        .filter(|s| sees_submission(principal, s))
    else {
        return Err(AppError::NotFound(format!("submission {id}")));
    };
    AppError::check(access::can_review_submission(
        Some(principal),
        &submission.province_code,
    ))?;
    let result = if accept {
        values::accept_submission(&state.store, id, principal.user_id, comment)
            .await
            .map(|_| ())
    } else {
        values::return_submission(&state.store, id, principal.user_id, comment, fields).await
    };
    result.map_err(|e| match e {
        ReviewError::NotFound(_) => AppError::NotFound(format!("submission {id}")),
        ReviewError::NotWaiting(_) => {
            AppError::Conflict(format!("submission {id} is not waiting for review"))
        }
        ReviewError::BadField(m) => AppError::bad_field("fields", m),
        ReviewError::Store(s) => AppError::from(s),
    })?;
    state
        .store
        .submission(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("submission {id}")))
}
