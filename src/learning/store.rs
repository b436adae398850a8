//! Queries of `courses`, `course_lessons` and `course_enrolments`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::Error;

use super::model::{
    CourseInput, CourseRow, EnrolmentRow, LessonInput, LessonRow, enrolment, status,
};
use crate::db::DbConn;
use crate::db::schema::{course_enrolments, course_lessons, courses};

/// The columns a course form sets.
#[derive(Debug, AsChangeset, Insertable)]
#[diesel(table_name = courses, treat_none_as_null = true)]
pub struct CourseChanges<'a> {
    /// Title.
    pub title: &'a str,
    /// Cover.
    pub cover_file_id: Option<i64>,
    /// Introduction.
    pub introduction_html: &'a str,
    /// Window.
    pub enrol_starts_at: Option<NaiveDateTime>,
    /// Window.
    pub enrol_ends_at: Option<NaiveDateTime>,
    /// Window.
    pub study_starts_at: Option<NaiveDateTime>,
    /// Window.
    pub study_ends_at: Option<NaiveDateTime>,
    /// Price.
    pub member_price_cents: i64,
    /// Price.
    pub price_cents: i64,
    /// Audience.
    pub audience: &'a str,
    /// Pass score.
    pub pass_score: i32,
    /// Certificate.
    pub cert_name: &'a str,
    /// Certificate.
    pub cert_description: &'a str,
    /// Certificate.
    pub cert_background_file_id: Option<i64>,
    /// Certificate layout JSON.
    pub cert_layout: String,
    /// When.
    pub updated_at: NaiveDateTime,
}

impl<'a> CourseChanges<'a> {
    /// The columns of `input` at `at`.
    pub fn of(input: &'a CourseInput, at: NaiveDateTime) -> Self {
        Self {
            title: &input.title,
            cover_file_id: input.cover_file_id,
            introduction_html: &input.introduction_html,
            enrol_starts_at: input.enrol_starts_at,
            enrol_ends_at: input.enrol_ends_at,
            study_starts_at: input.study_starts_at,
            study_ends_at: input.study_ends_at,
            member_price_cents: input.member_price_cents,
            price_cents: input.price_cents,
            audience: &input.audience,
            pass_score: input.pass_score,
            cert_name: &input.cert_name,
            cert_description: &input.cert_description,
            cert_background_file_id: input.cert_background_file_id,
            cert_layout: serde_json::to_string(&input.cert_layout).unwrap_or_default(),
            updated_at: at,
        }
    }
}

/// Inserts a draft course.
pub fn insert_course(
    conn: &mut DbConn,
    changes: &CourseChanges<'_>,
    at: NaiveDateTime,
) -> Result<CourseRow, Error> {
    crate::per_backend!(conn, |c| diesel::insert_into(courses::table)
        .values((changes, courses::status.eq(status::DRAFT), courses::created_at.eq(at)))
        .returning(CourseRow::as_returning())
        .get_result(c))
}

/// Updates a course's fields; 0 when it does not exist.
pub fn update_course(
    conn: &mut DbConn,
    id: i64,
    changes: &CourseChanges<'_>,
) -> Result<usize, Error> {
    diesel::update(courses::table.find(id)).set(changes).execute(conn)
}

/// Sets a course's status; 0 when it does not exist.
pub fn set_status(conn: &mut DbConn, id: i64, to: &str, at: NaiveDateTime) -> Result<usize, Error> {
    diesel::update(courses::table.find(id))
        .set((courses::status.eq(to), courses::updated_at.eq(at)))
        .execute(conn)
}

/// A course.
pub fn course(conn: &mut DbConn, id: i64) -> Result<Option<CourseRow>, Error> {
    courses::table.find(id).select(CourseRow::as_select()).first(conn).optional()
}

/// A course, row-locked until the transaction ends.
pub fn lock_course(conn: &mut DbConn, id: i64) -> Result<Option<CourseRow>, Error> {
    crate::lock_for_update!(conn, courses::table.find(id).select(CourseRow::as_select()))
}

/// One page of courses, newest first, optionally of one status; and the total.
pub fn courses_page(
    conn: &mut DbConn,
    only: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<CourseRow>, i64), Error> {
    let base = || {
        let mut q = courses::table.into_boxed();
        if let Some(s) = only {
            q = q.filter(courses::status.eq(s.to_owned()));
        }
        q
    };
    let rows =
        base().order(courses::id.desc()).offset(offset).limit(limit).select(CourseRow::as_select());
    let rows = rows.load(conn)?;
    Ok((rows, base().count().get_result(conn)?))
}

