//! The wire contract of the glue: the [`Conventions`] the generated code passes in (envelope
//! keys, codes, headers, pagination bounds), the field errors of a 422, the error an
//! implementation returns ([`ApiError`]) and the JSON writers of both envelopes.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::ser::{Serialize, SerializeMap, Serializer};
use indexmap::IndexMap;
use serde_json::{Map, Value};

pub use crate::envelope::EnvelopeKeys;

/// An error code the glue itself answers with: its wire string, HTTP status and message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code {
    pub code: &'static str,
    pub status: u16,
    pub message: &'static str,
}

/// The codes of the errors the glue answers before (or instead of) the implementation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GlueCodes {
    /// 401: no, malformed or unknown bearer token.
    pub unauthorized: Code,
    /// 403: the token lacks the operation's scope.
    pub insufficient_scope: Code,
    /// 422: a spec rule is violated, or the body is not JSON.
    pub validation: Code,
    /// 429: the token's (or an operation's) limit is spent.
    pub rate_limited: Code,
    /// 404: unknown route or a path parameter of the wrong type.
    pub not_found: Code,
    /// 500: the response could not be written.
    pub internal: Code,
    /// 405: a known path with another method.
    pub method_not_allowed: Code,
    /// 415: a body in a content type the operation does not take.
    pub unsupported_media_type: Code,
    /// 413: a body over the configured limit.
    pub payload_too_large: Code,
}

/// Pagination bounds (`api.yaml: pagination`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pagination {
    pub page_default: u32,
    pub page_min: u32,
    pub per_page_default: u32,
    pub per_page_min: u32,
    pub per_page_max: u32,
}

/// Query keys of list operations (`api.yaml: list_query`, plus `page` and `per_page`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryKeys {
    pub page: &'static str,
    pub per_page: &'static str,
    pub fields: &'static str,
    pub sort: &'static str,
    pub include: &'static str,
    pub filter: &'static str,
}

/// Rate-limit defaults and headers (`api.yaml: rate_limit`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimitHeaders {
    pub default_per_minute: u32,
    pub limit: &'static str,
    pub remaining: &'static str,
    pub retry_after: &'static str,
}

/// Everything of `api.yaml` the glue needs, built by the generated code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conventions {
    pub envelope: EnvelopeKeys,
    /// The header carrying `Bearer <token>` (`api.yaml: auth.header`).
    pub auth_header: &'static str,
    pub codes: GlueCodes,
    /// The `details` key of INSUFFICIENT_SCOPE naming the missing scope.
    pub required_scope_key: &'static str,
    /// The `details` key of RATE_LIMIT_EXCEEDED with the seconds to wait.
    pub retry_after_key: &'static str,
    pub pagination: Pagination,
    pub query: QueryKeys,
    pub rate_limit: RateLimitHeaders,
    /// The default limit of multipart bodies: the largest files an operation takes, plus room.
    pub max_upload: usize,
}

/// An operation's error code as the envelope writes it, built by the generated code from its
/// typed error enum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeInfo {
    pub code: String,
    pub status: u16,
    /// The catalogue message, unless the code is unknown.
    pub message: Option<&'static str>,
}

/// Validation messages by field, in the order they were found; written as
/// `errors: {field: [messages]}`.
///
/// At most [`cap`](Self::with_cap) fields are kept (default [`FieldErrors::DEFAULT_CAP`]): a
/// message for a further field is only counted ([`omitted`](Self::omitted)), and the envelope's
/// message ends with "(and N more errors)", as Laravel's does. Insertion is a hash lookup, so
/// collecting the errors of a large request stays linear in its size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldErrors {
    entries: IndexMap<String, Vec<String>>,
    cap: usize,
    omitted: usize,
}

impl Default for FieldErrors {
    fn default() -> Self {
        Self::with_cap(Self::DEFAULT_CAP)
    }
}

impl FieldErrors {
    /// The fields reported by default.
    pub const DEFAULT_CAP: usize = 100;

    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps at most `cap` fields (at least one).
    pub fn with_cap(cap: usize) -> Self {
        FieldErrors { entries: IndexMap::new(), cap: cap.max(1), omitted: 0 }
    }

