//! The privacy crawl: several members fill every private field with a unique marker;
//! then every GET route of the API (from the route table, so new routes are covered)
//! and every public page is fetched as another member, as a visitor and anonymously,
//! with every id that exists — no marker may appear anywhere. The members share their
//! cards, so the public card (`/api/v1/cards/{slug}`, `/c/{slug}` and its image, QR and
//! vCard) is crawled with the real slugs: an unticked field never shows.

use guildhall::http::routes::RouteInfo;
use reqwest::Method;
use serde_json::json;

use super::{member, send, upload};
use crate::support::TestApp;

/// Keys of private fields: they may appear only in the caller's own answers (and in
/// the OpenAPI document, which describes them).
const PRIVATE_KEYS: [&str; 6] = [
    "\"phone\":\"1",
    "\"wechat_id\"",
    "\"height_cm\"",
    "\"weight_kg\"",
    "\"id_number\"",
    "\"home_address\"",
];

/// `/members/{id}/x` with every `{…}` replaced by `value`.
fn concrete(path: &str, value: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => in_param = true,
            '}' => {
                in_param = false;
                out.push_str(value);
            }
            _ if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

/// Fills the private fields of `n` members and shares each one's card (with its
/// default ticks, and one card with every public field overridden); returns the
/// markers and the share slugs.
async fn fill_private_fields(app: &TestApp, n: usize) -> (Vec<String>, Vec<String>) {
    let mut markers = Vec::new();
    let mut slugs = Vec::new();
    for i in 0..n {
        let (client, user_id) = member(app).await;
        let photo = upload(app, &client, 30 + i as u32).await;
        let (wechat, address) = (format!("wxmark{i}q"), format!("住址标记{i}号"));
        let phone = format!("1390000{i:04}");
        crate::membership::set_phone(app, user_id, &format!("1370000{i:04}")).await;
        let body = json!({
            "real_name": format!("成员{i}"), "photo_file_id": photo, "phone": phone,
            "wechat_id": wechat, "height_cm": 171, "weight_kg": 66,
            "id_number": "11010519491231002X", "home_address": address,
            "introduction": format!("公开简介{i}"),
        });
        let (status, view) =
            send(app, &client, Method::PUT, "/api/v1/me/profile", Some(body)).await;
        assert_eq!(status, 200, "{view}");
        if i == 1 {
            let fields = json!({"fields": {"title": {"shown": true, "override": "名片职务"},
                "email": {"shown": true, "override": "card@example.org"},
                "phone": {"shown": false, "override": "010-1234"}}});
            let (status, card) =
                send(app, &client, Method::PUT, "/api/v1/me/card", Some(fields)).await;
            assert_eq!(status, 200, "{card}");
        }
        let (status, shared) =
            send(app, &client, Method::POST, "/api/v1/me/card/share", None).await;
        assert_eq!(status, 200, "{shared}");
        slugs.push(shared["slug"].as_str().unwrap_or_default().to_owned());
        markers.extend([phone, format!("1370000{i:04}"), wechat, address]);
    }
    markers.push("11010519491231002X".into());
    markers.push("010-1234".into());
    (markers, slugs)
}

fn check(path: &str, who: &str, body: &str, markers: &[String]) {
    for marker in markers {
        assert!(!body.contains(marker.as_str()), "{marker} leaked by GET {path} as {who}: {body}");
    }
    // The document describes the fields; `/me…` answers show the caller their own.
    let own_or_doc = path.starts_with("/api/v1/me") || path.starts_with("/api/openapi");
    if !own_or_doc {
        for key in PRIVATE_KEYS {
            let compact = body.replace(": ", ":");
            assert!(!compact.contains(key), "{key} in GET {path} as {who}: {body}");
        }
    }
}

#[tokio::test]
async fn no_private_field_reaches_anyone_but_its_owner() {
    let app = TestApp::spawn().await;
    let (markers, slugs) = fill_private_fields(&app, 3).await;
    let (viewer_member, _) = member(&app).await;
    let (visitor, _, _) = app.user_client().await;
    let anonymous = app.client();
    let clients = [("member", &viewer_member), ("visitor", &visitor), ("anonymous", &anonymous)];

    let api = guildhall::api::route_table().into_iter();
    let routes: Vec<RouteInfo> = api
        .chain(guildhall::public::route_table())
        .filter(|r| r.method == actix_web::http::Method::GET)
        .collect();
    let mut fetched = 0;
    for route in &routes {
        let values: Vec<String> = if route.path.contains("{slug}") {
            // Shared cards: the real slugs (and one that is not a card).
            slugs.iter().cloned().chain(["1".to_owned()]).collect()
        } else if route.path.contains('{') {
            (1..=12).map(|i| i.to_string()).collect()
        } else {
            vec![String::new()]
        };
        for value in values {
            let mut paths = vec![concrete(&route.path, &value)];
            if !route.path.contains('{') {
                paths.push(format!("{}?q={}", route.path, markers[0]));
            }
            for path in paths {
                for (who, client) in clients {
                    let res = client.get(app.url(&path)).send().await.unwrap();
                    let body = res.text().await.unwrap_or_default();
                    check(&path, who, &body, &markers);
                    fetched += 1;
                }
            }
        }
    }
    assert!(fetched > 300, "the crawl fetched {fetched} pages");
    let card_pages = routes.iter().filter(|r| r.path.contains("{slug}")).count();
    assert!(card_pages >= 5, "the public card is crawled: {card_pages} card routes");
}
