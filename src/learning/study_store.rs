//! Queries of `study_sessions`, `course_lesson_progress` and `course_certificates`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::Error;

use super::model::CertificateRow;
use super::study_model::{ProgressRow, SessionRow};
use crate::db::DbConn;
use crate::db::schema::{course_certificates, course_lesson_progress, study_sessions};

/// Closes the user's open session, if any (another device takes over).
pub fn close_open_of_user(
    conn: &mut DbConn,
    user_id: i64,
    reason: &str,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(study_sessions::table.filter(study_sessions::open_user_id.eq(user_id)))
        .set((
            study_sessions::open_user_id.eq(None::<i64>),
            study_sessions::closed_at.eq(Some(at)),
            study_sessions::close_reason.eq(reason),
        ))
        .execute(conn)
}

/// Opens a session (the unique `open_user_id` refuses a second open one).
pub fn insert_session(
    conn: &mut DbConn,
    user_id: i64,
    enrolment_id: i64,
    lesson_id: i64,
    at: NaiveDateTime,
) -> Result<SessionRow, Error> {
    crate::per_backend!(conn, |c| diesel::insert_into(study_sessions::table)
        .values((
            study_sessions::user_id.eq(user_id),
            study_sessions::open_user_id.eq(Some(user_id)),
            study_sessions::enrolment_id.eq(enrolment_id),
            study_sessions::lesson_id.eq(lesson_id),
            study_sessions::opened_at.eq(at),
            study_sessions::last_beat_at.eq(at),
        ))
        .returning(SessionRow::as_returning())
        .get_result(c))
}

/// A session, row-locked until the transaction ends: parallel beats of one session
/// queue here, and each sees the one before it.
pub fn lock_session(conn: &mut DbConn, id: i64) -> Result<Option<SessionRow>, Error> {
    crate::lock_for_update!(conn, study_sessions::table.find(id).select(SessionRow::as_select()))
}

/// Records an accepted beat on an open session (compare-and-set on the last beat seen).
pub fn record_beat(
    conn: &mut DbConn,
    session: &SessionRow,
    at: NaiveDateTime,
    position: i32,
    seconds: i32,
) -> Result<usize, Error> {
    diesel::update(
        study_sessions::table
            .find(session.id)
            .filter(study_sessions::closed_at.is_null())
            .filter(study_sessions::last_beat_at.eq(session.last_beat_at)),
    )
    .set((
        study_sessions::last_beat_at.eq(at),
        study_sessions::position_seconds.eq(position),
        study_sessions::counted_seconds.eq(study_sessions::counted_seconds + seconds),
        study_sessions::beats.eq(study_sessions::beats + 1),
    ))
    .execute(conn)
}

/// Closes a session (compare-and-set on open).
pub fn close_session(
    conn: &mut DbConn,
    id: i64,
    reason: &str,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(study_sessions::table.find(id).filter(study_sessions::closed_at.is_null()))
        .set((
            study_sessions::open_user_id.eq(None::<i64>),
            study_sessions::closed_at.eq(Some(at)),
            study_sessions::close_reason.eq(reason),
        ))
        .execute(conn)
}

/// The progress row of an enrolment's lesson.
pub fn progress(
    conn: &mut DbConn,
    enrolment_id: i64,
    lesson_id: i64,
) -> Result<Option<ProgressRow>, Error> {
    course_lesson_progress::table
        .filter(course_lesson_progress::enrolment_id.eq(enrolment_id))
        .filter(course_lesson_progress::lesson_id.eq(lesson_id))
        .select(ProgressRow::as_select())
        .first(conn)
        .optional()
}

