//! HTTP plumbing of the generated client (feature `client`): the builder, the bearer token that
//! never prints, one `send` that speaks the envelope of api.yaml, and the typed error.
//! Generated code supplies the operation's path, query pairs, body and the envelope shape.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::Value;

use crate::envelope::read;

use crate::operation::Method;

pub use futures::Stream;

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

pub use crate::envelope::EnvelopeKeys;

pub use crate::operation::Shape;

/// One multipart field.
#[derive(Clone, Debug)]
pub enum Part {
    Text {
        name: String,
        value: String,
    },
    File {
        name: String,
        file: crate::file::File,
    },
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
    /// The operation delivers a WhatsApp message: never re-sent after a failure that may have
    /// reached the server, unless [`RetryPolicy::retry_message_sends`] opts in.
    pub sends_message: bool,
}

impl Call {
    /// GET, PUT and DELETE may be repeated without changing the outcome.
    fn idempotent(&self) -> bool {
        matches!(self.method, Method::Get | Method::Put | Method::Delete)
    }
}

/// How failed calls are retried: jittered exponential backoff ("full jitter") with a cap.
///
/// Retried, for every method: connection failures (the request never reached the server),
/// 429 and 503 (the server did not process it), honouring `Retry-After` (seconds or an HTTP
/// date) and the API's `retry_after` detail. Timeouts and dropped connections are retried
/// too, except for operations that deliver a message (unless `retry_message_sends`). Other
/// 5xx only for GET, PUT and DELETE. Never any other 4xx.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries).
    pub max_attempts: u32,
    /// Backoff before the first retry; doubles each time.
    pub initial_backoff: Duration,
    /// Cap of the backoff.
    pub max_backoff: Duration,
    /// A `Retry-After` longer than this is not waited for: the error is returned instead.
    pub max_retry_after: Duration,
    /// Re-send message deliveries after a timeout or a dropped connection (may deliver twice).
    pub retry_message_sends: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
            retry_message_sends: false,
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub fn disabled() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The backoff before retry number `retry` (1-based), jittered in `[0, cap]`.
    fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(1u32 << retry.saturating_sub(1).min(20));
        let cap = exp.min(self.max_backoff);
        cap.mul_f64(jitter())
    }
}

/// A uniform number in [0, 1): xorshift over the clock and a counter; no dependency needed
/// for backoff jitter.
fn jitter() -> f64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static STATE: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut x =
        STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed) ^ nanos ^ 0xD1B5_4A32_D192_ED03;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// Per-call settings that override the client's defaults.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// Whole-request timeout of each attempt.
    pub timeout: Option<Duration>,
    /// Retry policy.
    pub retry: Option<RetryPolicy>,
}

/// Response header names (api.yaml `rate_limit.headers`, plus the request id).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeaderNames {
    pub request_id: &'static str,
    pub limit: &'static str,
    pub remaining: &'static str,
    pub retry_after: &'static str,
}

impl Default for HeaderNames {
    fn default() -> Self {
        HeaderNames {
            request_id: "x-request-id",
            limit: "x-ratelimit-limit",
            remaining: "x-ratelimit-remaining",
            retry_after: "retry-after",
        }
    }
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
    headers: HeaderNames,
    retry: RetryPolicy,
}

