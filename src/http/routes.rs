//! Route definitions that both register the route and describe it, so tests can walk
//! every route of a surface without a hand-kept list.

use actix_web::http::Method;
use actix_web::{FromRequest, Handler, Responder, Route, web};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (sign-in pages, public lists, documentation).
    Public,
    /// A signed-in staff member of any role (cookie session).
    Staff,
    /// A signed-in staff member of one of these roles; the others get 403. The handler's
    /// extractor enforces it; the role walk test proves the two agree.
    StaffOf(&'static [crate::accounts::model::Role]),
    /// A signed-in mini-program user (bearer token).
    User,
}

/// One route of a surface.
pub struct RouteDef {
    /// HTTP method.
    pub method: Method,
    /// Path inside the surface's scope, e.g. `/staff/{id}/disable`.
    pub path: &'static str,
    /// Who may call it.
    pub access: Access,
    /// The actix route.
    pub route: Route,
}

impl Access {
    /// Whether this is a workbench (staff session) route.
    pub fn is_staff(self) -> bool {
        matches!(self, Self::Staff | Self::StaffOf(_))
    }

    /// Whether a staff member of `role` may call it (false for non-staff routes).
    pub fn admits(self, role: crate::accounts::model::Role) -> bool {
        match self {
            Self::Staff => true,
            Self::StaffOf(roles) => roles.contains(&role),
            Self::Public | Self::User => false,
        }
    }
}

impl RouteDef {
    fn new<F, Args>(method: Method, path: &'static str, access: Access, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        let route = web::route().method(method.clone()).to(handler);
        Self { method, path, access, route }
    }

    /// A GET route.
    pub fn get<F, Args>(path: &'static str, access: Access, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        Self::new(Method::GET, path, access, handler)
    }

    /// A POST route.
    pub fn post<F, Args>(path: &'static str, access: Access, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        Self::new(Method::POST, path, access, handler)
    }

    /// A PATCH route.
    pub fn patch<F, Args>(path: &'static str, access: Access, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        Self::new(Method::PATCH, path, access, handler)
    }
}

impl RouteDef {
    /// A PUT route.
    pub fn put<F, Args>(path: &'static str, access: Access, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        Self::new(Method::PUT, path, access, handler)
    }

    /// A DELETE route.
    pub fn delete<F, Args>(path: &'static str, access: Access, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        Self::new(Method::DELETE, path, access, handler)
    }
}

/// A route as the route walk sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteInfo {
    /// Method.
    pub method: Method,
    /// Full path pattern, e.g. `/admin/staff/{id}/disable`.
    pub path: String,
    /// Who may call it.
    pub access: Access,
}

/// Registers `defs` in `cfg`.
pub fn register(cfg: &mut web::ServiceConfig, defs: Vec<RouteDef>) {
    for def in defs {
        cfg.route(def.path, def.route);
    }
}

/// Describes `defs` under `prefix`.
pub fn describe(prefix: &str, defs: Vec<RouteDef>) -> Vec<RouteInfo> {
    defs.into_iter()
        .map(|d| RouteInfo {
            method: d.method,
            path: format!("{prefix}{}", d.path),
            access: d.access,
        })
        .collect()
}
