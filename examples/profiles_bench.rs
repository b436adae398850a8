//! Benchmark of the member directory, the enterprise directory and the staff member roll
//! (issue 10). Seeds N members (default 100,000) through the roll's Excel import (so
//! the search index is written as in production), a profile for each and M enterprises
//! (default 30,000), starts the real server in-process, and measures over HTTP:
//! directory search by a two-character name and by a company substring, member detail
//! and the enterprise search with 16 concurrent clients; the roll's first page, a
//! company search, a phone search and page 5,000 with 8 concurrent staff.
//!
//! ```text
//! cargo run --release --example profiles_bench -- --db /tmp/bench.db
//! cargo run --release --example profiles_bench -- --db postgres://postgres@127.0.0.1/bench
//! ```
//! (`--members N --enterprises M --seconds S`; the database must be new and empty.)
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark program fails loudly")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::RunQueryDsl as _;
use guildhall::app::{Application, Dependencies};
use guildhall::config::Config;
use guildhall::kernel::clock::{SharedClock, SystemClock};
use guildhall::membership::import;

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗";
const GIVEN: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉晨博";
const CITIES: [&str; 12] = [
    "深圳", "广州", "上海", "北京", "杭州", "成都", "武汉", "南京", "苏州", "厦门", "长沙", "西安",
];
const WORDS: &str = "华锐鼎盛恒通宏达新创卓越天成嘉禾瑞丰永泰金桥远航";
const SUFFIXES: [&str; 5] =
    ["科技有限公司", "实业有限公司", "贸易有限公司", "Robotics Ltd", "制造有限公司"];

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

fn ch(s: &str, i: usize) -> char {
    let chars: Vec<char> = s.chars().collect();
    chars[i % chars.len()]
}

fn name(i: usize) -> String {
    let mut n = format!("{}{}", ch(SURNAMES, i), ch(GIVEN, i / 20));
    if i.is_multiple_of(3) {
        n.push(ch(GIVEN, i / 7));
    }
    n
}

fn word(i: usize) -> String {
    format!("{}{}", ch(WORDS, i / 12), ch(WORDS, i / 240 + 5))
}

fn company(i: usize) -> String {
    format!("{}{}{}", CITIES[i % 12], word(i), SUFFIXES[(i / 7) % 5])
}

