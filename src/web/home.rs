//! The workbench home page: what waits (the queues the staff member may act on, the
//! same counts as the menu badges), today's and this week's events with live counts,
//! the member statistics with charts (cached for a minute), and recent activity.

use actix_web::{HttpResponse, web};

use super::error::PageError;
use super::home_stats::{EventLine, StatsView, day_and_week, event_lines, stats_view};
use super::queues::PendingQueue;
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
    /// Recent audit entries (roles that may read the audit log).
    pub activity: Vec<ActivityRow>,
    /// Whether the activity block is shown.
    pub activity_link: bool,
    /// Events running today.
    pub today: Vec<EventLine>,
    /// The week's other events.
    pub week: Vec<EventLine>,
    /// Whether the staff member may open events (the links).
    pub events_link: bool,
    /// The statistics block, for roles that may see the member roll.
    pub stats: Option<StatsView>,
    /// Chart width.
    pub width: u32,
    /// Where bars start.
    pub bar_x: u32,
}

impl HomePage {
    /// The queues to show: every one the staff member may act on.
    pub fn queues(&self) -> &[PendingQueue] {
        &self.chrome.pending
    }

    /// Whether nothing waits in any of them.
    pub fn nothing_waits(&self) -> bool {
        self.chrome.pending.iter().all(|q| q.count == 0)
    }
}

/// `GET /admin`.
pub async fn show_home(
    state: web::Data<AppState>,
    staff: StaffSession,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin", "工作台首页").await?;
    let tz = state.association_settings().await?.time_zone;
    let role = staff.role();
    let events_link = super::roles::admits(role, "/admin/events");
    let (today, week) = if events_link {
        let [d0, d1, w0, w1] = day_and_week(state.clock.now_naive(), tz);
        crate::events::dashboard::today_and_week(&state.db, (d0, d1), (w0, w1)).await?
    } else {
        (Vec::new(), Vec::new())
    };
    let stats = if super::roles::admits(role, "/admin/members")
        || super::roles::admits(role, "/admin/dues")
    {
        let stats = state.home_stats.get(&state.db, &state.clock, tz).await?;
        Some(stats_view(&stats, tz))
    } else {
        None
    };
    // Recent activity is a slice of the audit log: only for those who may read it.
    let entries = if super::roles::admits(role, "/admin/audit") {
        crate::kernel::audit::recent(&state.db, 20).await?
    } else {
        Vec::new()
    };
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
    render(&HomePage {
        chrome,
        activity,
        activity_link: super::roles::admits(role, "/admin/audit"),
        today: event_lines(today, tz),
        week: event_lines(week, tz),
        events_link,
        stats,
        width: super::charts::WIDTH,
        bar_x: super::charts::BAR_X,
    })
}

fn actor_label(kind: &str) -> &'static str {
    match kind {
        "staff" => "员工",
        "user" => "用户",
        _ => "系统",
    }
}
