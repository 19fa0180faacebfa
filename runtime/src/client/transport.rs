//! Sending a call: the shared [`Transport`], one attempt after another under the retry policy
//! (inside a `wacr.request` span), what is read of each response head, and the decoding of the
//! final answer into a [`Success`] or an [`Error`].

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use percent_encoding::{AsciiSet, utf8_percent_encode};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::Value;
use tracing::Instrument as _;

use super::body::multipart;
use super::error::decode_error;
use super::retry::{parse_retry_after, reason};
use super::{Body, Call, CallOptions, EnvelopeKeys, Error, HeaderNames, RetryPolicy, Shape, Token};
use crate::envelope::read;
use crate::operation::{Method, UNRESERVED};
use crate::value::WireEnum;

/// The configured HTTP stack shared by every resource handle (cheap to clone).
#[derive(Clone)]
pub struct Transport {
    pub(super) inner: Arc<Inner>,
}

/// What [`ClientBuilder::build`](super::ClientBuilder::build) made of the configuration.
pub(super) struct Inner {
    pub(super) http: reqwest::Client,
    pub(super) base_url: String,
    pub(super) token: Token,
    pub(super) authorization: HeaderValue,
    pub(super) keys: EnvelopeKeys,
    pub(super) headers: ParsedHeaderNames,
    pub(super) timeout: Option<Duration>,
    pub(super) retry: RetryPolicy,
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

/// [`HeaderNames`] parsed once (`None`: not a valid header name, never present).
pub(super) struct ParsedHeaderNames {
    request_id: Option<HeaderName>,
    limit: Option<HeaderName>,
    remaining: Option<HeaderName>,
    retry_after: Option<HeaderName>,
}

impl ParsedHeaderNames {
    pub(super) fn new(names: &HeaderNames) -> Self {
        let parse = |name: &str| HeaderName::from_bytes(name.as_bytes()).ok();
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
    fn read(&self, status: u16, headers: &HeaderMap) -> Head {
        let (mut request_id, mut limit, mut remaining, mut retry_after) = (None, None, None, None);
        // `Retry-After` only matters to an error; a success never reads the clock for it.
        let error = !(200..300).contains(&status);
        for (name, value) in headers {
            let is = |wanted: &Option<HeaderName>| wanted.as_ref() == Some(name);
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
        fn text(value: Option<&HeaderValue>) -> Option<&str> {
            value?.to_str().ok()
        }
        // The numbers parse from the header's own bytes; only the request id is copied.
        let number = |value| text(value).and_then(|v| v.trim().parse().ok());
        Head {
            status,
            request_id: text(request_id).map(str::to_owned),
            rate_limit: RateLimit { limit: number(limit), remaining: number(remaining) },
            retry_after: text(retry_after).and_then(|v| parse_retry_after(v, SystemTime::now())),
        }
    }
}

/// What the client keeps of a response head: read before the body is awaited, so that the
/// header map is not held (nor the response borrowed) across that wait.
pub(super) struct Head {
    pub(super) status: u16,
    pub(super) request_id: Option<String>,
    rate_limit: RateLimit,
    /// The `Retry-After` header of an error status (seconds or an HTTP date).
    pub(super) retry_after: Option<Duration>,
}

/// What one attempt produced.
pub(super) enum Attempt {
    Answer { head: Head, bytes: bytes::Bytes },
    Failed(reqwest::Error),
}

/// The `Accept` header of every call, built at compile time.
const ACCEPT_JSON: HeaderValue = HeaderValue::from_static("application/json");

impl Transport {
    /// Sends one call with the client's defaults.
    pub async fn send<T: DeserializeOwned, E: WireEnum>(&self, call: Call) -> Result<Success<T>, Error<E>> {
        self.send_with(call, CallOptions::default()).await
    }

    /// Sends one call, retrying as the policy allows, and decodes the result (`T`) or the error
    /// envelope (codes parsed into `E`).
    pub async fn send_with<T: DeserializeOwned, E: WireEnum>(
        &self,
        call: Call,
        options: CallOptions,
    ) -> Result<Success<T>, Error<E>> {
        let policy = options.retry.unwrap_or(self.inner.retry);
        let timeout = options.timeout.or(self.inner.timeout);
        let span = tracing::debug_span!(
            "wacr.request",
            operation = call.operation_id,
            method = call.method.as_str()
        );
        let repeatable = call.repeatable(&options, &policy);
        let (outcome, attempts) = self.attempts(&call, timeout, &policy, repeatable).instrument(span).await;
        // The call's path and query strings are freed before the decoded `T` is allocated,
        // which can then reuse their memory.
        let (operation_id, shape) = (call.operation_id, call.shape);
        drop(call);
        match outcome {
            Attempt::Failed(e) => Err(Error::Transport {
                source: e.without_url(),
                attempts,
            }),
            Attempt::Answer { head, bytes } => self.decode(operation_id, shape, head, bytes, attempts),
        }
    }

    /// Attempt after attempt until one is final, the policy allows no more, or the wait before
    /// the next would be longer than the policy's cap: the last outcome and the number of
    /// attempts made. Each attempt is a `debug` event before and after, each wait a `warn`.
    async fn attempts(&self, call: &Call, timeout: Option<Duration>, policy: &RetryPolicy, repeatable: bool) -> (Attempt, u32) {
        let mut attempt = 0;
        loop {
            attempt += 1;
            // The outcome lives in this block only: it is gone before the sleep, so the future
            // needs no room for it beside the attempt's own state.
            let (delay, reason) = {
                let outcome = self.logged_attempt(call, timeout, attempt).await;
                let delay = self.retry_delay(&outcome, policy, attempt, repeatable).filter(|_| attempt < policy.max_attempts);
                match delay {
                    Some(delay) if delay <= policy.max_retry_after => (delay, reason(&outcome)),
                    Some(delay) => {
                        tracing::warn!(
                            operation = call.operation_id,
                            attempt,
                            reason = reason(&outcome),
                            delay_ms = millis(delay),
                            cap_ms = millis(policy.max_retry_after),
                            "not retrying: the wait is longer than the cap"
                        );
                        return (outcome, attempt);
                    }
                    None => return (outcome, attempt),
                }
            };
            tracing::warn!(operation = call.operation_id, attempt, reason, delay_ms = millis(delay), "retrying");
            // Boxed, as a retry is rare: the timer would grow every call's future.
            Box::pin(tokio::time::sleep(delay)).await;
        }
    }

    /// One attempt between its `debug` events: the request, then the response (status,
    /// duration, request id) or the failure.
    async fn logged_attempt(&self, call: &Call, timeout: Option<Duration>, attempt: u32) -> Attempt {
        let (operation, method) = (call.operation_id, call.method.as_str());
        tracing::debug!(operation, method, attempt, "request");
        let started = Instant::now();
        let outcome = self.attempt(call, timeout).await;
        let duration_ms = millis(started.elapsed());
        match &outcome {
            Attempt::Answer { head, .. } => tracing::debug!(
                operation,
                method,
                attempt,
                status = head.status,
                duration_ms,
                request_id = head.request_id.as_deref(),
                "response"
            ),
            Attempt::Failed(e) => tracing::debug!(operation, method, attempt, duration_ms, error = %e, "no response"),
        }
        outcome
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

    /// The envelope keys of the API.
    pub(super) fn keys(&self) -> &EnvelopeKeys {
        &self.inner.keys
    }

    /// The result of a final answer. Takes the body, to drop it before the result is made.
    fn decode<T: DeserializeOwned, E: WireEnum>(
        &self,
        operation_id: &'static str,
        shape: Shape,
        head: Head,
        raw: bytes::Bytes,
        attempts: u32,
    ) -> Result<Success<T>, Error<E>> {
        let bytes: &[u8] = &raw;
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
            let mut e = decode_error(self.keys(), status, body, retry_after, request_id);
            e.rate_limit = rate_limit;
            e.attempts = attempts;
            return Err(Error::Api(Box::new(e)));
        }
        let (message, data) = read_success(self.keys(), shape, bytes).map_err(|e| Error::Decode {
            status,
            message: match e.classify() {
                serde_json::error::Category::Data => format!("{operation_id}: {e}"),
                _ => format!("body is not JSON: {e}"),
            },
        })?;
        // Dropped before the result is made, so that no call comes between reading the `T`
        // and storing it (which would copy it once more).
        drop(raw);
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

/// A duration in whole milliseconds, as events report it.
fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The message and data of a success body of `shape`. Straight from the bytes into `T`: the
/// envelope is read in one pass, `data` without a `Value` tree or a copy (an empty body reads
/// as `null`).
fn read_success<T: DeserializeOwned>(
    keys: &EnvelopeKeys,
    shape: Shape,
    bytes: &[u8],
) -> serde_json::Result<(Option<String>, T)> {
    // One slot for the data whatever the shape (`read::success` fills it in place).
    let mut data = None;
    let message = match shape {
        _ if bytes.is_empty() => None,
        Shape::Data => read::success::<T>(keys, bytes, Some(&mut data))?,
        Shape::List | Shape::Flat | Shape::Bare => {
            data = Some(serde_json::from_slice(bytes)?);
            read::success::<IgnoredAny>(keys, bytes, None)?
        }
    };
    let data = match data {
        Some(data) => data,
        None => T::deserialize(Value::Null)?,
    };
    Ok((message, data))
}

/// What a query key or value keeps as it is: what RFC 3986 allows in a query, except the pair
/// separators (`&`, `=`, and `+`, which form decoding reads as a space) and the brackets of
/// `filter[field]`, which some URL parsers refuse. Lists stay readable
/// (`include=groups,source`), and the server decodes less than it would for
/// `application/x-www-form-urlencoded`.
const QUERY: &AsciiSet = &UNRESERVED
    .remove(b'!')
    .remove(b'$')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b',')
    .remove(b';')
    .remove(b':')
    .remove(b'@')
    .remove(b'/')
    .remove(b'?');

/// Appends `?key=value&...` to a URL, each key and value percent-encoded (UTF-8) but for the
/// [`QUERY`] characters.
fn push_query(url: &mut String, pairs: &[(String, String)]) {
    for (i, (key, value)) in pairs.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.extend(utf8_percent_encode(key, QUERY));
        url.push('=');
        url.extend(utf8_percent_encode(value, QUERY));
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
    fn every_ascii_byte_is_kept_or_encoded_as_before() {
        let kept = |c: u8| c.is_ascii_alphanumeric() || b"-._~!$'()*,;:@/?".contains(&c);
        for c in 0..128u8 {
            let text = char::from(c).to_string();
            let mut url = String::new();
            push_query(&mut url, &[(text.clone(), String::new())]);
            let expected = if kept(c) { text } else { format!("%{c:02X}") };
            assert_eq!(url, format!("?{expected}="), "byte {c}");
        }
    }
}
