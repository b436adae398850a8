//! Surveys and polls over the API: every question type, every refusal (named, nothing
//! written), one response per user under parallel submissions, anonymity, frozen
//! questions, public poll results.

use chrono::Duration;
use guildhall::accounts::Role;
use guildhall::surveys::model::{audience, kind, qkind};
use guildhall::surveys::{self, QuestionSpec, SurveyDetails, SurveyFull};
use serde_json::{Value, json};

use crate::support::TestApp;

/// Settings of an open, named, everyone survey.
pub fn details(title: &str) -> SurveyDetails {
    SurveyDetails {
        kind: kind::SURVEY.into(),
        title: title.into(),
        intro: "请如实填写".into(),
        cover_file_id: None,
        audience: audience::EVERYONE.into(),
        position_ids: "[]".into(),
        anonymous: false,
        results_public: false,
        opens_at: None,
        closes_at: None,
    }
}

/// A question spec of `kind` with generous limits.
pub fn spec(kind: &str, title: &str, required: bool) -> QuestionSpec {
    QuestionSpec {
        kind: kind.into(),
        title: title.into(),
        required,
        min_choices: (kind == qkind::MULTIPLE).then_some(1),
        max_choices: (kind == qkind::MULTIPLE).then_some(2),
        max_length: (kind == qkind::TEXT).then_some(10),
        scale: (kind == qkind::RATING).then_some(5),
        min_number: (kind == qkind::NUMBER).then_some(0),
        max_number: (kind == qkind::NUMBER).then_some(1000),
    }
}

/// A published survey with one question of each type (single and multiple required).
pub async fn five_question_survey(
    app: &TestApp,
    tweak: impl FnOnce(&mut SurveyDetails),
) -> SurveyFull {
    let staff = app.create_staff(Role::Secretary).await;
    let (db, clock) = (&app.state.db, &app.state.clock);
    let mut d = details("会员满意度调查");
    tweak(&mut d);
    let s = surveys::create(db, clock, staff.id, d).await.unwrap();
    let opts = |o: &[&str]| o.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    for (k, title, required, options) in [
        (qkind::SINGLE, "您的企业规模", true, opts(&["小", "中", "大"])),
        (qkind::MULTIPLE, "关注的服务", true, opts(&["培训", "融资", "政策"])),
        (qkind::TEXT, "建议", false, vec![]),
        (qkind::RATING, "总体评分", false, vec![]),
        (qkind::NUMBER, "员工人数", false, vec![]),
    ] {
        surveys::add_question(db, clock, staff.id, s.id, spec(k, title, required), options)
            .await
            .unwrap();
    }
    surveys::publish(db, clock, staff.id, s.id).await.unwrap();
    surveys::find(db, s.id).await.unwrap()
}

fn q(full: &SurveyFull, i: usize) -> i64 {
    full.questions[i].row.id
}

fn opt(full: &SurveyFull, i: usize, o: usize) -> i64 {
    full.questions[i].options[o].id
}

/// A complete valid answer set.
pub fn good_answers(full: &SurveyFull) -> Value {
    json!({"answers": [
        {"question_id": q(full, 0), "option_ids": [opt(full, 0, 1)]},
        {"question_id": q(full, 1), "option_ids": [opt(full, 1, 0), opt(full, 1, 2)]},
        {"question_id": q(full, 2), "text": "多办培训"},
        {"question_id": q(full, 3), "value": 4},
        {"question_id": q(full, 4), "value": 120},
    ]})
}

