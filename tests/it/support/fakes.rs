//! Local fakes of outside services: WeChat's `jscode2session` and Tencent Cloud SMS.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use parking_lot::Mutex;

/// The app id and secret the WeChat fake accepts.
pub const WECHAT_APP_ID: &str = "wx-test-app";
/// The secret the WeChat fake accepts.
pub const WECHAT_SECRET: &str = "wx-test-secret";
/// Tencent credentials the SMS fake verifies signatures with.
pub const TENCENT_SECRET_ID: &str = "AKID-test";
/// See [`TENCENT_SECRET_ID`].
pub const TENCENT_SECRET_KEY: &str = "tencent-test-key";

pub(crate) fn serve(app: impl Fn(&mut web::ServiceConfig) + Send + Clone + 'static) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = HttpServer::new(move || App::new().configure(app.clone()))
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
    tokio::spawn(server);
    format!("http://127.0.0.1:{port}")
}

/// WeChat: `js_code` decides the answer — `code-NAME` → openid `openid-NAME`,
/// `union-NAME` → also unionid `unionid-NAME`, `bad`, `used`, `limited`, `busy`, `slow`,
/// `garbage` → WeChat's errors, a 3 s delay, or a non-JSON page.
pub struct FakeWechat {
    /// Base URL for `wechat.api_base`.
    pub url: String,
    /// Requests received.
    pub calls: Arc<AtomicUsize>,
}

impl FakeWechat {
    /// Starts the fake.
    pub fn start() -> Self {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let url = serve(move |cfg| {
            let counter = counter.clone();
            cfg.route(
                "/sns/jscode2session",
                web::get().to(move |q: web::Query<std::collections::HashMap<String, String>>| {
                    counter.fetch_add(1, Ordering::SeqCst);
                    answer(q.into_inner())
                }),
            );
        });
        Self { url, calls }
    }
}

async fn answer(q: std::collections::HashMap<String, String>) -> HttpResponse {
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    if get("appid") != WECHAT_APP_ID
        || get("secret") != WECHAT_SECRET
        || get("grant_type") != "authorization_code"
    {
        return HttpResponse::Ok()
            .json(serde_json::json!({"errcode": 40013, "errmsg": "invalid appid"}));
    }
    let code = get("js_code");
    let error = |errcode: i64| {
        HttpResponse::Ok().json(serde_json::json!({"errcode": errcode, "errmsg": "fake"}))
    };
    match code.as_str() {
        "bad" => error(40029),
        "used" => error(40163),
        "limited" => error(45011),
        "busy" => error(-1),
        "garbage" => HttpResponse::BadGateway().content_type("text/html").body("<html>502</html>"),
        "slow" => {
            tokio::time::sleep(std::time::Duration::from_secs(3)).await;
            HttpResponse::Ok().json(serde_json::json!({"openid": "openid-slow", "session_key": "k"}))
        }
        _ => match (code.strip_prefix("code-"), code.strip_prefix("union-")) {
            (Some(name), _) => HttpResponse::Ok().json(serde_json::json!({"openid": format!("openid-{name}"), "session_key": "k"})),
            (_, Some(name)) => HttpResponse::Ok().json(serde_json::json!({
                "openid": format!("openid-{name}"), "unionid": format!("unionid-{name}"), "session_key": "k"
            })),
            _ => error(40029),
        },
    }
}

/// Tencent Cloud SMS: checks each request's TC3 signature and records its body;
/// answers `Ok`, or an error while `fail` is set.
pub struct FakeTencentSms {
    /// Endpoint for `sms.tencent.endpoint`.
    pub url: String,
    /// Bodies of correctly signed requests.
    pub received: Arc<Mutex<Vec<serde_json::Value>>>,
    /// Answer with an error.
    pub fail: Arc<AtomicBool>,
}

impl FakeTencentSms {
    /// Starts the fake.
    pub fn start() -> Self {
        let received = Arc::new(Mutex::new(Vec::new()));
        let fail = Arc::new(AtomicBool::new(false));
        let (r, f) = (received.clone(), fail.clone());
        let url = serve(move |cfg| {
            let (r, f) = (r.clone(), f.clone());
            cfg.route(
                "/",
                web::post().to(move |req: HttpRequest, body: String| {
                    let (r, f) = (r.clone(), f.clone());
                    async move { sms_answer(&req, &body, &r, &f) }
                }),
            );
        });
        Self { url, received, fail }
    }
}

fn sms_answer(
    req: &HttpRequest,
    body: &str,
    received: &Mutex<Vec<serde_json::Value>>,
    fail: &AtomicBool,
) -> HttpResponse {
    let header = |name: &str| {
        req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
    };
    let timestamp: i64 = header("x-tc-timestamp").parse().unwrap_or_default();
    let expected = guildhall::notify::tencent::tc3_authorization(
        TENCENT_SECRET_ID,
        TENCENT_SECRET_KEY,
        "sms",
        &header("host"),
        timestamp,
        body,
    );
    if header("authorization") != expected || header("x-tc-action") != "SendSms" {
        return HttpResponse::Ok().json(serde_json::json!({"Response": {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "bad signature"}, "RequestId": "r"}}));
    }
    if fail.load(Ordering::SeqCst) {
        return HttpResponse::Ok().json(serde_json::json!({"Response": {"Error": {"Code": "InternalError", "Message": "down"}, "RequestId": "r"}}));
    }
    received.lock().push(serde_json::from_str(body).unwrap_or_default());
    HttpResponse::Ok().json(serde_json::json!({"Response": {"SendStatusSet": [{"Code": "Ok", "Message": "send success"}], "RequestId": "r"}}))
}
