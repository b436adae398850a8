//! Survey results in the workbench: numbers, charts, filters (named surveys only), text
//! answers by page, the Excel export (no user for anonymous surveys), who has not
//! answered and reminders (once per person and day, also under parallel clicks), and
//! that all of it is for secretaries and admins only.

use chrono::Duration;
use guildhall::accounts::Role;
use guildhall::kernel::xlsx::{Cell, XlsxLimits, read_first_sheet};
use guildhall::surveys::SurveyFull;
use guildhall::surveys::model::{audience, kind};
use serde_json::{Value, json};

use crate::membership::{apply, approve, join_body, picker_id, post_form, set_phone};
use crate::support::{TestApp, html};
use crate::surveys::{five_question_survey, good_answers};

/// Makes `user_id` an active member holding `position` (through the real application).
async fn member_as(app: &TestApp, user_id: i64, position: &str) {
    let client = app.client_of(user_id).await;
    let mut body = join_body(app, &client).await;
    body["position_id"] = picker_id(app, &client, "positions", position).await.into();
    let (status, view) = apply(app, &client, &body).await;
    assert_eq!(status, 201, "{view}");
    let (secretary, _) = app.staff_client(Role::Secretary).await;
    assert_eq!(approve(app, &secretary, view["id"].as_i64().unwrap(), false).await.status(), 303);
}

/// Answers with the first option of question 1, `options` of question 2, `text` and
/// `rating`.
fn answers(full: &SurveyFull, first: usize, options: &[usize], text: &str, rating: i64) -> Value {
    let q = |i: usize| full.questions[i].row.id;
    let o = |i: usize, j: usize| full.questions[i].options[j].id;
    let chosen: Vec<i64> = options.iter().map(|j| o(1, *j)).collect();
    json!({"answers": [
        {"question_id": q(0), "option_ids": [o(0, first)]},
        {"question_id": q(1), "option_ids": chosen},
        {"question_id": q(2), "text": text},
        {"question_id": q(3), "value": rating},
    ]})
}

async fn answer(app: &TestApp, client: &reqwest::Client, id: i64, body: &Value) {
    let url = app.url(&format!("/api/v1/surveys/{id}/responses"));
    let res = client.post(url).json(body).send().await.unwrap();
    assert_eq!(res.status(), 201);
}

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let res = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.unwrap()
}

/// The rows of the export's first sheet, as text.
async fn export_rows(app: &TestApp, client: &reqwest::Client, id: i64) -> Vec<Vec<String>> {
    let res =
        client.get(app.url(&format!("/admin/surveys/{id}/export.xlsx"))).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap();
    let mut rows = Vec::new();
    read_first_sheet(&bytes, &XlsxLimits::default(), |_, cells| {
        let text = |c: &Cell| match c {
            Cell::Text(t) => t.clone(),
            Cell::Number(n) | Cell::Date(n) => n.to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::Empty => String::new(),
        };
        rows.push(cells.iter().map(text).collect());
        Ok(())
    })
    .unwrap();
    rows
}

