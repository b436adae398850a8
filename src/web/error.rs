//! The workbench's error form: a zh-CN page (or a redirect to sign-in), also for
//! actix's own extractor failures.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use askama::Template as _;

use crate::error::AppError;

/// An error on a workbench page.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// Any use-case error, shown as a page.
    #[error(transparent)]
    App(AppError),
    /// Not signed in: go to the sign-in page, then back to `next`.
    #[error("not signed in")]
    SignIn {
        /// Where to return after signing in (same-site path).
        next: Option<String>,
        /// htmx request: answer with `HX-Redirect` instead of a 303.
        htmx: bool,
    },
    /// Signed in with a password an admin made: choose one's own first.
    #[error("password change required")]
    ChangePassword {
        /// htmx request: answer with `HX-Redirect` instead of a 303.
        htmx: bool,
    },
}

impl From<AppError> for PageError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::Unauthenticated => Self::SignIn { next: None, htmx: false },
            other => Self::App(other),
        }
    }
}

/// The standalone error page.
#[derive(askama::Template)]
#[template(path = "layouts/error.html")]
pub struct ErrorPage<'a> {
    /// HTTP status code.
    pub status: u16,
    /// Headline.
    pub title: &'a str,
    /// Explanation.
    pub message: String,
    /// Field messages, if any.
    pub fields: Vec<String>,
    /// Offer the link back to the workbench (not on public pages).
    pub staff_link: bool,
}

fn title_for(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 | 422 => "请求有误",
        403 => "无权访问",
        404 => "页面不存在",
        409 => "操作冲突",
        413 => "内容过大",
        415 => "类型不支持",
        429 => "操作过于频繁",
        503 => "服务器繁忙",
        _ => "出错了",
    }
}

/// The login URL that returns to `next`.
pub fn sign_in_url(next: Option<&str>) -> String {
    match next {
        Some(next) if next.starts_with("/admin") && !next.starts_with("/admin/login") => {
            format!(
                "/admin/login?next={}",
                url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
            )
        }
        _ => "/admin/login".into(),
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::App(e) => e.status(),
            Self::SignIn { .. } | Self::ChangePassword { .. } => StatusCode::SEE_OTHER,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::SignIn { next, htmx } => {
                let to = sign_in_url(next.as_deref());
                if *htmx {
                    HttpResponse::Unauthorized().insert_header(("HX-Redirect", to)).finish()
                } else {
                    HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish()
                }
            }
            Self::ChangePassword { htmx } => {
                let to = super::account::PASSWORD_PATH;
                if *htmx {
                    HttpResponse::Forbidden().insert_header(("HX-Redirect", to)).finish()
                } else {
                    HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish()
                }
            }
            Self::App(err) => error_page(err, true),
        }
    }
}

/// The error page of `err`; `staff_link` offers the way back to the workbench (never on
/// public pages, which members and strangers open).
fn error_page(err: &AppError, staff_link: bool) -> HttpResponse {
    err.log_if_internal();
    let status = err.status();
    let page = ErrorPage {
        status: status.as_u16(),
        title: title_for(status),
        message: err.to_string(),
        fields: err.fields().iter().map(|f| f.message.clone()).collect(),
        staff_link,
    };
    let mut res = HttpResponse::build(status);
    if let Some(secs) = err.retry_after() {
        res.insert_header((header::RETRY_AFTER, secs.to_string()));
    }
    match page.render() {
        Ok(html) => res.content_type("text/html; charset=utf-8").body(html),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            res.content_type("text/plain; charset=utf-8").body(page.message)
        }
    }
}

/// The error of a public page (`/c/…`, `/q/…`, `/v/…`, `/media/…`): the same page
/// without the workbench link.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct PublicPageError(#[from] pub AppError);

impl From<PageError> for PublicPageError {
    /// Rendering fails only as `App`; a public page never asks anyone to sign in.
    fn from(err: PageError) -> Self {
        match err {
            PageError::App(e) => Self(e),
            other => Self(AppError::internal(anyhow::anyhow!("public page: {other}"))),
        }
    }
}

impl ResponseError for PublicPageError {
    fn status_code(&self) -> StatusCode {
        self.0.status()
    }

    fn error_response(&self) -> HttpResponse {
        error_page(&self.0, false)
    }
}

fn bad_request(message: String) -> actix_web::Error {
    PageError::App(AppError::BadRequest(message)).into()
}

/// Extractor settings that turn actix's own errors into pages.
pub fn extractor_configs(cfg: &mut web::ServiceConfig, max_body_bytes: usize) {
    cfg.app_data(
        web::FormConfig::default()
            .limit(max_body_bytes)
            .error_handler(|e, _| bad_request(format!("表单内容有误：{e}"))),
    )
    .app_data(
        web::QueryConfig::default().error_handler(|e, _| bad_request(format!("查询参数有误：{e}"))),
    )
    .app_data(
        web::PathConfig::default().error_handler(|e, _| {
            PageError::App(AppError::NotFound(format!("地址有误：{e}"))).into()
        }),
    )
    .app_data(
        web::JsonConfig::default()
            .limit(max_body_bytes)
            .error_handler(|e, _| bad_request(format!("内容有误：{e}"))),
    )
    .app_data(web::PayloadConfig::default().limit(max_body_bytes));
}

/// The workbench's (and the site's) 404 page.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    if crate::http::is_api_path(req.path()) {
        return crate::api::error::not_found().await;
    }
    let missing = AppError::NotFound("您访问的页面不存在".into());
    error_page(&missing, req.path() == "/admin" || req.path().starts_with("/admin/"))
}
