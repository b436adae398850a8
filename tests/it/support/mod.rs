//! `TestApp`: the real server on port 0 with a fresh database (a temp SQLite file, or a
//! fresh PostgreSQL database when `TEST_DATABASE_URL` is set), a manual clock, and
//! HTTP clients signed in as staff of a role or as a mini-program user.

pub mod fake_notify;
pub mod fakes;
pub mod html;
mod pg;
pub mod wechat_pay;

use pg::{PgDatabase, fresh_pg_database, with_database};
pub use pg::{fresh_pg, test_database_url};

use std::sync::Arc;

use chrono::TimeZone as _;
use diesel::RunQueryDsl as _;
use guildhall::accounts::{self, NewStaffInput, Role, StaffRow, UserRow};
use guildhall::app::{AppState, Application, Dependencies};
use guildhall::config::Config;
use guildhall::kernel::audit::Actor;
use guildhall::kernel::clock::{ManualClock, SharedClock};
use guildhall::kernel::tokens::random_token;
use reqwest::redirect::Policy;

/// Status of a workbench POST whose form carries only the CSRF token.
pub async fn post_csrf(client: &reqwest::Client, url: &str, token: &str) -> u16 {
    client.post(url).form(&[("csrf_token", token)]).send().await.unwrap().status().as_u16()
}

/// The JSON body a request answers with (`null` when it is not JSON).
pub async fn json_of(req: reqwest::RequestBuilder) -> serde_json::Value {
    req.send().await.unwrap().json().await.unwrap_or(serde_json::Value::Null)
}

/// A running server for one test.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// Shared state: database, config.
    pub state: actix_web::web::Data<AppState>,
    /// The injectable clock.
    pub clock: ManualClock,
    /// The data directory (temp).
    pub data_dir: tempfile::TempDir,
    /// Outbox rows the test has looked at ([`TestApp::outbox_to`]); any other row still
    /// pending when the test ends fails it (a message nobody expected).
    seen_outbox: parking_lot::Mutex<std::collections::HashSet<i64>>,
    _pg: Option<PgDatabase>,
    /// A second instance ([`TestApp::spawn_sibling`]): the first one checks the outbox.
    sibling: bool,
}