#[tokio::test]
async fn named_results_count_filter_page_texts_and_export() {
    let app = TestApp::spawn().await;
    let full = five_question_survey(&app, |_| {}).await;
    let id = full.survey.id;
    let (c1, u1, _) = app.user_client().await;
    let (c2, u2, _) = app.user_client().await;
    let (c3, _, _) = app.user_client().await;
    member_as(&app, u1.id, "理事").await;
    member_as(&app, u2.id, "会长").await;
    answer(&app, &c1, id, &answers(&full, 0, &[0, 1], "多办培训", 5)).await;
    answer(&app, &c2, id, &answers(&full, 0, &[1], "政策解读", 4)).await;
    answer(&app, &c3, id, &answers(&full, 2, &[1, 2], "<b>线上</b>", 2)).await;

    let (staff, _) = app.staff_client(Role::Secretary).await;
    let body = page(&app, &staff, &format!("/admin/surveys/{id}/results")).await;
    assert_eq!(html::texts(&body, "#total"), ["3"]);
    let q = |n: usize, sel: &str| {
        html::texts(&body, &format!(".question-result[data-number=\"{n}\"] {sel}"))
    };
    assert_eq!(q(1, ".bar-value"), ["2（66.7%）", "0（0.0%）", "1（33.3%）"]);
    assert_eq!(q(2, ".bar-value"), ["1（33.3%）", "3（100.0%）", "1（33.3%）"], "multiple");
    assert_eq!(q(4, ".average"), ["3.67"]);
    assert_eq!(q(4, ".bar-value")[4], "1（33.3%）", "rating 5");
    assert_eq!(q(3, ".text-answers li").len(), 3);
    assert!(q(3, ".text-answers li").contains(&"<b>线上</b>".to_owned()));
    assert!(!body.contains("<b>线上</b>"), "text answers are escaped");
    assert_eq!(html::count(&body, "#per-day svg g.column"), 1);
    assert_eq!(html::count(&body, "#result-filters"), 1);

    // Filters narrow to members of a position; non-members drop out.
    let (cat_client, _, _) = app.user_client().await;
    let chairman = picker_id(&app, &cat_client, "positions", "会长").await;
    let path = format!("/admin/surveys/{id}/results?position={chairman}");
    let body = page(&app, &staff, &path).await;
    assert_eq!(html::texts(&body, "#total"), ["1"]);
    assert_eq!(
        html::texts(&body, ".question-result[data-number=\"2\"] .bar-value"),
        ["0（0.0%）", "1（100.0%）", "0（0.0%）"]
    );
    let texts_link = html::attr(&body, ".texts-link", "href").unwrap();
    assert!(texts_link.contains(&format!("position={chairman}")), "{texts_link}");
    let texts = page(&app, &staff, &texts_link).await;
    assert_eq!(html::texts(&texts, ".text-answers li"), ["政策解读"]);
    let industry = picker_id(&app, &cat_client, "industries", "制造业").await;
    let body =
        page(&app, &staff, &format!("/admin/surveys/{id}/results?industry={industry}")).await;
    assert_eq!(html::texts(&body, "#total"), ["2"]);

    // Text answers page by page.
    for i in 0..21 {
        let (c, _, _) = app.user_client().await;
        answer(&app, &c, id, &answers(&full, 1, &[0], &format!("第{i}条"), 3)).await;
    }
    let text_q = full.questions[2].row.id;
    let path = format!("/admin/surveys/{id}/results/questions/{text_q}/texts");
    let first = page(&app, &staff, &path).await;
    assert_eq!(html::count(&first, ".text-answers li"), 20);
    let second = page(&app, &staff, &format!("{path}?page=2")).await;
    assert_eq!(html::count(&second, ".text-answers li"), 4);
    assert!(second.contains("共 24 条"));

    // Export: a row per response, a column per option of the multiple-choice question.
    let rows = export_rows(&app, &staff, id).await;
    assert_eq!(rows.len(), 1 + 24);
    assert_eq!(rows[0][..4], ["序号", "用户编号", "姓名", "提交时间"]);
    assert_eq!(rows[0][5], "2. 关注的服务：培训");
    assert_eq!(rows[0][7], "2. 关注的服务：政策");
    let mine = rows.iter().find(|r| r[1] == u1.id.to_string()).unwrap();
    assert_eq!(mine[4], "小");
    assert_eq!(mine[5..8], ["1", "1", ""]);
    assert_eq!(mine[8], "多办培训");
    assert_eq!(mine[9], "5");
}

#[tokio::test]
async fn anonymous_results_and_export_carry_no_user() {
    let app = TestApp::spawn().await;
    let full = five_question_survey(&app, |d| {
        d.anonymous = true;
        d.kind = kind::POLL.into();
    })
    .await;
    let id = full.survey.id;
    let (c1, u1, _) = app.user_client().await;
    member_as(&app, u1.id, "会长").await;
    let (c2, u2, _) = app.user_client().await;
    answer(&app, &c1, id, &good_answers(&full)).await;
    answer(&app, &c2, id, &answers(&full, 0, &[2], "匿名建议", 1)).await;

    let (staff, _) = app.staff_client(Role::Admin).await;
    let (cat_client, _, _) = app.user_client().await;
    let chairman = picker_id(&app, &cat_client, "positions", "会长").await;
    let body =
        page(&app, &staff, &format!("/admin/surveys/{id}/results?position={chairman}")).await;
    assert_eq!(html::count(&body, "#result-filters"), 0, "no filters on anonymous surveys");
    assert_eq!(html::texts(&body, "#total"), ["2"], "a filter in the URL is ignored");
    assert!(!body.contains(&format!("data-user-id=\"{}\"", u1.id)));

    let rows = export_rows(&app, &staff, id).await;
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][..2], ["序号", "提交日期"]);
    assert!(!rows[0].iter().any(|h| h.contains("用户") || h.contains("姓名")));
    for row in &rows[1..] {
        let day = &row[1];
        assert_eq!(day.len(), 10, "a date only: {day}");
    }
    let _ = u2;
}

