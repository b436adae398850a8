//! Middleware around every request: the `x-request-id` header, security headers, and
//! the generic 500 body that names the request id (details only in the log).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};

/// Adds `x-request-id` and security headers; replaces the body of any 500 with a
/// generic message in the surface's format.
pub async fn finish_response(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let id = super::request_id(req.request());
    let api = super::is_api_path(req.path());
    let res = next.call(req).await?.map_into_boxed_body();
    let mut res = if res.status() == StatusCode::INTERNAL_SERVER_ERROR {
        let (req, _) = res.into_parts();
        ServiceResponse::new(req, internal_error_body(&id, api))
    } else {
        res
    };
    let headers = res.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&id) {
        headers.insert(HeaderName::from_static("x-request-id"), value);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; \
                 script-src 'self'; frame-ancestors 'none'; form-action 'self'",
            ),
        );
    }
    Ok(res)
}

fn internal_error_body(request_id: &str, api: bool) -> HttpResponse {
    let message = "服务器内部错误，请稍后重试";
    if api {
        HttpResponse::InternalServerError().json(serde_json::json!({
            "error": {"code": "internal_error", "message": message, "fields": [], "request_id": request_id}
        }))
    } else {
        HttpResponse::InternalServerError().content_type("text/html; charset=utf-8").body(format!(
            "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>出错了</title>\
                 <link rel=\"stylesheet\" href=\"/static/app.css\"><main class=\"error-page\">\
                 <h1>{message}</h1><p>请求编号：<code>{}</code></p></main></html>",
            html_escape(request_id)
        ))
    }
}

fn html_escape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '<' => "&lt;".into(),
            '>' => "&gt;".into(),
            '&' => "&amp;".into(),
            '"' => "&quot;".into(),
            c => c.to_string(),
        })
        .collect()
}
