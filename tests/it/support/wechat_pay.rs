//! A local fake of the WeChat Pay API v3 that does the real cryptography with keys made
//! here: it verifies the merchant's WECHATPAY2-SHA256-RSA2048 request signatures, signs
//! its answers and notifications with its platform key, and encrypts notification
//! resources with AEAD_AES_256_GCM under the API v3 key. It uses the crates directly
//! (not the server's code), so a mistake on either side shows.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use actix_web::{HttpRequest, HttpResponse, web};
use aes_gcm::aead::{Aead as _, KeyInit as _, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use parking_lot::Mutex;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _, LineEnding};
use rsa::signature::{SignatureEncoding as _, Signer as _, Verifier as _};
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{Value, json};
use sha2::Sha256;

use super::fakes::{WECHAT_APP_ID, serve};

/// The merchant id the fake accepts.
pub const MCH_ID: &str = "1900000109";
/// The merchant certificate serial the fake expects.
pub const MERCHANT_SERIAL: &str = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
/// The platform public key id the fake signs with.
pub const PLATFORM_KEY_ID: &str = "PUB_KEY_ID_0114232134912410000";
/// The API v3 key.
pub const API_V3_KEY: &str = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb";

/// Keys made once per test run (RSA generation is slow in debug builds).
pub struct Keys {
    /// Merchant key (the server signs with it).
    pub merchant: RsaPrivateKey,
    /// Platform key (the fake signs with it).
    pub platform: RsaPrivateKey,
}

/// The keys of this test run.
pub fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut rng = rsa::rand_core::OsRng;
        Keys {
            merchant: RsaPrivateKey::new(&mut rng, 2048).unwrap(),
            platform: RsaPrivateKey::new(&mut rng, 2048).unwrap(),
        }
    })
}

fn sign(key: &RsaPrivateKey, message: &str) -> String {
    B64.encode(SigningKey::<Sha256>::new(key.clone()).sign(message.as_bytes()).to_bytes())
}

