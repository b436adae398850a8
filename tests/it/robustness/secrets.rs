//! What the README says is stored, checked by reading every text column of the
//! database after a sign-in: no sign-in code and no bearer token in the clear, and no
//! code left in the outbox once delivered, expired or given up.

use std::sync::Arc;

use diesel::RunQueryDsl as _;
use diesel::sql_types::{BigInt, Text};
use guildhall::kernel::outbox;
use guildhall::notify::{self, Providers, SendFuture, Sender};
use serde_json::json;

use crate::support::TestApp;

#[derive(diesel::QueryableByName)]
struct TextColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

const SQLITE_TEXT: &str = "SELECT m.name AS table_name, p.name AS column_name \
     FROM sqlite_master m JOIN pragma_table_info(m.name) p \
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND upper(p.type) = 'TEXT'";
const PG_TEXT: &str = "SELECT table_name::text AS table_name, column_name::text AS column_name \
     FROM information_schema.columns WHERE table_schema = 'public' \
     AND data_type IN ('text', 'character varying')";

/// `table.column` of every text cell that contains `needle`.
async fn where_stored(app: &TestApp, needle: String) -> Vec<String> {
    app.state
        .db
        .run(move |conn| {
            let columns: Vec<TextColumn> = match conn {
                guildhall::db::DbConn::Pg(c) => diesel::sql_query(PG_TEXT).load(c)?,
                guildhall::db::DbConn::Sqlite(c) => diesel::sql_query(SQLITE_TEXT).load(c)?,
            };
            let mut found = Vec::new();
            for col in columns {
                let sql = format!(
                    "SELECT COUNT(*) AS n FROM {} WHERE {} LIKE '%{needle}%'",
                    col.table_name, col.column_name
                );
                let count: Count =
                    guildhall::per_backend!(conn, |c| diesel::sql_query(&sql).get_result(c))?;
                if count.n > 0 {
                    found.push(format!("{}.{}", col.table_name, col.column_name));
                }
            }
            Ok(found)
        })
        .await
        .unwrap()
}

async fn request_code(app: &TestApp, phone: &'static str) -> String {
    let (status, _) = app.post_json("/api/v1/auth/sms-code", None, json!({"phone": phone})).await;
    assert_eq!(status, 202);
    app.sms_code(phone).await
}

async fn outbox_rows(app: &TestApp, phone: &'static str) -> Vec<outbox::OutboxRow> {
    app.state.db.run(move |conn| outbox::for_recipient(conn, phone)).await.unwrap()
}

#[tokio::test]
async fn after_sign_in_neither_the_code_nor_the_token_is_stored_in_the_clear() {
    let app = TestApp::spawn().await;
    let code = request_code(&app, "13800138000").await;
    notify::deliver_due(&app.state.db, &app.state.clock, &Providers::default()).await.unwrap();
    let (status, signed) = app
        .post_json("/api/v1/auth/sms", None, json!({"phone": "13800138000", "code": code}))
        .await;
    assert_eq!(status, 200, "{signed}");
    let token = signed["token"].as_str().unwrap().to_owned();
    assert_eq!(where_stored(&app, code).await, Vec::<String>::new(), "the code");
    assert_eq!(where_stored(&app, token).await, Vec::<String>::new(), "the bearer token");
    let row = &outbox_rows(&app, "13800138000").await[0];
    assert_eq!((row.status.as_str(), row.payload.as_str()), ("sent", "{}"));
}

#[tokio::test]
async fn an_undelivered_code_leaves_the_outbox_when_it_expires() {
    let app = TestApp::spawn().await;
    let code = request_code(&app, "13900139000").await;
    app.clock.advance(chrono::Duration::minutes(5));
    notify::deliver_due(&app.state.db, &app.state.clock, &Providers::default()).await.unwrap();
    let row = &outbox_rows(&app, "13900139000").await[0];
    assert_eq!((row.status.as_str(), row.payload.as_str()), ("expired", "{}"));
    assert_eq!(where_stored(&app, code).await, Vec::<String>::new());
}

/// A provider that is always down.
#[derive(Debug)]
struct Down;

impl Sender for Down {
    fn send<'a>(&'a self, _message: &'a outbox::OutboxRow) -> SendFuture<'a> {
        Box::pin(async { Err("provider down".into()) })
    }
}

#[tokio::test]
async fn a_message_given_up_keeps_no_payload() {
    let app = TestApp::spawn().await;
    let at = app.state.clock.now_naive();
    app.state
        .db
        .run(move |conn| {
            let payload = json!({"secret": "do-not-keep-123"});
            outbox::enqueue(conn, at, outbox::Channel::Sms, "13700137000", "t", &payload)
        })
        .await
        .unwrap();
    let providers = Providers { sms: Arc::new(Down), ..Providers::default() };
    for _ in 0..notify::MAX_ATTEMPTS {
        notify::deliver_due(&app.state.db, &app.state.clock, &providers).await.unwrap();
        app.clock.advance(chrono::Duration::hours(1));
    }
    let row = &outbox_rows(&app, "13700137000").await[0];
    assert_eq!((row.status.as_str(), row.payload.as_str()), ("failed", "{}"));
    assert!(where_stored(&app, "do-not-keep-123".into()).await.is_empty());
}
