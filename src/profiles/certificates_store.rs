//! Queries of `certificates`. Lists of members' certificates show only those of active
//! members: the owner check reads `members.status` in the same query (a documented
//! cross-context read, so lists page in SQL).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::Error;

use super::certificates_model::CertificateRow;
use crate::db::DbConn;
use crate::db::schema::certificates;

type Backend = <DbConn as diesel::Connection>::Backend;

/// A new certificate (not live yet).
#[derive(Debug, Insertable)]
#[diesel(table_name = certificates)]
pub struct NewCertificateRow {
    /// Owner (None: association honour).
    pub owner_user_id: Option<i64>,
    /// Publishing staff.
    pub created_by_staff_id: Option<i64>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// Inserts a certificate.
pub fn insert(conn: &mut DbConn, new: &NewCertificateRow) -> Result<CertificateRow, Error> {
    crate::per_backend!(conn, |c| diesel::insert_into(certificates::table)
        .values(new)
        .returning(CertificateRow::as_returning())
        .get_result(c))
}

/// A certificate that is not deleted.
pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Option<CertificateRow>, Error> {
    certificates::table
        .find(id)
        .filter(certificates::deleted_at.is_null())
        .select(CertificateRow::as_select())
        .first(conn)
        .optional()
}

/// A certificate that is not deleted, row-locked until the transaction ends
/// (PostgreSQL; SQLite's write transaction already serialises).
pub fn lock(conn: &mut DbConn, id: i64) -> Result<Option<CertificateRow>, Error> {
    crate::lock_for_update!(
        conn,
        certificates::table
            .find(id)
            .filter(certificates::deleted_at.is_null())
            .select(CertificateRow::as_select())
    )
}

/// The certificate with verification code `code` (deleted ones too: the page says so).
pub fn by_code(conn: &mut DbConn, code: &str) -> Result<Option<CertificateRow>, Error> {
    certificates::table
        .filter(certificates::verify_code.eq(code))
        .select(CertificateRow::as_select())
        .first(conn)
        .optional()
}

/// Makes a revision live; the verification code is kept once given.
pub fn set_live(
    conn: &mut DbConn,
    id: i64,
    revision_id: i64,
    live: &str,
    title: &str,
    code: &str,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    let target = certificates::table.find(id);
    diesel::update(target)
        .set((
            certificates::live_revision_id.eq(Some(revision_id)),
            certificates::live.eq(live),
            certificates::title.eq(title),
            certificates::updated_at.eq(at),
        ))
        .execute(conn)?;
    diesel::update(target.filter(certificates::verify_code.is_null()))
        .set(certificates::verify_code.eq(Some(code)))
        .execute(conn)
}

/// Marks a certificate deleted.
pub fn mark_deleted(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> Result<usize, Error> {
    diesel::update(certificates::table.find(id).filter(certificates::deleted_at.is_null()))
        .set((certificates::deleted_at.eq(Some(at)), certificates::updated_at.eq(at)))
        .execute(conn)
}

/// Sets the "show on my card" choice.
pub fn set_show_on_card(conn: &mut DbConn, id: i64, show: bool) -> Result<usize, Error> {
    diesel::update(certificates::table.find(id))
        .set(certificates::show_on_card.eq(show))
        .execute(conn)
}

/// Revokes a certificate (once).
pub fn revoke(
    conn: &mut DbConn,
    id: i64,
    reason: &str,
    staff_id: i64,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(certificates::table.find(id).filter(certificates::revoked_at.is_null()))
        .set((
            certificates::revoked_at.eq(Some(at)),
            certificates::revoke_reason.eq(reason),
            certificates::revoked_by_staff_id.eq(Some(staff_id)),
            certificates::updated_at.eq(at),
        ))
        .execute(conn)
}

/// A user's certificates, newest first.
pub fn of_owner(conn: &mut DbConn, user_id: i64) -> Result<Vec<CertificateRow>, Error> {
    certificates::table
        .filter(certificates::owner_user_id.eq(user_id))
        .filter(certificates::deleted_at.is_null())
        .order(certificates::id.desc())
        .select(CertificateRow::as_select())
        .load(conn)
}

/// Whose certificates a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerFilter {
    /// Both.
    Any,
    /// 协会荣誉.
    Association,
    /// 会员荣誉.
    Members,
}

/// Filters of certificate lists.
#[derive(Debug, Clone, Copy)]
pub struct CertificateFilter {
    /// Whose.
    pub owner: OwnerFilter,
    /// Only what the public lists show: live, not revoked, owner active or the association.
    pub public: bool,
    /// Only what this member marked for their card (implies `public`).
    pub card_of: Option<i64>,
}

fn filtered(filter: &CertificateFilter) -> certificates::BoxedQuery<'static, Backend> {
    let mut query = certificates::table.filter(certificates::deleted_at.is_null()).into_boxed();
    query = match filter.owner {
        OwnerFilter::Any => query,
        OwnerFilter::Association => query.filter(certificates::owner_user_id.is_null()),
        OwnerFilter::Members => query.filter(certificates::owner_user_id.is_not_null()),
    };
    if filter.public || filter.card_of.is_some() {
        query = query
            .filter(certificates::live_revision_id.is_not_null())
            .filter(certificates::revoked_at.is_null())
            .filter(
                certificates::owner_user_id
                    .is_null()
                    .or(crate::active_member!(nullable certificates::owner_user_id)),
            );
    }
    if let Some(user) = filter.card_of {
        query = query
            .filter(certificates::owner_user_id.eq(user))
            .filter(certificates::show_on_card.eq(true));
    }
    query
}

/// One page of certificates, newest first.
pub fn page(
    conn: &mut DbConn,
    filter: &CertificateFilter,
    offset: i64,
    limit: i64,
) -> Result<Vec<CertificateRow>, Error> {
    filtered(filter)
        .order(certificates::id.desc())
        .offset(offset)
        .limit(limit)
        .select(CertificateRow::as_select())
        .load(conn)
}

/// How many certificates match.
pub fn count(conn: &mut DbConn, filter: &CertificateFilter) -> Result<i64, Error> {
    filtered(filter).count().get_result(conn)
}
