//! Importing members from .xlsx: every row is checked first and a report lists each
//! problem (row, column, why); nothing is written when any row fails. Members whose
//! phone is already on the roll are reported and, when the staff ask for it, skipped.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;

use super::applications::load_catalogue;
use super::catalog::Catalogue;
use super::excel::{Column, SheetRow, read_sheet};
use super::model::{MemberDetails, status, valid_phone};
use super::store::{import, members::NewMemberRow};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::audit::{Actor, AuditEntry};
use crate::kernel::clock::SharedClock;
use crate::kernel::xlsx::XlsxLimits;

/// One problem in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowIssue {
    /// Excel row number.
    pub line: usize,
    /// Column header.
    pub column: &'static str,
    /// Why.
    pub message: String,
}

/// Problems listed in a report; the rest are only counted, so a hostile file cannot
/// make a huge answer.
pub const MAX_LISTED: usize = 200;

/// The first [`MAX_LISTED`] issues of a kind (by row) and how many there were.
#[derive(Debug, Clone, Default)]
pub struct Issues {
    /// The listed issues, by row.
    pub listed: Vec<RowIssue>,
    /// All issues, listed or not.
    pub total: usize,
}

impl Issues {
    fn push(&mut self, issue: RowIssue) {
        self.total += 1;
        if self.listed.len() < MAX_LISTED {
            self.listed.push(issue);
        }
    }

    /// True when there is none.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// True when some were only counted.
    pub fn truncated(&self) -> bool {
        self.total > self.listed.len()
    }
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// Members created.
    pub imported: usize,
    /// Rows whose phone is already on the roll (not imported twice).
    pub duplicates: Issues,
    /// Problems; when not empty nothing was imported.
    pub errors: Issues,
}

/// How to treat rows whose phone is already a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duplicates {
    /// Report them as errors (nothing is imported).
    Refuse,
    /// Report them and import the other rows.
    Skip,
}

struct Candidate {
    line: usize,
    number: Option<String>,
    name: String,
    phone: String,
    member_type_id: i64,
    position_id: i64,
    industry_id: Option<i64>,
    company: String,
    title: String,
    status: &'static str,
    joined_at: Option<NaiveDateTime>,
}

fn issue(line: usize, column: Column, message: impl Into<String>) -> RowIssue {
    RowIssue { line, column: column.header(), message: message.into() }
}

fn lookup(names: &HashMap<String, i64>, text: &str) -> Option<i64> {
    names.get(text).copied()
}

fn name_map<'a>(pairs: impl Iterator<Item = (i64, &'a str)>) -> HashMap<String, i64> {
    pairs.map(|(id, name)| (name.to_owned(), id)).collect()
}

/// A status by code or label; blank is active.
fn parse_status(text: &str) -> Option<&'static str> {
    if text.is_empty() {
        return Some(status::ACTIVE);
    }
    status::ALL.into_iter().find(|s| *s == text || status::label(s) == text)
}

/// A join date (`2026-11-24` or `2026/11/24`, midnight in the association's zone) as
/// UTC; blank is `Some(None)` (today), unreadable is `None`.
fn parse_joined(text: &str, tz: chrono_tz::Tz) -> Option<Option<NaiveDateTime>> {
    if text.is_empty() {
        return Some(None);
    }
    let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(text, "%Y/%m/%d"))
        .ok()?;
    let local = date.and_hms_opt(0, 0, 0)?;
    Some(Some(local.and_local_timezone(tz).earliest()?.naive_utc()))
}