    /// Adds a message to `field`, keeping the field's first position; past the cap, a message
    /// for a new field is only counted.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        let field = field.into();
        if let Some(messages) = self.entries.get_mut(&field) {
            messages.push(message.into());
        } else if self.entries.len() < self.cap {
            self.entries.insert(field, vec![message.into()]);
        } else {
            self.omitted += 1;
        }
    }

    /// Like [`add`](Self::add), building the message only when it is kept: past the cap, a
    /// large invalid request costs a count per error, not a message.
    pub fn add_with(&mut self, field: &str, message: impl FnOnce() -> String) {
        if let Some(messages) = self.entries.get_mut(field) {
            messages.push(message());
        } else if self.entries.len() < self.cap {
            self.entries.insert(field.to_owned(), vec![message()]);
        } else {
            self.omitted += 1;
        }
    }

    /// Whether nothing was added (a message counted past the cap counts too).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.omitted == 0
    }

    /// The number of fields with messages.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The messages left out past the cap.
    pub fn omitted(&self) -> usize {
        self.omitted
    }

    /// The messages of `field`.
    pub fn get(&self, field: &str) -> Option<&[String]> {
        self.entries.get(field).map(Vec::as_slice)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.entries.iter().map(|(f, m)| (f.as_str(), m.as_slice()))
    }

    /// Adds every message of `other` (and its omitted count).
    pub fn extend(&mut self, other: FieldErrors) {
        self.omitted += other.omitted;
        for (field, messages) in other.entries {
            for message in messages {
                self.add(field.clone(), message);
            }
        }
    }

    /// `{field: [messages]}`, fields in the order they were found.
    pub fn to_json(&self) -> Value {
        let map = self.entries.iter().map(|(f, m)| (f.clone(), Value::from(m.clone())));
        Value::Object(map.collect())
    }

    /// `message`, with "(and N more errors)" when messages were left out.
    pub fn summary(&self, message: &str) -> String {
        match self.omitted {
            0 => message.to_owned(),
            1 => format!("{message} (and 1 more error)"),
            n => format!("{message} (and {n} more errors)"),
        }
    }
}

/// The error an implementation returns: one of the operation's codes, with an optional message
/// (default: the operation's or the catalogue's), `details`, field errors (for
/// VALIDATION_ERROR), the seconds to wait (for RATE_LIMIT_EXCEEDED, sent as `Retry-After`) and
/// the cause of a failure (logged with a 5xx, never sent).
///
/// `Err(GetContactError::NotFound.into())` is the shortest form.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{code}{}", .message.as_ref().map(|m| format!(": {m}")).unwrap_or_default())]
pub struct ApiError<C> {
    pub code: C,
    pub message: Option<String>,
    pub details: Option<Value>,
    pub errors: FieldErrors,
    pub retry_after: Option<u64>,
    /// What went wrong inside the implementation: the glue's `error` event of a 5xx carries it;
    /// the client sees only the code and message.
    pub cause: Option<String>,
}

impl<C> ApiError<C> {
    pub fn new(code: C) -> Self {
        ApiError { code, message: None, details: None, errors: FieldErrors::new(), retry_after: None, cause: None }
    }

    /// Replaces the default message.
    #[must_use]
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Sets `details`, e.g. a `FeatureLimitExceededDetails`. A value that does not serialize
    /// leaves `details` out.
    #[must_use]
    pub fn with_details(mut self, details: impl serde::Serialize) -> Self {
        self.details = serde_json::to_value(details).ok();
        self
    }

    /// Adds a field error (VALIDATION_ERROR).
    #[must_use]
    pub fn with_field_error(mut self, field: impl Into<String>, message: impl Into<String>) -> Self {
        self.errors.add(field, message);
        self
    }

    /// Sets the seconds to wait (RATE_LIMIT_EXCEEDED): `Retry-After` and `details.retry_after`.
    #[must_use]
    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// Sets the cause of a failure (a database error, a failed upstream call), with its
    /// sources (`cause: source: ...`), for the `error` event the glue logs with a 5xx.
    #[must_use]
    pub fn with_cause(mut self, cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        let cause = cause.into();
        let mut text = cause.to_string();
        let mut source = cause.source();
        while let Some(error) = source {
            text.push_str(": ");
            text.push_str(&error.to_string());
            source = error.source();
        }
        self.cause = Some(text);
        self
    }
}

impl<C> From<C> for ApiError<C> {
    fn from(code: C) -> Self {
        ApiError::new(code)
    }
}