fn nonce() -> String {
    guildhall::kernel::tokens::random_token(12)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

/// A transaction the fake knows.
#[derive(Debug, Clone)]
pub struct FakeTxn {
    /// Prepay id.
    pub prepay_id: String,
    /// Cents.
    pub total: i64,
    /// Payer.
    pub openid: String,
    /// `NOTPAY`, `SUCCESS`, `CLOSED`.
    pub state: String,
    /// WeChat's id once paid.
    pub transaction_id: String,
}

/// What the fake has seen and holds.
#[derive(Debug, Default)]
pub struct FakeState {
    /// Transactions by `out_trade_no`.
    pub txns: HashMap<String, FakeTxn>,
    /// Refunds by `out_refund_no`: (transaction_id, cents).
    pub refunds: HashMap<String, (String, i64)>,
    /// Correctly signed requests: (method, path).
    pub calls: Vec<(String, String)>,
    /// Requests whose signature failed.
    pub bad_signatures: usize,
}

/// The fake server.
pub struct FakeWechatPay {
    /// Base URL for `wechat_pay.api_base`.
    pub url: String,
    /// Its state.
    pub state: Arc<Mutex<FakeState>>,
}

impl FakeWechatPay {
    /// Starts the fake.
    pub fn start() -> Self {
        keys();
        let state = Arc::new(Mutex::new(FakeState::default()));
        let s = state.clone();
        let url = serve(move |cfg| {
            let s = s.clone();
            cfg.default_service(web::to(move |req: HttpRequest, body: String| {
                let s = s.clone();
                async move { handle(&req, &body, &s) }
            }));
        });
        Self { url, state }
    }

    /// The `out_trade_no`s prepaid so far.
    pub fn out_trade_nos(&self) -> Vec<String> {
        let mut v: Vec<String> = self.state.lock().txns.keys().cloned().collect();
        v.sort();
        v
    }

    /// The payer pays `out_trade_no` (as in the WeChat app); returns the transaction
    /// as WeChat would report it.
    pub fn pay(&self, out_trade_no: &str) -> Value {
        let mut st = self.state.lock();
        let t = st.txns.get_mut(out_trade_no).expect("prepaid");
        if t.state == "NOTPAY" {
            t.state = "SUCCESS".into();
            t.transaction_id = format!("4200{:016}", out_trade_no.len() * 7919 + t.total as usize);
        }
        transaction_json(out_trade_no, t)
    }

    /// A signed notification about `resource` (`TRANSACTION.SUCCESS` or `REFUND.*`)
    /// dated `timestamp` (seconds): (headers, body).
    pub fn notification(
        &self,
        event_type: &str,
        resource: &Value,
        timestamp: i64,
    ) -> (Vec<(String, String)>, String) {
        let cipher = Aes256Gcm::new_from_slice(API_V3_KEY.as_bytes()).unwrap();
        let nonce12 = "0123456789ab".to_owned();
        let aad = if event_type.starts_with("REFUND") { "refund" } else { "transaction" };
        let ciphertext = cipher
            .encrypt(
                Nonce::from_slice(nonce12.as_bytes()),
                Payload { msg: resource.to_string().as_bytes(), aad: aad.as_bytes() },
            )
            .unwrap();
        let body = json!({
            "id": format!("EV-{}", nonce()),
            "create_time": "2026-11-24T14:30:00+08:00",
            "resource_type": "encrypt-resource",
            "event_type": event_type,
            "summary": "支付成功",
            "resource": {
                "original_type": aad,
                "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": B64.encode(ciphertext),
                "associated_data": aad,
                "nonce": nonce12,
            }
        })
        .to_string();
        (signed_headers(timestamp, &body), body)
    }

    /// Posts a notification to the server; returns (status, body).
    pub async fn deliver(
        &self,
        app_url: &str,
        (headers, body): &(Vec<(String, String)>, String),
    ) -> (u16, String) {
        let mut req = reqwest::Client::new()
            .post(format!("{app_url}/api/v1/payments/wechat/notify"))
            .header("Content-Type", "application/json")
            .body(body.clone());
        for (k, v) in headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let res = req.send().await.unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    /// How many correctly signed calls went to paths starting with `prefix`.
    pub fn calls_to(&self, method: &str, prefix: &str) -> usize {
        self.state.lock().calls.iter().filter(|(m, p)| m == method && p.starts_with(prefix)).count()
    }
}

/// The PEM texts the server is configured with: (merchant private key, platform public key).
pub fn server_pems() -> (String, String) {
    let k = keys();
    let merchant = k.merchant.to_pkcs8_pem(LineEnding::LF).unwrap().to_string();
    let platform = RsaPublicKey::from(&k.platform).to_public_key_pem(LineEnding::LF).unwrap();
    (merchant, platform)
}

fn signed_headers(timestamp: i64, body: &str) -> Vec<(String, String)> {
    let n = nonce();
    let signature = sign(&keys().platform, &format!("{timestamp}\n{n}\n{body}\n"));
    vec![
        ("Wechatpay-Timestamp".into(), timestamp.to_string()),
        ("Wechatpay-Nonce".into(), n),
        ("Wechatpay-Signature".into(), signature),
        ("Wechatpay-Serial".into(), PLATFORM_KEY_ID.into()),
    ]
}

fn transaction_json(out_trade_no: &str, t: &FakeTxn) -> Value {
    let mut v = json!({
        "appid": WECHAT_APP_ID,
        "mchid": MCH_ID,
        "out_trade_no": out_trade_no,
        "trade_type": "JSAPI",
        "trade_state": t.state,
        "trade_state_desc": "",
        "payer": {"openid": t.openid},
        "amount": {"total": t.total, "payer_total": t.total, "currency": "CNY", "payer_currency": "CNY"},
    });
    if t.state == "SUCCESS" {
        v["transaction_id"] = json!(t.transaction_id);
        v["success_time"] = json!("2026-11-24T14:35:00+08:00");
        v["bank_type"] = json!("OTHERS");
    }
    v
}

fn answer(status: u16, body: Option<Value>) -> HttpResponse {
    let text = body.map(|b| b.to_string()).unwrap_or_default();
    let now = chrono::Utc::now().timestamp();
    let mut res = HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap());
    for (k, v) in signed_headers(now, &text) {
        res.insert_header((k, v));
    }
    if text.is_empty() { res.finish() } else { res.content_type("application/json").body(text) }
}

fn error(status: u16, code: &str, message: &str) -> HttpResponse {
    answer(status, Some(json!({"code": code, "message": message})))
}

/// Checks the merchant's request signature as WeChat does.
fn verify_request(req: &HttpRequest, body: &str) -> bool {
    let auth = req.headers().get("Authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let Some(params) = auth.strip_prefix("WECHATPAY2-SHA256-RSA2048 ") else { return false };
    let field = |name: &str| {
        params.split(',').find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            (k.trim() == name).then(|| v.trim().trim_matches('"').to_owned())
        })
    };
    let (Some(mchid), Some(n), Some(sig), Some(ts), Some(serial)) = (
        field("mchid"),
        field("nonce_str"),
        field("signature"),
        field("timestamp"),
        field("serial_no"),
    ) else {
        return false;
    };
    if mchid != MCH_ID || serial != MERCHANT_SERIAL {
        return false;
    }
    let path = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or_default();
    let message = format!("{}\n{path}\n{ts}\n{n}\n{body}\n", req.method());
    let Ok(bytes) = B64.decode(sig) else { return false };
    let Ok(signature) = Signature::try_from(bytes.as_slice()) else { return false };
    let key = VerifyingKey::<Sha256>::new(RsaPublicKey::from(&keys().merchant));
    key.verify(message.as_bytes(), &signature).is_ok()
}

