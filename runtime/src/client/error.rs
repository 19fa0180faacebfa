//! What a call or the builder can fail with: the typed [`Error`] of one operation, the decoded
//! error envelope ([`ApiError`]), the crate-wide [`AnyError`] and the builder's [`BuildError`].

use std::collections::BTreeMap;

use serde_json::Value;

use super::{EnvelopeKeys, RateLimit};
use crate::value::{Open, WireEnum};

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// No token, or a blank one, was given.
    #[error("no API token: call `.token(..)` on the builder")]
    MissingToken,
    /// The token has characters an HTTP header cannot carry (a control character, a newline).
    /// The message never shows the token.
    #[error("the API token has characters an HTTP header cannot carry")]
    InvalidToken,
    /// The base URL is not an http(s) URL.
    #[error("base URL `{0}` is not an http(s) URL")]
    InvalidBaseUrl(String),
    /// The HTTP stack refused the configuration.
    #[error("cannot build the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}

/// An error response of the API, decoded from the error envelope.
///
/// Prints as `422 VALIDATION_ERROR: The given data was invalid (phone: This phone number already
/// exists)`: status, wire code, message and the field errors.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{status} {code}: {message}{}", field_list(.field_errors))]
pub struct ApiError<E> {
    pub status: u16,
    /// The API error code: one the operation documents, or `Unknown` for a code this client
    /// does not know yet.
    pub code: Open<E>,
    pub message: String,
    /// Field -> messages, on 422 VALIDATION_ERROR.
    pub field_errors: BTreeMap<String, Vec<String>>,
    /// `error.details` (FEATURE_LIMIT_EXCEEDED's feature/current/maximum, attempts_remaining, ...).
    pub details: Option<Value>,
    /// The `Retry-After` header or `details.retry_after`, in seconds.
    pub retry_after: Option<u64>,
    pub request_id: Option<String>,
    pub rate_limit: RateLimit,
    /// Attempts made before giving up.
    pub attempts: u32,
}

impl<E> ApiError<E> {
    /// A detail field as a number (`attempts_remaining`, `current`, `maximum`, ...).
    pub fn detail_i64(&self, key: &str) -> Option<i64> {
        self.details.as_ref()?.get(key)?.as_i64()
    }

    /// OTP verification: attempts left for the active OTP (INVALID_CODE).
    pub fn attempts_remaining(&self) -> Option<i64> {
        self.detail_i64("attempts_remaining")
    }
}

/// Everything a call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error<E> {
    /// The API answered with its error envelope (boxed: it is large and the success path is hot).
    #[error("{0}")]
    Api(Box<ApiError<E>>),
    /// The request got no answer (connection refused or dropped, timeout, TLS).
    // reqwest's Display names the URL (never headers), so the token cannot leak here.
    #[error("transport error after {attempts} attempt(s): {source}")]
    Transport {
        source: reqwest::Error,
        attempts: u32,
    },
    /// The answer was not what the spec describes.
    #[error("unexpected response ({status}): {message}")]
    Decode { status: u16, message: String },
}

impl<E> Error<E> {
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Transport { source, .. } => source.status().map(|s| s.as_u16()),
            Error::Decode { status, .. } => Some(*status),
        }
    }

    pub fn api(&self) -> Option<&ApiError<E>> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport { source, .. } if source.is_timeout())
    }

    /// Whether trying again later may succeed: 429, 503 and other 5xx, timeouts and
    /// connection failures. (Whether the client retried it itself depends on the policy.)
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.status == 429 || e.status >= 500,
            Error::Transport { .. } => true,
            Error::Decode { .. } => false,
        }
    }

    /// The API error code as written on the wire, if the API answered.
    pub fn code_str(&self) -> Option<&str>
    where
        E: WireEnum,
    {
        self.api().map(|e| e.code.as_str())
    }
}

