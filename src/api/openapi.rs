//! The OpenAPI document, generated from the handlers' annotations, and a page to
//! browse it (Swagger UI, vendored).

use actix_web::HttpResponse;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use super::contract::SharedResponses;
use super::error::{ErrorBody, ErrorDetail};
use super::membership as ms;
use super::{
    billing, certificates as certs, enterprises, events, events_lottery, experts, learning,
    listings, me, notices, profiles, receipts, sign_in, surveys, uploads,
};
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
        sign_in::sign_in_wechat,
        sign_in::send_sms_code,
        sign_in::sign_in_sms,
        sign_in::sign_out,
        me::show_me,
        me::update_me,
        me::bind_phone,
        me::bind_wechat,
        notices::list_notifications,
        notices::read_notification,
        notices::read_all_notifications,
        ms::list_member_types,
        ms::list_positions,
        ms::list_industries,
        ms::create_application,
        ms::list_applications,
        ms::show_application,
        ms::withdraw_application,
        events::list_events,
        events::show_event,
        events::create_registration,
        events::list_my_registrations,
        events::cancel_registration,
        events::create_scan,
        events_lottery::create_lottery_entry,
        events_lottery::list_lottery_wins,
        surveys::list_surveys,
        surveys::show_survey,
        surveys::create_response,
        surveys::show_results,
        billing::list_my_orders,
        billing::show_my_order,
        billing::cancel_my_order,
        billing::pay_my_order,
        billing::refresh_my_order,
        receipts::show_my_receipt,
        receipts::show_my_invoice,
        receipts::request_my_invoice,
        billing::receive_wechat_notify,
        profiles::show_my_profile,
        profiles::update_my_profile,
        profiles::list_members,
        profiles::show_member,
        enterprises::list_enterprises,
        enterprises::show_enterprise,
        enterprises::list_my_enterprises,
        enterprises::create_my_enterprise,
        enterprises::show_my_enterprise,
        enterprises::update_my_enterprise,
        enterprises::delete_my_enterprise,
        experts::list_experts,
        experts::show_expert,
        experts::list_my_experts,
        experts::create_my_expert,
        experts::show_my_expert,
        experts::update_my_expert,
        experts::withdraw_my_expert,
        experts::delete_my_expert,
        certs::list_certificates,
        certs::show_certificate,
        certs::list_my_certificates,
        certs::create_my_certificate,
        certs::show_my_certificate,
        certs::update_my_certificate,
        certs::withdraw_my_certificate,
        certs::set_certificate_card,
        certs::delete_my_certificate,
        listings::list_listings,
        listings::show_listing,
        listings::list_listing_categories,
        listings::reveal_listing_contact,
        listings::create_listing_report,
        listings::list_my_listings,
        listings::create_my_listing,
        listings::show_my_listing,
        listings::update_my_listing,
        listings::list_my_listing,
        listings::unlist_my_listing,
        listings::withdraw_my_listing,
        listings::delete_my_listing,
        learning::list_courses,
        learning::show_course,
        learning::create_enrolment,
        learning::list_my_courses,
        learning::open_study_session,
        learning::create_heartbeat,
        learning::close_study_session,
    ),
    components(schemas(
        ErrorBody,
        ErrorDetail,
        FieldError,
        uploads::UploadedFileView,
        uploads::UploadForm,
        ms::MemberTypeItem,
        ms::PositionItem,
        ms::IndustryItem,
        ms::MemberTypeList,
        ms::PositionList,
        ms::IndustryList,
        ms::ApplicationList,
        crate::membership::ApplicationInput,
        crate::membership::ApplicationKind,
        crate::membership::ApplicationView,
        crate::membership::MembershipView,
        crate::membership::members::NamedRef,
        crate::membership::members::PositionView,
        events::EventView,
        events::EventPageView,
        events::EventDetailView,
        events::RegistrationView,
        events::MyRegistrationView,
        events::ScanRequest,
        events::ScanView,
        crate::events::scans::Outcome,
        events_lottery::LotterySignInRequest,
        events_lottery::LotterySignInView,
        events_lottery::LotteryWinView,
        surveys::SurveyItemView,
        surveys::SurveyPageView,
        surveys::QuestionView,
        surveys::SurveyDetailView,
        surveys::ResponseRequest,
        surveys::ResponseAccepted,
        surveys::QuestionResultView,
        surveys::SurveyResultsView,
        crate::surveys::model::AnswerInput,
        crate::surveys::model::OptionRow,
        crate::surveys::results::Bar,
        billing::OrderView,
        billing::PaymentView,
        billing::RefundView,
        billing::NotifyFailBody,
        receipts::ReceiptView,
        receipts::InvoiceView,
        receipts::InvoiceRequest,
        crate::billing::wechat_pay::PayParams,
        profiles::MemberPage,
        enterprises::EnterprisePage,
        enterprises::MyEnterpriseList,
        crate::profiles::enterprises_model::EnterpriseInput,
        crate::profiles::enterprises_model::PublicEnterprise,
        crate::profiles::enterprises_model::MyEnterpriseView,
        crate::profiles::member_profiles_model::ProfileInput,
        crate::profiles::member_profiles_model::MyProfileView,
        crate::profiles::member_profiles_model::PublicMember,
        crate::profiles::member_profiles_model::Gender,
        experts::MyExpertList,
        crate::profiles::experts::MyExpertView,
        crate::profiles::experts::PublicExpert,
        crate::profiles::experts::ExpertPage,
        crate::profiles::experts_model::ExpertFields,
        crate::profiles::experts_model::ExpertView,
        crate::profiles::reviewed::ImageRef,
        crate::kernel::revisions::ReviewState,
        certs::MyCertificateList,
        certs::CardChoice,
        crate::profiles::certificates::MyCertificateView,
        crate::profiles::certificates::PublicCertificate,
        crate::profiles::certificates::CertificatePage,
        crate::profiles::certificates_model::CertificateFields,
        crate::profiles::certificates_model::CertificateView,
        crate::profiles::certificates_model::CertificateStatus,
        crate::profiles::certificates_model::Validity,
        crate::profiles::certificates_model::ExtraLine,
        listings::CategoryList,
        listings::ReportRequest,
        listings::ReportAccepted,
        crate::marketplace::hall::HallSort,
        crate::marketplace::model::ListingInput,
        crate::marketplace::model::ListingKind,
        crate::marketplace::model::HallState,
        crate::marketplace::views::ListingView,
        crate::marketplace::views::PublicListingSummary,
        crate::marketplace::views::PublicListing,
        crate::marketplace::views::ListingPage,
        crate::marketplace::views::ContactView,
        crate::marketplace::listings::MyListingView,
        crate::marketplace::listings::MyListingList,
        crate::membership::PublicMemberSummary,
        learning::EnrolRequest,
        learning::HeartbeatRequest,
        crate::learning::views::LessonOutline,
        crate::learning::views::CourseView,
        crate::learning::views::CourseList,
        crate::learning::views::EnrolmentView,
        crate::learning::views::CertificateLinks,
        crate::learning::views::MyCourseView,
        crate::learning::views::MyCourseList,
        crate::learning::views::LessonContent,
        crate::learning::views::SessionView,
        crate::learning::views::CourseStanding,
        crate::learning::views::BeatView,
        crate::learning::study_model::BeatOutcome,
        crate::kernel::media::MediaUrls,
    )),
    modifiers(&BearerAuth, &SharedResponses),
    tags(
        (name = "auth", description = "Sign-in: WeChat code, phone + SMS code; tokens"),
        (name = "certificates", description = "Honour certificates: the association's and members' (reviewed), verification links"),
        (name = "experts", description = "The expert library and members' own experts (reviewed)"),
        (name = "events", description = "Events, registrations, waiting lists and QR check-in"),
        (name = "learning", description = "The learning platform (学习平台): courses, enrolment, study sessions measured by the server, 我的学习"),
        (name = "listings", description = "The marketplace (供需大厅): the public hall, contact reveals, reports and members' own listings (reviewed)"),
        (name = "me", description = "The signed-in user: profile, membership, bindings"),
        (name = "profiles", description = "Member profiles (会员风采), the member directory and enterprises (企业风采)"),
        (name = "orders", description = "Orders (dues, fees), WeChat Pay and its notifications"),
        (name = "membership", description = "Member types, positions, industries and applications"),
        (name = "surveys", description = "Surveys and polls: answering once, poll results"),
        (name = "uploads", description = "Files sent by users"),
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
