//! Receiving webhook deliveries with axum (features `server` and `webhooks`): the
//! [`VerifiedEvent`] extractor, which answers a delivery that does not verify with 401 or 400
//! and the error envelope, and [`webhook_router`], which the generated `receiver_router`
//! builds on to hand each verified event to a receiver.

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::de::DeserializeOwned;

use super::envelope::{EnvelopeKeys, ErrorBody};
use crate::webhook::{VerifyError, verify};

/// The secrets a receiver accepts (several while one rotates) and the envelope keys of its
/// error answers.
#[derive(Clone, Debug)]
pub struct WebhookSecrets {
    secrets: Arc<[String]>,
    keys: EnvelopeKeys,
}

impl WebhookSecrets {
    /// Checks every secret's form (`whsec_<base64>`) now, so a typo fails at start rather than
    /// on the first delivery.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(secrets: I, keys: EnvelopeKeys) -> Result<Self, VerifyError> {
        let secrets: Arc<[String]> = secrets.into_iter().map(Into::into).collect();
        if secrets.is_empty() {
            return Err(VerifyError::NoSecret);
        }
        for s in secrets.iter() {
            crate::webhook::check_secret(s)?;
        }
        Ok(WebhookSecrets { secrets, keys })
    }
}

/// A delivery whose signature and timestamp hold, decoded as `E` (the generated
/// `WebhookEvent`). The state must give [`WebhookSecrets`] (`FromRef`).
#[derive(Clone, Debug)]
pub struct VerifiedEvent<E>(pub E);

/// Why [`VerifiedEvent`] refused a request: answered with the status of the error (401, 400,
/// or 500 for the receiver's own secrets) and the error envelope.
#[derive(Debug)]
pub struct WebhookRejection {
    pub error: VerifyError,
    keys: EnvelopeKeys,
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        let message = self.error.to_string();
        ErrorBody { status: self.error.status(), code: self.error.code(), message: &message, details: None, errors: None }.response(&self.keys)
    }
}

impl<S, E> FromRequest<S> for VerifiedEvent<E>
where
    S: Send + Sync,
    WebhookSecrets: FromRef<S>,
    E: DeserializeOwned,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let secrets = WebhookSecrets::from_ref(state);
        let headers = req.headers().clone();
        let body = Bytes::from_request(req, state).await.map_err(IntoResponse::into_response)?;
        verify(&secrets.secrets, &headers, &body).map(VerifiedEvent).map_err(|error| WebhookRejection { error, keys: secrets.keys }.into_response())
    }
}

/// The failure of a receiver's handler: the delivery is answered with 500, so the sender tries
/// it again later. Any error converts with `?`.
#[derive(Debug)]
pub struct EventError(Box<dyn std::error::Error + Send + Sync>);

impl<E: Into<Box<dyn std::error::Error + Send + Sync>>> From<E> for EventError {
    fn from(e: E) -> Self {
        EventError(e.into())
    }
}

impl std::fmt::Display for EventError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl EventError {
    /// The error the handler returned.
    pub fn into_inner(self) -> Box<dyn std::error::Error + Send + Sync> {
        self.0
    }
}

/// `POST /`: verifies each delivery against `secrets`, decodes it as `E` and hands it to
/// `handle`; answers 204 when `handle` succeeds, 500 with the error envelope when it fails.
/// Mount it where deliveries arrive (`Router::nest("/webhooks", ..)`).
pub fn webhook_router<E, H, F>(secrets: WebhookSecrets, handle: H) -> Router
where
    E: DeserializeOwned + Send + 'static,
    H: Fn(E) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Result<(), EventError>> + Send,
{
    let route = move |State(secrets): State<WebhookSecrets>, VerifiedEvent(event): VerifiedEvent<E>| async move {
        match handle(event).await {
            Ok(()) => StatusCode::NO_CONTENT.into_response(),
            Err(e) => {
                tracing::warn!(error = %e, "webhook receiver failed to handle an event");
                let body = ErrorBody { status: 500, code: "WEBHOOK_HANDLER_FAILED", message: "The receiver failed to handle the event", details: None, errors: None };
                body.response(&secrets.keys)
            }
        }
    };
    Router::new().route("/", post(route)).with_state(secrets)
}
