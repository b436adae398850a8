//! Lotteries: sign-in by code, draws prize by prize among those who have not won,
//! the commitment before and the re-runnable seed after, and users' wins.

use guildhall::accounts::Role;
use guildhall::events::lottery_model::{pick, sign_in_token};
use guildhall::kernel::tokens::sha256_hex;
use serde_json::{Value, json};

use crate::support::{TestApp, html};

#[tokio::test]
async fn a_lottery_draws_uniquely_audits_and_can_be_rechecked() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff_client(Role::Secretary).await;
    let token = app.csrf_token(&staff, "/admin/lotteries").await;
    let bad = staff
        .post(app.url("/admin/lotteries"))
        .form(&[("csrf_token", token.as_str()), ("title", "年会抽奖"), ("prizes", "一等奖")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    assert_eq!(app.count_rows("lotteries").await, 0);
    let res = staff
        .post(app.url("/admin/lotteries"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("title", "年会抽奖"),
            ("prizes", "一等奖 × 1\n二等奖 × 2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let page_path = res.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = page_path.rsplit('/').next().unwrap().parse().unwrap();
    let page = staff.get(app.url(&page_path)).send().await.unwrap().text().await.unwrap();
    let commitment = html::texts(&page, "#commitment")[0].clone();
    assert_eq!(html::count(&page, "#seed"), 0, "the seed stays secret before the draw");

    let qr = format!(
        "{}/q/{}",
        app.state.config.public_base_url,
        sign_in_token(&app.state.config.hmac_key(), id, 1)
    );
    let mut users = Vec::new();
    for _ in 0..4 {
        let (client, user, _) = app.user_client().await;
        let res = crate::support::json_of(
            client.post(app.url("/api/v1/lottery-entries")).json(&json!({"qr": qr})),
        )
        .await;
        assert_eq!(res["outcome"], "signed_in");
        users.push((client, user));
    }
    let again: Value = users[0]
        .0
        .post(app.url("/api/v1/lottery-entries"))
        .json(&json!({"qr": qr}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["outcome"], "already_signed_in");
    let forged: Value = users[0]
        .0
        .post(app.url("/api/v1/lottery-entries"))
        .json(&json!({"qr": "lot.1.1.AAAA"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(forged["error"]["code"], "invalid_code");

    let prizes = app
        .state
        .db
        .run(move |c| Ok(guildhall::events::lottery_store::prizes(c, id)?))
        .await
        .unwrap();
    for prize in &prizes {
        let draw = format!("/admin/lotteries/{id}/prizes/{}/draw", prize.id);
        assert_eq!(crate::support::post_csrf(&staff, &app.url(&draw), &token).await, 303);
        let again =
            staff.post(app.url(&draw)).form(&[("csrf_token", &token)]).send().await.unwrap();
        assert_eq!(again.status(), 409, "a prize is drawn once");
    }
    let (late, _, _) = app.user_client().await;
    let closed = crate::support::json_of(
        late.post(app.url("/api/v1/lottery-entries")).json(&json!({"qr": qr})),
    )
    .await;
    assert_eq!(closed["error"]["code"], "lottery_closed");

    // Three distinct winners out of four; the published seed reproduces them.
    let page = staff.get(app.url(&page_path)).send().await.unwrap().text().await.unwrap();
    let seed = hex::decode(html::texts(&page, "#seed")[0].clone()).unwrap();
    assert_eq!(sha256_hex(&seed), commitment, "the seed matches the commitment");
    let mut candidates: Vec<i64> = users.iter().map(|(_, u)| u.id).collect();
    candidates.sort_unstable();
    let mut expected = Vec::new();
    for n in 0..3 {
        expected.push(candidates.remove(pick(&seed, n, candidates.len())));
    }
    let winners = app
        .state
        .db
        .run(move |c| Ok(guildhall::events::lottery_store::winners(c, id)?))
        .await
        .unwrap();
    let drawn: Vec<i64> = winners.iter().map(|w| w.2).collect();
    assert_eq!(drawn, expected);
    let audit = guildhall::kernel::audit::recent(&app.state.db, 20).await.unwrap();
    assert_eq!(audit.iter().filter(|a| a.action == "lottery.draw").count(), 2);

    let mut total_wins = 0;
    for (client, user) in &users {
        let wins: Value =
            client.get(app.url("/api/v1/lottery-wins")).send().await.unwrap().json().await.unwrap();
        let wins = wins.as_array().unwrap();
        assert_eq!(wins.len(), usize::from(drawn.contains(&user.id)));
        total_wins += wins.len();
    }
    assert_eq!(total_wins, 3);
}
