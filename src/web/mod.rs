//! The workbench under `/admin`: staff sessions, CSRF, and one module per area.

pub mod account;
pub mod applications;
pub mod auth;
pub mod card_styles;
pub mod certificates;
pub mod csrf;
pub mod dues;
pub mod enterprises;
pub mod error;
pub mod events;
pub mod events_detail;
pub mod events_form;
pub mod events_lottery;
pub mod events_qr;
pub mod experts;
pub mod files;
pub mod home;
pub mod income;
pub mod listings;
pub mod listings_admin;
pub mod members;
pub mod members_edit;
pub mod membership_settings;
pub mod orders;
pub mod orders_xlsx;
pub mod outbox;
pub mod pager;
pub mod receipts;
pub mod render;
pub mod reviews;
pub mod session;
pub mod settings;
pub mod staff;
pub mod surveys;
pub mod surveys_charts;
pub mod surveys_form;
pub mod surveys_reminders;
pub mod surveys_results;

use actix_session::SessionMiddleware;
use actix_session::config::{CookieContentSecurity, PersistentSession};
use actix_session::storage::CookieSessionStore;
use actix_web::cookie::{Key, SameSite};
use actix_web::middleware::from_fn;
use actix_web::web;

use crate::config::Config;
use crate::http::routes::{Access, RouteDef, RouteInfo, describe, register};
pub use error::PageError;

/// Where the surface is mounted.
pub const PREFIX: &str = "/admin";

