//! The Excel export of a survey: sheet 答卷 has one row per response and one column per
//! question (a multiple-choice question one column per option, `1` when chosen); sheet
//! 汇总 has the counts, percentages and averages of the results page. An anonymous
//! survey's export has no user columns, only the day of each response, and its rows are
//! in the order of the random response keys (nothing to line up with a log).

use std::collections::HashMap;

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::model::{Question, qkind};
use super::results::{SurveyResults, compute};
use super::results_store::{self as rs, AnswerCell, ResponseHead};
use super::{load_full, store};
use crate::db::Db;
use crate::error::AppError;
use crate::kernel::clock::display_minutes;

/// What the export is built from (loaded in one read, written on the blocking pool).
#[derive(Debug)]
pub struct ExportData {
    /// Results (summary sheet), which also carry the survey and its questions.
    pub results: SurveyResults,
    /// Responses: (key, user, stored at).
    pub responses: Vec<ResponseHead>,
    /// Answers, by response key.
    pub answers: Vec<AnswerCell>,
    /// Named surveys: user id → name (member name, else nickname).
    pub names: HashMap<i64, String>,
}

/// Loads everything the export of survey `id` needs.
pub async fn load(db: &Db, tz: chrono_tz::Tz, id: i64) -> Result<ExportData, AppError> {
    db.run(move |conn| {
        let survey = store::survey(conn, id)?.ok_or_else(|| AppError::not_found("问卷"))?;
        let anonymous = survey.anonymous;
        let full = load_full(conn, survey)?;
        let results = compute(conn, full, None, tz)?;
        let mut responses = rs::all_responses(conn, id)?;
        let answers = rs::all_answers(conn, id)?;
        let mut names = HashMap::new();
        if !anonymous {
            responses.sort_by_key(|r| r.2);
            let mut ids: Vec<i64> = responses.iter().filter_map(|r| r.1).collect();
            ids.sort_unstable();
            names = crate::accounts::nicknames(conn, &ids)?;
            for m in crate::membership::all_active_member_facts(conn)? {
                if ids.binary_search(&m.user_id).is_ok() {
                    names.insert(m.user_id, m.name);
                }
            }
        }
        Ok(ExportData { results, responses, answers, names })
    })
    .await
}

fn xlsx_error(e: XlsxError) -> AppError {
    AppError::internal(anyhow::anyhow!("xlsx: {e}"))
}

/// Where each answer goes: a question's column, or for multiple choice its options'.
struct Columns {
    single: HashMap<i64, u16>,
    options: HashMap<i64, u16>,
    headers: Vec<String>,
}

fn columns(questions: &[Question], first: u16) -> Columns {
    let mut c = Columns { single: HashMap::new(), options: HashMap::new(), headers: Vec::new() };
    let mut col = first;
    for (n, q) in (1..).zip(questions) {
        if q.row.kind == qkind::MULTIPLE {
            for o in &q.options {
                c.options.insert(o.id, col);
                c.headers.push(format!("{n}. {}：{}", q.row.title, o.label));
                col = col.saturating_add(1);
            }
        } else {
            c.single.insert(q.row.id, col);
            c.headers.push(format!("{n}. {}", q.row.title));
            col = col.saturating_add(1);
        }
    }
    c
}

/// The workbook bytes (CPU work: call through `kernel::blocking::cpu`).
pub fn build(data: &ExportData, tz: chrono_tz::Tz) -> Result<Vec<u8>, AppError> {
    let mut book = Workbook::new();
    // Constant memory: rows are written in order, column widths before any row.
    let sheet = book.add_worksheet_with_constant_memory().map_err(xlsx_error)?;
    responses_sheet(sheet, data, tz).map_err(xlsx_error)?;
    let sheet = book.add_worksheet_with_constant_memory().map_err(xlsx_error)?;
    summary_sheet(sheet, &data.results).map_err(xlsx_error)?;
    book.save_to_buffer().map_err(xlsx_error)
}

