//! The shared card for anyone with the link: `/c/{slug}` (a server-rendered mobile
//! page: no framework, critical CSS inline, images sized), its share image, QR code
//! and vCard. Resolved live at every view; a view is counted once per viewer and day.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use hmac::{Hmac, Mac as _};
use sha2::Sha256;

use crate::app::AppState;
use crate::error::AppError;
use crate::profiles::card::{self, Here};
use crate::profiles::card_image;
use crate::profiles::card_model::CardField;
use crate::profiles::card_view::{PublicCard, vcard};
use crate::profiles::reviewed::ImageRef;
use crate::web::error::PublicPageError;
use crate::web::render::render_with;

/// Where things are now: base URL, now, today (association time zone).
pub async fn here(state: &AppState) -> Result<Here, AppError> {
    let settings = state.association_settings().await?;
    let now = state.clock.now();
    Ok(Here {
        base_url: state.config.public_base_url.trim_end_matches('/').to_owned(),
        now: now.naive_utc(),
        today: now.with_timezone(&settings.time_zone).date_naive(),
        association: settings.name,
    })
}

/// Who is viewing: a signed-in user (`u<id>`), or an anonymous viewer keyed by a
/// keyed hash of the day, client address and browser — counted, never identified.
pub fn viewer_key(
    state: &AppState,
    req: &HttpRequest,
    user_id: Option<i64>,
    here: &Here,
) -> String {
    if let Some(id) = user_id {
        return format!("u{id}");
    }
    let info = req.connection_info();
    let ip = info.realip_remote_addr().unwrap_or_default();
    let agent = req.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
    let key = state.config.hmac_key();
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&key) else { return "a".into() };
    mac.update(format!("card-view|{}|{ip}|{agent}", here.today).as_bytes());
    format!("a{}", hex::encode(&mac.finalize().into_bytes()[..12]))
}

/// Looks up a shared card and counts the view (the owner's own views are not counted);
/// also answers the association's name.
pub async fn view_card(
    state: &AppState,
    req: &HttpRequest,
    slug: String,
    viewer: Option<i64>,
) -> Result<(PublicCard, String), AppError> {
    let here = here(state).await?;
    let resolved = card::public_card(&state.db, &state.cards.resolved, slug, here.clone())
        .await?
        .ok_or_else(|| AppError::not_found("名片"))?;
    let (card_id, owner, card) = (resolved.0, resolved.1, resolved.2.clone());
    if viewer != Some(owner) {
        let key = viewer_key(state, req, viewer, &here);
        card::count_view(&state.db, &state.cards.seen, card_id, key, viewer, here.today, here.now)
            .await?;
    }
    Ok((card, here.association))
}

/// One line of the card page.
#[derive(Debug, Clone)]
pub struct Line {
    /// Field key.
    pub key: &'static str,
    /// Label.
    pub label: &'static str,
    /// Value.
    pub value: String,
    /// Link (tel:, mailto:, http…), when the value is one.
    pub href: Option<String>,
}

/// An item of a block (enterprise, supply item, certificate).
#[derive(Debug, Clone)]
pub struct Item {
    /// Title.
    pub title: String,
    /// Second line.
    pub detail: String,
    /// Thumbnail URL.
    pub image: Option<String>,
    /// Link.
    pub href: Option<String>,
}

/// `GET /c/{slug}`.
#[derive(askama::Template)]
#[template(path = "public/card.html")]
pub struct CardPage {
    /// Association name.
    pub association: String,
    /// The card.
    pub card: PublicCard,
    /// Photo thumbnail URL.
    pub photo: Option<String>,
    /// Layout key.
    pub layout: String,
    /// CSS background of the card head.
    pub background_css: String,
    /// Text colour of the card head.
    pub ink: String,
    /// Title / company / position lines under the name.
    pub headline: Vec<String>,
    /// Other ticked fields.
    pub lines: Vec<Line>,
    /// Phone for 联系TA (ticked).
    pub phone: Option<String>,
    /// WeChat id for 联系TA (ticked).
    pub wechat_id: Option<String>,
    /// Enterprises.
    pub enterprises: Vec<Item>,
    /// Supply items.
    pub supply_items: Vec<Item>,
    /// Certificates.
    pub certificates: Vec<Item>,
}

fn thumb(state: &AppState, image: Option<&ImageRef>) -> Option<String> {
    image.map(|i| state.media_links.urls(i.file_id).thumbnail_url)
}

fn line_href(field: CardField, value: &str) -> Option<String> {
    match field {
        CardField::Phone => Some(format!("tel:{}", value.replace(' ', ""))),
        CardField::Email if value.contains('@') => Some(format!("mailto:{value}")),
        CardField::Website if value.starts_with("http://") || value.starts_with("https://") => {
            Some(value.to_owned())
        }
        _ => None,
    }
}

