//! The member roll: search and filters, the member detail, and the membership a user
//! holds (for `/api/v1/me`).

use chrono::NaiveDateTime;
use serde::Serialize;

use super::applications::{ApplicationView, load_catalogue};
use super::model::{MemberRow, status};
use super::store::{self, members::MemberFilter};
use crate::db::Db;
use crate::error::AppError;
use crate::kernel::page::{Page, PageRequest};

/// One member on the roll.
#[derive(Debug, Clone)]
pub struct RollItem {
    /// The member.
    pub member: MemberRow,
    /// Phone (private: staff only).
    pub phone: String,
    /// Type name.
    pub member_type: String,
    /// Position name.
    pub position: String,
    /// Industry name.
    pub industry: String,
}

/// A page of the roll.
pub type RollPage = Page<RollItem>;

fn to_item(row: store::members::RollRow) -> RollItem {
    let (member, phone, member_type, position, industry) = row;
    RollItem {
        member,
        phone: phone.unwrap_or_default(),
        member_type,
        position,
        industry: industry.unwrap_or_default(),
    }
}

/// Normalises filters typed by staff (blank → none, unknown status → none).
pub fn member_filter(
    q: Option<&str>,
    member_type_id: Option<i64>,
    position_id: Option<i64>,
    industry_id: Option<i64>,
    member_status: Option<&str>,
) -> MemberFilter {
    MemberFilter {
        q: q.map(str::trim).filter(|q| !q.is_empty()).map(|q| q.chars().take(50).collect()),
        member_type_id,
        position_id,
        industry_id,
        status: member_status.filter(|s| status::ALL.contains(s)).map(str::to_owned),
    }
}

/// One page (1-based) of the roll.
pub async fn roll(db: &Db, filter: MemberFilter, page: i64) -> Result<RollPage, AppError> {
    let last = store::members::ROLL_COUNT_CAP / crate::kernel::page::PAGE_SIZE;
    let want = PageRequest::new(page.min(last));
    db.run(move |conn| {
        let rows = store::members::roll(conn, &filter, want.offset(), Some(want.limit()))?;
        let total = store::members::roll_count(conn, &filter)?;
        Ok(want.answer(rows.into_iter().map(to_item).collect(), total))
    })
    .await
}

/// Members read per query while exporting.
const EXPORT_CHUNK: i64 = 1_000;

/// The roll matching `filter` as .xlsx. It is read in chunks and written in
/// constant-memory mode, so a large roll never sits in memory whole.
pub async fn export_roll(
    db: &Db,
    filter: MemberFilter,
    tz: chrono_tz::Tz,
) -> Result<Vec<u8>, AppError> {
    db.run(move |conn| {
        let mut writer = super::excel::RollWriter::new(tz)?;
        let mut after = 0;
        loop {
            let rows = store::members::roll_after(conn, &filter, after, EXPORT_CHUNK)?;
            let Some(last) = rows.last() else { break };
            after = last.0.id;
            for row in rows {
                writer.push(&to_item(row))?;
            }
        }
        writer.finish()
    })
    .await
}

/// A position held, with dates.
#[derive(Debug, Clone)]
pub struct HeldPosition {
    /// Position name.
    pub name: String,
    /// From (UTC).
    pub started_at: NaiveDateTime,
    /// Until (UTC), open while held.
    pub ended_at: Option<NaiveDateTime>,
}

/// The member detail page's data.
#[derive(Debug, Clone)]
pub struct MemberDetail {
    /// The member with names.
    pub item: RollItem,
    /// Positions held, newest first.
    pub positions: Vec<HeldPosition>,
    /// The user's applications, newest first.
    pub applications: Vec<ApplicationView>,
}

