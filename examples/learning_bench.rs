//! Heartbeat benchmark of the learning platform (see docs/learning.md,
//! `scripts/learning_bench.sh`).
//!
//! Starts the real server in this process on a fresh SQLite data directory (or
//! `--db postgres://…`, an empty database) with the injectable clock, seeds one free
//! course with 5 lessons (60 s, 2 credits each; pass score 8) and `--learners` users
//! (default 1,000) who enrol and open a session on lesson `i % 5`, all over HTTP. Then it
//! runs `--rounds` rounds (default 12 = 2 simulated minutes): each round moves the clock
//! 10 s and sends every learner's heartbeat over loopback HTTP —
//! `--mode max`: `--clients` concurrent clients as fast as the server answers;
//! `--mode paced`: open-loop at `--rate` beats/s (default 500), each beat on its own task.
//! Prints beats/s, latency percentiles and status counts, then checks the database:
//! counted seconds, completions and certificates are what the rounds allow.
#![expect(clippy::unwrap_used, reason = "a benchmark tool fails loudly")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::TimeZone as _;
use guildhall::app::{Application, Dependencies};
use guildhall::config::Config;
use guildhall::kernel::clock::{ManualClock, SharedClock};
use guildhall::learning::courses;
use guildhall::learning::model::{CourseInput, LessonInput, audience, kind};

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_owned())
}

struct Learner {
    client: reqwest::Client,
    session: i64,
    lesson: i64,
}

#[tokio::main]
async fn main() {
    let learners: usize = arg("--learners", "1000").parse().unwrap();
    let rounds: usize = arg("--rounds", "12").parse().unwrap();
    let clients: usize = arg("--clients", "32").parse().unwrap();
    let rate: f64 = arg("--rate", "500").parse().unwrap();
    let mode = arg("--mode", "paced");
    let dir = tempfile_dir();
    let mut config =
        Config { bind: "127.0.0.1:0".into(), data_dir: dir.clone(), ..Config::default() };
    config.database_url = arg("--db", "");
    config.log.level = "warn".into();
    config.server.workers = arg("--workers", "2").parse().unwrap();
    guildhall::telemetry::init(&config.log);
    let clock = ManualClock::new(chrono::Utc.with_ymd_and_hms(2026, 11, 24, 6, 30, 0).unwrap());
    let shared: SharedClock = Arc::new(clock.clone());
    let deps = Dependencies {
        clock: shared.clone(),
        outbox_interval: None,
        billing_interval: None,
        ..Dependencies::default()
    };
    let app = Application::build(config, deps).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state();
    tokio::spawn(app.run_until_stopped());

    let (course, lessons) = seed_course(&state.db, &shared).await;
    let t = Instant::now();
    let all = seed_learners(&state, &shared, &base, course, &lessons, learners).await;
    println!("seeded {learners} learners (enrol + open session over HTTP) in {:.1?}", t.elapsed());
    let all = Arc::new(all);

    let mut latencies: Vec<Duration> = Vec::new();
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    let t = Instant::now();
    for _ in 0..rounds {
        clock.advance(chrono::Duration::seconds(10));
        let results = if mode == "max" {
            round_max(&base, &all, clients).await
        } else {
            round_paced(&base, &all, rate).await
        };
        for (status, took) in results {
            *statuses.entry(status).or_default() += 1;
            latencies.push(took);
        }
    }
    let wall = t.elapsed();
    latencies.sort_unstable();
    let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p) as usize];
    println!(
        "mode {mode}: {} beats in {:.2?} = {:.0} beats/s; p50 {:.2?} p95 {:.2?} p99 {:.2?} max {:.2?}",
        latencies.len(),
        wall,
        latencies.len() as f64 / wall.as_secs_f64(),
        pct(0.50),
        pct(0.95),
        pct(0.99),
        latencies[latencies.len() - 1],
    );
    println!("statuses: {statuses:?}");
    check(&state, learners, rounds).await;
    std::fs::remove_dir_all(&dir).ok();
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("guildhall-learning-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn seed_course(db: &guildhall::db::Db, clock: &SharedClock) -> (i64, Vec<i64>) {
    let input = CourseInput {
        title: "压测课程".into(),
        audience: audience::EVERYONE.into(),
        pass_score: 8,
        ..CourseInput::default()
    };
    let course = courses::create_course(db, clock, 0, input).await.unwrap();
    let mut lessons = Vec::new();
    for n in 0..5 {
        let lesson = LessonInput {
            kind: kind::ARTICLE.into(),
            title: format!("第{}课", n + 1),
            body_html: "<p>正文</p>".into(),
            min_seconds: 60,
            credits: 2,
            sort_order: n,
            ..LessonInput::default()
        };
        lessons.push(courses::save_lesson(db, clock, 0, course.id, None, lesson).await.unwrap());
    }
    courses::set_published(db, clock, 0, course.id, true).await.unwrap();
    (course.id, lessons)
}

