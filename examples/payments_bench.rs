//! Benchmark of WeChat Pay notifications (see docs/benchmarks.md): starts the server
//! in-process on loopback with a merchant account whose keys are made here, creates N
//! orders with an open WeChat transaction each, then fires N genuine notifications plus
//! N duplicates (2N requests) concurrently, signed with the platform key and encrypted
//! with the API v3 key exactly as WeChat does, and checks that exactly N payments exist.
//!
//! `cargo run --release --example payments_bench -- [N] [CONCURRENCY]` on SQLite;
//! with `BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres` a fresh
//! PostgreSQL database is made for the run (and dropped after).
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark tool fails loudly")]

use std::sync::Arc;
use std::time::Instant;

use aes_gcm::aead::{Aead as _, KeyInit as _, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use diesel::{Connection as _, ExpressionMethods as _, RunQueryDsl as _};
use guildhall::app::{Application, Dependencies};
use guildhall::billing::{self, NewOrder, OrderKind};
use guildhall::config::{Config, Secret};
use guildhall::kernel::audit::Actor;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _, LineEnding};
use rsa::signature::{SignatureEncoding as _, Signer as _};
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::json;
use sha2::Sha256;

const MCH_ID: &str = "1900000109";
const APP_ID: &str = "wx-bench-app";
const API_V3_KEY: &str = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb";
const KEY_ID: &str = "PUB_KEY_ID_BENCH";

