//! Integration tests: the real server over HTTP, on SQLite or (with
//! `TEST_DATABASE_URL`) PostgreSQL.
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod audit_log;
mod billing;
mod cli;
mod content;
mod errors;
mod events;
mod events_changes;
mod events_lottery;
mod events_scans;
mod events_web;
mod home;
mod learning;
mod lottery_mine;
mod marketplace;
mod me;
mod media_s3;
mod membership;
mod notices;
mod notify;
mod ops;
mod outbox;
mod profiles;
mod races;
mod reviewed;
mod robustness;
mod route_walk;
mod scale;
mod schema_drift;
mod search;
mod sign_in;
mod sms_limits;
mod staff_admin;
mod support;
mod surveys;
mod surveys_results;
mod surveys_web;
mod tokens;
mod uploads;
mod workbench_auth;
