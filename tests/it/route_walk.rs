//! Walks every route of both surfaces: nothing that needs a session or a token answers
//! without one. New routes are covered automatically.

use guildhall::http::routes::{Access, RouteInfo};
use serde_json::Value;

use crate::support::TestApp;

/// `/events/{id}/qr/{action}.png` → `/events/1/qr/1.png`.
fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => in_param = true,
            '}' => {
                in_param = false;
                out.push('1');
            }
            _ if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

async fn send(app: &TestApp, route: &RouteInfo, token: Option<&str>) -> reqwest::Response {
    let client = app.client();
    let mut req =
        client.request(route.method.as_str().parse().unwrap(), app.url(&concrete(&route.path)));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    req.header("content-type", "application/json").body("{}").send().await.unwrap()
}

#[tokio::test]
async fn every_workbench_route_but_sign_in_needs_a_staff_session() {
    let app = TestApp::spawn().await;
    let routes = guildhall::web::route_table();
    assert!(routes.len() > 10);
    for route in routes {
        if route.access == Access::Public {
            assert!(route.path == "/admin/login", "public workbench route {route:?}");
            continue;
        }
        let res = send(&app, &route, None).await;
        assert_eq!(res.status(), 303, "{} {}", route.method, route.path);
        assert!(
            res.headers()["location"].to_str().unwrap().starts_with("/admin/login"),
            "{route:?}"
        );
    }
}

#[tokio::test]
async fn every_api_route_but_sign_in_lists_and_docs_needs_a_token() {
    let app = TestApp::spawn().await;
    let (_, _, revoked) = app.user_client().await;
    let state = &app.state;
    guildhall::accounts::tokens::revoke(&state.db, &state.clock, &state.tokens, &revoked)
        .await
        .unwrap();
    for route in guildhall::api::route_table() {
        if route.access == Access::Public {
            // WeChat Pay calls its notify endpoint; every message is checked against the
            // platform signature instead (tests/it/billing/pay.rs).
            let allowed = route.path.starts_with("/api/v1/auth/")
                || route.path == "/api/v1/payments/wechat/notify"
                || route.method == actix_web::http::Method::GET;
            assert!(allowed, "only sign-in and read-only lists may be public: {route:?}");
            continue;
        }
        assert_eq!(route.access, Access::User, "{route:?}");
        for token in [None, Some("not-a-token"), Some(revoked.as_str())] {
            let res = send(&app, &route, token).await;
            assert_eq!(res.status(), 401, "{} {} with {token:?}", route.method, route.path);
            let body: Value = res.json().await.unwrap();
            assert_eq!(body["error"]["code"], "unauthenticated");
        }
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    let app = TestApp::spawn().await;
    let doc: Value =
        reqwest::get(app.url("/api/openapi.json")).await.unwrap().json().await.unwrap();
    for route in guildhall::api::route_table() {
        if matches!(route.path.as_str(), "/api/openapi.json" | "/api/docs") {
            continue;
        }
        let method = route.method.as_str().to_lowercase();
        let op = &doc["paths"][&route.path][&method];
        assert!(op.is_object(), "{method} {} is not documented", route.path);
        let responses = op["responses"].as_object().unwrap();
        assert!(
            responses.keys().any(|k| k.starts_with('2')),
            "{method} {}: no success response",
            route.path
        );
        let errors: Vec<_> =
            responses.iter().filter(|(k, _)| k.starts_with('4') || k.starts_with('5')).collect();
        assert!(!errors.is_empty(), "{method} {}: no error responses", route.path);
        // WeChat Pay prescribes its notify endpoint's answer: {"code":"FAIL","message":…}.
        let wechat = route.path == "/api/v1/payments/wechat/notify";
        for (status, response) in errors {
            let schema = &response["content"]["application/json"]["schema"]["$ref"];
            // Bodies too large or not JSON are refused before the handler, in our form.
            let before_handler = status.as_str() == "413";
            let expected = if wechat && !before_handler {
                "#/components/schemas/NotifyFailBody"
            } else {
                "#/components/schemas/ErrorBody"
            };
            assert_eq!(schema, expected, "{method} {} {status}", route.path);
        }
        if route.access == Access::User {
            assert!(
                op["security"].is_array(),
                "{method} {} must declare bearer security",
                route.path
            );
        }
    }
}

/// Every workbench route states its roles in the table (`Access::Staff` = any role,
/// `Access::StaffOf(roles)`); a session of each role walks every route and must be
/// refused (403) exactly where the table says so. So a handler cannot check other
/// roles than its route states, and the menu shows an entry exactly to the roles its
/// page admits.
#[tokio::test]
async fn each_role_is_refused_exactly_where_the_route_table_says() {
    use guildhall::accounts::model::Role;
    let app = TestApp::spawn().await;
    // Staff #1 is a bystander, so `/staff/1/…` never acts on the walking sessions.
    app.create_staff(Role::Editor).await;
    let routes = guildhall::web::route_table();
    // These end the walking session itself.
    let ends_session = ["/admin/logout", "/admin/account/sign-out-everywhere"];
    for role in [Role::Admin, Role::Secretary, Role::Finance, Role::Editor] {
        let (client, _) = app.staff_client(role).await;
        let token = app.csrf_token(&client, "/admin").await;
        for route in routes.iter().filter(|r| r.access.is_staff()) {
            if ends_session.contains(&route.path.as_str()) {
                continue;
            }
            let res = client
                .request(route.method.as_str().parse().unwrap(), app.url(&concrete(&route.path)))
                .header("x-csrf-token", &token)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("")
                .send()
                .await
                .unwrap();
            let refused = res.status() == 403;
            assert_eq!(
                refused,
                !route.access.admits(role),
                "{role:?} {} {} answered {}",
                route.method,
                route.path,
                res.status()
            );
        }
    }
    for (href, roles) in guildhall::web::render::menu_roles() {
        let route = routes
            .iter()
            .find(|r| r.method == actix_web::http::Method::GET && r.path == href)
            .unwrap_or_else(|| panic!("menu entry {href} has no page"));
        for role in [Role::Admin, Role::Secretary, Role::Finance, Role::Editor] {
            assert_eq!(roles.contains(&role), route.access.admits(role), "menu {href} {role:?}");
        }
    }
}
