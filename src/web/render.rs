//! Rendering: the workbench chrome (menu, user, CSRF token, flashes) every page gets,
//! and turning a template into a response.

use actix_web::HttpResponse;
use askama::Template;

use super::error::PageError;
use super::session::{Flash, StaffSession};
use crate::accounts::Role;
use crate::app::AppState;
use crate::error::AppError;

/// One entry of the left menu.
#[derive(Debug, Clone)]
pub struct MenuItem {
    /// Link.
    pub href: &'static str,
    /// zh-CN label.
    pub label: &'static str,
    /// Marks the current page.
    pub active: bool,
    /// Pending count shown as a badge.
    pub badge: Option<i64>,
}

/// What the workbench layout shows around every page.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// The association's name.
    pub association: String,
    /// Signed-in staff's name.
    pub staff_name: String,
    /// Their role label.
    pub role_label: &'static str,
    /// CSRF token for forms and htmx.
    pub csrf_token: String,
    /// One-time messages.
    pub flashes: Vec<Flash>,
    /// The left menu.
    pub menu: Vec<MenuItem>,
    /// Page title.
    pub title: String,
}

const MENU: &[(&str, &str, &[Role])] = &[
    ("/admin", "工作台首页", &[Role::Admin, Role::Secretary, Role::Finance, Role::Editor]),
    ("/admin/files", "文件上传", &[Role::Admin, Role::Secretary, Role::Finance, Role::Editor]),
    ("/admin/staff", "员工账号", &[Role::Admin]),
    ("/admin/settings", "协会设置", &[Role::Admin]),
    ("/admin/settings/notices", "通知设置", &[Role::Admin]),
    ("/admin/outbox", "消息发送", &[Role::Admin]),
    ("/admin/audit", "操作日志", &[Role::Admin, Role::Secretary]),
    ("/admin/reviews", "审核中心", &[Role::Admin, Role::Secretary]),
    // membership
    ("/admin/applications", "会员申请审核", &[Role::Admin, Role::Secretary]),
    ("/admin/members", "会员管理", &[Role::Admin, Role::Secretary]),
    ("/admin/membership-settings", "会员设置", &[Role::Admin, Role::Secretary]),
    ("/admin/events", "活动管理", &[Role::Admin, Role::Secretary]),
    ("/admin/lotteries", "抽奖", &[Role::Admin, Role::Secretary]),
    ("/admin/surveys", "问卷投票", &[Role::Admin, Role::Secretary]),
    ("/admin/orders", "订单管理", &[Role::Admin, Role::Finance]),
    ("/admin/dues", "会费管理", &[Role::Admin, Role::Finance]),
    ("/admin/income", "收入汇总", &[Role::Admin, Role::Finance]),
    ("/admin/invoices", "发票申请", &[Role::Admin, Role::Finance]),
    ("/admin/enterprises", "企业风采", &[Role::Admin, Role::Secretary]),
    ("/admin/card-styles", "名片样式", &[Role::Admin, Role::Secretary]),
    ("/admin/experts", "专家库", &[Role::Admin, Role::Secretary]),
    ("/admin/certificates", "荣誉证书", &[Role::Admin, Role::Secretary]),
    ("/admin/listings", "供需管理", &[Role::Admin, Role::Secretary]),
    ("/admin/articles", "信息发布", &[Role::Admin, Role::Secretary, Role::Editor]),
    ("/admin/content-home", "首页与栏目", &[Role::Admin, Role::Secretary, Role::Editor]),
    ("/admin/tickets", "客户支持", &[Role::Admin, Role::Secretary]),
    ("/admin/courses", "学习平台", &[Role::Admin, Role::Secretary, Role::Editor]),
];

/// Every menu entry and the roles it is shown to (the role walk test checks each
/// against its page's route).
pub fn menu_roles() -> impl Iterator<Item = (&'static str, &'static [Role])> {
    MENU.iter().map(|(href, _, roles)| (*href, *roles))
}

/// Pending counts shown as menu badges: (href, count), zero counts left out.
async fn badges(state: &AppState, role: Role) -> Result<Vec<(&'static str, i64)>, PageError> {
    let mut out = Vec::new();
    if matches!(role, Role::Admin | Role::Secretary) {
        use crate::kernel::revisions::RevisionKind;
        use crate::profiles::reviews::{self, InboxKind};
        let counts = reviews::pending_counts(&state.db).await?;
        out.push(("/admin/reviews", counts.iter().map(|(_, n)| n).sum()));
        for (kind, n) in counts {
            let href = match kind {
                InboxKind::Application => "/admin/applications",
                InboxKind::Revision(RevisionKind::Expert) => "/admin/experts",
                InboxKind::Revision(RevisionKind::Certificate) => "/admin/certificates",
                InboxKind::Revision(RevisionKind::Listing) => "/admin/listings",
                InboxKind::Revision(RevisionKind::Enterprise) => "/admin/enterprises",
            };
            out.push((href, n));
        }
        out.push(("/admin/tickets", crate::content::tickets::unanswered(&state.db).await?));
    }
    Ok(out.into_iter().filter(|(_, n)| *n > 0).collect())
}

impl Chrome {
    /// Builds the chrome for `staff` on the page at `current` (a menu href).
    pub async fn build(
        state: &AppState,
        staff: &StaffSession,
        current: &str,
        title: &str,
    ) -> Result<Self, PageError> {
        let settings = state.association_settings().await?;
        let role = staff.role();
        let badges = badges(state, role).await?;
        let badge = |href: &str| badges.iter().find(|(h, _)| *h == href).map(|(_, n)| *n);
        let menu = MENU
            .iter()
            .filter(|(_, _, roles)| roles.contains(&role))
            .map(|(href, label, _)| MenuItem {
                href,
                label,
                active: *href == current,
                badge: badge(href),
            })
            .collect();
        Ok(Self {
            association: settings.name,
            staff_name: staff.staff.display_name.clone(),
            role_label: role.label(),
            csrf_token: staff.csrf_token.clone(),
            flashes: staff.take_flashes(),
            menu,
            title: title.to_owned(),
        })
    }
}

impl Chrome {
    /// Menu entries with something waiting (their badge), for the home page; the
    /// review inbox, which sums them, is left out.
    pub fn pending_queues(&self) -> Vec<&MenuItem> {
        self.menu
            .iter()
            .filter(|item| item.badge.is_some() && item.href != "/admin/reviews")
            .collect()
    }
}

/// Renders a template as a 200 HTML response.
pub fn render(template: &impl Template) -> Result<HttpResponse, PageError> {
    render_with(actix_web::http::StatusCode::OK, template)
}

/// Renders a template with a status (422 for a form with errors).
pub fn render_with(
    status: actix_web::http::StatusCode,
    template: &impl Template,
) -> Result<HttpResponse, PageError> {
    let html = template.render().map_err(|e| PageError::App(AppError::internal(e)))?;
    Ok(HttpResponse::build(status).content_type("text/html; charset=utf-8").body(html))
}

/// A 303 to `to` (after a successful POST).
pub fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((actix_web::http::header::LOCATION, to)).finish()
}
