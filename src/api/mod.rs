//! The mini-program's JSON API under `/api`: routes, bearer auth, the error form and
//! the OpenAPI document.

pub mod auth;
pub mod billing;
pub mod body;
pub mod cards;
pub mod certificates;
pub mod content;
pub mod contract;
pub mod enterprises;
pub mod error;
pub mod events;
pub mod events_lottery;
pub mod experts;
pub mod learning;
pub mod library;
pub mod listings;
pub mod me;
pub mod me_email;
pub mod membership;
pub mod notices;
pub mod openapi;
pub mod profiles;
pub mod receipts;
pub mod sign_in;
pub mod subscriptions;
pub mod surveys;
pub mod tickets;
pub mod uploads;
pub mod views;
pub mod workbench;

use actix_web::web;

use actix_web::middleware::from_fn;

use crate::http::routes::{Access, RouteDef, RouteInfo, describe};
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
        RouteDef::post("/v1/auth/wechat", Access::Public, sign_in::sign_in_wechat),
        RouteDef::post("/v1/auth/sms-code", Access::Public, sign_in::send_sms_code),
        RouteDef::post("/v1/auth/sms", Access::Public, sign_in::sign_in_sms),
        RouteDef::post("/v1/auth/logout", Access::User, sign_in::sign_out),
        RouteDef::get("/v1/me", Access::User, me::show_me),
        RouteDef::patch("/v1/me", Access::User, me::update_me),
        RouteDef::post("/v1/me/phone", Access::User, me::bind_phone),
        RouteDef::post("/v1/me/wechat", Access::User, me::bind_wechat),
        RouteDef::post("/v1/me/email", Access::User, me_email::request_email_code),
        RouteDef::post("/v1/me/email/confirm", Access::User, me_email::confirm_email),
        RouteDef::delete("/v1/me/email", Access::User, me_email::remove_email),
        RouteDef::get("/v1/me/notifications", Access::User, notices::list_notifications),
        RouteDef::post(
            "/v1/me/notifications/read-all",
            Access::User,
            notices::read_all_notifications,
        ),
        RouteDef::post("/v1/me/notifications/{id}/read", Access::User, notices::read_notification),
        RouteDef::get("/v1/me/subscriptions", Access::User, subscriptions::list_subscriptions),
        RouteDef::post("/v1/me/subscriptions", Access::User, subscriptions::record_subscriptions),
        RouteDef::get("/v1/workbench/queues", Access::User, workbench::list_queues),
        RouteDef::get("/v1/workbench/items", Access::User, workbench::list_items),
        RouteDef::get("/v1/workbench/items/{kind}/{id}", Access::User, workbench::show_item),
        RouteDef::post(
            "/v1/workbench/items/{kind}/{id}/decide",
            Access::User,
            workbench::decide_item,
        ),
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
        // events (issue 5)
        RouteDef::get("/v1/events", Access::User, events::list_events),
        RouteDef::get("/v1/events/{id}", Access::User, events::show_event),
        RouteDef::post("/v1/events/{id}/registrations", Access::User, events::create_registration),
        RouteDef::get("/v1/registrations", Access::User, events::list_my_registrations),
        RouteDef::post("/v1/registrations/{id}/cancel", Access::User, events::cancel_registration),
        RouteDef::post("/v1/scans", Access::User, events::create_scan),
        RouteDef::post("/v1/lottery-entries", Access::User, events_lottery::create_lottery_entry),
        RouteDef::get("/v1/lottery-wins", Access::User, events_lottery::list_lottery_wins),
        RouteDef::get("/v1/me/lotteries", Access::User, events_lottery::list_my_lotteries),
        RouteDef::get("/v1/surveys", Access::User, surveys::list_surveys),
        RouteDef::get("/v1/surveys/{id}", Access::User, surveys::show_survey),
        RouteDef::post("/v1/surveys/{id}/responses", Access::User, surveys::create_response),
        RouteDef::get("/v1/surveys/{id}/results", Access::User, surveys::show_results),
        // orders and payment (issue 14)
        RouteDef::get("/v1/me/orders", Access::User, billing::list_my_orders),
        RouteDef::get("/v1/me/orders/{id}", Access::User, billing::show_my_order),
        RouteDef::post("/v1/me/orders/{id}/cancel", Access::User, billing::cancel_my_order),
        RouteDef::post("/v1/me/orders/{id}/pay", Access::User, billing::pay_my_order),
        RouteDef::post("/v1/me/orders/{id}/refresh", Access::User, billing::refresh_my_order),
        RouteDef::get("/v1/me/orders/{id}/receipt", Access::User, receipts::show_my_receipt),
        RouteDef::get("/v1/me/orders/{id}/invoice", Access::User, receipts::show_my_invoice),
        RouteDef::post("/v1/me/orders/{id}/invoice", Access::User, receipts::request_my_invoice),
        RouteDef::post(
            "/v1/payments/wechat/notify",
            Access::Public,
            billing::receive_wechat_notify,
        ),
        // profiles (issue 10)
        RouteDef::get("/v1/me/profile", Access::User, profiles::show_my_profile),
        RouteDef::put("/v1/me/profile", Access::User, profiles::update_my_profile),
        RouteDef::get("/v1/members", Access::User, profiles::list_members),
        RouteDef::get("/v1/members/{id}", Access::User, profiles::show_member),
        RouteDef::get("/v1/enterprises", Access::User, enterprises::list_enterprises),
        RouteDef::get("/v1/enterprises/{id}", Access::User, enterprises::show_enterprise),
        RouteDef::get("/v1/me/enterprises", Access::User, enterprises::list_my_enterprises),
        RouteDef::post("/v1/me/enterprises", Access::User, enterprises::create_my_enterprise),
        RouteDef::get("/v1/me/enterprises/{id}", Access::User, enterprises::show_my_enterprise),
        RouteDef::put("/v1/me/enterprises/{id}", Access::User, enterprises::update_my_enterprise),
        RouteDef::delete(
            "/v1/me/enterprises/{id}",
            Access::User,
            enterprises::delete_my_enterprise,
        ),
        // experts and certificates (issue 11)
        RouteDef::get("/v1/experts", Access::User, experts::list_experts),
        RouteDef::get("/v1/experts/{id}", Access::User, experts::show_expert),
        RouteDef::get("/v1/me/experts", Access::User, experts::list_my_experts),
        RouteDef::post("/v1/me/experts", Access::User, experts::create_my_expert),
        RouteDef::get("/v1/me/experts/{id}", Access::User, experts::show_my_expert),
        RouteDef::put("/v1/me/experts/{id}", Access::User, experts::update_my_expert),
        RouteDef::delete("/v1/me/experts/{id}", Access::User, experts::delete_my_expert),
        RouteDef::post("/v1/me/experts/{id}/withdraw", Access::User, experts::withdraw_my_expert),
        RouteDef::get("/v1/certificates", Access::User, certificates::list_certificates),
        RouteDef::get("/v1/certificates/{id}", Access::User, certificates::show_certificate),
        RouteDef::get("/v1/me/certificates", Access::User, certificates::list_my_certificates),
        RouteDef::post("/v1/me/certificates", Access::User, certificates::create_my_certificate),
        RouteDef::get("/v1/me/certificates/{id}", Access::User, certificates::show_my_certificate),
        RouteDef::put(
            "/v1/me/certificates/{id}",
            Access::User,
            certificates::update_my_certificate,
        ),
        RouteDef::delete(
            "/v1/me/certificates/{id}",
            Access::User,
            certificates::delete_my_certificate,
        ),
        RouteDef::post(
            "/v1/me/certificates/{id}/withdraw",
            Access::User,
            certificates::withdraw_my_certificate,
        ),
        RouteDef::post(
            "/v1/me/certificates/{id}/card",
            Access::User,
            certificates::set_certificate_card,
        ),
        // cards (issue 12)
        RouteDef::get("/v1/card-styles", Access::User, cards::list_card_styles),
        RouteDef::get("/v1/me/card", Access::User, cards::show_my_card),
        RouteDef::put("/v1/me/card", Access::User, cards::update_my_card),
        RouteDef::post("/v1/me/card/share", Access::User, cards::share_my_card),
        RouteDef::post("/v1/me/card/unshare", Access::User, cards::unshare_my_card),
        RouteDef::get("/v1/me/card/visitors", Access::User, cards::list_my_card_visitors),
        RouteDef::get("/v1/cards/{slug}", Access::Public, cards::show_card),
        // marketplace (issue 13)
        RouteDef::get("/v1/listings", Access::Public, listings::list_listings),
        RouteDef::get("/v1/listings/{id}", Access::Public, listings::show_listing),
        RouteDef::get("/v1/listing-categories", Access::Public, listings::list_listing_categories),
        RouteDef::post("/v1/listings/{id}/contact", Access::User, listings::reveal_listing_contact),
        RouteDef::post("/v1/listings/{id}/reports", Access::User, listings::create_listing_report),
        RouteDef::get("/v1/me/listings", Access::User, listings::list_my_listings),
        RouteDef::post("/v1/me/listings", Access::User, listings::create_my_listing),
        RouteDef::get("/v1/me/listings/{id}", Access::User, listings::show_my_listing),
        RouteDef::put("/v1/me/listings/{id}", Access::User, listings::update_my_listing),
        RouteDef::delete("/v1/me/listings/{id}", Access::User, listings::delete_my_listing),
        RouteDef::post("/v1/me/listings/{id}/list", Access::User, listings::list_my_listing),
        RouteDef::post("/v1/me/listings/{id}/unlist", Access::User, listings::unlist_my_listing),
        RouteDef::post(
            "/v1/me/listings/{id}/withdraw",
            Access::User,
            listings::withdraw_my_listing,
        ),
        // content (issue 17)
        RouteDef::get("/v1/home", Access::Public, content::show_home),
        RouteDef::get("/v1/articles", Access::Public, content::list_articles),
        RouteDef::get("/v1/articles/{id}", Access::Public, content::show_article),
        RouteDef::get(
            "/v1/articles/{id}/attachments/{file_id}",
            Access::Public,
            content::download_article_attachment,
        ),
        RouteDef::get("/v1/article-categories", Access::Public, content::list_article_categories),
        // library, albums, videos (issue 17)
        RouteDef::get("/v1/library", Access::Public, library::list_library),
        RouteDef::get("/v1/library/{id}", Access::Public, library::show_library_item),
        RouteDef::get("/v1/library/{id}/file", Access::Public, library::download_library_item),
        RouteDef::get("/v1/albums", Access::Public, library::list_albums),
        RouteDef::get("/v1/albums/{id}", Access::Public, library::show_album),
        RouteDef::get("/v1/videos", Access::Public, library::list_videos),
        RouteDef::get("/v1/videos/{id}", Access::Public, library::show_video),
        RouteDef::get("/v1/videos/{id}/file", Access::Public, library::play_video),
        RouteDef::get("/v1/me/tickets", Access::User, tickets::list_my_tickets),
        RouteDef::post("/v1/me/tickets", Access::User, tickets::create_my_ticket),
        RouteDef::get("/v1/me/tickets/{id}", Access::User, tickets::show_my_ticket),
        RouteDef::post("/v1/me/tickets/{id}/messages", Access::User, tickets::reply_my_ticket),
        RouteDef::post("/v1/me/tickets/{id}/close", Access::User, tickets::close_my_ticket),
        // learning (issue 18)
        RouteDef::get("/v1/courses", Access::User, learning::list_courses),
        RouteDef::get("/v1/courses/{id}", Access::User, learning::show_course),
        RouteDef::post("/v1/courses/{id}/enrolments", Access::User, learning::create_enrolment),
        RouteDef::get("/v1/me/courses", Access::User, learning::list_my_courses),
        RouteDef::post(
            "/v1/courses/{id}/lessons/{lesson_id}/study-sessions",
            Access::User,
            learning::open_study_session,
        ),
        RouteDef::post(
            "/v1/study-sessions/{id}/heartbeats",
            Access::User,
            learning::create_heartbeat,
        ),
        RouteDef::post(
            "/v1/study-sessions/{id}/close",
            Access::User,
            learning::close_study_session,
        ),
    ]
}

/// Registers the routes one resource per path; paths with a user route authenticate
/// (middleware) before any extractor reads the body.
fn register(cfg: &mut web::ServiceConfig, defs: Vec<RouteDef>) {
    let mut paths: Vec<(&'static str, Vec<RouteDef>)> = Vec::new();
    for def in defs {
        match paths.iter_mut().find(|(path, _)| *path == def.path) {
            Some((_, group)) => group.push(def),
            None => paths.push((def.path, vec![def])),
        }
    }
    for (path, group) in paths {
        let needs_user = group.iter().any(|d| d.access == Access::User);
        let mut resource = web::resource(path);
        for def in group {
            resource = resource.route(def.route);
        }
        if needs_user {
            cfg.service(resource.wrap(from_fn(auth::require_user)));
        } else {
            cfg.service(resource);
        }
    }
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
