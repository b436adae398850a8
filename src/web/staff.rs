//! Staff management (admins): list, add, enable/disable, reset password.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::render::{Chrome, redirect, render_with};
use super::session::{Admins, RequireRole};
use crate::accounts::{self, NewStaffInput, Role};
use crate::app::AppState;
use crate::error::AppError;
use crate::kernel::audit::Actor;
use crate::kernel::clock::display_minutes;

/// A row of the staff table.
#[derive(Debug)]
pub struct StaffListRow {
    /// Id.
    pub id: i64,
    /// Username.
    pub username: String,
    /// Name.
    pub display_name: String,
    /// Role label.
    pub role_label: &'static str,
    /// Enabled.
    pub active: bool,
    /// Last sign-in, formatted.
    pub last_login: String,
    /// The viewer's own row.
    pub is_self: bool,
    /// Linked mini-program user, e.g. `#12`.
    pub linked_user: Option<String>,
}

/// `GET /admin/staff`.
#[derive(askama::Template)]
#[template(path = "web/staff/index.html")]
pub struct StaffPage {
    /// Layout.
    pub chrome: Chrome,
    /// Accounts.
    pub rows: Vec<StaffListRow>,
    /// Roles for the add form: (value, label).
    pub roles: Vec<(&'static str, &'static str)>,
    /// Add form values after an error.
    pub form: NewStaffForm,
    /// Add form errors.
    pub errors: Vec<String>,
}

/// The add form.
#[derive(Debug, Default, Deserialize)]
pub struct NewStaffForm {
    /// Username.
    #[serde(default)]
    pub username: String,
    /// Name.
    #[serde(default)]
    pub display_name: String,
    /// Role value.
    #[serde(default)]
    pub role: String,
}

async fn staff_page(
    state: &AppState,
    admin: &RequireRole<Admins>,
    form: NewStaffForm,
    errors: Vec<String>,
) -> Result<StaffPage, PageError> {
    let chrome = Chrome::build(state, admin, "/admin/staff", "员工账号").await?;
    let tz = state.association_settings().await?.time_zone;
    let rows = accounts::list_staff(&state.db)
        .await?
        .into_iter()
        .map(|s| StaffListRow {
            id: s.id,
            is_self: s.id == admin.staff.id,
            role_label: s.role().label(),
            last_login: s
                .last_login_at
                .map(|t| display_minutes(t, tz))
                .unwrap_or_else(|| "从未登录".into()),
            linked_user: s.user_id.map(|id| format!("#{id}")),
            username: s.username,
            display_name: s.display_name,
            active: s.active,
        })
        .collect();
    let roles = Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect();
    Ok(StaffPage { chrome, rows, roles, form, errors })
}

/// `GET /admin/staff`.
pub async fn list_staff(
    state: web::Data<AppState>,
    admin: RequireRole<Admins>,
) -> Result<HttpResponse, PageError> {
    // A new account starts with the least privileged role; more is a deliberate choice.
    let form = NewStaffForm { role: Role::Editor.as_str().into(), ..NewStaffForm::default() };
    let page = staff_page(&state, &admin, form, Vec::new()).await?;
    render_with(StatusCode::OK, &page)
}

/// `POST /admin/staff`: creates an account with a random first password shown once.
pub async fn create_staff(
    state: web::Data<AppState>,
    admin: RequireRole<Admins>,
    form: web::Form<NewStaffForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let Some(role) = Role::parse(&form.role) else {
        let page = staff_page(&state, &admin, form, vec!["请选择角色".into()]).await?;
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let input = NewStaffInput {
        username: form.username.clone(),
        display_name: form.display_name.clone(),
        role,
        password: None,
    };
    match accounts::create_staff(&state.db, &state.clock, input, Actor::Staff(admin.staff.id)).await
    {
        Ok(created) => {
            let password = created.first_password.unwrap_or_default();
            admin.flash(
                "success",
                format!(
                    "已创建账号 {}。初始密码仅显示一次，请转交本人；首次登录时须修改密码。",
                    created.row.username
                ),
            );
            admin.flash(super::session::PASSWORD_FLASH, password);
            Ok(redirect("/admin/staff"))
        }
        Err(AppError::Validation(fields)) => {
            let errors = fields.into_iter().map(|f| f.message).collect();
            let page = staff_page(&state, &admin, form, errors).await?;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /admin/staff/{id}/disable`.
pub async fn disable_staff(
    state: web::Data<AppState>,
    admin: RequireRole<Admins>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let row =
        accounts::set_staff_active(&state.db, &state.clock, admin.staff.id, *id, false).await?;
    admin.flash("success", format!("已停用 {}", row.username));
    Ok(redirect("/admin/staff"))
}

/// `POST /admin/staff/{id}/sign-out`: ends every session of another account.
pub async fn sign_out_staff(
    state: web::Data<AppState>,
    admin: RequireRole<Admins>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let ended =
        accounts::end_all_staff_sessions(&state.db, &state.clock, admin.staff.id, *id).await?;
    admin.flash("success", format!("已退出该账号的全部登录（{ended} 处）"));
    Ok(redirect("/admin/staff"))
}

/// `POST /admin/staff/{id}/enable`.
pub async fn enable_staff(
    state: web::Data<AppState>,
    admin: RequireRole<Admins>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let row =
        accounts::set_staff_active(&state.db, &state.clock, admin.staff.id, *id, true).await?;
    admin.flash("success", format!("已启用 {}", row.username));
    Ok(redirect("/admin/staff"))
}

/// `POST /admin/staff/{id}/reset-password`.
pub async fn reset_staff_password(
    state: web::Data<AppState>,
    admin: RequireRole<Admins>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let (row, password) =
        accounts::reset_staff_password(&state.db, &state.clock, admin.staff.id, *id).await?;
    admin.flash(
        "success",
        format!("已重置 {} 的密码。新密码仅显示一次；下次登录时须修改密码。", row.username),
    );
    admin.flash(super::session::PASSWORD_FLASH, password);
    Ok(redirect("/admin/staff"))
}

/// The link form.
#[derive(Debug, Deserialize)]
pub struct LinkUserForm {
    user: String,
}

/// `POST /admin/staff/{id}/link-user`.
pub async fn link_user(
    state: web::Data<AppState>,
    admin: RequireRole<Admins>,
    id: web::Path<i64>,
    form: web::Form<LinkUserForm>,
) -> Result<HttpResponse, PageError> {
    match accounts::link_staff_user(&state.db, &state.clock, admin.staff.id, *id, &form.user).await
    {
        Ok(row) => admin.flash("success", format!("{} 已关联小程序用户", row.username)),
        Err(AppError::Validation(fields)) => {
            admin.flash(
                "error",
                fields.into_iter().map(|f| f.message).collect::<Vec<_>>().join("；"),
            );
        }
        Err(AppError::Conflict { message, .. }) => admin.flash("error", message),
        Err(other) => return Err(other.into()),
    }
    Ok(redirect("/admin/staff"))
}

/// `POST /admin/staff/{id}/unlink-user`.
pub async fn unlink_user(
    state: web::Data<AppState>,
    admin: RequireRole<Admins>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let row = accounts::unlink_staff_user(&state.db, &state.clock, admin.staff.id, *id).await?;
    admin.flash("success", format!("{} 已取消关联", row.username));
    Ok(redirect("/admin/staff"))
}