/// One error envelope, before it is written.
pub(crate) struct ErrorBody<'a> {
    pub status: u16,
    pub code: &'a str,
    pub message: &'a str,
    pub details: Option<Value>,
    pub errors: Option<&'a FieldErrors>,
}

impl ErrorBody<'_> {
    pub fn glue(code: &Code) -> ErrorBody<'_> {
        ErrorBody { status: code.status, code: code.code, message: code.message, details: None, errors: None }
    }

    pub fn to_json(&self, keys: &EnvelopeKeys) -> Value {
        let mut error = Map::new();
        error.insert(keys.code.into(), self.code.into());
        if let Some(details) = &self.details {
            error.insert(keys.details.into(), details.clone());
        }
        let mut body = Map::new();
        body.insert(keys.success.into(), false.into());
        let message = self.errors.map_or_else(|| self.message.to_owned(), |errors| errors.summary(self.message));
        body.insert(keys.message.into(), message.into());
        body.insert(keys.error.into(), Value::Object(error));
        if let Some(errors) = self.errors {
            body.insert(keys.errors.into(), errors.to_json());
        }
        Value::Object(body)
    }

    pub fn response(&self, keys: &EnvelopeKeys) -> Response {
        json_response(self.status, &self.to_json(keys))
    }
}

/// An error envelope response, for code outside the generated glue (middleware, fallbacks).
pub fn error_response(
    conventions: &Conventions,
    code: &Code,
    details: Option<Value>,
    errors: Option<&FieldErrors>,
) -> Response {
    let body = ErrorBody { details, errors, ..ErrorBody::glue(code) };
    body.response(&conventions.envelope)
}

/// `{success: true, message, data}`, or with `page`, `{success: true, message, data: [..],
/// meta, links}`: serialized straight from the typed data, with no `Value` tree in between.
pub(crate) struct SuccessBody<'a, D, M = (), L = ()> {
    pub keys: &'a EnvelopeKeys,
    pub message: Option<&'a str>,
    pub data: &'a D,
    /// A list's `meta` and `links`.
    pub page: Option<(&'a M, &'a L)>,
}

impl<D: Serialize, M: Serialize, L: Serialize> Serialize for SuccessBody<'_, D, M, L> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(if self.page.is_some() { 5 } else { 3 }))?;
        map.serialize_entry(self.keys.success, &true)?;
        map.serialize_entry(self.keys.message, self.message.unwrap_or_default())?;
        map.serialize_entry(self.keys.data, self.data)?;
        if let Some((meta, links)) = self.page {
            map.serialize_entry(self.keys.meta, meta)?;
            map.serialize_entry(self.keys.links, links)?;
        }
        map.end()
    }
}

/// `{success: true, message, ...fields of data}`; data that is not an object goes under `data`.
pub(crate) fn flat_body(keys: &EnvelopeKeys, message: Option<&str>, data: Value) -> Value {
    let mut body = Map::new();
    body.insert(keys.success.into(), true.into());
    body.insert(keys.message.into(), message.unwrap_or_default().into());
    match data {
        Value::Object(fields) => body.extend(fields),
        other => {
            body.insert(keys.data.into(), other);
        }
    }
    Value::Object(body)
}

/// A body serialized into a buffer with room for a typical resource, so that it seldom grows.
/// The room stays under 1 KiB: glibc's malloc serves a larger request from its large bins,
/// and consolidates its fast bins first.
pub(crate) fn to_bytes(body: &impl Serialize) -> serde_json::Result<Vec<u8>> {
    to_bytes_in(body, 1000)
}

/// Room a listed resource takes, about: a list's buffer starts with this much per item, so
/// that a page of 100 is written without the buffer being copied on each doubling.
pub(crate) const ROOM_PER_ITEM: usize = 512;

/// A body serialized into a buffer of `room` bytes to start with.
pub(crate) fn to_bytes_in(body: &impl Serialize, room: usize) -> serde_json::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(room);
    serde_json::to_writer(&mut bytes, body)?;
    Ok(bytes)
}

/// A JSON response.
pub(crate) fn json_response(status: u16, body: &impl Serialize) -> Response {
    match to_bytes(body) {
        Ok(bytes) => bytes_response(status, bytes),
        Err(_) => bytes_response(500, b"{}".to_vec()),
    }
}

