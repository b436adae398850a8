//! A free and a paid course end to end: enrol, pay, study with the clock, complete
//! lessons, pass before 100 %, the certificate issued once and verifiable.

use guildhall::accounts::Role;

use super::{
    add_lesson, article, beat, course_fields, create_course, enrol, free_course, get, my_course,
    open, open_ok, post_form, publish, staff, wait,
};
use crate::support::TestApp;

#[tokio::test]
async fn a_free_course_passes_before_all_lessons_and_issues_one_verifiable_certificate() {
    let app = TestApp::spawn().await;
    let staff = staff(&app).await;
    let (course, [first, second]) = free_course(&app, &staff).await;
    let (learner, _, _) = app.user_client().await;

    let (status, e) = enrol(&app, &learner, course, "张三").await;
    assert_eq!(status, 201, "{e}");
    assert_eq!((e["status"].as_str(), e["order_id"].as_i64()), (Some("active"), None));
    let (status, again) = enrol(&app, &learner, course, "张三").await;
    assert_eq!((status, again["error"]["code"].as_str()), (409, Some("already_enrolled")));

    let (status, session) = open(&app, &learner, course, first).await;
    assert_eq!(status, 201, "{session}");
    assert_eq!(session["heartbeat_seconds"], 10);
    assert_eq!(
        session["lesson"]["body_html"], "<p>正文<img src=\"x\"></p>",
        "sanitised once on write"
    );
    let sid = session["id"].as_i64().unwrap();
    wait(&app, 10);
    let (status, b) = beat(&app, &learner, sid, first, None).await;
    assert_eq!(status, 200, "{b}");
    assert_eq!(
        (b["counted_seconds"].as_i64(), b["lesson_completed"].as_bool()),
        (Some(10), Some(true))
    );
    assert_eq!(b["course"]["score"], 10);
    assert_eq!(b["course"]["progress_percent"], 50, "passed at half the lessons");
    assert_eq!(b["course"]["passed"], true);
    let number = b["course"]["certificate"]["number"].as_str().unwrap().to_owned();
    assert!(number.starts_with("JY2026"), "{number}");

    // More study on the same lesson adds time, not credits; the second lesson adds
    // its credits; there is still one certificate.
    wait(&app, 10);
    let (_, b) = beat(&app, &learner, sid, first, None).await;
    assert_eq!(
        (b["lesson_counted_seconds"].as_i64(), b["course"]["score"].as_i64()),
        (Some(20), Some(10))
    );
    let sid2 = open_ok(&app, &learner, course, second).await;
    for _ in 0..2 {
        wait(&app, 10);
        assert_eq!(beat(&app, &learner, sid2, second, None).await.0, 200);
    }
    let mine = my_course(&app, &learner, course).await;
    assert_eq!(
        (mine["progress_percent"].as_i64(), mine["score"].as_i64(), mine["passed"].as_bool()),
        (Some(100), Some(15), Some(true))
    );
    assert_eq!(mine["certificate"]["number"], number.as_str(), "the same certificate");
    assert_eq!(app.count_rows("course_certificates").await, 1);
    assert_eq!(app.count_rows("notices").await, 1, "one CourseCompleted notice");

    // Verification: the public page, the printable page, the QR code.
    let verify = mine["certificate"]["verify_url"].as_str().unwrap();
    let path = verify.trim_start_matches(&app.state.config.public_base_url);
    let page = reqwest::get(app.url(path)).await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("张三") && html.contains("W3C 教程") && html.contains(&number), "{html}");
    let print = reqwest::get(app.url(&format!("{path}/certificate"))).await.unwrap();
    assert_eq!(print.status(), 200);
    let html = print.text().await.unwrap();
    assert!(html.contains("张三") && html.contains("完成课程「W3C 教程」的学习"), "{html}");
    assert_eq!(reqwest::get(app.url(&format!("{path}/qr.svg"))).await.unwrap().status(), 200);
    assert_eq!(reqwest::get(app.url("/v/NOSUCHCODE99/certificate")).await.unwrap().status(), 404);
}