async fn submit(app: &TestApp, client: &reqwest::Client, id: i64, body: &Value) -> (u16, Value) {
    let res = client
        .post(app.url(&format!("/api/v1/surveys/{id}/responses")))
        .json(body)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn answering_lists_refuses_with_the_question_named_and_counts_once() {
    let app = TestApp::spawn().await;
    let full = five_question_survey(&app, |_| {}).await;
    let id = full.survey.id;
    let (client, user, _) = app.user_client().await;

    let list: Value = client
        .get(app.url("/api/v1/surveys?kind=survey"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["answered"], false);
    let polls: Value = client
        .get(app.url("/api/v1/surveys?kind=poll"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(polls["total"], 0);
    let detail: Value = client
        .get(app.url(&format!("/api/v1/surveys/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(detail["questions"].as_array().unwrap().len(), 5);
    assert_eq!(detail["questions"][1]["options"][2]["label"], "政策");
    assert_eq!(detail["open"], true);

    // Every refusal is a 4xx naming the question; nothing is written.
    let good = good_answers(&full);
    let with = |i: usize, answer: Value| {
        let mut body = good.clone();
        body["answers"][i] = answer;
        body
    };
    let cases = [
        (
            with(0, json!({"question_id": q(&full, 0), "option_ids": [opt(&full, 1, 0)]})),
            "不属于此题",
            q(&full, 0),
        ),
        (
            with(
                1,
                json!({"question_id": q(&full, 1), "option_ids": [opt(&full, 1, 0), opt(&full, 1, 1), opt(&full, 1, 2)]}),
            ),
            "最多选择 2 项",
            q(&full, 1),
        ),
        (with(0, json!({"question_id": q(&full, 2), "text": "再写"})), "此题必答", q(&full, 0)),
        (
            with(2, json!({"question_id": q(&full, 2), "text": "这条建议写得太长了超过十个字"})),
            "不超过 10 字",
            q(&full, 2),
        ),
        (with(3, json!({"question_id": q(&full, 3), "value": 6})), "须在 1 到 5 之间", q(&full, 3)),
        (
            with(4, json!({"question_id": q(&full, 4), "value": 1001})),
            "须在 0 到 1000 之间",
            q(&full, 4),
        ),
    ];
    for (body, message, question) in cases {
        let (status, err) = submit(&app, &client, id, &body).await;
        assert_eq!(status, 422, "{err}");
        let field = format!("answers.{question}");
        let hit = err["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["field"] == field.as_str());
        let text = hit.unwrap_or_else(|| panic!("{field} in {err}"))["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(text.contains(message) && text.contains("题「"), "{text}");
    }
    assert_eq!(app.count_rows("survey_responses").await, 0);
    assert_eq!(app.count_rows("survey_participations").await, 0);

    let (status, body) = submit(&app, &client, id, &good).await;
    assert_eq!((status, body["answered"].as_bool()), (201, Some(true)));
    let (status, body) = submit(&app, &client, id, &good).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("already_answered")));
    assert_eq!(app.count_rows("survey_responses").await, 1);
    assert_eq!(app.count_rows("survey_answers").await, 6, "two options, text, rating, number");
    let list: Value =
        client.get(app.url("/api/v1/surveys")).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["items"][0]["answered"], true);

    // Frozen: questions cannot be added or moved; texts and the closing time can change.
    let (db, clock) = (&app.state.db, &app.state.clock);
    let staff = app.create_staff(Role::Secretary).await;
    let err =
        surveys::add_question(db, clock, staff.id, id, spec(qkind::TEXT, "新题", false), vec![])
            .await
            .unwrap_err();
    assert_eq!(err.code(), "survey_frozen");
    let mut d = full.survey.details.clone();
    d.title = "会员满意度调查（2026）".into();
    d.closes_at = Some(clock.now_naive() + Duration::days(1));
    surveys::update(db, clock, staff.id, id, d.clone()).await.unwrap();
    d.anonymous = true;
    let err = surveys::update(db, clock, staff.id, id, d).await.unwrap_err();
    assert_eq!(err.fields()[0].field, "anonymous");

    // After the closing time: refused.
    app.clock.advance(Duration::days(2));
    let (other, _, _) = app.user_client().await;
    let (status, body) = submit(&app, &other, id, &good).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("survey_closed")));
    let _ = user;
}

#[tokio::test]
async fn audience_members_and_positions_are_enforced() {
    let app = TestApp::spawn().await;
    let full = five_question_survey(&app, |d| d.audience = audience::MEMBERS.into()).await;
    let (client, user, _) = app.user_client().await;
    let (status, body) = submit(&app, &client, full.survey.id, &good_answers(&full)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("not_in_audience")));
    let res =
        client.get(app.url(&format!("/api/v1/surveys/{}", full.survey.id))).send().await.unwrap();
    assert_eq!(res.status(), 404);
    crate::events::make_member(&app, user.id).await;
    let (status, _) = submit(&app, &client, full.survey.id, &good_answers(&full)).await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn anonymous_answers_carry_no_user_and_parallel_submissions_count_once() {
    let app = TestApp::spawn().await;
    let full = five_question_survey(&app, |d| {
        d.anonymous = true;
        d.kind = kind::POLL.into();
        d.results_public = true;
    })
    .await;
    let id = full.survey.id;
    let (client, user, _) = app.user_client().await;

    let res = client.get(app.url(&format!("/api/v1/surveys/{id}/results"))).send().await.unwrap();
    assert_eq!(res.status(), 400, "results only after answering");

    let body = good_answers(&full);
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (client, url, body) =
            (client.clone(), app.url(&format!("/api/v1/surveys/{id}/responses")), body.clone());
        tasks.push(tokio::spawn(async move {
            client.post(url).json(&body).send().await.unwrap().status().as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        [201, 409, 409, 409, 409, 409, 409, 409],
        "on postgres: {}",
        app.on_postgres()
    );
    assert_eq!(app.count_rows("survey_responses").await, 1);
    assert_eq!(app.count_rows("survey_participations").await, 1);

    // The stored response has no user and only the day; the participation no time.
    let rows = app
        .state
        .db
        .run(|conn| {
            use diesel::prelude::*;
            use guildhall::db::schema::survey_responses as r;
            Ok(guildhall::per_backend!(conn, |c| r::table
                .select((r::user_id, r::submitted_at))
                .load::<(Option<i64>, chrono::NaiveDateTime)>(c))?)
        })
        .await
        .unwrap();
    assert_eq!(rows[0].0, None);
    assert_eq!(rows[0].1.time(), chrono::NaiveTime::MIN);

    let results: Value = client
        .get(app.url(&format!("/api/v1/surveys/{id}/results")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(results["total"], 1);
    assert_eq!(results["questions"][0]["bars"][1]["count"], 1);
    assert_eq!(results["questions"][0]["bars"][1]["percent"], 100.0);
    assert_eq!(results["questions"][3]["average"], 4.0);
    let _ = user;
}