/// Inserts a lesson.
pub fn insert_lesson(
    conn: &mut DbConn,
    course_id: i64,
    input: &LessonInput,
    at: NaiveDateTime,
) -> Result<LessonRow, Error> {
    crate::per_backend!(conn, |c| diesel::insert_into(course_lessons::table)
        .values((
            course_lessons::course_id.eq(course_id),
            course_lessons::kind.eq(&input.kind),
            course_lessons::title.eq(&input.title),
            course_lessons::summary.eq(&input.summary),
            course_lessons::body_html.eq(&input.body_html),
            course_lessons::video_file_id.eq(input.video_file_id),
            course_lessons::video_seconds.eq(input.video_seconds),
            course_lessons::min_seconds.eq(input.min_seconds),
            course_lessons::credits.eq(input.credits),
            course_lessons::sort_order.eq(input.sort_order),
            course_lessons::created_at.eq(at),
            course_lessons::updated_at.eq(at),
        ))
        .returning(LessonRow::as_returning())
        .get_result(c))
}

/// Updates a lesson of `course_id`; 0 when there is none.
pub fn update_lesson(
    conn: &mut DbConn,
    course_id: i64,
    id: i64,
    input: &LessonInput,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(course_lessons::table.find(id).filter(course_lessons::course_id.eq(course_id)))
        .set((
            course_lessons::kind.eq(&input.kind),
            course_lessons::title.eq(&input.title),
            course_lessons::summary.eq(&input.summary),
            course_lessons::body_html.eq(&input.body_html),
            course_lessons::video_file_id.eq(input.video_file_id),
            course_lessons::video_seconds.eq(input.video_seconds),
            course_lessons::min_seconds.eq(input.min_seconds),
            course_lessons::credits.eq(input.credits),
            course_lessons::sort_order.eq(input.sort_order),
            course_lessons::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Deletes a lesson of `course_id`.
pub fn delete_lesson(conn: &mut DbConn, course_id: i64, id: i64) -> Result<usize, Error> {
    diesel::delete(course_lessons::table.find(id).filter(course_lessons::course_id.eq(course_id)))
        .execute(conn)
}

/// A course's lessons in order.
pub fn lessons(conn: &mut DbConn, course_id: i64) -> Result<Vec<LessonRow>, Error> {
    course_lessons::table
        .filter(course_lessons::course_id.eq(course_id))
        .order((course_lessons::sort_order.asc(), course_lessons::id.asc()))
        .select(LessonRow::as_select())
        .load(conn)
}

/// A lesson.
pub fn lesson(conn: &mut DbConn, id: i64) -> Result<Option<LessonRow>, Error> {
    course_lessons::table.find(id).select(LessonRow::as_select()).first(conn).optional()
}

/// A new enrolment.
#[derive(Debug, Insertable)]
#[diesel(table_name = course_enrolments)]
pub struct NewEnrolment<'a> {
    /// Course.
    pub course_id: i64,
    /// Learner.
    pub user_id: i64,
    /// State.
    pub status: &'a str,
    /// Name for the certificate.
    pub learner_name: &'a str,
    /// Price.
    pub price_cents: i64,
    /// Enrolled (free).
    pub enrolled_at: Option<NaiveDateTime>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// Inserts an enrolment (the unique (course, user) index refuses a second).
pub fn insert_enrolment(conn: &mut DbConn, new: &NewEnrolment<'_>) -> Result<EnrolmentRow, Error> {
    crate::per_backend!(conn, |c| diesel::insert_into(course_enrolments::table)
        .values(new)
        .returning(EnrolmentRow::as_returning())
        .get_result(c))
}

/// The enrolment of `user_id` in `course_id`.
pub fn enrolment_of(
    conn: &mut DbConn,
    course_id: i64,
    user_id: i64,
) -> Result<Option<EnrolmentRow>, Error> {
    course_enrolments::table
        .filter(course_enrolments::course_id.eq(course_id))
        .filter(course_enrolments::user_id.eq(user_id))
        .select(EnrolmentRow::as_select())
        .first(conn)
        .optional()
}

/// An enrolment, row-locked until the transaction ends.
pub fn lock_enrolment(conn: &mut DbConn, id: i64) -> Result<Option<EnrolmentRow>, Error> {
    crate::lock_for_update!(
        conn,
        course_enrolments::table.find(id).select(EnrolmentRow::as_select())
    )
}

/// The enrolment an order pays for.
pub fn enrolment_of_order(conn: &mut DbConn, order_id: i64) -> Result<Option<EnrolmentRow>, Error> {
    course_enrolments::table
        .filter(course_enrolments::order_id.eq(order_id))
        .select(EnrolmentRow::as_select())
        .first(conn)
        .optional()
}

/// Renews a cancelled enrolment as `to` (compare-and-set from cancelled).
pub fn renew(
    conn: &mut DbConn,
    id: i64,
    to: &str,
    price_cents: i64,
    learner_name: &str,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    let enrolled = (to == enrolment::ACTIVE).then_some(at);
    diesel::update(
        course_enrolments::table
            .find(id)
            .filter(course_enrolments::status.eq(enrolment::CANCELLED)),
    )
    .set((
        course_enrolments::status.eq(to),
        course_enrolments::price_cents.eq(price_cents),
        course_enrolments::learner_name.eq(learner_name),
        course_enrolments::order_id.eq(None::<i64>),
        course_enrolments::enrolled_at.eq(enrolled),
        course_enrolments::updated_at.eq(at),
    ))
    .execute(conn)
}

/// Links the order of a paid enrolment.
pub fn set_order(conn: &mut DbConn, id: i64, order_id: i64) -> Result<usize, Error> {
    diesel::update(course_enrolments::table.find(id))
        .set(course_enrolments::order_id.eq(Some(order_id)))
        .execute(conn)
}

/// Moves an enrolment from `from` to `to` (compare-and-set); 1 when it moved.
pub fn set_enrolment_status(
    conn: &mut DbConn,
    id: i64,
    from: &str,
    to: &str,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    let q = course_enrolments::table.find(id).filter(course_enrolments::status.eq(from));
    if to == enrolment::ACTIVE {
        diesel::update(q)
            .set((
                course_enrolments::status.eq(to),
                course_enrolments::enrolled_at.eq(Some(at)),
                course_enrolments::updated_at.eq(at),
            ))
            .execute(conn)
    } else {
        diesel::update(q)
            .set((course_enrolments::status.eq(to), course_enrolments::updated_at.eq(at)))
            .execute(conn)
    }
}

/// Adds a completed lesson's credits to the enrolment (in SQL, so parallel writers add).
pub fn add_completion(
    conn: &mut DbConn,
    id: i64,
    credits: i32,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(course_enrolments::table.find(id))
        .set((
            course_enrolments::score.eq(course_enrolments::score + credits),
            course_enrolments::completed_lessons.eq(course_enrolments::completed_lessons + 1),
            course_enrolments::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Marks the enrolment passed once (compare-and-set on `passed_at IS NULL`).
pub fn set_passed(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> Result<usize, Error> {
    diesel::update(course_enrolments::table.find(id).filter(course_enrolments::passed_at.is_null()))
        .set(course_enrolments::passed_at.eq(Some(at)))
        .execute(conn)
}

/// A user's enrolments that are not cancelled, newest first.
pub fn enrolments_of_user(conn: &mut DbConn, user_id: i64) -> Result<Vec<EnrolmentRow>, Error> {
    course_enrolments::table
        .filter(course_enrolments::user_id.eq(user_id))
        .filter(course_enrolments::status.ne(enrolment::CANCELLED))
        .order(course_enrolments::id.desc())
        .select(EnrolmentRow::as_select())
        .load(conn)
}

/// One page of a course's enrolments that are not cancelled (oldest first), and the
/// total; `limit` None loads them all (export).
pub fn learners_page(
    conn: &mut DbConn,
    course_id: i64,
    offset: i64,
    limit: Option<i64>,
) -> Result<(Vec<EnrolmentRow>, i64), Error> {
    let base = || {
        course_enrolments::table
            .filter(course_enrolments::course_id.eq(course_id))
            .filter(course_enrolments::status.ne(enrolment::CANCELLED))
            .into_boxed()
    };
    let mut q = base().order(course_enrolments::id.asc());
    if let Some(limit) = limit {
        q = q.offset(offset).limit(limit);
    }
    let rows = q.select(EnrolmentRow::as_select()).load(conn)?;
    Ok((rows, base().count().get_result(conn)?))
}

/// Enrolments of a course that count in its progress (not cancelled).
pub fn count_learners(conn: &mut DbConn, course_id: i64) -> Result<i64, Error> {
    course_enrolments::table
        .filter(course_enrolments::course_id.eq(course_id))
        .filter(course_enrolments::status.ne(enrolment::CANCELLED))
        .count()
        .get_result(conn)
}
