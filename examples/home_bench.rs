//! Benchmark of the workbench home and the audit log's first page (issue 19). Seeds,
//! with bulk SQL inserts in transactions (not through HTTP): N members (default
//! 100,000) who joined over 10 years, 2,000 events with 250 registrations each (three
//! of them today and this week), 1,000,000 scan rows (a check-in and a check-out per
//! registration), this year's dues orders and 200,000 audit rows; starts the real
//! server in-process and measures over HTTP with 8 concurrent staff: the home's first
//! (uncached statistics) answer, the home, and the audit log's first page.
//!
//! ```text
//! cargo run --release --example home_bench -- --db /tmp/home.db
//! cargo run --release --example home_bench -- --db postgres://postgres@127.0.0.1/home_bench
//! ```
//! (`--members N --seconds S`; the database must be new and empty.)
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark program fails loudly")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDateTime, Utc};
use diesel::RunQueryDsl as _;
use guildhall::app::{AppState, Application, Dependencies};
use guildhall::config::Config;
use guildhall::kernel::clock::{SharedClock, SystemClock};

const PER_EVENT: usize = 250;
const AUDIT_ROWS: usize = 200_000;
const BATCH: usize = 1_000;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

fn ts(t: NaiveDateTime) -> String {
    format!("'{}'", t.format("%Y-%m-%d %H:%M:%S"))
}

/// Inserts `rows` (each a parenthesised VALUES tuple) into `head` in batches, all in
/// one transaction.
async fn bulk(state: &AppState, head: &str, rows: Vec<String>) {
    let head = head.to_owned();
    state
        .db
        .write(move |conn| {
            for chunk in rows.chunks(BATCH) {
                let sql = format!("{head} VALUES {}", chunk.join(","));
                guildhall::per_backend!(&mut *conn, |c| diesel::sql_query(&sql).execute(c))?;
            }
            Ok(())
        })
        .await
        .expect("bulk insert");
}

async fn first_id(state: &AppState, table: &'static str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    state
        .db
        .run(move |conn| {
            let sql = format!("SELECT COALESCE(MIN(id), 0) AS id FROM {table}");
            let row: Id = guildhall::per_backend!(conn, |c| diesel::sql_query(&sql).get_result(c))?;
            Ok(row.id)
        })
        .await
        .unwrap()
}

