//! The mini-program's JSON API under `/api`: routes, bearer auth, the error form and
//! the OpenAPI document.

pub mod auth;
pub mod error;
pub mod membership;
pub mod openapi;
pub mod uploads;

use actix_web::web;

use crate::http::routes::{Access, RouteDef, RouteInfo, describe, register};
pub use auth::BearerUser;
pub use error::ApiError;

/// Where the surface is mounted.
pub const PREFIX: &str = "/api";

/// Every route of the API.
pub fn routes() -> Vec<RouteDef> {
    vec![
        RouteDef::get("/openapi.json", Access::Public, openapi::show_openapi),
        RouteDef::get("/docs", Access::Public, openapi::show_docs),
        RouteDef::post("/v1/uploads", Access::User, uploads::create_upload),
        // membership
        RouteDef::get("/v1/member-types", Access::User, membership::list_member_types),
        RouteDef::get("/v1/positions", Access::User, membership::list_positions),
        RouteDef::get("/v1/industries", Access::User, membership::list_industries),
        RouteDef::post("/v1/applications", Access::User, membership::create_application),
        RouteDef::get("/v1/applications", Access::User, membership::list_applications),
        RouteDef::get("/v1/applications/{id}", Access::User, membership::show_application),
        RouteDef::post(
            "/v1/applications/{id}/withdraw",
            Access::User,
            membership::withdraw_application,
        ),
    ]
}

/// The route table, for the route walk.
pub fn route_table() -> Vec<RouteInfo> {
    describe(PREFIX, routes())
}

/// Mounts the API.
pub fn scope(max_body_bytes: usize) -> actix_web::Scope {
    web::scope(PREFIX)
        .configure(|cfg| error::extractor_configs(cfg, max_body_bytes))
        .configure(|cfg| register(cfg, routes()))
        .default_service(web::to(error::not_found))
}
