//! Certificates end to end: bad input refused with nothing written; submit → review →
//! listed with a verification link; the card choice; association honours published
//! directly; public verification: valid, expired, revoked with the reason, unknown.

use reqwest::Method;
use serde_json::{Value, json};

use super::{audit_actions, decide, get, member, pending_revision, secretary, send, upload};
use crate::membership::{page, post_form};
use crate::support::{TestApp, html};

fn certificate(images: &[i64]) -> Value {
    json!({
        "title": "软件产品证书",
        "kind": "软件产品证书",
        "awarded_to": "深圳市示范科技有限公司",
        "issuer": "深圳市软件行业协会",
        "issue_date": "2026-03-01",
        "number": "SZ-2026-001",
        "validity": {"type": "range", "from": "2026-03-01", "until": "2027-02-28"},
        "extra_lines": [{"label": "软件名称", "value": "信易通"}],
        "image_file_ids": images,
    })
}

fn with(mut body: Value, key: &str, value: Value) -> Value {
    body[key] = value;
    body
}

#[tokio::test]
async fn bad_certificates_are_refused_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let (client, _) = member(&app).await;
    let (stranger, _, _) = app.user_client().await;
    let image = upload(&app, &client, 30).await;
    let theirs = upload(&app, &stranger, 31).await;
    let mut ten = Vec::new();
    for w in 0..10 {
        ten.push(upload(&app, &client, 40 + w).await);
    }
    let cases = [
        (with(certificate(&[image]), "issue_date", json!("2026-11-25")), "issue_date"),
        (
            with(
                certificate(&[image]),
                "validity",
                json!({"type": "range", "from": "2026-03-01", "until": "2026-02-01"}),
            ),
            "validity.until",
        ),
        (certificate(&ten), "image_file_ids"),
        (certificate(&[theirs]), "image_file_ids"),
        (certificate(&[]), "image_file_ids"),
        (with(certificate(&[image]), "issue_date", json!("明天")), "issue_date"),
    ];
    for (body, field) in cases {
        let (status, answer) =
            send(&app, &client, Method::POST, "/api/v1/me/certificates", Some(body)).await;
        assert_eq!(status, 422, "{answer}");
        assert_eq!(answer["error"]["fields"][0]["field"], field, "{answer}");
    }
    let (status, answer) = send(
        &app,
        &stranger,
        Method::POST,
        "/api/v1/me/certificates",
        Some(certificate(&[theirs])),
    )
    .await;
    assert_eq!((status, answer["error"]["code"].as_str()), (403, Some("members_only")));
    assert_eq!(app.count_rows("certificates").await, 0);
    assert_eq!(app.count_rows("revisions").await, 0);
}

