//! Events in the workbench: the form (validation, CSRF, roles), publishing, the event
//! page with counts and filters, approval, manual check-in, exports, codes and posters.

use std::io::Read as _;

use guildhall::accounts::Role;
use guildhall::events::registrations;

use crate::events::{exec, published_event};
use crate::support::{TestApp, html};

fn form(token: &str, title: &str, capacity: &str) -> Vec<(&'static str, String)> {
    vec![
        ("csrf_token", token.into()),
        ("title", title.into()),
        ("place", "国际会议中心".into()),
        ("cover_file_id", String::new()),
        ("description_html", "<p>议程</p><img src=x onerror=alert(1)>".into()),
        ("starts_at", "2026-12-01T14:30".into()),
        ("ends_at", "2026-12-01T17:00".into()),
        ("registration_opens_at", "2026-11-24T09:00".into()),
        ("registration_closes_at", "2026-12-01T12:00".into()),
        ("capacity", capacity.into()),
        ("member_fee", "12.50".into()),
        ("non_member_fee", "30".into()),
        ("audience", "everyone".into()),
        ("checkin_opens_minutes", "120".into()),
        ("check_in_enabled", "on".into()),
    ]
}

#[tokio::test]
async fn staff_create_publish_and_see_an_event_with_zh_cn_formats() {
    let app = TestApp::spawn().await;
    let (client, _) = app.staff_client(Role::Secretary).await;
    let token = app.csrf_token(&client, "/admin/events/new").await;

    let bad =
        client.post(app.url("/admin/events")).form(&form(&token, "", "abc")).send().await.unwrap();
    assert_eq!(bad.status(), 422);
    let body = bad.text().await.unwrap();
    let errors = html::texts(&body, ".field-error");
    assert!(errors.contains(&"名额须为整数".to_owned()), "{errors:?}");
    assert_eq!(app.count_rows("events").await, 0, "nothing written");

    let missing_csrf = client
        .post(app.url("/admin/events"))
        .form(&form("wrong", "年会", "30"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing_csrf.status(), 403);

    let res = client
        .post(app.url("/admin/events"))
        .form(&form(&token, "年会", "30"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let page = client.get(app.url(&location)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("2026-12-01 14:30 至 2026-12-01 17:00"), "local time, minutes");
    assert!(page.contains("会员 ¥12.50，非会员 ¥30.00"));
    assert!(!page.contains("onerror"), "description sanitised");
    assert_eq!(html::texts(&page, ".event-summary .tag"), ["草稿"]);

    let id: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
    let res = client
        .post(app.url(&format!("/admin/events/{id}/publish")))
        .form(&[("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let list = client
        .get(app.url("/admin/events?status=published"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(html::texts(&list, "#events tbody td a"), ["年会"]);
    let drafts = client
        .get(app.url("/admin/events?status=draft"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(html::count(&drafts, "#events tr[data-event-id]"), 0);

    let (editor, _) = app.staff_client(Role::Editor).await;
    assert_eq!(editor.get(app.url("/admin/events")).send().await.unwrap().status(), 403);
    assert_eq!(app.client().get(app.url("/admin/events")).send().await.unwrap().status(), 303);
}

#[tokio::test]
async fn approval_manual_check_in_counts_and_exports() {
    let app = TestApp::spawn().await;
    let event = published_event(&app, |e| {
        e.capacity = 1;
        e.needs_approval = true;
    })
    .await;
    let (_, u1, _) = app.user_client().await;
    let (_, u2, _) = app.user_client().await;
    exec(
        &app,
        format!("UPDATE users SET nickname = '张三', phone = '13900000001' WHERE id = {}", u1.id),
    )
    .await;
    let (db, clock) = (&app.state.db, &app.state.clock);
    let r1 = registrations::register(db, clock, u1.id, event.id).await.unwrap();
    let r2 = registrations::register(db, clock, u2.id, event.id).await.unwrap();
    assert_eq!((r1.status.as_str(), r2.status.as_str()), ("pending", "waiting"));

    let (client, _) = app.staff_client(Role::Secretary).await;
    let path = format!("/admin/events/{}", event.id);
    let token = app.csrf_token(&client, &path).await;
    let counts =
        client.get(app.url(&format!("{path}/counts"))).send().await.unwrap().text().await.unwrap();
    assert_eq!(html::texts(&counts, "[data-count=pending]"), ["1"]);
    assert_eq!(html::texts(&counts, "[data-count=waiting]"), ["1"]);

    let reject = format!("{path}/registrations/{}/reject", r1.id);
    assert_eq!(crate::support::post_csrf(&client, &app.url(&reject), &token).await, 303);
    let notices = app.outbox_to("13900000001").await;
    let templates: Vec<&str> = notices.iter().map(|n| n.template.as_str()).collect();
    assert_eq!(templates, ["event_registration_decided"], "the rejected user is told");
    assert!(notices[0].payload.contains("rejected"), "{}", notices[0].payload);
    let page = client
        .get(app.url(&format!("{path}?status=pending")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        html::count(&page, "#registrations tr[data-registration-id]"),
        1,
        "u2 moved up to pending"
    );
    let approve = format!("{path}/registrations/{}/approve", r2.id);
    assert_eq!(crate::support::post_csrf(&client, &app.url(&approve), &token).await, 303);
    let again =
        client.post(app.url(&approve)).form(&[("csrf_token", &token)]).send().await.unwrap();
    assert_eq!(again.status(), 409, "already decided");

    let check_in = format!("{path}/registrations/{}/check-in", r2.id);
    assert_eq!(crate::support::post_csrf(&client, &app.url(&check_in), &token).await, 303);
    let counts =
        client.get(app.url(&format!("{path}/counts"))).send().await.unwrap().text().await.unwrap();
    assert_eq!(html::texts(&counts, "[data-count=checked_in]"), ["1"]);
    let page = client
        .get(app.url(&format!("{path}?attendance=in")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(html::count(&page, "#registrations tr[data-registration-id]"), 1);
    let audit = guildhall::kernel::audit::recent(&app.state.db, 50).await.unwrap();
    assert!(
        audit.iter().any(|a| a.action == "registration.check_in" && a.subject_id == Some(r2.id))
    );
    assert!(audit.iter().any(|a| a.action == "registration.reject" && a.subject_id == Some(r1.id)));

    let xlsx =
        client.get(app.url(&format!("{path}/export/registrations.xlsx"))).send().await.unwrap();
    assert_eq!(xlsx.status(), 200);
    let strings = shared_strings(&xlsx.bytes().await.unwrap());
    assert!(
        strings.contains("张三") && strings.contains("13900000001") && strings.contains("已驳回")
    );
    let xlsx = client.get(app.url(&format!("{path}/export/attendance.xlsx"))).send().await.unwrap();
    let strings = shared_strings(&xlsx.bytes().await.unwrap());
    assert!(
        strings.contains("签到时间") && !strings.contains("张三"),
        "only confirmed registrations"
    );
}

fn shared_strings(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an xlsx is a zip");
    let mut text = String::new();
    zip.by_name("xl/sharedStrings.xml").expect("shared strings").read_to_string(&mut text).unwrap();
    text
}

#[tokio::test]
async fn codes_come_as_png_svg_poster_and_screen() {
    let app = TestApp::spawn().await;
    let event = published_event(&app, |_| {}).await;
    let (client, _) = app.staff_client(Role::Secretary).await;
    let base = format!("/admin/events/{}", event.id);

    let png = client.get(app.url(&format!("{base}/qr/checkin.png"))).send().await.unwrap();
    assert_eq!(png.headers()["content-type"], "image/png");
    let image = image::load_from_memory(&png.bytes().await.unwrap()).unwrap();
    assert!(image.width() >= 1200);
    let svg = client.get(app.url(&format!("{base}/qr/checkout.svg"))).send().await.unwrap();
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.unwrap().contains("<svg"));
    let res = client.get(app.url(&format!("{base}/qr/other.svg"))).send().await.unwrap();
    assert_eq!(res.status(), 404);

    let poster = client
        .get(app.url(&format!("{base}/poster/checkin")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(html::texts(&poster, ".sheet h1"), std::slice::from_ref(&event.title));
    assert!(poster.contains("扫码签到") && poster.contains("size: A4"));
    assert_eq!(html::attr(&poster, "img.qr", "src").unwrap(), format!("{base}/qr/checkin.png?v=1"));

    let screen =
        client.get(app.url(&format!("{base}/screen"))).send().await.unwrap().text().await.unwrap();
    assert_eq!(html::attr(&screen, "#screen-code", "hx-trigger").unwrap(), "every 5s");
    assert_eq!(html::texts(&screen, "#checked-in"), ["0"]);
    let qr = client.get(app.url(&format!("{base}/screen/qr.svg"))).send().await.unwrap();
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
}

#[tokio::test]
async fn every_events_route_needs_a_session_or_a_token() {
    let app = TestApp::spawn().await;
    let anonymous = app.client();
    let ours =
        |p: &str| ["/events", "/lotter", "/registrations", "/scans"].iter().any(|s| p.contains(s));
    let concrete = |p: &str| {
        p.replace("{id}", "1")
            .replace("{rid}", "1")
            .replace("{pid}", "1")
            .replace("{action}", "checkin")
    };
    let mut walked = 0;
    for route in guildhall::web::route_table().into_iter().filter(|r| ours(&r.path)) {
        assert!(route.access.is_staff(), "{}", route.path);
        let res = anonymous
            .request(method(&route.method), app.url(&concrete(&route.path)))
            .send()
            .await
            .unwrap();
        assert!(
            matches!(res.status().as_u16(), 303 | 403),
            "{} {} answered {}",
            route.method,
            route.path,
            res.status()
        );
        walked += 1;
    }
    for route in guildhall::api::route_table().into_iter().filter(|r| ours(&r.path)) {
        assert_eq!(route.access, guildhall::http::routes::Access::User, "{}", route.path);
        let res = anonymous
            .request(method(&route.method), app.url(&concrete(&route.path)))
            .json(&serde_json::json!({"qr": "x"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{} {}", route.method, route.path);
        walked += 1;
    }
    assert!(walked >= 30, "walked {walked} routes");
}

fn method(m: &actix_web::http::Method) -> reqwest::Method {
    reqwest::Method::from_bytes(m.as_str().as_bytes()).unwrap()
}
