//! Learning platform (学习平台): courses and their lessons (staff), enrolment (free at
//! once, paid through a billing order and enrolled when it is paid), study time measured
//! by the server from heartbeats of one open session per user, progress and score, and
//! the completion certificate issued once when the score reaches the pass score.

pub mod certificate_png;
pub mod certificates;
pub mod courses;
pub mod enrol;
pub mod layout;
pub mod model;
pub mod store;
pub mod study;
pub mod study_model;
pub mod study_store;
pub mod views;

use chrono::NaiveDateTime;

use crate::billing::{OrderKind, OrderRow};
use crate::db::DbConn;
use crate::error::AppError;
use crate::kernel::audit::{Actor, AuditEntry};

/// Writes an audit row about a course, lesson or enrolment.
pub(crate) fn audit(
    conn: &mut DbConn,
    at: NaiveDateTime,
    actor: Actor,
    action: &str,
    subject: (&str, i64),
    details: &serde_json::Value,
) -> Result<(), AppError> {
    AuditEntry::new(actor, action, subject.0, subject.1).record(conn, at, details)
}

/// Inside billing's payment transaction: a paid course fee enrols its learner.
pub fn on_order_paid(
    conn: &mut DbConn,
    at: NaiveDateTime,
    order: &OrderRow,
) -> Result<(), AppError> {
    if order.kind != OrderKind::CourseFee.as_str() {
        return Ok(());
    }
    enrol::order_paid(conn, at, order)
}

/// Inside billing's refund transaction: a course fee refunded in full ends the
/// enrolment (no more study; a certificate already issued stays).
pub fn on_order_refunded(
    conn: &mut DbConn,
    at: NaiveDateTime,
    order: &OrderRow,
) -> Result<(), AppError> {
    if order.kind != OrderKind::CourseFee.as_str() {
        return Ok(());
    }
    enrol::order_refunded(conn, at, order)
}
