//! The hostile mix (issue 8): for a fixed time, against a local server, send in
//! parallel large images (36-megapixel PNGs), large JSON bodies, the bad .xlsx files
//! (declared extent to the last cell, absurd shared-string count, hundreds of
//! thousands of rows) and slow clients, while check-in scans run; then print the scans'
//! latency and every answer's status counts. `scripts/hostile_mix.sh` runs it against
//! a release build and reads the server's peak RSS.
//!
//! ```text
//! hostile_mix --base http://127.0.0.1:18800 --dir DIR --staff USER:PASSWORD --seconds 60
//! ```
//! `DIR` holds `tokens.txt` and `event.txt` from `events_load seed` (+ `register`).
#![expect(clippy::expect_used, clippy::unwrap_used, reason = "a benchmark program fails loudly")]

use std::collections::BTreeMap;
use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt as _;

type Counts = Arc<Mutex<BTreeMap<String, u64>>>;

fn arg(name: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    let at = args.iter().position(|a| a == name).unwrap_or_else(|| panic!("missing {name}"));
    args[at + 1].clone()
}

fn count(counts: &Counts, what: &str, status: u16) {
    *counts.lock().unwrap().entry(format!("{what} {status}")).or_default() += 1;
}

/// A 6000×6000 RGB PNG of one colour: ~100 KB that decodes to 108 MB.
fn big_png() -> Vec<u8> {
    let img = image::RgbImage::from_pixel(6000, 6000, image::Rgb([200, 120, 40]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn raw_xlsx(sheet: &str, shared: &str) -> Vec<u8> {
    let workbook = r#"<workbook xmlns:r="r"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let rels = r#"<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="x/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
    let sheet = format!("<worksheet>{sheet}</worksheet>");
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in [
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", rels),
        ("xl/worksheets/sheet1.xml", sheet.as_str()),
        ("xl/sharedStrings.xml", shared),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn bad_xlsx_files() -> Vec<Vec<u8>> {
    let header = r#"<row r="1"><c t="s"><v>0</v></c><c t="s"><v>1</v></c><c t="s"><v>2</v></c><c t="s"><v>3</v></c></row>"#;
    let sst = "<sst><si><t>姓名</t></si><si><t>手机号</t></si><si><t>会员类型</t></si><si><t>职务</t></si></sst>";
    let rows: String =
        (2..=400_000).map(|r| format!(r#"<row r="{r}"><c><v>{r}</v></c></row>"#)).collect();
    vec![
        raw_xlsx(
            r#"<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>"#,
            sst,
        ),
        raw_xlsx(
            r#"<sheetData><row r="1"><c t="s"><v>0</v></c></row></sheetData>"#,
            r#"<sst count="4294967295" uniqueCount="4294967295"><si><t>a</t></si></sst>"#,
        ),
        raw_xlsx(&format!("<sheetData>{header}{rows}</sheetData>"), sst),
    ]
}

/// A workbench client signed in as `user:password`, and its CSRF token.
async fn staff_client(base: &str, credentials: &str) -> (reqwest::Client, String) {
    let (user, password) = credentials.split_once(':').expect("USER:PASSWORD");
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let token = |page: String| {
        const FIELD: &str = "name=\"csrf_token\" value=\"";
        let at = page.find(FIELD).expect("csrf field") + FIELD.len();
        page[at..].split('"').next().unwrap().to_owned()
    };
    let page =
        client.get(format!("{base}/admin/login")).send().await.unwrap().text().await.unwrap();
    let form = [("username", user), ("password", password), ("csrf_token", &token(page))];
    let res = client.post(format!("{base}/admin/login")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), 303, "staff sign-in");
    let page = client.get(format!("{base}/admin/members/import")).send().await.unwrap();
    (client, token(page.text().await.unwrap()))
}

/// Opens a connection, sends headers promising a large upload, then one byte a second.
async fn slow_client(addr: String, token: String, until: Instant, counts: Counts) {
    while Instant::now() < until {
        let Ok(mut stream) = tokio::net::TcpStream::connect(&addr).await else { continue };
        let head = format!(
            "POST /api/v1/uploads HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 9000000\r\n\r\n--x\r\n"
        );
        if stream.write_all(head.as_bytes()).await.is_err() {
            continue;
        }
        let mut sent = 0;
        while Instant::now() < until {
            tokio::time::sleep(Duration::from_secs(1)).await;
            if stream.write_all(b"a").await.is_err() {
                break;
            }
            sent += 1;
        }
        count(&counts, "slow-client bytes-trickled", sent);
    }
}

#[tokio::main]
async fn main() {
    let base = arg("--base");
    assert!(base.starts_with("http://127.0.0.1:"), "loopback only");
    let dir = arg("--dir");
    let seconds: u64 = arg("--seconds").parse().unwrap();
    let until = Instant::now() + Duration::from_secs(seconds);
    let tokens: Vec<String> = std::fs::read_to_string(format!("{dir}/tokens.txt"))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let event = std::fs::read_to_string(format!("{dir}/event.txt")).unwrap();
    let qr = event.lines().nth(1).unwrap().to_owned();
    let counts: Counts = Arc::default();
    let (staff, csrf) = staff_client(&base, &arg("--staff")).await;
    let png = Arc::new(big_png());
    let xlsx = Arc::new(bad_xlsx_files());
    let client = reqwest::Client::new();
    let mut tasks = Vec::new();

    // Six parallel uploaders of 36-megapixel PNGs, each as another user.
    for n in 0..6 {
        let (client, base, png, counts) =
            (client.clone(), base.clone(), png.clone(), counts.clone());
        let tokens: Vec<String> = tokens.iter().skip(1000 + n * 100).take(100).cloned().collect();
        tasks.push(tokio::spawn(async move {
            let mut i = 0;
            while Instant::now() < until {
                let part = reqwest::multipart::Part::bytes(png.to_vec()).file_name("big.png");
                let form = reqwest::multipart::Form::new().part("file", part);
                let res = client
                    .post(format!("{base}/api/v1/uploads"))
                    .bearer_auth(&tokens[i % tokens.len()])
                    .multipart(form)
                    .send()
                    .await;
                count(&counts, "image", res.map_or(0, |r| r.status().as_u16()));
                i += 1;
            }
        }));
    }
    // Four senders of large JSON bodies (1 MB: over the limit; 200 KB: under it).
    for n in 0..4 {
        let (client, base, counts) = (client.clone(), base.clone(), counts.clone());
        let token = tokens[2000 + n].clone();
        tasks.push(tokio::spawn(async move {
            let huge = format!(r#"{{"phone":"{}"}}"#, "1".repeat(1024 * 1024));
            let large = format!(r#"{{"nickname":"{}"}}"#, "名".repeat(70_000));
            while Instant::now() < until {
                let res = client
                    .post(format!("{base}/api/v1/auth/sms-code"))
                    .header("content-type", "application/json")
                    .body(huge.clone())
                    .send()
                    .await;
                count(&counts, "json-1MB", res.map_or(0, |r| r.status().as_u16()));
                let res = client
                    .patch(format!("{base}/api/v1/me"))
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body(large.clone())
                    .send()
                    .await;
                count(&counts, "json-200KB", res.map_or(0, |r| r.status().as_u16()));
            }
        }));
    }
    // Two staff members importing the bad .xlsx files in turn.
    for n in 0..2 {
        let (staff, csrf, base, xlsx, counts) =
            (staff.clone(), csrf.clone(), base.clone(), xlsx.clone(), counts.clone());
        tasks.push(tokio::spawn(async move {
            let mut i = n;
            while Instant::now() < until {
                let part = reqwest::multipart::Part::bytes(xlsx[i % xlsx.len()].clone())
                    .file_name("m.xlsx");
                let res = staff
                    .post(format!("{base}/admin/members/import"))
                    .header("hx-request", "true")
                    .header("x-csrf-token", &csrf)
                    .multipart(reqwest::multipart::Form::new().part("file", part))
                    .send()
                    .await;
                count(
                    &counts,
                    &format!("xlsx-{}", i % xlsx.len()),
                    res.map_or(0, |r| r.status().as_u16()),
                );
                i += 1;
            }
        }));
    }
    // Forty slow clients holding connections open.
    let addr = base.trim_start_matches("http://").to_owned();
    for n in 0..40 {
        let token = tokens[3000 + n].clone();
        tasks.push(tokio::spawn(slow_client(addr.clone(), token, until, counts.clone())));
    }
    // Check-in scans at a steady pace across the whole attack, 8 at a time.
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let scan_tokens: Arc<Vec<String>> = Arc::new(tokens.iter().take(1000).cloned().collect());
    let per_worker_gap = Duration::from_millis(seconds * 1000 * 8 / scan_tokens.len() as u64);
    for w in 0..8 {
        let (client, base, counts, latencies, scan_tokens, qr) = (
            client.clone(),
            base.clone(),
            counts.clone(),
            latencies.clone(),
            scan_tokens.clone(),
            qr.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut i = w;
            while i < scan_tokens.len() && Instant::now() < until {
                let started = Instant::now();
                let res = client
                    .post(format!("{base}/api/v1/scans"))
                    .bearer_auth(&scan_tokens[i])
                    .json(&serde_json::json!({ "qr": qr }))
                    .send()
                    .await;
                latencies.lock().unwrap().push(started.elapsed());
                count(&counts, "scan", res.map_or(0, |r| r.status().as_u16()));
                i += 8;
                tokio::time::sleep(per_worker_gap.saturating_sub(started.elapsed())).await;
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let mut lat = latencies.lock().unwrap().clone();
    lat.sort();
    let pct =
        |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)].as_secs_f64() * 1000.0;
    println!(
        "scans: {} in {seconds} s, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        lat.len(),
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    for (what, n) in counts.lock().unwrap().iter() {
        println!("{what}: {n}");
    }
}
