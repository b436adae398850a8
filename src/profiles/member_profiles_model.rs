//! Member profiles (会员风采): the row, what the owner sends, its validation, and the two
//! views — the owner's (everything) and the public one, which has no private field at
//! all, so a private field cannot slip into a directory answer.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::reviewed::{self, ImageRef};
use crate::db::schema::member_profiles;
use crate::error::{AppError, FieldError};
use crate::membership::members::NamedRef;

/// Gender, as the member states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    /// 男.
    Male,
    /// 女.
    Female,
}

impl Gender {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Male => "male",
            Self::Female => "female",
        }
    }

    /// From the stored text ('' is unstated).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "male" => Some(Self::Male),
            "female" => Some(Self::Female),
            _ => None,
        }
    }

    /// 男 / 女.
    pub fn label(self) -> &'static str {
        match self {
            Self::Male => "男",
            Self::Female => "女",
        }
    }
}

/// What the owner sends with `PUT /me/profile` (the whole profile; absent fields clear).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileInput {
    /// 真实姓名 (required; also the name on the roll), at most 20 characters.
    pub real_name: String,
    /// 照片: an image the member uploaded.
    #[serde(default)]
    pub photo_file_id: Option<i64>,
    /// 性别.
    #[serde(default)]
    pub gender: Option<Gender>,
    /// 出生日期 (not in the future).
    #[serde(default)]
    pub birth_date: Option<NaiveDate>,
    /// 籍贯.
    #[serde(default)]
    pub hometown: String,
    /// 学历.
    #[serde(default)]
    pub education: String,
    /// 个人简介, at most 1,000 characters.
    #[serde(default)]
    pub introduction: String,
    /// Private: 联系电话.
    #[serde(default)]
    pub phone: String,
    /// Private: 微信号.
    #[serde(default)]
    pub wechat_id: String,
    /// Private: 身高 in cm (50–250).
    #[serde(default)]
    pub height_cm: Option<i32>,
    /// Private: 体重 in kg (20–300).
    #[serde(default)]
    pub weight_kg: Option<i32>,
    /// Private: 身份证号 (18 characters, check digit verified).
    #[serde(default)]
    pub id_number: String,
    /// Private: 家庭住址.
    #[serde(default)]
    pub home_address: String,
    /// Hide me from the member directory.
    #[serde(default)]
    pub hidden: bool,
}

/// The stored profile columns (insert and update).
#[derive(Debug, Clone, Default, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = member_profiles, treat_none_as_null = true)]
pub struct ProfileFields {
    /// Photo.
    pub photo_file_id: Option<i64>,
    /// `male`, `female` or ''.
    pub gender: String,
    /// Birth date.
    pub birth_date: Option<NaiveDate>,
    /// Hometown.
    pub hometown: String,
    /// Education.
    pub education: String,
    /// Introduction.
    pub introduction: String,
    /// Private phone.
    pub phone: String,
    /// Private WeChat id.
    pub wechat_id: String,
    /// Private height.
    pub height_cm: Option<i32>,
    /// Private weight.
    pub weight_kg: Option<i32>,
    /// Private ID number.
    pub id_number: String,
    /// Private home address.
    pub home_address: String,
    /// Hidden from the directory.
    pub hidden: bool,
}