fn page(state: &AppState, association: String, card: PublicCard) -> CardPage {
    let c = &card.card;
    let bg = &c.background;
    let (background_css, ink) = match (&bg.image, &bg.colors) {
        (Some(image), _) => (
            format!(
                "linear-gradient(rgba(0,0,0,.45),rgba(0,0,0,.45)),url('{}') center/cover",
                state.media_links.urls(image.file_id).url
            ),
            "#ffffff".to_owned(),
        ),
        (None, Some(colors)) => {
            (format!("linear-gradient(135deg,{},{})", colors.from, colors.to), colors.text.clone())
        }
        (None, None) => ("#1e3c72".to_owned(), "#ffffff".to_owned()),
    };
    let head = [CardField::Title, CardField::Company, CardField::Position];
    let headline = head.iter().filter_map(|f| c.value(*f).map(str::to_owned)).collect();
    let lines = c
        .fields
        .iter()
        .filter(|f| f.key != CardField::Name && !head.contains(&f.key))
        .map(|f| Line {
            key: f.key.key(),
            label: f.label,
            value: f.value.clone(),
            href: line_href(f.key, &f.value),
        })
        .collect();
    let enterprises = c
        .enterprises
        .iter()
        .map(|e| Item {
            title: e.name.clone(),
            detail: [e.industry.as_ref().map(|i| i.name.clone()), Some(e.address.clone())]
                .into_iter()
                .flatten()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · "),
            image: thumb(state, e.logo.as_ref()),
            href: Some(e.website.clone()).filter(|w| w.starts_with("http")),
        })
        .collect();
    let supply_items = c
        .supply_items
        .iter()
        .map(|l| Item {
            title: l.title.clone(),
            detail: l.price_label.clone(),
            image: thumb(state, l.cover.as_ref()),
            href: None,
        })
        .collect();
    let certificates = c
        .certificates
        .iter()
        .map(|cert| Item {
            title: cert.certificate.title.clone(),
            detail: format!("{} · {}", cert.certificate.kind, cert.certificate.issuer),
            image: thumb(state, cert.certificate.images.first()),
            href: cert.verify_url.clone(),
        })
        .collect();
    CardPage {
        photo: thumb(state, c.photo.as_ref()),
        layout: c.layout.code.clone(),
        phone: c.contact.as_ref().and_then(|x| x.phone.clone()),
        wechat_id: c.contact.as_ref().and_then(|x| x.wechat_id.clone()),
        association,
        background_css,
        ink,
        headline,
        lines,
        enterprises,
        supply_items,
        certificates,
        card,
    }
}

fn no_index(mut res: HttpResponse) -> HttpResponse {
    res.headers_mut().insert(
        header::HeaderName::from_static("x-robots-tag"),
        header::HeaderValue::from_static("noindex"),
    );
    res
}

/// `GET /c/{slug}`: the card page (404 for an unknown or unshared slug, or a card
/// whose member left).
pub async fn show_card_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, PublicPageError> {
    let (card, association) = view_card(&state, &req, slug.into_inner(), None).await?;
    let mut res = render_with(actix_web::http::StatusCode::OK, &page(&state, association, card))?;
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-cache"));
    Ok(no_index(res))
}

async fn resolve_only(
    state: &AppState,
    slug: String,
) -> Result<(i64, PublicCard, String), AppError> {
    let here = here(state).await?;
    let association = here.association.clone();
    card::public_card(&state.db, &state.cards.resolved, slug, here)
        .await?
        .map(|resolved| (resolved.0, resolved.2.clone(), association))
        .ok_or_else(|| AppError::not_found("名片"))
}

/// `GET /c/{slug}/share.png`: the share image (rendered once, then cached until what
/// it shows changes; `ETag` is its fingerprint).
pub async fn show_card_share_image(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, PublicPageError> {
    let (id, card, association) = resolve_only(&state, slug.into_inner()).await?;
    let (etag, png) =
        card_image::share_png(&state.db, &state.media, &state.cards, id, &card, &association)
            .await?;
    let etag = format!("\"{etag}\"");
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut res = if matches {
        HttpResponse::NotModified().finish()
    } else {
        HttpResponse::Ok().content_type("image/png").body(png.as_ref().clone())
    };
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-cache"));
    if let Ok(v) = header::HeaderValue::from_str(&etag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    Ok(no_index(res))
}

/// `GET /c/{slug}/qr.svg`: the card link as a QR code (for printing).
pub async fn show_card_qr(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, PublicPageError> {
    let (_, card, _) = resolve_only(&state, slug.into_inner()).await?;
    let svg = crate::kernel::qr::svg(&card.url)?;
    Ok(no_index(HttpResponse::Ok().content_type("image/svg+xml").body(svg)))
}

/// `GET /c/{slug}/vcard.vcf`: the ticked fields as a vCard ("save to contacts").
pub async fn show_card_vcard(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, PublicPageError> {
    let (_, card, _) = resolve_only(&state, slug.into_inner()).await?;
    let body = vcard(&card.card, &card.url);
    Ok(no_index(
        HttpResponse::Ok()
            .content_type("text/vcard; charset=utf-8")
            .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"card.vcf\""))
            .body(body),
    ))
}
