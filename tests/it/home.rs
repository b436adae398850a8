//! The workbench home: the queues of each role with counts that match the queues and
//! the menu badges, today's and this week's events with live counts, the statistics
//! charts with data.

use chrono::Duration;
use guildhall::accounts::Role;
use scraper::{Html, Selector};

use crate::support::{TestApp, html};

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let res = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.unwrap()
}

/// The home's queue tiles: (menu entry, queue link, label, count).
fn tiles(body: &str) -> Vec<(String, String, String, i64)> {
    let doc = Html::parse_document(body);
    let li = Selector::parse("#pending li.queue").unwrap();
    let a = Selector::parse("a").unwrap();
    let label = Selector::parse(".queue-label").unwrap();
    let count = Selector::parse(".count").unwrap();
    doc.select(&li)
        .map(|e| {
            let link = e.select(&a).next().unwrap();
            let text = |s: &Selector| e.select(s).next().unwrap().text().collect::<String>();
            (
                e.value().attr("data-queue").unwrap().to_owned(),
                link.value().attr("href").unwrap().to_owned(),
                text(&label),
                text(&count).trim().parse().unwrap(),
            )
        })
        .collect()
}

/// The menu's badges: (href, count).
fn badges(body: &str) -> Vec<(String, i64)> {
    let doc = Html::parse_document(body);
    let a = Selector::parse(".menu a").unwrap();
    let badge = Selector::parse(".badge").unwrap();
    doc.select(&a)
        .filter_map(|e| {
            let n = e.select(&badge).next()?.text().collect::<String>();
            Some((e.value().attr("href")?.to_owned(), n.trim().parse().ok()?))
        })
        .collect()
}

/// One item waiting in every queue: two applications, a registration awaiting approval
/// (of an event today), an unanswered ticket, an open listing report, an invoice
/// request, a message given up.
async fn fill_every_queue(app: &TestApp) -> i64 {
    crate::membership::applicant(app).await;
    crate::membership::applicant(app).await;
    let now = app.state.clock.now_naive();
    let event = crate::events::published_event(app, |e| {
        e.needs_approval = true;
        e.starts_at = now + Duration::hours(2);
        e.ends_at = now + Duration::hours(4);
        e.registration_closes_at = now + Duration::hours(1);
    })
    .await;
    let (user, row, _) = app.user_client().await;
    let res = user
        .post(app.url(&format!("/api/v1/events/{}/registrations", event.id)))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let u = row.id;
    let at = "'2026-11-24 06:00:00'";
    for sql in [
        format!(
            "INSERT INTO support_tickets (user_id, subject, status, awaiting_staff, created_at, \
             updated_at) VALUES ({u}, '发票问题', 'open', TRUE, {at}, {at})"
        ),
        format!(
            "INSERT INTO listings (owner_user_id, live, kind, title, search_text, listed, \
             staff_note, view_count, contact_count, created_at, updated_at) VALUES ({u}, '{{}}', \
             'supply', '钢材', '钢材', TRUE, '', 0, 0, {at}, {at})"
        ),
        format!(
            "INSERT INTO listing_reports (listing_id, user_id, reason, status, open_key, \
             created_at) SELECT MAX(id), {u}, '虚假信息', 'open', 'k1', {at} FROM listings"
        ),
        format!(
            "INSERT INTO orders (user_id, kind, title, amount_cents, status, created_at, \
             updated_at, paid_at) VALUES ({u}, 'event_fee', '活动费', 5000, 'paid', {at}, {at}, {at})"
        ),
        format!(
            "INSERT INTO invoice_requests (order_id, user_id, title, status, requested_at) \
             SELECT MAX(id), {u}, '某公司', 'requested', {at} FROM orders"
        ),
        format!(
            "INSERT INTO outbox (channel, recipient, template, payload, status, attempts, \
             next_attempt_at, created_at) VALUES ('sms', '13800000000', 'test', '{{}}', \
             'failed', 5, {at}, {at})"
        ),
    ] {
        app.exec(sql).await;
    }
    event.id
}

#[tokio::test]
async fn each_role_sees_its_queues_with_the_counts_of_the_queues_and_the_badges() {
    let app = TestApp::spawn().await;
    let (secretary, _) = app.staff_client(Role::Secretary).await;
    let body = page(&app, &secretary, "/admin").await;
    assert!(tiles(&body).iter().all(|t| t.3 == 0));
    assert_eq!(html::texts(&body, "#pending p"), vec!["暂无待审核事项"]);
    assert!(badges(&body).is_empty());
    fill_every_queue(&app).await;

    let review = [
        "/admin/applications",
        "/admin/experts",
        "/admin/certificates",
        "/admin/listings",
        "/admin/enterprises",
    ];
    let secretary_queues: Vec<&str> = review
        .iter()
        .copied()
        .chain(["/admin/events", "/admin/tickets", "/admin/listing-reports"])
        .collect();
    let mut admin_queues = secretary_queues.clone();
    admin_queues.extend(["/admin/invoices", "/admin/outbox"]);
    let expected: [(Role, Vec<&str>); 4] = [
        (Role::Secretary, secretary_queues),
        (Role::Admin, admin_queues),
        (Role::Finance, vec!["/admin/invoices"]),
        (Role::Editor, vec![]),
    ];
    for (role, queues) in expected {
        let (client, _) = app.staff_client(role).await;
        let body = page(&app, &client, "/admin").await;
        let tiles = tiles(&body);
        let shown: Vec<&str> = tiles.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(shown, queues, "{role:?}'s queues");
        let count = |menu: &str| tiles.iter().find(|t| t.0 == menu).map(|t| t.3);
        for (menu, n) in [("/admin/applications", 2), ("/admin/events", 1), ("/admin/tickets", 1)]
            .into_iter()
            .chain([("/admin/listing-reports", 1), ("/admin/invoices", 1), ("/admin/outbox", 1)])
        {
            if queues.contains(&menu) {
                assert_eq!(count(menu), Some(n), "{role:?} {menu}");
            }
        }
        // The badges are the same numbers; the review inbox carries their sum.
        let mut want: Vec<(String, i64)> =
            tiles.iter().filter(|t| t.3 > 0).map(|t| (t.0.clone(), t.3)).collect();
        let reviews: i64 =
            tiles.iter().filter(|t| review.contains(&t.0.as_str())).map(|t| t.3).sum();
        if reviews > 0 {
            want.push(("/admin/reviews".into(), reviews));
        }
        let mut got = badges(&body);
        want.sort();
        got.sort();
        assert_eq!(got, want, "{role:?}'s badges equal the home's counts");
        // Each count is what its queue lists.
        for (_, href, label, n) in tiles.iter().filter(|t| t.3 > 0) {
            let queue = page(&app, &client, href).await;
            let rows = html::count(&queue, ".content table tbody tr");
            assert_eq!(rows as i64, *n, "{role:?}: {label} at {href}");
        }
        if role == Role::Editor {
            assert_eq!(html::texts(&body, "#pending p"), vec!["暂无待办事项"]);
            assert_eq!(html::count(&body, "#stats"), 0, "editors see no member statistics");
            assert_eq!(html::count(&body, "#activity"), 0, "nor the audit log's activity");
        }
    }
}