/// Why a client could not be built.
#[derive(Debug)]
pub enum BuildError {
    /// No token, or a blank one, was given.
    MissingToken,
    /// The token has characters an HTTP header cannot carry (a control character, a newline).
    InvalidToken,
    /// The base URL is not an http(s) URL.
    InvalidBaseUrl(String),
    /// The HTTP stack refused the configuration.
    Http(reqwest::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::MissingToken => {
                f.write_str("no API token: call `.token(..)` on the builder")
            }
            BuildError::InvalidToken => {
                f.write_str("the API token has characters an HTTP header cannot carry")
            }
            BuildError::InvalidBaseUrl(u) => write!(f, "base URL `{u}` is not an http(s) URL"),
            BuildError::Http(e) => write!(f, "cannot build the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for BuildError {}

impl ClientBuilder {
    /// A builder with the API's default base URL and envelope keys (from the generated crate).
    pub fn new(
        base_url: impl Into<String>,
        keys: EnvelopeKeys,
        user_agent: impl Into<String>,
    ) -> Self {
        ClientBuilder {
            base_url: base_url.into(),
            token: None,
            timeout: Some(Duration::from_secs(30)),
            connect_timeout: Some(Duration::from_secs(10)),
            user_agent: user_agent.into(),
            keys,
            headers: HeaderNames::default(),
            retry: RetryPolicy::default(),
        }
    }

    /// Where the API lives, e.g. `http://127.0.0.1:8080` for a local sandbox.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The API token (sent as `Authorization: Bearer <token>`, never in the URL).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Token::new(token));
        self
    }

    /// Whole-request timeout of each attempt (default 30 s); `None` waits forever.
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

    /// The retry policy (default: [`RetryPolicy::default`]; [`RetryPolicy::disabled`] turns it off).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The response header names to read (the generated client sets the spec's).
    pub fn header_names(mut self, headers: HeaderNames) -> Self {
        self.headers = headers;
        self
    }

    pub fn build(self) -> Result<Transport, BuildError> {
        let token = self.token.filter(|t| !t.expose().trim().is_empty()).ok_or(BuildError::MissingToken)?;
        let base = self.base_url.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(BuildError::InvalidBaseUrl(base));
        }
        #[cfg(not(feature = "native-tls"))]
        {
            // A process without a rustls crypto provider gets ring's; one already installed stays.
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        let mut http = reqwest::Client::builder().user_agent(self.user_agent);
        #[cfg(feature = "native-tls")]
        {
            http = http.tls_backend_native();
        }
        if let Some(t) = self.connect_timeout {
            http = http.connect_timeout(t);
        }
        // The default timeout lives in the HTTP client, which applies it without a timer of its
        // own per request (a per-request timeout cost ~2,400 instructions a call); a call with
        // another timeout sets it on its request, which takes precedence.
        if let Some(t) = self.timeout {
            http = http.timeout(t);
        }
        let http = http.build().map_err(BuildError::Http)?;
        // Built once: `Bearer <token>`, marked sensitive so that no HTTP layer logs it.
        let mut authorization = reqwest::header::HeaderValue::try_from(format!("Bearer {}", token.expose()))
            .map_err(|_| BuildError::InvalidToken)?;
        authorization.set_sensitive(true);
        Ok(Transport {
            inner: Arc::new(Inner {
                http,
                base_url: base,
                token,
                authorization,
                keys: self.keys,
                headers: ParsedHeaderNames::new(&self.headers),
                timeout: self.timeout,
                retry: self.retry,
            }),
        })
    }
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    token: Token,
    authorization: reqwest::header::HeaderValue,
    keys: EnvelopeKeys,
    headers: ParsedHeaderNames,
    timeout: Option<Duration>,
    retry: RetryPolicy,
}

/// [`HeaderNames`] parsed once (`None`: not a valid header name, never present).
struct ParsedHeaderNames {
    request_id: Option<reqwest::header::HeaderName>,
    limit: Option<reqwest::header::HeaderName>,
    remaining: Option<reqwest::header::HeaderName>,
    retry_after: Option<reqwest::header::HeaderName>,
}

impl ParsedHeaderNames {
    fn new(names: &HeaderNames) -> Self {
        let parse = |name: &str| reqwest::header::HeaderName::from_bytes(name.as_bytes()).ok();
        ParsedHeaderNames {
            request_id: parse(names.request_id),
            limit: parse(names.limit),
            remaining: parse(names.remaining),
            retry_after: parse(names.retry_after),
        }
    }

    /// What the client reads of a response head, in one pass over its headers (a lookup by name
    /// hashes the name: three of them cost more than comparing each header's name). The first
    /// value of a header counts, as with `HeaderMap::get`.
    fn read(&self, status: u16, headers: &reqwest::header::HeaderMap) -> Head {
        let (mut request_id, mut limit, mut remaining, mut retry_after) = (None, None, None, None);
        // `Retry-After` only matters to an error; a success never reads the clock for it.
        let error = !(200..300).contains(&status);
        for (name, value) in headers {
            let is = |wanted: &Option<reqwest::header::HeaderName>| wanted.as_ref() == Some(name);
            if is(&self.request_id) {
                request_id.get_or_insert(value);
            }
            if is(&self.limit) {
                limit.get_or_insert(value);
            }
            if is(&self.remaining) {
                remaining.get_or_insert(value);
            }
            if error && is(&self.retry_after) {
                retry_after.get_or_insert(value);
            }
        }
        fn text(value: Option<&reqwest::header::HeaderValue>) -> Option<&str> {
            value?.to_str().ok()
        }
        // The numbers parse from the header's own bytes; only the request id is copied.
        let number = |value| text(value).and_then(|v| v.trim().parse().ok());
        Head {
            status,
            request_id: text(request_id).map(str::to_owned),
            rate_limit: RateLimit { limit: number(limit), remaining: number(remaining) },
            retry_after: text(retry_after).and_then(|v| parse_retry_after(v, std::time::SystemTime::now())),
        }
    }
}

/// What the client keeps of a response head: read before the body is awaited, so that the
/// header map is not held (nor the response borrowed) across that wait.
struct Head {
    status: u16,
    request_id: Option<String>,
    rate_limit: RateLimit,
    /// The `Retry-After` header of an error status (seconds or an HTTP date).
    retry_after: Option<Duration>,
}

/// The configured HTTP stack shared by every resource handle (cheap to clone).
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("base_url", &self.inner.base_url)
            .field("token", &self.inner.token)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish()
    }
}