/// A response of already serialized JSON.
pub(crate) fn bytes_response(status: u16, bytes: Vec<u8>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, bytes).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: EnvelopeKeys = crate::server::testing::CONVENTIONS.envelope;

    #[test]
    fn field_errors_keep_first_position_and_group_messages() {
        let mut errors = FieldErrors::new();
        errors.add("phone", "a");
        errors.add("email", "b");
        errors.add("phone", "c");
        assert_eq!(errors.len(), 2);
        assert_eq!(errors.get("phone"), Some(&["a".to_owned(), "c".to_owned()][..]));
        assert_eq!(serde_json::to_string(&errors.to_json()).unwrap(), r#"{"phone":["a","c"],"email":["b"]}"#);
    }

    #[test]
    fn field_errors_past_the_cap_are_counted_and_summarised() {
        let mut errors = FieldErrors::with_cap(2);
        for i in 0..5 {
            errors.add(format!("items.{i}.firstname"), "required");
        }
        errors.add("items.0.firstname", "too long");
        assert_eq!((errors.len(), errors.omitted()), (2, 3));
        assert_eq!(errors.get("items.0.firstname").unwrap().len(), 2);
        assert!(errors.get("items.2.firstname").is_none());
        let body = ErrorBody { errors: Some(&errors), ..ErrorBody::glue(&crate::server::testing::CONVENTIONS.codes.validation) };
        assert_eq!(body.to_json(&KEYS)["message"], "The given data was invalid (and 3 more errors)");
        let mut merged = FieldErrors::new();
        merged.extend(errors);
        assert_eq!((merged.len(), merged.omitted()), (2, 3));
        let mut one = FieldErrors::with_cap(1);
        one.add("a", "x");
        one.add("b", "y");
        assert_eq!(one.summary("Invalid"), "Invalid (and 1 more error)");
    }

    #[test]
    fn error_envelope_uses_the_given_keys() {
        let mut errors = FieldErrors::new();
        errors.add("firstname", "First name is required");
        let body = ErrorBody {
            status: 422,
            code: "VALIDATION_ERROR",
            message: "The given data was invalid",
            details: None,
            errors: Some(&errors),
        };
        let json = body.to_json(&KEYS);
        assert_eq!(
            json.to_string(),
            r#"{"success":false,"message":"The given data was invalid","error":{"code":"VALIDATION_ERROR"},"errors":{"firstname":["First name is required"]}}"#
        );
        let renamed = EnvelopeKeys { success: "ok", errors: "fields", ..KEYS };
        let json = body.to_json(&renamed);
        assert_eq!(json["ok"], false);
        assert!(json.get("fields").is_some());
    }

    #[test]
    fn success_envelopes() {
        let data = serde_json::json!({"id": 1});
        let body = |message, data| SuccessBody::<_, (), ()> { keys: &KEYS, message, data, page: None };
        assert_eq!(json(&body(Some("ok"), &data)), r#"{"success":true,"message":"ok","data":{"id":1}}"#);
        assert_eq!(json(&body(None, &Value::Null)), r#"{"success":true,"message":"","data":null}"#);
        assert_eq!(flat_body(&KEYS, Some("ok"), data).to_string(), r#"{"success":true,"message":"ok","id":1}"#);
        let list = SuccessBody { keys: &KEYS, message: Some("ok"), data: &[0u8; 0], page: Some((&serde_json::json!({}), &serde_json::json!({}))) };
        assert_eq!(json(&list), r#"{"success":true,"message":"ok","data":[],"meta":{},"links":{}}"#);
        let renamed = EnvelopeKeys { data: "result", ..KEYS };
        let renamed = SuccessBody::<_, (), ()> { keys: &renamed, message: None, data: &1, page: None };
        assert_eq!(json(&renamed), r#"{"success":true,"message":"","result":1}"#);
    }

    fn json(body: &impl Serialize) -> String {
        serde_json::to_string(body).unwrap()
    }

    #[test]
    fn api_error_builders() {
        let error = ApiError::new("NOT_FOUND").with_message("Contact not found").with_retry_after(3).with_details(serde_json::json!({"a": 1}));
        assert_eq!(error.to_string(), "NOT_FOUND: Contact not found");
        assert_eq!(error.retry_after, Some(3));
        let error: ApiError<&str> = "VALIDATION_ERROR".into();
        assert_eq!(error.to_string(), "VALIDATION_ERROR");
        let error = error.with_field_error("phone", "taken");
        assert_eq!(error.errors.get("phone").unwrap().len(), 1);
    }
}
