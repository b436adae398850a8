//! Hall search benchmark (see docs/marketplace.md, `scripts/marketplace_bench.sh`):
//!
//! `marketplace_bench seed --db URL --listings N` makes 200 active members, 12
//! categories and N approved listings with Chinese titles and descriptions drawn from a
//! few hundred words, through the library (each listing: a row, an approved revision,
//! made live — which indexes it in `kernel::search`). URL is a SQLite path or a
//! `postgres://` URL; the database is migrated first.
//! `marketplace_bench run --base URL --clients C --requests R` asks the hall R times per
//! scenario over C concurrent clients — a two-character word, a four-character word, a
//! category — and prints req/s and latency percentiles per scenario.
//! `marketplace_bench size --db URL` prints the search index's rows and size on disk.
#![expect(clippy::unwrap_used, reason = "a benchmark tool fails loudly")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use guildhall::db::schema::{member_types, members, positions, users};
use guildhall::db::{Db, DbUrl};
use guildhall::kernel::clock::{SharedClock, SystemClock};
use guildhall::kernel::revisions::{self, Draft};
use guildhall::marketplace::model::{ListingFields, ListingKind};
use guildhall::marketplace::store::{self, NewListingRow};

const OWNERS: usize = 200;
const CATEGORIES: [&str; 12] = [
    "原材料",
    "机械设备",
    "电子电气",
    "化工塑料",
    "纺织服装",
    "食品农业",
    "建筑建材",
    "物流仓储",
    "企业服务",
    "新能源",
    "医疗健康",
    "办公用品",
];
const ADJECTIVES: &[&str] = &[
    "优质",
    "批发",
    "定制",
    "现货",
    "低价",
    "高端",
    "环保",
    "进口",
    "国产",
    "二手",
    "全新",
    "厂家直销",
    "长期供应",
    "急需",
    "大量",
    "诚招",
    "合作",
    "代理",
    "加盟",
    "包邮",
    "量大从优",
    "品质保证",
    "源头工厂",
    "一件代发",
    "可开发票",
    "质量上乘",
    "价格实惠",
    "售后无忧",
];
const PLACES: &[&str] = &[
    "苏州", "无锡", "常州", "南京", "杭州", "宁波", "温州", "上海", "深圳", "广州", "东莞", "佛山",
    "青岛", "济南", "合肥", "武汉", "长沙", "成都", "重庆", "西安", "郑州", "天津",
];
const NOUNS: &[&str] = &[
    "钢管",
    "钢板",
    "铝材",
    "铜线",
    "门窗",
    "机床",
    "轴承",
    "电缆",
    "阀门",
    "水泵",
    "电机",
    "塑料粒子",
    "橡胶制品",
    "玻璃",
    "陶瓷",
    "木材",
    "纸箱",
    "包装材料",
    "印刷",
    "服装",
    "面料",
    "茶叶",
    "白酒",
    "大米",
    "食用油",
    "化肥",
    "种子",
    "饲料",
    "医疗器械",
    "口罩",
    "办公家具",
    "电脑",
    "打印机",
    "监控设备",
    "软件开发",
    "网站建设",
    "物流运输",
    "仓储服务",
    "装修工程",
    "保洁服务",
    "会计服务",
    "法律咨询",
    "广告设计",
    "展会服务",
    "企业培训",
    "人力资源",
    "光伏组件",
    "储能电池",
    "充电桩",
    "新能源汽车",
    "无人机",
    "工业机器人",
    "数控设备",
    "模具",
    "注塑加工",
    "冲压件",
    "焊接",
    "钣金加工",
    "五金配件",
    "紧固件",
    "液压件",
    "气动元件",
    "传感器",
    "变频器",
    "配电柜",
    "电线电缆",
    "照明灯具",
    "空调",
    "冷库",
    "不锈钢",
    "铸件",
    "锻件",
    "螺丝",
    "弹簧",
    "齿轮",
    "减速机",
    "输送带",
    "叉车",
    "货架",
];
const FILLERS: &[&str] = &[
    "欢迎",
    "来电",
    "咨询",
    "详谈",
    "本公司",
    "专业",
    "从事",
    "多年",
    "经验",
    "丰富",
    "技术",
    "团队",
    "服务",
    "客户",
    "遍布",
    "全国",
    "各地",
    "支持",
    "样品",
    "检测",
    "交货",
    "及时",
    "规格",
    "齐全",
    "库存",
    "充足",
    "价格",
    "面议",
    "诚信",
    "经营",
    "实力",
    "雄厚",
    "设备",
    "先进",
    "工艺",
    "精湛",
    "欢迎",
    "实地",
    "考察",
    "洽谈",
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
        Some("size") => size().await,
        _ => eprintln!("usage: marketplace_bench seed|run|size … (see docs/marketplace.md)"),
    }
}

