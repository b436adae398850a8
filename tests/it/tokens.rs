//! Bearer tokens: sliding expiry, revocation.

use serde_json::Value;

use crate::support::TestApp;

async fn me_status(app: &TestApp, token: &str) -> (u16, Value) {
    let res =
        reqwest::Client::new().get(app.url("/api/v1/me")).bearer_auth(token).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn logout_revokes_the_token() {
    let app = TestApp::spawn().await;
    let (client, _, token) = app.user_client().await;
    assert_eq!(me_status(&app, &token).await.0, 200, "the check is now cached");
    let res = client.post(app.url("/api/v1/auth/logout")).send().await.unwrap();
    assert_eq!(res.status(), 204);
    let (status, body) = me_status(&app, &token).await;
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("unauthenticated")));
}

#[tokio::test]
async fn tokens_expire_after_thirty_idle_days_and_slide_when_used() {
    let app = TestApp::spawn().await;
    let (_, _, idle) = app.user_client().await;
    let (_, _, used) = app.user_client().await;
    app.clock.advance(chrono::Duration::days(20));
    assert_eq!(me_status(&app, &used).await.0, 200, "used on day 20: expiry moves to day 50");
    app.clock.advance(chrono::Duration::days(11));
    assert_eq!(me_status(&app, &idle).await.0, 401, "idle for 31 days");
    assert_eq!(me_status(&app, &used).await.0, 200, "day 31, still within its slid expiry");
}

#[tokio::test]
async fn malformed_or_unknown_tokens_are_401() {
    let app = TestApp::spawn().await;
    for header in ["Bearer nonsense", "Basic abc", "Bearer ", "bearer"] {
        let res = reqwest::Client::new()
            .get(app.url("/api/v1/me"))
            .header("authorization", header)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{header}");
        assert_eq!(res.headers()["www-authenticate"], "Bearer");
    }
}
