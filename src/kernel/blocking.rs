//! CPU work (xlsx, images, QR PNGs, password hashes) runs here, on the blocking thread
//! pool, never on the async workers that serve check-in scans.

use crate::error::AppError;

/// Runs `f` on the blocking thread pool and answers its result.
pub async fn cpu<T, F>(f: F) -> Result<T, AppError>
where
    F: FnOnce() -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::internal(anyhow::anyhow!("blocking task: {e}")))?
}
