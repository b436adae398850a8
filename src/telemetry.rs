//! Logging: one subscriber, text or JSON, every line inside a request carrying its
//! request id (the span of `tracing-actix-web`).

use std::io::IsTerminal as _;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

use crate::config::LogConfig;

/// Installs the global subscriber (once; later calls are ignored). `RUST_LOG`, when
/// set, wins over the configured level. Colours only when the output is a terminal
/// (a file or a pipe gets plain text); `log.format = "json"` (`GUILDHALL_LOG__FORMAT=json`)
/// writes one JSON object per line.
pub fn init(config: &LogConfig) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&config.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(use_colour(std::io::stdout().is_terminal()));
    let installed = if config.format == "json" {
        builder.json().with_current_span(true).try_init()
    } else {
        builder.try_init()
    };
    // A second call (tests start many servers) finds a subscriber already installed.
    drop(installed);
}

/// Colour on a terminal, unless `NO_COLOR` is set (<https://no-color.org>).
fn use_colour(terminal: bool) -> bool {
    terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
