//! The workbench under `/admin`: staff sessions, CSRF, and one module per area.

pub mod account;
pub mod albums;
pub mod applications;
pub mod articles;
pub mod articles_publish;
pub mod audit;
pub mod auth;
pub mod card_styles;
pub mod certificates;
pub mod charts;
pub mod content_admin;
pub mod courses;
pub mod courses_form;
pub mod courses_lessons;
pub mod csrf;
pub mod download;
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
pub mod home_stats;
pub mod income;
pub mod library;
pub mod library_uploads;
pub mod listings;
pub mod listings_admin;
pub mod members;
pub mod members_edit;
pub mod membership_settings;
pub mod notice_settings;
pub mod orders;
pub mod orders_xlsx;
pub mod outbox;
pub mod pager;
pub mod queues;
pub mod receipts;
pub mod render;
pub mod reviews;
pub mod roles;
pub mod session;
pub mod settings;
pub mod staff;
pub mod surveys;
pub mod surveys_form;
pub mod surveys_reminders;
pub mod surveys_results;
pub mod tickets;
pub mod time_zones;
pub mod videos;

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
    use session::{Admins, Editors, FinanceStaff, RoleSet, Secretaries};
    const ADMINS: Access = Access::StaffOf(Admins::ROLES);
    const EDITORS: Access = Access::StaffOf(Editors::ROLES);
    const SECRETARIES: Access = Access::StaffOf(Secretaries::ROLES);
    const FINANCE: Access = Access::StaffOf(FinanceStaff::ROLES);
    vec![
        RouteDef::get("/login", Public, auth::show_login),
        RouteDef::post("/login", Public, auth::sign_in),
        RouteDef::post("/logout", Staff, auth::sign_out),
        RouteDef::get("", Staff, home::show_home),
        RouteDef::get("/account/password", Staff, account::show_password),
        RouteDef::post("/account/password", Staff, account::change_password),
        RouteDef::post("/account/sign-out-everywhere", Staff, auth::sign_out_everywhere),
        RouteDef::get("/staff", ADMINS, staff::list_staff),
        RouteDef::post("/staff", ADMINS, staff::create_staff),
        RouteDef::post("/staff/{id}/disable", ADMINS, staff::disable_staff),
        RouteDef::post("/staff/{id}/enable", ADMINS, staff::enable_staff),
        RouteDef::post("/staff/{id}/sign-out", ADMINS, staff::sign_out_staff),
        RouteDef::post("/staff/{id}/reset-password", ADMINS, staff::reset_staff_password),
        RouteDef::post("/staff/{id}/link-user", ADMINS, staff::link_user),
        RouteDef::post("/staff/{id}/unlink-user", ADMINS, staff::unlink_user),
        RouteDef::get("/settings", ADMINS, settings::show_settings),
        RouteDef::post("/settings", ADMINS, settings::update_settings),
        RouteDef::get("/settings/notices", ADMINS, notice_settings::show_notice_settings),
        RouteDef::post("/settings/notices/email", ADMINS, notice_settings::update_my_email),
        RouteDef::post("/settings/notices/{key}", ADMINS, notice_settings::update_notice_kind),
        RouteDef::post("/settings/notices/{key}/reset", ADMINS, notice_settings::reset_notice_kind),
        RouteDef::post("/settings/notices/{key}/test", ADMINS, notice_settings::test_notice_kind),
        RouteDef::get("/files", Staff, files::show_files),
        RouteDef::post("/files", Staff, files::upload_file),
        RouteDef::get("/files/{id}", Staff, files::show_file),
        RouteDef::get("/files/{id}/thumbnail", Staff, files::show_file),
        // membership
        RouteDef::get("/applications", SECRETARIES, applications::list_applications),
        RouteDef::get("/applications/{id}", SECRETARIES, applications::show_application),
        RouteDef::post("/applications/{id}/decide", SECRETARIES, applications::decide_application),
        RouteDef::get("/surveys", SECRETARIES, surveys::list_surveys),
        RouteDef::post("/surveys", SECRETARIES, surveys::create_survey),
        RouteDef::get("/surveys/new", SECRETARIES, surveys::new_survey),
        RouteDef::get("/surveys/{id}", SECRETARIES, surveys::show_survey),
        RouteDef::post("/surveys/{id}", SECRETARIES, surveys::update_survey),
        RouteDef::post("/surveys/{id}/publish", SECRETARIES, surveys::publish_survey),
        RouteDef::post("/surveys/{id}/duplicate", SECRETARIES, surveys::duplicate_survey),
        RouteDef::get("/surveys/{id}/results", SECRETARIES, surveys_results::show_results),
        RouteDef::get(
            "/surveys/{id}/results/questions/{question_id}/texts",
            SECRETARIES,
            surveys_results::show_text_answers,
        ),
        RouteDef::get("/surveys/{id}/export.xlsx", SECRETARIES, surveys_results::export_survey),
        RouteDef::get("/surveys/{id}/pending", SECRETARIES, surveys_reminders::list_pending),
        RouteDef::post("/surveys/{id}/remind", SECRETARIES, surveys_reminders::remind_pending),
        RouteDef::post("/surveys/{id}/questions", SECRETARIES, surveys::add_question),
        RouteDef::post(
            "/surveys/{id}/questions/{question_id}",
            SECRETARIES,
            surveys::update_question,
        ),
        RouteDef::post(
            "/surveys/{id}/questions/{question_id}/delete",
            SECRETARIES,
            surveys::delete_question,
        ),
        RouteDef::post(
            "/surveys/{id}/questions/{question_id}/move",
            SECRETARIES,
            surveys::move_question,
        ),
        RouteDef::get("/members", SECRETARIES, members::list_members),
        RouteDef::get("/members/export.xlsx", SECRETARIES, members::export_members),
        RouteDef::get("/members/template.xlsx", SECRETARIES, members::download_template),
        RouteDef::get("/members/import", SECRETARIES, members::show_import),
        RouteDef::post("/members/import", SECRETARIES, members::import_members),
        RouteDef::get("/members/{id}", SECRETARIES, members::show_member),
        RouteDef::get("/members/{id}/edit", SECRETARIES, members_edit::edit_member),
        RouteDef::post("/members/{id}/edit", SECRETARIES, members_edit::update_member),
        RouteDef::get("/card-styles", SECRETARIES, card_styles::list_card_styles),
        RouteDef::post(
            "/card-styles/backgrounds",
            SECRETARIES,
            card_styles::create_card_background,
        ),
        RouteDef::post("/card-styles/{id}", SECRETARIES, card_styles::update_card_style),
        RouteDef::get("/enterprises", SECRETARIES, enterprises::list_enterprises),
        RouteDef::post("/enterprises/{id}/hide", SECRETARIES, enterprises::hide_enterprise),
        RouteDef::post("/enterprises/{id}/unhide", SECRETARIES, enterprises::unhide_enterprise),
        RouteDef::get(
            "/membership-settings",
            SECRETARIES,
            membership_settings::show_membership_settings,
        ),
        RouteDef::post(
            "/membership-settings/numbering",
            SECRETARIES,
            membership_settings::update_numbering,
        ),
        RouteDef::post(
            "/membership-settings/{entry}",
            SECRETARIES,
            membership_settings::create_entry,
        ),
        RouteDef::post(
            "/membership-settings/{entry}/{id}",
            SECRETARIES,
            membership_settings::update_entry,
        ),
        RouteDef::post(
            "/membership-settings/{entry}/{id}/delete",
            SECRETARIES,
            membership_settings::delete_entry,
        ),
        // events (issue 5)
        RouteDef::get("/events", SECRETARIES, events::list_events),
        RouteDef::post("/events", SECRETARIES, events::create_event),
        RouteDef::get("/events/new", SECRETARIES, events::new_event),
        RouteDef::get("/events/{id}", SECRETARIES, events_detail::show_event),
        RouteDef::post("/events/{id}", SECRETARIES, events::update_event),
        RouteDef::get("/events/{id}/edit", SECRETARIES, events::edit_event),
        RouteDef::post("/events/{id}/publish", SECRETARIES, events::publish_event),
        RouteDef::post("/events/{id}/cancel", SECRETARIES, events::cancel_event),
        RouteDef::post("/events/{id}/rotate-codes", SECRETARIES, events::rotate_codes),
        RouteDef::get("/events/{id}/counts", SECRETARIES, events_detail::show_counts),
        RouteDef::post(
            "/events/{id}/registrations/{rid}/approve",
            SECRETARIES,
            events_detail::approve_registration,
        ),
        RouteDef::post(
            "/events/{id}/registrations/{rid}/reject",
            SECRETARIES,
            events_detail::reject_registration,
        ),
        RouteDef::post(
            "/events/{id}/registrations/{rid}/check-in",
            SECRETARIES,
            events_detail::check_in_registration,
        ),
        RouteDef::get(
            "/events/{id}/export/registrations.xlsx",
            SECRETARIES,
            events_detail::export_registrations,
        ),
        RouteDef::get(
            "/events/{id}/export/attendance.xlsx",
            SECRETARIES,
            events_detail::export_attendance,
        ),
        RouteDef::get("/events/{id}/qr/{action}.png", SECRETARIES, events_qr::show_qr_png),
        RouteDef::get("/events/{id}/qr/{action}.svg", SECRETARIES, events_qr::show_qr_svg),
        RouteDef::get("/events/{id}/poster/{action}", SECRETARIES, events_qr::show_poster),
        RouteDef::get("/events/{id}/screen", SECRETARIES, events_qr::show_screen),
        RouteDef::get("/events/{id}/screen/code", SECRETARIES, events_qr::show_screen_code),
        RouteDef::get("/events/{id}/screen/qr.svg", SECRETARIES, events_qr::show_screen_qr),
        RouteDef::get("/lotteries", SECRETARIES, events_lottery::list_lotteries),
        RouteDef::post("/lotteries", SECRETARIES, events_lottery::create_lottery),
        RouteDef::get("/lotteries/{id}", SECRETARIES, events_lottery::show_lottery),
        RouteDef::get("/lotteries/{id}/qr.png", SECRETARIES, events_lottery::show_lottery_qr),
        RouteDef::post(
            "/lotteries/{id}/prizes/{pid}/draw",
            SECRETARIES,
            events_lottery::draw_prize,
        ),
        // orders and dues (issue 14)
        RouteDef::get("/orders", FINANCE, orders::list_orders),
        RouteDef::get("/orders/export.xlsx", FINANCE, orders::export_orders),
        RouteDef::get("/orders/{id}", FINANCE, orders::show_order),
        RouteDef::post("/orders/{id}/offline-payment", FINANCE, orders::record_offline_payment),
        RouteDef::post("/orders/{id}/refund", FINANCE, orders::refund_order),
        RouteDef::get("/income", FINANCE, income::show_income),
        RouteDef::get("/orders/{id}/receipt", FINANCE, receipts::show_receipt),
        RouteDef::get("/invoices", FINANCE, receipts::list_invoices),
        RouteDef::get("/outbox", ADMINS, outbox::list_outbox),
        RouteDef::get("/audit", SECRETARIES, audit::list_audit),
        RouteDef::get("/audit.xlsx", SECRETARIES, audit::export_audit),
        RouteDef::post("/outbox/{id}/retry", ADMINS, outbox::retry_message),
        RouteDef::post("/invoices/{id}/issue", FINANCE, receipts::issue_invoice),
        RouteDef::get("/dues", FINANCE, dues::show_dues),
        RouteDef::post("/dues/run", FINANCE, dues::run_dues),
        RouteDef::post("/dues/remind", FINANCE, dues::remind_dues),
        RouteDef::post("/dues/settings", FINANCE, dues::update_dues_settings),
        RouteDef::get("/courses", EDITORS, courses::list_courses),
        RouteDef::post("/courses", EDITORS, courses::create_course),
        RouteDef::get("/courses/new", EDITORS, courses::new_course),
        RouteDef::get("/courses/{id}", EDITORS, courses::show_course),
        RouteDef::post("/courses/{id}", EDITORS, courses::update_course),
        RouteDef::get("/courses/{id}/edit", EDITORS, courses::edit_course),
        RouteDef::post("/courses/{id}/publish", EDITORS, courses::publish_course),
        RouteDef::post("/courses/{id}/unpublish", EDITORS, courses::unpublish_course),
        RouteDef::get("/courses/{id}/learners", EDITORS, courses::list_learners),
        RouteDef::get("/courses/{id}/learners.xlsx", EDITORS, courses::export_learners),
        RouteDef::get("/courses/{id}/lessons/new", EDITORS, courses_lessons::new_lesson),
        RouteDef::post("/courses/{id}/lessons", EDITORS, courses_lessons::create_lesson),
        RouteDef::get("/courses/{id}/lessons/{lesson_id}", EDITORS, courses_lessons::edit_lesson),
        RouteDef::post(
            "/courses/{id}/lessons/{lesson_id}",
            EDITORS,
            courses_lessons::update_lesson,
        ),
        RouteDef::post(
            "/courses/{id}/lessons/{lesson_id}/delete",
            EDITORS,
            courses_lessons::delete_lesson,
        ),
        // reviews, experts, certificates (issue 11)
        RouteDef::get("/reviews", SECRETARIES, reviews::list_reviews),
        RouteDef::get("/reviews/{id}", SECRETARIES, reviews::show_review),
        RouteDef::post("/reviews/{id}/decide", SECRETARIES, reviews::decide_review),
        RouteDef::get("/experts", SECRETARIES, experts::list_experts),
        RouteDef::post("/experts", SECRETARIES, experts::create_expert),
        RouteDef::get("/experts/new", SECRETARIES, experts::new_expert),
        RouteDef::get("/experts/{id}", SECRETARIES, experts::show_expert),
        RouteDef::post("/experts/{id}", SECRETARIES, experts::update_expert),
        RouteDef::post("/experts/{id}/assign", SECRETARIES, experts::assign_expert),
        RouteDef::post("/experts/{id}/delete", SECRETARIES, experts::delete_expert),
        // marketplace (issue 13)
        RouteDef::get("/listings", SECRETARIES, listings::list_listings),
        RouteDef::get("/listings/{id}", SECRETARIES, listings::show_listing),
        RouteDef::post("/listings/{id}/unlist", SECRETARIES, listings::unlist_listing),
        RouteDef::get("/listing-reports", SECRETARIES, listings_admin::list_listing_reports),
        RouteDef::post(
            "/listing-reports/{id}/dismiss",
            SECRETARIES,
            listings_admin::dismiss_listing_report,
        ),
        RouteDef::get("/listing-categories", SECRETARIES, listings_admin::list_listing_categories),
        RouteDef::post("/listing-categories", SECRETARIES, listings_admin::create_listing_category),
        RouteDef::post(
            "/listing-categories/{id}",
            SECRETARIES,
            listings_admin::update_listing_category,
        ),
        RouteDef::post(
            "/listing-categories/{id}/delete",
            SECRETARIES,
            listings_admin::delete_listing_category,
        ),
        RouteDef::get("/certificates", SECRETARIES, certificates::list_certificates),
        RouteDef::post("/certificates", SECRETARIES, certificates::create_certificate),
        RouteDef::get("/certificates/new", SECRETARIES, certificates::new_certificate),
        RouteDef::get("/certificates/{id}", SECRETARIES, certificates::show_certificate),
        RouteDef::get("/certificates/{id}/qr.png", SECRETARIES, certificates::show_certificate_qr),
        RouteDef::post("/certificates/{id}/revoke", SECRETARIES, certificates::revoke_certificate),
        RouteDef::post("/certificates/{id}/delete", SECRETARIES, certificates::delete_certificate),
        // content (issue 17)
        RouteDef::get("/articles", EDITORS, articles::list_articles),
        RouteDef::post("/articles", EDITORS, articles::create_article),
        RouteDef::get("/articles/new", EDITORS, articles::new_article),
        RouteDef::get("/articles/import", EDITORS, content_admin::show_import),
        RouteDef::post("/articles/import", EDITORS, content_admin::import_article),
        RouteDef::post("/articles/uploads", EDITORS, content_admin::upload_article_file),
        RouteDef::get("/articles/{id}", EDITORS, articles::edit_article),
        RouteDef::post("/articles/{id}", EDITORS, articles::update_article),
        RouteDef::get("/articles/{id}/preview", EDITORS, articles_publish::preview_article),
        RouteDef::post("/articles/{id}/publish", EDITORS, articles_publish::publish_article),
        RouteDef::post("/articles/{id}/unpublish", EDITORS, articles_publish::unpublish_article),
        RouteDef::get("/content-home", EDITORS, content_admin::show_content_home),
        RouteDef::post("/content-home/banners", EDITORS, content_admin::create_banner),
        RouteDef::post("/content-home/banners/{id}/move", EDITORS, content_admin::move_banner),
        RouteDef::post("/content-home/banners/{id}/delete", EDITORS, content_admin::delete_banner),
        RouteDef::post("/content-home/shortcuts", EDITORS, content_admin::update_shortcuts),
        RouteDef::post("/content-home/teasers", EDITORS, content_admin::update_teasers),
        RouteDef::post("/content-home/categories", EDITORS, content_admin::create_article_category),
        // library, albums, videos (issue 17)
        RouteDef::get("/library", EDITORS, library::list_library),
        RouteDef::post("/library", EDITORS, library::create_library_item),
        RouteDef::get("/library/new", EDITORS, library::new_library_item),
        RouteDef::post("/library/uploads", EDITORS, library_uploads::upload_library_file),
        RouteDef::get("/library/{id}", EDITORS, library::edit_library_item),
        RouteDef::post("/library/{id}", EDITORS, library::update_library_item),
        RouteDef::post("/library/{id}/publish", EDITORS, library::publish_library_item),
        RouteDef::post("/library/{id}/unpublish", EDITORS, library::unpublish_library_item),
        RouteDef::get("/albums", EDITORS, albums::list_albums),
        RouteDef::post("/albums", EDITORS, albums::create_album),
        RouteDef::get("/albums/new", EDITORS, albums::new_album),
        RouteDef::get("/albums/{id}", EDITORS, albums::edit_album),
        RouteDef::post("/albums/{id}", EDITORS, albums::update_album),
        RouteDef::post("/albums/{id}/publish", EDITORS, albums::publish_album),
        RouteDef::post("/albums/{id}/unpublish", EDITORS, albums::publish_album),
        RouteDef::post("/albums/{id}/photos", EDITORS, library_uploads::upload_album_photo),
        RouteDef::post("/albums/{id}/photos/{photo_id}", EDITORS, albums::change_photo),
        RouteDef::get("/videos", EDITORS, videos::list_videos),
        RouteDef::post("/videos", EDITORS, videos::create_video),
        RouteDef::get("/videos/new", EDITORS, videos::new_video),
        RouteDef::get("/videos/{id}", EDITORS, videos::edit_video),
        RouteDef::post("/videos/{id}", EDITORS, videos::update_video),
        RouteDef::post("/videos/{id}/publish", EDITORS, videos::publish_video),
        RouteDef::post("/videos/{id}/unpublish", EDITORS, videos::publish_video),
        RouteDef::get("/tickets", SECRETARIES, tickets::list_tickets),
        RouteDef::get("/tickets/{id}", SECRETARIES, tickets::show_ticket),
        RouteDef::post("/tickets/{id}/answer", SECRETARIES, tickets::answer_ticket),
        RouteDef::post("/tickets/{id}/close", SECRETARIES, tickets::close_ticket),
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
        .wrap(from_fn(roles::check_roles))
        .wrap(from_fn(csrf::check_csrf))
        .wrap(from_fn(session::keep_cookie_small))
        .wrap(sessions)
}