#[tokio::test]
async fn todays_and_this_weeks_events_show_registrations_and_live_check_ins() {
    let app = TestApp::spawn().await;
    let today = fill_every_queue(&app).await;
    // Tuesday 24 November 14:30 in Shanghai: Thursday is this week, next Tuesday is not.
    let now = app.state.clock.now_naive();
    let thursday = crate::events::published_event(&app, |e| {
        e.title = "周四沙龙".into();
        e.starts_at = now + Duration::days(2);
        e.ends_at = now + Duration::days(2) + Duration::hours(2);
        e.registration_closes_at = now + Duration::days(1);
    })
    .await;
    crate::events::published_event(&app, |e| e.title = "下周活动".into()).await;
    let (secretary, _) = app.staff_client(Role::Secretary).await;
    let body = page(&app, &secretary, "/admin").await;
    let line = format!("#events-today tr[data-event='{today}']");
    assert_eq!(html::texts(&body, &format!("{line} .registered")), vec!["1 / 50"]);
    assert_eq!(html::texts(&body, &format!("{line} .pending")), vec!["1"]);
    assert_eq!(html::texts(&body, &format!("{line} .checked-in")), vec!["0"]);
    let week: Vec<String> = html::texts(&body, "#events-week tr.event-line td a");
    assert_eq!(
        week,
        vec![thursday.title.clone()],
        "today's event is not repeated, next week's is out"
    );
}

#[tokio::test]
async fn member_statistics_are_charted_with_data_and_refresh_after_a_minute() {
    let app = TestApp::spawn().await;
    let (secretary, _) = app.staff_client(Role::Secretary).await;
    for _ in 0..3 {
        let (_, user, _) = app.user_client().await;
        crate::membership::make_member(&app, user.id).await;
    }
    let (_, payer, _) = app.user_client().await;
    let at = "'2026-11-24 06:00:00'";
    for (period, status, cents) in
        [("2026", "paid", 10_000), ("2026", "unpaid", 30_000), ("2026", "cancelled", 5_000)]
            .into_iter()
            .chain([("2025", "paid", 70_000)])
    {
        app.exec(format!(
            "INSERT INTO orders (user_id, kind, title, amount_cents, status, period, created_at, \
             updated_at) VALUES ({}, 'dues', '会费', {cents}, '{status}', '{period}', {at}, {at})",
            payer.id
        ))
        .await;
    }
    // Approving the members opened the home (for its CSRF token): the block computed
    // then is shown for a minute.
    app.clock.advance(Duration::seconds(61));
    let body = page(&app, &secretary, "/admin").await;
    assert_eq!(html::texts(&body, "#current-members"), vec!["3"]);
    assert_eq!(html::texts(&body, "#dues-share .dues-paid"), vec!["¥100.00"]);
    assert_eq!(html::texts(&body, "#dues-share .dues-due"), vec!["¥400.00"]);
    assert_eq!(html::texts(&body, "#dues-share .dues-percent"), vec!["25.0%"]);
    for id in ["by-type", "by-industry", "by-position", "by-status"] {
        assert!(html::count(&body, &format!("#{id} svg .bar-row")) > 0, "{id} has bars");
    }
    assert_eq!(html::count(&body, "#joined svg g.column"), 24, "24 months");
    let last = html::attr(&body, "#joined svg g.column:last-child", "data-month");
    assert_eq!(last.as_deref(), Some("2026-11"));
    assert_eq!(html::texts(&body, "#joined svg g.column:last-child .column-value"), vec!["3"]);
    let statuses = html::texts(&body, "#by-status .bar-label");
    assert_eq!(statuses, vec!["正常", "已过期", "已退会"]);
    assert!(body.contains("@media print") || body.contains("app.css"), "printable stylesheet");

    // Cached for a minute, then computed again.
    let (_, user, _) = app.user_client().await;
    crate::membership::make_member(&app, user.id).await;
    let body = page(&app, &secretary, "/admin").await;
    assert_eq!(html::texts(&body, "#current-members"), vec!["3"]);
    app.clock.advance(Duration::seconds(61));
    let body = page(&app, &secretary, "/admin").await;
    assert_eq!(html::texts(&body, "#current-members"), vec!["4"]);
}
