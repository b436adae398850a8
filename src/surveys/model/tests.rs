//! Unit tests of the survey rules.

use super::*;

fn question(id: i64, kind: &str, required: bool, options: &[i64]) -> Question {
    Question {
        row: QuestionRow {
            id,
            survey_id: 1,
            position: 1,
            spec: QuestionSpec {
                kind: kind.into(),
                title: format!("Q{id}"),
                required,
                min_choices: Some(1),
                max_choices: Some(2),
                max_length: Some(5),
                scale: Some(5),
                min_number: Some(0),
                max_number: Some(100),
            },
        },
        options: options
            .iter()
            .map(|o| OptionRow { id: *o, question_id: id, position: 1, label: "x".into() })
            .collect(),
    }
}

fn input(question_id: i64) -> AnswerInput {
    AnswerInput { question_id, ..AnswerInput::default() }
}

#[test]
fn answers_are_checked_per_question() {
    let qs = vec![
        question(1, qkind::SINGLE, true, &[10, 11]),
        question(2, qkind::MULTIPLE, false, &[20, 21, 22]),
        question(3, qkind::TEXT, false, &[]),
        question(4, qkind::RATING, false, &[]),
        question(5, qkind::NUMBER, false, &[]),
    ];
    let ok = check_answers(
        &qs,
        &[
            AnswerInput { option_ids: vec![11], ..input(1) },
            AnswerInput { option_ids: vec![22, 20], ..input(2) },
            AnswerInput { text: Some(" 你好 ".into()), ..input(3) },
            AnswerInput { value: Some(5), ..input(4) },
        ],
    )
    .unwrap();
    assert_eq!(ok.len(), 5);
    assert_eq!(ok[1].option_id, Some(20), "options sorted");
    assert_eq!(ok[3].text.as_deref(), Some("你好"));

    let err = |answers: &[AnswerInput]| check_answers(&qs, answers).unwrap_err();
    assert!(err(&[]).iter().any(|e| e.message.contains("「Q1」：此题必答")));
    let e = err(&[AnswerInput { option_ids: vec![20], ..input(1) }]);
    assert_eq!(e[0].field, "answers.1");
    assert!(e[0].message.contains("不属于此题"));
    let base = AnswerInput { option_ids: vec![10], ..input(1) };
    let e = err(&[base.clone(), AnswerInput { option_ids: vec![20, 21, 22], ..input(2) }]);
    assert!(e[0].message.contains("最多选择 2 项"));
    let e = err(&[base.clone(), AnswerInput { text: Some("六个字六个字".into()), ..input(3) }]);
    assert!(e[0].message.contains("不超过 5 字"));
    let e = err(&[base.clone(), AnswerInput { value: Some(6), ..input(4) }]);
    assert!(e[0].message.contains("1 到 5"));
    let e = err(&[base.clone(), AnswerInput { value: Some(101), ..input(5) }]);
    assert!(e[0].message.contains("第 5 题"));
    let e = err(&[base.clone(), input(99)]);
    assert_eq!(e[0].field, "answers.99");
    let e = err(&[base.clone(), base]);
    assert!(e[0].message.contains("重复作答"));
}

#[test]
fn questions_need_sane_limits() {
    let mut q = question(1, qkind::MULTIPLE, true, &[]).row.spec;
    assert!(check_question(&q, &["a".into(), "b".into()]).is_empty());
    assert!(!check_question(&q, &["a".into()]).is_empty());
    q.max_choices = Some(3);
    assert!(!check_question(&q, &["a".into(), "b".into()]).is_empty());
    q.kind = qkind::RATING.into();
    q.scale = Some(7);
    assert_eq!(check_question(&q, &[])[0].field, "scale");
}