/// One crate-wide error for callers who do not care which operation failed: the code as text.
/// Every public error of the crates converts into it, so `?` works in a function returning it.
#[derive(Debug, thiserror::Error)]
#[error("{}{message}{}", headline(*.status, .code.as_deref()), field_list(.field_errors))]
pub struct AnyError {
    pub status: Option<u16>,
    /// The API error code (`NOT_FOUND`), when the API answered.
    pub code: Option<String>,
    pub message: String,
    pub field_errors: BTreeMap<String, Vec<String>>,
    pub details: Option<Value>,
    pub retryable: bool,
    pub request_id: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// ` (phone: This phone number already exists; email: ...)` after the message of a 422, nothing
/// without field errors.
fn field_list(fields: &BTreeMap<String, Vec<String>>) -> String {
    if fields.is_empty() {
        return String::new();
    }
    let each = fields.iter().flat_map(|(field, messages)| messages.iter().map(move |m| format!("{field}: {m}")));
    format!(" ({})", each.collect::<Vec<_>>().join("; "))
}

/// `404 NOT_FOUND: ` before the message of an API error; nothing before other messages.
fn headline(status: Option<u16>, code: Option<&str>) -> String {
    match (status, code) {
        (Some(status), Some(code)) => format!("{status} {code}: "),
        _ => String::new(),
    }
}

impl<E: WireEnum> From<Error<E>> for AnyError {
    fn from(e: Error<E>) -> Self {
        let retryable = e.is_retryable();
        let status = e.status();
        let other = |message, source| AnyError {
            status,
            code: None,
            message,
            field_errors: BTreeMap::new(),
            details: None,
            retryable,
            request_id: None,
            source,
        };
        match e {
            Error::Api(a) => {
                let a = *a;
                AnyError {
                    status,
                    code: Some(a.code.as_str().to_owned()),
                    message: a.message,
                    field_errors: a.field_errors,
                    details: a.details,
                    retryable,
                    request_id: a.request_id,
                    source: None,
                }
            }
            Error::Transport { source, attempts } => {
                other(format!("transport error after {attempts} attempt(s): {source}"), Some(Box::new(source)))
            }
            Error::Decode { message, .. } => other(message, None),
        }
    }
}

impl AnyError {
    /// An error that is not the API's answer (as `std::io::Error::other`): its message, and
    /// itself as the source. Crates built on wacr use it for their own `From` conversions.
    pub fn other(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        AnyError {
            status: None,
            code: None,
            message: error.to_string(),
            field_errors: BTreeMap::new(),
            details: None,
            retryable: false,
            request_id: None,
            source: Some(Box::new(error)),
        }
    }
}

/// `From` the crates' errors that are not an API answer (building a client, reading a query,
/// an enum value, a scope or an include, verifying a webhook delivery).
macro_rules! any_error_from {
    ($($error:ty),*) => {$(
        impl From<$error> for AnyError {
            fn from(error: $error) -> Self {
                AnyError::other(error)
            }
        }
    )*};
}

any_error_from!(
    BuildError,
    crate::QueryError,
    crate::FilterValueError,
    crate::UnknownValue,
    crate::ScopeError,
    crate::IncludeError
);

#[cfg(feature = "webhooks")]
any_error_from!(crate::webhook::VerifyError);

/// The [`ApiError`] of an error envelope (`error.code`, `error.details`, `message`, `errors`).
pub(super) fn decode_error<E: WireEnum>(
    keys: &EnvelopeKeys,
    status: u16,
    body: Value,
    retry_after: Option<u64>,
    request_id: Option<String>,
) -> ApiError<E> {
    let error = body.get(keys.error);
    let code = error
        .and_then(|e| e.get(keys.code))
        .and_then(Value::as_str)
        .unwrap_or("");
    let details = error
        .and_then(|e| e.get(keys.details))
        .filter(|d| !d.is_null())
        .cloned();
    let field_errors = body
        .get(keys.errors)
        .and_then(Value::as_object)
        .map(|o| o.iter().map(|(k, v)| (k.clone(), messages(v))).collect())
        .unwrap_or_default();
    let retry_after = retry_after.or_else(|| details.as_ref()?.get("retry_after")?.as_u64());
    ApiError {
        status,
        code: Open::from_wire(code),
        message: body
            .get(keys.message)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        field_errors,
        details,
        retry_after,
        request_id,
        rate_limit: RateLimit::default(),
        attempts: 1,
    }
}

/// The messages of one field in `errors`: a list of strings, or one string.
fn messages(value: &Value) -> Vec<String> {
    match value {
        Value::Array(a) => a
            .iter()
            .filter_map(|m| m.as_str().map(str::to_owned))
            .collect(),
        Value::String(s) => vec![s.clone()],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: EnvelopeKeys = crate::envelope::TEST_KEYS;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Code {
        NotFound,
    }

    impl WireEnum for Code {
        const ALL: &'static [Self] = &[Code::NotFound];
        const NAME: &'static str = "Code";
        fn as_str(self) -> &'static str {
            "NOT_FOUND"
        }
    }

    #[test]
    fn error_envelope_decodes_codes_fields_and_details() {
        let body = serde_json::json!({
            "success": false, "message": "The given data was invalid",
            "error": {"code": "NOT_FOUND", "details": {"attempts_remaining": 3}},
            "errors": {"firstname": ["First name is required"]},
        });
        let e: ApiError<Code> = decode_error(&KEYS, 404, body, Some(7), None);
        assert_eq!(e.code, Open::Known(Code::NotFound));
        assert_eq!(e.field_errors["firstname"], ["First name is required"]);
        assert_eq!(e.detail_i64("attempts_remaining"), Some(3));
        assert_eq!(e.retry_after, Some(7));
        let unknown: ApiError<Code> = decode_error(
            &KEYS,
            418,
            serde_json::json!({"error": {"code": "TEAPOT"}}),
            None,
            None,
        );
        assert_eq!(unknown.code, Open::Unknown("TEAPOT".into()));
    }

    #[test]
    fn errors_print_status_code_and_message() {
        let body = serde_json::json!({"message": "Contact not found", "error": {"code": "NOT_FOUND"}});
        let api: ApiError<Code> = decode_error(&KEYS, 404, body, None, None);
        let error = Error::Api(Box::new(api));
        assert_eq!(error.to_string(), "404 NOT_FOUND: Contact not found");
        let any = AnyError::from(error);
        assert_eq!(any.to_string(), "404 NOT_FOUND: Contact not found");
        let decode = Error::<Code>::Decode { status: 200, message: "body is not JSON".into() };
        assert_eq!(decode.to_string(), "unexpected response (200): body is not JSON");
        assert_eq!(AnyError::from(decode).to_string(), "body is not JSON");
    }

    #[test]
    fn validation_errors_print_their_fields_and_every_error_converts_to_any_error() {
        let body = serde_json::json!({
            "message": "The given data was invalid", "error": {"code": "VALIDATION_ERROR"},
            "errors": {"phone": ["This phone number already exists"], "email": "Not an email"},
        });
        let api: ApiError<Code> = decode_error(&KEYS, 422, body, None, None);
        let printed = "422 VALIDATION_ERROR: The given data was invalid (email: Not an email; phone: This phone number already exists)";
        assert_eq!(api.to_string(), printed);
        assert_eq!(AnyError::from(Error::Api(Box::new(api))).to_string(), printed);

        #[allow(clippy::result_large_err)] // the size callers get from `AnyError` as it is
        fn build() -> Result<(), AnyError> {
            Err(BuildError::MissingToken)?
        }
        let any = build().unwrap_err();
        assert_eq!(any.to_string(), "no API token: call `.token(..)` on the builder");
        assert!(std::error::Error::source(&any).is_some(), "the build error is the source");
        let unknown = crate::UnknownValue::of::<Code>("TEAPOT");
        assert_eq!(AnyError::from(unknown.clone()).to_string(), unknown.to_string());
    }
}
