//! CSRF protection of the workbench: a random token per session, required on every
//! state-changing request — in the `X-CSRF-Token` header (htmx sends it on every
//! request) or, for plain forms, the `csrf_token` field. Multipart forms must go
//! through htmx so the header is present.

use actix_session::{Session, SessionExt as _};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage as _, ResponseError as _, web};
use futures_util::StreamExt as _;

use super::error::PageError;
use super::session::STAFF_ID;
use crate::error::AppError;
use crate::kernel::tokens::{constant_time_eq, random_token};

const KEY: &str = "csrf";
/// Paths that accept a POST from someone not yet signed in.
const OPEN_POSTS: &[&str] = &["/admin/login"];

/// The session's token, created when missing.
pub fn token(session: &Session) -> Result<String, AppError> {
    if let Some(token) = session.get::<String>(KEY).ok().flatten() {
        return Ok(token);
    }
    rotate(session)
}

/// Replaces the session's token (at sign-in).
pub fn rotate(session: &Session) -> Result<String, AppError> {
    let token = random_token(32);
    session.insert(KEY, &token).map_err(|e| AppError::internal(anyhow::anyhow!("session: {e}")))?;
    Ok(token)
}

/// Refuses unsafe requests without the session's token (403); anonymous unsafe requests
/// to signed-in pages are sent to sign in instead.
pub async fn check_csrf(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    }
    let session = req.get_session();
    let signed_in = session.get::<i64>(STAFF_ID).ok().flatten().is_some();
    if !signed_in && !OPEN_POSTS.contains(&req.path()) {
        let htmx = req.headers().contains_key("hx-request");
        return Ok(reject(req, PageError::SignIn { next: None, htmx }));
    }
    let expected = session.get::<String>(KEY).ok().flatten();
    let mut sent =
        req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let is_form = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if sent.is_none() && is_form {
        let limit = req
            .app_data::<web::Data<crate::app::AppState>>()
            .map_or(256 * 1024, |s| s.config.server.max_body_bytes);
        let body = match read_body(&mut req, limit).await {
            Ok(body) => body,
            Err(e) => return Ok(reject(req, PageError::App(e))),
        };
        sent = url::form_urlencoded::parse(&body)
            .find(|(k, _)| k == "csrf_token")
            .map(|(_, v)| v.into_owned());
        req.set_payload(Payload::from(body));
    }
    match (expected, sent) {
        (Some(expected), Some(sent)) if constant_time_eq(&expected, &sent) => {
            next.call(req).await.map(ServiceResponse::map_into_boxed_body)
        }
        _ => Ok(reject(req, PageError::App(AppError::CsrfRejected))),
    }
}

async fn read_body(req: &mut ServiceRequest, limit: usize) -> Result<web::Bytes, AppError> {
    let mut payload = req.take_payload();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::BadRequest(format!("请求体读取失败：{e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge("提交的内容过大".into()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn reject(req: ServiceRequest, error: PageError) -> ServiceResponse<BoxBody> {
    let (req, _) = req.into_parts();
    ServiceResponse::new(req, error.error_response())
}
