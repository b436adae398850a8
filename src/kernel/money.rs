//! Money: integer cents everywhere; formatted as staff and users expect (¥12.50).

/// Formats cents as `¥12.50` (negative as `-¥3.00`).
pub fn format_cents(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}¥{}.{:02}", abs / 100, abs % 100)
}

/// Parses `12`, `12.5`, `12.50`, `¥12.50` into cents; `None` for anything else
/// (more than two decimals, negative, or absurdly large).
pub fn parse_yuan(text: &str) -> Option<i64> {
    let text = text.trim().trim_start_matches(['¥', '￥']).trim();
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) || frac.len() > 2 {
        return None;
    }
    if !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let yuan: i64 = whole.parse().ok().filter(|y| *y <= 100_000_000)?;
    let cents: i64 = format!("{frac:0<2}").parse().ok()?;
    Some(yuan * 100 + cents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_cents() {
        assert_eq!(format_cents(1250), "¥12.50");
        assert_eq!(format_cents(5), "¥0.05");
        assert_eq!(format_cents(-300), "-¥3.00");
    }

    #[test]
    fn parses_yuan() {
        assert_eq!(parse_yuan("12"), Some(1200));
        assert_eq!(parse_yuan("12.5"), Some(1250));
        assert_eq!(parse_yuan("¥0.05"), Some(5));
        assert_eq!(parse_yuan("1.234"), None);
        assert_eq!(parse_yuan("-1"), None);
        assert_eq!(parse_yuan("abc"), None);
        assert_eq!(parse_yuan(""), None);
    }
}
