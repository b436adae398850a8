//! Enterprises (企业风采): the row, what the member sends, its validation, and the
//! views — the owner's (with the staff note) and the public one.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::reviewed::{self, ImageRef, MAX_IMAGES};
use crate::db::schema::enterprises;
use crate::error::{AppError, FieldError};
use crate::kernel::revisions::ReviewState;
use crate::kernel::revisions::diff::{Field, FieldValue};
use crate::membership::members::NamedRef;

/// What the member sends (the whole enterprise; absent fields clear).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseInput {
    /// 企业名称 (required, at most 50 characters).
    pub name: String,
    /// Logo: an image the member uploaded.
    #[serde(default)]
    pub logo_file_id: Option<i64>,
    /// Industry id.
    #[serde(default)]
    pub industry_id: Option<i64>,
    /// 企业简介: rich text, sanitised on save (no scripts, handlers or styles).
    #[serde(default)]
    pub introduction_html: String,
    /// 地址.
    #[serde(default)]
    pub address: String,
    /// 网址: `http://` or `https://`.
    #[serde(default)]
    pub website: String,
    /// 联系人.
    #[serde(default)]
    pub contact_name: String,
    /// 联系电话 (public: the enterprise's contact).
    #[serde(default)]
    pub contact_phone: String,
    /// 成立年份.
    #[serde(default)]
    pub founded_year: Option<i32>,
    /// 企业图片, in order (at most 9), images the member uploaded.
    #[serde(default)]
    pub image_file_ids: Vec<i64>,
}

/// The columns the member writes; also a revision's snapshot when enterprises are
/// reviewed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Insertable, AsChangeset, Serialize, Deserialize)]
#[diesel(table_name = enterprises, treat_none_as_null = true)]
pub struct EnterpriseFields {
    /// Name.
    pub name: String,
    /// Logo.
    pub logo_file_id: Option<i64>,
    /// Industry.
    pub industry_id: Option<i64>,
    /// Sanitised introduction.
    pub introduction_html: String,
    /// Address.
    pub address: String,
    /// Website.
    pub website: String,
    /// Contact.
    pub contact_name: String,
    /// Contact phone.
    pub contact_phone: String,
    /// Founding year.
    pub founded_year: Option<i32>,
    /// JSON array of image ids.
    pub image_file_ids: String,
}

/// A stored enterprise.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = enterprises)]
pub struct EnterpriseRow {
    /// Id.
    pub id: i64,
    /// Owner.
    pub owner_user_id: i64,
    /// Name.
    pub name: String,
    /// Logo.
    pub logo_file_id: Option<i64>,
    /// Industry.
    pub industry_id: Option<i64>,
    /// Sanitised introduction.
    pub introduction_html: String,
    /// Address.
    pub address: String,
    /// Website.
    pub website: String,
    /// Contact.
    pub contact_name: String,
    /// Contact phone.
    pub contact_phone: String,
    /// Founding year.
    pub founded_year: Option<i32>,
    /// JSON array of image ids.
    pub image_file_ids: String,
    /// Hidden by staff.
    pub staff_hidden: bool,
    /// Why (the member sees it).
    pub staff_note: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
    /// Has a live version (false while a new one waits for its first approval).
    pub published: bool,
    /// The live revision (None: published without review).
    pub live_revision_id: Option<i64>,
}

impl EnterpriseRow {
    /// The image ids, in order.
    pub fn images(&self) -> Vec<i64> {
        serde_json::from_str(&self.image_file_ids).unwrap_or_default()
    }

    /// The member's fields as stored in the row.
    pub fn fields(&self) -> EnterpriseFields {
        EnterpriseFields {
            name: self.name.clone(),
            logo_file_id: self.logo_file_id,
            industry_id: self.industry_id,
            introduction_html: self.introduction_html.clone(),
            address: self.address.clone(),
            website: self.website.clone(),
            contact_name: self.contact_name.clone(),
            contact_phone: self.contact_phone.clone(),
            founded_year: self.founded_year,
            image_file_ids: self.image_file_ids.clone(),
        }
    }

    /// This row with the member's fields replaced by `f` (a submitted version).
    pub fn with_fields(&self, f: EnterpriseFields) -> Self {
        Self {
            name: f.name,
            logo_file_id: f.logo_file_id,
            industry_id: f.industry_id,
            introduction_html: f.introduction_html,
            address: f.address,
            website: f.website,
            contact_name: f.contact_name,
            contact_phone: f.contact_phone,
            founded_year: f.founded_year,
            image_file_ids: f.image_file_ids,
            ..self.clone()
        }
    }
}

impl EnterpriseFields {
    /// The image ids, in order.
    pub fn images(&self) -> Vec<i64> {
        serde_json::from_str(&self.image_file_ids).unwrap_or_default()
    }

    /// The fields as the reviewer compares them (`industry`: the industry's name).
    pub fn review_fields(&self, industry: &str) -> Vec<Field> {
        let year = self.founded_year.map(|y| y.to_string()).unwrap_or_default();
        vec![
            Field::new("企业名称", FieldValue::Text(self.name.clone())),
            Field::new("标志", FieldValue::Images(self.logo_file_id.into_iter().collect())),
            Field::new("行业", FieldValue::Text(industry.to_owned())),
            Field::new(
                "企业简介",
                FieldValue::LongText(crate::kernel::rich_text::plain_text(&self.introduction_html)),
            ),
            Field::new("地址", FieldValue::Text(self.address.clone())),
            Field::new("网址", FieldValue::Text(self.website.clone())),
            Field::new("联系人", FieldValue::Text(self.contact_name.clone())),
            Field::new("联系电话", FieldValue::Text(self.contact_phone.clone())),
            Field::new("成立年份", FieldValue::Text(year)),
            Field::new("企业图片", FieldValue::Images(self.images())),
        ]
    }
}

