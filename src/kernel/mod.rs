//! Pieces every context uses: clock, audit log, outbox, media pipeline, QR codes,
//! tokens and association settings.

pub mod audit;
pub mod audit_actions;
pub mod blocking;
pub mod clock;
pub mod font;
pub mod gate;
pub mod media;
pub mod money;
pub mod outbox;
pub mod page;
pub mod phone;
pub mod qr;
pub mod rate_limit;
pub mod review;
pub mod revisions;
pub mod rich_text;
pub mod search;
pub mod settings;
pub mod shared_limit;
pub mod tokens;
pub mod xlsx;