fn notification(
    platform: &RsaPrivateKey,
    no: &str,
    total: i64,
    i: usize,
) -> (Vec<(String, String)>, String) {
    let resource = json!({
        "appid": APP_ID, "mchid": MCH_ID, "out_trade_no": no, "transaction_id": format!("4200{i:016}"),
        "trade_type": "JSAPI", "trade_state": "SUCCESS", "success_time": "2026-11-26T10:00:00+08:00",
        "payer": {"openid": format!("openid-{i}")}, "amount": {"total": total, "payer_total": total, "currency": "CNY"},
    });
    let nonce = format!("{i:012}");
    let cipher = Aes256Gcm::new_from_slice(API_V3_KEY.as_bytes()).unwrap();
    let ct = cipher
        .encrypt(
            Nonce::from_slice(nonce.as_bytes()),
            Payload { msg: resource.to_string().as_bytes(), aad: b"transaction" },
        )
        .unwrap();
    let body = json!({"id": format!("EV-{i}"), "event_type": "TRANSACTION.SUCCESS", "resource_type": "encrypt-resource",
        "resource": {"algorithm": "AEAD_AES_256_GCM", "ciphertext": B64.encode(ct), "associated_data": "transaction",
                     "nonce": nonce, "original_type": "transaction"}})
    .to_string();
    let ts = chrono::Utc::now().timestamp().to_string();
    let sig =
        SigningKey::<Sha256>::new(platform.clone()).sign(format!("{ts}\n{i}\n{body}\n").as_bytes());
    let headers = vec![
        ("Wechatpay-Timestamp".into(), ts),
        ("Wechatpay-Nonce".into(), i.to_string()),
        ("Wechatpay-Signature".into(), B64.encode(sig.to_bytes())),
        ("Wechatpay-Serial".into(), KEY_ID.into()),
    ];
    (headers, body)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let concurrency: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(n * 2);
    let mut rng = rsa::rand_core::OsRng;
    let merchant = RsaPrivateKey::new(&mut rng, 2048).unwrap();
    let platform = RsaPrivateKey::new(&mut rng, 2048).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let pg = std::env::var("BENCH_DATABASE_URL").ok().filter(|u| !u.is_empty());
    let pg_name = format!("gh_bench_{}", std::process::id());
    let mut config =
        Config { bind: "127.0.0.1:0".into(), data_dir: dir.path().into(), ..Config::default() };
    if let Some(admin) = &pg {
        let mut c = diesel::PgConnection::establish(admin).unwrap();
        diesel::sql_query(format!("CREATE DATABASE \"{pg_name}\"")).execute(&mut c).unwrap();
        let mut url = url::Url::parse(admin).unwrap();
        url.set_path(&format!("/{pg_name}"));
        config.database_url = url.to_string();
    }
    config.server.pool_size = 16;
    config.log.level = "error".into();
    config.wechat.app_id = APP_ID.into();
    let p = &mut config.wechat_pay;
    p.mch_id = MCH_ID.into();
    p.merchant_serial_no = "BENCH".into();
    p.merchant_private_key =
        Secret::new(merchant.to_pkcs8_pem(LineEnding::LF).unwrap().to_string());
    p.api_v3_key = Secret::new(API_V3_KEY);
    p.platform_public_key_id = KEY_ID.into();
    p.platform_public_key =
        RsaPublicKey::from(&platform).to_public_key_pem(LineEnding::LF).unwrap();
    p.api_base = "http://127.0.0.1:9".into();
    guildhall::telemetry::init(&config.log);
    let deps =
        Dependencies { outbox_interval: None, billing_interval: None, ..Dependencies::default() };
    let app = Application::build(config, deps).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state();
    tokio::spawn(app.run_until_stopped());

    // N users, each with an unpaid order and an open WeChat transaction.
    let db = state.db.clone();
    let nos: Vec<(String, i64)> = db
        .write(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            let mut out = Vec::new();
            for i in 0..n {
                let user: i64 = guildhall::per_backend!(&mut *conn, |c| diesel::insert_into(
                    guildhall::db::schema::users::table
                )
                .values((
                    guildhall::db::schema::users::status.eq("active"),
                    guildhall::db::schema::users::created_at.eq(now),
                    guildhall::db::schema::users::updated_at.eq(now)
                ))
                .returning(guildhall::db::schema::users::id)
                .get_result(c))?;
                let cents = 1000 + i as i64;
                let order = NewOrder {
                    user_id: user,
                    kind: OrderKind::EventFee,
                    title: format!("压测订单 {i}"),
                    amount_cents: cents,
                    subject: None,
                    period: None,
                    dedupe_key: None,
                };
                let row = billing::create_order(conn, now, Actor::System, &order)?;
                let no = format!("GH{}x0", row.id);
                let txn = billing::store::pay::NewTxn {
                    order_id: row.id,
                    out_trade_no: &no,
                    prepay_id: "wx-bench",
                    amount_cents: cents,
                    status: "open",
                    expires_at: now + chrono::Duration::hours(1),
                    created_at: now,
                    updated_at: now,
                };
                billing::store::pay::insert_txn(conn, &txn)?;
                out.push((no, cents));
            }
            Ok(out)
        })
        .await
        .unwrap();

    let mut notes: Vec<(Vec<(String, String)>, String)> = Vec::with_capacity(2 * n);
    for (i, (no, cents)) in nos.iter().enumerate() {
        notes.push(notification(&platform, no, *cents, i));
    }
    let duplicates: Vec<_> = notes.clone();
    notes.extend(duplicates);
    // Interleave so duplicates race their originals.
    let len = notes.len();
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by_key(|i| (i % n, *i));
    let http = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build().unwrap();
    let gate = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(len);
    for i in order {
        let (headers, body) = notes[i].clone();
        let (http, base, gate) = (http.clone(), base.clone(), gate.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire().await.unwrap();
            let mut req = http.post(format!("{base}/api/v1/payments/wechat/notify")).body(body);
            for (k, v) in headers {
                req = req.header(k, v);
            }
            req.send().await.map(|r| r.status().as_u16()).unwrap_or(0)
        }));
    }
    let mut statuses = std::collections::BTreeMap::new();
    for t in tasks {
        *statuses.entry(t.await.unwrap()).or_insert(0usize) += 1;
    }
    let elapsed = started.elapsed();
    let payments: i64 = db
        .run(|conn| {
            use diesel::QueryDsl as _;
            Ok(guildhall::db::schema::payments::table.count().get_result(conn)?)
        })
        .await
        .unwrap();
    let backend = if pg.is_some() { "postgres" } else { "sqlite" };
    println!(
        "{backend}: {len} notifies ({n} orders + {n} duplicates, concurrency {concurrency}) in {:.3} s = {:.0} notifies/s; statuses {statuses:?}; payments {payments}",
        elapsed.as_secs_f64(),
        len as f64 / elapsed.as_secs_f64()
    );
    assert_eq!(payments, n as i64, "exactly one payment per order");
    if let Some(admin) = &pg {
        drop(state);
        let mut c = diesel::PgConnection::establish(admin).unwrap();
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{pg_name}\" WITH (FORCE)"))
            .execute(&mut c);
    }
}
