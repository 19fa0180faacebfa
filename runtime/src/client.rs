//! HTTP plumbing of the generated client (feature `client`): the builder, the bearer token that
//! never prints, one `send` that speaks the envelope of api.yaml, and the typed error.
//! Generated code supplies the operation's path, query pairs, body and the envelope shape.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::operation::Method;

/// The bearer token. It never appears in `Debug` output, logs or errors, and is only ever sent
/// in the `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub fn new(token: impl Into<String>) -> Self {
        Token(token.into())
    }

    /// The secret itself, for the `Authorization` header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// The wire keys of the envelope (api.yaml `envelope`), supplied by the generated code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EnvelopeKeys {
    pub success: &'static str,
    pub message: &'static str,
    pub data: &'static str,
    pub meta: &'static str,
    pub links: &'static str,
    pub error: &'static str,
    pub code: &'static str,
    pub details: &'static str,
    pub errors: &'static str,
}

/// Where the operation's result sits in the success body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `{success, message, data}`: the result is `data` (null when absent).
    Data,
    /// `{success, message, data: [...], meta, links}`: the result is the whole body, which
    /// [`Page`](crate::Page) decodes.
    List,
    /// `{success, message, ...}`: the result is the whole object.
    Flat,
    /// The body is the result.
    Bare,
}

/// One multipart field.
#[derive(Clone, Debug)]
pub enum Part {
    Text { name: String, value: String },
    File { name: String, file: crate::file::File },
}

/// A request body.
#[derive(Clone, Debug, Default)]
pub enum Body {
    #[default]
    Empty,
    Json(Value),
    Multipart(Vec<Part>),
}

/// Everything the generated code knows about one call.
#[derive(Clone, Debug)]
pub struct Call {
    pub operation_id: &'static str,
    pub method: Method,
    /// Already rendered and percent-encoded (`/contacts/12`).
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Body,
    pub shape: Shape,
}

/// Builds a [`Transport`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    base_url: String,
    token: Option<Token>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: String,
    keys: EnvelopeKeys,
}

/// Why a client could not be built.
#[derive(Debug)]
pub enum BuildError {
    /// No token was given.
    MissingToken,
    /// The base URL is not an http(s) URL.
    InvalidBaseUrl(String),
    /// The HTTP stack refused the configuration.
    Http(reqwest::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::MissingToken => f.write_str("no API token: call `.token(..)` on the builder"),
            BuildError::InvalidBaseUrl(u) => write!(f, "base URL `{u}` is not an http(s) URL"),
            BuildError::Http(e) => write!(f, "cannot build the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for BuildError {}

impl ClientBuilder {
    /// A builder with the API's default base URL and envelope keys (from the generated crate).
    pub fn new(base_url: impl Into<String>, keys: EnvelopeKeys, user_agent: impl Into<String>) -> Self {
        ClientBuilder {
            base_url: base_url.into(),
            token: None,
            timeout: Some(Duration::from_secs(30)),
            connect_timeout: Some(Duration::from_secs(10)),
            user_agent: user_agent.into(),
            keys,
        }
    }

    /// Where the API lives, e.g. `http://127.0.0.1:8080` for a local sandbox.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The API token (sent as `Authorization: Bearer <token>`).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Token::new(token));
        self
    }

    /// Whole-request timeout (default 30 s); `None` waits forever.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    pub fn build(self) -> Result<Transport, BuildError> {
        let token = self.token.ok_or(BuildError::MissingToken)?;
        let base = self.base_url.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(BuildError::InvalidBaseUrl(base));
        }
        // A process without a rustls crypto provider gets ring's; one already installed stays.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut http = reqwest::Client::builder().user_agent(self.user_agent);
        if let Some(t) = self.timeout {
            http = http.timeout(t);
        }
        if let Some(t) = self.connect_timeout {
            http = http.connect_timeout(t);
        }
        let http = http.build().map_err(BuildError::Http)?;
        Ok(Transport { inner: Arc::new(Inner { http, base_url: base, token, keys: self.keys }) })
    }
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    token: Token,
    keys: EnvelopeKeys,
}

/// The configured HTTP stack shared by every resource handle (cheap to clone).
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport").field("base_url", &self.inner.base_url).field("token", &self.inner.token).finish()
    }
}