fn handle(req: &HttpRequest, body: &str, state: &Mutex<FakeState>) -> HttpResponse {
    if !verify_request(req, body) {
        state.lock().bad_signatures += 1;
        return error(401, "SIGN_ERROR", "签名错误");
    }
    let path = req.uri().path().to_owned();
    let method = req.method().as_str().to_owned();
    let mut st = state.lock();
    st.calls.push((method.clone(), path.clone()));
    let input: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    if method == "POST" && path == "/v3/pay/transactions/jsapi" {
        return prepay(&mut st, &input);
    }
    if let Some(rest) = path.strip_prefix("/v3/pay/transactions/out-trade-no/") {
        if let Some(no) = rest.strip_suffix("/close") {
            return match st.txns.get_mut(no) {
                Some(t) if t.state == "SUCCESS" => error(400, "ORDERPAID", "订单已支付"),
                Some(t) => {
                    t.state = "CLOSED".into();
                    answer(204, None)
                }
                None => error(404, "ORDER_NOT_EXIST", "订单不存在"),
            };
        }
        return match st.txns.get(rest) {
            Some(t) => answer(200, Some(transaction_json(rest, t))),
            None => error(404, "ORDER_NOT_EXIST", "订单不存在"),
        };
    }
    if method == "POST" && path == "/v3/refund/domestic/refunds" {
        return refund(&mut st, &input);
    }
    error(404, "NOT_FOUND", "no such API")
}

fn prepay(st: &mut FakeState, input: &Value) -> HttpResponse {
    if input["appid"] != WECHAT_APP_ID || input["mchid"] != MCH_ID {
        return error(400, "PARAM_ERROR", "appid 或 mchid 不正确");
    }
    let no = input["out_trade_no"].as_str().unwrap_or_default().to_owned();
    let total = input["amount"]["total"].as_i64().unwrap_or_default();
    let openid = input["payer"]["openid"].as_str().unwrap_or_default().to_owned();
    if let Some(t) = st.txns.get(&no) {
        // WeChat answers the same prepay id for a repeated identical order.
        return if t.total == total && t.openid == openid {
            answer(200, Some(json!({"prepay_id": t.prepay_id})))
        } else {
            error(400, "INVALID_REQUEST", "201 商户订单号重复")
        };
    }
    let prepay_id = format!("wx{}", nonce());
    let t = FakeTxn {
        prepay_id: prepay_id.clone(),
        total,
        openid,
        state: "NOTPAY".into(),
        transaction_id: String::new(),
    };
    st.txns.insert(no, t);
    answer(200, Some(json!({"prepay_id": prepay_id})))
}

fn refund(st: &mut FakeState, input: &Value) -> HttpResponse {
    let tid = input["transaction_id"].as_str().unwrap_or_default().to_owned();
    let no = input["out_refund_no"].as_str().unwrap_or_default().to_owned();
    let cents = input["amount"]["refund"].as_i64().unwrap_or_default();
    let Some(t) =
        st.txns.values().find(|t| t.transaction_id == tid && t.state == "SUCCESS").cloned()
    else {
        return error(404, "RESOURCE_NOT_EXISTS", "订单不存在");
    };
    if input["amount"]["total"].as_i64() != Some(t.total) {
        return error(400, "PARAM_ERROR", "订单金额不符");
    }
    if !st.refunds.contains_key(&no) {
        let taken: i64 = st.refunds.values().filter(|(id, _)| *id == tid).map(|(_, c)| c).sum();
        if taken + cents > t.total {
            return error(400, "INVALID_REQUEST", "退款金额超过订单金额");
        }
        st.refunds.insert(no.clone(), (tid, cents));
    }
    answer(
        200,
        Some(json!({
            "refund_id": format!("5030{no}"),
            "out_refund_no": no,
            "status": "PROCESSING",
            "amount": {"refund": cents, "total": t.total, "currency": "CNY"},
        })),
    )
}
