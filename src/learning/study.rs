//! Study sessions: open one on a lesson (closing the user's other open session: the
//! newest device takes over), heartbeats judged by [`judge`] on the locked session row,
//! lesson completion once, the score, the pass and the certificate — all in the beat's
//! transaction. Nothing the client sends is counted except time the server saw pass.

use chrono::NaiveDateTime;
use diesel::Connection as _;

use super::model::{CourseRow, EnrolmentRow, LessonRow, enrolment, kind, progress_percent};
use super::study_model::{Beat, BeatRefusal, SessionRow, close_reason, judge};
use super::views::{BeatView, CertificateLinks, CourseStanding, LessonContent, SessionView};
use super::{certificates, enrol, store, study_store};
use crate::db::{Db, DbConn, is_unique_violation};
use crate::error::AppError;
use crate::kernel::clock::SharedClock;
use crate::kernel::media::MediaLinks;

fn conflict(code: &'static str, message: &str) -> AppError {
    AppError::Conflict { code, message: message.into() }
}

fn not_enrolled() -> AppError {
    AppError::Refused {
        code: "not_enrolled",
        message: "请先报名本课程（付费课程须先完成支付）".into(),
    }
}

fn outside_window() -> AppError {
    conflict("outside_study_window", "不在课程的学习时间内")
}

/// What a study request needs to know of the server.
#[derive(Debug, Clone)]
pub struct StudyContext {
    /// Heartbeat interval N (config `learning.heartbeat_seconds`).
    pub interval: i64,
    /// Public media links (lesson videos).
    pub links: MediaLinks,
    /// The public base URL (certificate links).
    pub base_url: String,
}

fn active_enrolment(
    conn: &mut DbConn,
    course_id: i64,
    user_id: i64,
) -> Result<EnrolmentRow, AppError> {
    store::enrolment_of(conn, course_id, user_id)?
        .filter(|e| e.status == enrolment::ACTIVE)
        .ok_or_else(not_enrolled)
}

fn ensure_progress(
    conn: &mut DbConn,
    enrolment_id: i64,
    lesson_id: i64,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    if study_store::progress(conn, enrolment_id, lesson_id)?.is_none() {
        match conn.transaction(|c| study_store::insert_progress(c, enrolment_id, lesson_id, at)) {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Opens a study session on lesson `lesson_id` of course `course_id` for an enrolled
/// user inside the study window; the user's other open session is closed.
pub async fn open_session(
    db: &Db,
    clock: &SharedClock,
    ctx: StudyContext,
    user_id: i64,
    course_id: i64,
    lesson_id: i64,
) -> Result<SessionView, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let course = enrol::published(conn, course_id)?;
        let lesson = store::lesson(conn, lesson_id)?
            .filter(|l| l.course_id == course_id)
            .ok_or_else(|| AppError::not_found("课时"))?;
        let e = active_enrolment(conn, course_id, user_id)?;
        if !course.study_open(at) {
            return Err(outside_window());
        }
        study_store::close_open_of_user(conn, user_id, close_reason::TAKEN_OVER, at)?;
        let session = match conn
            .transaction(|c| study_store::insert_session(c, user_id, e.id, lesson.id, at))
        {
            Ok(s) => s,
            Err(err) if is_unique_violation(&err) => {
                return Err(conflict("session_conflict", "另一台设备正在同时开始学习，请重试"));
            }
            Err(err) => return Err(err.into()),
        };
        ensure_progress(conn, e.id, lesson.id, at)?;
        let progress = study_store::progress(conn, e.id, lesson.id)?;
        Ok(SessionView {
            id: session.id,
            heartbeat_seconds: ctx.interval,
            counted_seconds: progress.as_ref().map_or(0, |p| p.counted_seconds),
            min_seconds: lesson.min_seconds,
            completed: progress.is_some_and(|p| p.completed_at.is_some()),
            lesson: LessonContent::of(&lesson, &ctx.links),
        })
    })
    .await
}

/// A heartbeat as the client sends it.
#[derive(Debug, Clone, Copy)]
pub struct BeatInput {
    /// The session.
    pub session_id: i64,
    /// The lesson the client believes it studies (must be the session's).
    pub lesson_id: i64,
    /// Playback position of a video lesson.
    pub position_seconds: Option<i32>,
}

fn open_session_of(
    conn: &mut DbConn,
    user_id: i64,
    session_id: i64,
) -> Result<SessionRow, AppError> {
    // Another user's session is not found: a forged beat learns nothing.
    let s = study_store::lock_session(conn, session_id)?
        .filter(|s| s.user_id == user_id)
        .ok_or_else(|| AppError::not_found("学习会话"))?;
    if s.closed_at.is_some() {
        return Err(if s.close_reason == close_reason::TAKEN_OVER {
            conflict("session_closed", "已在其他设备上继续学习，本会话已结束")
        } else {
            conflict("session_closed", "学习会话已结束，请重新进入课时")
        });
    }
    Ok(s)
}

