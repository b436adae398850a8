//! Listings (供需信息): what members send, what a revision stores, the rules on them, the
//! stored row, and the owner's state labels. Pure.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::schema::listings;
use crate::error::{AppError, FieldError};
use crate::kernel::revisions::diff::{Field, FieldValue};
use crate::profiles::reviewed::{self, ImageRef};

/// Most images per listing.
pub const MAX_IMAGES: usize = reviewed::MAX_IMAGES;
/// Most characters of the description as sent (HTML included).
pub const MAX_DESCRIPTION_CHARS: usize = 20_000;
/// Highest price or budget in cents (¥100,000,000.00).
pub const MAX_PRICE_CENTS: i64 = 10_000_000_000;

/// 供应 or 需求.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListingKind {
    /// 供应: a product or service offered.
    Supply,
    /// 需求: something the member needs.
    Demand,
}

impl ListingKind {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Supply => "supply",
            Self::Demand => "demand",
        }
    }

    /// zh-CN label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Supply => "供应",
            Self::Demand => "需求",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Supply, Self::Demand].into_iter().find(|k| k.as_str() == text)
    }
}

/// A listing as the member sends it (create and edit send every field).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ListingInput {
    /// `supply` or `demand`.
    #[serde(default)]
    pub kind: String,
    /// 标题.
    #[serde(default)]
    pub title: String,
    /// 详细描述: rich text (HTML); sanitised on write.
    #[serde(default)]
    pub description_html: String,
    /// 分类 (a category staff keep).
    #[serde(default)]
    pub category_id: Option<i64>,
    /// 行业.
    #[serde(default)]
    pub industry_id: Option<i64>,
    /// 价格/预算 in cents; null = 面议.
    #[serde(default)]
    pub price_cents: Option<i64>,
    /// 单位 (e.g. 件, 吨, 次).
    #[serde(default)]
    pub unit: String,
    /// 所在地.
    #[serde(default)]
    pub location: String,
    /// 联系人.
    #[serde(default)]
    pub contact_name: String,
    /// 联系电话 (revealed only through the contact endpoint).
    #[serde(default)]
    pub contact_phone: String,
    /// Up to 9 uploaded images, in order.
    #[serde(default)]
    pub image_file_ids: Vec<i64>,
    /// 截止时间: the last day shown, `YYYY-MM-DD` (association time zone); null = none.
    #[serde(default)]
    pub ends_on: Option<String>,
}

/// A listing's reviewed fields: what a revision stores and the live copy holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingFields {
    /// Kind.
    pub kind: ListingKind,
    /// 标题.
    pub title: String,
    /// Sanitised HTML.
    pub description_html: String,
    /// Category.
    pub category_id: Option<i64>,
    /// Industry.
    pub industry_id: Option<i64>,
    /// Cents; None = 面议.
    pub price_cents: Option<i64>,
    /// 单位.
    pub unit: String,
    /// 所在地.
    pub location: String,
    /// 联系人.
    pub contact_name: String,
    /// 联系电话 (normalised).
    pub contact_phone: String,
    /// Images, in order.
    pub image_file_ids: Vec<i64>,
    /// The last day shown, as sent.
    pub ends_on: Option<NaiveDate>,
    /// When it leaves the hall (UTC): the end of `ends_on` in the association's zone.
    pub ends_at: Option<NaiveDateTime>,
}

/// Rich text as stored: sanitised by ammonia (no scripts, handlers or styles).
pub fn sanitize(html: &str) -> String {
    ammonia::clean(html)
}

/// The text of sanitised HTML (block ends become line breaks), for the reviewer's diff.
pub fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut tag = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match (c, in_tag) {
            ('<', false) => in_tag = true,
            ('>', true) => {
                in_tag = false;
                let name = tag.trim_start_matches('/').split_whitespace().next().unwrap_or("");
                if ["p", "br", "div", "li", "h1", "h2", "h3", "h4", "tr"].contains(&name)
                    && !out.ends_with('\n')
                    && !out.is_empty()
                {
                    out.push('\n');
                }
                tag.clear();
            }
            (c, true) => tag.push(c),
            (c, false) => out.push(c),
        }
    }
    let text = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    text.trim().to_owned()
}

