//! HTTP pieces both surfaces share: request ids and security headers, metrics,
//! the client's address, multipart uploads, embedded static assets, health.

pub mod assets;
pub mod metrics;
pub mod middleware;
pub mod multipart;
pub mod ops;
pub mod routes;

use actix_web::HttpRequest;

/// The client's address: the socket peer, or the first `X-Forwarded-For` hop when
/// `server.trust_forwarded_for` says a reverse proxy sets it.
pub fn client_ip(req: &HttpRequest, trust_forwarded_for: bool) -> String {
    if trust_forwarded_for
        && let Some(ip) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| v.parse::<std::net::IpAddr>().is_ok())
    {
        return ip.to_owned();
    }
    req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_else(|| "unknown".into())
}

/// The request id given by the tracing middleware (empty outside a request).
pub fn request_id(req: &HttpRequest) -> String {
    use actix_web::HttpMessage as _;
    req.extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// True for requests under `/api`.
pub fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}
