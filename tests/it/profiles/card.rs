//! Electronic business cards (issue 12) through HTTP: members only, override / clear /
//! flow-through, bad input writes nothing, share / unshare, gone after resignation,
//! unticked fields never public, views once a day, the share image, the style
//! catalogue in the workbench.

use reqwest::Method;
use serde_json::{Value, json};

use super::directory::profile;
use super::{get, member, send, upload};
use crate::support::TestApp;

async fn put_card(app: &TestApp, client: &reqwest::Client, body: Value) -> (u16, Value) {
    send(app, client, Method::PUT, "/api/v1/me/card", Some(body)).await
}

async fn share(app: &TestApp, client: &reqwest::Client) -> Value {
    let (status, body) = send(app, client, Method::POST, "/api/v1/me/card/share", None).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// The public card of `slug` as anyone sees it (status, JSON).
async fn public(app: &TestApp, slug: &str) -> (u16, Value) {
    get(app, &app.client(), &format!("/api/v1/cards/{slug}")).await
}

async fn page(app: &TestApp, slug: &str) -> (u16, String) {
    let res = app.client().get(app.url(&format!("/c/{slug}"))).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

fn value_of(card: &Value, key: &str) -> Option<String> {
    card["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == key)
        .map(|f| f["value"].as_str().unwrap().to_owned())
}

async fn profile_member(app: &TestApp, name: &str) -> (reqwest::Client, i64) {
    let (client, user_id) = member(app).await;
    let (status, body) =
        send(app, &client, Method::PUT, "/api/v1/me/profile", Some(profile(name))).await;
    assert_eq!(status, 200, "{body}");
    (client, user_id)
}

#[tokio::test]
async fn only_active_members_have_a_card_and_styles_are_listed() {
    let app = TestApp::spawn().await;
    let (visitor, _, _) = app.user_client().await;
    for (method, path) in [
        (Method::GET, "/api/v1/me/card"),
        (Method::PUT, "/api/v1/me/card"),
        (Method::POST, "/api/v1/me/card/share"),
        (Method::GET, "/api/v1/me/card/visitors"),
    ] {
        let body = (method == Method::PUT).then(|| json!({}));
        let (status, answer) = send(&app, &visitor, method, path, body).await;
        assert_eq!(
            (status, answer["error"]["code"].as_str()),
            (403, Some("members_only")),
            "{path}"
        );
    }
    let (status, styles) = get(&app, &visitor, "/api/v1/card-styles").await;
    assert_eq!(status, 200);
    let items = styles["items"].as_array().unwrap();
    let layouts = items.iter().filter(|s| s["kind"] == "layout").count();
    let backgrounds = items.iter().filter(|s| s["kind"] == "background").count();
    assert!(layouts >= 3 && backgrounds >= 6, "{styles}");
    assert_eq!(app.count_rows("cards").await, 0);
}

#[tokio::test]
async fn overrides_win_clearing_brings_the_profile_back_and_edits_flow_through() {
    let app = TestApp::spawn().await;
    let (client, _) = profile_member(&app, "张三").await;
    let (status, mine) = get(&app, &client, "/api/v1/me/card").await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["shared"], false);
    assert_eq!(value_of(&mine["resolved"], "title").as_deref(), Some("总经理"));

    let (status, mine) = put_card(
        &app,
        &client,
        json!({"fields": {"title": {"shown": true, "override": "首席执行官"}}}),
    )
    .await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(value_of(&mine["resolved"], "title").as_deref(), Some("首席执行官"));
    let slug = share(&app, &client).await["slug"].as_str().unwrap().to_owned();
    let (_, card) = public(&app, &slug).await;
    assert_eq!(value_of(&card["card"], "title").as_deref(), Some("首席执行官"));
    assert_eq!(value_of(&card["card"], "introduction").as_deref(), Some("深耕智能制造二十年。"));

    // A profile edit flows into the shared card at once (fields not overridden).
    let mut edited = profile("张三丰");
    edited["introduction"] = json!("新的简介");
    let (status, _) = send(&app, &client, Method::PUT, "/api/v1/me/profile", Some(edited)).await;
    assert_eq!(status, 200);
    let (_, card) = public(&app, &slug).await;
    assert_eq!(card["card"]["name"], "张三丰");
    assert_eq!(value_of(&card["card"], "introduction").as_deref(), Some("新的简介"));
    assert_eq!(value_of(&card["card"], "title").as_deref(), Some("首席执行官"));
    let (_, html) = page(&app, &slug).await;
    assert!(html.contains("张三丰") && html.contains("首席执行官"), "{html}");

    // Clearing the override brings the profile value back.
    let (status, mine) =
        put_card(&app, &client, json!({"fields": {"title": {"shown": true, "override": null}}}))
            .await;
    assert_eq!(status, 200, "{mine}");
    let title = mine["fields"].as_array().unwrap().iter().find(|f| f["key"] == "title").unwrap();
    assert_eq!(title["override"], Value::Null);
    let (_, card) = public(&app, &slug).await;
    assert_eq!(value_of(&card["card"], "title").as_deref(), Some("总经理"));

    // Unticking hides the field whatever its value.
    let (status, _) =
        put_card(&app, &client, json!({"fields": {"introduction": {"shown": false}}})).await;
    assert_eq!(status, 200);
    let (_, card) = public(&app, &slug).await;
    assert_eq!(value_of(&card["card"], "introduction"), None);
    assert!(!card.to_string().contains("新的简介"));
}

#[tokio::test]
async fn bad_input_is_refused_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    let (client, _) = profile_member(&app, "李四").await;
    let (_, styles) = get(&app, &client, "/api/v1/card-styles").await;
    let first = |kind: &str| {
        styles["items"].as_array().unwrap().iter().find(|s| s["kind"] == kind).unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (layout, background) = (first("layout"), first("background"));
    let long = "长".repeat(201);
    let cases = [
        (json!({"fields": {"fax": {"shown": true}}}), "fields.fax"),
        (json!({"fields": {"title": {"shown": true, "override": long}}}), "fields.title.override"),
        (json!({"layout_id": background}), "layout_id"),
        (json!({"background_id": layout}), "background_id"),
        (json!({"background_id": 99_999}), "background_id"),
        (json!({"fields": {"photo": {"shown": true, "override": "文字"}}}), "fields.photo"),
    ];
    for (body, field) in cases {
        let (status, answer) = put_card(&app, &client, body.clone()).await;
        assert_eq!(status, 422, "{body} → {answer}");
        assert_eq!(answer["error"]["fields"][0]["field"], field, "{answer}");
    }
    let (status, _) = put_card(&app, &client, json!([1, 2])).await;
    assert_eq!(status, 422);
    assert_eq!(app.count_rows("cards").await, 0);

    // A layout staff disabled cannot be chosen (and nothing changes).
    app.exec(format!("UPDATE card_styles SET enabled = FALSE WHERE id = {}", layout + 1)).await;
    let (status, answer) = put_card(
        &app,
        &client,
        json!({"layout_id": layout + 1, "fields": {"title": {"shown": true, "override": "x"}}}),
    )
    .await;
    assert_eq!((status, answer["error"]["fields"][0]["field"].as_str()), (422, Some("layout_id")));
    assert_eq!(app.count_rows("cards").await, 0);
    let (_, styles) = get(&app, &client, "/api/v1/card-styles").await;
    assert!(!styles.to_string().contains(&format!("\"id\":{},", layout + 1)));
}

#[tokio::test]
async fn unsharing_kills_the_slug_and_a_new_share_gets_a_new_one() {
    let app = TestApp::spawn().await;
    let (client, _) = profile_member(&app, "王五").await;
    let shared = share(&app, &client).await;
    let slug = shared["slug"].as_str().unwrap().to_owned();
    assert_eq!(slug.len(), 22, "128 bits in URL-safe base64: {slug}");
    assert_eq!(shared["title"], "王五的电子名片");
    assert!(shared["path"].as_str().unwrap().contains(&slug));
    assert!(shared["image_url"].as_str().unwrap().ends_with(&format!("/c/{slug}/share.png")));
    assert_eq!(share(&app, &client).await["slug"], slug, "sharing again keeps the slug");
    assert_eq!(public(&app, &slug).await.0, 200);
    assert_eq!(page(&app, &slug).await.0, 200);

    let (status, _) = send(&app, &client, Method::POST, "/api/v1/me/card/unshare", None).await;
    assert_eq!(status, 204);
    assert_eq!(public(&app, &slug).await.0, 404);
    assert_eq!(page(&app, &slug).await.0, 404);
    for tail in ["share.png", "qr.svg", "vcard.vcf"] {
        let res = app.client().get(app.url(&format!("/c/{slug}/{tail}"))).send().await.unwrap();
        assert_eq!(res.status(), 404, "{tail}");
    }
    let (_, mine) = get(&app, &client, "/api/v1/me/card").await;
    assert_eq!((mine["shared"].as_bool(), mine["slug"].as_str()), (Some(false), None));

    let again = share(&app, &client).await["slug"].as_str().unwrap().to_owned();
    assert_ne!(again, slug);
    assert_eq!(public(&app, &again).await.0, 200);
    assert_eq!(public(&app, &slug).await.0, 404);
}

#[tokio::test]
async fn a_card_is_gone_when_its_member_resigns() {
    let app = TestApp::spawn().await;
    let (client, user_id) = profile_member(&app, "赵六").await;
    let slug = share(&app, &client).await["slug"].as_str().unwrap().to_owned();
    assert_eq!(public(&app, &slug).await.0, 200);
    app.exec(format!("UPDATE members SET status = 'resigned' WHERE user_id = {user_id}")).await;
    assert_eq!(public(&app, &slug).await.0, 404);
    let (status, html) = page(&app, &slug).await;
    assert_eq!(status, 404);
    assert!(!html.contains("赵六"));
    let res = app.client().get(app.url(&format!("/c/{slug}/share.png"))).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let (status, body) = get(&app, &client, "/api/v1/me/card").await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("members_only")));
}

