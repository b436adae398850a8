//! File downloads from the workbench: the one way an Excel export is answered.

use actix_web::HttpResponse;
use actix_web::http::header;

/// An .xlsx attachment saved as `ascii_name` by old clients and as `name` (UTF-8, may
/// be Chinese, e.g. `订单.xlsx`) by every current browser.
pub fn xlsx(bytes: Vec<u8>, ascii_name: &str, name: &str) -> HttpResponse {
    let encoded: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
    HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}"),
        ))
        .body(bytes)
}