/// The rate-limit headers of a response, when the server sends them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RateLimit {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
}

/// A decoded success: the result and what the response said about itself.
#[derive(Debug, Clone)]
pub struct Success<T> {
    pub status: u16,
    pub message: Option<String>,
    pub request_id: Option<String>,
    pub rate_limit: RateLimit,
    /// Attempts made, the successful one included.
    pub attempts: u32,
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
#[derive(Debug)]
pub enum Error<E> {
    /// The API answered with its error envelope (boxed: it is large and the success path is hot).
    Api(Box<ApiError<E>>),
    /// The request got no answer (connection refused or dropped, timeout, TLS).
    Transport {
        source: reqwest::Error,
        attempts: u32,
    },
    /// The answer was not what the spec describes.
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
        E: crate::value::WireEnum,
    {
        self.api().map(|e| e.code.as_str())
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => write!(f, "{} {:?}: {}", e.status, e.code, e.message),
            // reqwest's Display names the URL (never headers), so the token cannot leak here.
            Error::Transport { source, attempts } => {
                write!(f, "transport error after {attempts} attempt(s): {source}")
            }
            Error::Decode { status, message } => {
                write!(f, "unexpected response ({status}): {message}")
            }
        }
    }
}

impl<E: fmt::Debug + 'static> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// One crate-wide error for callers who do not care which operation failed: the code as text.
#[derive(Debug)]
pub struct AnyError {
    pub status: Option<u16>,
    /// The API error code (`NOT_FOUND`), when the API answered.
    pub code: Option<String>,
    pub message: String,
    pub field_errors: BTreeMap<String, Vec<String>>,
    pub details: Option<Value>,
    pub retryable: bool,
    pub request_id: Option<String>,
    source: Option<reqwest::Error>,
}

impl<E: crate::value::WireEnum> From<Error<E>> for AnyError {
    fn from(e: Error<E>) -> Self {
        let retryable = e.is_retryable();
        let status = e.status();
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
            Error::Transport { source, attempts } => AnyError {
                status,
                code: None,
                message: format!("transport error after {attempts} attempt(s): {source}"),
                field_errors: BTreeMap::new(),
                details: None,
                retryable,
                request_id: None,
                source: Some(source),
            },
            Error::Decode { message, .. } => AnyError {
                status,
                code: None,
                message,
                field_errors: BTreeMap::new(),
                details: None,
                retryable,
                request_id: None,
                source: None,
            },
        }
    }
}

impl fmt::Display for AnyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.status, &self.code) {
            (Some(s), Some(c)) => write!(f, "{s} {c}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for AnyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e as _)
    }
}

/// What one attempt produced.
enum Attempt {
    Answer { head: Head, bytes: bytes::Bytes },
    Failed(reqwest::Error),
}

