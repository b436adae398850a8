//! Fresh PostgreSQL databases for tests (`TEST_DATABASE_URL`), dropped afterwards.

use diesel::RunQueryDsl as _;
use guildhall::kernel::tokens::random_token;

/// A PostgreSQL database made for one test, dropped afterwards.
pub(super) struct PgDatabase {
    pub(super) admin_url: String,
    pub(super) name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = guildhall::db::establish_pg(&self.admin_url) {
            let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
            let _ = diesel::sql_query(sql).execute(&mut conn);
        }
    }
}

/// A fresh, empty PostgreSQL database (dropped with the value), when
/// `TEST_DATABASE_URL` is set.
pub struct FreshPg {
    _db: PgDatabase,
    /// Its URL.
    pub url: String,
}

/// A fresh PostgreSQL database, or `None` on SQLite runs.
pub fn fresh_pg() -> Option<FreshPg> {
    let admin = test_database_url()?;
    let db = fresh_pg_database(&admin);
    let url = with_database(&admin, &db.name);
    Some(FreshPg { _db: db, url })
}

/// Which database tests run against.
pub fn test_database_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.trim().is_empty())
}

pub(super) fn fresh_pg_database(admin_url: &str) -> PgDatabase {
    let name = format!("gh_test_{}", random_token(9).to_lowercase().replace(['-', '_'], "x"));
    let mut conn = guildhall::db::establish_pg(admin_url)
        .unwrap_or_else(|e| panic!("TEST_DATABASE_URL is set but PostgreSQL is unreachable: {e}"));
    diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
        .execute(&mut conn)
        .expect("create database");
    PgDatabase { admin_url: admin_url.to_owned(), name }
}

pub(super) fn with_database(admin_url: &str, name: &str) -> String {
    let mut url = url::Url::parse(admin_url).expect("TEST_DATABASE_URL is a URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}
