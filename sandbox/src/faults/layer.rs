//! The tower layer that applies the fault rules to the calls of the API router: it finds the
//! call's operation from the route the router matched, consults the rules that target it (a
//! call no rule targets goes straight on), and acts on a firing rule (latency, an error answer
//! in the API's envelope, a dropped connection) before the API sees the call.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use serde_json::{Map, Value};
use tower::{Layer, Service};
use wacr_runtime::server::{Code, DropConnection, error_response};
use wacr_server::axum::extract::{MatchedPath, Request};
use wacr_server::axum::http::{HeaderValue, header};
use wacr_server::axum::response::Response;
use wacr_server::models::ErrorCode;
use wacr_server::CONVENTIONS;

use super::rule::DEFAULT_RETRY_AFTER;
use super::{Faults, Firing};

/// Applies the rules of a [`Faults`] to every call of a router. Add it with `Router::layer`,
/// which runs it after routing: it needs the route the router matched (`MatchedPath`) to know a
/// call's operation; calls of no operation (unknown paths) pass untouched.
///
/// A dropped connection is a response marked [`DropConnection`], which
/// `wacr_runtime::server::serve` closes unanswered; a server that does not know the mark writes
/// it as a 503 SERVICE_UNAVAILABLE.
#[derive(Clone)]
pub struct FaultLayer {
    faults: Faults,
}

impl FaultLayer {
    pub(super) fn new(faults: Faults) -> FaultLayer {
        FaultLayer { faults }
    }
}

impl<S> Layer<S> for FaultLayer {
    type Service = FaultService<S>;

    fn layer(&self, inner: S) -> FaultService<S> {
        FaultService { inner, faults: self.faults.clone() }
    }
}

/// A service behind a [`FaultLayer`].
#[derive(Clone)]
pub struct FaultService<S> {
    inner: S,
    faults: Faults,
}

type Reply = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

impl<S> Service<Request> for FaultService<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Reply;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Reply {
        let matched = request.extensions().get::<MatchedPath>();
        let Some(candidates) = matched.and_then(|path| self.faults.candidates(request.method().as_str(), path.as_str())) else {
            return Box::pin(self.inner.call(request));
        };
        // The ready service answers this call; a fresh clone waits for readiness next time.
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let faults = self.faults.clone();
        Box::pin(async move {
            match faults.consult(candidates).await {
                Some(firing) => act(firing, request, inner).await,
                None => inner.call(request).await,
            }
        })
    }
}

/// Waits the latency, then answers, drops, or hands the call to `inner`.
async fn act<S>(firing: Firing, request: Request, mut inner: S) -> Result<Response, Infallible>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    let Firing { rule, operation, action } = firing;
    tracing::info!(rule, operation, action = %action, "fault rule fired");
    if let Some(ms) = action.latency_ms {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if action.drop {
        let mut response = answer(ErrorCode::ServiceUnavailable, Some(DEFAULT_RETRY_AFTER));
        response.extensions_mut().insert(DropConnection);
        return Ok(response);
    }
    let retry_after = Some(action.retry_after.unwrap_or(DEFAULT_RETRY_AFTER));
    let (code, retry_after) = match action.status {
        Some(429) => (ErrorCode::RateLimitExceeded, retry_after),
        Some(503) => (ErrorCode::ServiceUnavailable, retry_after),
        // validation allows no other status
        Some(_) => (ErrorCode::InternalError, None),
        None => return inner.call(request).await,
    };
    Ok(answer(code, retry_after))
}

/// The API's error envelope of `code`, with `Retry-After` (and, as the API's 429 has it,
/// `details.retry_after`).
fn answer(code: ErrorCode, retry_after: Option<u64>) -> Response {
    let (wire, status) = code.known().unwrap_or(("INTERNAL_ERROR", 500));
    let code_info = Code { code: wire, status, message: code.default_message().unwrap_or_default() };
    let details = (code == ErrorCode::RateLimitExceeded).then(|| {
        let mut details = Map::new();
        details.insert(CONVENTIONS.retry_after_key.to_owned(), retry_after.unwrap_or(DEFAULT_RETRY_AFTER).into());
        Value::Object(details)
    });
    let mut response = error_response(&CONVENTIONS, &code_info, details, None);
    if let Some(seconds) = retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body(response: Response) -> Value {
        let bytes = wacr_server::axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn answers_use_the_catalogue_s_codes_and_retry_after() {
        let limited = answer(ErrorCode::RateLimitExceeded, Some(3));
        assert_eq!((limited.status().as_u16(), limited.headers()[header::RETRY_AFTER].to_str().unwrap()), (429, "3"));
        assert_eq!(
            body(limited).await,
            serde_json::json!({"success": false, "message": "Too many requests", "error": {"code": "RATE_LIMIT_EXCEEDED", "details": {"retry_after": 3}}})
        );
        let unavailable = answer(ErrorCode::ServiceUnavailable, Some(1));
        assert_eq!(unavailable.status().as_u16(), 503);
        assert_eq!(body(unavailable).await["error"]["code"], "SERVICE_UNAVAILABLE");
        let failed = answer(ErrorCode::InternalError, None);
        assert!(failed.headers().get(header::RETRY_AFTER).is_none());
        assert_eq!(body(failed).await["error"]["code"], "INTERNAL_ERROR");
    }
}