/// The `Accept` header of every call, built at compile time.
const ACCEPT_JSON: reqwest::header::HeaderValue = reqwest::header::HeaderValue::from_static("application/json");

impl Transport {
    /// Sends one call with the client's defaults.
    pub async fn send<T: DeserializeOwned, E: crate::value::WireEnum>(
        &self,
        call: Call,
    ) -> Result<Success<T>, Error<E>> {
        self.send_with(call, CallOptions::default()).await
    }

    /// Sends one call, retrying as the policy allows, and decodes the result (`T`) or the error
    /// envelope (codes parsed into `E`).
    pub async fn send_with<T: DeserializeOwned, E: crate::value::WireEnum>(
        &self,
        call: Call,
        options: CallOptions,
    ) -> Result<Success<T>, Error<E>> {
        let inner = &*self.inner;
        let policy = options.retry.unwrap_or(inner.retry);
        let timeout = options.timeout.or(inner.timeout);
        let span = tracing::debug_span!(
            "wacr.request",
            operation = call.operation_id,
            method = call.method.as_str()
        );
        let _enter = span.enter();
        let mut attempt = 0;
        let outcome = loop {
            attempt += 1;
            // The outcome lives in this block only: it is gone before the sleep, so the future
            // needs no room for it beside the attempt's own state.
            let delay = {
                let outcome = self.attempt(&call, timeout).await;
                match self.retry_delay(&outcome, &call, &policy, attempt).filter(|_| attempt < policy.max_attempts) {
                    Some(delay) => delay,
                    None => break outcome,
                }
            };
            tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, "retrying");
            // Boxed, as a retry is rare: the timer would grow every call's future.
            Box::pin(tokio::time::sleep(delay)).await;
        };
        // The call (its path and query strings) and the span are dropped before decoding, which
        // logs nothing: the allocations of the decoded `T` then reuse their memory, which the
        // allocator serves faster (about 900 fewer instructions of malloc/free a call).
        let (operation_id, shape) = (call.operation_id, call.shape);
        drop(_enter);
        drop(span);
        drop(call);
        match outcome {
            Attempt::Failed(e) => Err(Error::Transport {
                source: e.without_url(),
                attempts: attempt,
            }),
            Attempt::Answer { head, bytes } => self.decode(operation_id, shape, head, bytes, attempt),
        }
    }

    /// How long to wait before the next attempt, or `None` when the outcome is final: a 429,
    /// a 503 or an idempotent call's 5xx (after `Retry-After`, unless it is longer than the
    /// policy allows), or a transport failure that may be repeated.
    fn retry_delay(&self, outcome: &Attempt, call: &Call, policy: &RetryPolicy, attempt: u32) -> Option<Duration> {
        match outcome {
            Attempt::Answer { head, bytes } => {
                let status = head.status;
                let retryable = status == 429 || status == 503 || (status >= 500 && call.idempotent());
                if !retryable {
                    return None;
                }
                match self.retry_after(head.retry_after, bytes) {
                    None => Some(policy.backoff(attempt)),
                    Some(d) => (d <= policy.max_retry_after).then_some(d),
                }
            }
            Attempt::Failed(e) => {
                let reached_server = !e.is_connect();
                let may_repeat = !reached_server || !call.sends_message || policy.retry_message_sends;
                may_repeat.then(|| policy.backoff(attempt))
            }
        }
    }

    async fn attempt(&self, call: &Call, timeout: Option<Duration>) -> Attempt {
        // The head is read before the body is awaited: only what the client keeps of it is held
        // across that wait. In a block, as the response it borrows would otherwise keep its
        // room in the future beside the body's.
        let (head, resp) = {
            let resp = match self.request(call, timeout).send().await {
                Ok(r) => r,
                Err(e) => return Attempt::Failed(e),
            };
            (self.inner.headers.read(resp.status().as_u16(), resp.headers()), resp)
        };
        match resp.bytes().await {
            Ok(bytes) => Attempt::Answer { head, bytes },
            Err(e) => Attempt::Failed(e),
        }
    }

    /// The request of one attempt. Not async: the URL and the builder are gone before the
    /// first wait, so no attempt's future holds them.
    fn request(&self, call: &Call, timeout: Option<Duration>) -> reqwest::RequestBuilder {
        let inner = &*self.inner;
        let mut url = String::with_capacity(inner.base_url.len() + call.path.len() + 64);
        url.push_str(&inner.base_url);
        url.push_str(&call.path);
        push_query(&mut url, &call.query);
        let method = match call.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut req = inner
            .http
            .request(method, url)
            .header(reqwest::header::AUTHORIZATION, inner.authorization.clone())
            .header(reqwest::header::ACCEPT, ACCEPT_JSON);
        if let Some(t) = timeout.filter(|t| Some(*t) != inner.timeout) {
            req = req.timeout(t);
        }
        match &call.body {
            Body::Empty => req,
            Body::Json(v) => req.json(v),
            Body::Multipart(parts) => req.multipart(multipart(parts.clone())),
        }
    }

    /// `Retry-After` (seconds or an HTTP date), else the envelope's `details.retry_after`.
    fn retry_after(&self, header: Option<Duration>, bytes: &[u8]) -> Option<Duration> {
        if header.is_some() {
            return header;
        }
        let keys = &self.inner.keys;
        let body: Value = serde_json::from_slice(bytes).ok()?;
        let secs = body
            .get(keys.error)?
            .get(keys.details)?
            .get("retry_after")?
            .as_u64()?;
        Some(Duration::from_secs(secs))
    }

    /// The result of a final answer. Takes the body, to drop it before the result is made.
    fn decode<T: DeserializeOwned, E: crate::value::WireEnum>(
        &self,
        operation_id: &'static str,
        shape: Shape,
        head: Head,
        raw: bytes::Bytes,
        attempts: u32,
    ) -> Result<Success<T>, Error<E>> {
        let bytes: &[u8] = &raw;
        let keys = &self.inner.keys;
        let Head { status, request_id, rate_limit, retry_after } = head;
        if !(200..300).contains(&status) {
            let body: Value = if bytes.is_empty() {
                Value::Null
            } else {
                serde_json::from_slice(bytes).map_err(|e| Error::Decode {
                    status,
                    message: format!("body is not JSON: {e}"),
                })?
            };
            let retry_after = self.retry_after(retry_after, bytes).map(|d| d.as_secs());
            let mut e = decode_error(keys, status, body, retry_after, request_id);
            e.rate_limit = rate_limit;
            e.attempts = attempts;
            return Err(Error::Api(Box::new(e)));
        }
        let decode_error = |e: serde_json::Error| Error::Decode {
            status,
            message: match e.classify() {
                serde_json::error::Category::Data => format!("{operation_id}: {e}"),
                _ => format!("body is not JSON: {e}"),
            },
        };
        // Straight from the bytes into `T`: the envelope is read in one pass, `data` without
        // a `Value` tree or a copy (an empty body reads as `null`).
        let null = || T::deserialize(Value::Null).map_err(decode_error);
        // One slot for the data whatever the shape (`read::success` fills it in place).
        let mut data = None;
        let message = match shape {
            _ if bytes.is_empty() => None,
            Shape::Data => read::success::<T>(keys, bytes, Some(&mut data)).map_err(decode_error)?,
            Shape::List | Shape::Flat | Shape::Bare => {
                data = Some(serde_json::from_slice(bytes).map_err(decode_error)?);
                read::success::<IgnoredAny>(keys, bytes, None).map_err(decode_error)?
            }
        };
        // Dropped before the result is made, so that no call comes between reading the `T`
        // and storing it (which would copy it once more).
        drop(raw);
        let data = match data {
            Some(data) => data,
            None => null()?,
        };
        Ok(Success {
            status,
            message,
            request_id,
            rate_limit,
            attempts,
            data,
        })
    }
}

