//! The time zone choices of the settings page (common ones first, in Chinese, then
//! every IANA name) and the warning shown while QR codes would print a loopback address.

/// Zones an association in or near China is likely to use, with their Chinese names.
const COMMON: &[(&str, &str)] = &[
    ("Asia/Shanghai", "北京时间（中国大陆）"),
    ("Asia/Hong_Kong", "香港"),
    ("Asia/Macau", "澳门"),
    ("Asia/Taipei", "台北"),
    ("Asia/Singapore", "新加坡"),
    ("Asia/Kuala_Lumpur", "吉隆坡"),
    ("Asia/Bangkok", "曼谷"),
    ("Asia/Tokyo", "东京"),
    ("Asia/Seoul", "首尔"),
    ("Asia/Dubai", "迪拜"),
    ("Europe/London", "伦敦"),
    ("Europe/Paris", "巴黎"),
    ("Europe/Berlin", "柏林"),
    ("America/New_York", "纽约"),
    ("America/Los_Angeles", "洛杉矶"),
    ("Australia/Sydney", "悉尼"),
    ("UTC", "协调世界时（UTC）"),
];

/// One option of the time zone list.
#[derive(Debug, Clone)]
pub struct ZoneOption {
    /// IANA name (the stored value).
    pub value: &'static str,
    /// What staff read.
    pub label: String,
    /// The current setting.
    pub selected: bool,
}

/// The common zones and then all the others, `current` selected.
pub fn zone_options(current: &str) -> (Vec<ZoneOption>, Vec<ZoneOption>) {
    let option = |value: &'static str, label: String| ZoneOption {
        value,
        label,
        selected: value == current,
    };
    let common = COMMON.iter().map(|(v, l)| option(v, format!("{l} · {v}"))).collect();
    let others = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .filter(|name| !COMMON.iter().any(|(v, _)| v == name))
        .map(|name| option(name, name.to_owned()))
        .collect();
    (common, others)
}

/// A warning while `public_base_url` names this machine itself: QR codes, posters and
/// share links printed now would not open on anyone's phone.
pub fn loopback_warning(public_base_url: &str) -> Option<String> {
    let url = url::Url::parse(public_base_url).ok()?;
    let loopback = match url.host()? {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    };
    loopback.then(|| {
        format!(
            "公开地址仍是本机地址（{public_base_url}），二维码、海报和分享链接在手机上无法打开。\
             请在配置中将 public_base_url（GUILDHALL_PUBLIC_BASE_URL）设为协会的公网 https 地址。"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_zones_come_first_and_the_current_one_is_selected() {
        let (common, others) = zone_options("Asia/Shanghai");
        assert_eq!(common[0].value, "Asia/Shanghai");
        assert!(common[0].selected && common[0].label.contains("北京时间"));
        assert!(others.iter().all(|o| !o.selected && o.value != "Asia/Shanghai"));
        assert!(others.iter().any(|o| o.value == "Europe/Zurich"));
        let (_, others) = zone_options("Europe/Zurich");
        assert!(others.iter().any(|o| o.selected && o.value == "Europe/Zurich"));
    }

    #[test]
    fn only_loopback_addresses_warn() {
        for url in ["http://127.0.0.1:8080", "http://localhost:8080/", "http://[::1]:8080"] {
            assert!(loopback_warning(url).is_some(), "{url}");
        }
        for url in ["https://hall.example.org", "http://192.168.1.20:8080"] {
            assert!(loopback_warning(url).is_none(), "{url}");
        }
    }
}
