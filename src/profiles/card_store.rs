//! Queries of `card_styles`, `cards` and `card_views`.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::Error;

use crate::db::DbConn;
use crate::db::schema::{card_styles, card_views, cards};

/// A style of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = card_styles)]
pub struct StyleRow {
    /// Id.
    pub id: i64,
    /// `layout` or `background`.
    pub kind: String,
    /// Built-in key, or `image`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Built in (cannot be removed, only disabled).
    pub builtin: bool,
    /// Built-in background colours.
    pub colors: String,
    /// Uploaded background image.
    pub image_file_id: Option<i64>,
    /// Members may choose it.
    pub enabled: bool,
    /// Order (ascending).
    pub sort_order: i32,
}

/// A new uploaded background.
#[derive(Debug, Insertable)]
#[diesel(table_name = card_styles)]
pub struct NewStyle<'a> {
    /// `background`.
    pub kind: &'a str,
    /// `image`.
    pub code: &'a str,
    /// Name.
    pub name: &'a str,
    /// false.
    pub builtin: bool,
    /// ''.
    pub colors: &'a str,
    /// The image.
    pub image_file_id: Option<i64>,
    /// Enabled.
    pub enabled: bool,
    /// Order.
    pub sort_order: i32,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// A member's card.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cards)]
pub struct CardRow {
    /// Id.
    pub id: i64,
    /// The member.
    pub user_id: i64,
    /// Layout.
    pub layout_id: i64,
    /// Background.
    pub background_id: i64,
    /// Choices (JSON).
    pub fields: String,
    /// Share slug while shared.
    pub slug: Option<String>,
    /// Last (re)shared.
    pub shared_at: Option<NaiveDateTime>,
    /// Last saved.
    pub updated_at: NaiveDateTime,
}

/// Every style, layouts first, each in order.
pub fn styles(conn: &mut DbConn) -> Result<Vec<StyleRow>, Error> {
    card_styles::table
        .order((card_styles::kind.desc(), card_styles::sort_order.asc(), card_styles::id.asc()))
        .select(StyleRow::as_select())
        .load(conn)
}

/// Every style, locked on PostgreSQL (SQLite's write transaction already serialises).
pub fn lock_styles(conn: &mut DbConn) -> Result<Vec<StyleRow>, Error> {
    let order = card_styles::id.asc();
    match conn {
        DbConn::Pg(c) => {
            card_styles::table.order(order).select(StyleRow::as_select()).for_update().load(c)
        }
        DbConn::Sqlite(c) => card_styles::table.order(order).select(StyleRow::as_select()).load(c),
    }
}

/// One style.
pub fn style(conn: &mut DbConn, id: i64) -> Result<Option<StyleRow>, Error> {
    card_styles::table.find(id).select(StyleRow::as_select()).first(conn).optional()
}

/// Sets a style's name, enabled flag and order.
pub fn update_style(
    conn: &mut DbConn,
    id: i64,
    name: &str,
    enabled: bool,
    sort_order: i32,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(card_styles::table.find(id))
        .set((
            card_styles::name.eq(name),
            card_styles::enabled.eq(enabled),
            card_styles::sort_order.eq(sort_order),
            card_styles::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Adds a style; returns its id.
pub fn insert_style(conn: &mut DbConn, new: &NewStyle<'_>) -> Result<i64, Error> {
    diesel::insert_into(card_styles::table).values(new).returning(card_styles::id).get_result(conn)
}

/// The card of `user_id`.
pub fn card_of(conn: &mut DbConn, user_id: i64) -> Result<Option<CardRow>, Error> {
    cards::table
        .filter(cards::user_id.eq(user_id))
        .select(CardRow::as_select())
        .first(conn)
        .optional()
}

/// The card shared under `slug`.
pub fn card_by_slug(conn: &mut DbConn, slug: &str) -> Result<Option<CardRow>, Error> {
    cards::table.filter(cards::slug.eq(slug)).select(CardRow::as_select()).first(conn).optional()
}

/// Creates the card of `user_id` (the caller holds the member row's lock).
pub fn insert_card(
    conn: &mut DbConn,
    user_id: i64,
    layout_id: i64,
    background_id: i64,
    fields: &str,
    at: NaiveDateTime,
) -> Result<(), Error> {
    diesel::insert_into(cards::table)
        .values((
            cards::user_id.eq(user_id),
            cards::layout_id.eq(layout_id),
            cards::background_id.eq(background_id),
            cards::fields.eq(fields),
            cards::created_at.eq(at),
            cards::updated_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

/// Saves the choices of card `id`.
pub fn update_card(
    conn: &mut DbConn,
    id: i64,
    layout_id: i64,
    background_id: i64,
    fields: &str,
    at: NaiveDateTime,
) -> Result<(), Error> {
    diesel::update(cards::table.find(id))
        .set((
            cards::layout_id.eq(layout_id),
            cards::background_id.eq(background_id),
            cards::fields.eq(fields),
            cards::updated_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

/// Sets (share) or clears (unshare) the slug of card `id`.
pub fn set_slug(
    conn: &mut DbConn,
    id: i64,
    slug: Option<&str>,
    at: NaiveDateTime,
) -> Result<(), Error> {
    let shared_at = slug.map(|_| at);
    diesel::update(cards::table.find(id))
        .set((cards::slug.eq(slug), cards::shared_at.eq(shared_at), cards::updated_at.eq(at)))
        .execute(conn)
        .map(drop)
}

/// Records one view unless this viewer was counted today (the unique index decides,
/// inside a savepoint so a lost race is an answer); true when counted now.
pub fn record_view(
    conn: &mut DbConn,
    card_id: i64,
    viewer_key: &str,
    viewer_user_id: Option<i64>,
    day: NaiveDate,
    at: NaiveDateTime,
) -> Result<bool, Error> {
    let inserted = conn.transaction(|c| {
        diesel::insert_into(card_views::table)
            .values((
                card_views::card_id.eq(card_id),
                card_views::viewer_key.eq(viewer_key),
                card_views::viewer_user_id.eq(viewer_user_id),
                card_views::day.eq(day),
                card_views::viewed_at.eq(at),
            ))
            .execute(c)
    });
    match inserted {
        Ok(_) => Ok(true),
        Err(Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// Counted views of card `id` (all time, and on `day`).
pub fn view_counts(conn: &mut DbConn, id: i64, day: NaiveDate) -> Result<(i64, i64), Error> {
    let total = card_views::table.filter(card_views::card_id.eq(id)).count().get_result(conn)?;
    let today = card_views::table
        .filter(card_views::card_id.eq(id))
        .filter(card_views::day.eq(day))
        .count()
        .get_result(conn)?;
    Ok((total, today))
}

/// The latest views of card `id` by signed-in users: (user id, when), newest first.
pub fn recent_signed_in(
    conn: &mut DbConn,
    id: i64,
    limit: i64,
) -> Result<Vec<(i64, NaiveDateTime)>, Error> {
    card_views::table
        .filter(card_views::card_id.eq(id))
        .filter(card_views::viewer_user_id.is_not_null())
        .order((card_views::viewed_at.desc(), card_views::id.desc()))
        .select((card_views::viewer_user_id.assume_not_null(), card_views::viewed_at))
        .limit(limit)
        .load(conn)
}
