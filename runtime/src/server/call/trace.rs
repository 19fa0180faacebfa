//! The span of every request through the glue, with OpenTelemetry's HTTP semantic-convention
//! field names, and the events that close it: `error` (with the cause) for a 5xx, `debug`
//! otherwise. The request headers are never recorded, so a token cannot appear.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Instant;

use axum::BoxError;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::http;
use tower::{Layer, Service};
use tracing::field::Empty;
use tracing::instrument::Instrumented;
use tracing::{Instrument as _, Span};

use super::Response;
use crate::operation::Operation;
use crate::server::envelope::Conventions;

/// The name of the request span; `otel.name` carries `METHOD /route` for OpenTelemetry
/// exporters once the operation is known (a path no operation has keeps the span's name).
pub const REQUEST_SPAN: &str = "wacr.server.request";

/// Why a response is a 5xx: the error code and the implementation's cause. The call puts it in
/// the response's extensions; [`Traced`] takes it out and logs it.
#[derive(Clone, Debug)]
struct Failure {
    code: String,
    cause: Option<String>,
}

/// Marks a 5xx `response` with its code and cause for the `error` event.
pub(super) fn failed(mut response: Response, code: &str, cause: Option<String>) -> Response {
    response.extensions_mut().insert(Failure { code: code.to_owned(), cause });
    response
}

/// The request span as a tower layer, outermost in the bounded router: the rest of the stack
/// runs inside the span (attached with `Instrument`, so no other task's events land in it), a
/// bare error response gets the envelope, and the status and latency are recorded when it
/// answers.
#[derive(Clone, Copy)]
pub(crate) struct TraceLayer(pub &'static Conventions);

impl<S> Layer<S> for TraceLayer {
    type Service = Traced<S>;

    fn layer(&self, inner: S) -> Traced<S> {
        Traced { inner, conventions: self.0 }
    }
}

/// The service of [`TraceLayer`].
#[derive(Clone)]
pub(crate) struct Traced<S> {
    inner: S,
    conventions: &'static Conventions,
}

impl<S, B> Service<Request> for Traced<S>
where
    S: Service<Request, Response = http::Response<B>, Error = Infallible>,
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = TracedFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let span = request_span(request.method().as_str());
        let started = Instant::now();
        let answer = span.in_scope(|| self.inner.call(request)).instrument(span.clone());
        TracedFuture { answer, span, started, conventions: self.conventions }
    }
}

pin_project_lite::pin_project! {
    /// The answer of [`Traced`]: the inner future inside the span, then [`answered`]. A named
    /// future rather than a box, so the stack above it moves it into a single allocation.
    pub(crate) struct TracedFuture<F> {
        #[pin]
        answer: Instrumented<F>,
        span: Span,
        started: Instant,
        conventions: &'static Conventions,
    }
}

impl<F, B> Future for TracedFuture<F>
where
    F: Future<Output = Result<http::Response<B>, Infallible>>,
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Ok(response) = ready!(this.answer.poll(cx));
        Poll::Ready(Ok(answered(this.conventions, this.span, *this.started, response.map(Body::new))))
    }
}

fn request_span(method: &str) -> Span {
    tracing::info_span!(
        REQUEST_SPAN,
        otel.name = Empty,
        otel.kind = "server",
        otel.status_code = Empty,
        http.request.method = method,
        http.route = Empty,
        http.response.status_code = Empty,
        wacr.operation = Empty,
        latency_ms = Empty,
    )
}

/// Gives a bare error response the envelope, records status and latency on `span`, and closes
/// it with an `error` event (with the cause) for a 5xx, `debug` otherwise.
fn answered(conventions: &'static Conventions, span: &Span, started: Instant, response: Response) -> Response {
    let mut response = crate::server::router::with_envelope(conventions, response);
    // Microseconds as milliseconds: no float noise past the third decimal.
    let latency_ms = started.elapsed().as_micros() as f64 / 1000.0;
    let status = response.status().as_u16();
    span.record("http.response.status_code", status);
    span.record("latency_ms", latency_ms);
    let failure = response.extensions_mut().remove::<Failure>();
    if response.status().is_server_error() {
        span.record("otel.status_code", "ERROR");
        let (code, cause) = failure.map_or((None, None), |f| (Some(f.code), f.cause));
        let code = code.as_deref().unwrap_or("_OTHER");
        let cause = cause.as_deref().unwrap_or("none given");
        span.in_scope(|| tracing::error!(status, error.type = code, cause, "request failed"));
    } else {
        span.in_scope(|| tracing::debug!(status, latency_ms, "request answered"));
    }
    response
}

/// Records operation `R` on the current request span: its id and its route (the spec's path
/// template), and `otel.name` from both.
pub(super) fn record_operation<R: Operation>(method: &axum::http::Method) {
    let span = tracing::Span::current();
    if span.is_disabled() {
        return;
    }
    span.record("wacr.operation", R::ID);
    span.record("http.route", R::PATH);
    span.record("otel.name", format!("{} {}", method.as_str(), R::PATH));
}
