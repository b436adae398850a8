//! The answers every API route can give besides its own, added to the OpenAPI
//! document from each operation's shape, so the document says exactly what the server
//! does: 401 (with `WWW-Authenticate`) where a token is needed; 400 for malformed
//! JSON, query or path values; 413 and 415 for bodies too large or of another type;
//! 422 for validation; 404 for ids that do not exist; `Retry-After` on 429 and 503.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{
    ContentBuilder, HeaderBuilder, OpenApi, Ref, RefOr, Response, ResponseBuilder,
};

/// Adds the shared answers to every operation.
pub struct SharedResponses;

fn error(description: &str) -> Response {
    let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
    ResponseBuilder::new().description(description).content("application/json", content).build()
}

fn header(description: &str) -> utoipa::openapi::header::Header {
    HeaderBuilder::new()
        .schema(ObjectBuilder::new().schema_type(Type::String))
        .description(Some(description))
        .build()
}

fn add(op: &mut Operation, status: &str, description: &str) {
    op.responses.responses.entry(status.to_owned()).or_insert_with(|| RefOr::T(error(description)));
}

/// Adds a response header to a documented status.
fn add_header(op: &mut Operation, status: &str, name: &str, description: &str) {
    if let Some(RefOr::T(response)) = op.responses.responses.get_mut(status) {
        response.headers.entry(name.to_owned()).or_insert_with(|| header(description));
    }
}

fn complete(op: &mut Operation) {
    let params = op.parameters.as_deref().unwrap_or_default();
    let has_path = params.iter().any(|p| p.parameter_in == ParameterIn::Path);
    let has_query = params.iter().any(|p| p.parameter_in == ParameterIn::Query);
    let body = op.request_body.as_ref().map(|b| b.content.keys().cloned().collect::<Vec<_>>());
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    if secured {
        add(op, "401", "No valid token (`unauthenticated`)");
        add_header(op, "401", "WWW-Authenticate", "`Bearer`");
    }
    if has_path {
        add(op, "400", "A path value is not a valid id (`bad_request`)");
        add(op, "404", "Nothing with this id, or not yours (`not_found`)");
    }
    if has_query {
        add(op, "400", "A query value is malformed or out of range (`bad_request`)");
    }
    if let Some(types) = body {
        let kind = types.join(" or ");
        add(op, "400", &format!("Malformed {kind} body (`bad_request`)"));
        add(op, "413", "Body larger than allowed (`payload_too_large`)");
        add(op, "415", &format!("Body is not {kind} (`unsupported_media_type`)"));
        add(op, "422", "Input fails validation; `fields` says where (`validation_failed`)");
    }
    add_header(op, "429", "Retry-After", "Seconds to wait before trying again");
    add_header(op, "503", "Retry-After", "Seconds to wait before trying again");
}

impl utoipa::Modify for SharedResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for op in
                [&mut item.get, &mut item.post, &mut item.patch, &mut item.put, &mut item.delete]
                    .into_iter()
                    .flatten()
            {
                complete(op);
            }
        }
    }
}