/// Checks one row; pushes its problems into `errors`.
fn check_row(
    row: &SheetRow,
    maps: &[HashMap<String, i64>; 3],
    tz: chrono_tz::Tz,
    errors: &mut Issues,
) -> Option<Candidate> {
    let before = errors.total;
    let line = row.line;
    let text = |c: Column| row.get(c).to_owned();
    let name = text(Column::Name);
    if name.is_empty() || name.chars().count() > 50 {
        errors.push(issue(line, Column::Name, "姓名必填，且不超过 50 个字"));
    }
    let phone = text(Column::Phone);
    if !valid_phone(&phone) {
        errors.push(issue(line, Column::Phone, format!("「{phone}」不是 11 位手机号码")));
    }
    let mut pick = |column: Column, map: &HashMap<String, i64>, required: bool| {
        let value = text(column);
        if value.is_empty() && !required {
            return None;
        }
        let found = lookup(map, &value);
        if found.is_none() {
            errors.push(issue(line, column, format!("「{value}」不在系统设置的选项中")));
        }
        found
    };
    let member_type_id = pick(Column::MemberType, &maps[0], true);
    let position_id = pick(Column::Position, &maps[1], true);
    let industry_id = pick(Column::Industry, &maps[2], false);
    let member_status = parse_status(row.get(Column::Status));
    if member_status.is_none() {
        errors.push(issue(line, Column::Status, "状态须为 正常、已过期 或 已退会"));
    }
    let joined_at = parse_joined(row.get(Column::JoinedOn), tz);
    if joined_at.is_none() {
        errors.push(issue(line, Column::JoinedOn, "日期格式应为 2026-11-24"));
    }
    let number = Some(text(Column::Number)).filter(|n| !n.is_empty());
    if number.as_ref().is_some_and(|n| n.chars().count() > 32) {
        errors.push(issue(line, Column::Number, "会员编号过长"));
    }
    let (company, title) = (text(Column::Company), text(Column::Title));
    if company.chars().count() > 100 || title.chars().count() > 50 {
        errors.push(issue(line, Column::Company, "企业名称或职务过长"));
    }
    if errors.total > before {
        return None;
    }
    Some(Candidate {
        line,
        number,
        name,
        phone,
        member_type_id: member_type_id?,
        position_id: position_id?,
        industry_id,
        company,
        title,
        status: member_status?,
        joined_at: joined_at?,
    })
}

/// Checks rows as they stream from the file, and the file's own duplicates (phones
/// and numbers twice). Only the candidates are kept, never the sheet.
struct Checker {
    maps: [HashMap<String, i64>; 3],
    tz: chrono_tz::Tz,
    candidates: Vec<Candidate>,
    errors: Issues,
    phones: HashMap<String, usize>,
    numbers: HashMap<String, usize>,
}

impl Checker {
    fn new(cat: &Catalogue, tz: chrono_tz::Tz) -> Self {
        let maps = [
            name_map(cat.member_types.iter().map(|t| (t.id, t.name.as_str()))),
            name_map(cat.positions.iter().map(|t| (t.id, t.name.as_str()))),
            name_map(
                cat.industries
                    .iter()
                    .flat_map(|t| [(t.id, t.name.as_str()), (t.id, t.code.as_str())]),
            ),
        ];
        Self {
            maps,
            tz,
            candidates: Vec::new(),
            errors: Issues::default(),
            phones: HashMap::new(),
            numbers: HashMap::new(),
        }
    }

    fn push(&mut self, row: &SheetRow) {
        let Some(c) = check_row(row, &self.maps, self.tz, &mut self.errors) else { return };
        if let Some(first) = self.phones.insert(c.phone.clone(), c.line) {
            self.errors.push(issue(c.line, Column::Phone, format!("与第 {first} 行手机号重复")));
        }
        if let Some(n) = &c.number
            && let Some(first) = self.numbers.insert(n.clone(), c.line)
        {
            self.errors.push(issue(c.line, Column::Number, format!("与第 {first} 行会员编号重复")));
        }
        self.candidates.push(c);
    }
}

/// An uploaded .xlsx and the limits to read it under.
#[derive(Debug)]
pub struct ImportFile {
    /// The file.
    pub bytes: Vec<u8>,
    /// Reader limits (from the configuration).
    pub limits: XlsxLimits,
}

/// Imports the members in `file` (an .xlsx in the template's layout).
pub async fn import_members(
    db: &Db,
    clock: &SharedClock,
    tz: chrono_tz::Tz,
    staff_id: i64,
    file: ImportFile,
    duplicates: Duplicates,
) -> Result<ImportReport, AppError> {
    let at = clock.now_naive();
    // Names are matched against the catalogue read first; the file is read and checked
    // on the blocking pool, outside the write lock, keeping only the candidates.
    let cat = db.run(load_catalogue).await?;
    let (candidates, errors) = crate::kernel::blocking::cpu(move || {
        let mut checker = Checker::new(&cat, tz);
        let rows = read_sheet(&file.bytes, &file.limits, |row| checker.push(&row))?;
        if rows == 0 {
            return Err(AppError::field("file", "文件中没有会员数据"));
        }
        Ok((checker.candidates, checker.errors))
    })
    .await?;
    db.write(move |conn| {
        let mut errors = errors;
        let mut report = ImportReport::default();
        let fresh = against_roll(conn, candidates, duplicates, &mut report, &mut errors)?;
        if !errors.is_empty() {
            errors.listed.sort_by_key(|e| e.line);
            report.errors = errors;
            return Ok(report);
        }
        report.imported = write(conn, fresh, at)?;
        let details =
            serde_json::json!({"imported": report.imported, "skipped": report.duplicates.total});
        AuditEntry::new(Actor::Staff(staff_id), "member.import", "members", None)
            .record(conn, at, &details)?;
        Ok(report)
    })
    .await
}