async fn seed(state: &AppState, members: usize, events_n: usize) {
    let started = Instant::now();
    let now = Utc::now().naive_utc();
    let day = chrono::Duration::days(1);
    let users: Vec<String> = (0..members)
        .map(|i| format!("('用户{i}', '138{i:08}', 'active', {t}, {t})", t = ts(now)))
        .collect();
    bulk(state, "INSERT INTO users (nickname, phone, status, created_at, updated_at)", users).await;
    let u0 = first_id(state, "users").await;
    let member_rows: Vec<String> = (0..members)
        .map(|i| {
            let joined = now - day * i32::try_from(i % 3_650).unwrap() - chrono::Duration::hours(3);
            let (status, ended) = match i % 50 {
                0 | 1 => ("resigned", ts(joined + day * 300)),
                2..=4 => ("expired", "NULL".into()),
                _ => ("active", "NULL".into()),
            };
            let industry = if i % 9 == 0 { "NULL".into() } else { (i % 20 + 1).to_string() };
            format!(
                "({user}, 'M{i:06}', '{status}', '会员{i}', {kind}, {pos}, {industry}, \
                 '公司{c}', '总经理', {j}, {ended}, {j}, {j})",
                user = u0 + i64::try_from(i).unwrap(),
                kind = i % 2 + 1,
                pos = [5, 5, 5, 5, 5, 5, 4, 4, 3, 2][i % 10],
                c = i % 5_000,
                j = ts(joined),
            )
        })
        .collect();
    bulk(
        state,
        "INSERT INTO members (user_id, member_number, status, name, member_type_id, position_id, \
         industry_id, company, title, joined_at, ended_at, created_at, updated_at)",
        member_rows,
    )
    .await;
    println!("seeded {members} users and members in {:.1} s", started.elapsed().as_secs_f64());

    let started = Instant::now();
    // Events every ~1.8 days back over 10 years; the newest three run today and this week.
    let events: Vec<String> = (0..events_n)
        .map(|i| {
            let starts = if i < 3 {
                now + chrono::Duration::hours(i64::try_from(i).unwrap() * 30 - 1)
            } else {
                now - chrono::Duration::hours(i64::try_from(i).unwrap() * 44)
            };
            let ends = starts + chrono::Duration::hours(3);
            format!(
                "('活动{i}', '<p>活动介绍</p>', '会议中心', {s}, {e}, {o}, {s}, 300, 0, 0, {appr}, \
                 TRUE, TRUE, 'everyone', 120, FALSE, 1, 'published', {o}, {o})",
                s = ts(starts),
                e = ts(ends),
                o = ts(starts - day * 30),
                appr = if i < 3 { "TRUE" } else { "FALSE" },
            )
        })
        .collect();
    bulk(
        state,
        "INSERT INTO events (title, description_html, place, starts_at, ends_at, \
         registration_opens_at, registration_closes_at, capacity, member_fee_cents, \
         non_member_fee_cents, needs_approval, check_in_enabled, check_out_enabled, audience, \
         checkin_opens_minutes, screen_only, token_version, status, created_at, updated_at)",
        events,
    )
    .await;
    let e0 = first_id(state, "events").await;
    let mut regs = Vec::with_capacity(events_n * PER_EVENT);
    for e in 0..events_n {
        for j in 0..PER_EVENT {
            let user = u0 + i64::try_from((e * PER_EVENT + j) % members).unwrap();
            let status = if e < 3 && j % 10 == 0 { "pending" } else { "registered" };
            let t = ts(now - chrono::Duration::hours(i64::try_from(e).unwrap() * 44));
            regs.push(format!(
                "({}, {user}, '{status}', 0, {t}, {t}, {t}, {t}, {t})",
                e0 + i64::try_from(e).unwrap()
            ));
        }
    }
    bulk(
        state,
        "INSERT INTO event_registrations (event_id, user_id, status, fee_cents, queued_at, \
         checked_in_at, checked_out_at, created_at, updated_at)",
        regs,
    )
    .await;
    let r0 = first_id(state, "event_registrations").await;
    let mut scans = Vec::with_capacity(events_n * PER_EVENT * 2);
    for r in 0..events_n * PER_EVENT {
        let event = e0 + i64::try_from(r / PER_EVENT).unwrap();
        let reg = r0 + i64::try_from(r).unwrap();
        let t = ts(now - chrono::Duration::hours(i64::try_from(r / PER_EVENT).unwrap() * 44));
        scans.push(format!("({event}, {reg}, 'check_in', 'qr', {t})"));
        scans.push(format!("({event}, {reg}, 'check_out', 'qr', {t})"));
    }
    let n_scans = scans.len();
    bulk(
        state,
        "INSERT INTO event_scans (event_id, registration_id, kind, via, created_at)",
        scans,
    )
    .await;
    println!(
        "seeded {events_n} events, {} registrations, {n_scans} scans in {:.1} s",
        events_n * PER_EVENT,
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let year = now.format("%Y").to_string();
    let orders: Vec<String> = (0..members)
        .filter(|i| i % 50 > 1)
        .map(|i| {
            let status = if i % 5 < 3 { "paid" } else { "unpaid" };
            format!(
                "({}, 'dues', '{year} 年度会费', {}, '{status}', 'members', {}, '{year}', \
                 'dues:{year}:user:{}', {t}, {t})",
                u0 + i64::try_from(i).unwrap(),
                [50_000, 200_000][i % 2],
                i + 1,
                u0 + i64::try_from(i).unwrap(),
                t = ts(now),
            )
        })
        .collect();
    bulk(
        state,
        "INSERT INTO orders (user_id, kind, title, amount_cents, status, subject_type, \
         subject_id, period, dedupe_key, created_at, updated_at)",
        orders,
    )
    .await;
    let actions = ["member.edit", "event.published", "staff.sign_in", "application.approve"];
    let audit: Vec<String> = (0..AUDIT_ROWS)
        .map(|i| {
            let t = ts(now - chrono::Duration::minutes(i64::try_from(AUDIT_ROWS - i).unwrap()));
            format!(
                "('staff', 1, '{}', 'members', {}, '{{}}', {t})",
                actions[i % 4],
                i % members + 1
            )
        })
        .collect();
    bulk(
        state,
        "INSERT INTO audit_log (actor_kind, actor_id, action, subject_type, subject_id, details, \
         created_at)",
        audit,
    )
    .await;
    println!(
        "seeded dues orders and {AUDIT_ROWS} audit rows in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// Fires GETs from `concurrency` tasks for `seconds`; prints p50, p99, max and errors.
async fn measure(
    label: &str,
    client: reqwest::Client,
    url: String,
    concurrency: usize,
    seconds: u64,
) {
    let until = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, url) = (client.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let (mut times, mut errors) = (Vec::new(), 0_usize);
            while Instant::now() < until {
                let started = Instant::now();
                let res = client.get(&url).send().await.expect("request");
                let ok = res.status() == 200;
                let _ = res.bytes().await;
                times.push(started.elapsed());
                errors += usize::from(!ok);
            }
            (times, errors)
        }));
    }
    let (mut times, mut errors) = (Vec::new(), 0);
    for task in tasks {
        let (t, e) = task.await.expect("task");
        times.extend(t);
        errors += e;
    }
    times.sort();
    let pick = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "{label:<30} n={:<6} p50={:>6.1} ms  p99={:>6.1} ms  max={:>6.1} ms  errors={errors}",
        times.len(),
        pick(0.50).as_secs_f64() * 1e3,
        pick(0.99).as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
    );
}