/// A decoded success: the result and what the response said about itself.
#[derive(Debug, Clone)]
pub struct Success<T> {
    pub status: u16,
    pub message: Option<String>,
    pub request_id: Option<String>,
    pub data: T,
}

/// An error response of the API, decoded from the error envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError<E> {
    pub status: u16,
    /// The API error code: one the operation documents, or `Unknown` for a code this client
    /// does not know yet.
    pub code: crate::value::Open<E>,
    pub message: String,
    /// Field -> messages, on 422 VALIDATION_ERROR.
    pub field_errors: BTreeMap<String, Vec<String>>,
    /// `error.details` (FEATURE_LIMIT_EXCEEDED's feature/current/maximum, attempts_remaining, ...).
    pub details: Option<Value>,
    /// The `Retry-After` header or `details.retry_after`, in seconds.
    pub retry_after: Option<u64>,
    pub request_id: Option<String>,
}

impl<E> ApiError<E> {
    /// A detail field as a number (`attempts_remaining`, `current`, `maximum`, ...).
    pub fn detail_i64(&self, key: &str) -> Option<i64> {
        self.details.as_ref()?.get(key)?.as_i64()
    }
}

/// Everything a call can fail with.
#[derive(Debug)]
pub enum Error<E> {
    /// The API answered with its error envelope.
    Api(ApiError<E>),
    /// The request never got an answer (connection, timeout, TLS).
    Transport(reqwest::Error),
    /// The answer was not what the spec describes.
    Decode { status: u16, message: String },
}

impl<E> Error<E> {
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Transport(e) => e.status().map(|s| s.as_u16()),
            Error::Decode { status, .. } => Some(*status),
        }
    }

    pub fn api(&self) -> Option<&ApiError<E>> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => write!(f, "{} {:?}: {}", e.status, e.code, e.message),
            // reqwest's Display names the URL, never headers: the token cannot leak here.
            Error::Transport(e) => write!(f, "transport error: {e}"),
            Error::Decode { status, message } => write!(f, "unexpected response ({status}): {message}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {}

impl Transport {
    /// Sends one call and decodes the result (`T`) or the error envelope (codes parsed into `E`).
    pub async fn send<T: DeserializeOwned, E: crate::value::WireEnum>(&self, call: Call) -> Result<Success<T>, Error<E>> {
        let inner = &*self.inner;
        let url = format!("{}{}", inner.base_url, call.path);
        let method = reqwest::Method::from_bytes(call.method.as_str().as_bytes()).expect("spec methods are valid HTTP methods");
        let mut req = inner.http.request(method, &url).bearer_auth(inner.token.expose()).header("Accept", "application/json");
        if !call.query.is_empty() {
            req = req.query(&call.query);
        }
        req = match call.body {
            Body::Empty => req,
            Body::Json(v) => req.json(&v),
            Body::Multipart(parts) => req.multipart(multipart(parts)),
        };
        let resp = req.send().await.map_err(|e| Error::Transport(e.without_url()))?;
        let status = resp.status().as_u16();
        let request_id = header(&resp, "x-request-id");
        let retry_after = header(&resp, "retry-after").and_then(|v| v.trim().parse::<u64>().ok());
        let bytes = resp.bytes().await.map_err(|e| Error::Transport(e.without_url()))?;
        let body: Value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).map_err(|e| Error::Decode { status, message: format!("body is not JSON: {e}") })?
        };
        let keys = &inner.keys;
        if !(200..300).contains(&status) {
            return Err(Error::Api(decode_error(keys, status, body, retry_after, request_id)));
        }
        let message = body.get(keys.message).and_then(Value::as_str).map(str::to_owned);
        let result = match call.shape {
            Shape::Data => body.get(keys.data).cloned().unwrap_or(Value::Null),
            Shape::List | Shape::Flat | Shape::Bare => body,
        };
        let data = serde_json::from_value(result).map_err(|e| Error::Decode { status, message: format!("{}: {e}", call.operation_id) })?;
        Ok(Success { status, message, request_id, data })
    }
}

fn header(resp: &reqwest::Response, name: &str) -> Option<String> {
    resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

fn multipart(parts: Vec<Part>) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new();
    for p in parts {
        form = match p {
            Part::Text { name, value } => form.text(name, value),
            Part::File { name, file } => {
                let part = reqwest::multipart::Part::bytes(file.bytes.clone()).file_name(file.name.clone());
                // An unparsable content type is sent without one rather than failing the call.
                let part = part.mime_str(&file.content_type).unwrap_or_else(|_| reqwest::multipart::Part::bytes(file.bytes).file_name(file.name));
                form.part(name, part)
            }
        };
    }
    form
}

