//! The OpenAPI document, generated from the handlers' annotations, and a page to
//! browse it (Swagger UI, vendored).

use actix_web::HttpResponse;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use super::error::{ErrorBody, ErrorDetail};
use super::events;
use super::events_lottery;
use super::uploads;
use crate::error::FieldError;

/// The mini-program API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Guildhall mini-program API",
        description = "JSON API of the association's WeChat mini-program. Errors always have the \
                       form `{\"error\":{\"code\",\"message\",\"fields\"}}`; authenticate with \
                       `Authorization: Bearer <token>`."
    ),
    paths(
        uploads::create_upload,
        // events (issue 5)
        events::list_events, events::show_event, events::create_registration,
        events::list_my_registrations, events::cancel_registration, events::create_scan,
        events_lottery::create_lottery_entry, events_lottery::list_lottery_wins,
    ),
    components(schemas(ErrorBody, ErrorDetail, FieldError, uploads::UploadedFileView, uploads::UploadForm,
        // events (issue 5)
        events::EventView, events::EventPageView, events::EventDetailView, events::RegistrationView,
        events::MyRegistrationView, events::ScanRequest, events::ScanView, crate::events::scans::Outcome,
        events_lottery::LotterySignInRequest, events_lottery::LotterySignInView, events_lottery::LotteryWinView,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "uploads", description = "Files sent by users"),
        (name = "events", description = "Events, registrations, waiting lists and QR check-in"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// `GET /api/openapi.json`.
pub async fn show_openapi() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

/// `GET /api/docs`: Swagger UI over the document.
pub async fn show_docs() -> HttpResponse {
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <title>Guildhall API</title>\
         <link rel=\"stylesheet\" href=\"/static/vendor/swagger-ui/swagger-ui.css\"></head>\
         <body><div id=\"swagger-ui\" data-url=\"/api/openapi.json\"></div>\
         <script src=\"/static/vendor/swagger-ui/swagger-ui-bundle.js\"></script>\
         <script src=\"/static/docs.js\"></script></body></html>",
    )
}
