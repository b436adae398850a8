//! Load test of QR check-in (see docs/benchmarks.md):
//!
//! `events_load seed --db FILE --users N --out DIR` creates a published event whose
//! check-in window is open now, N users with bearer tokens (through the library, in the
//! server's database: a SQLite file or a `postgres://` URL), and writes `DIR/tokens.txt` and `DIR/event.txt` (id and QR).
//! `events_load register --base URL --dir DIR` registers every user over HTTP.
//! `events_load scan --base URL[,URL2…] --dir DIR --concurrency C` fires every user's
//! check-in scan over C connections, spread over the given instances, appends each
//! answered success to `DIR/ok.txt`, and prints scans/s, latency percentiles and status
//! counts. Connection errors (a killed server) are retried on the next instance until
//! one answers.
//! `events_load verify --db FILE --dir DIR` checks the database against `ok.txt`.
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark tool fails loudly")]

use std::collections::HashSet;
use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use guildhall::db::{Db, DbUrl};
use guildhall::events::codes::{self, Action};
use guildhall::events::{self, EventDetails};
use guildhall::kernel::clock::{SharedClock, SystemClock};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

fn need(name: &str) -> String {
    arg(name).unwrap_or_else(|| panic!("missing {name}"))
}

#[tokio::main]
async fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("seed") => seed().await,
        Some("register") => register().await,
        Some("scan") => scan().await,
        Some("verify") => verify().await,
        _ => eprintln!("usage: events_load seed|register|scan|verify … (see docs/benchmarks.md)"),
    }
}

fn open_db() -> Db {
    Db::connect(&DbUrl::parse(&need("--db")).unwrap(), 4).unwrap()
}

async fn seed() {
    let db = open_db();
    let clock: SharedClock = Arc::new(SystemClock);
    let users: usize = need("--users").parse().unwrap();
    let dir = need("--out");
    let key_hex = need("--hmac-key-file");
    let now = clock.now_naive();
    let input = EventDetails {
        title: "压测活动".into(),
        cover_file_id: None,
        description_html: String::new(),
        place: "压测会场".into(),
        starts_at: now + chrono::Duration::minutes(61),
        ends_at: now + chrono::Duration::hours(4),
        registration_opens_at: now - chrono::Duration::hours(1),
        registration_closes_at: now + chrono::Duration::minutes(60),
        capacity: i32::try_from(users).unwrap(),
        member_fee_cents: 0,
        non_member_fee_cents: 0,
        needs_approval: false,
        check_in_enabled: true,
        check_out_enabled: true,
        audience: "everyone".into(),
        checkin_opens_minutes: 120,
        screen_only: false,
    };
    let event = events::create_event(&db, &clock, 0, input).await.unwrap();
    let event = events::publish_event(&db, &clock, 0, event.id).await.unwrap();
    let key = hmac_key(&key_hex);
    let qr = format!(
        "http://bench/q/{}",
        codes::printed(&key, event.id, Action::CheckIn, event.token_version)
    );
    std::fs::write(format!("{dir}/event.txt"), format!("{}\n{qr}\n", event.id)).unwrap();
    let mut out = std::fs::File::create(format!("{dir}/tokens.txt")).unwrap();
    let mut ids = std::fs::File::create(format!("{dir}/users.txt")).unwrap();
    for i in 0..users {
        let user = guildhall::accounts::create_user(&db, &clock, Some(format!("压测用户{i}")))
            .await
            .unwrap();
        let token = guildhall::accounts::tokens::issue(&db, &clock, user.id).await.unwrap();
        writeln!(out, "{}", token.token).unwrap();
        writeln!(ids, "{}", user.id).unwrap();
    }
    println!("seeded event {} and {users} users", event.id);
}

/// The server's HMAC key from its `secrets.toml` (`hmac_key = "…"`, base64).
fn hmac_key(path: &str) -> Vec<u8> {
    use base64::Engine as _;
    let text = std::fs::read_to_string(path).unwrap();
    let value: toml::Value = toml::from_str(&text).unwrap();
    let encoded = value["hmac_key"].as_str().expect("hmac_key in secrets file");
    base64::engine::general_purpose::STANDARD.decode(encoded).unwrap()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(128)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

fn read_lines(path: &str) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .filter(|l| !l.is_empty())
        .collect()
}

async fn register() {
    let (base, dir) = (need("--base"), need("--dir"));
    let event = read_lines(&format!("{dir}/event.txt"));
    let url = format!("{base}/api/v1/events/{}/registrations", event[0]);
    let results = run_all(read_lines(&format!("{dir}/tokens.txt")), 64, move |c, token, _| {
        c.post(url.clone()).bearer_auth(token).send()
    })
    .await;
    let created = results.iter().filter(|r| r.status == 201).count();
    println!("registered {created} of {}", results.len());
}

