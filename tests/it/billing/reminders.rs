//! Reminders by hand from the arrears list (催缴): one order or the whole period, at most
//! one per order per day even when finance clicks in parallel, refused for orders that
//! are not unpaid dues, the last reminder shown on the list.

use guildhall::accounts::Role;
use guildhall::billing::dues;

use super::{notices, order_for, payer};
use crate::membership::post_form;
use crate::support::{TestApp, html};

/// Three members with an unpaid 2026 dues order each: (user ids, order ids).
async fn three_in_arrears(app: &TestApp) -> (Vec<i64>, Vec<i64>) {
    let mut users = Vec::new();
    for _ in 0..3 {
        let (_, user) = payer(app).await;
        crate::membership::make_member(app, user).await;
        users.push(user);
    }
    let on = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    let report = dues::run_dues(&app.state.db, &app.state.clock, 1, on).await.unwrap();
    assert_eq!(report.created, 3);
    let mut orders = Vec::new();
    for user in &users {
        orders.push(guildhall::billing::orders_of(&app.state.db, *user).await.unwrap()[0].id);
    }
    (users, orders)
}

fn reminders_of(kinds: &[String]) -> usize {
    kinds.iter().filter(|k| *k == "dues_reminder").count()
}

async fn arrears_page(app: &TestApp, client: &reqwest::Client) -> String {
    let res = client.get(app.url("/admin/dues?on=2026-06-01")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

#[tokio::test]
async fn finance_reminds_one_member_or_the_period_at_most_once_a_day() {
    let app = TestApp::spawn().await;
    let (users, orders) = three_in_arrears(&app).await;
    let (finance, _) = app.staff_client(Role::Finance).await;

    let page = arrears_page(&app, &finance).await;
    assert_eq!(html::count(&page, "#arrears tbody tr"), 3, "{page}");
    assert_eq!(html::texts(&page, "#arrears td.reminded"), ["未提醒"; 3]);
    assert_eq!(html::count(&page, "#remind-all[data-confirm]"), 1, "the period button asks first");

    let first = orders[0].to_string();
    let one = [("order_id", first.as_str()), ("on", "2026-06-01")];
    let res = post_form(&app, &finance, "/admin/dues/remind", &one).await;
    assert_eq!(res.status(), 303);
    assert_eq!(reminders_of(&notices(&app, users[0]).await), 1);
    assert_eq!(reminders_of(&notices(&app, users[1]).await), 0, "only the one named");

    // Six clicks on 全部催缴 at once: the two not yet reminded get one each, nobody twice.
    let token = app.csrf_token(&finance, "/admin/dues").await;
    let all = [("period", "2026"), ("on", "2026-06-01"), ("csrf_token", token.as_str())];
    let url = app.url("/admin/dues/remind");
    let clicks = (0..6).map(|_| finance.post(&url).form(&all).send());
    for res in futures_util::future::join_all(clicks).await {
        let res = res.unwrap();
        assert_eq!(res.status(), 303);
    }
    for user in &users {
        assert_eq!(reminders_of(&notices(&app, *user).await), 1, "user {user}");
    }
    let page = arrears_page(&app, &finance).await;
    assert_eq!(html::texts(&page, "#arrears td.reminded"), ["2026-11-24 14:30"; 3]);

    // The next association-local day (00:30 in Shanghai), a reminder by hand may go again.
    app.clock.advance(chrono::Duration::hours(10));
    let res = post_form(&app, &finance, "/admin/dues/remind", &one).await;
    assert_eq!(res.status(), 303);
    assert_eq!(reminders_of(&notices(&app, users[0]).await), 2);
    assert_eq!(reminders_of(&notices(&app, users[1]).await), 1);
    let audited: i64 = app
        .state
        .db
        .run(|conn| {
            use diesel::prelude::*;
            use guildhall::db::schema::audit_log;
            let remind = audit_log::table.filter(audit_log::action.eq("dues.remind"));
            Ok(remind.count().get_result(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(audited, 8, "every click is in the audit log");
}

#[tokio::test]
async fn reminders_are_refused_for_orders_that_are_not_unpaid_dues() {
    let app = TestApp::spawn().await;
    let (finance, _) = app.staff_client(Role::Finance).await;
    let (_, user) = payer(&app).await;
    let fee = order_for(&app, user, 2_000).await.to_string();
    let outbox = app.count_rows("outbox").await;

    let res = post_form(&app, &finance, "/admin/dues/remind", &[("order_id", &fee)]).await;
    assert_eq!(res.status(), 409, "an event fee is not dues");
    let res = post_form(&app, &finance, "/admin/dues/remind", &[("order_id", "999999")]).await;
    assert_eq!(res.status(), 404);
    let res = post_form(&app, &finance, "/admin/dues/remind", &[("order_id", "abc")]).await;
    assert_eq!(res.status(), 422);
    let res = post_form(&app, &finance, "/admin/dues/remind", &[]).await;
    assert_eq!(res.status(), 422, "neither an order nor a period");
    assert_eq!(app.count_rows("outbox").await, outbox, "nothing queued");
    assert_eq!(app.count_rows("dues_reminders").await, 0);

    let (secretary, _) = app.staff_client(Role::Secretary).await;
    let res = post_form(&app, &secretary, "/admin/dues/remind", &[("period", "2026")]).await;
    assert_eq!(res.status(), 403, "finance's page");
}
