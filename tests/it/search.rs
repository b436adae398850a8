//! The shared search index (kernel::search) on the running backend: two-character
//! Chinese names, substrings of company names, Latin case, several words, re-indexing.

use std::collections::BTreeSet;

use diesel::prelude::*;
use guildhall::kernel::search::{self, SearchQuery};

use crate::support::TestApp;

const SCOPE: &str = "test";

async fn index(app: &TestApp, items: &[(i64, &[&str])]) {
    let items: Vec<(i64, Vec<String>)> =
        items.iter().map(|(id, t)| (*id, t.iter().map(|s| s.to_string()).collect())).collect();
    app.state
        .db
        .write(move |conn| {
            for (id, texts) in &items {
                let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
                search::reindex(conn, SCOPE, *id, &texts)?;
            }
            Ok(())
        })
        .await
        .unwrap();
}

/// Ids that have every gram of the query (owners do this in SQL with one
/// `id.eq_any(item_ids(..))` per gram; the index table cannot sub-select itself).
async fn find(app: &TestApp, text: &str) -> Vec<i64> {
    let q = SearchQuery::parse(text).unwrap();
    app.state
        .db
        .run(move |conn| {
            let mut found: Option<BTreeSet<i64>> = None;
            for gram in q.grams() {
                let ids: BTreeSet<i64> = search::item_ids(SCOPE, gram.to_owned())
                    .load::<i64>(conn)?
                    .into_iter()
                    .collect();
                found = Some(match found {
                    None => ids,
                    Some(before) => before.intersection(&ids).copied().collect(),
                });
            }
            Ok(found.unwrap_or_default().into_iter().collect())
        })
        .await
        .unwrap()
}

#[actix_web::test]
async fn chinese_names_substrings_and_latin_case_are_found_on_both_backends() {
    let app = TestApp::spawn().await;
    index(
        &app,
        &[
            (1, &["张三", "深圳市腾讯计算机系统有限公司"]),
            (2, &["李四", "Acme Trading Co."]),
            (3, &["王小明", "杭州阿里巴巴网络技术有限公司"]),
        ],
    )
    .await;
    assert_eq!(find(&app, "张三").await, vec![1]);
    assert_eq!(find(&app, "腾讯").await, vec![1]);
    assert_eq!(find(&app, "计算机系统").await, vec![1]);
    assert_eq!(find(&app, "有限公司").await, vec![1, 3]);
    assert_eq!(find(&app, "小").await, vec![3]);
    assert_eq!(find(&app, "acme").await, vec![2]);
    assert_eq!(find(&app, "TRADING").await, vec![2]);
    assert_eq!(find(&app, "李四 acme").await, vec![2]);
    assert!(find(&app, "张三 acme").await.is_empty());
    assert!(find(&app, "明王").await.is_empty());
    assert!(find(&app, "100%").await.is_empty());

    // Re-indexing replaces; removing forgets; other scopes are untouched.
    index(&app, &[(1, &["张四"])]).await;
    assert!(find(&app, "张三").await.is_empty());
    assert!(find(&app, "腾讯").await.is_empty());
    assert_eq!(find(&app, "张四").await, vec![1]);
    app.state.db.write(|conn| Ok(search::remove(conn, SCOPE, 2)?)).await.unwrap();
    assert!(find(&app, "acme").await.is_empty());
    assert_eq!(find(&app, "有限公司").await, vec![3]);
}

/// The workbench's event search ignores Latin case on both backends (SQLite's LIKE did,
/// PostgreSQL's did not before it went through `search::lower`).
#[actix_web::test]
async fn event_titles_are_found_whatever_the_latin_case() {
    let app = TestApp::spawn().await;
    crate::events::published_event(&app, |e| e.title = "Guildhall Annual Meetup 年会".into()).await;
    crate::events::published_event(&app, |e| e.title = "理事会".into()).await;
    let (client, _) = app.staff_client(guildhall::accounts::Role::Secretary).await;
    for q in ["annual%20meetup", "GUILDHALL", "年会"] {
        let html = client
            .get(app.url(&format!("/admin/events?q={q}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("Guildhall Annual Meetup"), "{q}");
        assert!(!html.contains("理事会"), "{q}");
    }
}
