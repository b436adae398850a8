//! Staff move or cancel an event: every registrant (registered, waiting) is told, a
//! title change tells nobody, and a cancellation settles each registration's order
//! (unpaid closed, paid kept by default) and says so in the notice.

use guildhall::accounts::Role;
use serde_json::Value;

use crate::events::published_event;
use crate::membership::post_form;
use crate::support::TestApp;

/// The user's notices about events (kind, body), newest first.
async fn notices(app: &TestApp, client: &reqwest::Client) -> Vec<(String, String)> {
    let page: Value =
        client.get(app.url("/api/v1/me/notifications")).send().await.unwrap().json().await.unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["kind"].as_str().unwrap().to_owned(), n["body"].as_str().unwrap().to_owned()))
        .filter(|(kind, _)| kind.starts_with("event_"))
        .collect()
}

async fn register(app: &TestApp, client: &reqwest::Client, event_id: i64) -> Value {
    let res = client
        .post(app.url(&format!("/api/v1/events/{event_id}/registrations")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

/// The event form as a secretary submits it (times in Asia/Shanghai).
fn event_form<'a>(title: &'a str, place: &'a str, starts: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("title", title),
        ("place", place),
        ("cover_file_id", ""),
        ("description_html", "<p>议程</p>"),
        ("starts_at", starts),
        ("ends_at", "2026-12-02T18:00"),
        ("registration_opens_at", "2026-11-24T09:00"),
        ("registration_closes_at", "2026-12-02T08:00"),
        ("capacity", "2"),
        ("member_fee", "20"),
        ("non_member_fee", "50"),
        ("audience", "everyone"),
        ("checkin_opens_minutes", "120"),
        ("check_in_enabled", "on"),
    ]
}

async fn order_status(app: &TestApp, client: &reqwest::Client, order_id: i64) -> String {
    let order: Value = client
        .get(app.url(&format!("/api/v1/me/orders/{order_id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    order["status"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn registrants_hear_of_new_times_and_places_and_of_cancellation_with_their_fees_settled() {
    let app = TestApp::spawn().await;
    let event = published_event(&app, |e| {
        e.capacity = 2;
        e.non_member_fee_cents = 5000;
    })
    .await;
    let (c1, _, _) = app.user_client().await;
    let (c2, _, _) = app.user_client().await;
    let (c3, _, _) = app.user_client().await;
    let r1 = register(&app, &c1, event.id).await;
    let r2 = register(&app, &c2, event.id).await;
    assert_eq!(register(&app, &c3, event.id).await["status"], "waiting");
    let (o1, o2) = (r1["order_id"].as_i64().unwrap(), r2["order_id"].as_i64().unwrap());

    let (finance, _) = app.staff_client(Role::Finance).await;
    let pay =
        [("amount", "50"), ("paid_on", "2026-11-24"), ("payer", "本人"), ("reference", "C-1")];
    let res = post_form(&app, &finance, &format!("/admin/orders/{o1}/offline-payment"), &pay).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());

    // A new place and time: all three are told, with the new values in zh-CN form.
    let (secretary, _) = app.staff_client(Role::Secretary).await;
    let path = format!("/admin/events/{}", event.id);
    let form = event_form("年度会员大会", "滨江会展中心 5 号厅", "2026-12-02T14:30");
    assert_eq!(post_form(&app, &secretary, &path, &form).await.status(), 303);
    for client in [&c1, &c2, &c3] {
        let got = notices(&app, client).await;
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "event_changed");
        assert_eq!(
            got[0].1,
            "您报名的活动「年度会员大会」时间改为 2026-12-02 14:30 至 2026-12-02 18:00，地点改为 滨江会展中心 5 号厅"
        );
    }

    // A new title alone is no news.
    let form = event_form("年度会员大会（更新）", "滨江会展中心 5 号厅", "2026-12-02T14:30");
    assert_eq!(post_form(&app, &secretary, &path, &form).await.status(), 303);
    assert_eq!(notices(&app, &c1).await.len(), 1);

    // Cancelled: the unpaid order is closed, the paid one kept (the default policy), and
    // each registrant reads what happened to their fee.
    let cancel = format!("{path}/cancel");
    assert_eq!(post_form(&app, &secretary, &cancel, &[]).await.status(), 303);
    let title = "年度会员大会（更新）";
    let last = |n: Vec<(String, String)>| n.into_iter().next().unwrap();
    assert_eq!(
        last(notices(&app, &c1).await),
        (
            "event_cancelled".into(),
            format!("很抱歉，您报名的活动「{title}」已取消，已缴费用的处理请联系协会")
        )
    );
    assert_eq!(
        last(notices(&app, &c2).await),
        (
            "event_cancelled".into(),
            format!("很抱歉，您报名的活动「{title}」已取消，待支付的订单已关闭")
        )
    );
    assert_eq!(
        last(notices(&app, &c3).await),
        ("event_cancelled".into(), format!("很抱歉，您报名的活动「{title}」已取消"))
    );
    assert_eq!(order_status(&app, &c1, o1).await, "paid");
    assert_eq!(order_status(&app, &c2, o2).await, "cancelled");

    // Cancelling again is refused and tells nobody twice.
    assert_eq!(post_form(&app, &secretary, &cancel, &[]).await.status(), 409);
    assert_eq!(notices(&app, &c3).await.len(), 2);
}
