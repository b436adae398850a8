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
            action_label: action_label(&e.action),
            action: e.action,
            subject: match e.subject_id {
                Some(id) => format!("{} #{id}", e.subject_type),
                None => e.subject_type,
            },
        })
        .collect();
    render(&HomePage { chrome, activity })
}

/// zh-CN words for the audit actions; unknown ones show their code.
fn action_label(action: &str) -> String {
    let label = match action {
        "staff.sign_in" => "登录工作台",
        "staff.create" => "添加员工",
        "staff.disable" => "停用员工",
        "staff.enable" => "启用员工",
        "staff.reset_password" => "重置员工密码",
        "staff.change_password" => "修改密码",
        "staff.link_user" => "关联小程序用户",
        "staff.unlink_user" => "取消关联小程序用户",
        "staff.sign_out_everywhere" => "退出全部登录",
        "settings.update" => "修改协会设置",
        "order.create" => "生成订单",
        "user.register_wechat" => "微信注册",
        "user.register_phone" => "手机号注册",
        "user.bind_phone" => "绑定手机号",
        "user.bind_wechat" => "绑定微信",
        other => other,
    };
    label.to_owned()
}

fn actor_label(kind: &str) -> &'static str {
    match kind {
        "staff" => "员工",
        "user" => "用户",
        _ => "系统",
    }
}