fn responses_sheet(
    ws: &mut Worksheet,
    data: &ExportData,
    tz: chrono_tz::Tz,
) -> Result<(), XlsxError> {
    ws.set_name("答卷")?;
    let bold = Format::new().set_bold();
    let survey = &data.results.full.survey;
    let mut head: Vec<String> = vec!["序号".into()];
    if !survey.anonymous {
        head.extend(["用户编号".into(), "姓名".into(), "提交时间".into()]);
    } else {
        head.push("提交日期".into());
    }
    let first = u16::try_from(head.len()).unwrap_or(u16::MAX);
    let cols = columns(&data.results.full.questions, first);
    let titles: Vec<&String> = head.iter().chain(&cols.headers).collect();
    for col in (0u16..).take(titles.len()) {
        ws.set_column_width(col, if col < first { 12 } else { 18 })?;
    }
    for (col, title) in (0u16..).zip(titles) {
        ws.write_string_with_format(0, col, title, &bold)?;
    }
    let labels: HashMap<i64, &str> = data
        .results
        .full
        .questions
        .iter()
        .flat_map(|q| q.options.iter().map(|o| (o.id, o.label.as_str())))
        .collect();
    let mut answers: HashMap<&str, Vec<&AnswerCell>> = HashMap::new();
    for a in &data.answers {
        answers.entry(a.0.as_str()).or_default().push(a);
    }
    for (row, (key, user, at)) in (1u32..).zip(&data.responses) {
        ws.write_number(row, 0, f64::from(row))?;
        if let Some(user) = user.filter(|_| !survey.anonymous) {
            ws.write_number(row, 1, user as f64)?;
            ws.write_string(row, 2, data.names.get(&user).map_or("", String::as_str))?;
            ws.write_string(row, 3, display_minutes(*at, tz))?;
        } else {
            ws.write_string(row, first - 1, at.date().format("%Y-%m-%d").to_string())?;
        }
        for (_, question, option, text, number) in answers.get(key.as_str()).into_iter().flatten() {
            if let Some(col) = option.and_then(|o| cols.options.get(&o)) {
                ws.write_number(row, *col, 1.0)?;
                continue;
            }
            let Some(col) = cols.single.get(question).copied() else { continue };
            match (option, text, number) {
                (Some(o), _, _) => ws.write_string(row, col, *labels.get(o).unwrap_or(&""))?,
                (_, Some(t), _) => ws.write_string(row, col, t)?,
                (_, _, Some(n)) => ws.write_number(row, col, *n as f64)?,
                _ => ws,
            };
        }
    }
    Ok(())
}

fn summary_sheet(ws: &mut Worksheet, results: &SurveyResults) -> Result<(), XlsxError> {
    ws.set_name("汇总")?;
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0.0%");
    let head =
        [("题号", 6), ("题目", 30), ("类型", 8), ("选项/取值", 24), ("人数", 8), ("百分比", 10)];
    for (col, (_, width)) in (0u16..).zip(head) {
        ws.set_column_width(col, width)?;
    }
    ws.write_string_with_format(0, 0, "问卷", &bold)?;
    ws.write_string(0, 1, &results.full.survey.title)?;
    ws.write_string_with_format(1, 0, "答卷数", &bold)?;
    ws.write_number(1, 1, results.total as f64)?;
    for (col, (title, _)) in (0u16..).zip(head) {
        ws.write_string_with_format(3, col, title, &bold)?;
    }
    let mut row = 4u32;
    for (n, q) in (1u32..).zip(&results.questions) {
        ws.write_number(row, 0, f64::from(n))?;
        ws.write_string(row, 1, &q.question.row.title)?;
        ws.write_string(row, 2, qkind::label(&q.question.row.kind))?;
        ws.write_string(row, 3, "作答人数")?;
        ws.write_number(row, 4, q.answered as f64)?;
        row += 1;
        for b in &q.bars {
            ws.write_string(row, 3, &b.label)?;
            ws.write_number(row, 4, b.count as f64)?;
            ws.write_number_with_format(row, 5, b.percent / 100.0, &percent)?;
            row += 1;
        }
        if let Some(avg) = q.average {
            ws.write_string(row, 3, "平均值")?;
            ws.write_number(row, 4, avg)?;
            row += 1;
        }
    }
    Ok(())
}
