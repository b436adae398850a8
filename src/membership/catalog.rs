//! Settings the staff edit: member types, positions, industries and member numbering.
//! Removing an entry that is in use is refused with a message saying where.

use diesel::Connection as _;

use super::model::{IndustryRow, MemberTypeRow, PositionRow};
use super::store::catalog::{self as store, IndustryFields, MemberTypeFields, PositionFields};
use crate::db::{Db, DbConn, is_unique_violation};
use crate::error::{AppError, FieldError};
use crate::kernel::audit::{Actor, AuditEntry};
use crate::kernel::clock::SharedClock;
use crate::kernel::money::parse_yuan;

/// Everything the pickers and settings pages show.
#[derive(Debug, Clone)]
pub struct Catalogue {
    /// Member types.
    pub member_types: Vec<MemberTypeRow>,
    /// Positions, highest first.
    pub positions: Vec<PositionRow>,
    /// Industries by code.
    pub industries: Vec<IndustryRow>,
}

/// Loads the catalogue.
pub async fn catalogue(db: &Db) -> Result<Catalogue, AppError> {
    db.run(|conn| {
        Ok(Catalogue {
            member_types: store::member_types_all(conn)?,
            positions: store::positions_all(conn)?,
            industries: store::industries_all(conn)?,
        })
    })
    .await
}

/// A member type as typed into the form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct MemberTypeInput {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Yearly dues in yuan, e.g. `500` or `500.00`.
    #[serde(default)]
    pub dues: String,
    /// `on` when enterprise profiles apply.
    #[serde(default)]
    pub enterprise_profiles: Option<String>,
    /// Order in lists.
    #[serde(default)]
    pub sort_order: String,
}

/// A position as typed into the form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PositionInput {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Rank (1 = highest).
    #[serde(default)]
    pub rank: String,
    /// Checkbox.
    #[serde(default)]
    pub can_review: Option<String>,
    /// Checkbox.
    #[serde(default)]
    pub can_view_contacts: Option<String>,
    /// Checkbox.
    #[serde(default)]
    pub can_read_members_only: Option<String>,
}

/// An industry as typed into the form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct IndustryInput {
    /// Code.
    #[serde(default)]
    pub code: String,
    /// Name.
    #[serde(default)]
    pub name: String,
}

fn check_name(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize) {
    let count = value.trim().chars().count();
    if count == 0 {
        errors.push(FieldError::new(field, "不能为空"));
    } else if count > max {
        errors.push(FieldError::new(field, format!("不能超过 {max} 个字")));
    }
}

fn small_int(errors: &mut Vec<FieldError>, field: &str, text: &str, default: i32) -> i32 {
    let text = text.trim();
    if text.is_empty() {
        return default;
    }
    match text.parse::<i32>() {
        Ok(n) if (0..=9999).contains(&n) => n,
        _ => {
            errors.push(FieldError::new(field, "请输入 0–9999 的整数"));
            default
        }
    }
}

fn done(errors: Vec<FieldError>) -> Result<(), AppError> {
    if errors.is_empty() { Ok(()) } else { Err(AppError::Validation(errors)) }
}

impl MemberTypeInput {
    fn validate(&self, at: chrono::NaiveDateTime) -> Result<MemberTypeFields, AppError> {
        let mut errors = Vec::new();
        check_name(&mut errors, "name", &self.name, 20);
        let dues_cents = parse_yuan(&self.dues).unwrap_or_else(|| {
            errors.push(FieldError::new("dues", "请输入正确的金额，如 500 或 500.00"));
            0
        });
        let sort_order = small_int(&mut errors, "sort_order", &self.sort_order, 0);
        done(errors)?;
        Ok(MemberTypeFields {
            name: self.name.trim().to_owned(),
            dues_cents,
            enterprise_profiles: self.enterprise_profiles.is_some(),
            sort_order,
            updated_at: at,
        })
    }
}

impl PositionInput {
    fn validate(&self, at: chrono::NaiveDateTime) -> Result<PositionFields, AppError> {
        let mut errors = Vec::new();
        check_name(&mut errors, "name", &self.name, 20);
        let rank = small_int(&mut errors, "rank", &self.rank, 99);
        done(errors)?;
        Ok(PositionFields {
            name: self.name.trim().to_owned(),
            rank,
            can_review: self.can_review.is_some(),
            can_view_contacts: self.can_view_contacts.is_some(),
            can_read_members_only: self.can_read_members_only.is_some(),
            updated_at: at,
        })
    }
}

impl IndustryInput {
    fn validate(&self, at: chrono::NaiveDateTime) -> Result<IndustryFields, AppError> {
        let mut errors = Vec::new();
        check_name(&mut errors, "code", &self.code, 10);
        check_name(&mut errors, "name", &self.name, 40);
        done(errors)?;
        Ok(IndustryFields {
            code: self.code.trim().to_uppercase(),
            name: self.name.trim().to_owned(),
            updated_at: at,
        })
    }
}

/// Which catalogue a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// Member types.
    MemberType,
    /// Positions.
    Position,
    /// Industries.
    Industry,
}

