//! The staff session: who is signed in (checked against the database on every
//! request: the cookie carries a session token whose row logout deletes, so a replayed
//! cookie is worthless; disabling or resetting an account ends its sessions at once),
//! role extractors, and flash messages (bounded, so the cookie never overflows).

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_session::{Session, SessionExt as _};
use actix_web::{FromRequest, HttpRequest, web};
use serde::{Deserialize, Serialize};

use super::csrf;
use super::error::PageError;
use crate::accounts::{self, Role, StaffRow};
use crate::app::AppState;
use crate::error::AppError;

/// Session key of the signed-in staff id (read by the CSRF check too).
pub(crate) const STAFF_ID: &str = "staff_id";
const EPOCH: &str = "epoch";
const SIGNED_IN_AT: &str = "signed_in_at";
const TOKEN: &str = "sid";
const FLASH: &str = "flash";
/// Flash kind of a password shown once (rendered with a copy button).
pub const PASSWORD_FLASH: &str = "password";
/// Flashes kept until the next page; older ones give way.
const MAX_FLASHES: usize = 3;
/// Characters of one flash kept.
const MAX_FLASH_CHARS: usize = 120;
/// Serialised session size above which flashes are dropped (the cookie store refuses
/// about 4 KB, and a refused cookie would turn the response into an error).
const MAX_SESSION_JSON: usize = 2_000;

/// A one-time message shown on the next page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Flash {
    /// `success`, `error` or `info`.
    pub kind: String,
    /// The text.
    pub text: String,
}

/// A signed-in, active staff member.
pub struct StaffSession {
    /// The account, as it is in the database now.
    pub staff: StaffRow,
    /// The token forms must carry.
    pub csrf_token: String,
    session: Session,
}

impl std::fmt::Debug for StaffSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffSession").field("staff_id", &self.staff.id).finish_non_exhaustive()
    }
}

impl StaffSession {
    /// The account's role.
    pub fn role(&self) -> Role {
        self.staff.role()
    }

    /// Queues a message for the next page.
    pub fn flash(&self, kind: &str, text: impl Into<String>) {
        push_flash(&self.session, kind, text.into());
    }

    /// Takes the queued messages.
    pub fn take_flashes(&self) -> Vec<Flash> {
        let flashes = self.session.get::<Vec<Flash>>(FLASH).ok().flatten().unwrap_or_default();
        self.session.remove(FLASH);
        flashes
    }

    /// The server-side session token of this cookie.
    pub fn token(&self) -> String {
        self.session.get::<String>(TOKEN).ok().flatten().unwrap_or_default()
    }

    /// Forgets the cookie (the caller ends the server-side session).
    pub fn end(&self) {
        self.session.purge();
    }
}

fn push_flash(session: &Session, kind: &str, text: String) {
    let mut flashes = session.get::<Vec<Flash>>(FLASH).ok().flatten().unwrap_or_default();
    let text: String = text.chars().take(MAX_FLASH_CHARS).collect();
    flashes.retain(|f| !(f.kind == kind && f.text == text));
    flashes.push(Flash { kind: kind.into(), text });
    let excess = flashes.len().saturating_sub(MAX_FLASHES);
    flashes.drain(..excess);
    if let Err(e) = session.insert(FLASH, flashes) {
        tracing::warn!(error = %e, "flash not stored");
    }
}

/// Keeps the session small enough for its cookie: when the state would not fit, the
/// flashes go (they are only hints). Runs inside the session middleware, after the
/// handler, so a committed action is never answered with an error because its cookie
/// could not be written.
pub async fn keep_cookie_small(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let res = next.call(req).await?;
    let session = res.request().get_session();
    let size: usize = session.entries().iter().map(|(k, v)| k.len() + v.len() + 6).sum();
    if size > MAX_SESSION_JSON {
        tracing::warn!(size, "session too large for its cookie; flashes dropped");
        session.remove(FLASH);
    }
    Ok(res)
}

