//! Study time measured by the server: the rule that turns one heartbeat into counted
//! seconds (pure, unit-tested), and the session and progress rows it works on.
//!
//! A beat counts the time since the previous accepted beat, at most N seconds (the
//! configured interval), and only when it arrives in time: sooner than 80 % of N is
//! refused (nothing changes), later than 2·N counts nothing but restarts the interval.
//! A video lesson also reports its playback position: only forward playback no faster
//! than the time that passed counts; a jump ahead, a rewind or a pause counts nothing.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{course_lesson_progress, study_sessions};

/// Seconds of slack for a video position against the clock (network jitter).
pub const POSITION_SLACK_SECONDS: i64 = 2;

/// A study session as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = study_sessions)]
pub struct SessionRow {
    /// Id.
    pub id: i64,
    /// Learner.
    pub user_id: i64,
    /// The learner while open; None once closed.
    pub open_user_id: Option<i64>,
    /// Enrolment.
    pub enrolment_id: i64,
    /// Lesson studied.
    pub lesson_id: i64,
    /// Opened.
    pub opened_at: NaiveDateTime,
    /// The last accepted beat (or the opening).
    pub last_beat_at: NaiveDateTime,
    /// Last accepted playback position (video).
    pub position_seconds: i32,
    /// Seconds this session counted.
    pub counted_seconds: i32,
    /// Accepted beats.
    pub beats: i32,
    /// Closed.
    pub closed_at: Option<NaiveDateTime>,
    /// closed / taken_over.
    pub close_reason: String,
}

/// Per-lesson study time of an enrolment.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = course_lesson_progress)]
pub struct ProgressRow {
    /// Id.
    pub id: i64,
    /// Enrolment.
    pub enrolment_id: i64,
    /// Lesson.
    pub lesson_id: i64,
    /// Seconds counted.
    pub counted_seconds: i32,
    /// When it reached the lesson's minimum.
    pub completed_at: Option<NaiveDateTime>,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// Why a session was closed.
pub mod close_reason {
    /// The learner closed it.
    pub const CLOSED: &str = "closed";
    /// The learner opened another session (another device took over).
    pub const TAKEN_OVER: &str = "taken_over";
}

/// What one accepted beat did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BeatOutcome {
    /// Time was counted.
    Counted,
    /// Too long since the previous beat: nothing counted, the interval restarts.
    Late,
    /// The video did not move forward (paused or rewound): nothing counted.
    Paused,
    /// The video jumped ahead faster than time passed: nothing counted.
    Skipped,
}

/// A beat refused outright (the session does not change).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BeatRefusal {
    /// Sooner than 80 % of the interval after the previous beat.
    TooEarly,
    /// A video lesson's beat without a position, or past the video's end.
    BadPosition,
}

/// The facts one beat is judged on.
#[derive(Debug, Clone, Copy)]
pub struct Beat {
    /// Milliseconds since the previous accepted beat (the server's clock).
    pub elapsed_ms: i64,
    /// The interval N in seconds.
    pub interval: i64,
    /// Whether the lesson is a video.
    pub video: bool,
    /// The last accepted position (video).
    pub last_position: i32,
    /// The reported position (video).
    pub position: Option<i32>,
    /// The video's length, when known.
    pub video_seconds: Option<i32>,
}

/// The verdict: what happened, seconds counted, and the position to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// Outcome.
    pub outcome: BeatOutcome,
    /// Seconds to add (0..=N).
    pub seconds: i32,
    /// The position to store.
    pub position: i32,
}

/// Judges one beat (see the module's rule).
pub fn judge(beat: Beat) -> Result<Verdict, BeatRefusal> {
    let n = beat.interval.max(1);
    if beat.elapsed_ms < n * 800 {
        return Err(BeatRefusal::TooEarly);
    }
    let position = if beat.video {
        let p = beat.position.ok_or(BeatRefusal::BadPosition)?;
        if p < 0 || beat.video_seconds.is_some_and(|len| p > len + 1) {
            return Err(BeatRefusal::BadPosition);
        }
        p
    } else {
        beat.last_position
    };
    if beat.elapsed_ms > n * 2000 {
        return Ok(Verdict { outcome: BeatOutcome::Late, seconds: 0, position });
    }
    let mut seconds = (beat.elapsed_ms / 1000).min(n);
    let mut outcome = BeatOutcome::Counted;
    if beat.video {
        let advance = i64::from(position) - i64::from(beat.last_position);
        if advance <= 0 {
            outcome = BeatOutcome::Paused;
            seconds = 0;
        } else if advance > beat.elapsed_ms / 1000 + POSITION_SLACK_SECONDS {
            outcome = BeatOutcome::Skipped;
            seconds = 0;
        } else {
            seconds = seconds.min(advance);
        }
    }
    let seconds = i32::try_from(seconds).unwrap_or(0);
    Ok(Verdict { outcome, seconds, position })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(elapsed_ms: i64) -> Result<Verdict, BeatRefusal> {
        judge(Beat {
            elapsed_ms,
            interval: 10,
            video: false,
            last_position: 0,
            position: None,
            video_seconds: None,
        })
    }

    fn video(elapsed_ms: i64, from: i32, to: Option<i32>) -> Result<Verdict, BeatRefusal> {
        judge(Beat {
            elapsed_ms,
            interval: 10,
            video: true,
            last_position: from,
            position: to,
            video_seconds: Some(600),
        })
    }

    #[test]
    fn an_on_time_beat_counts_the_time_that_passed_at_most_n() {
        assert_eq!(article(10_000).unwrap().seconds, 10);
        assert_eq!(article(8_000).unwrap().seconds, 8);
        assert_eq!(article(15_999).unwrap().seconds, 10, "never more than N per beat");
        assert_eq!(article(20_000).unwrap().outcome, BeatOutcome::Counted);
    }

    #[test]
    fn early_beats_are_refused_and_late_ones_count_nothing() {
        assert_eq!(article(7_999), Err(BeatRefusal::TooEarly));
        assert_eq!(article(0), Err(BeatRefusal::TooEarly));
        let late = article(20_001).unwrap();
        assert_eq!((late.outcome, late.seconds), (BeatOutcome::Late, 0));
        assert_eq!(article(3_600_000).unwrap().seconds, 0);
    }

    #[test]
    fn video_time_counts_only_forward_playback_at_clock_speed() {
        let v = video(10_000, 30, Some(40)).unwrap();
        assert_eq!((v.outcome, v.seconds, v.position), (BeatOutcome::Counted, 10, 40));
        let slow = video(10_000, 30, Some(34)).unwrap();
        assert_eq!(slow.seconds, 4, "only what was played");
        let skip = video(10_000, 30, Some(300)).unwrap();
        assert_eq!((skip.outcome, skip.seconds, skip.position), (BeatOutcome::Skipped, 0, 300));
        let paused = video(10_000, 30, Some(30)).unwrap();
        assert_eq!((paused.outcome, paused.seconds), (BeatOutcome::Paused, 0));
        let rewind = video(10_000, 30, Some(5)).unwrap();
        assert_eq!((rewind.outcome, rewind.seconds), (BeatOutcome::Paused, 0));
        assert_eq!(video(10_000, 30, Some(42)).unwrap().seconds, 10, "2 s of slack");
    }

    #[test]
    fn a_video_beat_needs_a_position_inside_the_video() {
        assert_eq!(video(10_000, 0, None), Err(BeatRefusal::BadPosition));
        assert_eq!(video(10_000, 0, Some(-1)), Err(BeatRefusal::BadPosition));
        assert_eq!(video(10_000, 590, Some(700)), Err(BeatRefusal::BadPosition));
    }
}