impl ListingInput {
    /// Trims and checks every field except the references (category, industry, images),
    /// which the use case checks against the database; all messages at once. `today` is
    /// the association's date; `end_of_day` turns a date into the UTC end of that day.
    pub fn validated(
        self,
        today: NaiveDate,
        end_of_day: impl Fn(NaiveDate) -> NaiveDateTime,
    ) -> Result<ListingFields, AppError> {
        let mut errors: Vec<FieldError> = Vec::new();
        let e = &mut errors;
        let kind = ListingKind::parse(self.kind.trim());
        if kind.is_none() {
            e.push(FieldError::new("kind", "请选择供应或需求"));
        }
        let title = reviewed::text(e, "title", &self.title, 60, true);
        let description_html = if self.description_html.chars().count() > MAX_DESCRIPTION_CHARS {
            e.push(FieldError::new("description_html", "描述过长（最多 2 万字）"));
            String::new()
        } else {
            sanitize(self.description_html.trim())
        };
        let unit = reviewed::text(e, "unit", &self.unit, 10, false);
        let location = reviewed::text(e, "location", &self.location, 60, false);
        let contact_name = reviewed::text(e, "contact_name", &self.contact_name, 30, true);
        let contact_phone = match crate::kernel::phone::normalize_mobile(&self.contact_phone) {
            Some(phone) => phone,
            None => {
                e.push(FieldError::new("contact_phone", "请填写 11 位手机号"));
                String::new()
            }
        };
        if let Some(p) = self.price_cents
            && !(0..=MAX_PRICE_CENTS).contains(&p)
        {
            e.push(FieldError::new("price_cents", "价格不能为负数，且不超过一亿元"));
        }
        if self.image_file_ids.len() > MAX_IMAGES {
            e.push(FieldError::new("image_file_ids", format!("最多 {MAX_IMAGES} 张图片")));
        }
        let ends_on = match self.ends_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(text) => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(day) if day >= today => Some(day),
                Ok(_) => {
                    e.push(FieldError::new("ends_on", "截止日期不能早于今天"));
                    None
                }
                Err(_) => {
                    e.push(FieldError::new("ends_on", "日期格式应为 YYYY-MM-DD"));
                    None
                }
            },
        };
        reviewed::fail_on(errors)?;
        let kind = kind.ok_or_else(|| AppError::field("kind", "请选择供应或需求"))?;
        Ok(ListingFields {
            kind,
            title,
            description_html,
            category_id: self.category_id,
            industry_id: self.industry_id,
            price_cents: self.price_cents,
            unit,
            location,
            contact_name,
            contact_phone,
            image_file_ids: self.image_file_ids,
            ends_at: ends_on.map(&end_of_day),
            ends_on,
        })
    }
}

/// `¥12.50` (per unit), or 面议.
pub fn price_label(price_cents: Option<i64>, unit: &str) -> String {
    match price_cents {
        None => "面议".into(),
        Some(c) if unit.is_empty() => crate::kernel::money::format_cents(c),
        Some(c) => format!("{}/{unit}", crate::kernel::money::format_cents(c)),
    }
}

