//! Operations endpoints: `/healthz`.

use actix_web::{HttpResponse, web};
use diesel::connection::SimpleConnection as _;

use crate::app::AppState;

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
pub async fn show_health(state: web::Data<AppState>) -> HttpResponse {
    let probe = state
        .db
        .run(|conn| conn.batch_execute("SELECT 1").map_err(crate::error::AppError::from))
        .await;
    match probe {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({"status": "ok", "database": "ok"})),
        Err(e) => {
            tracing::error!(error = %e, cause = ?e, "health check failed");
            HttpResponse::ServiceUnavailable()
                .json(serde_json::json!({"status": "unavailable", "database": "unreachable"}))
        }
    }
}