fn open_db() -> Db {
    let db = Db::connect(&DbUrl::parse(&need("--db")).unwrap(), 4).unwrap();
    db.migrate().unwrap();
    db
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

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.roll(from.len())]
    }
}

fn make_owners(conn: &mut guildhall::db::DbConn, at: chrono::NaiveDateTime) -> Vec<i64> {
    let member_type: i64 = member_types::table.select(member_types::id).first(conn).unwrap();
    let position: i64 = positions::table.select(positions::id).first(conn).unwrap();
    let mut owners = Vec::new();
    for n in 0..OWNERS {
        let user: i64 = guildhall::per_backend!(conn, |c| diesel::insert_into(users::table)
            .values((
                users::nickname.eq(Some(format!("压测{n}"))),
                users::created_at.eq(at),
                users::updated_at.eq(at),
            ))
            .returning(users::id)
            .get_result(c))
        .unwrap();
        diesel::insert_into(members::table)
            .values((
                members::user_id.eq(user),
                members::member_number.eq(format!("BENCH{user:06}")),
                members::status.eq("active"),
                members::name.eq(format!("会员{n}")),
                members::member_type_id.eq(member_type),
                members::position_id.eq(position),
                members::company.eq(format!("压测企业{n}有限公司")),
                members::title.eq("总经理"),
                members::joined_at.eq(at),
                members::created_at.eq(at),
                members::updated_at.eq(at),
            ))
            .execute(conn)
            .unwrap();
        owners.push(user);
    }
    owners
}

fn fields(dice: &mut Dice, categories: &[i64]) -> ListingFields {
    let noun = dice.pick(NOUNS);
    let title =
        format!("{}{} {}{}", dice.pick(ADJECTIVES), dice.pick(PLACES), noun, dice.pick(ADJECTIVES));
    let mut text = String::new();
    for _ in 0..(20 + dice.roll(30)) {
        let word = match dice.roll(4) {
            0 => dice.pick(NOUNS),
            1 => dice.pick(ADJECTIVES),
            2 => dice.pick(PLACES),
            _ => dice.pick(FILLERS),
        };
        text.push_str(word);
        text.push(if dice.roll(5) == 0 { '，' } else { ' ' });
    }
    ListingFields {
        kind: if dice.roll(3) == 0 { ListingKind::Demand } else { ListingKind::Supply },
        title,
        description_html: format!("<p>{text}</p>"),
        category_id: Some(categories[dice.roll(categories.len())]),
        industry_id: None,
        price_cents: (dice.roll(4) != 0).then(|| (dice.roll(100_000) * 100) as i64),
        unit: "件".into(),
        location: dice.pick(PLACES).into(),
        contact_name: "王经理".into(),
        contact_phone: "13800138000".into(),
        image_file_ids: Vec::new(),
        ends_on: None,
        ends_at: None,
    }
}