async fn seed_learners(
    state: &guildhall::app::AppState,
    clock: &SharedClock,
    base: &str,
    course: i64,
    lessons: &[i64],
    n: usize,
) -> Vec<Learner> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let user = guildhall::accounts::create_user(&state.db, clock, Some(format!("学员{i}")))
            .await
            .unwrap();
        let token = guildhall::accounts::tokens::issue(&state.db, clock, user.id).await.unwrap();
        let mut headers = reqwest::header::HeaderMap::new();
        let bearer = format!("Bearer {}", token.token);
        headers.insert(reqwest::header::AUTHORIZATION, bearer.parse().unwrap());
        let client = reqwest::Client::builder().default_headers(headers).build().unwrap();
        let url = format!("{base}/api/v1/courses/{course}/enrolments");
        let body = serde_json::json!({"real_name": format!("学员{i}")});
        assert_eq!(client.post(url).json(&body).send().await.unwrap().status(), 201);
        let lesson = lessons[i % lessons.len()];
        let url = format!("{base}/api/v1/courses/{course}/lessons/{lesson}/study-sessions");
        let res = client.post(url).send().await.unwrap();
        assert_eq!(res.status(), 201);
        let session = res.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
        out.push(Learner { client, session, lesson });
    }
    out
}

async fn beat(base: &str, l: &Learner) -> (u16, Duration) {
    let url = format!("{base}/api/v1/study-sessions/{}/heartbeats", l.session);
    let t = Instant::now();
    let res = l.client.post(url).json(&serde_json::json!({"lesson_id": l.lesson})).send().await;
    let status = res.map(|r| r.status().as_u16()).unwrap_or(0);
    (status, t.elapsed())
}

async fn round_max(base: &str, all: &Arc<Vec<Learner>>, clients: usize) -> Vec<(u16, Duration)> {
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (all, next, base) = (all.clone(), next.clone(), base.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(l) = all.get(i) else { break };
                out.push(beat(&base, l).await);
            }
            out
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.extend(t.await.unwrap());
    }
    out
}

async fn round_paced(base: &str, all: &Arc<Vec<Learner>>, rate: f64) -> Vec<(u16, Duration)> {
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(all.len());
    for i in 0..all.len() {
        let due = start + Duration::from_secs_f64(i as f64 / rate);
        tokio::time::sleep_until(due.into()).await;
        let (all, base) = (all.clone(), base.to_owned());
        tasks.push(tokio::spawn(async move { beat(&base, &all[i]).await }));
    }
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// Every learner studied `rounds × 10` s on one lesson: the lesson completes after 6
/// beats (60 s) with 2 credits, below the pass score 8: no certificate yet.
async fn check(state: &guildhall::app::AppState, learners: usize, rounds: usize) {
    use diesel::prelude::*;
    use guildhall::db::schema::{course_certificates, course_enrolments, course_lesson_progress};
    let (seconds, completed, certs) = state
        .db
        .run(|conn| {
            let seconds: Option<i64> = course_lesson_progress::table
                .select(diesel::dsl::sum(course_lesson_progress::counted_seconds))
                .first(conn)?;
            let completed: i64 = course_enrolments::table
                .filter(course_enrolments::completed_lessons.eq(1))
                .count()
                .get_result(conn)?;
            let certs: i64 = course_certificates::table.count().get_result(conn)?;
            Ok((seconds.unwrap_or(0), completed, certs))
        })
        .await
        .unwrap();
    let expected = i64::try_from(learners * rounds * 10).unwrap();
    println!(
        "check: counted {seconds} s (expected {expected}), {completed} learners completed a lesson, {certs} certificates"
    );
    assert_eq!(seconds, expected);
    if rounds >= 6 {
        assert_eq!(completed, i64::try_from(learners).unwrap());
    }
}