struct Answer {
    status: u16,
    micros: u128,
}

/// Sends one request per token over `concurrency` workers; connection failures are
/// retried (the server may be restarting, or the next instance may answer) until an
/// HTTP answer arrives. `send` gets the token's index plus the attempt number.
async fn run_all<F, Fut>(tokens: Vec<String>, concurrency: usize, send: F) -> Vec<Answer>
where
    F: Fn(&reqwest::Client, &str, usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = reqwest::Result<reqwest::Response>> + Send,
{
    let tokens = Arc::new(tokens);
    let next = Arc::new(AtomicUsize::new(0));
    let send = Arc::new(send);
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (tokens, next, send, client) = (tokens.clone(), next.clone(), send.clone(), client());
        workers.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(token) = tokens.get(i) else { break };
                for attempt in 0.. {
                    let started = Instant::now();
                    match send(&client, token, i + attempt).await {
                        Ok(res) => {
                            let status = res.status().as_u16();
                            let _ = res.bytes().await;
                            answers.push(Answer { status, micros: started.elapsed().as_micros() });
                            break;
                        }
                        Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                    }
                }
            }
            answers
        }));
    }
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.unwrap());
    }
    all
}

async fn scan() {
    let (base, dir) = (need("--base"), need("--dir"));
    let concurrency: usize = arg("--concurrency").map_or(64, |c| c.parse().unwrap());
    let event = read_lines(&format!("{dir}/event.txt"));
    let body = serde_json::json!({ "qr": event[1] });
    let urls: Vec<String> = base.split(',').map(|b| format!("{b}/api/v1/scans")).collect();
    let ok_file = Arc::new(std::sync::Mutex::new(
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(format!("{dir}/ok.txt"))
            .unwrap(),
    ));
    let started = Instant::now();
    let log = ok_file.clone();
    let results =
        run_all(read_lines(&format!("{dir}/tokens.txt")), concurrency, move |c, token, n| {
            let url = &urls[n % urls.len()];
            let request = c.post(url.clone()).bearer_auth(token).json(&body).send();
            let (log, token) = (log.clone(), token.to_owned());
            async move {
                let res = request.await?;
                if res.status() == 200 {
                    writeln!(log.lock().unwrap(), "{token}").unwrap();
                }
                Ok(res)
            }
        })
        .await;
    report(&results, started.elapsed());
}

fn report(results: &[Answer], elapsed: Duration) {
    let mut micros: Vec<u128> = results.iter().map(|r| r.micros).collect();
    micros.sort_unstable();
    let pct = |p: f64| {
        micros
            .get(((micros.len() as f64 * p) as usize).min(micros.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0)
    };
    let count = |f: &dyn Fn(u16) -> bool| results.iter().filter(|r| f(r.status)).count();
    println!(
        "scans={} elapsed={:.2}s rate={:.0}/s p50={:.1}ms p99={:.1}ms max={:.1}ms ok200={} 4xx={} 5xx={}",
        results.len(),
        elapsed.as_secs_f64(),
        results.len() as f64 / elapsed.as_secs_f64(),
        pct(0.50) as f64 / 1000.0,
        pct(0.99) as f64 / 1000.0,
        micros.last().copied().unwrap_or(0) as f64 / 1000.0,
        count(&|s| s == 200),
        count(&|s| (400..500).contains(&s)),
        count(&|s| s >= 500),
    );
}

async fn verify() {
    let db = open_db();
    let dir = need("--dir");
    let event_id: i64 = read_lines(&format!("{dir}/event.txt"))[0].parse().unwrap();
    let tokens = read_lines(&format!("{dir}/tokens.txt"));
    let users = read_lines(&format!("{dir}/users.txt"));
    let ok: HashSet<String> = read_lines(&format!("{dir}/ok.txt")).into_iter().collect();
    let checked_in: HashSet<i64> =
        events::checked_in_user_ids(&db, event_id).await.unwrap().into_iter().collect();
    let counts = events::event_counts(&db, event_id).await.unwrap();
    let lost = tokens
        .iter()
        .zip(&users)
        .filter(|(t, u)| ok.contains(*t) && !checked_in.contains(&u.parse::<i64>().unwrap()))
        .count();
    println!(
        "answered-success users={} checked-in registrations={} check-in scan rows={} lost={lost} registered={}",
        ok.len(),
        checked_in.len(),
        counts.checked_in,
        counts.registered
    );
    assert_eq!(lost, 0, "a success answer without a check-in in the database");
    assert_eq!(counts.checked_in, checked_in.len() as i64, "a registration checked in twice");
}