/// `Retry-After`: delta-seconds, or an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = parse_http_date(v)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

fn parse_http_date(v: &str) -> Option<std::time::SystemTime> {
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    let rest = v.split_once(", ")?.1;
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let day: i64 = day.parse().ok()?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| m == month)? as i64
        + 1;
    let year: i64 = year.parse().ok()?;
    let hms: Vec<i64> = time
        .split(':')
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, s] = hms.as_slice() else {
        return None;
    };
    // days from civil (Howard Hinnant)
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + h * 3600 + m * 60 + s;
    u64::try_from(secs)
        .ok()
        .map(|s| std::time::UNIX_EPOCH + Duration::from_secs(s))
}

/// Appends `?key=value&...` to a URL. A key or value keeps what RFC 3986 allows in a query,
/// except the pair separators (`&`, `=`, and `+`, which form decoding reads as a space) and the
/// brackets of `filter[field]`, which some URL parsers refuse; the rest is percent-encoded
/// (UTF-8). Lists stay readable (`include=groups,source`), and the server decodes less than it
/// would for `application/x-www-form-urlencoded`.
fn push_query(url: &mut String, pairs: &[(String, String)]) {
    for (i, (key, value)) in pairs.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        push_encoded(url, key);
        url.push('=');
        push_encoded(url, value);
    }
}

