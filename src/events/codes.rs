//! Check-in and check-out QR tokens: `{event}.{action}.{n}.{signature}`, HMAC-signed
//! with the server key. Printed codes carry the event's token version (rotating bumps
//! it, so old posters stop working); screen-mode codes carry a 30-second period and are
//! accepted for that period and the one before it.

use crate::kernel::tokens;

/// Seconds a screen-mode code is shown before the next one.
pub const SCREEN_PERIOD_SECS: i64 = 30;

/// What a code does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Printed check-in code.
    CheckIn,
    /// Printed check-out code.
    CheckOut,
    /// Screen-mode check-in code (short-lived).
    ScreenCheckIn,
}

impl Action {
    fn tag(self) -> &'static str {
        match self {
            Self::CheckIn => "in",
            Self::CheckOut => "out",
            Self::ScreenCheckIn => "scr",
        }
    }

    fn from_tag(tag: &str) -> Option<Self> {
        match tag {
            "in" => Some(Self::CheckIn),
            "out" => Some(Self::CheckOut),
            "scr" => Some(Self::ScreenCheckIn),
            _ => None,
        }
    }

    /// Parses the path segment used by the workbench (`checkin` / `checkout`).
    pub fn from_slug(slug: &str) -> Option<Self> {
        match slug {
            "checkin" => Some(Self::CheckIn),
            "checkout" => Some(Self::CheckOut),
            _ => None,
        }
    }

    /// zh-CN label.
    pub fn label(self) -> &'static str {
        match self {
            Self::CheckOut => "签退",
            Self::CheckIn | Self::ScreenCheckIn => "签到",
        }
    }
}

/// A token whose signature checked out; the caller still compares `n` with the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    /// Event id.
    pub event_id: i64,
    /// Action.
    pub action: Action,
    /// Token version (printed) or period (screen).
    pub n: i64,
}

fn message(event_id: i64, action: Action, version: i32, n: i64) -> String {
    match action {
        Action::ScreenCheckIn => format!("event:{event_id}:scr:{version}:{n}"),
        _ => format!("event:{event_id}:{}:{n}", action.tag()),
    }
}

/// A printed code's token for the event's current `version`.
pub fn printed(key: &[u8], event_id: i64, action: Action, version: i32) -> String {
    let n = i64::from(version);
    let sig = tokens::sign(key, message(event_id, action, version, n).as_bytes());
    format!("{event_id}.{}.{n}.{sig}", action.tag())
}

/// The screen-mode token for the period containing `unix_secs`.
pub fn screen(key: &[u8], event_id: i64, version: i32, unix_secs: i64) -> String {
    let period = unix_secs.div_euclid(SCREEN_PERIOD_SECS);
    let sig =
        tokens::sign(key, message(event_id, Action::ScreenCheckIn, version, period).as_bytes());
    format!("{event_id}.scr.{period}.{sig}")
}

/// The token inside scanned text: a full `…/q/{token}` URL or the bare token.
pub fn token_of(scanned: &str) -> &str {
    let text = scanned.trim();
    let token = text.rsplit_once("/q/").map_or(text, |(_, t)| t);
    token.split(['?', '#']).next().unwrap_or(token).trim_end_matches('/')
}

/// Reads the parts of a token without checking the signature (that needs the event's
/// version, see [`verify`]).
pub fn parse(token: &str) -> Option<(i64, Action, i64, &str)> {
    let mut parts = token.splitn(4, '.');
    let event_id = parts.next()?.parse().ok()?;
    let action = Action::from_tag(parts.next()?)?;
    let n = parts.next()?.parse().ok()?;
    let sig = parts.next()?;
    Some((event_id, action, n, sig))
}

/// Checks a token against the event's current `version` and the time: printed codes
/// must carry the current version, screen codes the current or previous period.
pub fn verify(key: &[u8], token: &str, version: i32, unix_secs: i64) -> Option<Claim> {
    let (event_id, action, n, sig) = parse(token)?;
    let current = match action {
        Action::ScreenCheckIn => {
            let now = unix_secs.div_euclid(SCREEN_PERIOD_SECS);
            n == now || n == now - 1
        }
        _ => n == i64::from(version),
    };
    let signed = tokens::verify(key, message(event_id, action, version, n).as_bytes(), sig);
    (current && signed).then_some(Claim { event_id, action, n })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"test-key";

    #[test]
    fn printed_codes_verify_until_rotated() {
        let token = printed(KEY, 7, Action::CheckIn, 1);
        let claim = verify(KEY, &token, 1, 0).unwrap();
        assert_eq!((claim.event_id, claim.action), (7, Action::CheckIn));
        assert!(verify(KEY, &token, 2, 0).is_none(), "rotated");
        assert!(verify(b"other", &token, 1, 0).is_none(), "other key");
        let forged = token.replace("7.in", "8.in");
        assert!(verify(KEY, &forged, 1, 0).is_none(), "other event");
        let as_checkout = token.replace(".in.", ".out.");
        assert!(verify(KEY, &as_checkout, 1, 0).is_none(), "other action");
    }

    #[test]
    fn screen_codes_live_one_period_plus_grace() {
        let t0 = 1_800_000_000;
        let token = screen(KEY, 3, 1, t0);
        assert!(verify(KEY, &token, 1, t0).is_some());
        assert!(verify(KEY, &token, 1, t0 + SCREEN_PERIOD_SECS).is_some(), "grace period");
        assert!(verify(KEY, &token, 1, t0 + 2 * SCREEN_PERIOD_SECS).is_none(), "expired");
        assert!(verify(KEY, &token, 2, t0).is_none(), "rotated");
    }

    #[test]
    fn tokens_come_out_of_urls() {
        assert_eq!(token_of("https://x.org/q/1.in.1.abc?from=poster"), "1.in.1.abc");
        assert_eq!(token_of(" 1.in.1.abc "), "1.in.1.abc");
        assert!(parse("garbage").is_none());
    }
}