/// A stored profile.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = member_profiles)]
pub struct ProfileRow {
    /// The owner.
    pub user_id: i64,
    /// The fields.
    #[diesel(embed)]
    pub fields: ProfileFields,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// Whether an 18-character resident ID number's check digit (ISO 7064 MOD 11-2) holds.
pub fn id_number_valid(id: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let bytes = id.as_bytes();
    if bytes.len() != 18 || !bytes[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = bytes[..17].iter().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    bytes[17].to_ascii_uppercase() == CHECK[(sum % 11) as usize]
}

fn range(errors: &mut Vec<FieldError>, field: &str, v: Option<i32>, lo: i32, hi: i32, unit: &str) {
    if v.is_some_and(|v| !(lo..=hi).contains(&v)) {
        errors.push(FieldError::new(field, format!("应在 {lo}–{hi} {unit} 之间")));
    }
}

impl ProfileInput {
    /// Checks everything but the photo's owner (that needs the database); returns the
    /// trimmed real name and the columns, or every message at once.
    pub fn validated(&self, today: NaiveDate) -> Result<(String, ProfileFields), AppError> {
        let mut e = Vec::new();
        let name = reviewed::text(&mut e, "real_name", &self.real_name, 20, true);
        let hometown = reviewed::text(&mut e, "hometown", &self.hometown, 50, false);
        let education = reviewed::text(&mut e, "education", &self.education, 50, false);
        let introduction = reviewed::text(&mut e, "introduction", &self.introduction, 1000, false);
        let wechat_id = reviewed::text(&mut e, "wechat_id", &self.wechat_id, 50, false);
        let home_address = reviewed::text(&mut e, "home_address", &self.home_address, 200, false);
        let phone = reviewed::text(&mut e, "phone", &self.phone, 20, false);
        if !phone.is_empty() && !phone.chars().all(|c| c.is_ascii_digit() || "+- ".contains(c)) {
            e.push(FieldError::new("phone", "电话只能含数字、空格、+ 和 -"));
        }
        if let Some(born) = self.birth_date {
            if born > today {
                e.push(FieldError::new("birth_date", "出生日期不能晚于今天"));
            } else if born < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(born) {
                e.push(FieldError::new("birth_date", "出生日期不能早于 1900 年"));
            }
        }
        range(&mut e, "height_cm", self.height_cm, 50, 250, "厘米");
        range(&mut e, "weight_kg", self.weight_kg, 20, 300, "公斤");
        let id_number = self.id_number.trim().to_ascii_uppercase();
        if !id_number.is_empty() && !id_number_valid(&id_number) {
            e.push(FieldError::new("id_number", "身份证号不正确（18 位，校验位不符）"));
        }
        reviewed::fail_on(e)?;
        let fields = ProfileFields {
            photo_file_id: self.photo_file_id,
            gender: self.gender.map(Gender::as_str).unwrap_or_default().to_owned(),
            birth_date: self.birth_date,
            hometown,
            education,
            introduction,
            phone,
            wechat_id,
            height_cm: self.height_cm,
            weight_kg: self.weight_kg,
            id_number,
            home_address,
            hidden: self.hidden,
        };
        Ok((name, fields))
    }
}

/// The owner's (and staff's) view: every field.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyProfileView {
    /// 真实姓名 (the name on the roll).
    pub real_name: String,
    /// 照片.
    pub photo: Option<ImageRef>,
    /// 性别.
    pub gender: Option<Gender>,
    /// 出生日期.
    pub birth_date: Option<NaiveDate>,
    /// 籍贯.
    pub hometown: String,
    /// 学历.
    pub education: String,
    /// 个人简介.
    pub introduction: String,
    /// 联系电话 (private).
    pub phone: String,
    /// 微信号 (private).
    pub wechat_id: String,
    /// 身高 cm (private).
    pub height_cm: Option<i32>,
    /// 体重 kg (private).
    pub weight_kg: Option<i32>,
    /// 身份证号 (private).
    pub id_number: String,
    /// 家庭住址 (private).
    pub home_address: String,
    /// Hidden from the directory.
    pub hidden: bool,
}

impl MyProfileView {
    /// The view of `fields` with the roll's `real_name`.
    pub fn new(real_name: String, f: ProfileFields) -> Self {
        Self {
            real_name,
            photo: f.photo_file_id.map(ImageRef::of),
            gender: Gender::parse(&f.gender),
            birth_date: f.birth_date,
            hometown: f.hometown,
            education: f.education,
            introduction: f.introduction,
            phone: f.phone,
            wechat_id: f.wechat_id,
            height_cm: f.height_cm,
            weight_kg: f.weight_kg,
            id_number: f.id_number,
            home_address: f.home_address,
            hidden: f.hidden,
        }
    }
}

/// A member as everyone else sees them: this type has no private field.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicMember {
    /// Member id (for `/members/{id}`).
    pub id: i64,
    /// 姓名.
    pub name: String,
    /// 照片.
    pub photo: Option<ImageRef>,
    /// 性别.
    pub gender: Option<Gender>,
    /// 出生日期.
    pub birth_date: Option<NaiveDate>,
    /// 籍贯.
    pub hometown: String,
    /// 学历.
    pub education: String,
    /// 个人简介.
    pub introduction: String,
    /// 企业名称.
    pub company: String,
    /// 企业职务.
    pub title: String,
    /// 会员类型.
    pub member_type: NamedRef,
    /// 协会职务.
    pub position: NamedRef,
    /// 行业.
    pub industry: Option<NamedRef>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_number_check_digits() {
        assert!(id_number_valid("11010519491231002X"));
        assert!(!id_number_valid("110105194912310029"));
        assert!(!id_number_valid("1101051949123100"));
        assert!(!id_number_valid("11010519491231002Y"));
    }

    #[test]
    fn bad_input_is_reported_field_by_field() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let input = ProfileInput {
            real_name: " ".into(),
            birth_date: NaiveDate::from_ymd_opt(2027, 1, 1),
            height_cm: Some(500),
            id_number: "110105194912310021".into(),
            ..Default::default()
        };
        let err = input.validated(today).unwrap_err();
        let fields: Vec<_> = err.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["real_name", "birth_date", "height_cm", "id_number"]);
        let ok = ProfileInput { real_name: " 王五 ".into(), ..Default::default() };
        assert_eq!(ok.validated(today).unwrap().0, "王五");
    }
}
