//! Notifications through local fakes of every provider (WeChat token + subscription
//! messages, Tencent SMS, SMTP): grants, SMS fallback, in-app records, staff e-mail, the
//! production start check — on SQLite, or PostgreSQL with `TEST_DATABASE_URL`.

mod delivery;
mod email_address;
mod settings;
mod staff;
mod workbench;

use guildhall::config::{Config, Secret};
use guildhall::notices::NoticeKind;
use guildhall::notices::catalog::KindSettings;
use guildhall::notify::{self, Providers};

use crate::support::TestApp;
use crate::support::fake_notify::{FakeSmtp, FakeWechatMessages};
use crate::support::fakes::{self, FakeTencentSms};

/// Every provider's fake.
pub struct Fakes {
    pub wechat: FakeWechatMessages,
    pub sms: FakeTencentSms,
    pub smtp: FakeSmtp,
}

impl Fakes {
    pub async fn start() -> Self {
        Self {
            wechat: FakeWechatMessages::start(),
            sms: FakeTencentSms::start(),
            smtp: FakeSmtp::start().await,
        }
    }
}

/// WeChat template id of `kind` in these tests.
pub fn wechat_template(kind: NoticeKind) -> String {
    format!("WX-{}", kind.key())
}

/// SMS template id of `kind` in these tests.
pub fn sms_template(kind: NoticeKind) -> String {
    format!("SMS-{}", kind.key())
}

/// Points the configuration at the fakes and gives every kind both templates, SMS
/// fallback on.
pub fn use_fakes(c: &mut Config, fakes: &Fakes) {
    c.wechat.app_id = fakes::WECHAT_APP_ID.into();
    c.wechat.app_secret = Secret::new(fakes::WECHAT_SECRET);
    c.wechat.api_base = fakes.wechat.url.clone();
    c.wechat.timeout_ms = 2000;
    c.sms.provider = "tencent".into();
    let t = &mut c.sms.tencent;
    t.secret_id = fakes::TENCENT_SECRET_ID.into();
    t.secret_key = Secret::new(fakes::TENCENT_SECRET_KEY);
    t.sdk_app_id = "1400000000".into();
    t.sign_name = "测试商会".into();
    t.code_template_id = "100".into();
    t.endpoint = format!("{}/", fakes.sms.url);
    c.email.provider = "smtp".into();
    c.email.smtp_host = "127.0.0.1".into();
    c.email.smtp_port = fakes.smtp.port;
    c.email.tls = "none".into();
    c.email.from = "测试商会 <noreply@example.org>".into();
    c.email.timeout_ms = 2000;
    for kind in NoticeKind::ALL {
        c.notices.kinds.insert(
            kind.key().into(),
            KindSettings {
                wechat_template_id: wechat_template(kind),
                sms_template_id: sms_template(kind),
                sms_params: "title,body".into(),
                email_subject: "【通知】{title}".into(),
                sms_fallback: Some(true),
                ..KindSettings::default()
            },
        );
    }
}

/// A server using the fakes, and its providers.
pub async fn spawn(fakes: &Fakes) -> (TestApp, Providers) {
    let app = TestApp::spawn_with(|c| use_fakes(c, fakes)).await;
    let providers = Providers::from_config(&app.state.config, app.state.clock.clone()).unwrap();
    (app, providers)
}

/// Delivers everything due.
pub async fn deliver(app: &TestApp, providers: &Providers) -> usize {
    notify::deliver_due(&app.state.db, &app.state.clock, providers).await.unwrap()
}