async fn staff_client(state: &AppState, base: &str) -> reqwest::Client {
    let clock: SharedClock = Arc::new(SystemClock);
    let input = guildhall::accounts::NewStaffInput {
        username: "benchsecretary".into(),
        display_name: "压测".into(),
        role: guildhall::accounts::Role::Admin,
        password: Some("bench-password-42".into()),
    };
    let actor = guildhall::kernel::audit::Actor::System;
    guildhall::accounts::create_staff(&state.db, &clock, input, actor).await.expect("staff");
    let client = reqwest::Client::builder().cookie_store(true).build().expect("client");
    let page =
        client.get(format!("{base}/admin/login")).send().await.unwrap().text().await.unwrap();
    let token =
        page.split("name=\"csrf_token\" value=\"").nth(1).unwrap().split('"').next().unwrap();
    let form = [
        ("username", "benchsecretary"),
        ("password", "bench-password-42"),
        ("csrf_token", token),
        ("next", "/admin"),
    ];
    let res = client.post(format!("{base}/admin/login")).form(&form).send().await.unwrap();
    assert!(res.status().is_success() || res.status().is_redirection());
    client
}

/// A fresh session cookie (`name=value`) of the bench account.
async fn login_cookie(base: &str) -> String {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page =
        client.get(format!("{base}/admin/login")).send().await.unwrap().text().await.unwrap();
    let token =
        page.split("name=\"csrf_token\" value=\"").nth(1).unwrap().split('"').next().unwrap();
    let form = [
        ("username", "benchsecretary"),
        ("password", "bench-password-42"),
        ("csrf_token", token),
        ("next", "/admin"),
    ];
    let res = client.post(format!("{base}/admin/login")).form(&form).send().await.unwrap();
    let set = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    set.split(';').next().unwrap().to_owned()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let members: usize = arg("--members").and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let seconds: u64 = arg("--seconds").and_then(|a| a.parse().ok()).unwrap_or(15);
    let events: usize = arg("--events").and_then(|a| a.parse().ok()).unwrap_or(2_000);
    let dir = tempfile::tempdir()?;
    let mut config = Config {
        bind: "127.0.0.1:0".into(),
        data_dir: dir.path().to_path_buf(),
        database_url: arg("--db")
            .unwrap_or_else(|| dir.path().join("bench.db").display().to_string()),
        ..Config::default()
    };
    config.log.level = "warn".into();
    config.server.pool_size = 16;
    let deps =
        Dependencies { outbox_interval: None, billing_interval: None, ..Dependencies::default() };
    let app = Application::build(config, deps).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state();
    tokio::spawn(app.run_until_stopped());
    seed(&state, members, events).await;

    let clock: SharedClock = Arc::new(SystemClock);
    let tz = chrono_tz::Asia::Shanghai;
    for round in 1..=3 {
        // A fresh cache: the statistics block computed from the database.
        let cache = guildhall::workbench::stats::StatsCache::default();
        let started = Instant::now();
        let stats = cache.get(&state.db, &clock, tz).await.expect("stats");
        println!(
            "statistics block computed (uncached), round {round}: {:.1} ms ({} current members)",
            started.elapsed().as_secs_f64() * 1e3,
            stats.members.current
        );
    }
    let staff = staff_client(&state, &base).await;
    let body = staff.get(format!("{base}/admin")).send().await?.text().await?;
    assert!(body.contains("id=\"stats\"") && body.contains("events-today"));
    println!("--- workbench, 8 concurrent staff, {seconds} s each ---");
    measure("home /admin", staff.clone(), format!("{base}/admin"), 8, seconds).await;
    measure("audit log first page", staff.clone(), format!("{base}/admin/audit"), 8, seconds).await;
    if let Some(minutes) = arg("--serve").and_then(|a| a.parse::<u64>().ok()) {
        // For looking at the page (headless Chromium through a cookie-adding proxy).
        let cookie = login_cookie(&base).await;
        println!("serving {base} for {minutes} min; cookie: {cookie}");
        tokio::time::sleep(Duration::from_secs(minutes * 60)).await;
    }
    Ok(())
}