impl Entry {
    fn table(self) -> &'static str {
        match self {
            Self::MemberType => "member_types",
            Self::Position => "positions",
            Self::Industry => "industries",
        }
    }

    /// zh-CN name.
    pub fn label(self) -> &'static str {
        match self {
            Self::MemberType => "会员类型",
            Self::Position => "职务",
            Self::Industry => "行业",
        }
    }
}

/// A validated change to one of the catalogues.
#[derive(Debug, Clone)]
pub enum CatalogueChange {
    /// Member type.
    MemberType(MemberTypeInput),
    /// Position.
    Position(PositionInput),
    /// Industry.
    Industry(IndustryInput),
}

impl CatalogueChange {
    fn entry(&self) -> Entry {
        match self {
            Self::MemberType(_) => Entry::MemberType,
            Self::Position(_) => Entry::Position,
            Self::Industry(_) => Entry::Industry,
        }
    }

    fn write(
        &self,
        conn: &mut DbConn,
        id: Option<i64>,
        at: chrono::NaiveDateTime,
    ) -> Result<usize, AppError> {
        let written = match self {
            Self::MemberType(input) => {
                let fields = input.validate(at)?;
                conn.transaction(|c| store::save_member_type(c, id, &fields))
            }
            Self::Position(input) => {
                let fields = input.validate(at)?;
                conn.transaction(|c| store::save_position(c, id, &fields))
            }
            Self::Industry(input) => {
                let fields = input.validate(at)?;
                conn.transaction(|c| store::save_industry(c, id, &fields))
            }
        };
        match written {
            Err(e) if is_unique_violation(&e) => {
                let field = if matches!(self, Self::Industry(_)) { "code" } else { "name" };
                Err(AppError::field(field, "已存在同名（或同代码）的条目"))
            }
            other => Ok(other?),
        }
    }
}

/// Creates (`id` = None) or updates a catalogue entry (audited).
pub async fn save_entry(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: Option<i64>,
    change: CatalogueChange,
) -> Result<(), AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let written = change.write(conn, id, at)?;
        if written == 0 {
            return Err(AppError::not_found(change.entry().label()));
        }
        let entry = change.entry();
        let action = if id.is_some() { "catalogue.update" } else { "catalogue.create" };
        AuditEntry::new(Actor::Staff(staff_id), action, entry.table(), id).record(
            conn,
            at,
            &serde_json::json!({}),
        )
    })
    .await
}

/// Removes a catalogue entry unless it is in use.
pub async fn delete_entry(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    entry: Entry,
    id: i64,
) -> Result<(), AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let (members, applications, history) = match entry {
            Entry::MemberType => store::member_type_usage(conn, id)?,
            Entry::Position => store::position_usage(conn, id)?,
            Entry::Industry => store::industry_usage(conn, id)?,
        };
        if let Some(message) = usage_message(entry, members, applications, history) {
            return Err(AppError::Conflict { code: "in_use", message });
        }
        let deleted = match entry {
            Entry::MemberType => store::delete_member_type(conn, id)?,
            Entry::Position => store::delete_position(conn, id)?,
            Entry::Industry => store::delete_industry(conn, id)?,
        };
        if deleted == 0 {
            return Err(AppError::not_found(entry.label()));
        }
        AuditEntry::new(Actor::Staff(staff_id), "catalogue.delete", entry.table(), id).record(
            conn,
            at,
            &serde_json::json!({}),
        )
    })
    .await
}

/// "该职务正被 3 名会员、1 份申请、2 条任职记录使用，不能删除" — or `None` when unused.
pub fn usage_message(
    entry: Entry,
    members: i64,
    applications: i64,
    history: i64,
) -> Option<String> {
    let mut parts = Vec::new();
    if members > 0 {
        parts.push(format!("{members} 名会员"));
    }
    if applications > 0 {
        parts.push(format!("{applications} 份申请"));
    }
    if history > 0 {
        parts.push(format!("{history} 条任职记录"));
    }
    (!parts.is_empty())
        .then(|| format!("该{}正被{}使用，不能删除", entry.label(), parts.join("、")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_messages_say_where_an_entry_is_used() {
        assert_eq!(usage_message(Entry::Position, 0, 0, 0), None);
        assert_eq!(
            usage_message(Entry::Position, 3, 0, 2).unwrap(),
            "该职务正被3 名会员、2 条任职记录使用，不能删除"
        );
    }

    #[test]
    fn member_type_input_is_validated_field_by_field() {
        let at = chrono::DateTime::from_timestamp(0, 0).unwrap().naive_utc();
        let bad = MemberTypeInput { name: " ".into(), dues: "-1".into(), ..Default::default() };
        let err = bad.validate(at).unwrap_err();
        let fields: Vec<_> = err.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, vec!["name", "dues"]);
        let good = MemberTypeInput {
            name: "团体会员".into(),
            dues: "1200.5".into(),
            ..Default::default()
        };
        assert_eq!(good.validate(at).unwrap().dues_cents, 120_050);
    }
}
