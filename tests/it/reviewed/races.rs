//! Races on PostgreSQL too: two reviewers deciding one revision → exactly one wins,
//! the other gets 409; an owner editing while a reviewer decides never loses the edit.

use reqwest::Method;
use serde_json::json;

use super::{decide, get, member, pending_revision, secretary, send};
use crate::support::TestApp;

fn expert(org: &str) -> serde_json::Value {
    json!({"name": "钱工", "fields": ["材料"], "organisation": org})
}

#[tokio::test]
async fn two_reviewers_deciding_at_once_exactly_one_wins() {
    let app = TestApp::spawn().await;
    let (owner, _) = member(&app).await;
    let (a, b) = (secretary(&app).await, secretary(&app).await);
    for round in 0..3 {
        let org = format!("单位{round}");
        let (status, mine) = match round {
            0 => send(&app, &owner, Method::POST, "/api/v1/me/experts", Some(expert(&org))).await,
            _ => {
                let (_, list) = get(&app, &owner, "/api/v1/me/experts").await;
                let id = list["items"][0]["id"].as_i64().unwrap();
                let path = format!("/api/v1/me/experts/{id}");
                send(&app, &owner, Method::PUT, &path, Some(expert(&org))).await
            }
        };
        assert!(status == 201 || status == 200, "{mine}");
        let rev = pending_revision(&app, &a, "expert").await;
        let (x, y) = tokio::join!(
            decide(&app, &a, rev, "approve", ""),
            decide(&app, &b, rev, if round == 1 { "reject" } else { "approve" }, "不行"),
        );
        let mut got = [x, y];
        got.sort_unstable();
        assert_eq!(got, [303, 409], "round {round}");
    }
    assert_eq!(app.count_rows("revisions").await, 3);
}

#[tokio::test]
async fn an_edit_made_while_a_reviewer_decides_is_never_lost() {
    let app = TestApp::spawn().await;
    let (owner, _) = member(&app).await;
    let staff = secretary(&app).await;
    let (_, mine) =
        send(&app, &owner, Method::POST, "/api/v1/me/experts", Some(expert("甲"))).await;
    let id = mine["id"].as_i64().unwrap();
    let path = format!("/api/v1/me/experts/{id}");
    for round in 0..4 {
        let rev = pending_revision(&app, &staff, "expert").await;
        let org = format!("新单位{round}");
        let (decided, (edited, view)) = tokio::join!(
            decide(&app, &staff, rev, "approve", ""),
            send(&app, &owner, Method::PUT, &path, Some(expert(&org))),
        );
        assert_eq!(edited, 200, "{view}");
        assert!(decided == 303 || decided == 409, "round {round}: {decided}");
        // Whatever the order, the edit waits for review and nothing else does.
        let (_, mine) = get(&app, &owner, &path).await;
        assert_eq!(mine["submitted"]["organisation"], org.as_str(), "round {round}: {mine}");
        assert_eq!(
            mine["review"]["state"].as_str().map(|s| s == "editing" || s == "pending"),
            Some(true)
        );
        let pending = pending_revision(&app, &staff, "expert").await;
        assert_ne!(pending, rev);
    }
}
