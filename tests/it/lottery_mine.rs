//! 我的抽奖 and the one scan button: lottery codes through `POST /api/v1/scans`, every
//! lottery joined with its state (未开奖 / 未中奖 / the prize), and the `/q/…` page for
//! lottery codes.

use chrono::Duration;
use guildhall::accounts::Role;
use guildhall::events::codes::{self, Action};
use guildhall::events::lottery_model::sign_in_token;
use serde_json::{Value, json};

use crate::support::{TestApp, json_of};

/// Creates a lottery with `prizes` through the workbench: its id.
async fn lottery(app: &TestApp, staff: &reqwest::Client, title: &str, prizes: &str) -> i64 {
    let token = app.csrf_token(staff, "/admin/lotteries").await;
    let res = staff
        .post(app.url("/admin/lotteries"))
        .form(&[("csrf_token", token.as_str()), ("title", title), ("prizes", prizes)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    res.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().parse().unwrap()
}

fn code(app: &TestApp, id: i64) -> String {
    let token = sign_in_token(&app.state.config.hmac_key(), id, 1);
    format!("{}/q/{token}", app.state.config.public_base_url)
}

async fn scan(app: &TestApp, client: &reqwest::Client, qr: &str) -> Value {
    json_of(client.post(app.url("/api/v1/scans")).json(&json!({ "qr": qr }))).await
}

async fn mine(app: &TestApp, client: &reqwest::Client) -> Vec<Value> {
    let res = client.get(app.url("/api/v1/me/lotteries")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn draw_all(app: &TestApp, staff: &reqwest::Client, id: i64, nth: usize) {
    let prizes = app
        .state
        .db
        .run(move |c| Ok(guildhall::events::lottery_store::prizes(c, id)?))
        .await
        .unwrap();
    let token = app.csrf_token(staff, "/admin/lotteries").await;
    let path = format!("/admin/lotteries/{id}/prizes/{}/draw", prizes[nth].id);
    assert_eq!(crate::support::post_csrf(staff, &app.url(&path), &token).await, 303);
}

#[tokio::test]
async fn the_scan_button_signs_in_to_lotteries_and_my_lotteries_shows_each_state() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff_client(Role::Secretary).await;
    let gala = lottery(&app, &staff, "年会抽奖", "一等奖 × 1\n二等奖 × 1").await;
    let later = lottery(&app, &staff, "闭幕抽奖", "纪念品 × 5").await;
    let mut users = Vec::new();
    for _ in 0..3 {
        let (client, _, _) = app.user_client().await;
        let first = scan(&app, &client, &code(&app, gala)).await;
        assert_eq!(first["kind"], "lottery", "{first}");
        assert_eq!(first["outcome"], "signed_in");
        assert_eq!(first["lottery_id"], gala);
        assert_eq!(first["lottery_title"], "年会抽奖");
        users.push(client);
    }
    let again = scan(&app, &users[0], &code(&app, gala)).await;
    assert_eq!(again["outcome"], "already_signed_in", "a repeat is harmless");
    // The older endpoint and the scan button are the same sign-in.
    let (status, _) =
        app.post_json("/api/v1/lottery-entries", None, json!({"qr": code(&app, later)})).await;
    assert_eq!(status, 401, "needs a token");
    let res = users[0]
        .post(app.url("/api/v1/lottery-entries"))
        .json(&json!({"qr": code(&app, later)}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(scan(&app, &users[0], &code(&app, later)).await["outcome"], "already_signed_in");
    let forged = scan(&app, &users[1], "lot.1.1.AAAA").await;
    assert_eq!(forged["error"]["code"], "invalid_code");
    assert_eq!(app.count_rows("lottery_entries").await, 4);

    let states = mine(&app, &users[0]).await;
    let titles: Vec<&str> = states.iter().map(|s| s["title"].as_str().unwrap()).collect();
    assert_eq!(titles, vec!["闭幕抽奖", "年会抽奖"], "newest sign-in first");
    assert!(states.iter().all(|s| s["state"] == "pending" && s["state_label"] == "未开奖"));
    let (stranger, _, _) = app.user_client().await;
    assert!(mine(&app, &stranger).await.is_empty());

    // First prize drawn: one winner, the others still wait.
    draw_all(&app, &staff, gala, 0).await;
    let mut labels = Vec::new();
    for client in &users {
        let s = mine(&app, client).await;
        let g = s.iter().find(|l| l["lottery_id"] == gala).unwrap().clone();
        labels.push(g["state_label"].as_str().unwrap().to_owned());
    }
    labels.sort();
    assert_eq!(labels, vec!["一等奖", "未开奖", "未开奖"]);
    let closed = scan(&app, &stranger, &code(&app, gala)).await;
    assert_eq!(closed["error"]["code"], "lottery_closed");

    // Every prize drawn: two winners, one 未中奖; wins keep their prize and time.
    draw_all(&app, &staff, gala, 1).await;
    let mut states = Vec::new();
    for client in &users {
        let s = mine(&app, client).await;
        states.push(s.into_iter().find(|l| l["lottery_id"] == gala).unwrap());
    }
    let mut labels: Vec<&str> = states.iter().map(|s| s["state_label"].as_str().unwrap()).collect();
    labels.sort_unstable();
    assert_eq!(labels, vec!["一等奖", "二等奖", "未中奖"]);
    for s in &states {
        let won = s["state"] == "won";
        assert_eq!(s["prize"].is_string(), won, "{s}");
        assert_eq!(s["won_at"].is_string(), won, "{s}");
        assert!(s["signed_in_at"].as_str().unwrap().ends_with('Z'));
    }
    let lost = states.iter().position(|s| s["state"] == "lost").unwrap();
    let wins: Vec<Value> = users[lost]
        .get(app.url("/api/v1/lottery-wins"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(wins.is_empty(), "the old wins list still answers, with wins only");
}

#[tokio::test]
async fn the_scan_button_still_checks_in_to_events() {
    let app = TestApp::spawn().await;
    let now = app.state.clock.now_naive();
    let event = crate::events::published_event(&app, |e| {
        e.starts_at = now + Duration::hours(1);
        e.ends_at = now + Duration::hours(3);
        e.registration_closes_at = now + Duration::minutes(30);
    })
    .await;
    let (client, _, _) = app.user_client().await;
    let res = client
        .post(app.url(&format!("/api/v1/events/{}/registrations", event.id)))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let token = codes::printed(
        &app.state.config.hmac_key(),
        event.id,
        Action::CheckIn,
        event.token_version,
    );
    let qr = format!("{}/q/{token}", app.state.config.public_base_url);
    let answer = scan(&app, &client, &qr).await;
    assert_eq!(
        (answer["kind"].as_str(), answer["outcome"].as_str()),
        (Some("event"), Some("checked_in"))
    );
    assert_eq!(answer["event_id"], event.id);
}

#[tokio::test]
async fn the_landing_page_explains_lottery_codes() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff_client(Role::Secretary).await;
    let id = lottery(&app, &staff, "年会抽奖", "一等奖 × 1").await;
    let token = sign_in_token(&app.state.config.hmac_key(), id, 1);
    let get = |path: String| {
        let (client, url) = (app.client(), app.url(&path));
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let body = get(format!("/q/{token}")).await;
    assert!(body.contains("年会抽奖") && body.contains("抽奖签到码") && body.contains("我的抽奖"));
    assert!(!body.contains("签到已截止"));
    let forged = get(format!("/q/lot.{id}.1.AAAA")).await;
    assert!(!forged.contains("年会抽奖") && forged.contains("小程序"));
    let event_page = get("/q/1.in.1.forged".into()).await;
    assert!(event_page.contains("抽奖签到码"), "the event page says the scan button reads both");
    assert_eq!(app.count_rows("lottery_entries").await, 0, "opening the link joins nothing");

    let (client, _, _) = app.user_client().await;
    assert_eq!(scan(&app, &client, &format!("/q/{token}")).await["outcome"], "signed_in");
    draw_all(&app, &staff, id, 0).await;
    assert!(get(format!("/q/{token}")).await.contains("签到已截止"));
}
