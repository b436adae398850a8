//! Enrolment: the published courses a user may see, enrolling (free: at once; paid: an
//! order through billing, enrolled when billing records its payment), and 我的学习.

use chrono::NaiveDateTime;
use diesel::Connection as _;

use super::courses::{self, CourseDetail};
use super::model::{CourseRow, EnrolmentRow, audience, enrolment, status};
use super::store::{self, NewEnrolment};
use super::study_store;
use super::views::{CertificateLinks, CourseView, EnrolmentView, MyCourseView};
use crate::billing::{self, NewOrder, OrderKind, OrderRow};
use crate::db::{Db, DbConn, is_unique_violation};
use crate::error::AppError;
use crate::kernel::audit::Actor;
use crate::kernel::clock::SharedClock;
use crate::kernel::media::MediaLinks;

fn conflict(code: &'static str, message: &str) -> AppError {
    AppError::Conflict { code, message: message.into() }
}

/// A published course, else 404.
pub fn published(conn: &mut DbConn, id: i64) -> Result<CourseRow, AppError> {
    store::course(conn, id)?
        .filter(|c| c.status == status::PUBLISHED)
        .ok_or_else(|| AppError::not_found("课程"))
}

fn progress_tuples(
    conn: &mut DbConn,
    e: Option<&EnrolmentRow>,
) -> Result<Vec<(i64, i32, bool)>, AppError> {
    let Some(e) = e else { return Ok(Vec::new()) };
    let rows = study_store::progress_of(conn, e.id)?;
    Ok(rows.iter().map(|p| (p.lesson_id, p.counted_seconds, p.completed_at.is_some())).collect())
}

fn user_view(
    conn: &mut DbConn,
    links: &MediaLinks,
    d: &CourseDetail,
    user_id: i64,
) -> Result<CourseView, AppError> {
    let mine = store::enrolment_of(conn, d.course.id, user_id)?
        .filter(|e| e.status != enrolment::CANCELLED);
    let progress = progress_tuples(conn, mine.as_ref())?;
    Ok(CourseView::build(d, links, &progress, mine.map(|e| e.status)))
}

/// Published courses, newest first, with the caller's enrolment state.
pub async fn published_courses(
    db: &Db,
    links: MediaLinks,
    user_id: i64,
) -> Result<Vec<CourseView>, AppError> {
    db.run(move |conn| {
        let (rows, _) = store::courses_page(conn, Some(status::PUBLISHED), 0, 200)?;
        rows.iter()
            .map(|c| {
                let d = courses::detail_in(conn, c.id)?;
                user_view(conn, &links, &d, user_id)
            })
            .collect()
    })
    .await
}

/// One published course with the caller's progress per lesson.
pub async fn course_for_user(
    db: &Db,
    links: MediaLinks,
    user_id: i64,
    id: i64,
) -> Result<CourseView, AppError> {
    db.run(move |conn| {
        published(conn, id)?;
        let d = courses::detail_in(conn, id)?;
        user_view(conn, &links, &d, user_id)
    })
    .await
}

fn learner_name(
    conn: &mut DbConn,
    user_id: i64,
    given: Option<String>,
) -> Result<String, AppError> {
    let given = given.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if let Some(name) = given {
        if name.chars().count() > 20 {
            return Err(AppError::field("real_name", "姓名不能超过 20 字"));
        }
        return Ok(name);
    }
    match crate::membership::member_of_user(conn, user_id)? {
        Some(m) if !m.name.trim().is_empty() => Ok(m.name),
        _ => Err(AppError::field("real_name", "请填写真实姓名（将印在结业证书上）")),
    }
}

/// Enrols `user_id` in course `course_id`: free at once; paid with an order (answered
/// again while it is unpaid). Returns the enrolment and whether it was created now.
pub async fn enrol(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    course_id: i64,
    real_name: Option<String>,
) -> Result<(EnrolmentView, bool), AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let course = store::lock_course(conn, course_id)?
            .filter(|c| c.status == status::PUBLISHED)
            .ok_or_else(|| AppError::not_found("课程"))?;
        let member = crate::membership::is_active_member(conn, user_id)?;
        if course.audience == audience::MEMBERS && !member {
            return Err(AppError::Refused {
                code: "members_only",
                message: "本课程仅限会员报名".into(),
            });
        }
        let existing = store::enrolment_of(conn, course_id, user_id)?;
        if let Some(e) = &existing {
            match e.status.as_str() {
                enrolment::ACTIVE => return Err(conflict("already_enrolled", "您已报名本课程")),
                enrolment::AWAITING_PAYMENT => {
                    return awaiting(conn, at, &course, e).map(|v| (v, false));
                }
                _ => {}
            }
        }
        if !course.enrolment_open(at) {
            return Err(conflict("enrolment_closed", "不在报名时间内"));
        }
        let name = learner_name(conn, user_id, real_name)?;
        let price = course.price_for(member);
        let to = if price > 0 { enrolment::AWAITING_PAYMENT } else { enrolment::ACTIVE };
        let id = match existing {
            Some(old) => {
                store::renew(conn, old.id, to, price, &name, at)?;
                old.id
            }
            None => {
                let new = NewEnrolment {
                    course_id,
                    user_id,
                    status: to,
                    learner_name: &name,
                    price_cents: price,
                    enrolled_at: (price == 0).then_some(at),
                    created_at: at,
                    updated_at: at,
                };
                match conn.transaction(|c| store::insert_enrolment(c, &new)) {
                    Ok(row) => row.id,
                    Err(e) if is_unique_violation(&e) => {
                        return Err(conflict("already_enrolled", "您已报名本课程"));
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        };
        if price > 0 {
            charge(conn, at, &course, id, user_id, price)?;
        }
        let row = store::lock_enrolment(conn, id)?.ok_or_else(|| AppError::not_found("报名"))?;
        let details = serde_json::json!({"course_id": course_id, "price_cents": price});
        super::audit(
            conn,
            at,
            Actor::User(user_id),
            "course.enrol",
            ("course_enrolments", id),
            &details,
        )?;
        Ok((EnrolmentView::of(&row), true))
    })
    .await
}