#[tokio::test]
async fn unticked_fields_never_show_and_contact_needs_a_tick() {
    let app = TestApp::spawn().await;
    let (client, _) = profile_member(&app, "钱七").await;
    let slug = share(&app, &client).await["slug"].as_str().unwrap().to_owned();
    let (_, card) = public(&app, &slug).await;
    let text = card.to_string();
    for secret in ["13800138000", "wx_private", "11010519491231002X", "深圳市南山区某小区"]
    {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert_eq!(card["card"]["contact"], Value::Null);
    let (_, html) = page(&app, &slug).await;
    assert!(!html.contains("13800138000") && !html.contains("联系TA"), "{html}");
    let vcf = app.client().get(app.url(&format!("/c/{slug}/vcard.vcf"))).send().await.unwrap();
    let vcf = vcf.text().await.unwrap();
    assert!(vcf.starts_with("BEGIN:VCARD") && !vcf.contains("TEL"), "{vcf}");

    let (status, _) = put_card(
        &app,
        &client,
        json!({"fields": {"phone": {"shown": true}, "wechat_id": {"shown": true}}}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, card) = public(&app, &slug).await;
    assert_eq!(card["card"]["contact"]["phone"], "13800138000");
    assert_eq!(card["card"]["phone_contact"]["mobilePhoneNumber"], "13800138000");
    assert_eq!(card["card"]["phone_contact"]["weChatNumber"], "wx_private");
    assert_eq!(card["card"]["phone_contact"]["firstName"], "钱七");
    let (_, html) = page(&app, &slug).await;
    assert!(html.contains("联系TA") && html.contains("tel:13800138000"), "{html}");
    let vcf = app.client().get(app.url(&format!("/c/{slug}/vcard.vcf"))).send().await.unwrap();
    assert!(vcf.text().await.unwrap().contains("TEL;TYPE=CELL:13800138000"));

    // WeChat id alone still offers 联系TA; with neither, it is gone again.
    put_card(&app, &client, json!({"fields": {"phone": {"shown": false}}})).await;
    let (_, card) = public(&app, &slug).await;
    assert_eq!(card["card"]["contact"]["phone"], Value::Null);
    assert_eq!(card["card"]["contact"]["wechat_id"], "wx_private");
    assert!(!card.to_string().contains("13800138000"));
    put_card(&app, &client, json!({"fields": {"wechat_id": {"shown": false}}})).await;
    let (_, card) = public(&app, &slug).await;
    assert_eq!(card["card"]["contact"], Value::Null);
}

#[tokio::test]
async fn views_count_once_a_day_and_visitors_are_signed_in_members() {
    let app = TestApp::spawn().await;
    let (owner, _) = profile_member(&app, "孙八").await;
    let slug = share(&app, &owner).await["slug"].as_str().unwrap().to_owned();
    let (viewer, _) = profile_member(&app, "周九").await;
    let views = || async {
        let (status, body) = get(&app, &owner, "/api/v1/me/card/visitors").await;
        assert_eq!(status, 200, "{body}");
        body
    };
    for _ in 0..3 {
        assert_eq!(page(&app, &slug).await.0, 200);
        assert_eq!(public(&app, &slug).await.0, 200);
    }
    assert_eq!(views().await["views"]["total"], 1, "one anonymous viewer, page and API alike");
    for _ in 0..2 {
        let (status, _) = get(&app, &viewer, &format!("/api/v1/cards/{slug}")).await;
        assert_eq!(status, 200);
    }
    get(&app, &owner, &format!("/api/v1/cards/{slug}")).await;
    let body = views().await;
    assert_eq!(body["views"]["total"], 2, "{body}");
    let visitors = body["visitors"].as_array().unwrap();
    assert_eq!(visitors.len(), 1, "{body}");
    assert_eq!(visitors[0]["name"], "周九");

    app.clock.advance(chrono::Duration::days(1));
    page(&app, &slug).await;
    get(&app, &viewer, &format!("/api/v1/cards/{slug}")).await;
    page(&app, &slug).await;
    let body = views().await;
    assert_eq!(
        (body["views"]["total"].as_i64(), body["views"]["today"].as_i64()),
        (Some(4), Some(2))
    );
    let (_, mine) = get(&app, &owner, "/api/v1/me/card").await;
    assert_eq!(mine["views"]["total"], 4);
}

#[tokio::test]
async fn the_share_image_is_a_5_by_4_png_cached_until_the_card_changes() {
    let app = TestApp::spawn().await;
    let (client, _) = profile_member(&app, "吴十").await;
    let slug = share(&app, &client).await["slug"].as_str().unwrap().to_owned();
    let url = app.url(&format!("/c/{slug}/share.png"));
    let res = app.client().get(&url).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let img = image::load_from_memory(&res.bytes().await.unwrap()).unwrap();
    assert_eq!(img.width() * 4, img.height() * 5, "5:4");
    let res = app.client().get(&url).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(res.status(), 304);

    put_card(&app, &client, json!({"fields": {"title": {"shown": true, "override": "董事长"}}}))
        .await;
    let res = app.client().get(&url).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(res.status(), 200, "a changed card is a new image");
    assert_ne!(res.headers()["etag"].to_str().unwrap(), etag);
    let qr = app.client().get(app.url(&format!("/c/{slug}/qr.svg"))).send().await.unwrap();
    assert_eq!(qr.status(), 200);
    assert!(qr.text().await.unwrap().contains("<svg"));
}

#[tokio::test]
async fn staff_keep_the_style_catalogue() {
    let app = TestApp::spawn().await;
    let (secretary, _) = app.staff_client(guildhall::accounts::Role::Secretary).await;
    let html = secretary.get(app.url("/admin/card-styles")).send().await.unwrap();
    assert_eq!(html.status(), 200);
    let html = html.text().await.unwrap();
    assert!(html.contains("经典") && html.contains("简约") && html.contains("商务"));
    let (member_client, _) = profile_member(&app, "郑一").await;
    let (_, styles) = get(&app, &member_client, "/api/v1/card-styles").await;
    let simple =
        styles["items"].as_array().unwrap().iter().find(|s| s["code"] == "simple").unwrap()["id"]
            .as_i64()
            .unwrap();

    let res = crate::membership::post_form(
        &app,
        &secretary,
        &format!("/admin/card-styles/{simple}"),
        &[("name", "简约版"), ("sort_order", "9")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let (_, styles) = get(&app, &member_client, "/api/v1/card-styles").await;
    assert!(!styles.to_string().contains("简约"), "disabled styles are not offered");
    let (status, _) = put_card(&app, &member_client, json!({"layout_id": simple})).await;
    assert_eq!(status, 422);

    // Disabling every layout is refused: one stays enabled.
    let layouts: Vec<i64> = styles["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "layout")
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    let path = |id: i64| format!("/admin/card-styles/{id}");
    assert_eq!(
        crate::membership::post_form(&app, &secretary, &path(layouts[0]), &[("name", "甲")])
            .await
            .status(),
        303
    );
    let res =
        crate::membership::post_form(&app, &secretary, &path(layouts[1]), &[("name", "乙")]).await;
    assert_eq!(res.status(), 409);

    // Backgrounds: an uploaded image joins the catalogue; anything else is refused.
    let token = app.csrf_token(&secretary, "/admin").await;
    let upload_bg = |bytes: Vec<u8>, name: &'static str| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name);
        let form = reqwest::multipart::Form::new().part("file", part);
        secretary
            .post(app.url("/admin/card-styles/backgrounds"))
            .header("x-csrf-token", &token)
            .header("hx-request", "true")
            .multipart(form)
    };
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let res = upload_bg(pdf, "x.pdf").send().await.unwrap();
    assert_eq!(res.status(), 422);
    let before = app.count_rows("card_styles").await;
    let res = upload_bg(crate::reviewed::png(640, 512), "海景.png").send().await.unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert_eq!(app.count_rows("card_styles").await, before + 1);
    let (_, styles) = get(&app, &member_client, "/api/v1/card-styles").await;
    let bg =
        styles["items"].as_array().unwrap().iter().find(|s| s["name"] == "海景").unwrap().clone();
    assert!(bg["image"]["url"].as_str().unwrap().starts_with("/media/"), "{bg}");
    let (status, mine) = put_card(&app, &member_client, json!({"background_id": bg["id"]})).await;
    assert_eq!(status, 200, "{mine}");
    let slug = share(&app, &member_client).await["slug"].as_str().unwrap().to_owned();
    let res = app.client().get(app.url(&format!("/c/{slug}/share.png"))).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let _ = upload(&app, &member_client, 12).await;
}

#[tokio::test]
async fn parallel_shares_make_one_card_and_one_slug() {
    let app = TestApp::spawn().await;
    let (client, _) = profile_member(&app, "冯二").await;
    let shares = (0..8).map(|_| share(&app, &client));
    let answers: Vec<Value> = futures_util::future::join_all(shares).await;
    let first = answers[0]["slug"].clone();
    assert!(answers.iter().all(|s| s["slug"] == first), "{answers:?}");
    assert_eq!(app.count_rows("cards").await, 1);
}

#[tokio::test]
async fn parallel_views_by_one_viewer_count_once() {
    let app = TestApp::spawn().await;
    let (owner, _) = profile_member(&app, "陈三").await;
    let slug = share(&app, &owner).await["slug"].as_str().unwrap().to_owned();
    let (viewer, _) = profile_member(&app, "褚四").await;
    let path = format!("/api/v1/cards/{slug}");
    let views = (0..8).map(|_| get(&app, &viewer, &path));
    for (status, _) in futures_util::future::join_all(views).await {
        assert_eq!(status, 200);
    }
    assert_eq!(app.count_rows("card_views").await, 1);
}

#[tokio::test]
async fn two_staff_cannot_disable_the_last_two_layouts_at_once() {
    let app = TestApp::spawn().await;
    let (a, _) = app.staff_client(guildhall::accounts::Role::Secretary).await;
    let (b, _) = app.staff_client(guildhall::accounts::Role::Admin).await;
    let (m, _) = profile_member(&app, "卫五").await;
    let (_, styles) = get(&app, &m, "/api/v1/card-styles").await;
    let layouts: Vec<i64> = styles["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "layout")
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    let path = |id: i64| format!("/admin/card-styles/{id}");
    let res = crate::membership::post_form(&app, &a, &path(layouts[0]), &[("name", "甲")]).await;
    assert_eq!(res.status(), 303);
    let (p1, p2) = (path(layouts[1]), path(layouts[2]));
    let (r1, r2) = tokio::join!(
        crate::membership::post_form(&app, &a, &p1, &[("name", "乙")]),
        crate::membership::post_form(&app, &b, &p2, &[("name", "丙")]),
    );
    let mut statuses = [r1.status().as_u16(), r2.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [303, 409]);
    let (_, styles) = get(&app, &m, "/api/v1/card-styles").await;
    let left = styles["items"].as_array().unwrap().iter().filter(|s| s["kind"] == "layout").count();
    assert_eq!(left, 1);
}