/// The bytes a query key or value keeps as they are, as a table: one lookup per byte.
const QUERY_KEEPS: [bool; 256] = {
    let mut keeps = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        keeps[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~' | b'!' | b'$' | b'\'' | b'(' | b')' | b'*' | b',' | b';' | b':' | b'@' | b'/' | b'?');
        b += 1;
    }
    keeps
};

fn push_encoded(url: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut rest = text;
    while let Some(at) = rest.bytes().position(|b| !QUERY_KEEPS[usize::from(b)]) {
        url.push_str(&rest[..at]);
        let byte = rest.as_bytes()[at];
        url.extend(['%', char::from(HEX[usize::from(byte >> 4)]), char::from(HEX[usize::from(byte & 15)])]);
        // A non-ASCII character is encoded byte by byte; slicing after one byte of it would
        // split the character, so the rest goes on as bytes until the next boundary.
        let mut next = at + 1;
        while !rest.is_char_boundary(next) {
            let byte = rest.as_bytes()[next];
            url.extend(['%', char::from(HEX[usize::from(byte >> 4)]), char::from(HEX[usize::from(byte & 15)])]);
            next += 1;
        }
        rest = &rest[next..];
    }
    url.push_str(rest);
}

/// Every page of a list operation, fetched lazily (the generated client's `pages`).
pub type Pages<T, E> = std::pin::Pin<Box<dyn Stream<Item = Result<crate::Page<T>, Error<E>>> + Send>>;

/// Every item of a list operation, page after page (the generated client's `items`).
pub type Items<T, E> = std::pin::Pin<Box<dyn Stream<Item = Result<T, Error<E>>> + Send>>;

/// Lazily fetches page after page (`first`, then each page's `next_page`), for list operations.
pub fn pages<T, E, F, Fut>(
    first: u32,
    fetch: F,
) -> impl futures::Stream<Item = Result<crate::Page<T>, Error<E>>>
where
    F: FnMut(u32) -> Fut,
    Fut: std::future::Future<Output = Result<crate::Page<T>, Error<E>>>,
{
    futures::stream::unfold((Some(first), fetch), |(next, mut fetch)| async move {
        let page = next?;
        match fetch(page).await {
            Ok(p) => {
                let following = p.next_page().filter(|n| *n > page);
                Some((Ok(p), (following, fetch)))
            }
            Err(e) => Some((Err(e), (None, fetch))),
        }
    })
}

/// The items of [`pages`], one by one.
pub fn items<T, E>(
    pages: impl futures::Stream<Item = Result<crate::Page<T>, Error<E>>>,
) -> impl futures::Stream<Item = Result<T, Error<E>>> {
    use futures::StreamExt;
    pages.flat_map(|page| {
        let items: Vec<Result<T, Error<E>>> = match page {
            Ok(p) => p.items.into_iter().map(Ok).collect(),
            Err(e) => vec![Err(e)],
        };
        futures::stream::iter(items)
    })
}

fn multipart(parts: Vec<Part>) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new();
    for p in parts {
        form = match p {
            Part::Text { name, value } => form.text(name, value),
            Part::File { name, file } => {
                let part = reqwest::multipart::Part::bytes(file.bytes.clone())
                    .file_name(file.name.clone());
                // An unparsable content type is sent without one rather than failing the call.
                let part = part.mime_str(&file.content_type).unwrap_or_else(|_| {
                    reqwest::multipart::Part::bytes(file.bytes).file_name(file.name)
                });
                form.part(name, part)
            }
        };
    }
    form
}

