//! Public certificate verification: `/v/{code}` shows what the association recorded
//! for a certificate (title, holder, issuer, dates, status — valid, expired or revoked
//! with the reason) — an honour certificate or a course completion certificate — and
//! `/v/{code}/qr.svg` the QR code to print on the certificate. Completion certificates
//! also have their printable page and PNG here (`course_certificate`).

use actix_web::{HttpResponse, web};

use crate::app::AppState;
use crate::error::AppError;
use crate::kernel::clock::display_minutes;
use crate::learning::certificates::{self as learning, CourseCertificate};
use crate::profiles::certificates::{today, verify_url};
use crate::profiles::certificates_staff::{self, Verification};
use crate::web::error::PublicPageError;
use crate::web::render::render_with;

/// `GET /v/{code}`.
#[derive(askama::Template)]
#[template(path = "public/verify.html")]
pub struct VerifyPage {
    /// Association name.
    pub association: String,
    /// The code as asked.
    pub code: String,
    /// The record, when the code is known.
    pub record: Option<Verification>,
    /// When recorded, formatted.
    pub recorded: String,
    /// A course completion certificate with this code (when no honour certificate has it).
    pub course: Option<CourseCertificate>,
    /// Its issue date, formatted.
    pub issued: String,
}

/// `GET /v/{code}`: 404 with an explanation for an unknown code.
pub async fn show_verification(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, PublicPageError> {
    let settings = state.association_settings().await?;
    let today = today(&state.clock, settings.time_zone);
    let record = certificates_staff::verify(&state.db, code.clone(), today).await?;
    let recorded = record
        .as_ref()
        .map(|r| display_minutes(r.recorded_at, settings.time_zone))
        .unwrap_or_default();
    let course = match record {
        Some(_) => None,
        None => learning::by_code(&state.db, code.clone()).await?,
    };
    let issued = course
        .as_ref()
        .map(|c| display_day(c.row.issued_at, settings.time_zone))
        .unwrap_or_default();
    let status = if record.is_some() || course.is_some() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::NOT_FOUND
    };
    let page = VerifyPage {
        association: settings.name,
        code: code.into_inner(),
        record,
        recorded,
        course,
        issued,
    };
    let mut res = render_with(status, &page)?;
    res.headers_mut().insert(
        actix_web::http::header::HeaderName::from_static("x-robots-tag"),
        actix_web::http::header::HeaderValue::from_static("noindex"),
    );
    Ok(res)
}

/// `GET /v/{code}/qr.svg`: the verification link as a QR code (any size, for print).
pub async fn show_verification_qr(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, PublicPageError> {
    let tz = state.association_settings().await?.time_zone;
    let record =
        certificates_staff::verify(&state.db, code.clone(), today(&state.clock, tz)).await?;
    if record.is_none() && learning::by_code(&state.db, code.clone()).await?.is_none() {
        return Err(AppError::not_found("证书").into());
    }
    let url = verify_url(&state.config.public_base_url, &code.trim().to_uppercase());
    let svg = crate::kernel::qr::svg(&url)?;
    Ok(HttpResponse::Ok().content_type("image/svg+xml").body(svg))
}

/// A stored UTC time as the day it fell on in `tz`, e.g. `2026年11月24日`.
pub fn display_day(at: chrono::NaiveDateTime, tz: chrono_tz::Tz) -> String {
    at.and_utc().with_timezone(&tz).format("%Y年%m月%d日").to_string()
}
