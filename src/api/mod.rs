//! The mini-program's JSON API under `/api`: routes, bearer auth, the error form and
//! the OpenAPI document.

pub mod auth;
pub mod error;
pub mod events;
pub mod events_lottery;
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
        // events (issue 5)
        RouteDef::get("/v1/events", Access::User, events::list_events),
        RouteDef::get("/v1/events/{id}", Access::User, events::show_event),
        RouteDef::post("/v1/events/{id}/registrations", Access::User, events::create_registration),
        RouteDef::get("/v1/registrations", Access::User, events::list_my_registrations),
        RouteDef::post("/v1/registrations/{id}/cancel", Access::User, events::cancel_registration),
        RouteDef::post("/v1/scans", Access::User, events::create_scan),
        RouteDef::post("/v1/lottery-entries", Access::User, events_lottery::create_lottery_entry),
        RouteDef::get("/v1/lottery-wins", Access::User, events_lottery::list_lottery_wins),
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
