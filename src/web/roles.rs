//! The route table enforces roles: before any handler runs (and before its form or
//! JSON body is parsed), a request to a route stated `Access::StaffOf(roles)` is
//! refused with 403 unless the signed-in staff member's role is one of them. The
//! handlers' `RequireRole` extractors say the same again (defence in depth); the role
//! walk test proves table, handlers and menu agree.

use std::sync::LazyLock;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ResourceDef, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError as _};

use super::error::PageError;
use super::session::StaffSession;
use crate::accounts::model::Role;
use crate::error::AppError;
use crate::http::routes::Access;

/// `(method, pattern, roles)` of every route stated for some roles only.
static RESTRICTED: LazyLock<Vec<(Method, ResourceDef, &'static [Role])>> = LazyLock::new(|| {
    super::route_table()
        .into_iter()
        .filter_map(|r| match r.access {
            Access::StaffOf(roles) => Some((r.method, ResourceDef::new(r.path), roles)),
            _ => None,
        })
        .collect()
});

/// The roles the route of `method` `path` is stated for, when it is restricted.
fn roles_of(method: &Method, path: &str) -> Option<&'static [Role]> {
    RESTRICTED.iter().find(|(m, def, _)| m == method && def.is_match(path)).map(|(_, _, r)| *r)
}

/// Whether the route table lets `role` open the page at `path` (a GET): how the home
/// and the menu badges decide which queues a staff member may act on.
pub fn admits(role: Role, path: &str) -> bool {
    roles_of(&Method::GET, path).is_none_or(|roles| roles.contains(&role))
}

/// Middleware: 403 for a staff member whose role the route does not admit.
pub async fn check_roles(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(roles) = roles_of(req.method(), req.path()) else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    let (http, payload) = req.into_parts();
    let staff = <StaffSession as actix_web::FromRequest>::extract(&http).await;
    let refusal = match staff {
        Ok(staff) if roles.contains(&staff.role()) => None,
        Ok(_) => Some(PageError::App(AppError::Forbidden)),
        Err(e) => Some(e),
    };
    match refusal {
        None => {
            let req = ServiceRequest::from_parts(http, payload);
            next.call(req).await.map(ServiceResponse::map_into_boxed_body)
        }
        Some(e) => Ok(ServiceResponse::new(http, e.error_response())),
    }
}
