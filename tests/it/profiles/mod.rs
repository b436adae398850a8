//! Profiles (issue 10): public media links, the member profile and directory, the
//! privacy crawl, enterprises and staff editing — on SQLite, or PostgreSQL with
//! `TEST_DATABASE_URL`.

mod directory;
mod enterprises;
mod media;
mod privacy;

pub use crate::reviewed::{get, member, send, upload};
