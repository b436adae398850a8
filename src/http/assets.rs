//! Static assets embedded in the binary (no CDN: many users sit behind restrictive
//! networks), served under `/static/`.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

struct Asset {
    path: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

macro_rules! asset {
    ($path:literal, $type:literal) => {
        Asset {
            path: $path,
            content_type: $type,
            bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/static/", $path)),
        }
    };
}

const ASSETS: &[Asset] = &[
    asset!("app.css", "text/css; charset=utf-8"),
    asset!("app.js", "text/javascript; charset=utf-8"),
    asset!("docs.js", "text/javascript; charset=utf-8"),
    asset!("content_editor.js", "text/javascript; charset=utf-8"),
    asset!("library_upload.js", "text/javascript; charset=utf-8"),
    asset!("vendor/wangeditor/wangeditor.js", "text/javascript; charset=utf-8"),
    asset!("vendor/wangeditor/style.css", "text/css; charset=utf-8"),
    asset!("vendor/htmx/htmx.min.js", "text/javascript; charset=utf-8"),
    asset!("vendor/swagger-ui/swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
    asset!("vendor/swagger-ui/swagger-ui.css", "text/css; charset=utf-8"),
];

/// `GET /static/{path}`.
pub async fn show_asset(path: web::Path<String>) -> HttpResponse {
    match ASSETS.iter().find(|a| a.path == path.as_str()) {
        Some(asset) => HttpResponse::Ok()
            .content_type(asset.content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
            .body(asset.bytes),
        None => {
            HttpResponse::NotFound().content_type("text/plain; charset=utf-8").body("not found")
        }
    }
}