/// An enrolment waiting for payment: its order, or a new one when that was cancelled.
fn awaiting(
    conn: &mut DbConn,
    at: NaiveDateTime,
    course: &CourseRow,
    e: &EnrolmentRow,
) -> Result<EnrolmentView, AppError> {
    let open = match e.order_id {
        Some(id) => {
            billing::order(conn, id)?.is_some_and(|o| o.status == billing::model::status::UNPAID)
        }
        None => false,
    };
    if !open {
        if !course.enrolment_open(at) {
            return Err(conflict("enrolment_closed", "不在报名时间内"));
        }
        charge(conn, at, course, e.id, e.user_id, e.price_cents)?;
    }
    let row = store::lock_enrolment(conn, e.id)?.ok_or_else(|| AppError::not_found("报名"))?;
    Ok(EnrolmentView::of(&row))
}

/// Creates the course fee's order for enrolment `id` and links it. The key is new per
/// attempt (an unpaid order is answered again above, under the course's lock).
fn charge(
    conn: &mut DbConn,
    at: NaiveDateTime,
    course: &CourseRow,
    id: i64,
    user_id: i64,
    price: i64,
) -> Result<OrderRow, AppError> {
    let order = billing::create_order(
        conn,
        at,
        Actor::User(user_id),
        &NewOrder {
            user_id,
            kind: OrderKind::CourseFee,
            title: format!("课程报名费：{}", course.title),
            amount_cents: price,
            subject: Some(("course_enrolments", id)),
            period: None,
            dedupe_key: Some(format!("course_enrolment:{id}:{}", at.and_utc().timestamp_micros())),
        },
    )?;
    store::set_order(conn, id, order.id)?;
    Ok(order)
}

/// Inside billing's payment transaction: the enrolment the order pays for becomes
/// active (once: compare-and-set from awaiting payment).
pub(crate) fn order_paid(
    conn: &mut DbConn,
    at: NaiveDateTime,
    order: &OrderRow,
) -> Result<(), AppError> {
    let Some(e) = store::enrolment_of_order(conn, order.id)? else { return Ok(()) };
    if store::set_enrolment_status(conn, e.id, enrolment::AWAITING_PAYMENT, enrolment::ACTIVE, at)?
        == 1
    {
        let details = serde_json::json!({"order_id": order.id});
        super::audit(
            conn,
            at,
            Actor::System,
            "course.enrol_paid",
            ("course_enrolments", e.id),
            &details,
        )?;
    }
    Ok(())
}

/// Inside billing's refund transaction: the enrolment the order paid for is cancelled
/// (compare-and-set from active) and its open study session closed.
pub(crate) fn order_refunded(
    conn: &mut DbConn,
    at: NaiveDateTime,
    order: &OrderRow,
) -> Result<(), AppError> {
    let Some(e) = store::enrolment_of_order(conn, order.id)? else { return Ok(()) };
    if store::set_enrolment_status(conn, e.id, enrolment::ACTIVE, enrolment::CANCELLED, at)? == 1 {
        study_store::close_open_of_user(
            conn,
            e.user_id,
            super::study_model::close_reason::CLOSED,
            at,
        )?;
        let details = serde_json::json!({"order_id": order.id});
        let subject = ("course_enrolments", e.id);
        super::audit(conn, at, Actor::System, "course.enrol_refunded", subject, &details)?;
    }
    Ok(())
}

/// 我的学习: the user's enrolments with progress, score and certificate.
pub async fn my_courses(
    db: &Db,
    links: MediaLinks,
    base_url: String,
    user_id: i64,
) -> Result<Vec<MyCourseView>, AppError> {
    db.run(move |conn| {
        let rows = store::enrolments_of_user(conn, user_id)?;
        let mut out = Vec::with_capacity(rows.len());
        for e in rows {
            let d = courses::detail_in(conn, e.course_id)?;
            let total = i64::try_from(d.lessons.len()).unwrap_or(0);
            let cert = study_store::certificate_of(conn, e.id)?;
            out.push(MyCourseView {
                title: d.course.title.clone(),
                cover: d.course.cover_file_id.map(|f| links.urls(f)),
                completed_lessons: e.completed_lessons,
                total_lessons: total,
                progress_percent: super::model::progress_percent(
                    i64::from(e.completed_lessons),
                    total,
                ),
                score: e.score,
                pass_score: d.course.pass_score,
                passed: e.passed_at.is_some(),
                passed_at: e.passed_at,
                certificate: cert.map(|c| CertificateLinks::new(&base_url, &c.number, &c.code)),
                enrolment: EnrolmentView::of(&e),
            });
        }
        Ok(out)
    })
    .await
}
