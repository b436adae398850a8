//! Completion certificates (结业证书): issued once per passed enrolment inside the beat
//! that passes it (unique per enrolment), with a number (JY + year + id) and a code for
//! the public verification page `/v/{code}`; the printable page and PNG read them here.

use chrono::{Datelike as _, NaiveDateTime};
use diesel::Connection as _;

use super::model::{
    CertificateLayout, CertificateRow, CourseRow, EnrolmentRow, certificate_number,
};
use super::{store, study_store};
use crate::db::{Db, DbConn, is_unique_violation};
use crate::error::AppError;
use crate::kernel::audit::Actor;
use crate::notices::{Notice, NoticeKind};

/// The description printed when staff wrote none; `{course}` is the course's title.
pub const DEFAULT_DESCRIPTION: &str = "完成课程「{course}」的学习，成绩合格，特发此证。";

/// Issues the certificate of a just-passed enrolment (inside the beat's transaction);
/// a certificate that exists already is kept (the unique index decides).
pub fn issue(
    conn: &mut DbConn,
    at: NaiveDateTime,
    course: &CourseRow,
    e: &EnrolmentRow,
) -> Result<CertificateRow, AppError> {
    if let Some(existing) = study_store::certificate_of(conn, e.id)? {
        return Ok(existing);
    }
    let code = crate::profiles::certificates::new_code();
    let placeholder = format!("P-{code}");
    let new = study_store::NewCertificate {
        enrolment_id: e.id,
        course_id: course.id,
        user_id: e.user_id,
        number: &placeholder,
        code: &code,
        learner_name: &e.learner_name,
        course_title: &course.title,
        cert_name: &course.cert_name,
        score: e.score,
        issued_at: at,
    };
    let row = match conn.transaction(|c| study_store::insert_certificate(c, &new)) {
        Ok(row) => row,
        Err(err) if is_unique_violation(&err) => {
            return study_store::certificate_of(conn, e.id)?.ok_or_else(|| AppError::internal(err));
        }
        Err(err) => return Err(err.into()),
    };
    let number = certificate_number(at.year(), row.id);
    study_store::set_number(conn, row.id, &number)?;
    let details = serde_json::json!({"enrolment_id": e.id, "number": number});
    super::audit(
        conn,
        at,
        Actor::System,
        "course_certificate.issue",
        ("course_certificates", row.id),
        &details,
    )?;
    let notice = Notice {
        kind: NoticeKind::CourseCompleted,
        body: format!("恭喜您通过课程「{}」，结业证书编号 {number}", course.title),
        payload: serde_json::json!({
            "course_id": course.id,
            "course_title": course.title,
            "number": number,
            "code": row.code,
        }),
    };
    crate::notices::send(conn, at, e.user_id, &notice)?;
    Ok(CertificateRow { number, ..row })
}

/// What the verification page, the printable page and the PNG show.
#[derive(Debug, Clone)]
pub struct CourseCertificate {
    /// The certificate.
    pub row: CertificateRow,
    /// The description with the course title filled in.
    pub description: String,
    /// Background image of the course's design.
    pub background_file_id: Option<i64>,
    /// Where the texts go.
    pub layout: CertificateLayout,
}

/// The course certificate with verification code `code`, if any.
pub async fn by_code(db: &Db, code: String) -> Result<Option<CourseCertificate>, AppError> {
    let code = code.trim().to_uppercase();
    if code.is_empty() || code.len() > 32 {
        return Ok(None);
    }
    db.run(move |conn| {
        let Some(row) = study_store::certificate_by_code(conn, &code)? else { return Ok(None) };
        let course =
            store::course(conn, row.course_id)?.ok_or_else(|| AppError::not_found("课程"))?;
        let template = if course.cert_description.trim().is_empty() {
            DEFAULT_DESCRIPTION
        } else {
            course.cert_description.as_str()
        };
        Ok(Some(CourseCertificate {
            description: template.replace("{course}", &row.course_title),
            background_file_id: course.cert_background_file_id,
            layout: course.layout(),
            row,
        }))
    })
    .await
}
