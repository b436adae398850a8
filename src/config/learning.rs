//! Settings of the learning platform: how often study heartbeats come, and the font
//! completion-certificate PNGs are drawn with.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::ConfigError;

/// The learning platform's settings.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LearningConfig {
    /// Seconds between two heartbeats of a study session (N): a beat counts at most N
    /// seconds; one sooner than 80 % of N is refused, one later than 2·N counts nothing.
    pub heartbeat_seconds: i64,
    /// A TrueType/OpenType font with Chinese glyphs for certificate PNGs. Empty: the
    /// first of a few usual system fonts that exists (Noto CJK, WenQuanYi, Droid).
    pub certificate_font: PathBuf,
}

impl Default for LearningConfig {
    fn default() -> Self {
        Self { heartbeat_seconds: 10, certificate_font: PathBuf::new() }
    }
}

impl LearningConfig {
    /// Checks the values.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(2..=300).contains(&self.heartbeat_seconds) {
            return Err(ConfigError("learning.heartbeat_seconds: between 2 and 300".into()));
        }
        if !self.certificate_font.as_os_str().is_empty() && !self.certificate_font.exists() {
            return Err(ConfigError(format!(
                "learning.certificate_font: file {} not found",
                self.certificate_font.display()
            )));
        }
        Ok(())
    }
}
