//! What a card looks like once resolved: each ticked field shows its override or, if
//! none, the current profile value. `PublicCard` is the only view anyone but the owner
//! gets; it is built from the resolved card, which holds ticked fields only.

use serde::Serialize;

use super::card_model::{CardField, Choices, Palette, StyleKind};
use super::card_store::StyleRow;
use super::certificates::PublicCertificate;
use super::enterprises_model::PublicEnterprise;
use super::member_profiles_model::PublicMember;
use super::reviewed::ImageRef;
use crate::marketplace::views::PublicListingSummary;

/// A style as members see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StyleView {
    /// Id (for `PUT /me/card`).
    pub id: i64,
    /// Layout or background.
    pub kind: StyleKind,
    /// Layout key (`classic`, `simple`, `business`), background key, or `image`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Gradient start, end and text colour (`#rrggbb`).
    pub colors: Option<StyleColors>,
    /// An uploaded background image.
    pub image: Option<ImageRef>,
}

/// A background's colours.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StyleColors {
    /// Gradient start.
    pub from: String,
    /// Gradient end.
    pub to: String,
    /// Text.
    pub text: String,
}

impl StyleView {
    /// The view of `row`.
    pub fn new(row: &StyleRow) -> Self {
        let palette = palette_of(row);
        Self {
            id: row.id,
            kind: StyleKind::parse(&row.kind).unwrap_or(StyleKind::Background),
            code: row.code.clone(),
            name: row.name.clone(),
            colors: Some(StyleColors {
                from: Palette::css(palette.from),
                to: Palette::css(palette.to),
                text: Palette::css(palette.text),
            })
            .filter(|_| row.kind == StyleKind::Background.as_str()),
            image: row.image_file_id.map(ImageRef::of),
        }
    }
}

/// The palette of a background row (uploaded images: white text on a dark veil).
pub fn palette_of(row: &StyleRow) -> Palette {
    Palette::parse(&row.colors).unwrap_or(Palette::IMAGE)
}

/// One shown field.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ShownField {
    /// Field key.
    pub key: CardField,
    /// zh-CN label.
    pub label: &'static str,
    /// What the card shows.
    pub value: String,
}

/// What `wx.addPhoneContact` takes (only ticked fields; empty ones left out).
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PhoneContact {
    /// 名字 (required by WeChat).
    pub first_name: String,
    /// 手机号.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile_phone_number: Option<String>,
    /// 微信号.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub we_chat_number: Option<String>,
    /// 公司.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// 职位.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// 电子邮件.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// 网站.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// 工作地址.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_address_street: Option<String>,
}

/// 联系TA: present only when the member ticked phone or WeChat id.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ContactAction {
    /// Ticked phone.
    pub phone: Option<String>,
    /// Ticked WeChat id.
    pub wechat_id: Option<String>,
}

/// A card resolved at this moment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ResolvedCard {
    /// The name shown (empty when not ticked).
    pub name: String,
    /// The photo, when ticked.
    pub photo: Option<ImageRef>,
    /// Ticked fields with a value, in card order (the photo apart).
    pub fields: Vec<ShownField>,
    /// Layout.
    pub layout: StyleView,
    /// Background.
    pub background: StyleView,
    /// 联系TA.
    pub contact: Option<ContactAction>,
    /// Ready for `wx.addPhoneContact`.
    pub phone_contact: PhoneContact,
    /// The member's visible enterprises.
    pub enterprises: Vec<PublicEnterprise>,
    /// Listed supply items.
    pub supply_items: Vec<PublicListingSummary>,
    /// Certificates the member marked for the card.
    pub certificates: Vec<PublicCertificate>,
}

impl ResolvedCard {
    /// The shown value of `field` (None when not ticked or empty).
    pub fn value(&self, field: CardField) -> Option<&str> {
        self.fields.iter().find(|f| f.key == field).map(|f| f.value.as_str())
    }
}

/// The profile values a card falls back on (the owner's data: private ones included).
#[derive(Debug, Clone, Default)]
pub struct ProfileValues {
    /// The public member.
    pub member: Option<PublicMember>,
    /// Private phone.
    pub phone: String,
    /// Private WeChat id.
    pub wechat_id: String,
}

impl ProfileValues {
    /// The profile value of `field` ('' when the profile has none).
    pub fn value(&self, field: CardField) -> String {
        let Some(m) = &self.member else { return String::new() };
        match field {
            CardField::Name => m.name.clone(),
            CardField::Title => m.title.clone(),
            CardField::Company => m.company.clone(),
            CardField::Position => m.position.name.clone(),
            CardField::Industry => m.industry.as_ref().map(|i| i.name.clone()).unwrap_or_default(),
            CardField::Phone => self.phone.clone(),
            CardField::WechatId => self.wechat_id.clone(),
            CardField::Introduction => m.introduction.clone(),
            CardField::Hometown => m.hometown.clone(),
            CardField::Photo | CardField::Email | CardField::Address | CardField::Website => {
                String::new()
            }
        }
    }
}

/// The related blocks a card shows.
#[derive(Debug, Clone, Default)]
pub struct Blocks {
    /// Visible enterprises.
    pub enterprises: Vec<PublicEnterprise>,
    /// Listed supply items.
    pub supply_items: Vec<PublicListingSummary>,
    /// Certificates for the card.
    pub certificates: Vec<PublicCertificate>,
}

