//! `AppError`, the one error type of the use cases, with a status and a stable code;
//! the surfaces (`web::PageError`, `api::ApiError`) decide how it looks.
//!
//! # Error policy
//! - **Stores** (`*/store.rs`) return `Result<_, diesel::result::Error>`: they know
//!   queries, not what a failure means to the user.
//! - **Use cases** return `Result<_, AppError>` and decide the meaning: a unique
//!   violation on a username is a field error, on a dedupe key it is "already done", a
//!   missing row is `NotFound`. A database error they do not interpret becomes
//!   [`AppError::Database`], which keeps the diesel error itself, so a caller further up
//!   can still ask [`AppError::is_unique_violation`] — never by downcasting.
//! - **Surfaces** render: 4xx with the message and field errors; a 500 logs the whole
//!   cause chain with the request id and shows only a generic message and that id.
//! - No `unwrap`/`expect` outside tests and start-up; never `.ok()` an error away.

use actix_web::http::StatusCode;
use serde::Serialize;

/// A message about one input field, shown next to it (HTML) or in `fields` (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The field's name as the client sent it.
    pub field: String,
    /// What is wrong, in the user's language.
    pub message: String,
}

impl FieldError {
    /// A message for `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// Everything a use case can answer besides success.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input failed validation; nothing was changed.
    #[error("输入有误")]
    Validation(Vec<FieldError>),
    /// The request could not be understood (malformed JSON, form, path, query).
    #[error("{0}")]
    BadRequest(String),
    /// The request was understood but refused for a reason with its own code
    /// (e.g. `wechat_code_invalid`).
    #[error("{message}")]
    Invalid {
        /// Stable snake_case code.
        code: &'static str,
        /// Human message.
        message: String,
    },
    /// No valid session or token.
    #[error("请先登录")]
    Unauthenticated,
    /// Signed in, but not allowed.
    #[error("没有权限执行此操作")]
    Forbidden,
    /// Signed in, but refused for a reason with its own code (e.g. `members_only`).
    #[error("{message}")]
    Refused {
        /// Stable snake_case code.
        code: &'static str,
        /// Human message.
        message: String,
    },
    /// A state-changing request without a valid CSRF token.
    #[error("页面已过期，请刷新后重试")]
    CsrfRejected,
    /// Nothing there (or not yours).
    #[error("{0}")]
    NotFound(String),
    /// The request conflicts with the current state (duplicate, already decided…).
    #[error("{message}")]
    Conflict {
        /// Stable snake_case code.
        code: &'static str,
        /// Human message.
        message: String,
    },
    /// Body larger than allowed.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// A file or body of a type we do not accept.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Too many attempts; try again later.
    #[error("{message}")]
    RateLimited {
        /// Seconds until a retry may succeed (`Retry-After`).
        retry_after_secs: u64,
        /// Human message.
        message: String,
    },
    /// The server is at its limit for this kind of work (image decodes, imports,
    /// uploads at once); try again after `retry_after_secs` (503 with `Retry-After`).
    #[error("{message}")]
    Busy {
        /// Seconds until a retry may succeed (`Retry-After`).
        retry_after_secs: u64,
        /// Human message.
        message: String,
    },
    /// An outside service (WeChat, SMS) failed or is unreachable.
    #[error("{0}")]
    Upstream(String),
    /// A database failure no use case interpreted; details go to the log only.
    #[error("服务器内部错误")]
    Database(#[source] diesel::result::Error),
    /// A bug or an unavailable resource; details go to the log only.
    #[error("服务器内部错误")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    /// An internal error with a cause for the log.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        Self::Internal(cause.into())
    }

    /// One field's validation failure.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    /// A 404 naming what was not found.
    pub fn not_found(what: &str) -> Self {
        Self::NotFound(format!("{what}不存在"))
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest(_) | Self::Invalid { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden | Self::Refused { .. } | Self::CsrfRejected => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Upstream(_) => StatusCode::BAD_GATEWAY,
            Self::Database(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable snake_case code clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation(_) => "validation_failed",
            Self::BadRequest(_) => "bad_request",
            Self::Invalid { code, .. } => code,
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::Refused { code, .. } => code,
            Self::CsrfRejected => "csrf_rejected",
            Self::NotFound(_) => "not_found",
            Self::Conflict { code, .. } => code,
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::RateLimited { .. } => "rate_limited",
            Self::Busy { .. } => "busy",
            Self::Upstream(_) => "upstream_unavailable",
            Self::Database(_) | Self::Internal(_) => "internal_error",
        }
    }

    /// Field messages (empty unless `Validation`).
    pub fn fields(&self) -> &[FieldError] {
        match self {
            Self::Validation(fields) => fields,
            _ => &[],
        }
    }

    /// Seconds a client should wait before retrying (429 and 503 answers).
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after_secs, .. } | Self::Busy { retry_after_secs, .. } => {
                Some(*retry_after_secs)
            }
            _ => None,
        }
    }

    /// True when a database unique constraint refused the write (a lost race or a
    /// duplicate) and no use case said what that means.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, Self::Database(e) if crate::db::is_unique_violation(e))
    }

    /// Logs the cause chain of a 500 (inside the request's span, so with its id).
    pub fn log_if_internal(&self) {
        match self {
            Self::Internal(cause) => {
                tracing::error!(error = format!("{cause:#}"), "internal error")
            }
            Self::Database(cause) => tracing::error!(error = %cause, "database error"),
            _ => {}
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(err: diesel::result::Error) -> Self {
        match err {
            diesel::result::Error::NotFound => Self::NotFound("记录不存在".into()),
            other => Self::Database(other),
        }
    }
}

impl From<std::io::Error> for AppError {
    fn from(err: std::io::Error) -> Self {
        Self::internal(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_codes_are_stable() {
        assert_eq!(AppError::field("x", "bad").status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(AppError::field("x", "bad").fields()[0].field, "x");
        assert_eq!(AppError::CsrfRejected.code(), "csrf_rejected");
        assert_eq!(AppError::from(diesel::result::Error::NotFound).code(), "not_found");
        let conflict = AppError::Conflict { code: "already_decided", message: "x".into() };
        assert_eq!((conflict.status(), conflict.code()), (StatusCode::CONFLICT, "already_decided"));
        let unique = diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            Box::new(String::from("dup")),
        );
        let err = AppError::from(unique);
        assert!(err.is_unique_violation());
        assert_eq!(
            (err.status(), err.code()),
            (StatusCode::INTERNAL_SERVER_ERROR, "internal_error")
        );
        assert!(!AppError::internal(anyhow::anyhow!("x")).is_unique_violation());
    }
}