fn decode_error<E: crate::value::WireEnum>(keys: &EnvelopeKeys, status: u16, body: Value, retry_after: Option<u64>, request_id: Option<String>) -> ApiError<E> {
    let error = body.get(keys.error);
    let code = error.and_then(|e| e.get(keys.code)).and_then(Value::as_str).unwrap_or("").to_owned();
    let details = error.and_then(|e| e.get(keys.details)).filter(|d| !d.is_null()).cloned();
    let field_errors = body
        .get(keys.errors)
        .and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    let msgs = match v {
                        Value::Array(a) => a.iter().filter_map(|m| m.as_str().map(str::to_owned)).collect(),
                        Value::String(s) => vec![s.clone()],
                        _ => Vec::new(),
                    };
                    (k.clone(), msgs)
                })
                .collect()
        })
        .unwrap_or_default();
    let retry_after = retry_after.or_else(|| details.as_ref()?.get("retry_after")?.as_u64());
    ApiError {
        status,
        code: crate::value::Open::from_wire(&code),
        message: body.get(keys.message).and_then(Value::as_str).unwrap_or_default().to_owned(),
        field_errors,
        details,
        retry_after,
        request_id,
    }
}

/// A JSON request body from a generated `…Body`.
pub fn json_body<B: serde::Serialize>(body: &B) -> Body {
    Body::Json(serde_json::to_value(body).expect("generated bodies always serialise to JSON"))
}

/// A multipart request body: every non-file field as a text part (strings as they are, other
/// values as JSON), then the files.
pub fn multipart_body<B: serde::Serialize + crate::file::MultipartBody>(body: &B) -> Body {
    let mut parts = Vec::new();
    if let Ok(Value::Object(fields)) = serde_json::to_value(body) {
        for (name, value) in fields {
            let value = match value {
                Value::Null => continue,
                Value::String(s) => s,
                Value::Bool(b) => if b { "1".to_owned() } else { "0".to_owned() },
                other => other.to_string(),
            };
            parts.push(Part::Text { name, value });
        }
    }
    for (name, file) in body.files() {
        parts.push(Part::File { name: name.to_owned(), file: file.clone() });
    }
    Body::Multipart(parts)
}

/// JSON unless a file is attached, then multipart (for bodies that accept both).
pub fn json_or_multipart_body<B: serde::Serialize + crate::file::MultipartBody>(body: &B) -> Body {
    if body.files().is_empty() { json_body(body) } else { multipart_body(body) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_never_prints() {
        let t = Token::new("sk_live_secret");
        assert_eq!(format!("{t:?}"), "Token(<redacted>)");
        let b = ClientBuilder::new("http://127.0.0.1:1", KEYS, "ua").token("sk_live_secret");
        assert!(!format!("{b:?}").contains("sk_live_secret"));
        let transport = b.build().unwrap();
        assert!(!format!("{transport:?}").contains("sk_live_secret"));
    }

    #[test]
    fn builder_rejects_bad_input() {
        assert!(matches!(ClientBuilder::new("http://x", KEYS, "ua").build(), Err(BuildError::MissingToken)));
        assert!(matches!(ClientBuilder::new("ftp://x", KEYS, "ua").token("t").build(), Err(BuildError::InvalidBaseUrl(_))));
    }

    const KEYS: EnvelopeKeys = EnvelopeKeys {
        success: "success",
        message: "message",
        data: "data",
        meta: "meta",
        links: "links",
        error: "error",
        code: "code",
        details: "details",
        errors: "errors",
    };

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Code {
        NotFound,
    }

    impl crate::value::WireEnum for Code {
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
        assert_eq!(e.code, crate::value::Open::Known(Code::NotFound));
        assert_eq!(e.field_errors["firstname"], ["First name is required"]);
        assert_eq!(e.detail_i64("attempts_remaining"), Some(3));
        assert_eq!(e.retry_after, Some(7));
        let unknown: ApiError<Code> = decode_error(&KEYS, 418, serde_json::json!({"error": {"code": "TEAPOT"}}), None, None);
        assert_eq!(unknown.code, crate::value::Open::Unknown("TEAPOT".into()));
    }
}
