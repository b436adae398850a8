//! `JsonObject<T>`: a JSON body that must be an object, as the document says. serde
//! would otherwise also read a struct from an array (`[null, null]`), which the
//! document does not allow; the size and content-type rules of `web::Json` still apply.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;

use super::error::{ApiError, field_of};
use crate::error::{AppError, FieldError};

/// A JSON object body read as `T`.
#[derive(Debug)]
pub struct JsonObject<T>(pub T);

impl<T> JsonObject<T> {
    /// The value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for JsonObject<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonObject<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let value = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move {
            let web::Json(value) = value.await?;
            if !value.is_object() {
                return Err(ApiError(AppError::field("body", "请求体须为 JSON 对象")).into());
            }
            T::deserialize(value).map(JsonObject).map_err(|e| {
                let message = e.to_string();
                ApiError(AppError::Validation(vec![FieldError::new(field_of(&message), message)]))
                    .into()
            })
        })
    }
}
