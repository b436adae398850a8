//! `BearerUser`: the signed-in mini-program user behind `Authorization: Bearer …`.

use std::future::Future;
use std::pin::Pin;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage as _, HttpRequest, ResponseError as _, web};

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

async fn authenticate(
    state: Option<web::Data<AppState>>,
    token: Option<String>,
) -> Result<BearerUser, ApiError> {
    let state = state.ok_or_else(|| AppError::internal(anyhow::anyhow!("no app state")))?;
    let token = token.ok_or(AppError::Unauthenticated)?;
    let user =
        accounts::tokens::authenticate(&state.db, &state.clock, &state.tokens, &token).await?;
    Ok(BearerUser { user, token })
}

/// Middleware on routes that need a user: authenticates before anything reads the body,
/// so a request without a valid token is a 401 whatever else is wrong with it.
pub async fn require_user(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    match authenticate(state, bearer_token(req.request())).await {
        Ok(user) => {
            req.extensions_mut().insert(user);
            next.call(req).await.map(ServiceResponse::map_into_boxed_body)
        }
        Err(error) => {
            let (req, _) = req.into_parts();
            Ok(ServiceResponse::new(req, error.error_response()))
        }
    }
}

impl FromRequest for BearerUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let known = req.extensions().get::<BearerUser>().cloned();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        Box::pin(async move {
            match known {
                Some(user) => Ok(user),
                None => authenticate(state, token).await,
            }
        })
    }
}

/// The user whose token came with the request, or none without one (public routes
/// that show more to members). A token that is sent but invalid is still a 401.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<UserRow>);

impl MaybeUser {
    /// The user's id, if signed in.
    pub fn id(&self) -> Option<i64> {
        self.0.as_ref().map(|u| u.id)
    }
}

impl FromRequest for MaybeUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        let sent = req.headers().contains_key(actix_web::http::header::AUTHORIZATION);
        Box::pin(async move {
            if !sent {
                return Ok(Self(None));
            }
            authenticate(state, token).await.map(|u| Self(Some(u.user)))
        })
    }
}
