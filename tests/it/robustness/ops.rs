//! `/metrics` keeps a bounded label set and answers only as configured; logs carry no
//! colour codes outside a terminal and are JSON one setting away.

use std::io::BufRead as _;
use std::process::{Command, Stdio};

use crate::support::TestApp;

#[tokio::test]
async fn made_up_methods_and_paths_fold_into_one_series_each() {
    let app = TestApp::spawn().await;
    let client = app.client();
    for n in 0..300 {
        let method = reqwest::Method::from_bytes(format!("X{n}").as_bytes()).unwrap();
        client.request(method, app.url(&format!("/nothing/{n}"))).send().await.unwrap();
    }
    let text = client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(!text.contains("method=\"X1"), "no made-up method becomes a label");
    assert!(
        text.contains(r#"http_requests_total{method="OTHER",route="unmatched",status="404"} 300"#),
        "{text}"
    );
    assert!(text.len() < 20_000, "bounded: {} bytes", text.len());
}

#[tokio::test]
async fn metrics_answer_loopback_or_the_token_only() {
    let app = TestApp::spawn_with(|c| {
        c.metrics.allow_loopback = false;
        c.metrics.token = guildhall::config::Secret::new("metrics-secret-1");
    })
    .await;
    let client = app.client();
    let get = |auth: Option<&'static str>| {
        let mut req = client.get(app.url("/metrics"));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        async move { req.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(get(None).await, 403);
    assert_eq!(get(Some("Bearer wrong")).await, 403);
    assert_eq!(get(Some("Bearer metrics-secret-1")).await, 200);

    // Loopback is allowed by default, but not when a proxy forwarded the request.
    let app = TestApp::spawn().await;
    let res = app.client().get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let res = app
        .client()
        .get(app.url("/metrics"))
        .header("x-forwarded-for", "203.0.113.9")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

/// The log lines of `guildhall serve` writing into a pipe, up to "listening".
fn start_up_log(format: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_guildhall"))
        .arg("serve")
        .env_clear()
        .env("GUILDHALL_DATA_DIR", dir.path())
        .env("GUILDHALL_BIND", "127.0.0.1:0")
        .env("GUILDHALL_LOG__FORMAT", format)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    for _ in 0..20 {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        let done = line.contains("guildhall listening");
        lines.push(line);
        if done {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    lines
}

#[test]
fn logs_into_a_pipe_have_no_colour_codes_and_json_is_one_setting_away() {
    let text = start_up_log("text");
    assert!(text.last().unwrap().contains("guildhall listening"), "{text:?}");
    assert!(text.iter().all(|l| !l.contains('\u{1b}')), "no ANSI escape codes: {text:?}");
    let json = start_up_log("json");
    let last: serde_json::Value = serde_json::from_str(json.last().unwrap()).unwrap();
    assert_eq!(last["fields"]["message"], "guildhall listening");
    for line in &json {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
}

#[tokio::test]
async fn the_document_states_the_server_s_own_rules() {
    let app = TestApp::spawn().await;
    let doc: serde_json::Value =
        reqwest::get(app.url("/api/openapi.json")).await.unwrap().json().await.unwrap();
    let schemas = &doc["components"]["schemas"];
    for schema in ["SmsCodeRequest", "SmsSignIn"] {
        assert_eq!(
            schemas[schema]["properties"]["phone"]["pattern"],
            guildhall::kernel::phone::MOBILE_PATTERN,
            "{schema}: the pattern is the one normalize_mobile follows"
        );
    }
    assert_eq!(schemas["SmsSignIn"]["properties"]["code"]["pattern"], "^[0-9]{6}$");
    let me = &doc["paths"]["/api/v1/me"]["patch"]["responses"];
    for status in ["400", "401", "413", "415", "422"] {
        assert!(me[status].is_object(), "PATCH /me documents {status}");
    }
    assert!(me["401"]["headers"]["WWW-Authenticate"].is_object());
    let show = &doc["paths"]["/api/v1/events/{id}"]["get"]["responses"];
    assert!(show["400"].is_object() && show["404"].is_object());

    // The phone pattern and the server agree on the spellings.
    let client = reqwest::Client::new();
    for (phone, accepted) in
        [("+86 138-0013-8000", true), ("0086-139-0013-9000", true), ("12800138000", false)]
    {
        let res = client
            .post(app.url("/api/v1/auth/sms-code"))
            .json(&serde_json::json!({ "phone": phone }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status() == 202, accepted, "{phone}");
    }
    assert_eq!(app.outbox_to("13800138000").await.len(), 1);
    assert_eq!(app.outbox_to("13900139000").await.len(), 1);
    // A JSON array where an object is documented is refused.
    let res = client
        .post(app.url("/api/v1/auth/sms-code"))
        .json(&serde_json::json!(["13800138000"]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
}
