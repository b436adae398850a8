//! What registrants hear when staff move or cancel an event, and what happens to their
//! fees. Both run inside the staff use case's transaction, so the event, the notices
//! and the orders change together or not at all.
//!
//! Decisions: a change of start, end or place of a published event is told to everyone
//! still registered, pending or waiting (a change of title, text or capacity is not: it
//! does not change where anyone has to be). A cancelled event keeps its registrations
//! for the record; each one's order goes through `billing::orders::cancel_for_subject`
//! (unpaid: closed; paid: refunded or kept as the billing setting says), and the notice
//! says which.

use chrono::NaiveDateTime;

use super::model::{self, EventDetails, EventRow};
use super::store;
use crate::billing::orders::{SubjectCancel, cancel_for_subject};
use crate::db::DbConn;
use crate::error::AppError;
use crate::kernel::audit::Actor;
use crate::kernel::clock::display_minutes;
use crate::notices::{Notice, NoticeKind};

/// The sentence about what moved, or `None` when time and place stay.
fn what_changed(before: &EventDetails, after: &EventDetails, tz: chrono_tz::Tz) -> Option<String> {
    let mut parts = Vec::new();
    if before.starts_at != after.starts_at || before.ends_at != after.ends_at {
        parts.push(format!(
            "时间改为 {} 至 {}",
            display_minutes(after.starts_at, tz),
            display_minutes(after.ends_at, tz)
        ));
    }
    if before.place != after.place {
        parts.push(format!("地点改为 {}", after.place));
    }
    (!parts.is_empty()).then(|| parts.join("，"))
}

/// Tells every active registrant of a published event that its time or place changed.
/// Returns how many were told.
pub(crate) fn tell_of_change(
    conn: &mut DbConn,
    at: NaiveDateTime,
    before: &EventRow,
    after: &EventRow,
    tz: chrono_tz::Tz,
) -> Result<usize, AppError> {
    if after.status != model::status::PUBLISHED {
        return Ok(0);
    }
    let Some(change) = what_changed(before, after, tz) else { return Ok(0) };
    let registrations = store::active_registrations(conn, after.id)?;
    for r in &registrations {
        let notice = Notice {
            kind: NoticeKind::EventChanged,
            body: format!("您报名的活动「{}」{change}", after.title),
            payload: serde_json::json!({
                "event_id": after.id,
                "event_title": after.title,
                "starts_at": display_minutes(after.starts_at, tz),
                "place": after.place,
            }),
        };
        crate::notices::send(conn, at, r.user_id, &notice)?;
    }
    Ok(registrations.len())
}

/// Settles the orders of a cancelled event's active registrations and tells each
/// registrant. Returns how many were told.
pub(crate) fn settle_cancelled(
    conn: &mut DbConn,
    at: NaiveDateTime,
    actor: Actor,
    event: &EventRow,
) -> Result<usize, AppError> {
    let registrations = store::active_registrations(conn, event.id)?;
    for r in &registrations {
        let fee = match r.order_id {
            Some(order_id) => cancel_for_subject(conn, at, actor, order_id)?,
            None => SubjectCancel::Nothing,
        };
        let tail = match fee {
            SubjectCancel::Refunding => "，已缴费用将原路退回",
            SubjectCancel::Kept => "，已缴费用的处理请联系协会",
            SubjectCancel::Cancelled => "，待支付的订单已关闭",
            SubjectCancel::Nothing => "",
        };
        let notice = Notice {
            kind: NoticeKind::EventCancelled,
            body: format!("很抱歉，您报名的活动「{}」已取消{tail}", event.title),
            payload: serde_json::json!({"event_id": event.id, "event_title": event.title}),
        };
        crate::notices::send(conn, at, r.user_id, &notice)?;
    }
    Ok(registrations.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, NaiveDate};

    fn event(place: &str, hour: u32) -> EventDetails {
        let mut e = crate::events::model::tests::input();
        e.place = place.into();
        e.starts_at =
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(hour, 0, 0).unwrap();
        e.ends_at = e.starts_at + Duration::hours(2);
        e
    }

    #[test]
    fn only_time_and_place_are_news() {
        let tz = chrono_tz::Asia::Shanghai;
        assert_eq!(what_changed(&event("A", 1), &event("A", 1), tz), None);
        assert_eq!(
            what_changed(&event("A", 1), &event("B 厅", 2), tz).as_deref(),
            Some("时间改为 2026-12-01 10:00 至 2026-12-01 12:00，地点改为 B 厅")
        );
        let mut renamed = event("A", 1);
        renamed.title = "新名字".into();
        renamed.capacity += 10;
        assert_eq!(what_changed(&event("A", 1), &renamed, tz), None);
    }
}
