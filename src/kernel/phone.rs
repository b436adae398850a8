//! Mainland China mobile numbers.

/// The spellings [`normalize_mobile`] accepts, as a regular expression (for the API
/// document): spaces and dashes anywhere, an optional `+86`, `0086` or `86`, then
/// `1[3-9]` and nine digits.
pub const MOBILE_PATTERN: &str = "^[ -]*(?:\\+[ -]*8[ -]*6[ -]*|0[ -]*0[ -]*8[ -]*6[ -]*)?(?:8[ -]*6[ -]*)?1[ -]*[3-9][ -]*(?:[0-9][ -]*){9}$";

/// Normalises a mainland mobile number: 11 digits starting `1[3-9]`, with an optional
/// `+86` / `86` prefix and spaces or dashes ignored. `None` when it is not one.
pub fn normalize_mobile(input: &str) -> Option<String> {
    let compact: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let digits =
        compact.strip_prefix("+86").or_else(|| compact.strip_prefix("0086")).unwrap_or(&compact);
    let digits =
        if digits.len() == 13 { digits.strip_prefix("86").unwrap_or(digits) } else { digits };
    let bytes = digits.as_bytes();
    let valid = bytes.len() == 11
        && bytes.iter().all(u8::is_ascii_digit)
        && bytes[0] == b'1'
        && (b'3'..=b'9').contains(&bytes[1]);
    valid.then(|| digits.to_owned())
}

/// `138****0000`: for logs and staff lists where the whole number is not needed.
pub fn mask(phone: &str) -> String {
    if phone.len() == 11 { format!("{}****{}", &phone[..3], &phone[7..]) } else { "***".into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_mainland_mobiles_in_common_spellings() {
        for ok in [
            "13800138000",
            "+8613800138000",
            "+86 138-0013-8000",
            "8613800138000",
            "0086 13800138000",
        ] {
            assert_eq!(normalize_mobile(ok).as_deref(), Some("13800138000"), "{ok}");
        }
        assert_eq!(normalize_mobile("19912345678").as_deref(), Some("19912345678"));
    }

    #[test]
    fn refuses_everything_else() {
        for bad in [
            "",
            "1380013800",
            "138001380001",
            "12800138000",
            "23800138000",
            "+1 2025550123",
            "1380013800a",
        ] {
            assert_eq!(normalize_mobile(bad), None, "{bad}");
        }
    }

    #[test]
    fn masks_the_middle() {
        assert_eq!(mask("13800138000"), "138****8000");
    }
}