/// Resolves `choices` against the profile: ticked fields only, override first.
pub fn resolve(
    choices: &Choices,
    profile: &ProfileValues,
    layout: &StyleRow,
    background: &StyleRow,
    blocks: Blocks,
) -> ResolvedCard {
    let mut fields = Vec::new();
    for field in CardField::ALL {
        let choice = choices.get(field);
        if !choice.shown || field == CardField::Photo {
            continue;
        }
        let value = choice.override_text.unwrap_or_else(|| profile.value(field));
        if !value.trim().is_empty() {
            fields.push(ShownField { key: field, label: field.label(), value });
        }
    }
    let photo = profile
        .member
        .as_ref()
        .and_then(|m| m.photo.clone())
        .filter(|_| choices.get(CardField::Photo).shown);
    let get = |f: CardField| fields.iter().find(|x| x.key == f).map(|x| x.value.clone());
    let name = get(CardField::Name).unwrap_or_default();
    let (phone, wechat_id) = (get(CardField::Phone), get(CardField::WechatId));
    let contact = (phone.is_some() || wechat_id.is_some())
        .then(|| ContactAction { phone: phone.clone(), wechat_id: wechat_id.clone() });
    let phone_contact = PhoneContact {
        first_name: name.clone(),
        mobile_phone_number: phone,
        we_chat_number: wechat_id,
        organization: get(CardField::Company),
        title: get(CardField::Title),
        email: get(CardField::Email),
        url: get(CardField::Website),
        work_address_street: get(CardField::Address),
    };
    ResolvedCard {
        name,
        photo,
        fields,
        layout: StyleView::new(layout),
        background: StyleView::new(background),
        contact,
        phone_contact,
        enterprises: blocks.enterprises,
        supply_items: blocks.supply_items,
        certificates: blocks.certificates,
    }
}

/// A card as anyone with the link sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicCard {
    /// The share slug.
    pub slug: String,
    /// The card page (`/c/{slug}`).
    pub url: String,
    /// The share image (PNG, 5:4).
    pub share_image_url: String,
    /// The card link as a QR code (SVG).
    pub qr_url: String,
    /// The vCard download.
    pub vcard_url: String,
    /// The card.
    pub card: ResolvedCard,
}

/// One field as its owner edits it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyField {
    /// Key.
    pub key: CardField,
    /// zh-CN label.
    pub label: &'static str,
    /// Ticked.
    pub shown: bool,
    /// Card-only text (null: the profile value shows).
    #[serde(rename = "override")]
    pub override_text: Option<String>,
    /// The current profile value ('' when the profile has none).
    pub profile_value: String,
    /// Whether an override is allowed (not for the photo).
    pub takes_override: bool,
}

/// View counts.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ViewCounts {
    /// All counted views (a viewer once a day).
    pub total: i64,
    /// Today's (association time zone).
    pub today: i64,
}

/// The member's own card.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyCardView {
    /// Chosen layout.
    pub layout_id: i64,
    /// Chosen background.
    pub background_id: i64,
    /// Every field with its choice.
    pub fields: Vec<MyField>,
    /// Whether the card is shared (public).
    pub shared: bool,
    /// The share slug while shared.
    pub slug: Option<String>,
    /// The card page while shared.
    pub url: Option<String>,
    /// Views.
    pub views: ViewCounts,
    /// The card as it shows now (for the preview).
    pub resolved: ResolvedCard,
}

/// The fields of `choices` with profile values, for the owner.
pub fn my_fields(choices: &Choices, profile: &ProfileValues) -> Vec<MyField> {
    CardField::ALL
        .into_iter()
        .map(|field| {
            let choice = choices.get(field);
            MyField {
                key: field,
                label: field.label(),
                shown: choice.shown,
                override_text: choice.override_text,
                profile_value: profile.value(field),
                takes_override: field.takes_override(),
            }
        })
        .collect()
}

/// A vCard 3.0 of the resolved card (ticked fields only).
pub fn vcard(card: &ResolvedCard, url: &str) -> String {
    fn esc(s: &str) -> String {
        s.replace('\\', "\\\\").replace(',', "\\,").replace(';', "\\;").replace('\n', "\\n")
    }
    let mut out = String::from("BEGIN:VCARD\r\nVERSION:3.0\r\n");
    let name = if card.name.is_empty() { "名片".to_owned() } else { esc(&card.name) };
    out.push_str(&format!("FN:{name}\r\nN:{name};;;;\r\n"));
    let pc = &card.phone_contact;
    let lines = [
        ("ORG", &pc.organization),
        ("TITLE", &pc.title),
        ("TEL;TYPE=CELL", &pc.mobile_phone_number),
        ("EMAIL", &pc.email),
        ("ADR;TYPE=WORK", &pc.work_address_street.as_ref().map(|a| format!(";;{};;;;", esc(a)))),
    ];
    for (tag, value) in lines {
        if let Some(v) = value {
            let v = if tag.starts_with("ADR") { v.clone() } else { esc(v) };
            out.push_str(&format!("{tag}:{v}\r\n"));
        }
    }
    if let Some(site) = &pc.url {
        out.push_str(&format!("URL:{}\r\n", esc(site)));
    }
    if let Some(w) = &pc.we_chat_number {
        out.push_str(&format!("NOTE:微信 {}\r\n", esc(w)));
    }
    out.push_str(&format!("URL;TYPE=card:{url}\r\nEND:VCARD\r\n"));
    out
}
