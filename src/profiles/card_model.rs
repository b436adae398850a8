//! Electronic business cards (电子名片): the card fields, what the member sends, its
//! validation, and the stored choices. Pure: no database.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldError};

/// The longest override text.
pub const OVERRIDE_MAX: usize = 200;

/// One field a card can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CardField {
    /// 姓名 (the roll's name).
    Name,
    /// 照片 (the profile photo; no override).
    Photo,
    /// 企业职务 (title in the company).
    Title,
    /// 公司.
    Company,
    /// 协会职务 (position in the association).
    Position,
    /// 行业.
    Industry,
    /// 电话 (the profile's private phone: only when ticked).
    Phone,
    /// 微信号 (private: only when ticked).
    WechatId,
    /// 邮箱 (card-only text).
    Email,
    /// 地址 (card-only text).
    Address,
    /// 网址 (card-only text).
    Website,
    /// 个人简介.
    Introduction,
    /// 籍贯.
    Hometown,
}

impl CardField {
    /// Every field, in the order the card shows them.
    pub const ALL: [Self; 13] = [
        Self::Name,
        Self::Photo,
        Self::Title,
        Self::Company,
        Self::Position,
        Self::Industry,
        Self::Phone,
        Self::WechatId,
        Self::Email,
        Self::Address,
        Self::Website,
        Self::Introduction,
        Self::Hometown,
    ];

    /// The key in JSON.
    pub fn key(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Photo => "photo",
            Self::Title => "title",
            Self::Company => "company",
            Self::Position => "position",
            Self::Industry => "industry",
            Self::Phone => "phone",
            Self::WechatId => "wechat_id",
            Self::Email => "email",
            Self::Address => "address",
            Self::Website => "website",
            Self::Introduction => "introduction",
            Self::Hometown => "hometown",
        }
    }

    /// The zh-CN label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "姓名",
            Self::Photo => "照片",
            Self::Title => "职务",
            Self::Company => "公司",
            Self::Position => "协会职务",
            Self::Industry => "行业",
            Self::Phone => "电话",
            Self::WechatId => "微信",
            Self::Email => "邮箱",
            Self::Address => "地址",
            Self::Website => "网址",
            Self::Introduction => "简介",
            Self::Hometown => "籍贯",
        }
    }

    /// From a JSON key.
    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.key() == key)
    }

    /// Whether the member may replace the value with card-only text.
    pub fn takes_override(self) -> bool {
        self != Self::Photo
    }

    /// Shown on a new card: the public ones; private and card-only ones wait for a tick.
    pub fn shown_by_default(self) -> bool {
        matches!(
            self,
            Self::Name
                | Self::Photo
                | Self::Title
                | Self::Company
                | Self::Position
                | Self::Industry
                | Self::Introduction
        )
    }
}

/// The member's choice for one field, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChoice {
    /// Ticked.
    pub shown: bool,
    /// Card-only text that replaces the profile value (None: the profile value).
    #[serde(rename = "override", default, skip_serializing_if = "Option::is_none")]
    pub override_text: Option<String>,
}

/// Every field's choice, as stored in `cards.fields`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choices(pub BTreeMap<String, FieldChoice>);

impl Default for Choices {
    fn default() -> Self {
        Self(
            CardField::ALL
                .into_iter()
                .map(|f| {
                    let choice = FieldChoice { shown: f.shown_by_default(), override_text: None };
                    (f.key().to_owned(), choice)
                })
                .collect(),
        )
    }
}

impl Choices {
    /// Reads the stored JSON (unknown keys from an older version are dropped; missing
    /// ones take their default).
    pub fn from_json(text: &str) -> Result<Self, AppError> {
        let stored: BTreeMap<String, FieldChoice> =
            serde_json::from_str(text).map_err(AppError::internal)?;
        let mut choices = Self::default();
        for (key, choice) in stored {
            if CardField::parse(&key).is_some() {
                choices.0.insert(key, choice);
            }
        }
        Ok(choices)
    }

    /// The stored JSON.
    pub fn to_json(&self) -> Result<String, AppError> {
        serde_json::to_string(&self.0).map_err(AppError::internal)
    }

    /// The choice for `field`.
    pub fn get(&self, field: CardField) -> FieldChoice {
        self.0.get(field.key()).cloned().unwrap_or_default()
    }
}

/// One field as the member sends it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldInput {
    /// Show this field on the card.
    pub shown: bool,
    /// Card-only text (at most 200 characters); null or blank clears it, so the
    /// profile value shows again. Not for `photo`.
    #[serde(rename = "override", default)]
    #[schema(max_length = 200)]
    pub override_text: Option<String>,
}

/// What the member sends with `PUT /me/card`; absent parts keep their value.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CardInput {
    /// A layout (`GET /card-styles`, enabled).
    #[serde(default)]
    pub layout_id: Option<i64>,
    /// A background (`GET /card-styles`, enabled).
    #[serde(default)]
    pub background_id: Option<i64>,
    /// Field key → choice; keys not sent keep their choice.
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, FieldInput>)]
    pub fields: BTreeMap<String, FieldInput>,
}

