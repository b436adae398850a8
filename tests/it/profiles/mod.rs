//! Profiles (issue 10): public media links, the member profile and directory, the
//! privacy crawl, enterprises and staff editing — on SQLite, or PostgreSQL with
//! `TEST_DATABASE_URL`.

mod card;
mod directory;
mod enterprise_review;
mod enterprises;
mod media;
mod privacy;
mod staff;

pub use crate::reviewed::{get, member, send, upload};

/// Re-indexes every member for search (after a test changed names or companies with
/// raw SQL, which the owners' use cases would have indexed).
pub async fn reindex_members(app: &crate::support::TestApp) {
    app.state
        .db
        .write(|conn| {
            use diesel::prelude::*;
            use guildhall::db::schema::members;
            let ids: Vec<i64> = members::table.select(members::id).load(conn)?;
            for id in ids {
                guildhall::membership::store::members::reindex(conn, id)?;
            }
            Ok(())
        })
        .await
        .unwrap();
}