fn workbook(from: usize, to: usize) -> Vec<u8> {
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
    let sheet = book.add_worksheet_with_constant_memory().expect("sheet");
    for (c, h) in (0_u16..).zip(header) {
        sheet.write_string(0, c, h).expect("header");
    }
    for (row, i) in (1_u32..).zip(from..to) {
        let cells = [
            String::new(),
            name(i),
            format!("138{i:08}"),
            ["个人会员", "企业会员"][i % 2].to_owned(),
            ["会员", "理事", "副会长"][i % 3].to_owned(),
            ["C", "F", "I", "L"][i % 4].to_owned(),
            company(i),
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

async fn seed(state: &guildhall::app::AppState, members: usize, enterprises: usize) {
    let clock: SharedClock = Arc::new(SystemClock);
    let started = Instant::now();
    let limits = guildhall::kernel::xlsx::XlsxLimits {
        max_rows: 50_000,
        ..guildhall::kernel::xlsx::XlsxLimits::default()
    };
    for from in (0..members).step_by(50_000) {
        let file =
            import::ImportFile { bytes: workbook(from, (from + 50_000).min(members)), limits };
        let tz = chrono_tz::Asia::Shanghai;
        let report =
            import::import_members(&state.db, &clock, tz, 0, file, import::Duplicates::Refuse)
                .await
                .expect("import");
        assert!(report.errors.is_empty(), "import errors");
    }
    println!(
        "seeded {members} members (import + index) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let every = (members / enterprises.max(1)).max(1);
    let sqls = [
        "INSERT INTO member_profiles (user_id, gender, hometown, education, introduction, phone, \
         wechat_id, id_number, home_address, hidden, created_at, updated_at) SELECT user_id, \
         'male', '湖南长沙', '本科', '从事制造业多年。', '13900000000', 'wx', '', '', FALSE, \
         CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM members"
            .to_owned(),
        format!(
            "INSERT INTO enterprises (owner_user_id, name, industry_id, introduction_html, \
             address, website, contact_name, contact_phone, image_file_ids, staff_hidden, \
             staff_note, created_at, updated_at) SELECT user_id, company || '分公司', \
             industry_id, '<p>简介</p>', '地址', '', '联系人', '0755-1234', '[]', FALSE, '', \
             CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM members WHERE id % {every} = 0 \
             ORDER BY id LIMIT {enterprises}"
        ),
    ];
    state
        .db
        .write(move |conn| {
            for sql in &sqls {
                guildhall::per_backend!(conn, |c| diesel::sql_query(sql).execute(c))?;
            }
            Ok(())
        })
        .await
        .expect("profiles and enterprises");
    let rows: Vec<(i64, String)> = state
        .db
        .run(|conn| {
            use diesel::QueryDsl as _;
            use guildhall::db::schema::enterprises::dsl as e;
            Ok(e::enterprises.select((e::id, e::name)).load(conn)?)
        })
        .await
        .expect("enterprises");
    for chunk in rows.chunks(2_000) {
        let chunk = chunk.to_vec();
        state
            .db
            .write(move |conn| {
                for (id, name) in &chunk {
                    guildhall::kernel::search::reindex(conn, "enterprise", *id, &[name])?;
                }
                Ok(())
            })
            .await
            .expect("index");
    }
    println!(
        "seeded {members} profiles and {} enterprises in {:.1} s",
        rows.len(),
        started.elapsed().as_secs_f64()
    );
}

/// Fires GETs from `concurrency` tasks for `seconds`; prints p50, p99, max and errors.
async fn measure(
    label: &str,
    client: reqwest::Client,
    base: &str,
    concurrency: usize,
    seconds: u64,
    path: impl Fn(usize) -> String + Send + Sync + 'static,
) {
    let path = Arc::new(path);
    let until = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for t in 0..concurrency {
        let (client, path, base) = (client.clone(), path.clone(), base.to_owned());
        tasks.push(tokio::spawn(async move {
            let (mut times, mut errors, mut k) = (Vec::new(), 0_usize, t * 1_000_003);
            while Instant::now() < until {
                let url = format!("{base}{}", path(k));
                k += 7919;
                let started = Instant::now();
                let res = client.get(&url).send().await.expect("request");
                let ok = res.status().is_success();
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
        "{label:<34} n={:<6} p50={:>6.1} ms  p99={:>6.1} ms  max={:>6.1} ms  errors={errors}",
        times.len(),
        pick(0.50).as_secs_f64() * 1e3,
        pick(0.99).as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
    );
}

async fn staff_client(state: &guildhall::app::AppState, base: &str) -> reqwest::Client {
    let clock: SharedClock = Arc::new(SystemClock);
    let input = guildhall::accounts::NewStaffInput {
        username: "benchadmin".into(),
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
        ("username", "benchadmin"),
        ("password", "bench-password-42"),
        ("csrf_token", token),
        ("next", "/admin"),
    ];
    let res = client.post(format!("{base}/admin/login")).form(&form).send().await.unwrap();
    assert!(res.status().is_success() || res.status().is_redirection());
    client
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let members: usize = arg("--members").and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let enterprises: usize = arg("--enterprises").and_then(|a| a.parse().ok()).unwrap_or(30_000);
    let seconds: u64 = arg("--seconds").and_then(|a| a.parse().ok()).unwrap_or(10);
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
    config.limits.import_max_rows = 50_000;
    let deps =
        Dependencies { outbox_interval: None, billing_interval: None, ..Dependencies::default() };
    let app = Application::build(config, deps).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state();
    tokio::spawn(app.run_until_stopped());
    seed(&state, members, enterprises).await;

    let clock: SharedClock = Arc::new(SystemClock);
    let user = guildhall::accounts::create_user(&state.db, &clock, None).await.expect("user");
    let token =
        guildhall::accounts::tokens::issue(&state.db, &clock, user.id).await.expect("token");
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("authorization", format!("Bearer {}", token.token).parse()?);
    let api = reqwest::Client::builder().default_headers(headers).build()?;
    let n = members;
    let q = |s: String| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    println!("--- mini-program API, 16 clients, {seconds} s each ---");
    measure("members ?q=<2-char name>", api.clone(), &base, 16, seconds, move |k| {
        format!("/api/v1/members?q={}", q(name(k % n).chars().take(2).collect()))
    })
    .await;
    measure("members ?q=<company substring>", api.clone(), &base, 16, seconds, move |k| {
        format!("/api/v1/members?q={}", q(word(k % n)))
    })
    .await;
    measure("members/{id}", api.clone(), &base, 16, seconds, move |k| {
        format!("/api/v1/members/{}", k % n + 1)
    })
    .await;
    measure("enterprises ?q=<substring>", api.clone(), &base, 16, seconds, move |k| {
        format!("/api/v1/enterprises?q={}", q(word(k % n)))
    })
    .await;
    println!("--- workbench member roll, 8 staff, {seconds} s each ---");
    let staff = staff_client(&state, &base).await;
    measure("roll first page", staff.clone(), &base, 8, seconds, |_| "/admin/members".into()).await;
    measure("roll ?q=<company substring>", staff.clone(), &base, 8, seconds, move |k| {
        format!("/admin/members?q={}", q(word(k % n)))
    })
    .await;
    measure("roll ?q=<phone>", staff.clone(), &base, 8, seconds, move |k| {
        format!("/admin/members?q=138{:08}", k % n)
    })
    .await;
    measure("roll page 5000", staff, &base, 8, seconds, |_| "/admin/members?page=5000".into())
        .await;
    Ok(())
}
