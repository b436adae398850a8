//! One configuration tree: defaults, an optional TOML file, then `GUILDHALL_*` and
//! `DATABASE_URL` from the environment; validated once at start, secrets redacted.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use figment::Figment;
use figment::providers::{Env, Format as _, Serialized, Toml};
use rand::RngCore as _;
use serde::{Deserialize, Serialize};

use crate::db::DbUrl;

mod learning;
mod limits;
mod providers;
mod storage;
pub use learning::LearningConfig;
pub use limits::{ContentConfig, LimitsConfig, MetricsConfig};
pub use providers::{
    EmailConfig, NoticesConfig, SmsConfig, TencentSmsConfig, WechatConfig, WechatPayConfig,
};
pub use storage::StorageConfig;

/// A secret value: never printed by `Debug` or logs.
#[derive(Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The value, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// True when no value was given.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() { "[unset]" } else { "[redacted]" })
    }
}

/// Where the server runs; `production` refuses development-only providers.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// Local work and tests (the default).
    #[default]
    Development,
    /// A real deployment.
    Production,
}

/// The whole configuration.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `development` or `production`.
    pub environment: Environment,
    /// host:port to listen on.
    pub bind: String,
    /// Directory for the SQLite file, uploads and generated secrets.
    pub data_dir: PathBuf,
    /// `postgres://…`, `sqlite://path` or a path; empty means `<data_dir>/guildhall.db`.
    pub database_url: String,
    /// Base URL printed into QR codes and share links.
    pub public_base_url: String,
    /// Server tuning.
    pub server: ServerConfig,
    /// Upload limits.
    pub media: MediaConfig,
    /// Logging.
    pub log: LogConfig,
    /// Association defaults used until staff change them in the settings.
    pub association: AssociationConfig,
    /// Keys; generated into the data directory when not given.
    pub secrets: SecretsConfig,
    /// The WeChat mini-program (sign-in by `wx.login` code).
    pub wechat: WechatConfig,
    /// Text messages (sign-in codes, notices).
    pub sms: SmsConfig,
    /// WeChat Pay (orders paid in the mini-program).
    pub wechat_pay: WechatPayConfig,
    /// E-mail (staff notices, users who gave an address).
    pub email: EmailConfig,
    /// Per notice kind: templates and channels (see docs/notifications.md).
    pub notices: NoticesConfig,
    /// Bounds on imports, heavy work and uploads.
    pub limits: LimitsConfig,
    /// Who may read `/metrics`.
    pub metrics: MetricsConfig,
    /// Content (WeChat article import).
    pub content: ContentConfig,
    /// The learning platform (heartbeats, certificate font).
    pub learning: LearningConfig,
}

/// HTTP server and pool sizes.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// Worker threads; 0 means one per core.
    pub workers: usize,
    /// Database connections in the pool.
    pub pool_size: u32,
    /// Largest JSON or form body in bytes.
    pub max_body_bytes: usize,
    /// Staff session lifetime in hours.
    pub staff_session_hours: i64,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
}

/// Upload limits of the media pipeline.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MediaConfig {
    /// Largest accepted file in bytes.
    pub max_upload_bytes: usize,
    /// Largest image in pixels (width × height), against decompression bombs.
    pub max_image_pixels: u64,
    /// Longest side of generated thumbnails.
    pub thumbnail_px: u32,
    /// Where the files live (`[media.storage]`).
    #[serde(default)]
    pub storage: StorageConfig,
}

/// Log output.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    /// An `EnvFilter` directive such as `info` or `guildhall=debug,info`.
    pub level: String,
    /// `text` or `json`.
    pub format: String,
}

/// Defaults for the association until staff edit them.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AssociationConfig {
    /// Shown in the workbench and on posters.
    pub name: String,
    /// IANA time zone in which times are shown.
    pub time_zone: String,
}