/// Every route of the workbench.
pub fn routes() -> Vec<RouteDef> {
    use Access::{Public, Staff};
    vec![
        RouteDef::get("/login", Public, auth::show_login),
        RouteDef::post("/login", Public, auth::sign_in),
        RouteDef::post("/logout", Staff, auth::sign_out),
        RouteDef::get("", Staff, home::show_home),
        RouteDef::get("/account/password", Staff, account::show_password),
        RouteDef::post("/account/password", Staff, account::change_password),
        RouteDef::post("/account/sign-out-everywhere", Staff, auth::sign_out_everywhere),
        RouteDef::get("/staff", Staff, staff::list_staff),
        RouteDef::post("/staff", Staff, staff::create_staff),
        RouteDef::post("/staff/{id}/disable", Staff, staff::disable_staff),
        RouteDef::post("/staff/{id}/enable", Staff, staff::enable_staff),
        RouteDef::post("/staff/{id}/sign-out", Staff, staff::sign_out_staff),
        RouteDef::post("/staff/{id}/reset-password", Staff, staff::reset_staff_password),
        RouteDef::post("/staff/{id}/link-user", Staff, staff::link_user),
        RouteDef::post("/staff/{id}/unlink-user", Staff, staff::unlink_user),
        RouteDef::get("/settings", Staff, settings::show_settings),
        RouteDef::post("/settings", Staff, settings::update_settings),
        RouteDef::get("/files", Staff, files::show_files),
        RouteDef::post("/files", Staff, files::upload_file),
        RouteDef::get("/files/{id}", Staff, files::show_file),
        RouteDef::get("/files/{id}/thumbnail", Staff, files::show_file),
        // membership
        RouteDef::get("/applications", Staff, applications::list_applications),
        RouteDef::get("/applications/{id}", Staff, applications::show_application),
        RouteDef::post("/applications/{id}/decide", Staff, applications::decide_application),
        RouteDef::get("/surveys", Staff, surveys::list_surveys),
        RouteDef::post("/surveys", Staff, surveys::create_survey),
        RouteDef::get("/surveys/new", Staff, surveys::new_survey),
        RouteDef::get("/surveys/{id}", Staff, surveys::show_survey),
        RouteDef::post("/surveys/{id}", Staff, surveys::update_survey),
        RouteDef::post("/surveys/{id}/publish", Staff, surveys::publish_survey),
        RouteDef::post("/surveys/{id}/duplicate", Staff, surveys::duplicate_survey),
        RouteDef::get("/surveys/{id}/results", Staff, surveys_results::show_results),
        RouteDef::get(
            "/surveys/{id}/results/questions/{question_id}/texts",
            Staff,
            surveys_results::show_text_answers,
        ),
        RouteDef::get("/surveys/{id}/export.xlsx", Staff, surveys_results::export_survey),
        RouteDef::get("/surveys/{id}/pending", Staff, surveys_reminders::list_pending),
        RouteDef::post("/surveys/{id}/remind", Staff, surveys_reminders::remind_pending),
        RouteDef::post("/surveys/{id}/questions", Staff, surveys::add_question),
        RouteDef::post("/surveys/{id}/questions/{question_id}", Staff, surveys::update_question),
        RouteDef::post(
            "/surveys/{id}/questions/{question_id}/delete",
            Staff,
            surveys::delete_question,
        ),
        RouteDef::post("/surveys/{id}/questions/{question_id}/move", Staff, surveys::move_question),
        RouteDef::get("/members", Staff, members::list_members),
        RouteDef::get("/members/export.xlsx", Staff, members::export_members),
        RouteDef::get("/members/template.xlsx", Staff, members::download_template),
        RouteDef::get("/members/import", Staff, members::show_import),
        RouteDef::post("/members/import", Staff, members::import_members),
        RouteDef::get("/members/{id}", Staff, members::show_member),
        RouteDef::get("/members/{id}/edit", Staff, members_edit::edit_member),
        RouteDef::post("/members/{id}/edit", Staff, members_edit::update_member),
        RouteDef::get("/card-styles", Staff, card_styles::list_card_styles),
        RouteDef::post("/card-styles/backgrounds", Staff, card_styles::create_card_background),
        RouteDef::post("/card-styles/{id}", Staff, card_styles::update_card_style),
        RouteDef::get("/enterprises", Staff, enterprises::list_enterprises),
        RouteDef::post("/enterprises/{id}/hide", Staff, enterprises::hide_enterprise),
        RouteDef::post("/enterprises/{id}/unhide", Staff, enterprises::unhide_enterprise),
        RouteDef::get("/membership-settings", Staff, membership_settings::show_membership_settings),
        RouteDef::post(
            "/membership-settings/numbering",
            Staff,
            membership_settings::update_numbering,
        ),
        RouteDef::post("/membership-settings/{entry}", Staff, membership_settings::create_entry),
        RouteDef::post(
            "/membership-settings/{entry}/{id}",
            Staff,
            membership_settings::update_entry,
        ),
        RouteDef::post(
            "/membership-settings/{entry}/{id}/delete",
            Staff,
            membership_settings::delete_entry,
        ),
        // events (issue 5)
        RouteDef::get("/events", Staff, events::list_events),
        RouteDef::post("/events", Staff, events::create_event),
        RouteDef::get("/events/new", Staff, events::new_event),
        RouteDef::get("/events/{id}", Staff, events_detail::show_event),
        RouteDef::post("/events/{id}", Staff, events::update_event),
        RouteDef::get("/events/{id}/edit", Staff, events::edit_event),
        RouteDef::post("/events/{id}/publish", Staff, events::publish_event),
        RouteDef::post("/events/{id}/cancel", Staff, events::cancel_event),
        RouteDef::post("/events/{id}/rotate-codes", Staff, events::rotate_codes),
        RouteDef::get("/events/{id}/counts", Staff, events_detail::show_counts),
        RouteDef::post(
            "/events/{id}/registrations/{rid}/approve",
            Staff,
            events_detail::approve_registration,
        ),
        RouteDef::post(
            "/events/{id}/registrations/{rid}/reject",
            Staff,
            events_detail::reject_registration,
        ),
        RouteDef::post(
            "/events/{id}/registrations/{rid}/check-in",
            Staff,
            events_detail::check_in_registration,
        ),
        RouteDef::get(
            "/events/{id}/export/registrations.xlsx",
            Staff,
            events_detail::export_registrations,
        ),
        RouteDef::get(
            "/events/{id}/export/attendance.xlsx",
            Staff,
            events_detail::export_attendance,
        ),
        RouteDef::get("/events/{id}/qr/{action}.png", Staff, events_qr::show_qr_png),
        RouteDef::get("/events/{id}/qr/{action}.svg", Staff, events_qr::show_qr_svg),
        RouteDef::get("/events/{id}/poster/{action}", Staff, events_qr::show_poster),
        RouteDef::get("/events/{id}/screen", Staff, events_qr::show_screen),
        RouteDef::get("/events/{id}/screen/code", Staff, events_qr::show_screen_code),
        RouteDef::get("/events/{id}/screen/qr.svg", Staff, events_qr::show_screen_qr),
        RouteDef::get("/lotteries", Staff, events_lottery::list_lotteries),
        RouteDef::post("/lotteries", Staff, events_lottery::create_lottery),
        RouteDef::get("/lotteries/{id}", Staff, events_lottery::show_lottery),
        RouteDef::get("/lotteries/{id}/qr.png", Staff, events_lottery::show_lottery_qr),
        RouteDef::post("/lotteries/{id}/prizes/{pid}/draw", Staff, events_lottery::draw_prize),
        // orders and dues (issue 14)
        RouteDef::get("/orders", Staff, orders::list_orders),
        RouteDef::get("/orders/export.xlsx", Staff, orders::export_orders),
        RouteDef::get("/orders/{id}", Staff, orders::show_order),
        RouteDef::post("/orders/{id}/offline-payment", Staff, orders::record_offline_payment),
        RouteDef::post("/orders/{id}/refund", Staff, orders::refund_order),
        RouteDef::get("/income", Staff, income::show_income),
        RouteDef::get("/orders/{id}/receipt", Staff, receipts::show_receipt),
        RouteDef::get("/invoices", Staff, receipts::list_invoices),
        RouteDef::get("/outbox", Staff, outbox::list_outbox),
        RouteDef::post("/outbox/{id}/retry", Staff, outbox::retry_message),
        RouteDef::post("/invoices/{id}/issue", Staff, receipts::issue_invoice),
        RouteDef::get("/dues", Staff, dues::show_dues),
        RouteDef::post("/dues/run", Staff, dues::run_dues),
        RouteDef::post("/dues/settings", Staff, dues::update_dues_settings),
        // reviews, experts, certificates (issue 11)
        RouteDef::get("/reviews", Staff, reviews::list_reviews),
        RouteDef::get("/reviews/{id}", Staff, reviews::show_review),
        RouteDef::post("/reviews/{id}/decide", Staff, reviews::decide_review),
        RouteDef::get("/experts", Staff, experts::list_experts),
        RouteDef::post("/experts", Staff, experts::create_expert),
        RouteDef::get("/experts/new", Staff, experts::new_expert),
        RouteDef::get("/experts/{id}", Staff, experts::show_expert),
        RouteDef::post("/experts/{id}", Staff, experts::update_expert),
        RouteDef::post("/experts/{id}/assign", Staff, experts::assign_expert),
        RouteDef::post("/experts/{id}/delete", Staff, experts::delete_expert),
        // marketplace (issue 13)
        RouteDef::get("/listings", Staff, listings::list_listings),
        RouteDef::get("/listings/{id}", Staff, listings::show_listing),
        RouteDef::post("/listings/{id}/unlist", Staff, listings::unlist_listing),
        RouteDef::get("/listing-reports", Staff, listings_admin::list_listing_reports),
        RouteDef::post(
            "/listing-reports/{id}/dismiss",
            Staff,
            listings_admin::dismiss_listing_report,
        ),
        RouteDef::get("/listing-categories", Staff, listings_admin::list_listing_categories),
        RouteDef::post("/listing-categories", Staff, listings_admin::create_listing_category),
        RouteDef::post("/listing-categories/{id}", Staff, listings_admin::update_listing_category),
        RouteDef::post(
            "/listing-categories/{id}/delete",
            Staff,
            listings_admin::delete_listing_category,
        ),
        RouteDef::get("/certificates", Staff, certificates::list_certificates),
        RouteDef::post("/certificates", Staff, certificates::create_certificate),
        RouteDef::get("/certificates/new", Staff, certificates::new_certificate),
        RouteDef::get("/certificates/{id}", Staff, certificates::show_certificate),
        RouteDef::get("/certificates/{id}/qr.png", Staff, certificates::show_certificate_qr),
        RouteDef::post("/certificates/{id}/revoke", Staff, certificates::revoke_certificate),
        RouteDef::post("/certificates/{id}/delete", Staff, certificates::delete_certificate),
    ]
}

/// The route table, for the route walk.
pub fn route_table() -> Vec<RouteInfo> {
    describe(PREFIX, routes())
}

/// Mounts the workbench with its session cookie and CSRF check.
pub fn scope(
    config: std::sync::Arc<Config>,
) -> actix_web::Scope<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let key = Key::from(&config.cookie_key());
    let secure = config.public_base_url.starts_with("https://");
    let ttl = actix_web::cookie::time::Duration::hours(config.server.staff_session_hours);
    let sessions = SessionMiddleware::builder(CookieSessionStore::default(), key)
        .cookie_name("guildhall_session".into())
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Strict)
        .cookie_secure(secure)
        .cookie_path("/admin".into())
        .cookie_content_security(CookieContentSecurity::Private)
        .session_lifecycle(PersistentSession::default().session_ttl(ttl))
        .build();
    let max_body = config.server.max_body_bytes;
    web::scope(PREFIX)
        .configure(|cfg| error::extractor_configs(cfg, max_body))
        .configure(|cfg| register(cfg, routes()))
        .default_service(web::to(error::not_found))
        .wrap(from_fn(csrf::check_csrf))
        .wrap(from_fn(session::keep_cookie_small))
        .wrap(sessions)
}