/// Starts a session for `staff` (after a successful sign-in) bound to the server-side
/// session `token`, with a fresh CSRF token.
pub fn begin(session: &Session, staff: &StaffRow, token: &str, now: i64) -> Result<(), AppError> {
    session.renew();
    let stored = session
        .insert(STAFF_ID, staff.id)
        .and_then(|()| session.insert(EPOCH, staff.session_epoch))
        .and_then(|()| session.insert(TOKEN, token))
        .and_then(|()| session.insert(SIGNED_IN_AT, now));
    stored.map_err(|e| AppError::internal(anyhow::anyhow!("session: {e}")))?;
    csrf::rotate(session)?;
    Ok(())
}

impl FromRequest for StaffSession {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let session = req.get_session();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let htmx = req.headers().contains_key("hx-request");
        // Until an admin-made password is replaced, only the password page and sign-out
        // answer.
        let may_keep_password =
            ![super::account::PASSWORD_PATH, "/admin/logout"].contains(&req.path());
        let next = (req.method() == actix_web::http::Method::GET)
            .then(|| req.uri().path_and_query().map(|p| p.as_str().to_owned()))
            .flatten();
        Box::pin(async move {
            let sign_in = || PageError::SignIn { next: next.clone(), htmx };
            let state = state.ok_or_else(|| AppError::internal(anyhow::anyhow!("no app state")))?;
            let id = session.get::<i64>(STAFF_ID).ok().flatten().ok_or_else(sign_in)?;
            let epoch = session.get::<i32>(EPOCH).ok().flatten();
            let token = session.get::<String>(TOKEN).ok().flatten().ok_or_else(sign_in)?;
            let since = session.get::<i64>(SIGNED_IN_AT).ok().flatten().unwrap_or(0);
            let max_age = state.config.server.staff_session_hours * 3600;
            let expired = state.clock.now().timestamp() - since > max_age;
            let staff = accounts::staff_of_session(&state.db, &state.clock, id, token).await?;
            match staff {
                Some(staff) if Some(staff.session_epoch) == epoch && !expired => {
                    if staff.must_change_password && may_keep_password {
                        return Err(PageError::ChangePassword { htmx });
                    }
                    let csrf_token = csrf::token(&session)?;
                    Ok(StaffSession { staff, csrf_token, session })
                }
                _ => {
                    session.purge();
                    Err(sign_in())
                }
            }
        })
    }
}

/// A set of roles allowed on a route.
pub trait RoleSet {
    /// The roles.
    const ROLES: &'static [Role];
}

/// Admins only (staff, settings).
#[derive(Debug)]
pub struct Admins;
impl RoleSet for Admins {
    const ROLES: &'static [Role] = &[Role::Admin];
}

/// Reviews, members and events.
#[derive(Debug)]
pub struct Secretaries;
impl RoleSet for Secretaries {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Secretary];
}

/// Orders and dues.
#[derive(Debug)]
pub struct FinanceStaff;
impl RoleSet for FinanceStaff {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Finance];
}

/// Content.
#[derive(Debug)]
pub struct Editors;
impl RoleSet for Editors {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Secretary, Role::Editor];
}

/// A staff session whose role is in `R`; 403 otherwise.
#[derive(Debug)]
pub struct RequireRole<R: RoleSet>(pub StaffSession, PhantomData<R>);

impl<R: RoleSet> std::ops::Deref for RequireRole<R> {
    type Target = StaffSession;
    fn deref(&self) -> &StaffSession {
        &self.0
    }
}

impl<R: RoleSet + 'static> FromRequest for RequireRole<R> {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let inner = StaffSession::from_request(req, payload);
        Box::pin(async move {
            let staff = inner.await?;
            if R::ROLES.contains(&staff.role()) {
                Ok(RequireRole(staff, PhantomData))
            } else {
                Err(PageError::App(AppError::Forbidden))
            }
        })
    }
}