/// Judges and records one heartbeat (the session row is locked first, so parallel beats
/// of one session queue and the later ones are too early).
pub async fn heartbeat(
    db: &Db,
    clock: &SharedClock,
    ctx: StudyContext,
    user_id: i64,
    input: BeatInput,
) -> Result<BeatView, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let session = open_session_of(conn, user_id, input.session_id)?;
        if input.lesson_id != session.lesson_id {
            return Err(conflict("lesson_mismatch", "心跳的课时与学习会话不符"));
        }
        let e = store::lock_enrolment(conn, session.enrolment_id)?
            .filter(|e| e.status == enrolment::ACTIVE)
            .ok_or_else(not_enrolled)?;
        let course =
            store::course(conn, e.course_id)?.ok_or_else(|| AppError::not_found("课程"))?;
        if !course.study_open(at) {
            return Err(outside_window());
        }
        let lesson =
            store::lesson(conn, session.lesson_id)?.ok_or_else(|| AppError::not_found("课时"))?;
        let verdict = judge(Beat {
            elapsed_ms: (at - session.last_beat_at).num_milliseconds(),
            interval: ctx.interval,
            video: lesson.kind == kind::VIDEO,
            last_position: session.position_seconds,
            position: input.position_seconds,
            video_seconds: lesson.video_seconds,
        })
        .map_err(|r| match r {
            BeatRefusal::TooEarly => conflict("too_early", "心跳过于频繁，本次不计时"),
            BeatRefusal::BadPosition => {
                AppError::field("position_seconds", "视频课时须报告有效的播放位置（秒）")
            }
        })?;
        if study_store::record_beat(conn, &session, at, verdict.position, verdict.seconds)? != 1 {
            return Err(conflict("too_early", "心跳过于频繁，本次不计时"));
        }
        let (counted, completed) = count(conn, at, &course, &e, &lesson, verdict.seconds)?;
        let standing = standing(conn, &course, e.id, &ctx.base_url)?;
        Ok(BeatView {
            outcome: verdict.outcome,
            counted_seconds: verdict.seconds,
            lesson_counted_seconds: counted,
            min_seconds: lesson.min_seconds,
            lesson_completed: completed,
            next_beat_seconds: ctx.interval,
            course: standing,
        })
    })
    .await
}

/// Adds the seconds to the lesson's progress; completes it once when it reaches the
/// minimum, adds its credits, and passes the course once when the score is reached.
fn count(
    conn: &mut DbConn,
    at: NaiveDateTime,
    course: &CourseRow,
    e: &EnrolmentRow,
    lesson: &LessonRow,
    seconds: i32,
) -> Result<(i32, bool), AppError> {
    ensure_progress(conn, e.id, lesson.id, at)?;
    let p = study_store::progress(conn, e.id, lesson.id)?
        .ok_or_else(|| AppError::not_found("学习进度"))?;
    if seconds > 0 {
        study_store::add_seconds(conn, p.id, seconds, at)?;
    }
    let counted = p.counted_seconds + seconds;
    let mut completed = p.completed_at.is_some();
    if !completed && counted >= lesson.min_seconds && study_store::complete(conn, p.id, at)? == 1 {
        completed = true;
        store::add_completion(conn, e.id, lesson.credits, at)?;
        let fresh =
            store::lock_enrolment(conn, e.id)?.ok_or_else(|| AppError::not_found("报名"))?;
        if fresh.passed_at.is_none()
            && fresh.score >= course.pass_score
            && store::set_passed(conn, e.id, at)? == 1
        {
            certificates::issue(conn, at, course, &fresh)?;
        }
    }
    Ok((counted, completed))
}

fn standing(
    conn: &mut DbConn,
    course: &CourseRow,
    enrolment_id: i64,
    base: &str,
) -> Result<CourseStanding, AppError> {
    let e =
        store::lock_enrolment(conn, enrolment_id)?.ok_or_else(|| AppError::not_found("报名"))?;
    let total = i64::try_from(store::lessons(conn, course.id)?.len()).unwrap_or(0);
    let cert = study_store::certificate_of(conn, e.id)?;
    Ok(CourseStanding {
        progress_percent: progress_percent(i64::from(e.completed_lessons), total),
        score: e.score,
        pass_score: course.pass_score,
        passed: e.passed_at.is_some(),
        certificate: cert.map(|c| CertificateLinks::new(base, &c.number, &c.code)),
    })
}

/// The learner closes their session (what was counted stays).
pub async fn close_session(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    session_id: i64,
) -> Result<(), AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let s = open_session_of(conn, user_id, session_id)?;
        study_store::close_session(conn, s.id, close_reason::CLOSED, at)?;
        Ok(())
    })
    .await
}
