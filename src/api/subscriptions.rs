//! WeChat subscription grants: which templates to request (`GET`), and each
//! `wx.requestSubscribeMessage` result reported back (`POST`): every accept is one
//! message the association may send the user on WeChat.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::auth::BearerUser;
use super::body::JsonObject;
use super::error::{ApiError, ErrorBody};
use crate::app::AppState;
use crate::notices::subscriptions;

/// One template the mini-program may request, with the user's grants.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SubscriptionView {
    /// Notice kind key, e.g. `order_paid`.
    pub kind: String,
    /// Its title, e.g. 缴费成功.
    pub title: String,
    /// The template id to pass to `wx.requestSubscribeMessage`.
    pub template_id: String,
    /// Messages the association may still send on WeChat.
    pub grants: i32,
    /// Last answer: `accept`, `reject`, `ban`, or empty (never asked).
    pub status: String,
}

/// The user's subscriptions.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SubscriptionsView {
    /// One per notice kind that has a WeChat template.
    pub items: Vec<SubscriptionView>,
}

/// The result object of `wx.requestSubscribeMessage`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionResults {
    /// Template id → `accept`, `reject`, `ban` or `filter`.
    pub results: BTreeMap<String, String>,
}

async fn view(state: &AppState, user_id: i64) -> Result<SubscriptionsView, ApiError> {
    let items = subscriptions::list(&state.db, user_id)
        .await?
        .into_iter()
        .map(|g| SubscriptionView {
            kind: g.kind.key().into(),
            title: g.kind.title().into(),
            template_id: g.template_id,
            grants: g.grants,
            status: g.status,
        })
        .collect();
    Ok(SubscriptionsView { items })
}

/// The templates to request and the grants the user has given.
#[utoipa::path(get, path = "/api/v1/me/subscriptions", tag = "me",
    responses((status = 200, body = SubscriptionsView), (status = 401, description = "No valid token", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_subscriptions(
    state: web::Data<AppState>,
    user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(view(&state, user.user.id).await?))
}

/// Records a `wx.requestSubscribeMessage` result: each `accept` is one grant.
#[utoipa::path(post, path = "/api/v1/me/subscriptions", tag = "me", request_body = SubscriptionResults,
    responses(
        (status = 200, body = SubscriptionsView),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 422, description = "Unknown template or answer; nothing saved", body = ErrorBody),
    ), security(("bearer" = [])))]
pub async fn record_subscriptions(
    state: web::Data<AppState>,
    user: BearerUser,
    body: JsonObject<SubscriptionResults>,
) -> Result<HttpResponse, ApiError> {
    let answers = body.into_inner().results.into_iter().collect();
    subscriptions::record(&state.db, &state.clock, user.user.id, answers).await?;
    Ok(HttpResponse::Ok().json(view(&state, user.user.id).await?))
}
