//! `BearerUser`: the signed-in mini-program user behind `Authorization: Bearer …`.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, web};

use super::error::ApiError;
use crate::accounts::{self, UserRow};
use crate::app::AppState;
use crate::error::AppError;

/// The user whose token came with the request; 401 when missing, expired or revoked.
#[derive(Debug, Clone)]
pub struct BearerUser {
    /// The user.
    pub user: UserRow,
    /// The token as sent (for logout).
    pub token: String,
}

/// The token from an `Authorization: Bearer` header.
pub fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(actix_web::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && token.len() <= 128)
        .then(|| token.to_owned())
}

impl FromRequest for BearerUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::internal(anyhow::anyhow!("no app state")))?;
            let token = token.ok_or(AppError::Unauthenticated)?;
            let user = accounts::tokens::authenticate(&state.db, &state.clock, &token).await?;
            Ok(BearerUser { user, token })
        })
    }
}