#[tokio::test]
async fn reminders_go_once_per_person_and_day_also_in_parallel() {
    let app = TestApp::spawn().await;
    let full = five_question_survey(&app, |d| d.audience = audience::MEMBERS.into()).await;
    let id = full.survey.id;
    let mut phones = Vec::new();
    let mut first = None;
    for i in 0..3 {
        let (client, user, _) = app.user_client().await;
        member_as(&app, user.id, "理事").await;
        let phone = format!("1390000000{i}");
        set_phone(&app, user.id, &phone).await;
        if i == 0 {
            first = Some(client);
        } else {
            phones.push(phone);
        }
    }
    answer(&app, first.as_ref().unwrap(), id, &good_answers(&full)).await;

    let (staff, _) = app.staff_client(Role::Secretary).await;
    let body = page(&app, &staff, &format!("/admin/surveys/{id}/pending")).await;
    assert_eq!(html::count(&body, "#pending tbody tr[data-user-id]"), 2);
    assert_eq!(html::count(&body, "#remind-form"), 1);

    // Six clicks at once: each person gets exactly one reminder.
    let token = app.csrf_token(&staff, "/admin").await;
    let url = app.url(&format!("/admin/surveys/{id}/remind"));
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let (client, url, token) = (staff.clone(), url.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            client.post(url).form(&[("csrf_token", token)]).send().await.unwrap().status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 303, "on postgres: {}", app.on_postgres());
    }
    for phone in &phones {
        let sent = app.outbox_to(phone).await;
        assert_eq!(sent.len(), 1, "{phone}");
        assert_eq!(sent[0].template, "survey_reminder");
    }
    assert_eq!(app.count_rows("survey_reminders").await, 2);

    // Again today: nothing; tomorrow: one more each.
    assert_eq!(
        post_form(&app, &staff, &format!("/admin/surveys/{id}/remind"), &[]).await.status(),
        303
    );
    let body = page(&app, &staff, &format!("/admin/surveys/{id}/pending")).await;
    assert!(body.contains("今天已提醒过"), "flash");
    app.clock.advance(Duration::days(1));
    let (staff, _) = app.staff_client(Role::Secretary).await; // the old session expired
    assert_eq!(
        post_form(&app, &staff, &format!("/admin/surveys/{id}/remind"), &[]).await.status(),
        303
    );
    for phone in &phones {
        assert_eq!(app.outbox_to(phone).await.len(), 2, "{phone}");
    }
    assert_eq!(app.count_rows("survey_reminders").await, 4);
    let audits = remind_audits(&app).await;
    assert_eq!(audits, 8, "every click is audited");

    // An everyone-audience survey has no list.
    let open = five_question_survey(&app, |_| {}).await;
    let body = page(&app, &staff, &format!("/admin/surveys/{}/pending", open.survey.id)).await;
    assert!(body.contains("没有确定的名单"));
    let path = format!("/admin/surveys/{}/remind", open.survey.id);
    assert_eq!(post_form(&app, &staff, &path, &[]).await.status(), 303);
    assert_eq!(app.count_rows("survey_reminders").await, 4);
}

async fn remind_audits(app: &TestApp) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let sql = "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'survey.remind'";
    let row: Count = app
        .state
        .db
        .run(move |conn| {
            use diesel::RunQueryDsl as _;
            Ok(guildhall::per_backend!(conn, |c| diesel::sql_query(sql).get_result(c))?)
        })
        .await
        .unwrap();
    row.n
}

#[tokio::test]
async fn results_export_and_reminders_are_for_secretaries_and_admins() {
    let app = TestApp::spawn().await;
    let full = five_question_survey(&app, |d| d.audience = audience::MEMBERS.into()).await;
    let id = full.survey.id;
    let text_q = full.questions[2].row.id;
    let paths = [
        format!("/admin/surveys/{id}/results"),
        format!("/admin/surveys/{id}/results/questions/{text_q}/texts"),
        format!("/admin/surveys/{id}/export.xlsx"),
        format!("/admin/surveys/{id}/pending"),
    ];
    let (finance, _) = app.staff_client(Role::Finance).await;
    let anonymous = app.client();
    for path in &paths {
        assert_eq!(finance.get(app.url(path)).send().await.unwrap().status(), 403, "{path}");
        let res = anonymous.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 303, "{path}");
    }
    let res = post_form(&app, &finance, &format!("/admin/surveys/{id}/remind"), &[]).await;
    assert_eq!(res.status(), 403);
    let (user, _, _) = app.user_client().await;
    let res = user.get(app.url(&format!("/admin/surveys/{id}/export.xlsx"))).send().await.unwrap();
    assert_ne!(res.status(), 200, "a bearer token is no staff session");
    let missing = app.staff_client(Role::Secretary).await.0;
    let res = missing.get(app.url("/admin/surveys/999999/results")).send().await.unwrap();
    assert_eq!(res.status(), 404);
}
