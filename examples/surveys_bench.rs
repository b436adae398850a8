//! Benchmark of surveys (see docs/benchmarks.md and docs/surveys.md). Starts the server
//! in-process on loopback, then:
//!
//! 1. a poll: N users (default 2,000) each submit their vote over HTTP, 64 at a time,
//!    and the run checks exactly N responses and the right total per option;
//! 2. a 20-question named survey (8 single, 4 multiple, 2 text, 3 rating, 3 number
//!    questions) gets R responses (default 20,000, spread over 14 days) written through
//!    the surveys store, then the workbench results page and the Excel export are
//!    fetched over HTTP by a signed-in secretary and timed.
//!
//! `cargo run --release --example surveys_bench -- [N] [R] [CONCURRENCY]` on SQLite;
//! `BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres` runs it on a fresh
//! PostgreSQL database (dropped after). `BENCH_SERVE=1` keeps serving afterwards (the
//! printed address and `bench` / `bench-password` as staff) to look at the pages.
#![expect(clippy::unwrap_used, reason = "a benchmark tool fails loudly")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::{Connection as _, ExpressionMethods as _, QueryDsl as _, RunQueryDsl as _};
use guildhall::accounts::{self, NewStaffInput, Role};
use guildhall::app::{Application, Dependencies};
use guildhall::config::Config;
use guildhall::db::schema::{survey_answers, survey_responses, surveys as surveys_t, users};
use guildhall::kernel::audit::Actor;
use guildhall::surveys::model::{AnswerValue, audience, kind, qkind};
use guildhall::surveys::{self, QuestionSpec, SurveyDetails};

const PASSWORD: &str = "bench-password";

fn details(kind: &str, title: &str) -> SurveyDetails {
    SurveyDetails {
        kind: kind.into(),
        title: title.into(),
        intro: String::new(),
        cover_file_id: None,
        audience: audience::EVERYONE.into(),
        position_ids: "[]".into(),
        anonymous: false,
        results_public: false,
        opens_at: None,
        closes_at: None,
    }
}

fn spec(kind: &str, title: String) -> QuestionSpec {
    QuestionSpec {
        kind: kind.into(),
        title,
        required: kind != qkind::TEXT,
        min_choices: (kind == qkind::MULTIPLE).then_some(1),
        max_choices: (kind == qkind::MULTIPLE).then_some(3),
        max_length: (kind == qkind::TEXT).then_some(200),
        scale: (kind == qkind::RATING).then_some(5),
        min_number: (kind == qkind::NUMBER).then_some(0),
        max_number: (kind == qkind::NUMBER).then_some(500),
    }
}

/// Inserts `n` users in chunks; answers their ids.
fn insert_users(conn: &mut guildhall::db::DbConn, n: usize) -> Vec<i64> {
    let now = chrono::Utc::now().naive_utc();
    let mut ids = Vec::with_capacity(n);
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|i| {
                (
                    users::nickname.eq(Some(format!("压测用户{i}"))),
                    users::status.eq("active"),
                    users::created_at.eq(now),
                    users::updated_at.eq(now),
                )
            })
            .collect();
        let got: Vec<i64> =
            guildhall::per_backend!(&mut *conn, |c| diesel::insert_into(users::table)
                .values(rows.clone())
                .returning(users::id)
                .get_results(c))
            .unwrap();
        ids.extend(got);
    }
    ids
}

async fn sign_in(base: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page =
        client.get(format!("{base}/admin/login")).send().await.unwrap().text().await.unwrap();
    let token =
        page.split("name=\"csrf_token\" value=\"").nth(1).unwrap().split('"').next().unwrap();
    let form =
        [("username", "bench"), ("password", PASSWORD), ("csrf_token", token), ("next", "/admin")];
    let res = client.post(format!("{base}/admin/login")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), 303, "staff sign-in");
    client
}

