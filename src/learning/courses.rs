//! Staff's side of courses (`/admin/courses`): create and edit a course, publish or take
//! it back to draft, the lesson editor, and the learners with their progress.

use chrono::NaiveDateTime;

use super::model::{CourseInput, CourseRow, EnrolmentRow, LessonInput, LessonRow, kind, status};
use super::store::{self, CourseChanges};
use super::study_store;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::audit::Actor;
use crate::kernel::clock::SharedClock;
use crate::kernel::page::{Page, PageRequest};

/// A course with its lessons, for the workbench and the mini-program.
#[derive(Debug, Clone)]
pub struct CourseDetail {
    /// The course.
    pub course: CourseRow,
    /// Its lessons in order.
    pub lessons: Vec<LessonRow>,
    /// Sum of the lessons' credits.
    pub credit_sum: i64,
    /// Enrolled learners (not cancelled).
    pub learners: i64,
}

impl CourseDetail {
    /// Staff's warning when the pass score is out of reach.
    pub fn warning(&self) -> Option<String> {
        super::model::pass_score_warning(self.course.pass_score, self.credit_sum)
    }
}

fn image_file(conn: &mut DbConn, field: &str, id: Option<i64>) -> Result<(), AppError> {
    if let Some(id) = id {
        let file = crate::kernel::media::store::find(conn, id)?;
        if file.is_none_or(|f| f.kind != "image") {
            return Err(AppError::field(field, "须为已上传的图片（文件编号）"));
        }
    }
    Ok(())
}

/// Loads a course with its lessons.
pub fn detail_in(conn: &mut DbConn, id: i64) -> Result<CourseDetail, AppError> {
    let course = store::course(conn, id)?.ok_or_else(|| AppError::not_found("课程"))?;
    let lessons = store::lessons(conn, id)?;
    let credit_sum = lessons.iter().map(|l| i64::from(l.credits)).sum();
    let learners = store::count_learners(conn, id)?;
    Ok(CourseDetail { course, lessons, credit_sum, learners })
}

/// A course with its lessons (any status: staff).
pub async fn detail(db: &Db, id: i64) -> Result<CourseDetail, AppError> {
    db.run(move |conn| detail_in(conn, id)).await
}

/// Creates a draft course (audited).
pub async fn create_course(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    input: CourseInput,
) -> Result<CourseRow, AppError> {
    let input = input.validated()?;
    let at = clock.now_naive();
    db.write(move |conn| {
        image_file(conn, "cover_file_id", input.cover_file_id)?;
        image_file(conn, "cert_background_file_id", input.cert_background_file_id)?;
        let row = store::insert_course(conn, &CourseChanges::of(&input, at), at)?;
        let details = serde_json::json!({"title": row.title});
        super::audit(
            conn,
            at,
            Actor::Staff(staff_id),
            "course.create",
            ("courses", row.id),
            &details,
        )?;
        Ok(row)
    })
    .await
}

/// Saves a course's fields (audited). Prices and windows may change while published;
/// enrolments made before keep what they paid.
pub async fn update_course(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
    input: CourseInput,
) -> Result<(), AppError> {
    let input = input.validated()?;
    let at = clock.now_naive();
    db.write(move |conn| {
        image_file(conn, "cover_file_id", input.cover_file_id)?;
        image_file(conn, "cert_background_file_id", input.cert_background_file_id)?;
        if store::update_course(conn, id, &CourseChanges::of(&input, at))? == 0 {
            return Err(AppError::not_found("课程"));
        }
        let details = serde_json::json!({"title": input.title});
        super::audit(conn, at, Actor::Staff(staff_id), "course.update", ("courses", id), &details)
    })
    .await
}

/// Publishes a course (it needs a lesson) or takes it back to draft.
pub async fn set_published(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
    publish: bool,
) -> Result<(), AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        store::lock_course(conn, id)?.ok_or_else(|| AppError::not_found("课程"))?;
        if publish && store::lessons(conn, id)?.is_empty() {
            return Err(AppError::Conflict {
                code: "no_lessons",
                message: "请先添加课时再发布课程".into(),
            });
        }
        let (to, action) = if publish {
            (status::PUBLISHED, "course.publish")
        } else {
            (status::DRAFT, "course.unpublish")
        };
        store::set_status(conn, id, to, at)?;
        super::audit(conn, at, Actor::Staff(staff_id), action, ("courses", id), &().into())
    })
    .await
}

/// One page of courses (workbench), newest first.
pub async fn courses(db: &Db, page: PageRequest) -> Result<Page<CourseDetail>, AppError> {
    db.run(move |conn| {
        let (rows, total) = store::courses_page(conn, None, page.offset(), page.limit())?;
        let details =
            rows.iter().map(|c| detail_in(conn, c.id)).collect::<Result<Vec<_>, AppError>>()?;
        Ok(page.answer(details, total))
    })
    .await
}