/// Builds and starts a server on `config` with the manual `clock`: its address and state.
async fn start(config: Config, clock: ManualClock) -> (String, actix_web::web::Data<AppState>) {
    let shared: SharedClock = Arc::new(clock);
    let deps = Dependencies {
        clock: shared,
        outbox_interval: None,
        billing_interval: None,
        ..Dependencies::default()
    };
    let app = Application::build(config, deps).await.expect("server builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state();
    tokio::spawn(app.run_until_stopped());
    (address, state)
}

impl Drop for TestApp {
    fn drop(&mut self) {
        use diesel::{ExpressionMethods as _, QueryDsl as _};
        use guildhall::db::schema::outbox;
        if std::thread::panicking() || self.sibling {
            return;
        }
        let Ok(mut conn) = self.state.db.get() else { return };
        let pending: Vec<(i64, String, String)> = guildhall::per_backend!(&mut *conn, |c| {
            outbox::table
                .filter(outbox::status.eq("pending"))
                .select((outbox::id, outbox::recipient, outbox::template))
                .load(c)
        })
        .unwrap_or_default();
        let seen = self.seen_outbox.lock();
        let unexpected: Vec<_> = pending.iter().filter(|(id, _, _)| !seen.contains(id)).collect();
        assert!(
            unexpected.is_empty(),
            "messages queued that the test never looked at (use app.outbox_to): {unexpected:?}"
        );
    }
}

/// The password every test staff account gets.
pub const STAFF_PASSWORD: &str = "test-password-42";

impl TestApp {
    /// Starts a server with default test settings.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Starts a server that talks to `wechat` (a fake) for `jscode2session`.
    pub async fn spawn_with_wechat(wechat: &fakes::FakeWechat) -> Self {
        let url = wechat.url.clone();
        Self::spawn_with(move |c| {
            c.wechat.app_id = fakes::WECHAT_APP_ID.into();
            c.wechat.app_secret = guildhall::config::Secret::new(fakes::WECHAT_SECRET);
            c.wechat.api_base = url;
            c.wechat.timeout_ms = 500;
        })
        .await
    }

    /// Starts a server whose WeChat Pay merchant account is the fake `pay`.
    pub async fn spawn_with_pay(pay: &wechat_pay::FakeWechatPay) -> Self {
        let (merchant, platform) = wechat_pay::server_pems();
        let url = pay.url.clone();
        Self::spawn_with(move |c| {
            c.wechat.app_id = fakes::WECHAT_APP_ID.into();
            c.wechat_pay.mch_id = wechat_pay::MCH_ID.into();
            c.wechat_pay.merchant_serial_no = wechat_pay::MERCHANT_SERIAL.into();
            c.wechat_pay.merchant_private_key = guildhall::config::Secret::new(merchant);
            c.wechat_pay.api_v3_key = guildhall::config::Secret::new(wechat_pay::API_V3_KEY);
            c.wechat_pay.platform_public_key_id = wechat_pay::PLATFORM_KEY_ID.into();
            c.wechat_pay.platform_public_key = platform;
            c.wechat_pay.api_base = url;
            c.wechat_pay.timeout_ms = 2000;
        })
        .await
    }

    /// Binds WeChat openid `openid` to `user_id` (as WeChat sign-in would).
    pub async fn set_openid(&self, user_id: i64, openid: &str) {
        let sql = format!("UPDATE users SET wechat_openid = '{openid}' WHERE id = {user_id}");
        self.exec(sql).await;
    }

    /// Runs raw SQL (fixtures owned by other contexts).
    pub async fn exec(&self, sql: String) {
        self.state
            .db
            .run(move |conn| {
                guildhall::per_backend!(conn, |c| diesel::sql_query(&sql).execute(c))?;
                Ok(())
            })
            .await
            .unwrap();
        // Raw SQL bypasses `db.write`: cached copies of content must not outlive it.
        self.state.db.changed();
    }

    /// Runs the background billing pass once (payment sweep, expiry, reminders).
    pub async fn billing_pass(
        &self,
    ) -> (guildhall::billing::pay::SweepReport, guildhall::billing::dues::DailyReport) {
        guildhall::billing::passes::run_once(&self.state.pass_context()).await.unwrap()
    }

    /// Starts a server after `tweak` adjusts the configuration.
    pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> Self {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let pg = test_database_url().map(|url| fresh_pg_database(&url));
        let mut config = Config {
            bind: "127.0.0.1:0".into(),
            data_dir: data_dir.path().to_path_buf(),
            database_url: pg
                .as_ref()
                .map(|d| with_database(&d.admin_url, &d.name))
                .unwrap_or_default(),
            ..Config::default()
        };
        config.server.workers = 1;
        config.server.pool_size = 4;
        config.log.level = "warn".into();
        tweak(&mut config);
        guildhall::telemetry::init(&config.log);
        let clock = ManualClock::new(chrono::Utc.with_ymd_and_hms(2026, 11, 24, 6, 30, 0).unwrap());
        let (address, state) = start(config, clock.clone()).await;
        Self {
            address,
            state,
            clock,
            data_dir,
            seen_outbox: Default::default(),
            _pg: pg,
            sibling: false,
        }
    }

    /// A second instance on this one's database, configuration and clock, with its own
    /// data directory and in-process state (as a second server behind a load balancer).
    /// It leaves the database and the check of unlooked-at messages to `self`.
    pub async fn spawn_sibling(&self) -> Self {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut config = (*self.state.config).clone();
        config.bind = "127.0.0.1:0".into();
        config.data_dir = data_dir.path().to_path_buf();
        let (address, state) = start(config, self.clock.clone()).await;
        let clock = self.clock.clone();
        Self {
            address,
            state,
            clock,
            data_dir,
            seen_outbox: Default::default(),
            _pg: None,
            sibling: true,
        }
    }

    /// An absolute URL for `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A fresh anonymous client that keeps cookies and does not follow redirects.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("client")
    }

    /// Creates a staff account of `role` with [`STAFF_PASSWORD`].
    pub async fn create_staff(&self, role: Role) -> StaffRow {
        let username =
            format!("{}{}", role.as_str(), random_token(4).to_lowercase().replace(['-', '_'], "x"));
        let input = NewStaffInput {
            username,
            display_name: format!("测试{}", role.label()),
            role,
            password: Some(STAFF_PASSWORD.into()),
        };
        accounts::create_staff(&self.state.db, &self.state.clock, input, Actor::System)
            .await
            .expect("staff created")
            .row
    }

    /// The CSRF token on the page at `path`, as the browser would see it.
    pub async fn csrf_token(&self, client: &reqwest::Client, path: &str) -> String {
        let body = client.get(self.url(path)).send().await.unwrap().text().await.unwrap();
        html::csrf_token(&body).unwrap_or_else(|| panic!("no CSRF token on {path}"))
    }

    /// Signs `client` in through the login form; returns the response to the POST.
    pub async fn sign_in(
        &self,
        client: &reqwest::Client,
        username: &str,
        password: &str,
    ) -> reqwest::Response {
        let token = self.csrf_token(client, "/admin/login").await;
        client
            .post(self.url("/admin/login"))
            .form(&[
                ("username", username),
                ("password", password),
                ("csrf_token", &token),
                ("next", "/admin"),
            ])
            .send()
            .await
            .unwrap()
    }

    /// A client signed in as a new staff member of `role`.
    pub async fn staff_client(&self, role: Role) -> (reqwest::Client, StaffRow) {
        let staff = self.create_staff(role).await;
        let client = self.client();
        let res = self.sign_in(&client, &staff.username, STAFF_PASSWORD).await;
        assert_eq!(res.status(), 303, "sign-in should redirect");
        (client, staff)
    }

    /// POSTs JSON to the API (with `token` as bearer, if any); returns status and body
    /// (`null` when the body is not JSON).
    pub async fn post_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let mut req = reqwest::Client::new().post(self.url(path)).json(&body);
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// A client carrying a new bearer token of the existing user `user_id`.
    pub async fn client_of(&self, user_id: i64) -> reqwest::Client {
        let issued =
            accounts::tokens::issue(&self.state.db, &self.state.clock, user_id).await.unwrap();
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {}", issued.token).parse().unwrap(),
        );
        reqwest::Client::builder()
            .default_headers(headers)
            .redirect(Policy::none())
            .build()
            .unwrap()
    }

    /// A client carrying a bearer token of a new mini-program user.
    pub async fn user_client(&self) -> (reqwest::Client, UserRow, String) {
        let user =
            accounts::create_user(&self.state.db, &self.state.clock, Some("测试用户".into()))
                .await
                .unwrap();
        let issued =
            accounts::tokens::issue(&self.state.db, &self.state.clock, user.id).await.unwrap();
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {}", issued.token).parse().unwrap(),
        );
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .redirect(Policy::none())
            .build()
            .unwrap();
        (client, user, issued.token)
    }

    /// Counts rows of `table` (test-side check that nothing was written).
    pub async fn count_rows(&self, table: &'static str) -> i64 {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        self.state
            .db
            .run(move |conn| {
                let sql = format!("SELECT COUNT(*) AS n FROM {table}");
                let row: Count =
                    guildhall::per_backend!(conn, |c| diesel::sql_query(&sql).get_result(c))?;
                Ok(row.n)
            })
            .await
            .unwrap()
    }

    /// Files stored under the data directory's `files/` (recursively).
    pub fn stored_files(&self) -> Vec<std::path::PathBuf> {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else { return };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() { walk(&path, out) } else { out.push(path) }
            }
        }
        let mut out = Vec::new();
        walk(&self.data_dir.path().join("files"), &mut out);
        out
    }

    /// The messages queued for `recipient`, newest first; the test has now seen them.
    pub async fn outbox_to(&self, recipient: &str) -> Vec<guildhall::kernel::outbox::OutboxRow> {
        let recipient = recipient.to_owned();
        let rows = self
            .state
            .db
            .run(move |conn| guildhall::kernel::outbox::for_recipient(conn, &recipient))
            .await
            .unwrap();
        self.seen_outbox.lock().extend(rows.iter().map(|r| r.id));
        rows
    }

    /// The newest SMS code queued for `phone` (read from the outbox, as the SMS provider
    /// would).
    pub async fn sms_code(&self, phone: &'static str) -> String {
        let rows = self.outbox_to(phone).await;
        let row = rows.first().unwrap_or_else(|| panic!("no message to {phone}"));
        let payload: serde_json::Value = serde_json::from_str(&row.payload).unwrap();
        payload["code"].as_str().unwrap().to_owned()
    }

    /// Whether this run is on PostgreSQL.
    pub fn on_postgres(&self) -> bool {
        self.state.db.backend() == guildhall::db::Backend::Postgres
    }
}
