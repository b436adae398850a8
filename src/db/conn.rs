//! The two-backend connection type.

/// A connection to whichever backend `DATABASE_URL` names.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    /// PostgreSQL.
    Pg(diesel::PgConnection),
    /// SQLite (the default, a file in the data directory).
    Sqlite(diesel::SqliteConnection),
}
