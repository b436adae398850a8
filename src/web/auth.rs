//! Staff sign-in and sign-out.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::csrf;
use super::error::PageError;
use super::render::{redirect, render_with};
use super::session::{self, StaffSession};
use crate::accounts;
use crate::app::AppState;
use crate::error::AppError;

/// The sign-in page.
#[derive(askama::Template)]
#[template(path = "web/auth/login.html")]
pub struct LoginPage {
    /// Association name.
    pub association: String,
    /// CSRF token of the anonymous session.
    pub csrf_token: String,
    /// The username typed before.
    pub username: String,
    /// Why the last try failed.
    pub error: Option<String>,
    /// Where to go afterwards.
    pub next: String,
}

/// `?next=` of the sign-in page.
#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// Only same-site workbench paths are followed after sign-in; anything else —
/// another site, or a target with control characters (CR, LF, NUL) or spaces that
/// could not stand in a `Location` header — is ignored.
fn safe_next(next: &str) -> &str {
    let ok = next.starts_with("/admin")
        && !next.starts_with("//")
        && !next.contains("://")
        && !next.contains('\\')
        && next.len() <= 2000
        && next.bytes().all(|b| b.is_ascii_graphic());
    if ok { next } else { "/admin" }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_plain_workbench_paths_are_followed() {
        assert_eq!(safe_next("/admin/members?page=2"), "/admin/members?page=2");
        for bad in [
            "https://evil.example/admin",
            "//evil.example",
            "/admin\r\nSet-Cookie: x=1",
            "/admin\0",
            "/admin/\n",
            "/admin\\..\\evil",
            "/admin/成员",
            "/login",
        ] {
            assert_eq!(safe_next(bad), "/admin", "{bad:?}");
        }
    }
}

async fn login_page(
    state: &AppState,
    session: &Session,
    username: String,
    error: Option<String>,
    next: String,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let settings = state.association_settings().await?;
    let page = LoginPage {
        association: settings.name,
        csrf_token: csrf::token(session)?,
        username,
        error,
        next,
    };
    render_with(status, &page)
}

/// `GET /admin/login`.
pub async fn show_login(
    state: web::Data<AppState>,
    session: Session,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, PageError> {
    let next = safe_next(query.next.as_deref().unwrap_or("/admin")).to_owned();
    login_page(&state, &session, String::new(), None, next, StatusCode::OK).await
}

/// `POST /admin/login`.
pub async fn sign_in(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let ip = crate::http::client_ip(&req, state.config.server.trust_forwarded_for);
    let next = safe_next(&form.next).to_owned();
    let result = accounts::sign_in_staff(
        &state.db,
        &state.clock,
        &state.throttle,
        &form.username,
        &form.password,
        &ip,
    )
    .await;
    match result {
        Ok(staff) => {
            let hours = state.config.server.staff_session_hours;
            let token =
                accounts::start_staff_session(&state.db, &state.clock, staff.id, hours).await?;
            session::begin(&session, &staff, &token, state.clock.now().timestamp())?;
            Ok(redirect(&next))
        }
        Err(err @ (AppError::Validation(_) | AppError::RateLimited { .. })) => {
            let status = err.status();
            let message =
                err.fields().first().map_or_else(|| err.to_string(), |f| f.message.clone());
            let mut res =
                login_page(&state, &session, form.username, Some(message), next, status).await?;
            if let AppError::RateLimited { retry_after_secs, .. } = err
                && let Ok(value) = retry_after_secs.to_string().parse()
            {
                res.headers_mut().insert(actix_web::http::header::RETRY_AFTER, value);
            }
            Ok(res)
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /admin/logout`: ends this session on the server too, so a copy of the cookie
/// is worthless afterwards.
pub async fn sign_out(
    state: web::Data<AppState>,
    staff: StaffSession,
) -> Result<HttpResponse, PageError> {
    accounts::end_staff_session(&state.db, staff.token()).await?;
    staff.end();
    Ok(redirect("/admin/login"))
}

/// `POST /admin/account/sign-out-everywhere`: ends every session of the signed-in
/// account, this one included.
pub async fn sign_out_everywhere(
    state: web::Data<AppState>,
    staff: StaffSession,
) -> Result<HttpResponse, PageError> {
    accounts::end_all_staff_sessions(&state.db, &state.clock, staff.staff.id, staff.staff.id)
        .await?;
    staff.end();
    Ok(redirect("/admin/login"))
}