impl EnterpriseInput {
    /// Checks everything but image ownership (that needs the database); `this_year`
    /// bounds the founding year.
    pub fn validated(&self, this_year: i32) -> Result<EnterpriseFields, AppError> {
        let mut e = Vec::new();
        let name = reviewed::text(&mut e, "name", &self.name, 50, true);
        let address = reviewed::text(&mut e, "address", &self.address, 200, false);
        let website = reviewed::text(&mut e, "website", &self.website, 200, false);
        if !website.is_empty() {
            let ok = url::Url::parse(&website)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
            if !ok {
                e.push(FieldError::new("website", "网址须以 http:// 或 https:// 开头"));
            }
        }
        let contact_name = reviewed::text(&mut e, "contact_name", &self.contact_name, 20, false);
        let contact_phone = reviewed::text(&mut e, "contact_phone", &self.contact_phone, 20, false);
        if !contact_phone.chars().all(|c| c.is_ascii_digit() || "+- ".contains(c)) {
            e.push(FieldError::new("contact_phone", "电话只能含数字、空格、+ 和 -"));
        }
        if self.introduction_html.chars().count() > 10_000 {
            e.push(FieldError::new("introduction_html", "不能超过 10000 字"));
        }
        if self.founded_year.is_some_and(|y| !(1800..=this_year).contains(&y)) {
            e.push(FieldError::new("founded_year", format!("成立年份应在 1800–{this_year} 之间")));
        }
        if self.image_file_ids.len() > MAX_IMAGES {
            e.push(FieldError::new("image_file_ids", format!("最多 {MAX_IMAGES} 张图片")));
        }
        reviewed::fail_on(e)?;
        Ok(EnterpriseFields {
            name,
            logo_file_id: self.logo_file_id,
            industry_id: self.industry_id,
            introduction_html: ammonia::clean(&self.introduction_html),
            address,
            website,
            contact_name,
            contact_phone,
            founded_year: self.founded_year,
            image_file_ids: serde_json::to_string(&self.image_file_ids).unwrap_or_default(),
        })
    }
}

/// An enterprise as everyone sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicEnterprise {
    /// Id.
    pub id: i64,
    /// 企业名称.
    pub name: String,
    /// Logo.
    pub logo: Option<ImageRef>,
    /// 行业.
    pub industry: Option<NamedRef>,
    /// 企业简介 (sanitised HTML).
    pub introduction_html: String,
    /// 地址.
    pub address: String,
    /// 网址.
    pub website: String,
    /// 联系人.
    pub contact_name: String,
    /// 联系电话.
    pub contact_phone: String,
    /// 成立年份.
    pub founded_year: Option<i32>,
    /// 企业图片.
    pub images: Vec<ImageRef>,
    /// The owner, as the directory shows them.
    pub owner: NamedRef,
}

impl PublicEnterprise {
    /// The view of `row` with its industry name and owner (member id, name).
    pub fn new(row: EnterpriseRow, industry: Option<String>, owner: NamedRef) -> Self {
        Self {
            images: row.images().into_iter().map(ImageRef::of).collect(),
            id: row.id,
            name: row.name,
            logo: row.logo_file_id.map(ImageRef::of),
            industry: row.industry_id.zip(industry).map(|(id, name)| NamedRef { id, name }),
            introduction_html: row.introduction_html,
            address: row.address,
            website: row.website,
            contact_name: row.contact_name,
            contact_phone: row.contact_phone,
            founded_year: row.founded_year,
            owner,
        }
    }
}

/// One of the member's own enterprises: the public fields, and whether and why it is
/// not shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyEnterpriseView {
    /// The enterprise as others see it (while it is shown).
    #[serde(flatten)]
    pub enterprise: PublicEnterprise,
    /// Shown in the enterprise directory now.
    pub visible: bool,
    /// Hidden by staff.
    pub staff_hidden: bool,
    /// Staff's note when hidden.
    pub staff_note: String,
    /// Review state when the association reviews enterprises (已发布 otherwise; 待审核,
    /// 修改审核中, or 已驳回 with the reviewer's note).
    pub review: ReviewState,
    /// The newest submission that is not live (pending or rejected), when there is one.
    pub submitted: Option<PublicEnterprise>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn websites_must_be_http_and_years_plausible() {
        let bad = EnterpriseInput {
            name: "甲".into(),
            website: "javascript:alert(1)".into(),
            founded_year: Some(2100),
            ..Default::default()
        };
        let err = bad.validated(2026).unwrap_err();
        let fields: Vec<_> = err.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["website", "founded_year"]);
        let good = EnterpriseInput {
            name: " 甲 ".into(),
            website: "https://example.com/a".into(),
            introduction_html: "<p onclick=\"x()\">好</p><script>1</script>".into(),
            image_file_ids: vec![3, 1],
            ..Default::default()
        };
        let f = good.validated(2026).unwrap();
        assert_eq!((f.name.as_str(), f.image_file_ids.as_str()), ("甲", "[3,1]"));
        assert_eq!(f.introduction_html, "<p>好</p>");
    }
}
