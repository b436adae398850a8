//! The workbench home page.

use actix_web::{HttpResponse, web};

use super::error::PageError;
use super::render::{Chrome, render};
use super::session::StaffSession;
use crate::app::AppState;
use crate::kernel::clock::display_minutes;

/// One line of recent activity.
#[derive(Debug)]
pub struct ActivityRow {
    /// When, in the association's time zone.
    pub at: String,
    /// Who (`staff #3`).
    pub actor: String,
    /// What, as stored (`noun.verb`).
    pub action: String,
    /// What, in words.
    pub action_label: String,
    /// On what.
    pub subject: String,
}

/// `GET /admin`.
#[derive(askama::Template)]
#[template(path = "web/home/index.html")]
pub struct HomePage {
    /// Layout.
    pub chrome: Chrome,
    /// Recent audit entries.
    pub activity: Vec<ActivityRow>,
}

/// `GET /admin`.
pub async fn show_home(
    state: web::Data<AppState>,
    staff: StaffSession,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin", "工作台首页").await?;
    let tz = state.association_settings().await?.time_zone;
    let entries = crate::kernel::audit::recent(&state.db, 20).await?;
    let activity = entries
        .into_iter()
        .map(|e| ActivityRow {
            at: display_minutes(e.created_at, tz),
            actor: match e.actor_id {
                Some(id) => format!("{} #{id}", actor_label(&e.actor_kind)),
                None => actor_label(&e.actor_kind).to_owned(),
            },
            action_label: crate::kernel::audit_actions::label(&e.action)
                .unwrap_or(&e.action)
                .to_owned(),
            action: e.action,
            subject: match e.subject_id {
                Some(id) => format!("{} #{id}", e.subject_type),
                None => e.subject_type,
            },
        })
        .collect();
    render(&HomePage { chrome, activity })
}

fn actor_label(kind: &str) -> &'static str {
    match kind {
        "staff" => "员工",
        "user" => "用户",
        _ => "系统",
    }
}
