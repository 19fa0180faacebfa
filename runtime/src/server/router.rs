//! From the generated routes to a router: the 404 and 405 fallbacks, and the layers that bound
//! each request (request timeout, concurrency limit, body size and read timeout, the memory
//! budget of uploads), all from [`Config`]. A layer writes the error envelope into every error
//! response that is not JSON yet (a timeout, a body-limit rejection), so that each 4xx and 5xx
//! of the server carries it; the request's span (`call::trace`) wraps them all.

use std::sync::Arc;
use std::task::{Context, Poll};

use axum::Router;
use axum::extract::State;
use axum::http::{self, HeaderMap, StatusCode, header};
use futures::future::{BoxFuture, Either};
use tokio::sync::Semaphore;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower::{Layer, Service, ServiceBuilder, ServiceExt as _};
use tower_http::limit::RequestBodyLimitLayer;

use super::body::{is_json, is_multipart, media_type};
use super::call::{Shared, TraceLayer};
use super::config::Config;
use super::timeout::{BodyTimeoutLayer, RequestTimeoutLayer};
use super::envelope::{Code, Conventions, error_response};
use super::Response;

/// Adds the 404 fallback, the 405 answer for known paths and the bounds of `config` to the
/// routes, and gives them their state.
pub fn finish<S: Send + Sync + 'static>(routes: Router<Shared<S>>, service: S, config: Config, conventions: &'static Conventions) -> Router {
    let upload = config.upload_limit.unwrap_or(conventions.max_upload);
    let capacity = kib(config.upload_memory).max(1);
    let budget = UploadBudget { semaphore: Arc::new(Semaphore::new(capacity)), capacity: u32::try_from(capacity).unwrap_or(u32::MAX), upload };
    // Every bound in one `layer` call: axum boxes the service of each call, per request. The
    // span is outermost, so it records the status the client gets, after a layer's bare error
    // response got the envelope.
    let bounds = ServiceBuilder::new()
        .layer(TraceLayer(conventions))
        .layer(RequestBodyLimitLayer::new(upload.max(config.json_limit)))
        .option_layer(config.request_timeout.map(|timeout| RequestTimeoutLayer { timeout, status: StatusCode::REQUEST_TIMEOUT }))
        .layer(GlobalConcurrencyLimitLayer::new(config.concurrency_limit.max(1)))
        .layer(budget)
        .option_layer(config.body_read_timeout.map(|timeout| BodyTimeoutLayer { timeout }));
    routes
        .fallback(not_found::<S>)
        .method_not_allowed_fallback(method_not_allowed::<S>)
        .layer(bounds)
        .with_state(Shared::new(service, config, conventions))
}

/// 404 NOT_FOUND for a path no operation has.
pub async fn not_found<S: Send + Sync + 'static>(State(shared): State<Shared<S>>) -> Response {
    let conventions = shared.conventions();
    error_response(conventions, &conventions.codes.not_found, None, None)
}

/// 405 for a known path with a method none of its operations has.
pub async fn method_not_allowed<S: Send + Sync + 'static>(State(shared): State<Shared<S>>) -> Response {
    let conventions = shared.conventions();
    error_response(conventions, &conventions.codes.method_not_allowed, None, None)
}

impl Conventions {
    /// The code the glue answers an error status with: one of the catalogue's, or for statuses
    /// only the server produces (timeouts, a URI or headers too long, overload) a code named
    /// after the status, as for 405, 413 and 415.
    pub fn code_for_status(&self, status: u16) -> Code {
        let c = &self.codes;
        let own = |code, message| Code { code, status, message };
        match status {
            401 => c.unauthorized,
            403 => c.insufficient_scope,
            404 => c.not_found,
            405 => c.method_not_allowed,
            413 => c.payload_too_large,
            415 => c.unsupported_media_type,
            422 => c.validation,
            429 => c.rate_limited,
            408 => own("REQUEST_TIMEOUT", "Request timeout"),
            414 => own("URI_TOO_LONG", "URI too long"),
            431 => own("REQUEST_HEADER_FIELDS_TOO_LARGE", "Request header fields too large"),
            503 => own("SERVICE_UNAVAILABLE", "Service unavailable"),
            400..500 => own("BAD_REQUEST", "Bad request"),
            _ => Code { status, ..c.internal },
        }
    }
}

/// An error response without a JSON body (from a layer, not the glue) gets the envelope of its
/// status; its headers are kept.
pub(super) fn with_envelope(conventions: &Conventions, response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || media_type(response.headers()).is_some_and(|m| is_json(&m)) {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let (envelope, body) = error_response(conventions, &conventions.code_for_status(status.as_u16()), None, None).into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.extend(envelope.headers);
    Response::from_parts(parts, body)
}

/// The memory budget of multipart bodies, in KiB permits.
#[derive(Clone)]
struct UploadBudget {
    semaphore: Arc<Semaphore>,
    /// All the permits: a body larger than the budget reserves all of it.
    capacity: u32,
    /// The upload limit, reserved by a body of unknown length.
    upload: usize,
}

/// Whole KiB, as many as a semaphore and `acquire_many` take.
fn kib(bytes: usize) -> usize {
    bytes.div_ceil(1024).min(Semaphore::MAX_PERMITS).min(u32::MAX as usize)
}

impl<S> Layer<S> for UploadBudget {
    type Service = Budgeted<S>;

    fn layer(&self, inner: S) -> Budgeted<S> {
        Budgeted { inner, budget: self.clone() }
    }
}

/// Holds a multipart request until its declared length (or the upload limit) fits the budget,
/// and keeps that share until its response is written: the bodies read into memory at once
/// stay within the budget. Other requests pass straight through.
#[derive(Clone)]
struct Budgeted<S> {
    inner: S,
    budget: UploadBudget,
}

impl<S, B> Service<http::Request<B>> for Budgeted<S>
where
    S: Service<http::Request<B>> + Clone + Send + 'static,
    S::Future: Send,
    B: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Either<S::Future, BoxFuture<'static, Result<S::Response, S::Error>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        if !media_type(request.headers()).is_some_and(|m| is_multipart(&m)) {
            return Either::Left(self.inner.call(request));
        }
        let budget = &self.budget;
        let bytes = declared_length(request.headers()).unwrap_or(budget.upload).min(budget.upload);
        let wanted = u32::try_from(kib(bytes)).unwrap_or(u32::MAX).clamp(1, budget.capacity);
        let semaphore = Arc::clone(&budget.semaphore);
        // The ready service answers this request; a fresh clone waits for readiness next time.
        let ready = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, ready);
        Either::Right(Box::pin(async move {
            // The semaphore is never closed, so the reservation cannot fail; should it, the
            // request goes ahead unreserved.
            let _reserved = semaphore.acquire_many_owned(wanted).await.ok();
            inner.oneshot(request).await
        }))
    }
}

fn declared_length(headers: &HeaderMap) -> Option<usize> {
    headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}
