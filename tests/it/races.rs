//! "Once" rules of accounts under parallel requests. Each read-then-write locks the row
//! it decides on or compares and sets, so these hold on PostgreSQL (READ COMMITTED) as
//! on SQLite (one writer); CI runs them on both.

use guildhall::accounts::{self, Role};
use serde_json::json;

use crate::support::TestApp;

/// Runs `a` and `b` at the same time and answers both results.
async fn at_once<A, B, T>(a: A, b: B) -> (T, T)
where
    A: std::future::Future<Output = T> + Send + 'static,
    B: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let (a, b) = tokio::join!(tokio::spawn(a), tokio::spawn(b));
    (a.unwrap(), b.unwrap())
}

#[tokio::test]
async fn two_admins_disabling_each_other_at_once_leave_one_admin() {
    let app = TestApp::spawn().await;
    let first = app.create_staff(Role::Admin).await;
    let second = app.create_staff(Role::Admin).await;
    for round in 0..8 {
        let (db, clock) = (app.state.db.clone(), app.state.clock.clone());
        let (db2, clock2) = (app.state.db.clone(), app.state.clock.clone());
        let (one, two) = at_once(
            async move { accounts::set_staff_active(&db, &clock, first.id, second.id, false).await },
            async move { accounts::set_staff_active(&db2, &clock2, second.id, first.id, false).await },
        )
        .await;
        let refused: Vec<&str> =
            [&one, &two].iter().filter_map(|r| r.as_ref().err()).map(|e| e.code()).collect();
        assert_eq!(refused, vec!["last_admin"], "round {round}: {one:?} / {two:?}");
        let active = accounts::list_staff(&app.state.db)
            .await
            .unwrap()
            .into_iter()
            .filter(|s| s.active && s.role() == Role::Admin)
            .count();
        assert_eq!(active, 1, "round {round}");
        // Whoever is left enables the other for the next round.
        let (keeper, other) =
            if one.is_ok() { (first.id, second.id) } else { (second.id, first.id) };
        accounts::set_staff_active(&app.state.db, &app.state.clock, keeper, other, true)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn linking_two_staff_to_one_user_at_once_answers_409_not_500() {
    let app = TestApp::spawn().await;
    let admin = app.create_staff(Role::Admin).await;
    let (_, user, _) = app.user_client().await;
    for round in 0..8 {
        let a = app.create_staff(Role::Secretary).await;
        let b = app.create_staff(Role::Secretary).await;
        let (db, clock) = (app.state.db.clone(), app.state.clock.clone());
        let (db2, clock2) = (app.state.db.clone(), app.state.clock.clone());
        let id = user.id.to_string();
        let id2 = id.clone();
        let (one, two) = at_once(
            async move { accounts::link_staff_user(&db, &clock, admin.id, a.id, &id).await },
            async move { accounts::link_staff_user(&db2, &clock2, admin.id, b.id, &id2).await },
        )
        .await;
        let refused: Vec<&str> =
            [&one, &two].iter().filter_map(|r| r.as_ref().err()).map(|e| e.code()).collect();
        assert_eq!(refused, vec!["user_linked"], "round {round}: {one:?} / {two:?}");
        let linked = if one.is_ok() { a.id } else { b.id };
        accounts::unlink_staff_user(&app.state.db, &app.state.clock, admin.id, linked)
            .await
            .unwrap();
    }
}

#[derive(diesel::QueryableByName)]
struct Tries {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    failed_attempts: i32,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    used: bool,
}

async fn tries(app: &TestApp, phone: &'static str) -> Tries {
    app.state
        .db
        .run(move |conn| {
            let sql =
                format!("SELECT failed_attempts, used FROM sms_codes WHERE phone = '{phone}'");
            Ok(guildhall::per_backend!(conn, |c| diesel::RunQueryDsl::get_result(
                diesel::sql_query(&sql),
                c
            ))?)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn parallel_wrong_guesses_burn_the_code_after_five_in_all() {
    let app = TestApp::spawn().await;
    let phone = "13800000077";
    let sent = reqwest::Client::new()
        .post(app.url("/api/v1/auth/sms-code"))
        .json(&json!({"phone": phone}))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 202);
    let code = app.sms_code(phone).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let mut guesses = Vec::new();
    for _ in 0..12 {
        let url = app.url("/api/v1/auth/sms");
        guesses.push(tokio::spawn(async move {
            reqwest::Client::new()
                .post(url)
                .json(&json!({"phone": phone, "code": wrong}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for guess in guesses {
        assert_eq!(guess.await.unwrap(), 422);
    }
    let after = tries(&app, phone).await;
    assert!(after.used, "burned after {} wrong tries", after.failed_attempts);
    // Exactly five tries counted as guesses; the rest found the code already burned.
    assert_eq!(after.failed_attempts, 5);
    let (status, _) =
        app.post_json("/api/v1/auth/sms", None, json!({"phone": phone, "code": code})).await;
    assert_eq!(status, 422, "a burned code stays burned");
    assert!(tries(&app, phone).await.used);
    assert_eq!(app.count_rows("api_tokens").await, 0, "no token was issued");
}
