//! The request timeout and the body read timeout of the generated router, with timers that
//! start only when there is something to wait for: a handler that answers on its first poll
//! and a body that is already complete register no timer at all.
//!
//! tower-http's `TimeoutLayer` and `RequestBodyTimeoutLayer` register a tokio timer for every
//! request (the body one on the first read of even an empty body); on a request that never
//! waits, that registration and its removal were a fifth of the glue's time per request
//! (`wacr-bench calls glue`, README "Dependencies"). The deadlines are the same: the request's
//! counts from when the router received it, the body's from when a read found no data ready.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{Request, Response, StatusCode};
use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;
use tokio::time::{Instant, Sleep};
use tower::{Layer, Service};

/// Answers `status` (the router gives it the envelope) when the inner service has not answered
/// within `timeout` of the request's arrival.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RequestTimeoutLayer {
    pub timeout: Duration,
    pub status: StatusCode,
}

impl<S> Layer<S> for RequestTimeoutLayer {
    type Service = RequestTimeout<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequestTimeout { inner, layer: *self }
    }
}

/// The service of [`RequestTimeoutLayer`].
#[derive(Clone, Debug)]
pub(crate) struct RequestTimeout<S> {
    inner: S,
    layer: RequestTimeoutLayer,
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for RequestTimeout<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Default,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = TimedResponse<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let deadline = Instant::now() + self.layer.timeout;
        TimedResponse { inner: self.inner.call(request), deadline, status: self.layer.status, sleep: None }
    }
}

pin_project! {
    /// The inner response future, raced against a timer set at its first wait.
    pub(crate) struct TimedResponse<F> {
        #[pin]
        inner: F,
        deadline: Instant,
        status: StatusCode,
        #[pin]
        sleep: Option<Sleep>,
    }
}

impl<F, ResBody, E> Future for TimedResponse<F>
where
    F: Future<Output = Result<Response<ResBody>, E>>,
    ResBody: Default,
{
    type Output = Result<Response<ResBody>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if let Poll::Ready(response) = this.inner.poll(cx) {
            return Poll::Ready(response);
        }
        if this.sleep.is_none() {
            this.sleep.set(Some(tokio::time::sleep_until(*this.deadline)));
        }
        let sleep = this.sleep.as_pin_mut().expect("set above");
        ready!(sleep.poll(cx));
        let mut response = Response::new(ResBody::default());
        *response.status_mut() = *this.status;
        Poll::Ready(Ok(response))
    }
}

/// Wraps each request body in a [`TimedBody`]: a read that waits longer than `timeout` for
/// the next frame fails with [`BodyTimedOut`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct BodyTimeoutLayer {
    pub timeout: Duration,
}

impl<S> Layer<S> for BodyTimeoutLayer {
    type Service = BodyTimeout<S>;

    fn layer(&self, inner: S) -> Self::Service {
        BodyTimeout { inner, timeout: self.timeout }
    }
}

/// The service of [`BodyTimeoutLayer`].
#[derive(Clone, Debug)]
pub(crate) struct BodyTimeout<S> {
    inner: S,
    timeout: Duration,
}

impl<S, B> Service<Request<B>> for BodyTimeout<S>
where
    S: Service<Request<TimedBody<B>>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let timeout = self.timeout;
        self.inner.call(request.map(|body| TimedBody::new(body, timeout)))
    }
}

/// The body read timeout's error (`Config::body_read_timeout`): the client stopped sending.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
pub struct BodyTimedOut;

pin_project! {
    /// A request body whose reads fail when the next frame takes longer than the timeout.
    pub(crate) struct TimedBody<B> {
        #[pin]
        body: B,
        timeout: Duration,
        #[pin]
        sleep: Option<Sleep>,
    }
}

impl<B> TimedBody<B> {
    pub(crate) fn new(body: B, timeout: Duration) -> Self {
        TimedBody { body, timeout, sleep: None }
    }
}

impl<B> Body for TimedBody<B>
where
    B: Body<Data = Bytes>,
    B::Error: Into<axum::BoxError>,
{
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let mut this = self.project();
        if let Poll::Ready(frame) = this.body.poll_frame(cx) {
            this.sleep.set(None);
            return Poll::Ready(frame.map(|frame| frame.map_err(Into::into)));
        }
        if this.sleep.is_none() {
            this.sleep.set(Some(tokio::time::sleep(*this.timeout)));
        }
        let sleep = this.sleep.as_pin_mut().expect("set above");
        ready!(sleep.poll(cx));
        Poll::Ready(Some(Err(Box::new(BodyTimedOut))))
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body as AxumBody;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn a_handler_that_answers_in_time_gets_through_and_a_slow_one_gets_the_status() {
        let layer = RequestTimeoutLayer { timeout: Duration::from_millis(100), status: StatusCode::REQUEST_TIMEOUT };
        let quick = tower::service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new(AxumBody::empty())) });
        let answer = layer.layer(quick).call(Request::new(())).await.unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
        let slow = tower::service_fn(|_: Request<()>| async {
            tokio::time::sleep(Duration::from_secs(2)).await;
            Ok::<_, std::convert::Infallible>(Response::new(AxumBody::empty()))
        });
        let started = Instant::now();
        let answer = layer.layer(slow).call(Request::new(())).await.unwrap();
        let waited = started.elapsed();
        assert_eq!(answer.status(), StatusCode::REQUEST_TIMEOUT);
        assert!(waited >= Duration::from_millis(100) && waited < Duration::from_secs(1), "{waited:?}");
    }

    #[tokio::test]
    async fn a_body_read_fails_when_the_next_frame_is_late_and_not_before() {
        let (mut tx, rx) = futures::channel::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
        tx.try_send(Ok(Bytes::from_static(b"{"))).unwrap();
        let mut body = std::pin::pin!(TimedBody::new(AxumBody::from_stream(rx), Duration::from_millis(300)));
        assert_eq!(body.frame().await.unwrap().unwrap().into_data().unwrap(), "{");
        let feeder = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            tx.try_send(Ok(Bytes::from_static(b"}"))).unwrap();
            tx
        });
        assert_eq!(body.frame().await.unwrap().unwrap().into_data().unwrap(), "}", "100 ms is in time");
        let _tx = feeder.await.unwrap();
        let started = Instant::now();
        let late = body.frame().await.unwrap().unwrap_err();
        assert!(started.elapsed() >= Duration::from_millis(300), "{:?}", started.elapsed());
        assert!(late.is::<BodyTimedOut>(), "{late}");
    }
}
