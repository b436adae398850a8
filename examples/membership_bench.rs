//! Benchmark of the member roll's Excel import and export on SQLite: builds an .xlsx
//! of N members (default 10,000), imports it into a fresh database through the same use
//! case the workbench calls, then exports the whole roll. Run it on a release build:
//!
//! ```text
//! cargo run --release --example membership_bench -- 10000
//! ```
#![expect(clippy::expect_used, reason = "a benchmark program fails loudly")]

use std::sync::Arc;
use std::time::Instant;

use guildhall::db::{Db, DbUrl};
use guildhall::kernel::clock::{SharedClock, SystemClock};
use guildhall::membership::{import, members};

const HEADER: [&str; 10] = [
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

fn workbook(n: u32) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory().expect("sheet");
    for (c, h) in (0_u16..).zip(HEADER) {
        sheet.write_string(0, c, h).expect("header");
    }
    let types = ["个人会员", "企业会员"];
    let positions = ["会员", "理事", "副会长"];
    let industries = ["C", "F", "I", "L"];
    for i in 1..=n {
        let cells = [
            String::new(),
            format!("会员{i}"),
            format!("138{i:08}"),
            types[(i % 2) as usize].to_owned(),
            positions[(i % 3) as usize].to_owned(),
            industries[(i % 4) as usize].to_owned(),
            format!("示范企业{}有限公司", i % 997),
            "总经理".to_owned(),
            "正常".to_owned(),
            "2025-06-01".to_owned(),
        ];
        for (c, text) in (0_u16..).zip(&cells) {
            if !text.is_empty() {
                sheet.write_string(i, c, text).expect("cell");
            }
        }
    }
    book.save_to_buffer().expect("workbook")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let n: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let dir = tempfile::tempdir()?;
    let url = DbUrl::parse(&dir.path().join("bench.db").to_string_lossy())
        .map_err(|e| anyhow::anyhow!(e))?;
    let db = Db::connect(&url, 4)?;
    db.migrate()?;
    let clock: SharedClock = Arc::new(SystemClock);
    let tz = chrono_tz::Asia::Shanghai;

    let bytes = workbook(n);
    println!("members: {n}, import file: {} KiB", bytes.len() / 1024);

    let started = Instant::now();
    let limits = guildhall::kernel::xlsx::XlsxLimits {
        max_rows: n as usize,
        ..guildhall::kernel::xlsx::XlsxLimits::default()
    };
    let file = import::ImportFile { bytes, limits };
    let report = import::import_members(&db, &clock, tz, 0, file, import::Duplicates::Refuse)
        .await
        .map_err(|e| anyhow::anyhow!("import failed: {e}"))?;
    let import_time = started.elapsed();
    anyhow::ensure!(
        report.errors.is_empty(),
        "import reported errors: {:?}",
        &report.errors.listed[..1]
    );
    println!("import: {} members in {:.3} s", report.imported, import_time.as_secs_f64());

    let started = Instant::now();
    let filter = members::member_filter(None, None, None, None, None);
    let xlsx = members::export_roll(&db, filter, tz).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let export_time = started.elapsed();
    println!("export: {} KiB in {:.3} s", xlsx.len() / 1024, export_time.as_secs_f64());
    Ok(())
}