impl CardInput {
    /// Applies the field choices to `current`; every message at once, nothing applied
    /// when anything is wrong.
    pub fn apply(&self, current: &Choices) -> Result<Choices, AppError> {
        let mut errors = Vec::new();
        let mut next = current.clone();
        for (key, input) in &self.fields {
            let Some(field) = CardField::parse(key) else {
                errors.push(FieldError::new(format!("fields.{key}"), "没有这个名片字段"));
                continue;
            };
            let text = input.override_text.as_deref().map(str::trim).unwrap_or_default();
            if !text.is_empty() && !field.takes_override() {
                errors.push(FieldError::new(format!("fields.{key}"), "照片不能替换为文字"));
                continue;
            }
            if text.chars().count() > OVERRIDE_MAX {
                errors.push(FieldError::new(
                    format!("fields.{key}.override"),
                    format!("名片文字最多 {OVERRIDE_MAX} 个字"),
                ));
                continue;
            }
            if text.chars().any(char::is_control) {
                errors.push(FieldError::new(format!("fields.{key}.override"), "不能含控制字符"));
                continue;
            }
            let override_text = (!text.is_empty()).then(|| text.to_owned());
            next.0.insert(key.clone(), FieldChoice { shown: input.shown, override_text });
        }
        if errors.is_empty() { Ok(next) } else { Err(AppError::Validation(errors)) }
    }
}

/// A style's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StyleKind {
    /// 版式: where the text stands.
    Layout,
    /// 背景.
    Background,
}

impl StyleKind {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Layout => "layout",
            Self::Background => "background",
        }
    }

    /// From the stored text.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "layout" => Some(Self::Layout),
            "background" => Some(Self::Background),
            _ => None,
        }
    }

    /// 版式 / 背景.
    pub fn label(self) -> &'static str {
        match self {
            Self::Layout => "版式",
            Self::Background => "背景",
        }
    }
}

/// The colours of a built-in background: gradient from, to, and the text colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    /// Gradient start (top left).
    pub from: [u8; 3],
    /// Gradient end (bottom right).
    pub to: [u8; 3],
    /// Text.
    pub text: [u8; 3],
}

fn hex_colour(s: &str) -> Option<[u8; 3]> {
    let s = s.trim().strip_prefix('#')?;
    if s.len() != 6 {
        return None;
    }
    let v = u32::from_str_radix(s, 16).ok()?;
    Some([(v >> 16) as u8, (v >> 8) as u8, v as u8])
}

impl Palette {
    /// Dark blue on white text: for uploaded images (text on a dark veil).
    pub const IMAGE: Self = Self { from: [20, 20, 20], to: [60, 60, 60], text: [255, 255, 255] };

    /// From the stored 'from,to,text' (None when malformed).
    pub fn parse(s: &str) -> Option<Self> {
        let mut parts = s.split(',').map(hex_colour);
        let (from, to, text) = (parts.next()??, parts.next()??, parts.next()??);
        Some(Self { from, to, text })
    }

    /// `#rrggbb` of a colour.
    pub fn css(c: [u8; 3]) -> String {
        format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
    }
}

/// The mini-program path of a shared card (for `onShareAppMessage`).
pub fn share_path(slug: &str) -> String {
    format!("/pages/card/view?slug={slug}")
}

/// Whether `slug` has the form of a card slug (22 URL-safe base64 characters = 128
/// bits), so anything else is a 404 without a query.
pub fn slug_well_formed(slug: &str) -> bool {
    slug.len() == 22 && slug.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(key: &str, shown: bool, text: Option<&str>) -> CardInput {
        let mut fields = BTreeMap::new();
        fields.insert(key.to_owned(), FieldInput { shown, override_text: text.map(str::to_owned) });
        CardInput { fields, ..Default::default() }
    }

    #[test]
    fn defaults_show_public_fields_only() {
        let c = Choices::default();
        assert!(c.get(CardField::Name).shown);
        assert!(!c.get(CardField::Phone).shown);
        assert!(!c.get(CardField::WechatId).shown);
        assert_eq!(c.0.len(), CardField::ALL.len());
    }

    #[test]
    fn override_set_and_cleared() {
        let c = input("title", true, Some(" 总经理 ")).apply(&Choices::default()).unwrap();
        assert_eq!(c.get(CardField::Title).override_text.as_deref(), Some("总经理"));
        let c = input("title", true, Some("  ")).apply(&c).unwrap();
        assert_eq!(c.get(CardField::Title).override_text, None);
    }

    #[test]
    fn bad_fields_are_refused_together() {
        let mut i = input("nope", true, None);
        i.fields.insert(
            "title".into(),
            FieldInput { shown: true, override_text: Some("长".repeat(201)) },
        );
        i.fields
            .insert("photo".into(), FieldInput { shown: true, override_text: Some("x".into()) });
        let err = i.apply(&Choices::default()).unwrap_err();
        let fields: Vec<_> = err.fields().iter().map(|f| f.field.clone()).collect();
        assert_eq!(fields, ["fields.nope", "fields.photo", "fields.title.override"]);
    }

    #[test]
    fn stored_json_round_trips_and_drops_unknown_keys() {
        let c = input("phone", true, Some("123")).apply(&Choices::default()).unwrap();
        let back = Choices::from_json(&c.to_json().unwrap()).unwrap();
        assert_eq!(back, c);
        let old = Choices::from_json(r#"{"gone":{"shown":true}}"#).unwrap();
        assert_eq!(old, Choices::default());
    }

    #[test]
    fn palettes_and_slugs() {
        let p = Palette::parse("#1e3c72,#2a5298,#ffffff").unwrap();
        assert_eq!(p.from, [0x1e, 0x3c, 0x72]);
        assert_eq!(Palette::css(p.text), "#ffffff");
        assert!(Palette::parse("#fff,#000").is_none());
        assert!(slug_well_formed("AAAAAAAAAAAAAAAAAAAA-_"));
        assert!(!slug_well_formed("short"));
    }
}