/// The detail of member `id`.
pub async fn member_detail(db: &Db, id: i64) -> Result<MemberDetail, AppError> {
    db.run(move |conn| {
        let member = store::members::by_id(conn, id)?.ok_or_else(|| AppError::not_found("会员"))?;
        let cat = load_catalogue(conn)?;
        let phone = crate::accounts::find_user(conn, member.user_id)?.and_then(|u| u.phone);
        let name_of = |id: i64, list: &[(i64, String)]| {
            list.iter().find(|(i, _)| *i == id).map(|(_, n)| n.clone()).unwrap_or_default()
        };
        let types: Vec<_> = cat.member_types.iter().map(|t| (t.id, t.name.clone())).collect();
        let positions: Vec<_> = cat.positions.iter().map(|t| (t.id, t.name.clone())).collect();
        let industries: Vec<_> = cat.industries.iter().map(|t| (t.id, t.name.clone())).collect();
        let held = store::members::position_history(conn, id)?
            .into_iter()
            .map(|(row, name)| HeldPosition {
                name,
                started_at: row.started_at,
                ended_at: row.ended_at,
            })
            .collect();
        let applications = store::applications::for_user(conn, member.user_id)?
            .into_iter()
            .map(|r| ApplicationView::new(r, &cat))
            .collect();
        let item = RollItem {
            phone: phone.unwrap_or_default(),
            member_type: name_of(member.member_type_id, &types),
            position: name_of(member.position_id, &positions),
            industry: member.industry_id.map(|i| name_of(i, &industries)).unwrap_or_default(),
            member,
        };
        Ok(MemberDetail { item, positions: held, applications })
    })
    .await
}

/// A catalogue entry as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NamedRef {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
}

/// A member's position and what it allows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PositionView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// May review from the mini-program.
    pub can_review: bool,
    /// May see members' contact details.
    pub can_view_contacts: bool,
    /// May read members-only content.
    pub can_read_members_only: bool,
}

/// The membership a user holds, for the member centre.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MembershipView {
    /// e.g. HY00012.
    pub member_number: String,
    /// `active`, `expired`, `resigned`.
    pub status: String,
    /// 正常 / 已过期 / 已退会.
    pub status_label: String,
    /// Member type.
    pub member_type: NamedRef,
    /// Current position and its permissions.
    pub position: PositionView,
    /// Industry.
    pub industry: Option<NamedRef>,
    /// Company.
    pub company: String,
    /// Title in the company.
    pub title: String,
    /// When the membership began (UTC).
    #[serde(serialize_with = "crate::kernel::clock::serialize_utc")]
    pub joined_at: NaiveDateTime,
    /// When it ended (UTC), for former members.
    #[serde(serialize_with = "crate::kernel::clock::serialize_utc_opt")]
    pub ended_at: Option<NaiveDateTime>,
}

/// The membership `user_id` holds or held; `None` for visitors.
pub async fn membership_of(db: &Db, user_id: i64) -> Result<Option<MembershipView>, AppError> {
    db.run(move |conn| {
        let Some(m) = store::members::by_user(conn, user_id)? else { return Ok(None) };
        let cat = load_catalogue(conn)?;
        let member_type = cat
            .member_types
            .iter()
            .find(|t| t.id == m.member_type_id)
            .map(|t| NamedRef { id: t.id, name: t.name.clone() })
            .ok_or_else(|| {
                AppError::internal(anyhow::anyhow!("member type {} missing", m.member_type_id))
            })?;
        let position = cat
            .positions
            .iter()
            .find(|p| p.id == m.position_id)
            .map(|p| PositionView {
                id: p.id,
                name: p.name.clone(),
                can_review: p.can_review,
                can_view_contacts: p.can_view_contacts,
                can_read_members_only: p.can_read_members_only,
            })
            .ok_or_else(|| {
                AppError::internal(anyhow::anyhow!("position {} missing", m.position_id))
            })?;
        let industry = m.industry_id.and_then(|id| {
            cat.industries
                .iter()
                .find(|i| i.id == id)
                .map(|i| NamedRef { id: i.id, name: i.name.clone() })
        });
        Ok(Some(MembershipView {
            status_label: status::label(&m.status).into(),
            member_number: m.member_number,
            status: m.status,
            member_type,
            position,
            industry,
            company: m.details.company,
            title: m.details.title,
            joined_at: m.joined_at,
            ended_at: m.ended_at,
        }))
    })
    .await
}