impl ListingFields {
    /// The fields as the reviewer compares them (names of references given by the caller).
    pub fn review_fields(&self, category: &str, industry: &str) -> Vec<Field> {
        let text = |s: &str| FieldValue::Text(s.to_owned());
        vec![
            Field::new("类型", text(self.kind.label())),
            Field::new("标题", text(&self.title)),
            Field::new("分类", text(category)),
            Field::new("行业", text(industry)),
            Field::new("价格/预算", text(&price_label(self.price_cents, &self.unit))),
            Field::new("所在地", text(&self.location)),
            Field::new("联系人", text(&self.contact_name)),
            Field::new("联系电话", text(&self.contact_phone)),
            Field::new(
                "截止日期",
                text(&self.ends_on.map(|d| d.to_string()).unwrap_or_else(|| "长期".into())),
            ),
            Field::new("图片", FieldValue::Images(self.image_file_ids.clone())),
            Field::new("详细描述", FieldValue::LongText(html_text(&self.description_html))),
        ]
    }

    /// The searchable text: title and description, as `kernel::search` sees it.
    pub fn search_text(&self) -> String {
        crate::kernel::search::normalise(&format!(
            "{}\n{}",
            self.title,
            html_text(&self.description_html)
        ))
    }

    /// The images as API answers show them.
    pub fn image_refs(&self) -> Vec<ImageRef> {
        self.image_file_ids.iter().copied().map(ImageRef::of).collect()
    }
}

/// A stored listing.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = listings)]
pub struct ListingRow {
    /// Id.
    pub id: i64,
    /// The publishing member's user.
    pub owner_user_id: i64,
    /// The live revision (None: not approved yet).
    pub live_revision_id: Option<i64>,
    /// Live fields as JSON.
    pub live: String,
    /// Live kind.
    pub kind: String,
    /// Live title.
    pub title: String,
    /// Live title and description text, lower-cased (search).
    pub search_text: String,
    /// Live category.
    pub category_id: Option<i64>,
    /// Live industry.
    pub industry_id: Option<i64>,
    /// Live price.
    pub price_cents: Option<i64>,
    /// Live end (UTC).
    pub ends_at: Option<NaiveDateTime>,
    /// Last approval (UTC).
    pub published_at: Option<NaiveDateTime>,
    /// The member's 上架 switch.
    pub listed: bool,
    /// When staff force-unlisted it (blocks relisting until an edit is approved).
    pub staff_unlisted_at: Option<NaiveDateTime>,
    /// Who did.
    pub staff_unlisted_by: Option<i64>,
    /// Their note to the member.
    pub staff_note: String,
    /// Detail views.
    pub view_count: i64,
    /// Users who revealed the phone.
    pub contact_count: i64,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
    /// Deleted.
    pub deleted_at: Option<NaiveDateTime>,
}

impl ListingRow {
    /// The live fields, when approved.
    pub fn live_fields(&self) -> Result<Option<ListingFields>, AppError> {
        if self.live_revision_id.is_none() {
            return Ok(None);
        }
        serde_json::from_str(&self.live).map(Some).map_err(AppError::internal)
    }

    /// Where the listing stands in the hall, from the owner's side (the membership part
    /// of the visibility rule is not the owner's to change and is left out).
    pub fn hall_state(&self, now: NaiveDateTime) -> HallState {
        if self.live_revision_id.is_none() {
            HallState::NotApproved
        } else if self.staff_unlisted_at.is_some() {
            HallState::StaffUnlisted
        } else if !self.listed {
            HallState::Unlisted
        } else if self.ends_at.is_some_and(|end| end <= now) {
            HallState::Expired
        } else {
            HallState::Listed
        }
    }
}

/// A listing's place in the hall as its owner and staff see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HallState {
    /// 未通过审核: never approved.
    NotApproved,
    /// 已上架.
    Listed,
    /// 已下架 by the member.
    Unlisted,
    /// 已过期: past its end date.
    Expired,
    /// 已被管理员下架.
    StaffUnlisted,
}

impl HallState {
    /// zh-CN label.
    pub fn label(self) -> &'static str {
        match self {
            Self::NotApproved => "未上线",
            Self::Listed => "已上架",
            Self::Unlisted => "已下架",
            Self::Expired => "已过期",
            Self::StaffUnlisted => "已被管理员下架",
        }
    }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
