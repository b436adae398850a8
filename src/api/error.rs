//! The API's error form: `{"error":{"code","message","fields"}}`, also for actix's own
//! extractor failures (bad JSON, query, path, oversized body).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use serde::Serialize;

use crate::error::{AppError, FieldError};

/// An `AppError` rendered as JSON.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ApiError(#[from] pub AppError);

/// The error envelope.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable snake_case code, e.g. `validation_failed`, `unauthenticated`, `not_found`.
    pub code: String,
    /// Message for people (zh-CN).
    pub message: String,
    /// Field-level messages (for `validation_failed`).
    pub fields: Vec<FieldError>,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> actix_web::http::StatusCode {
        self.0.status()
    }

    fn error_response(&self) -> HttpResponse {
        self.0.log_if_internal();
        let mut res = HttpResponse::build(self.0.status());
        if let Some(secs) = self.0.retry_after() {
            res.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        if matches!(self.0, AppError::Unauthenticated) {
            res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        res.json(ErrorBody {
            error: ErrorDetail {
                code: self.0.code().to_owned(),
                message: self.0.to_string(),
                fields: self.0.fields().to_vec(),
            },
        })
    }
}

fn bad_request(message: String) -> actix_web::Error {
    ApiError(AppError::BadRequest(message)).into()
}

/// Extractor settings that turn actix's own errors into the API's form.
pub fn extractor_configs(cfg: &mut web::ServiceConfig, max_body_bytes: usize) {
    cfg.app_data(web::JsonConfig::default().limit(max_body_bytes).error_handler(json_error))
        .app_data(
            web::QueryConfig::default()
                .error_handler(|e, _| bad_request(format!("查询参数有误: {e}"))),
        )
        .app_data(
            web::PathConfig::default()
                .error_handler(|e, _| bad_request(format!("路径参数有误: {e}"))),
        )
        .app_data(
            web::FormConfig::default()
                .limit(max_body_bytes)
                .error_handler(|e, _| bad_request(format!("表单有误: {e}"))),
        )
        .app_data(web::PayloadConfig::default().limit(max_body_bytes));
}

fn json_error(err: actix_web::error::JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as E;
    let app = match &err {
        E::OverflowKnownLength { .. } | E::Overflow { .. } => {
            AppError::PayloadTooLarge("请求体过大".into())
        }
        E::ContentType => AppError::UnsupportedMediaType("请求须为 application/json".into()),
        E::Deserialize(e) if e.is_data() => {
            AppError::Validation(vec![FieldError::new(field_of(&e.to_string()), e.to_string())])
        }
        other => AppError::BadRequest(format!("JSON 格式有误: {other}")),
    };
    ApiError(app).into()
}

/// Best-effort field name from a serde message like "missing field `code`".
pub(crate) fn field_of(message: &str) -> String {
    message.split('`').nth(1).unwrap_or("body").to_owned()
}

/// The API's 404 for unknown routes.
pub async fn not_found() -> HttpResponse {
    ApiError(AppError::NotFound("接口不存在".into())).error_response()
}
