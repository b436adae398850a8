//! Prometheus metrics: requests by route and status, latency, pool connections in use.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, HttpRequest, HttpResponse, web};
use prometheus::{
    Encoder as _, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry,
};
use subtle::ConstantTimeEq as _;

use crate::app::AppState;

/// The registry and the instruments.
#[derive(Debug, Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool_in_use: IntGauge,
}

impl Metrics {
    /// Registers the instruments in a fresh registry.
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests by method, route and status"),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency by route")
                .buckets(vec![
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
                ]),
            &["method", "route"],
        )?;
        let pool_in_use =
            IntGauge::new("db_pool_connections_in_use", "Database connections in use")?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(pool_in_use.clone()))?;
        Ok(Self { registry, requests, latency, pool_in_use })
    }

    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests.with_label_values(&[method, route, &status.to_string()]).inc();
        self.latency.with_label_values(&[method, route]).observe(seconds);
    }
}

/// The method as a label: the standard ones by name, anything a client made up as
/// `OTHER`, so the label set stays bounded.
fn method_label(method: &actix_web::http::Method) -> &'static str {
    use actix_web::http::Method as M;
    match *method {
        M::GET => "GET",
        M::POST => "POST",
        M::PUT => "PUT",
        M::PATCH => "PATCH",
        M::DELETE => "DELETE",
        M::HEAD => "HEAD",
        M::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// Counts and times every request under its route pattern (never the raw path, which
/// would explode the label set; requests no route matched count as `unmatched`).
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let metrics = req.app_data::<web::Data<AppState>>().map(|s| s.metrics.clone());
    let method = method_label(req.method());
    let res = next.call(req).await?;
    if let Some(metrics) = metrics {
        let route = res.request().match_pattern().unwrap_or_else(|| "unmatched".into());
        metrics.observe(method, &route, res.status().as_u16(), started.elapsed().as_secs_f64());
    }
    Ok(res)
}

/// Whether `req` may read the metrics: from this machine when `allow_loopback` (and
/// not forwarded by a proxy, which would make every visitor look local), or with the
/// configured bearer token.
fn may_read(req: &HttpRequest, config: &crate::config::MetricsConfig) -> bool {
    let forwarded = req.headers().contains_key("x-forwarded-for")
        || req.headers().contains_key("forwarded")
        || req.headers().contains_key("x-real-ip");
    let loopback = req.peer_addr().is_some_and(|a| a.ip().is_loopback());
    if config.allow_loopback && loopback && !forwarded {
        return true;
    }
    let token = config.token.expose();
    let given = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    !token.is_empty() && bool::from(token.as_bytes().ct_eq(given.trim().as_bytes()))
}

/// `GET /metrics`: the Prometheus text format, for those [`may_read`] lets in.
pub async fn show_metrics(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    if !may_read(&req, &state.config.metrics) {
        return HttpResponse::Forbidden()
            .content_type("text/plain; charset=utf-8")
            .body("metrics: forbidden (see [metrics] in the configuration)\n");
    }
    state.metrics.pool_in_use.set(i64::from(state.db.in_use()));
    let mut out = Vec::new();
    let encoder = prometheus::TextEncoder::new();
    if let Err(e) = encoder.encode(&state.metrics.registry.gather(), &mut out) {
        tracing::error!(error = %e, "metrics encoding failed");
        return HttpResponse::InternalServerError().finish();
    }
    HttpResponse::Ok().content_type(encoder.format_type()).body(out)
}
