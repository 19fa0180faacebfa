//! The response side of a [`Call`]: the success envelopes (`data`, `list`, `flat`, `bare`), the
//! error envelope of an implementation's error or of the glue's own checks, and the headers
//! every response of the call carries (the token's rate limit, `Retry-After`). A 5xx carries its
//! cause to the request span's `error` event.

use axum::extract::OriginalUri;
use axum::http::HeaderValue;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{Call, trace};
use crate::page::Page;
use crate::scope::ScopeEnum;
use crate::server::Response;
use crate::server::body::BodyError;
use crate::server::envelope::{self, ApiError, Code, CodeInfo, Conventions, ErrorBody, FieldErrors, SuccessBody};
use crate::server::query;

impl<Sc: ScopeEnum> Call<Sc> {
    /// `{success, message, data}` with the operation's success status, or the error envelope.
    pub fn data<T: Serialize, C>(self, result: Result<T, ApiError<C>>, info: fn(C) -> CodeInfo) -> Response {
        self.success(result, info, |call, data| call.envelope::<_, (), ()>(data, None, 1000))
    }

    /// `{success, message, data: [..], meta, links}`; empty links are filled from the request.
    pub fn list<T: Serialize, C>(self, result: Result<Page<T>, ApiError<C>>, info: fn(C) -> CodeInfo) -> Response {
        self.success(result, info, |call, page| {
            let built;
            let links = match page.links.first.is_empty() {
                true => {
                    built = query::links(&call.request_path(), &call.pairs, call.conventions.query.page, &page.meta);
                    &built
                }
                false => &page.links,
            };
            let room = 1000 + page.items.len() * envelope::ROOM_PER_ITEM;
            call.envelope(&page.items, Some((&page.meta, links)), room)
        })
    }

    /// The success envelope of `data` (and a list's `meta` and `links`), serialized straight
    /// from the typed data; only a `?fields=` selection goes through a `Value` to be projected.
    /// `room`: the buffer's starting size.
    fn envelope<D: Serialize, M: Serialize, L: Serialize>(&self, data: &D, page: Option<(&M, &L)>, room: usize) -> serde_json::Result<Vec<u8>> {
        let keys = &self.conventions.envelope;
        if self.fields.is_empty() {
            return envelope::to_bytes_in(&SuccessBody { keys, message: self.message, data, page }, room);
        }
        let mut data = serde_json::to_value(data)?;
        query::project(&mut data, &self.fields, self.relations);
        envelope::to_bytes_in(&SuccessBody { keys, message: self.message, data: &data, page }, room)
    }

    /// `{success, message, ...fields of data}`.
    pub fn flat<T: Serialize, C>(self, result: Result<T, ApiError<C>>, info: fn(C) -> CodeInfo) -> Response {
        self.success(result, info, |call, data| {
            envelope::to_bytes(&envelope::flat_body(&call.conventions.envelope, call.message, serde_json::to_value(data)?))
        })
    }

    /// The data as the whole body (no envelope).
    pub fn bare<T: Serialize, C>(self, result: Result<T, ApiError<C>>, info: fn(C) -> CodeInfo) -> Response {
        self.success(result, info, |_, data| envelope::to_bytes(data))
    }

    /// The error envelope of an error the implementation returned.
    pub fn error<C>(&self, error: ApiError<C>, info: fn(C) -> CodeInfo) -> Response {
        let info = info(error.code);
        let own = self.error_messages.iter().find(|(code, _)| *code == info.code).map(|(_, m)| *m);
        let message = error.message.as_deref().or(own).or(info.message).unwrap_or(info.code.as_str());
        let mut details = error.details;
        if let Some(seconds) = error.retry_after {
            details.get_or_insert_with(|| single(self.conventions.retry_after_key, seconds.into()));
        }
        let validation = info.code == self.conventions.codes.validation.code;
        let errors = (validation || !error.errors.is_empty()).then_some(&error.errors);
        let body = ErrorBody { status: info.status, code: &info.code, message, details, errors };
        let response = self.respond(body.response(&self.conventions.envelope), error.retry_after);
        match info.status >= 500 {
            true => trace::failed(response, &info.code, error.cause),
            false => response,
        }
    }

    fn success<T, C>(self, result: Result<T, ApiError<C>>, info: fn(C) -> CodeInfo, write: impl FnOnce(&Self, &T) -> serde_json::Result<Vec<u8>>) -> Response {
        match result.map(|data| write(&self, &data)) {
            Ok(Ok(bytes)) => self.respond(envelope::bytes_response(self.status, bytes), None),
            Ok(Err(e)) => {
                let internal = &self.conventions.codes.internal;
                trace::failed(self.glue(internal, None), internal.code, Some(format!("the response data does not serialize: {e}")))
            }
            Err(error) => self.error(error, info),
        }
    }

    pub(super) fn too_many(&self, retry_after: u64) -> Response {
        let details = single(self.conventions.retry_after_key, retry_after.into());
        self.respond(glue_error(self.conventions, &self.conventions.codes.rate_limited, Some(details)), Some(retry_after))
    }

    /// 503 with `Retry-After: 1`: the rate-limit store could not decide and fails closed.
    pub(super) fn unavailable(&self) -> Response {
        self.respond(glue_error(self.conventions, &self.conventions.code_for_status(503), None), Some(1))
    }

    pub(super) fn invalid(&self, errors: &FieldErrors) -> Response {
        let body = ErrorBody { errors: Some(errors), ..ErrorBody::glue(&self.conventions.codes.validation) };
        self.respond(body.response(&self.conventions.envelope), None)
    }

    pub(super) fn body_error(&self, error: BodyError) -> Response {
        let codes = &self.conventions.codes;
        match error {
            BodyError::Unsupported => self.glue(&codes.unsupported_media_type, None),
            BodyError::TooLarge => self.glue(&codes.payload_too_large, None),
            BodyError::TimedOut => self.glue(&self.conventions.code_for_status(408), None),
            BodyError::Invalid(message) => {
                let mut errors = FieldErrors::new();
                errors.add("body", message);
                self.invalid(&errors)
            }
        }
    }

    pub(super) fn glue(&self, code: &Code, details: Option<Value>) -> Response {
        self.respond(glue_error(self.conventions, code, details), None)
    }

    /// Adds the headers of every response of the call (the token's rate limit) and
    /// `Retry-After`.
    fn respond(&self, mut response: Response, retry_after: Option<u64>) -> Response {
        let headers = response.headers_mut();
        if let Some((limit, remaining)) = self.rate {
            if let Some(name) = &self.names.limit {
                headers.insert(name.clone(), HeaderValue::from(limit));
            }
            if let Some(name) = &self.names.remaining {
                headers.insert(name.clone(), HeaderValue::from(remaining));
            }
        }
        if let (Some(seconds), Some(name)) = (retry_after, &self.names.retry_after) {
            headers.insert(name.clone(), HeaderValue::from(seconds));
        }
        response
    }

    /// The request path as the client sent it (before any `nest`).
    fn request_path(&self) -> String {
        let original = self.parts.extensions.get::<OriginalUri>().map(|o| &o.0);
        original.unwrap_or(&self.parts.uri).path().to_owned()
    }
}

/// The error envelope of a glue error (`code` of the conventions' catalogue).
pub(super) fn glue_error(conventions: &Conventions, code: &Code, details: Option<Value>) -> Response {
    ErrorBody { details, ..ErrorBody::glue(code) }.response(&conventions.envelope)
}

/// `{key: value}`.
pub(super) fn single(key: &str, value: Value) -> Value {
    Value::Object(Map::from_iter([(key.to_owned(), value)]))
}
