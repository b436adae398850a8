//! Who has not answered (未作答名单) a member-audience survey, paginated, and the
//! reminder button: one notice per person, at most once per survey and day.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::pager::{Pager, pager};
use super::render::{Chrome, redirect, render};
use super::session::{RequireRole, Secretaries};
use crate::app::AppState;
use crate::error::AppError;
use crate::kernel::page::PAGE_SIZE;
use crate::membership::catalog;
use crate::surveys::model::{SurveyRow, audience};
use crate::surveys::{self, results};

/// A member who has not answered.
#[derive(Debug)]
pub struct PendingRow {
    /// User id.
    pub user_id: i64,
    /// Name.
    pub name: String,
    /// Member type.
    pub member_type: String,
    /// Position.
    pub position: String,
    /// Industry.
    pub industry: String,
}

/// `?page=`.
#[derive(Debug, Default, Deserialize)]
pub struct PendingQuery {
    /// Page.
    #[serde(default)]
    pub page: Option<i64>,
}

/// `GET /admin/surveys/{id}/pending`.
#[derive(askama::Template)]
#[template(path = "web/surveys/pending.html")]
pub struct PendingPage {
    /// Layout.
    pub chrome: Chrome,
    /// The survey.
    pub survey: SurveyRow,
    /// Whether the survey has a list of people (member or position audience).
    pub has_list: bool,
    /// Whether it can be answered now (reminders only then).
    pub open: bool,
    /// This page's members.
    pub rows: Vec<PendingRow>,
    /// Pages.
    pub pager: Pager,
}

/// `GET /admin/surveys/{id}/pending`.
pub async fn list_pending(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
    query: web::Query<PendingQuery>,
) -> Result<HttpResponse, PageError> {
    let id = *id;
    let survey = surveys::find(&state.db, id).await?.survey;
    let chrome =
        Chrome::build(&state, &staff, "/admin/surveys", &format!("未作答名单：{}", survey.title))
            .await?;
    let has_list = survey.audience != audience::EVERYONE;
    let open = survey.is_open(state.clock.now_naive());
    let path = format!("/admin/surveys/{id}/pending");
    if !has_list {
        let pager = pager(&path, &[], 1, 0, PAGE_SIZE);
        return render(&PendingPage { chrome, survey, has_list, open, rows: Vec::new(), pager });
    }
    let page = results::non_respondents(&state.db, id, query.page.unwrap_or(1)).await?;
    let cat = catalog::catalogue(&state.db).await?;
    let rows = page
        .rows
        .into_iter()
        .map(|m| PendingRow {
            user_id: m.user_id,
            name: m.name,
            member_type: name_of(
                cat.member_types.iter().map(|t| (t.id, &t.name)),
                m.member_type_id,
            ),
            position: name_of(cat.positions.iter().map(|p| (p.id, &p.name)), m.position_id),
            industry: m
                .industry_id
                .map(|i| name_of(cat.industries.iter().map(|x| (x.id, &x.name)), i))
                .unwrap_or_default(),
        })
        .collect();
    let pager = pager(&path, &[], page.page, page.total, PAGE_SIZE);
    render(&PendingPage { chrome, survey, has_list, open, rows, pager })
}

fn name_of<'a>(mut items: impl Iterator<Item = (i64, &'a String)>, id: i64) -> String {
    items.find(|(i, _)| *i == id).map(|(_, n)| n.clone()).unwrap_or_default()
}

/// `POST /admin/surveys/{id}/remind`: queues today's reminder to everyone on the list
/// who has not had one today (audited); a refusal comes back as a flash message.
pub async fn remind_pending(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let id = *id;
    let tz = state.association_settings().await?.time_zone;
    match results::remind(&state.db, &state.clock, tz, staff.staff.id, id).await {
        Ok(0) => staff.flash("info", "今天已提醒过名单上的所有人，没有新的提醒"),
        Ok(n) => staff.flash("success", format!("已向 {n} 人发送提醒（每人每天最多一次）")),
        Err(AppError::Conflict { message, .. } | AppError::Invalid { message, .. }) => {
            staff.flash("error", message);
        }
        Err(other) => return Err(other.into()),
    }
    Ok(redirect(&format!("/admin/surveys/{id}/pending")))
}
