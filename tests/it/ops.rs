//! Operations endpoints, request ids, static assets and the OpenAPI document.

use crate::support::TestApp;

#[tokio::test]
async fn healthz_checks_the_database() {
    let app = TestApp::spawn().await;
    let res = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn every_response_has_a_request_id() {
    let app = TestApp::spawn().await;
    let mut ids = Vec::new();
    for path in ["/healthz", "/admin", "/api/nothing", "/nothing"] {
        let res = app.client().get(app.url(path)).send().await.unwrap();
        let id = res.headers().get("x-request-id").expect(path).to_str().unwrap().to_owned();
        assert!(id.len() >= 16, "{path}: {id}");
        ids.push(id);
    }
    let distinct: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), 4, "ids are distinct: {ids:?}");
}

#[tokio::test]
async fn metrics_count_requests_by_route_pattern() {
    let app = TestApp::spawn().await;
    let client = app.client();
    client.get(app.url("/healthz")).send().await.unwrap();
    client.get(app.url("/admin/files/12345")).send().await.unwrap();
    let text = client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(
        text.contains(r#"http_requests_total{method="GET",route="/healthz",status="200"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"route="/admin/files/{id}",status="303""#),
        "pattern, not raw path: {text}"
    );
    assert!(text.contains("http_request_duration_seconds_bucket"));
    assert!(text.contains("db_pool_connections_in_use"));
}

#[tokio::test]
async fn static_assets_are_embedded() {
    let app = TestApp::spawn().await;
    for (path, kind) in [
        ("/static/app.css", "text/css"),
        ("/static/vendor/htmx/htmx.min.js", "text/javascript"),
        ("/static/vendor/swagger-ui/swagger-ui-bundle.js", "text/javascript"),
    ] {
        let res = reqwest::get(app.url(path)).await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with(kind));
    }
    assert_eq!(reqwest::get(app.url("/static/../Cargo.toml")).await.unwrap().status(), 404);
}

#[tokio::test]
async fn openapi_document_describes_the_api() {
    let app = TestApp::spawn().await;
    let doc: serde_json::Value =
        reqwest::get(app.url("/api/openapi.json")).await.unwrap().json().await.unwrap();
    insta::assert_json_snapshot!("openapi", doc);
    let docs = reqwest::get(app.url("/api/docs")).await.unwrap().text().await.unwrap();
    assert!(docs.contains("/static/vendor/swagger-ui/swagger-ui-bundle.js"));
    assert!(!docs.contains("://cdn"), "no CDN");
}