/// Secret keys (base64). Empty ones are generated into `<data_dir>/secrets.toml`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SecretsConfig {
    /// 64 bytes: signs and encrypts the staff session cookie.
    pub cookie_key: Secret,
    /// 32 or more bytes: signs QR tokens and other server-made tokens.
    pub hmac_key: Secret,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            environment: Environment::Development,
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            database_url: String::new(),
            public_base_url: "http://127.0.0.1:8080".into(),
            server: ServerConfig {
                workers: 0,
                pool_size: 16,
                max_body_bytes: 256 * 1024,
                staff_session_hours: 12,
                trust_forwarded_for: false,
            },
            media: MediaConfig {
                max_upload_bytes: 10 * 1024 * 1024,
                max_image_pixels: 40_000_000,
                thumbnail_px: 320,
                storage: StorageConfig::default(),
            },
            log: LogConfig { level: "info".into(), format: "text".into() },
            association: AssociationConfig {
                name: "商协会".into(),
                time_zone: "Asia/Shanghai".into(),
            },
            secrets: SecretsConfig::default(),
            wechat: WechatConfig {
                app_id: String::new(),
                app_secret: Secret::default(),
                api_base: "https://api.weixin.qq.com".into(),
                timeout_ms: 5000,
            },
            sms: SmsConfig {
                provider: "log".into(),
                tencent: TencentSmsConfig {
                    secret_id: String::new(),
                    secret_key: Secret::default(),
                    sdk_app_id: String::new(),
                    sign_name: String::new(),
                    code_template_id: String::new(),
                    endpoint: "https://sms.tencentcloudapi.com".into(),
                    region: "ap-guangzhou".into(),
                },
            },
            wechat_pay: WechatPayConfig::default(),
            email: EmailConfig::default(),
            notices: NoticesConfig::default(),
            limits: LimitsConfig::default(),
            metrics: MetricsConfig::default(),
            content: ContentConfig::default(),
            learning: LearningConfig::default(),
        }
    }
}

/// A setting that is missing or wrong, named so the operator can find it.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(pub String);

impl Config {
    /// Defaults ← `file` (if given) ← environment. Does not validate.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            if !path.exists() {
                return Err(ConfigError(format!("--config: file {} not found", path.display())));
            }
            figment = figment.merge(Toml::file(path));
        }
        figment = figment
            .merge(Env::raw().only(&["DATABASE_URL"]).map(|_| "database_url".into()))
            .merge(Env::prefixed("GUILDHALL_").ignore(&["config_file"]).split("__"));
        figment.extract().map_err(|e| ConfigError(e.to_string()))
    }

    /// Checks every setting and returns the first problem, naming the setting.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let fail = |setting: &str, why: String| Err(ConfigError(format!("{setting}: {why}")));
        if self.bind.parse::<SocketAddr>().is_err() {
            return fail("bind (GUILDHALL_BIND)", format!("`{}` is not host:port", self.bind));
        }
        if let Err(why) = self.db_url() {
            return fail("database_url (DATABASE_URL)", why);
        }
        match url::Url::parse(&self.public_base_url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {}
            _ => {
                return fail(
                    "public_base_url (GUILDHALL_PUBLIC_BASE_URL)",
                    format!("`{}` is not an http(s) URL", self.public_base_url),
                );
            }
        }
        if self.association.time_zone.parse::<chrono_tz::Tz>().is_err() {
            return fail("association.time_zone", "not an IANA time zone".into());
        }
        if self.server.pool_size == 0 {
            return fail("server.pool_size", "must be at least 1".into());
        }
        if self.server.staff_session_hours <= 0 {
            return fail("server.staff_session_hours", "must be positive".into());
        }
        if self.media.max_upload_bytes < 1024 || self.media.max_image_pixels < 1_000_000 {
            return fail("media", "limits are too small to be useful".into());
        }
        if self.content.video_max_bytes < 1024 * 1024 {
            return fail("content.video_max_bytes", "at least 1 MB".into());
        }
        self.media.storage.validate()?;
        if !matches!(self.log.format.as_str(), "text" | "json") {
            return fail("log.format", "must be `text` or `json`".into());
        }
        if tracing_subscriber::EnvFilter::try_new(&self.log.level).is_err() {
            return fail("log.level", format!("`{}` is not a log filter", self.log.level));
        }
        self.validate_providers()?;
        self.limits.validate()?;
        self.learning.validate()?;
        for (name, secret, len) in [
            ("secrets.cookie_key", &self.secrets.cookie_key, 64),
            ("secrets.hmac_key", &self.secrets.hmac_key, 32),
        ] {
            if !secret.is_empty() && decode_key(secret).is_none_or(|k| k.len() < len) {
                return fail(name, format!("must be base64 of at least {len} bytes"));
            }
        }
        Ok(())
    }

    /// The database location, defaulting to `<data_dir>/guildhall.db`.
    pub fn db_url(&self) -> Result<DbUrl, String> {
        if self.database_url.trim().is_empty() {
            let path = self.data_dir.join("guildhall.db");
            return DbUrl::parse(&path.to_string_lossy());
        }
        DbUrl::parse(&self.database_url)
    }

    /// Creates the data directory and fills empty secrets from
    /// `<data_dir>/secrets.toml`, generating that file (mode 0600) on first start.
    pub fn prepare_data_dir(&mut self) -> Result<(), ConfigError> {
        let io = |e: std::io::Error| ConfigError(format!("data_dir: {e}"));
        std::fs::create_dir_all(&self.data_dir).map_err(io)?;
        let path = self.data_dir.join("secrets.toml");
        let mut stored: SecretsConfig = if path.exists() {
            let text = std::fs::read_to_string(&path).map_err(io)?;
            toml::from_str(&text).map_err(|e| ConfigError(format!("{}: {e}", path.display())))?
        } else {
            SecretsConfig::default()
        };
        let mut changed = false;
        for (slot, len) in [(&mut stored.cookie_key, 64), (&mut stored.hmac_key, 32)] {
            if slot.is_empty() {
                *slot = Secret::new(random_key(len));
                changed = true;
            }
        }
        if changed {
            let text = toml::to_string(&stored).map_err(|e| ConfigError(e.to_string()))?;
            write_private(&path, &text).map_err(io)?;
        }
        if self.secrets.cookie_key.is_empty() {
            self.secrets.cookie_key = stored.cookie_key;
        }
        if self.secrets.hmac_key.is_empty() {
            self.secrets.hmac_key = stored.hmac_key;
        }
        Ok(())
    }

    /// The cookie key bytes (after `prepare_data_dir`).
    pub fn cookie_key(&self) -> Vec<u8> {
        decode_key(&self.secrets.cookie_key).unwrap_or_default()
    }

    /// The HMAC key bytes (after `prepare_data_dir`).
    pub fn hmac_key(&self) -> Vec<u8> {
        decode_key(&self.secrets.hmac_key).unwrap_or_default()
    }
}

