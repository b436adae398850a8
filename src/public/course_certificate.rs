//! A course completion certificate for anyone with its code (the code is unguessable,
//! as for `/v/{code}`): the printable A4 page `/v/{code}/certificate` and the PNG
//! `/v/{code}/certificate.png`, both from the course's design.

use actix_web::{HttpResponse, web};

use super::verify::display_day;
use crate::app::AppState;
use crate::error::AppError;
use crate::learning::certificate_png::{self, CertificateTexts};
use crate::learning::certificates::{self, CourseCertificate};
use crate::learning::model::TextPos;
use crate::web::error::PublicPageError;
use crate::web::render::render;

/// One positioned text of the printable page.
#[derive(Debug, Clone)]
pub struct PlacedText {
    /// CSS class.
    pub class: &'static str,
    /// The text.
    pub text: String,
    /// Where it goes.
    pub pos: TextPos,
}

impl PlacedText {
    /// Font size in container-width units (the canvas is 1600 wide).
    pub fn font_cqw(&self) -> String {
        format!("{:.3}", f64::from(self.pos.size) / 16.0)
    }
}

/// `GET /v/{code}/certificate`.
#[derive(askama::Template)]
#[template(path = "public/course_certificate.html")]
pub struct CourseCertificatePage {
    /// Association name.
    pub association: String,
    /// The code.
    pub code: String,
    /// Background image URL.
    pub background: Option<String>,
    /// The texts.
    pub texts: Vec<PlacedText>,
}

fn texts(cert: &CourseCertificate, association: &str, tz: chrono_tz::Tz) -> CertificateTexts {
    CertificateTexts {
        title: cert.row.cert_name.clone(),
        name: cert.row.learner_name.clone(),
        body: cert.description.clone(),
        number: format!("证书编号：{}", cert.row.number),
        date: format!("{association}　{}", display_day(cert.row.issued_at, tz)),
    }
}

async fn find(state: &AppState, code: &str) -> Result<CourseCertificate, AppError> {
    certificates::by_code(&state.db, code.to_owned())
        .await?
        .ok_or_else(|| AppError::not_found("证书"))
}

/// `GET /v/{code}/certificate`: the printable page (A4 landscape).
pub async fn show_course_certificate(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, PublicPageError> {
    let settings = state.association_settings().await?;
    let cert = find(&state, &code).await?;
    let t = texts(&cert, &settings.name, settings.time_zone);
    let l = cert.layout;
    let placed = vec![
        PlacedText { class: "cert-title", text: t.title, pos: l.title },
        PlacedText { class: "cert-name", text: t.name, pos: l.name },
        PlacedText { class: "cert-body", text: t.body, pos: l.body },
        PlacedText { class: "cert-number", text: t.number, pos: l.number },
        PlacedText { class: "cert-date", text: t.date, pos: l.date },
    ];
    let background = cert.background_file_id.map(|id| state.media_links.urls(id).url);
    Ok(render(&CourseCertificatePage {
        association: settings.name,
        code: cert.row.code.clone(),
        background,
        texts: placed,
    })?)
}

/// `GET /v/{code}/certificate.png`: the certificate drawn as a PNG (503 without a
/// font that has Chinese glyphs).
pub async fn show_course_certificate_png(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, PublicPageError> {
    let settings = state.association_settings().await?;
    let cert = find(&state, &code).await?;
    let background = match cert.background_file_id {
        Some(id) => {
            let file = crate::kernel::media::find(&state.db, id).await?;
            Some(state.media.read(&file, false).await?)
        }
        None => None,
    };
    let t = texts(&cert, &settings.name, settings.time_zone);
    let font = certificate_png::font_path(&state.config.learning.certificate_font);
    let layout = cert.layout;
    let png = crate::kernel::blocking::cpu(move || {
        certificate_png::render(font, background, &layout, &t)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("image/png")
        .insert_header(("Cache-Control", "private, max-age=300"))
        .body(png))
}
