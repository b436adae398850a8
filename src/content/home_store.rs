//! Queries of `home_banners`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::Error;

use crate::db::DbConn;
use crate::db::schema::home_banners;

/// What staff set on a banner.
#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset, Queryable, Selectable)]
#[diesel(table_name = home_banners, treat_none_as_null = true)]
pub struct BannerFields {
    /// The picture.
    pub image_file_id: i64,
    /// Caption (optional).
    pub title: String,
    /// `article`, `event`, `course` or `url`.
    pub target_kind: String,
    /// Article, event or course id.
    pub target_id: Option<i64>,
    /// Target `url`: an https address or a mini-program page path.
    pub target_url: String,
    /// Ascending.
    pub sort_order: i32,
}

/// A stored banner.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = home_banners)]
pub struct BannerRow {
    /// Id.
    pub id: i64,
    /// What staff set.
    #[diesel(embed)]
    pub fields: BannerFields,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// Every banner in staff's order.
pub fn banners(conn: &mut DbConn) -> Result<Vec<BannerRow>, Error> {
    home_banners::table
        .order((home_banners::sort_order.asc(), home_banners::id.asc()))
        .select(BannerRow::as_select())
        .load(conn)
}

/// Adds a banner.
pub fn insert(conn: &mut DbConn, f: &BannerFields, at: NaiveDateTime) -> Result<usize, Error> {
    diesel::insert_into(home_banners::table)
        .values((f, home_banners::created_at.eq(at), home_banners::updated_at.eq(at)))
        .execute(conn)
}

/// Moves banner `id` in the order.
pub fn set_order(
    conn: &mut DbConn,
    id: i64,
    sort_order: i32,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(home_banners::table.find(id))
        .set((home_banners::sort_order.eq(sort_order), home_banners::updated_at.eq(at)))
        .execute(conn)
}

/// Removes banner `id`.
pub fn delete(conn: &mut DbConn, id: i64) -> Result<usize, Error> {
    diesel::delete(home_banners::table.find(id)).execute(conn)
}