fn decode_key(secret: &Secret) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(secret.expose()).ok()
}

fn random_key(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let tmp = path.with_extension("toml.tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut file = options.open(&tmp)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_point_at_the_data_dir() {
        let config = Config::default();
        config.validate().unwrap();
        assert_eq!(config.db_url().unwrap().target, "./data/guildhall.db");
    }

    #[test]
    fn errors_name_the_setting() {
        let config = Config { bind: "nowhere".into(), ..Config::default() };
        assert!(config.validate().unwrap_err().to_string().contains("GUILDHALL_BIND"));
        let config = Config { database_url: "mysql://x".into(), ..Config::default() };
        assert!(config.validate().unwrap_err().to_string().contains("DATABASE_URL"));
        let mut config = Config::default();
        config.association.time_zone = "Mars/Base".into();
        assert!(config.validate().unwrap_err().to_string().contains("association.time_zone"));
    }

    #[test]
    fn production_refuses_the_log_sms_provider() {
        let config = Config { environment: Environment::Production, ..Config::default() };
        assert!(config.validate().unwrap_err().to_string().contains("sms.provider"));
        let mut config = Config { environment: Environment::Production, ..Config::default() };
        config.sms.provider = "tencent".into();
        assert!(config.validate().unwrap_err().to_string().contains("sms.tencent.secret_id"));
    }

    #[test]
    fn secrets_are_generated_once_and_never_printed() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config { data_dir: dir.path().into(), ..Config::default() };
        config.prepare_data_dir().unwrap();
        assert_eq!(config.cookie_key().len(), 64);
        let mut again = Config { data_dir: dir.path().into(), ..Config::default() };
        again.prepare_data_dir().unwrap();
        assert_eq!(config.cookie_key(), again.cookie_key());
        let printed = format!("{config:?}");
        assert!(!printed.contains(config.secrets.hmac_key.expose()));
        assert!(printed.contains("[redacted]"));
    }
}
