//! Benchmark of the shared card under a share burst (issue 12). Seeds N members
//! (default 1,000) through the roll's Excel import, a profile, an enterprise and a
//! shared card each, starts the real server in-process and measures over HTTP with 64
//! concurrent clients: `/c/{slug}` and `/api/v1/cards/{slug}` on one card and across
//! all cards (requests/s, p50, p99); then the share image's first render and cached
//! answer.
//!
//! ```text
//! cargo run --release --example card_bench -- --db /tmp/card.db
//! ```
//! (`--members N --seconds S --clients C`; the database must be new and empty;
//! `--serve S` prints a card's URL and keeps serving S seconds instead of measuring, to
//! look at the page in a browser.)
#![expect(clippy::expect_used, reason = "a benchmark program fails loudly")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::RunQueryDsl as _;
use guildhall::app::{Application, Dependencies};
use guildhall::config::Config;
use guildhall::kernel::clock::{SharedClock, SystemClock};
use guildhall::membership::import;

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗";
const GIVEN: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉晨博";

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

fn ch(s: &str, i: usize) -> char {
    let chars: Vec<char> = s.chars().collect();
    chars[i % chars.len()]
}

fn workbook(members: usize) -> Vec<u8> {
    let header = [
        "会员编号",
        "姓名",
        "手机号",
        "会员类型",
        "职务",
        "行业",
        "企业名称",
        "企业职务",
        "状态",
        "入会日期",
    ];
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in (0_u16..).zip(header) {
        sheet.write_string(0, c, h).expect("header");
    }
    for (row, i) in (1_u32..).zip(0..members) {
        let cells = [
            String::new(),
            format!("{}{}{}", ch(SURNAMES, i), ch(GIVEN, i / 20), ch(GIVEN, i / 7)),
            format!("138{i:08}"),
            "企业会员".to_owned(),
            ["会员", "理事", "副会长"][i % 3].to_owned(),
            "C".to_owned(),
            format!("深圳市华锐{i}科技有限公司"),
            "总经理".to_owned(),
            "正常".to_owned(),
            "2025-06-01".to_owned(),
        ];
        for (c, text) in (0_u16..).zip(&cells) {
            if !text.is_empty() {
                sheet.write_string(row, c, text).expect("cell");
            }
        }
    }
    book.save_to_buffer().expect("workbook")
}

