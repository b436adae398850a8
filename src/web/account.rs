//! The signed-in staff member's own account: changing the password.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::render::{Chrome, redirect, render_with};
use super::session::StaffSession;
use crate::accounts;
use crate::app::AppState;
use crate::error::AppError;

/// The password page, the one page an account with an admin-made password may open.
pub const PASSWORD_PATH: &str = "/admin/account/password";

/// `GET /admin/account/password`.
#[derive(askama::Template)]
#[template(path = "web/account/password.html")]
pub struct PasswordPage {
    /// Layout.
    pub chrome: Chrome,
    /// Messages by field.
    pub errors: Vec<String>,
    /// The password was made by an admin and must be replaced before anything else.
    pub required: bool,
}

/// The form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

/// `GET /admin/account/password`.
pub async fn show_password(
    state: web::Data<AppState>,
    staff: StaffSession,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "", "修改密码").await?;
    let required = staff.staff.must_change_password;
    render_with(StatusCode::OK, &PasswordPage { chrome, errors: Vec::new(), required })
}

/// `POST /admin/account/password`: success ends this session too (sign in again).
pub async fn change_password(
    state: web::Data<AppState>,
    staff: StaffSession,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let result = if form.new_password == form.confirm_password {
        accounts::change_own_password(
            &state.db,
            &state.clock,
            staff.staff.id,
            form.current_password,
            form.new_password,
        )
        .await
    } else {
        Err(AppError::field("confirm_password", "两次输入的新密码不一致"))
    };
    match result {
        Ok(()) => {
            staff.end();
            Ok(redirect("/admin/login"))
        }
        Err(AppError::Validation(fields)) => {
            let chrome = Chrome::build(&state, &staff, "", "修改密码").await?;
            let errors = fields.into_iter().map(|f| f.message).collect();
            let required = staff.staff.must_change_password;
            render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &PasswordPage { chrome, errors, required },
            )
        }
        Err(other) => Err(other.into()),
    }
}