/// Creates the progress row of an enrolment's lesson (at 0).
pub fn insert_progress(
    conn: &mut DbConn,
    enrolment_id: i64,
    lesson_id: i64,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::insert_into(course_lesson_progress::table)
        .values((
            course_lesson_progress::enrolment_id.eq(enrolment_id),
            course_lesson_progress::lesson_id.eq(lesson_id),
            course_lesson_progress::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Adds counted seconds.
pub fn add_seconds(
    conn: &mut DbConn,
    id: i64,
    seconds: i32,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(course_lesson_progress::table.find(id))
        .set((
            course_lesson_progress::counted_seconds
                .eq(course_lesson_progress::counted_seconds + seconds),
            course_lesson_progress::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Marks the lesson completed once (compare-and-set on `completed_at IS NULL`).
pub fn complete(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> Result<usize, Error> {
    diesel::update(
        course_lesson_progress::table
            .find(id)
            .filter(course_lesson_progress::completed_at.is_null()),
    )
    .set(course_lesson_progress::completed_at.eq(Some(at)))
    .execute(conn)
}

/// Every progress row of an enrolment.
pub fn progress_of(conn: &mut DbConn, enrolment_id: i64) -> Result<Vec<ProgressRow>, Error> {
    course_lesson_progress::table
        .filter(course_lesson_progress::enrolment_id.eq(enrolment_id))
        .select(ProgressRow::as_select())
        .load(conn)
}

/// Whether anyone studied lesson `id` (it may not be deleted then).
pub fn lesson_studied(conn: &mut DbConn, lesson_id: i64) -> Result<bool, Error> {
    diesel::select(diesel::dsl::exists(
        course_lesson_progress::table.filter(course_lesson_progress::lesson_id.eq(lesson_id)),
    ))
    .get_result(conn)
}

/// A new certificate.
#[derive(Debug, Insertable)]
#[diesel(table_name = course_certificates)]
pub struct NewCertificate<'a> {
    /// Enrolment (unique: one certificate each).
    pub enrolment_id: i64,
    /// Course.
    pub course_id: i64,
    /// Learner.
    pub user_id: i64,
    /// Number (a placeholder until the id is known).
    pub number: &'a str,
    /// Verification code.
    pub code: &'a str,
    /// Learner's name.
    pub learner_name: &'a str,
    /// Course title.
    pub course_title: &'a str,
    /// Certificate name.
    pub cert_name: &'a str,
    /// Score.
    pub score: i32,
    /// Issued.
    pub issued_at: NaiveDateTime,
}

/// Inserts a certificate.
pub fn insert_certificate(
    conn: &mut DbConn,
    new: &NewCertificate<'_>,
) -> Result<CertificateRow, Error> {
    crate::per_backend!(conn, |c| diesel::insert_into(course_certificates::table)
        .values(new)
        .returning(CertificateRow::as_returning())
        .get_result(c))
}

/// Sets a certificate's number.
pub fn set_number(conn: &mut DbConn, id: i64, number: &str) -> Result<usize, Error> {
    diesel::update(course_certificates::table.find(id))
        .set(course_certificates::number.eq(number))
        .execute(conn)
}

/// The certificate of an enrolment.
pub fn certificate_of(
    conn: &mut DbConn,
    enrolment_id: i64,
) -> Result<Option<CertificateRow>, Error> {
    course_certificates::table
        .filter(course_certificates::enrolment_id.eq(enrolment_id))
        .select(CertificateRow::as_select())
        .first(conn)
        .optional()
}

/// The certificate with verification code `code`.
pub fn certificate_by_code(conn: &mut DbConn, code: &str) -> Result<Option<CertificateRow>, Error> {
    course_certificates::table
        .filter(course_certificates::code.eq(code))
        .select(CertificateRow::as_select())
        .first(conn)
        .optional()
}

/// The certificates of `enrolment_ids`.
pub fn certificates_of(
    conn: &mut DbConn,
    enrolment_ids: &[i64],
) -> Result<Vec<CertificateRow>, Error> {
    course_certificates::table
        .filter(course_certificates::enrolment_id.eq_any(enrolment_ids.to_vec()))
        .select(CertificateRow::as_select())
        .load(conn)
}