#[tokio::test]
async fn a_certificate_is_reviewed_listed_verified_and_revoked() {
    let app = TestApp::spawn().await;
    let (owner, owner_id) = member(&app).await;
    let (other, _, _) = app.user_client().await;
    let staff = secretary(&app).await;
    let image = upload(&app, &owner, 60).await;
    let (status, mine) =
        send(&app, &owner, Method::POST, "/api/v1/me/certificates", Some(certificate(&[image])))
            .await;
    assert_eq!(status, 201, "{mine}");
    assert!(mine["verify_url"].is_null() && mine["live"].is_null());
    let id = mine["id"].as_i64().unwrap();
    let (_, list) = get(&app, &other, "/api/v1/certificates?owner=members").await;
    assert_eq!(list["total"], 0);

    let rev = pending_revision(&app, &staff, "certificate").await;
    let diff = page(&app, &staff, &format!("/admin/reviews/{rev}")).await;
    assert!(
        html::texts(&diff, "#diff tr[data-field=其他信息] td.pending")[0]
            .contains("软件名称：信易通")
    );
    assert_eq!(decide(&app, &staff, rev, "approve", "").await, 303);

    let (_, list) = get(&app, &other, "/api/v1/certificates?owner=members").await;
    assert_eq!(list["total"], 1, "{list}");
    let item = &list["items"][0];
    assert_eq!((item["owner"].as_str(), item["status"].as_str()), (Some("member"), Some("valid")));
    assert_eq!(item["extra_lines"][0]["value"], "信易通");
    assert_eq!(item["validity_label"], "2026-03-01 至 2027-02-28");
    let url = item["verify_url"].as_str().unwrap().to_owned();
    let code = url.rsplit('/').next().unwrap().to_owned();
    assert_eq!(code.len(), 12);
    let (_, none) = get(&app, &other, "/api/v1/certificates?owner=association").await;
    assert_eq!(none["total"], 0);
    assert_eq!(get(&app, &other, "/api/v1/certificates?owner=everyone").await.0, 400);
    assert_eq!(
        get(&app, &other, &format!("/api/v1/certificates/{id}")).await.1["title"],
        "软件产品证书"
    );

    // The public page, for anyone without signing in.
    let anon = reqwest::Client::new();
    let res = anon.get(app.url(&format!("/v/{code}"))).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert_eq!(html::texts(&body, "#cert-title"), vec!["软件产品证书"]);
    assert_eq!(html::texts(&body, "#holder"), vec!["深圳市示范科技有限公司"]);
    assert_eq!(html::attr(&body, "#cert-status", "data-status").as_deref(), Some("valid"));
    let qr = anon.get(app.url(&format!("/v/{code}/qr.svg"))).send().await.unwrap();
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    let unknown = anon.get(app.url("/v/NOPE2345ABCD")).send().await.unwrap();
    assert_eq!(unknown.status(), 404);
    assert!(unknown.text().await.unwrap().contains("未找到该证书"));

    // The card choice: the shared card shows the certificate only once it is ticked.
    let (status, shared) = send(&app, &owner, Method::POST, "/api/v1/me/card/share", None).await;
    assert_eq!(status, 200, "{shared}");
    let card_path = format!("/api/v1/cards/{}", shared["slug"].as_str().unwrap());
    let (_, card) = get(&app, &anon, &card_path).await;
    assert_eq!(card["card"]["certificates"], json!([]), "{card}");
    let path = format!("/api/v1/me/certificates/{id}/card");
    let (status, mine) =
        send(&app, &owner, Method::POST, &path, Some(json!({"show_on_card": true}))).await;
    assert_eq!((status, mine["show_on_card"].as_bool()), (200, Some(true)), "{mine}");
    let (_, card) = get(&app, &anon, &card_path).await;
    assert_eq!(card["card"]["certificates"][0]["title"], "软件产品证书", "{card}");

    // Past the validity: expired.
    app.clock.advance(chrono::Duration::days(100));
    let body = anon.get(app.url(&format!("/v/{code}"))).send().await.unwrap().text().await.unwrap();
    assert_eq!(html::attr(&body, "#cert-status", "data-status").as_deref(), Some("expired"));

    // Revoked by staff, with the reason: the page says so, lists leave it out.
    // Sessions and tokens of 100 days ago have expired meanwhile.
    let staff = secretary(&app).await;
    let (other, _, _) = app.user_client().await;
    let owner = app.client_of(owner_id).await;
    let admin_path = format!("/admin/certificates/{id}/revoke");
    assert_eq!(post_form(&app, &staff, &admin_path, &[("reason", "")]).await.status(), 303);
    let (_, listed) = get(&app, &other, "/api/v1/certificates").await;
    assert_eq!(listed["total"], 1, "an empty reason revokes nothing: {listed}");
    post_form(&app, &staff, &admin_path, &[("reason", "证书系伪造")]).await;
    let body = anon.get(app.url(&format!("/v/{code}"))).send().await.unwrap().text().await.unwrap();
    assert_eq!(html::attr(&body, "#cert-status", "data-status").as_deref(), Some("revoked"));
    assert!(html::texts(&body, "#revoked")[0].contains("证书系伪造"));
    assert_eq!(get(&app, &other, "/api/v1/certificates").await.1["total"], 0);
    let (_, mine) = get(&app, &owner, &format!("/api/v1/me/certificates/{id}")).await;
    assert_eq!(
        (mine["status"].as_str(), mine["revoke_reason"].as_str()),
        (Some("revoked"), Some("证书系伪造"))
    );
    assert_eq!(
        audit_actions(&app, "certificates").await,
        vec!["certificate.submit", "certificate.approve", "certificate.revoke"]
    );
}

#[tokio::test]
async fn staff_publish_association_honours_directly() {
    let app = TestApp::spawn().await;
    let (client, _) = member(&app).await;
    let staff = secretary(&app).await;
    let form = [
        ("title", "5A级社会组织"),
        ("kind", "荣誉证书"),
        ("awarded_to", "示范商会"),
        ("issuer", "深圳市民政局"),
        ("issue_date", "2025-12-01"),
        ("number", ""),
        ("validity_type", "text"),
        ("validity_text", "五年"),
        ("extra_lines", "评估等级：5A\n"),
        ("image_file_ids", ""),
    ];
    let bad = post_form(
        &app,
        &staff,
        "/admin/certificates",
        &[("title", "x"), ("issue_date", "2030-01-01")],
    )
    .await;
    assert_eq!(bad.status(), 422);
    assert_eq!(app.count_rows("certificates").await, 0);
    let res = post_form(&app, &staff, "/admin/certificates", &form).await;
    assert_eq!(res.status(), 303);
    let (_, list) = get(&app, &client, "/api/v1/certificates?owner=association").await;
    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(list["items"][0]["owner"], "association");
    assert_eq!(list["items"][0]["validity_label"], "五年");
    assert!(list["items"][0]["verify_url"].as_str().unwrap().contains("/v/"));
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let body = page(&app, &staff, &location).await;
    assert!(html::attr(&body, "#verify img", "src").unwrap().ends_with("/qr.png"));
    let qr = staff.get(app.url(&format!("{location}/qr.png"))).send().await.unwrap();
    assert_eq!(qr.headers()["content-type"], "image/png");
}
