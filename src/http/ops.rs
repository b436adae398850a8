//! Operations endpoints: `/healthz`.

use actix_web::{HttpResponse, web};

use crate::app::AppState;

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
pub async fn show_health(state: web::Data<AppState>) -> HttpResponse {
    match state.db.ping().await {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({"status": "ok", "database": "ok"})),
        Err(e) => {
            tracing::error!(error = %e, cause = ?e, "health check failed");
            HttpResponse::ServiceUnavailable()
                .json(serde_json::json!({"status": "unavailable", "database": "unreachable"}))
        }
    }
}
