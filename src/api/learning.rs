//! The learning platform in the mini-program: published courses, enrolment (paid
//! courses answer with the order to pay), 我的学习, and study sessions whose heartbeats
//! the server turns into counted time.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::auth::BearerUser;
use super::error::{ApiError, ErrorBody};
use crate::app::AppState;
use crate::learning::enrol;
use crate::learning::study::{self, BeatInput, StudyContext};
use crate::learning::views::{
    BeatView, CourseList, CourseView, EnrolmentView, MyCourseList, SessionView,
};

/// What enrolling asks.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct EnrolRequest {
    /// The real name printed on the certificate (1–20 characters); members may leave it
    /// out to use the name on the member roll.
    #[serde(default)]
    #[schema(max_length = 20)]
    pub real_name: Option<String>,
}

/// One heartbeat.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct HeartbeatRequest {
    /// The lesson being studied (must be the session's).
    pub lesson_id: i64,
    /// Playback position in seconds (video lessons; required there).
    #[serde(default)]
    #[schema(minimum = 0)]
    pub position_seconds: Option<i32>,
}

fn context(state: &AppState) -> StudyContext {
    StudyContext {
        interval: state.config.learning.heartbeat_seconds,
        links: state.media_links.clone(),
        base_url: state.config.public_base_url.clone(),
    }
}

/// Published courses, newest first, with the caller's enrolment state and progress.
#[utoipa::path(get, path = "/api/v1/courses", tag = "learning",
    responses((status = 200, body = CourseList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_courses(
    state: web::Data<AppState>,
    user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    let items =
        enrol::published_courses(&state.db, state.media_links.clone(), user.user.id).await?;
    Ok(HttpResponse::Ok().json(CourseList { items }))
}

/// One published course with its lessons and the caller's counted time per lesson.
#[utoipa::path(get, path = "/api/v1/courses/{id}", tag = "learning",
    params(("id" = i64, Path, description = "Course id")),
    responses((status = 200, body = CourseView), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show_course(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let view =
        enrol::course_for_user(&state.db, state.media_links.clone(), user.user.id, *id).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Enrols in a course. Free (or free for members, as a member): `active` at once. Paid:
/// `awaiting_payment` with `order_id` — pay it through `/api/v1/me/orders/{id}/pay`;
/// the enrolment becomes `active` when the payment is recorded. Asking again while the
/// order is unpaid answers the same enrolment (200). Refusals: `members_only` (403),
/// `already_enrolled`, `enrolment_closed` (409), `real_name` missing (422).
#[utoipa::path(post, path = "/api/v1/courses/{id}/enrolments", tag = "learning",
    params(("id" = i64, Path, description = "Course id")), request_body = EnrolRequest,
    responses((status = 201, body = EnrolmentView),
        (status = 200, description = "Already waiting for payment", body = EnrolmentView),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_enrolment(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
    body: Option<web::Json<EnrolRequest>>,
) -> Result<HttpResponse, ApiError> {
    let real_name = body.and_then(|b| b.into_inner().real_name);
    let (view, created) =
        enrol::enrol(&state.db, &state.clock, user.user.id, *id, real_name).await?;
    Ok(if created { HttpResponse::Created().json(view) } else { HttpResponse::Ok().json(view) })
}

/// 我的学习: the caller's courses with 学习进度, 得分, pass and certificate links.
#[utoipa::path(get, path = "/api/v1/me/courses", tag = "learning",
    responses((status = 200, body = MyCourseList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_my_courses(
    state: web::Data<AppState>,
    user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    let items = enrol::my_courses(
        &state.db,
        state.media_links.clone(),
        state.config.public_base_url.clone(),
        user.user.id,
    )
    .await?;
    Ok(HttpResponse::Ok().json(MyCourseList { items }))
}

/// Opens a study session on a lesson and returns its content. Send a heartbeat every
/// `heartbeat_seconds`; opening another session (another device) closes this one.
/// Refusals: `not_enrolled` (403), lesson not of this course (404),
/// `outside_study_window` (409).
#[utoipa::path(post, path = "/api/v1/courses/{id}/lessons/{lesson_id}/study-sessions", tag = "learning",
    params(("id" = i64, Path, description = "Course id"), ("lesson_id" = i64, Path, description = "Lesson id")),
    responses((status = 201, body = SessionView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn open_study_session(
    state: web::Data<AppState>,
    user: BearerUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (course_id, lesson_id) = path.into_inner();
    let view = study::open_session(
        &state.db,
        &state.clock,
        context(&state),
        user.user.id,
        course_id,
        lesson_id,
    )
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// A heartbeat: the server counts the time since the previous one (at most N seconds;
/// a late one counts nothing and restarts the interval; for videos only forward
/// playback). Refusals: `too_early`, `session_closed` (taken over or closed),
/// `lesson_mismatch`, `outside_study_window` (409), `not_enrolled` (403), another
/// user's session (404), a video beat without a valid position (422).
#[utoipa::path(post, path = "/api/v1/study-sessions/{id}/heartbeats", tag = "learning",
    params(("id" = i64, Path, description = "Session id")), request_body = HeartbeatRequest,
    responses((status = 200, body = BeatView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_heartbeat(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
    body: super::body::JsonObject<HeartbeatRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let input = BeatInput {
        session_id: *id,
        lesson_id: body.lesson_id,
        position_seconds: body.position_seconds,
    };
    let view =
        study::heartbeat(&state.db, &state.clock, context(&state), user.user.id, input).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Closes the caller's study session (what was counted stays).
#[utoipa::path(post, path = "/api/v1/study-sessions/{id}/close", tag = "learning",
    params(("id" = i64, Path, description = "Session id")),
    responses((status = 204, description = "Closed"), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn close_study_session(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    study::close_session(&state.db, &state.clock, user.user.id, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