fn check_video(conn: &mut DbConn, input: &LessonInput) -> Result<(), AppError> {
    if input.kind != kind::VIDEO {
        return Ok(());
    }
    let file = match input.video_file_id {
        Some(id) => crate::kernel::media::store::find(conn, id)?,
        None => None,
    };
    if file.is_none_or(|f| f.kind != "video") {
        return Err(AppError::field("video_file_id", "须为已上传的视频（MP4 文件编号）"));
    }
    Ok(())
}

/// Adds a lesson to course `course_id`, or saves lesson `id` of it (audited).
pub async fn save_lesson(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    course_id: i64,
    id: Option<i64>,
    input: LessonInput,
) -> Result<i64, AppError> {
    let input = input.validated()?;
    let at = clock.now_naive();
    db.write(move |conn| {
        store::lock_course(conn, course_id)?.ok_or_else(|| AppError::not_found("课程"))?;
        check_video(conn, &input)?;
        let details = serde_json::json!({
            "course_id": course_id, "title": input.title,
            "min_seconds": input.min_seconds, "credits": input.credits,
        });
        let actor = Actor::Staff(staff_id);
        match id {
            Some(id) => {
                if store::update_lesson(conn, course_id, id, &input, at)? == 0 {
                    return Err(AppError::not_found("课时"));
                }
                super::audit(conn, at, actor, "lesson.update", ("course_lessons", id), &details)?;
                Ok(id)
            }
            None => {
                let row = store::insert_lesson(conn, course_id, &input, at)?;
                super::audit(
                    conn,
                    at,
                    actor,
                    "lesson.create",
                    ("course_lessons", row.id),
                    &details,
                )?;
                Ok(row.id)
            }
        }
    })
    .await
}

/// Deletes a lesson nobody studied yet (409 `lesson_studied` otherwise).
pub async fn delete_lesson(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    course_id: i64,
    id: i64,
) -> Result<(), AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        store::lock_course(conn, course_id)?.ok_or_else(|| AppError::not_found("课程"))?;
        if study_store::lesson_studied(conn, id)? {
            return Err(AppError::Conflict {
                code: "lesson_studied",
                message: "已有学员学习该课时，不能删除".into(),
            });
        }
        if store::delete_lesson(conn, course_id, id)? == 0 {
            return Err(AppError::not_found("课时"));
        }
        let actor = Actor::Staff(staff_id);
        super::audit(conn, at, actor, "lesson.delete", ("course_lessons", id), &().into())
    })
    .await
}

/// One learner of a course as staff see them.
#[derive(Debug, Clone)]
pub struct Learner {
    /// The enrolment.
    pub enrolment: EnrolmentRow,
    /// Lessons of the course.
    pub total_lessons: i64,
    /// Percent completed.
    pub progress: i64,
    /// Certificate number, when passed.
    pub certificate_number: Option<String>,
    /// Verification code, when passed.
    pub certificate_code: Option<String>,
}

fn learners_of(
    conn: &mut DbConn,
    course_id: i64,
    offset: i64,
    limit: Option<i64>,
) -> Result<(Vec<Learner>, i64), AppError> {
    let total_lessons = i64::try_from(store::lessons(conn, course_id)?.len()).unwrap_or(0);
    let (rows, total) = store::learners_page(conn, course_id, offset, limit)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let certs = study_store::certificates_of(conn, &ids)?;
    let learners = rows
        .into_iter()
        .map(|enrolment| {
            let cert = certs.iter().find(|c| c.enrolment_id == enrolment.id);
            Learner {
                progress: super::model::progress_percent(
                    i64::from(enrolment.completed_lessons),
                    total_lessons,
                ),
                certificate_number: cert.map(|c| c.number.clone()),
                certificate_code: cert.map(|c| c.code.clone()),
                total_lessons,
                enrolment,
            }
        })
        .collect();
    Ok((learners, total))
}

/// One page of a course's learners, in enrolment order.
pub async fn learners(
    db: &Db,
    course_id: i64,
    page: PageRequest,
) -> Result<Page<Learner>, AppError> {
    db.run(move |conn| {
        let (rows, total) = learners_of(conn, course_id, page.offset(), Some(page.limit()))?;
        Ok(page.answer(rows, total))
    })
    .await
}

/// Every learner of a course as an Excel workbook (times in `tz`).
pub async fn export_learners(
    db: &Db,
    course_id: i64,
    tz: chrono_tz::Tz,
) -> Result<Vec<u8>, AppError> {
    let (course, rows) = db
        .run(move |conn| {
            let course =
                store::course(conn, course_id)?.ok_or_else(|| AppError::not_found("课程"))?;
            Ok((course, learners_of(conn, course_id, 0, None)?.0))
        })
        .await?;
    crate::kernel::blocking::cpu(move || super::views::learners_xlsx(&course, &rows, tz)).await
}

/// Times in a form: the stored UTC time `t` as `datetime-local` text in `tz`.
pub fn local_input(t: Option<NaiveDateTime>, tz: chrono_tz::Tz) -> String {
    t.map(|t| t.and_utc().with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}
