//! Guildhall: the server behind a business association's WeChat mini-program and its
//! staff workbench. See `SPEC.md` for what it does and `DESIGN.md` for its shape.

pub mod accounts;
pub mod api;
pub mod app;
pub mod billing;
pub mod commands;
pub mod config;
pub mod content;
pub mod db;
pub mod error;
pub mod events;
pub mod http;
pub mod kernel;
pub mod learning;
pub mod marketplace;
pub mod membership;
pub mod notices;
pub mod notify;
pub mod profiles;
pub mod public;
pub mod surveys;
pub mod telemetry;
pub mod web;
pub mod workbench;
