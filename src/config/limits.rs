//! Settings that keep the server's memory and answers bounded whatever clients send:
//! spreadsheet imports, heavy work at once, upload quotas, and who may read `/metrics`.

use serde::{Deserialize, Serialize};

use super::{ConfigError, Secret};
use crate::kernel::xlsx::XlsxLimits;

/// Limits on imports, heavy work and uploads.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    /// Data rows an imported spreadsheet may hold.
    pub import_max_rows: usize,
    /// Bytes an imported spreadsheet may unpack to (all its parts together).
    pub import_max_unpacked_bytes: u64,
    /// Distinct texts (shared strings) an imported spreadsheet may hold.
    pub import_max_shared_strings: usize,
    /// Memory (MB) image decodes and spreadsheet reads may take at once; work that
    /// does not fit is answered 503 with `Retry-After`.
    pub work_memory_mb: u64,
    /// Upload bodies being received at once (each up to `media.max_upload_bytes`).
    pub uploads_in_flight: usize,
    /// Files one user or staff account may upload per 24 hours.
    pub daily_upload_files: i64,
    /// Bytes one user or staff account may upload per 24 hours.
    pub daily_upload_bytes: i64,
    /// Marketplace listings whose contact phone one user may reveal per 24 hours (seeing
    /// one again is free), so the hall cannot be harvested.
    pub daily_contact_reveals: usize,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        let xlsx = XlsxLimits::default();
        Self {
            import_max_rows: xlsx.max_rows,
            import_max_unpacked_bytes: xlsx.max_unpacked_bytes,
            import_max_shared_strings: xlsx.max_shared_strings,
            work_memory_mb: 160,
            uploads_in_flight: 8,
            daily_upload_files: 200,
            daily_upload_bytes: 500 * 1024 * 1024,
            daily_contact_reveals: 30,
        }
    }
}

impl LimitsConfig {
    /// The spreadsheet reader's limits.
    pub fn xlsx(&self) -> XlsxLimits {
        XlsxLimits {
            max_rows: self.import_max_rows,
            max_unpacked_bytes: self.import_max_unpacked_bytes,
            max_shared_strings: self.import_max_shared_strings,
            ..XlsxLimits::default()
        }
    }

    /// Checks the values.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let fail = |name: &str| Err(ConfigError(format!("limits.{name}: must be positive")));
        if self.import_max_rows == 0 {
            return fail("import_max_rows");
        }
        if self.import_max_unpacked_bytes < 1024 * 1024 {
            return Err(ConfigError("limits.import_max_unpacked_bytes: at least 1 MB".into()));
        }
        if self.work_memory_mb < 16 {
            return Err(ConfigError("limits.work_memory_mb: at least 16".into()));
        }
        if self.uploads_in_flight == 0 {
            return fail("uploads_in_flight");
        }
        if self.daily_contact_reveals == 0 {
            return fail("daily_contact_reveals");
        }
        if self.daily_upload_files <= 0 || self.daily_upload_bytes <= 0 {
            return fail("daily_upload_files / daily_upload_bytes");
        }
        Ok(())
    }
}

/// Who may read `/metrics`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsConfig {
    /// Requests from this machine (loopback, not forwarded by a proxy) may read it.
    pub allow_loopback: bool,
    /// When set, requests with `Authorization: Bearer <token>` may read it from anywhere.
    pub token: Secret,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self { allow_loopback: true, token: Secret::default() }
    }
}

/// Content: importing WeChat articles, video uploads.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ContentConfig {
    /// Hosts an imported WeChat article's images may be fetched from (re-hosted through
    /// the media pipeline); images elsewhere are dropped. Never a host of this network.
    pub import_image_hosts: Vec<String>,
    /// Time limit of one image fetch, in milliseconds.
    pub import_timeout_ms: u64,
    /// Most images fetched for one import.
    pub import_max_images: usize,
    /// Largest uploaded video (MP4) in bytes, enforced while the upload is read; other
    /// files keep `media.max_upload_bytes`.
    pub video_max_bytes: usize,
}

impl Default for ContentConfig {
    fn default() -> Self {
        Self {
            import_image_hosts: vec!["mmbiz.qpic.cn".into(), "mmbiz.qlogo.cn".into()],
            import_timeout_ms: 5000,
            import_max_images: 30,
            video_max_bytes: 100 * 1024 * 1024,
        }
    }
}
