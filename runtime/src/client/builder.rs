//! Configuring a client: the [`ClientBuilder`], the bearer [`Token`] that never prints, the
//! response [`HeaderNames`] to read, and the per-call [`CallOptions`].

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use super::transport::{Inner, ParsedHeaderNames, Transport};
use super::{BuildError, EnvelopeKeys, RetryPolicy};

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

/// Per-call settings that override the client's defaults.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// Whole-request timeout of each attempt.
    pub timeout: Option<Duration>,
    /// Retry policy.
    pub retry: Option<RetryPolicy>,
    /// The caller declares the call safe to repeat (an idempotency key of its own, a create
    /// whose duplicate it can tell apart): a POST or PATCH is then retried after a timeout, a
    /// dropped connection or a 5xx like a GET. Message deliveries keep
    /// [`RetryPolicy::retry_message_sends`].
    pub idempotent: bool,
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

/// Builds a client: `C` is what [`build`](ClientBuilder::build) returns (the generated
/// crate's `Client`; a bare [`Transport`] by default, which
/// [`build_transport`](ClientBuilder::build_transport) also gives for advanced use).
#[derive(Debug, Clone)]
pub struct ClientBuilder<C = Transport> {
    base_url: String,
    token: Option<Token>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: String,
    keys: EnvelopeKeys,
    headers: HeaderNames,
    retry: RetryPolicy,
    client: PhantomData<fn() -> C>,
}

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
            client: PhantomData,
        }
    }
}

impl<C> ClientBuilder<C> {
    /// The same configuration, building a `D` (the generated crate's `Client`).
    pub fn for_client<D: From<Transport>>(self) -> ClientBuilder<D> {
        let ClientBuilder { base_url, token, timeout, connect_timeout, user_agent, keys, headers, retry, client: _ } = self;
        ClientBuilder { base_url, token, timeout, connect_timeout, user_agent, keys, headers, retry, client: PhantomData }
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

    /// The longest wait before a retry (default 10 s): a longer `Retry-After` (a 429 asking for
    /// 60 s) is returned as the error at once instead of slept. Sets
    /// [`RetryPolicy::max_retry_after`] of the policy given so far.
    pub fn max_retry_wait(mut self, cap: Duration) -> Self {
        self.retry.max_retry_after = cap;
        self
    }

    /// The response header names to read (the generated client sets the spec's).
    pub fn header_names(mut self, headers: HeaderNames) -> Self {
        self.headers = headers;
        self
    }

    /// The HTTP stack alone, for callers that send [`Call`](super::Call)s themselves.
    pub fn build_transport(self) -> Result<Transport, BuildError> {
        let token = self.token.filter(|t| !t.expose().trim().is_empty()).ok_or(BuildError::MissingToken)?;
        let base = self.base_url.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(BuildError::InvalidBaseUrl(base));
        }
        // Built once: `Bearer <token>`, marked sensitive so that no HTTP layer logs it.
        let mut authorization = reqwest::header::HeaderValue::try_from(format!("Bearer {}", token.expose()))
            .map_err(|_| BuildError::InvalidToken)?;
        authorization.set_sensitive(true);
        let http = http_client(self.user_agent, self.connect_timeout, self.timeout)?;
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

impl<C: From<Transport>> ClientBuilder<C> {
    /// The client: a token is required, the base URL must be http(s).
    pub fn build(self) -> Result<C, BuildError> {
        self.build_transport().map(C::from)
    }
}

/// The reqwest client with the TLS stack of the build and the builder's timeouts.
fn http_client(
    user_agent: String,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
) -> Result<reqwest::Client, BuildError> {
    #[cfg(not(feature = "native-tls"))]
    {
        // A process without a rustls crypto provider gets ring's; one already installed stays.
        // ring, not aws-lc-rs, because it builds with no cmake or assembler; rustls 0.23.48
        // deprecates it for lacking post-quantum key exchange, so an application that wants
        // that installs aws-lc-rs's provider before building the client, and it is used.
        #[allow(deprecated)]
        let ring = rustls::crypto::ring::default_provider;
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            let _ = ring().install_default();
        }
    }
    let mut http = reqwest::Client::builder().user_agent(user_agent);
    #[cfg(feature = "native-tls")]
    {
        http = http.tls_backend_native();
    }
    if let Some(t) = connect_timeout {
        http = http.connect_timeout(t);
    }
    // The default timeout lives in the HTTP client, so that a call without its own needs no
    // timer per request; a call with another timeout sets it on its request, which takes
    // precedence.
    if let Some(t) = timeout {
        http = http.timeout(t);
    }
    http.build().map_err(BuildError::Http)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: EnvelopeKeys = crate::envelope::TEST_KEYS;

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
}