async fn seed(state: &guildhall::app::AppState, members: usize) -> Vec<String> {
    let clock: SharedClock = Arc::new(SystemClock);
    let started = Instant::now();
    let limits = guildhall::kernel::xlsx::XlsxLimits::default();
    let file = import::ImportFile { bytes: workbook(members), limits };
    let tz = chrono_tz::Asia::Shanghai;
    let report = import::import_members(&state.db, &clock, tz, 0, file, import::Duplicates::Refuse)
        .await
        .expect("import");
    assert!(report.errors.is_empty(), "import errors");
    let sqls = [
        "INSERT INTO member_profiles (user_id, gender, hometown, education, introduction, phone, \
         wechat_id, id_number, home_address, hidden, created_at, updated_at) SELECT user_id, \
         'male', '湖南长沙', '本科', '从事制造业多年，专注工业机器人。', '13900000000', 'wx', '', '', \
         FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM members",
        "INSERT INTO enterprises (owner_user_id, name, industry_id, introduction_html, \
         address, website, contact_name, contact_phone, image_file_ids, staff_hidden, \
         staff_note, created_at, updated_at) SELECT user_id, company, industry_id, \
         '<p>简介</p>', '深圳市南山区科技园', 'https://example.org', '联系人', '0755-1234', '[]', \
         FALSE, '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM members",
    ];
    state
        .db
        .write(move |conn| {
            for sql in sqls {
                guildhall::per_backend!(conn, |c| diesel::sql_query(sql).execute(c))?;
            }
            Ok(())
        })
        .await
        .expect("profiles and enterprises");
    let users: Vec<i64> = state
        .db
        .run(|conn| {
            use diesel::QueryDsl as _;
            use guildhall::db::schema::members::dsl as m;
            Ok(m::members.select(m::user_id).load(conn)?)
        })
        .await
        .expect("members");
    let here = guildhall::profiles::card::Here {
        base_url: "http://127.0.0.1".into(),
        now: chrono::Utc::now().naive_utc(),
        today: chrono::Utc::now().date_naive(),
        association: "压测商会".into(),
    };
    let mut slugs = Vec::new();
    for user in users {
        let shared = guildhall::profiles::card::share(&state.db, &clock, user, here.clone())
            .await
            .expect("share");
        slugs.push(shared.slug);
    }
    println!(
        "seeded {members} members, profiles, enterprises and shared cards in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    slugs
}

async fn measure(
    label: &str,
    base: &str,
    concurrency: usize,
    seconds: u64,
    path: impl Fn(usize) -> String + Send + Sync + 'static,
) {
    let client = reqwest::Client::builder().pool_max_idle_per_host(256).build().expect("client");
    let path = Arc::new(path);
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for t in 0..concurrency {
        let (client, path, base) = (client.clone(), path.clone(), base.to_owned());
        tasks.push(tokio::spawn(async move {
            let (mut times, mut errors, mut k) = (Vec::new(), 0_usize, t * 1_000_003);
            while Instant::now() < until {
                let url = format!("{base}{}", path(k));
                k += 7919;
                let at = Instant::now();
                let res = client.get(&url).send().await.expect("request");
                let ok = res.status().is_success();
                let _ = res.bytes().await;
                times.push(at.elapsed());
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
    let elapsed = started.elapsed().as_secs_f64();
    times.sort();
    let pick = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "{label:<30} {:>7.0} req/s  n={:<7} p50={:>5.1} ms  p99={:>5.1} ms  max={:>6.1} ms  errors={errors}",
        times.len() as f64 / elapsed,
        times.len(),
        pick(0.50).as_secs_f64() * 1e3,
        pick(0.99).as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
    );
}

async fn share_images(base: &str, slugs: &[String]) {
    let client = reqwest::Client::new();
    let (mut first, mut cached) = (Vec::new(), Vec::new());
    for slug in slugs.iter().take(20) {
        let url = format!("{base}/c/{slug}/share.png");
        for times in [&mut first, &mut cached] {
            let at = Instant::now();
            let res = client.get(&url).send().await.expect("image");
            assert!(res.status().is_success());
            let bytes = res.bytes().await.expect("bytes");
            times.push((at.elapsed(), bytes.len()));
        }
    }
    for (label, mut times) in [("share.png first render", first), ("share.png cached", cached)] {
        times.sort();
        let avg = times.iter().map(|t| t.0.as_secs_f64()).sum::<f64>() / times.len() as f64;
        println!(
            "{label:<30} avg={:>6.1} ms  max={:>6.1} ms  size={} KB  (20 cards)",
            avg * 1e3,
            times[times.len() - 1].0.as_secs_f64() * 1e3,
            times[0].1 / 1024,
        );
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let members: usize = arg("--members").and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let seconds: u64 = arg("--seconds").and_then(|a| a.parse().ok()).unwrap_or(8);
    let clients: usize = arg("--clients").and_then(|a| a.parse().ok()).unwrap_or(64);
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
    let slugs = Arc::new(seed(&state, members).await);

    if let Some(serve) = arg("--serve").and_then(|a| a.parse::<u64>().ok()) {
        println!("{base}/c/{}", slugs[0]);
        println!("{base}/c/{}/share.png", slugs[0]);
        tokio::time::sleep(Duration::from_secs(serve)).await;
        return Ok(());
    }
    println!("--- share burst: {clients} clients, {seconds} s each ---");
    let one = slugs[0].clone();
    let s = one.clone();
    measure("/c/{slug} one card", &base, clients, seconds, move |_| format!("/c/{s}")).await;
    let s = one.clone();
    measure("/api/v1/cards/{slug} one card", &base, clients, seconds, move |_| {
        format!("/api/v1/cards/{s}")
    })
    .await;
    let all = slugs.clone();
    measure("/c/{slug} 1,000 cards", &base, clients, seconds, move |k| {
        format!("/c/{}", all[k % all.len()])
    })
    .await;
    let all = slugs.clone();
    measure("/api/v1/cards/{slug} 1,000 cards", &base, clients, seconds, move |k| {
        format!("/api/v1/cards/{}", all[k % all.len()])
    })
    .await;
    share_images(&base, &slugs[1..]).await;
    Ok(())
}