fn decode_error<E: crate::value::WireEnum>(
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
        .unwrap_or("")
        .to_owned();
    let details = error
        .and_then(|e| e.get(keys.details))
        .filter(|d| !d.is_null())
        .cloned();
    let field_errors = body
        .get(keys.errors)
        .and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    let msgs = match v {
                        Value::Array(a) => a
                            .iter()
                            .filter_map(|m| m.as_str().map(str::to_owned))
                            .collect(),
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
                Value::Bool(b) => {
                    if b {
                        "1".to_owned()
                    } else {
                        "0".to_owned()
                    }
                }
                other => other.to_string(),
            };
            parts.push(Part::Text { name, value });
        }
    }
    for (name, file) in body.files() {
        parts.push(Part::File {
            name: name.to_owned(),
            file: file.clone(),
        });
    }
    Body::Multipart(parts)
}

/// JSON unless a file is attached, then multipart (for bodies that accept both).
pub fn json_or_multipart_body<B: serde::Serialize + crate::file::MultipartBody>(body: &B) -> Body {
    if body.files().is_empty() {
        json_body(body)
    } else {
        multipart_body(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_keep_lists_readable_and_encode_what_would_break_a_pair() {
        let pairs = |list: &[(&str, &str)]| list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
        let mut url = "http://h/contacts".to_owned();
        push_query(&mut url, &pairs(&[("include", "groups,source"), ("filter[type][in]", "a b&c=d+e"), ("search", "José %")]));
        assert_eq!(url, "http://h/contacts?include=groups,source&filter%5Btype%5D%5Bin%5D=a%20b%26c%3Dd%2Be&search=Jos%C3%A9%20%25");
        let decoded: Vec<(String, String)> = form_urlencoded::parse(url.split_once('?').unwrap().1.as_bytes()).into_owned().collect();
        assert_eq!(decoded, pairs(&[("include", "groups,source"), ("filter[type][in]", "a b&c=d+e"), ("search", "José %")]));
        let mut bare = "http://h/account".to_owned();
        push_query(&mut bare, &[]);
        assert_eq!(bare, "http://h/account");
    }

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
    fn retry_after_parses_seconds_and_http_dates() {
        let now = std::time::UNIX_EPOCH + Duration::from_secs(784_111_770); // Sun, 06 Nov 1994 08:49:30 GMT
        assert_eq!(parse_retry_after("12", now), Some(Duration::from_secs(12)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn backoff_is_jittered_under_the_cap() {
        let p = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(300),
            ..RetryPolicy::default()
        };
        for retry in 1..10 {
            let d = p.backoff(retry);
            assert!(d <= Duration::from_millis(300), "{d:?}");
            assert!(d <= Duration::from_millis(100) * (1 << (retry - 1)));
        }
        let draws: std::collections::BTreeSet<u128> =
            (0..50).map(|_| p.backoff(3).as_micros()).collect();
        assert!(draws.len() > 10, "jitter varies the delay");
    }

    #[test]
    fn builder_rejects_bad_input() {
        assert!(matches!(
            ClientBuilder::new("http://x", KEYS, "ua").build(),
            Err(BuildError::MissingToken)
        ));
        assert!(matches!(
            ClientBuilder::new("ftp://x", KEYS, "ua").token("t").build(),
            Err(BuildError::InvalidBaseUrl(_))
        ));
        let error = ClientBuilder::new("http://x", KEYS, "ua").token("line\nbreak").build().unwrap_err();
        assert!(matches!(error, BuildError::InvalidToken));
        assert!(!error.to_string().contains("line"), "the message never shows the token");
    }

    const KEYS: EnvelopeKeys = crate::envelope::TEST_KEYS;

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
        let unknown: ApiError<Code> = decode_error(
            &KEYS,
            418,
            serde_json::json!({"error": {"code": "TEAPOT"}}),
            None,
            None,
        );
        assert_eq!(unknown.code, crate::value::Open::Unknown("TEAPOT".into()));
    }
}
