//! Parallel requests (PostgreSQL too): contact reveals are counted once per user and the
//! per-user limit holds at once; a member listing while staff force-unlist never ends
//! with the listing back in the hall.

use futures_util::future::join_all;
use reqwest::Method;

use super::{get, hall_ids, listing, live_listing, member, secretary, send};
use crate::membership::post_form;
use crate::support::TestApp;

#[tokio::test]
async fn reveals_at_once_are_counted_once_per_user() {
    let app = TestApp::spawn().await;
    let (owner, _) = member(&app).await;
    let staff = secretary(&app).await;
    let id = live_listing(&app, &owner, &staff, listing("钢管")).await;
    let path = format!("/api/v1/listings/{id}/contact");
    let mut viewers = Vec::new();
    for _ in 0..8 {
        viewers.push(app.user_client().await.0);
    }
    // Eight users, each twice, all at once.
    let calls =
        viewers.iter().chain(viewers.iter()).map(|c| send(&app, c, Method::POST, &path, None));
    let answers = join_all(calls).await;
    assert!(answers.iter().all(|(s, _)| *s == 200), "{answers:?}");
    assert_eq!(app.count_rows("listing_contact_reveals").await, 8);
    let (_, mine) = get(&app, &owner, &format!("/api/v1/me/listings/{id}")).await;
    assert_eq!(mine["contact_count"], 8);
}

#[tokio::test]
async fn the_reveal_limit_holds_under_parallel_requests() {
    let app = TestApp::spawn_with(|c| c.limits.daily_contact_reveals = 3).await;
    let (owner, _) = member(&app).await;
    let staff = secretary(&app).await;
    let mut ids = Vec::new();
    for n in 0..6 {
        ids.push(live_listing(&app, &owner, &staff, listing(&format!("钢管{n}"))).await);
    }
    let (viewer, _, _) = app.user_client().await;
    let paths: Vec<String> =
        ids.iter().map(|id| format!("/api/v1/listings/{id}/contact")).collect();
    let answers = join_all(paths.iter().map(|p| send(&app, &viewer, Method::POST, p, None))).await;
    let mut statuses: Vec<u16> = answers.iter().map(|(s, _)| *s).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, vec![200, 200, 200, 429, 429, 429]);
    assert_eq!(app.count_rows("listing_contact_reveals").await, 3);
}

#[tokio::test]
async fn a_force_unlist_racing_the_owners_list_keeps_it_out_of_the_hall() {
    let app = TestApp::spawn().await;
    let (owner, _) = member(&app).await;
    let staff = secretary(&app).await;
    for round in 0..4 {
        let id = live_listing(&app, &owner, &staff, listing(&format!("名表{round}"))).await;
        send(&app, &owner, Method::POST, &format!("/api/v1/me/listings/{id}/unlist"), None).await;
        let list = format!("/api/v1/me/listings/{id}/list");
        let unlist = format!("/admin/listings/{id}/unlist");
        let (mine, theirs) = tokio::join!(
            send(&app, &owner, Method::POST, &list, None),
            post_form(&app, &staff, &unlist, &[("note", "违规")]),
        );
        assert!(mine.0 == 200 || mine.0 == 409, "round {round}: {mine:?}");
        assert_eq!(theirs.status(), 303, "round {round}");
        assert!(!hall_ids(&app, "").await.0.contains(&id), "round {round}");
    }
}