#[tokio::test]
async fn the_certificate_png_is_drawn_with_the_embedded_font() {
    let app = TestApp::spawn().await;
    let staff = staff(&app).await;
    let (course, [first, _]) = free_course(&app, &staff).await;
    let (learner, _, _) = app.user_client().await;
    enrol(&app, &learner, course, "李四").await;
    let sid = open_ok(&app, &learner, course, first).await;
    wait(&app, 10);
    let (_, b) = beat(&app, &learner, sid, first, None).await;
    let png_url = b["course"]["certificate"]["png_url"].as_str().unwrap();
    let path = png_url.trim_start_matches(&app.state.config.public_base_url);
    let res = reqwest::get(app.url(path)).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    let bytes = res.bytes().await.unwrap();
    // To look at it: GUILDHALL_SAVE_CERTIFICATE_PNG=/tmp/cert.png cargo test … certificate_png
    if let Ok(path) = std::env::var("GUILDHALL_SAVE_CERTIFICATE_PNG") {
        std::fs::write(path, &bytes).unwrap();
    }
    let img = image::load_from_memory(&bytes).unwrap().to_rgba8();
    assert_eq!((img.width(), img.height()), (1600, 1131));
    // The learner's name is drawn in ink at the design's name position (a band across
    // the middle, 42 % down): some pixels there are dark, which the cream sheet is not.
    let dark = (650..950)
        .flat_map(|x| (430..520).map(move |y| (x, y)))
        .filter(|&(x, y)| img.get_pixel(x, y)[0] < 120)
        .count();
    assert!(dark > 200, "no text drawn: {dark} dark pixels");
}

#[tokio::test]
async fn a_paid_course_enrols_when_its_order_is_paid_and_members_pay_the_member_price() {
    let app = TestApp::spawn().await;
    let staff = staff(&app).await;
    let mut fields = course_fields("财税实务");
    fields.retain(|(k, _)| *k != "price");
    fields.push(("price", "12.50".into()));
    let course = create_course(&app, &staff, &fields).await;
    let lesson = add_lesson(&app, &staff, course, &article("发票管理", 10, 10, 1)).await;
    add_lesson(&app, &staff, course, &article("纳税申报", 10, 10, 2)).await;
    publish(&app, &staff, course).await;

    let (learner, _, _) = app.user_client().await;
    let (status, e) = enrol(&app, &learner, course, "王五").await;
    assert_eq!(status, 201, "{e}");
    assert_eq!(
        (e["status"].as_str(), e["price_cents"].as_i64()),
        (Some("awaiting_payment"), Some(1250))
    );
    let order_id = e["order_id"].as_i64().unwrap();
    let (status, again) = enrol(&app, &learner, course, "王五").await;
    assert_eq!((status, again["order_id"].as_i64()), (200, Some(order_id)), "the same order");
    let (status, refused) = open(&app, &learner, course, lesson).await;
    assert_eq!((status, refused["error"]["code"].as_str()), (403, Some("not_enrolled")));
    let (_, order) = get(&app, &learner, &format!("/api/v1/me/orders/{order_id}")).await;
    assert_eq!(
        (order["kind"].as_str(), order["amount_cents"].as_i64()),
        (Some("course_fee"), Some(1250))
    );

    let (finance, _) = app.staff_client(Role::Finance).await;
    let path = format!("/admin/orders/{order_id}/offline-payment");
    let fields = [
        ("amount", "12.50"),
        ("paid_on", "2026-11-24"),
        ("payer", "王五"),
        ("reference", "CASH-1"),
    ];
    assert_eq!(post_form(&app, &finance, &path, &fields).await.status(), 303);
    assert_eq!(my_course(&app, &learner, course).await["enrolment"]["status"], "active");

    let sid = open_ok(&app, &learner, course, lesson).await;
    wait(&app, 10);
    let (_, b) = beat(&app, &learner, sid, lesson, None).await;
    assert_eq!(
        (b["course"]["passed"].as_bool(), b["course"]["progress_percent"].as_i64()),
        (Some(true), Some(50))
    );
    assert!(b["course"]["certificate"]["number"].is_string());

    // A full refund ends the enrolment: no more study; the certificate stays.
    let refund = format!("/admin/orders/{order_id}/refund");
    let res = post_form(&app, &finance, &refund, &[("amount", "12.50"), ("reason", "退课")]).await;
    assert_eq!(res.status(), 303);
    wait(&app, 10);
    let (status, body) = beat(&app, &learner, sid, lesson, None).await;
    assert_eq!(status, 409, "the session was closed: {body}");
    let (status, body) = open(&app, &learner, course, lesson).await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("not_enrolled")));
    assert_eq!(app.count_rows("course_certificates").await, 1);

    // A member pays the member price (0): enrolled at once, no order.
    let (member, member_id) = crate::reviewed::member(&app).await;
    let (status, e) = enrol(&app, &member, course, "").await;
    assert_eq!(status, 201, "{e}");
    assert_eq!((e["status"].as_str(), e["order_id"].as_i64()), (Some("active"), None));
    assert!(!e["learner_name"].as_str().unwrap().is_empty(), "the roll's name for {member_id}");
    assert_eq!(app.count_rows("orders").await, 1);
}
