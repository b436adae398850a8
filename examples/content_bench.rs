//! Content benchmark (see docs/content.md, `scripts/content_bench.sh`):
//!
//! `content_bench seed --db URL --articles N` makes N published articles (most for
//! everyone, some members-only or for a minimum position, ten pinned) with Chinese
//! titles and bodies, through the context's store (indexed in `kernel::search`), and
//! a few upcoming events. URL is a SQLite path or a `postgres://` URL; migrated first.
//! `content_bench run --base URL --clients C --requests R` asks each scenario R times
//! over C concurrent clients — the mini-program home, the article list (first page,
//! a deep page, a category, a search) — and prints req/s and latency percentiles.
#![expect(clippy::unwrap_used, reason = "a benchmark tool fails loudly")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use guildhall::content::model::{ArticleFields, audience, status};
use guildhall::db::{Db, DbUrl};
use guildhall::kernel::clock::{SharedClock, SystemClock};

const WORDS: &[&str] = &[
    "协会",
    "年会",
    "政策",
    "解读",
    "税收",
    "优惠",
    "企业",
    "发展",
    "会员",
    "活动",
    "通知",
    "展会",
    "行业",
    "动态",
    "培训",
    "报名",
    "商会",
    "合作",
    "交流",
    "创新",
    "数字化",
    "转型",
    "融资",
    "出口",
    "制造业",
    "新能源",
    "人才",
    "招聘",
    "座谈会",
    "调研",
    "走访",
    "表彰",
    "公告",
    "发布",
];

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
        Some("run") => run().await,
        _ => eprintln!("usage: content_bench seed|run … (see docs/content.md)"),
    }
}

/// A small deterministic generator (xorshift), so runs are comparable.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn words(&mut self, n: usize) -> String {
        (0..n).map(|_| WORDS[self.roll(WORDS.len())]).collect()
    }
}

fn article(dice: &mut Dice, n: usize, at: chrono::NaiveDateTime, director: i64) -> ArticleFields {
    let title = format!("{}（第{n}期）", dice.words(4));
    let summary = dice.words(20);
    let body = format!(
        "<p>{}</p><p>{}</p><h2>{}</h2><p>{}</p>",
        dice.words(60),
        dice.words(60),
        dice.words(3),
        dice.words(80)
    );
    let (aud, min) = match dice.roll(20) {
        0..=2 => (audience::MEMBERS, None),
        3 => (audience::POSITION, Some(director)),
        _ => (audience::EVERYONE, None),
    };
    ArticleFields {
        category_id: 1 + dice.roll(4) as i64,
        search_text: guildhall::kernel::search::normalise(&format!("{title} {summary}")),
        title,
        cover_file_id: None,
        summary,
        body_html: body,
        attachment_file_ids: "[]".into(),
        author: "秘书处".into(),
        status: status::PUBLISHED.into(),
        publish_at: Some(at - chrono::Duration::minutes(n as i64)),
        pinned: n.is_multiple_of(500),
        audience: aud.into(),
        min_position_id: min,
    }
}

async fn seed() {
    let db = Db::connect(&DbUrl::parse(&need("--db")).unwrap(), 4).unwrap();
    db.migrate().unwrap();
    let clock: SharedClock = Arc::new(SystemClock);
    let n: usize = need("--articles").parse().unwrap();
    let staff = guildhall::accounts::create_staff(
        &db,
        &clock,
        guildhall::accounts::NewStaffInput {
            username: format!("bench{}", std::process::id()),
            display_name: "压测".into(),
            role: guildhall::accounts::Role::Admin,
            password: None,
        },
        guildhall::kernel::audit::Actor::System,
    )
    .await
    .unwrap()
    .row
    .id;
    let at = clock.now_naive();
    let director = db
        .run(|conn| {
            Ok(guildhall::membership::all_positions(conn)?
                .iter()
                .find(|p| p.rank == 4)
                .map_or(1, |p| p.id))
        })
        .await
        .unwrap();
    let started = Instant::now();
    let mut dice = Dice(0x9E37_79B9_7F4A_7C15);
    let mut done = 0;
    while done < n {
        let batch: Vec<ArticleFields> =
            (0..500.min(n - done)).map(|i| article(&mut dice, done + i, at, director)).collect();
        done += batch.len();
        db.write(move |conn| {
            for f in &batch {
                let row = guildhall::content::store::insert(conn, f, staff, at)?;
                guildhall::content::store::reindex(conn, row.id, &f.search_text)?;
            }
            Ok(())
        })
        .await
        .unwrap();
        eprint!("\rseeded {done}/{n}");
    }
    for i in 0..3 {
        let starts = at + chrono::Duration::days(7 + i);
        let e = guildhall::events::model::EventDetails {
            title: format!("会员交流会 {i}"),
            cover_file_id: None,
            description_html: String::new(),
            place: "会议室".into(),
            starts_at: starts,
            ends_at: starts + chrono::Duration::hours(2),
            registration_opens_at: at,
            registration_closes_at: starts - chrono::Duration::hours(1),
            capacity: 100,
            member_fee_cents: 0,
            non_member_fee_cents: 0,
            needs_approval: false,
            check_in_enabled: true,
            check_out_enabled: false,
            audience: "everyone".into(),
            checkin_opens_minutes: 120,
            screen_only: false,
        };
        let row = guildhall::events::create_event(&db, &clock, staff, e).await.unwrap();
        guildhall::events::publish_event(&db, &clock, staff, row.id).await.unwrap();
    }
    eprintln!("\nseeded {n} articles in {:.1} s", started.elapsed().as_secs_f64());
}

async fn run() {
    let base = need("--base");
    let clients: usize = arg("--clients").map_or(64, |c| c.parse().unwrap());
    let requests: usize = arg("--requests").map_or(20_000, |c| c.parse().unwrap());
    let http = reqwest::Client::builder().pool_max_idle_per_host(clients).build().unwrap();
    let scenarios = [
        ("home", "/api/v1/home"),
        ("article list, first page", "/api/v1/articles"),
        ("article list, page 100", "/api/v1/articles?page=100"),
        ("article list, one category", "/api/v1/articles?category_id=2"),
        ("article list, search 政策", "/api/v1/articles?q=%E6%94%BF%E7%AD%96"),
    ];
    for (name, path) in scenarios {
        let url = format!("{base}{path}");
        let first: serde_json::Value = http.get(&url).send().await.unwrap().json().await.unwrap();
        let started = Instant::now();
        let mut tasks = Vec::new();
        for c in 0..clients {
            let (http, url) = (http.clone(), url.clone());
            let mine = requests / clients + usize::from(c < requests % clients);
            tasks.push(tokio::spawn(async move {
                let mut times = Vec::with_capacity(mine);
                for _ in 0..mine {
                    let t = Instant::now();
                    let res = http.get(&url).send().await.unwrap();
                    assert_eq!(res.status(), 200);
                    res.bytes().await.unwrap();
                    times.push(t.elapsed());
                }
                times
            }));
        }
        let mut all: Vec<Duration> = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        let elapsed = started.elapsed();
        all.sort_unstable();
        let pct = |p: f64| {
            all[((all.len() as f64 * p) as usize).min(all.len() - 1)].as_secs_f64() * 1000.0
        };
        let total = first.get("total").map_or_else(|| "-".to_owned(), ToString::to_string);
        println!(
            "{name}: total {total}; {} requests in {:.2} s = {:.0} req/s; p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            all.len(),
            elapsed.as_secs_f64(),
            all.len() as f64 / elapsed.as_secs_f64(),
            pct(0.50),
            pct(0.90),
            pct(0.99),
            pct(1.0),
        );
    }
}
