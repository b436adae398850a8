//! Where uploaded files live: the data directory (default) or an S3-compatible bucket
//! (Tencent COS, Aliyun OSS, MinIO, AWS S3), and how public files are served from it.

use serde::{Deserialize, Serialize};

use super::{ConfigError, Secret};

/// `[media.storage]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct StorageConfig {
    /// `local` (`<data_dir>/files`) or `s3`.
    pub backend: String,
    /// The S3 endpoint, e.g. `https://cos.ap-guangzhou.myqcloud.com`; empty for AWS.
    pub endpoint: String,
    /// The region, e.g. `ap-guangzhou`.
    pub region: String,
    /// The bucket.
    pub bucket: String,
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: Secret,
    /// Path-style requests (`endpoint/bucket/key`, MinIO and most test servers) instead
    /// of virtual-hosted ones (`bucket.endpoint/key`).
    pub path_style: bool,
    /// Public files: `proxy` (the server reads and sends the bytes) or `redirect` (a
    /// 302 to a presigned URL of the bucket, valid `redirect_seconds`).
    pub public: String,
    /// How long a presigned redirect URL is valid.
    pub redirect_seconds: u64,
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self {
            backend: "local".into(),
            endpoint: String::new(),
            region: "us-east-1".into(),
            bucket: String::new(),
            access_key_id: String::new(),
            secret_access_key: Secret::default(),
            path_style: true,
            public: "proxy".into(),
            redirect_seconds: 300,
        }
    }
}

impl StorageConfig {
    /// Whether files are in a bucket.
    pub fn is_s3(&self) -> bool {
        self.backend == "s3"
    }

    /// Checks the settings, naming the first wrong one.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let fail = |key: &str, why: &str| Err(ConfigError(format!("media.storage.{key}: {why}")));
        match self.backend.as_str() {
            "local" => {}
            "s3" => {
                if self.bucket.trim().is_empty() {
                    return fail("bucket", "is required for the s3 backend");
                }
                if self.region.trim().is_empty() {
                    return fail("region", "is required for the s3 backend");
                }
            }
            other => return fail("backend", &format!("`{other}` is not local or s3")),
        }
        if !matches!(self.public.as_str(), "proxy" | "redirect") {
            return fail("public", "must be proxy or redirect");
        }
        if self.public == "redirect" && !self.is_s3() {
            return fail("public", "redirect needs the s3 backend");
        }
        if !(10..=7 * 24 * 3600).contains(&self.redirect_seconds) {
            return fail("redirect_seconds", "must be between 10 and 604800");
        }
        Ok(())
    }
}