/// CPU time this process has used (all threads: server, SQLite and client), from
/// `/proc/self/stat` (utime + stime, assuming 100 ticks per second); on a loaded
/// machine wall times mostly measure waiting for a core, this does not.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    // After the name comes field 3 (state); utime and stime are fields 14 and 15.
    let fields: Vec<&str> = after.split_whitespace().collect();
    let field = |n: usize| fields.get(n - 3).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    let ticks = field(14) + field(15);
    Duration::from_millis(ticks * 10)
}

async fn time_get(client: &reqwest::Client, url: &str, runs: usize) -> (Vec<Duration>, usize) {
    let mut times = Vec::new();
    let mut size = 0;
    let cpu = cpu_time();
    for _ in 0..runs {
        let started = Instant::now();
        let res = client.get(url).send().await.unwrap();
        assert_eq!(res.status(), 200, "{url}");
        size = res.bytes().await.unwrap().len();
        times.push(started.elapsed());
    }
    let per_run = (cpu_time() - cpu) / u32::try_from(runs).unwrap();
    println!("  ({url}: {} CPU per request in this process)", ms(per_run));
    times.sort_unstable();
    (times, size)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let voters: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(2000);
    let responses: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let concurrency: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(64);

    let dir = tempfile::tempdir().unwrap();
    let pg = std::env::var("BENCH_DATABASE_URL").ok().filter(|u| !u.is_empty());
    let pg_name = format!("gh_survey_bench_{}", std::process::id());
    let bind = std::env::var("BENCH_BIND").unwrap_or_else(|_| "127.0.0.1:0".into());
    let mut config = Config { bind, data_dir: dir.path().into(), ..Config::default() };
    if let Some(admin) = &pg {
        let mut c = diesel::PgConnection::establish(admin).unwrap();
        diesel::sql_query(format!("CREATE DATABASE \"{pg_name}\"")).execute(&mut c).unwrap();
        let mut url = url::Url::parse(admin).unwrap();
        url.set_path(&format!("/{pg_name}"));
        config.database_url = url.to_string();
    }
    config.server.pool_size = 16;
    config.log.level = "error".into();
    guildhall::telemetry::init(&config.log);
    let deps =
        Dependencies { outbox_interval: None, billing_interval: None, ..Dependencies::default() };
    let app = Application::build(config, deps).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state();
    tokio::spawn(app.run_until_stopped());
    let (db, clock) = (state.db.clone(), state.clock.clone());
    let input = NewStaffInput {
        username: "bench".into(),
        display_name: "压测秘书".into(),
        role: Role::Secretary,
        password: Some(PASSWORD.into()),
    };
    let staff = accounts::create_staff(&db, &clock, input, Actor::System).await.unwrap().row;

    // 1. The poll: every voter over HTTP, `concurrency` at a time.
    let poll =
        surveys::create(&db, &clock, staff.id, details(kind::POLL, "年会地点投票")).await.unwrap();
    let places: Vec<String> = ["北京", "上海", "广州", "深圳"].map(String::from).to_vec();
    let q = spec(qkind::SINGLE, "年会在哪里办？".into());
    let qid =
        surveys::add_question(&db, &clock, staff.id, poll.id, q, places.clone()).await.unwrap();
    surveys::publish(&db, &clock, staff.id, poll.id).await.unwrap();
    let options: Vec<i64> = surveys::find(&db, poll.id).await.unwrap().questions[0]
        .options
        .iter()
        .map(|o| o.id)
        .collect();
    let at = clock.now_naive();
    let tokens: Vec<String> = db
        .write(move |conn| {
            let ids = insert_users(conn, voters);
            ids.into_iter().map(|id| Ok(accounts::tokens::issue_in(conn, id, at)?.token)).collect()
        })
        .await
        .unwrap();
    let http = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build().unwrap();
    let gate = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(voters);
    for (i, token) in tokens.into_iter().enumerate() {
        let (http, gate) = (http.clone(), gate.clone());
        let url = format!("{base}/api/v1/surveys/{}/responses", poll.id);
        let body =
            serde_json::json!({"answers": [{"question_id": qid, "option_ids": [options[i % 4]]}]});
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire().await.unwrap();
            let t = Instant::now();
            let status = http
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .map_or(0, |r| r.status().as_u16());
            (status, t.elapsed())
        }));
    }
    let mut statuses = std::collections::BTreeMap::new();
    let mut latencies = Vec::with_capacity(voters);
    for t in tasks {
        let (status, took) = t.await.unwrap();
        *statuses.entry(status).or_insert(0usize) += 1;
        latencies.push(took);
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    let poll_id = poll.id;
    let (stored, counted): (i64, i64) = db
        .run(move |conn| {
            let stored = survey_responses::table
                .filter(survey_responses::survey_id.eq(poll_id))
                .count()
                .get_result(conn)?;
            let counted =
                surveys_t::table.find(poll_id).select(surveys_t::response_count).first(conn)?;
            Ok((stored, counted))
        })
        .await
        .unwrap();
    let poll_results =
        surveys::results::results(&db, chrono_tz::Asia::Shanghai, poll.id, Default::default())
            .await
            .unwrap();
    let per_option: Vec<i64> = poll_results.questions[0].bars.iter().map(|b| b.count).collect();
    let expected: Vec<i64> = (0..4)
        .map(|o| i64::try_from((0..voters).filter(|i| i % 4 == o).count()).unwrap())
        .collect();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    let backend = if pg.is_some() { "postgres" } else { "sqlite" };
    println!(
        "{backend}: poll, {voters} voters over {concurrency} connections in {:.3} s = {:.0} responses/s, p50 {} p99 {}; statuses {statuses:?}; stored {stored}, counted {counted}; per option {per_option:?} (expected {expected:?})",
        elapsed.as_secs_f64(),
        voters as f64 / elapsed.as_secs_f64(),
        ms(pct(0.5)),
        ms(pct(0.99)),
    );
    assert_eq!(stored, i64::try_from(voters).unwrap(), "exactly one response per voter");
    assert_eq!(counted, stored);
    assert_eq!(per_option, expected, "totals per option");

    // 2. The big survey: 20 questions, `responses` responses written through the store.
    let big = surveys::create(&db, &clock, staff.id, details(kind::SURVEY, "会员年度调查"))
        .await
        .unwrap();
    let five = |p: &str| (1..=5).map(|i| format!("{p}{i}")).collect::<Vec<_>>();
    let mut plan = Vec::new();
    for i in 0..20 {
        let k = match i {
            0..=7 => qkind::SINGLE,
            8..=11 => qkind::MULTIPLE,
            12 | 13 => qkind::TEXT,
            14..=16 => qkind::RATING,
            _ => qkind::NUMBER,
        };
        let opts =
            if qkind::has_options(k) { five(&format!("选项{}-", i + 1)) } else { Vec::new() };
        surveys::add_question(
            &db,
            &clock,
            staff.id,
            big.id,
            spec(k, format!("第 {} 题", i + 1)),
            opts,
        )
        .await
        .unwrap();
        plan.push(k);
    }
    surveys::publish(&db, &clock, staff.id, big.id).await.unwrap();
    let full = surveys::find(&db, big.id).await.unwrap();
    let started = Instant::now();
    let big_id = big.id;
    let now = clock.now_naive();
    db.write(move |conn| {
        let users = insert_users(conn, responses);
        for (r, user) in users.into_iter().enumerate() {
            let mut values = Vec::with_capacity(24);
            for (i, q) in full.questions.iter().enumerate() {
                let qid = q.row.id;
                let pick = |j: usize| q.options[(r * 7 + i * 3 + j) % q.options.len()].id;
                let value = |option_id, text, number, seq| AnswerValue {
                    question_id: qid,
                    seq,
                    option_id,
                    text,
                    number,
                };
                match plan[i] {
                    qkind::SINGLE => values.push(value(Some(pick(0)), None, None, 0)),
                    qkind::MULTIPLE => {
                        values.push(value(Some(pick(0)), None, None, 0));
                        values.push(value(Some(pick(1)), None, None, 1));
                    }
                    qkind::TEXT if r % 3 == 0 => {
                        values.push(value(None, Some(format!("第 {r} 份答卷的建议")), None, 0))
                    }
                    qkind::TEXT => {}
                    qkind::RATING => values.push(value(
                        None,
                        None,
                        Some(i64::try_from(1 + (r + i) % 5).unwrap()),
                        0,
                    )),
                    _ => values.push(value(
                        None,
                        None,
                        Some(i64::try_from((r * 13 + i) % 501).unwrap()),
                        0,
                    )),
                }
            }
            let at = now - chrono::Duration::minutes(i64::try_from(r % (14 * 24 * 60)).unwrap());
            let key = guildhall::kernel::tokens::random_token(16);
            surveys::store::insert_response(conn, &key, big_id, Some(user), at, &values)?;
        }
        diesel::update(surveys_t::table.find(big_id))
            .set(surveys_t::response_count.eq(i64::try_from(responses).unwrap()))
            .execute(conn)?;
        Ok(())
    })
    .await
    .unwrap();
    if let Some(admin) = &pg {
        // What autovacuum does shortly after a bulk write: statistics and the visibility
        // map (so counting can read the covering index only).
        let mut url = url::Url::parse(admin).unwrap();
        url.set_path(&format!("/{pg_name}"));
        let mut c = diesel::PgConnection::establish(url.as_str()).unwrap();
        let vacuum = "VACUUM ANALYZE survey_answers, survey_responses";
        diesel::sql_query(vacuum).execute(&mut c).unwrap();
    }
    let answers: i64 =
        db.run(|conn| Ok(survey_answers::table.count().get_result(conn)?)).await.unwrap();
    println!(
        "{backend}: wrote {responses} responses ({answers} answer rows in all) in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let tz = chrono_tz::Asia::Shanghai;
    let started = Instant::now();
    let res = surveys::results::results(&db, tz, big.id, Default::default()).await.unwrap();
    let counting = started.elapsed();
    let text_q = res.questions.iter().find(|q| q.question.row.kind == qkind::TEXT).unwrap();
    let text_q = text_q.question.row.id;
    let started = Instant::now();
    surveys::results::text_answers(&db, big.id, text_q, Default::default(), 1).await.unwrap();
    println!(
        "{backend}: of which counting {} and one text question's first page {}",
        ms(counting),
        ms(started.elapsed())
    );
    let staff_client = sign_in(&base).await;
    let url = format!("{base}/admin/surveys/{}/results", big.id);
    let (times, size) = time_get(&staff_client, &url, 7).await;
    println!(
        "{backend}: results page, {responses} responses x 20 questions: median {}, min {}, max {} ({size} bytes)",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1])
    );
    let url = format!("{base}/admin/surveys/{}/export.xlsx", big.id);
    let (times, size) = time_get(&staff_client, &url, 3).await;
    println!(
        "{backend}: export, {responses} responses: median {}, min {}, max {} ({size} bytes)",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1])
    );

    if std::env::var("BENCH_SERVE").is_ok_and(|v| !v.is_empty()) {
        println!(
            "serving on {base} (staff: bench / {PASSWORD}); poll {}, survey {}; Ctrl-C ends",
            poll.id, big.id
        );
        tokio::signal::ctrl_c().await.unwrap();
    }
    drop(state);
    if let Some(admin) = &pg {
        let mut c = diesel::PgConnection::establish(admin).unwrap();
        let drop = format!("DROP DATABASE IF EXISTS \"{pg_name}\" WITH (FORCE)");
        diesel::sql_query(drop).execute(&mut c).unwrap();
    }
}