async fn seed() {
    let db = open_db();
    let clock: SharedClock = Arc::new(SystemClock);
    let n: usize = need("--listings").parse().unwrap();
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
    for name in CATEGORIES {
        guildhall::marketplace::save_category(&db, &clock, staff, None, name, 0).await.unwrap();
    }
    let categories: Vec<i64> =
        guildhall::marketplace::categories(&db).await.unwrap().into_iter().map(|c| c.id).collect();
    let at = clock.now_naive();
    let owners = db.write(move |conn| Ok(make_owners(conn, at))).await.unwrap();
    let started = Instant::now();
    let mut dice = Dice(0x9E37_79B9_7F4A_7C15);
    let mut done = 0;
    while done < n {
        let batch: Vec<(i64, ListingFields)> = (0..1000.min(n - done))
            .map(|i| (owners[(done + i) % owners.len()], fields(&mut dice, &categories)))
            .collect();
        done += batch.len();
        db.write(move |conn| {
            for (owner, f) in &batch {
                let new = NewListingRow { owner_user_id: *owner, created_at: at, updated_at: at };
                let row = store::insert(conn, &new)?;
                let draft = Draft {
                    kind: guildhall::marketplace::KIND,
                    item_id: row.id,
                    title: &f.title,
                    content: f,
                };
                let rev = revisions::publish(conn, at, &draft, staff)?;
                guildhall::marketplace::staff::make_live(conn, at, &rev)?;
            }
            Ok(())
        })
        .await
        .unwrap();
        eprint!("\rseeded {done}/{n}");
    }
    eprintln!("\nseeded {n} listings in {:.1} s", started.elapsed().as_secs_f64());
}

async fn size() {
    let db = open_db();
    let postgres = need("--db").starts_with("postgres");
    let (rows, bytes) = db
        .run(move |conn| {
            #[derive(QueryableByName)]
            struct N {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                n: i64,
            }
            let count = "SELECT COUNT(*) AS n FROM search_grams";
            let size = if postgres {
                "SELECT pg_total_relation_size('search_grams')::bigint AS n"
            } else {
                "SELECT CAST(SUM(pgsize) AS BIGINT) AS n FROM dbstat WHERE name LIKE '%search_grams%'"
            };
            let rows: N = guildhall::per_backend!(conn, |c| diesel::sql_query(count).get_result(c))?;
            let bytes: Option<N> = guildhall::per_backend!(conn, |c| diesel::sql_query(size).get_result(c)).ok();
            Ok((rows.n, bytes.map(|b| b.n)))
        })
        .await
        .unwrap();
    match bytes {
        Some(b) => println!("search index: {rows} rows, {:.1} MB on disk", b as f64 / 1e6),
        None => println!("search index: {rows} rows (size: compare the file with and without)"),
    }
}

async fn run() {
    let base = need("--base");
    let clients: usize = arg("--clients").map_or(16, |c| c.parse().unwrap());
    let requests: usize = arg("--requests").map_or(2000, |c| c.parse().unwrap());
    let http = reqwest::Client::builder().pool_max_idle_per_host(clients).build().unwrap();
    let cats: serde_json::Value = http
        .get(format!("{base}/api/v1/listing-categories"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let category = cats["items"][1]["id"].as_i64().unwrap();
    let scenarios = [
        ("two-character word 钢管", "q=%E9%92%A2%E7%AE%A1".to_owned()),
        ("four-character word 储能电池", "q=%E5%82%A8%E8%83%BD%E7%94%B5%E6%B1%A0".to_owned()),
        ("category", format!("category_id={category}")),
        (
            "four-character word, by relevance",
            "q=%E5%8E%82%E5%AE%B6%E7%9B%B4%E9%94%80&sort=relevance".to_owned(),
        ),
    ];
    for (name, query) in scenarios {
        let url = format!("{base}/api/v1/listings?{query}");
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
        println!(
            "{name}: {} matches; {} requests in {:.2} s = {:.0} req/s; p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            first["total"],
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