/// Drops rows already on the roll (reported) and checks numbers against the roll.
fn against_roll(
    conn: &mut DbConn,
    candidates: Vec<Candidate>,
    duplicates: Duplicates,
    report: &mut ImportReport,
    errors: &mut Issues,
) -> Result<Vec<(Candidate, Option<i64>)>, AppError> {
    let phones: Vec<String> = candidates.iter().map(|c| c.phone.clone()).collect();
    let users: HashMap<String, (i64, bool)> = import::users_by_phone(conn, &phones)?
        .into_iter()
        .map(|(id, phone, member)| (phone, (id, member)))
        .collect();
    let given: Vec<String> = candidates.iter().filter_map(|c| c.number.clone()).collect();
    let taken: HashSet<String> = import::existing_numbers(conn, &given)?.into_iter().collect();
    let mut fresh = Vec::new();
    for c in candidates {
        let user = users.get(&c.phone).copied();
        if user.is_some_and(|(_, member)| member) {
            let dup =
                issue(c.line, Column::Phone, format!("手机号 {} 已是会员，未重复导入", c.phone));
            match duplicates {
                Duplicates::Skip => report.duplicates.push(dup),
                Duplicates::Refuse => errors.push(dup),
            }
            continue;
        }
        if let Some(n) = c.number.as_ref().filter(|n| taken.contains(*n)) {
            errors.push(issue(c.line, Column::Number, format!("会员编号 {n} 已被使用")));
            continue;
        }
        fresh.push((c, user.map(|(id, _)| id)));
    }
    Ok(fresh)
}

/// Creates the users that do not exist yet and the members; returns how many.
fn write(
    conn: &mut DbConn,
    fresh: Vec<(Candidate, Option<i64>)>,
    at: NaiveDateTime,
) -> Result<usize, AppError> {
    let new_people: Vec<(String, String)> = fresh
        .iter()
        .filter(|(_, user)| user.is_none())
        .map(|(c, _)| (c.name.clone(), c.phone.clone()))
        .collect();
    let created: HashMap<String, i64> =
        import::insert_users(conn, &new_people, at)?.into_iter().map(|(id, p)| (p, id)).collect();
    let blanks = fresh.iter().filter(|(c, _)| c.number.is_none()).count();
    let given: HashSet<String> = fresh.iter().filter_map(|(c, _)| c.number.clone()).collect();
    let mut numbers = super::numbering::allocate_numbers(conn, blanks, &given)?.into_iter();
    let mut rows = Vec::with_capacity(fresh.len());
    for (c, user) in fresh {
        let user_id = user.or_else(|| created.get(&c.phone).copied()).ok_or_else(|| {
            AppError::internal(anyhow::anyhow!("user for row {} was not created", c.line))
        })?;
        let member_number = match c.number {
            Some(n) => n,
            None => numbers.next().unwrap_or_default(),
        };
        rows.push(NewMemberRow {
            user_id,
            member_number,
            status: c.status.into(),
            details: MemberDetails {
                name: c.name,
                member_type_id: c.member_type_id,
                position_id: c.position_id,
                industry_id: c.industry_id,
                company: c.company,
                title: c.title,
            },
            joined_at: c.joined_at.unwrap_or(at),
            created_at: at,
            updated_at: at,
        });
    }
    import::insert_members(conn, &rows, at)?;
    Ok(rows.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_dates_read_as_staff_type_them() {
        assert_eq!(parse_status(""), Some(status::ACTIVE));
        assert_eq!(parse_status("已退会"), Some(status::RESIGNED));
        assert_eq!(parse_status("expired"), Some(status::EXPIRED));
        assert_eq!(parse_status("休眠"), None);
        let tz = chrono_tz::Asia::Shanghai;
        assert_eq!(parse_joined("", tz), Some(None));
        let at = parse_joined("2026/11/24", tz).unwrap().unwrap();
        assert_eq!(at.to_string(), "2026-11-23 16:00:00");
        assert_eq!(parse_joined("24.11.2026", tz), None);
    }
}
