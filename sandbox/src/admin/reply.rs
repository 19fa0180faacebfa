//! The admin API's JSON in and out, in the WA.cr API's envelopes: [`Body`] reads a JSON body
//! (bad JSON or a wrong field is 422 VALIDATION_ERROR with the field in `errors`), [`ok`]
//! writes `{success: true, message, data}`, and [`Failure`] writes a store error as the
//! API's error envelope.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use wacr_runtime::server::Code;
use wacr_server::FieldErrors;
use wacr_server::axum::body::Bytes;
use wacr_server::axum::extract::{FromRequest, Request};
use wacr_server::axum::response::{IntoResponse, Response};

use crate::store;

/// An error of the glue's catalogue (401, 403, 422, ...), with optional details.
pub fn glue_error(code: &Code, details: Option<Value>) -> Response {
    wacr_runtime::server::error_response(&wacr_server::CONVENTIONS, code, details, None)
}

/// `200 {success: true, message, data}`.
pub fn ok<T: Serialize>(message: &str, data: &T) -> Response {
    let keys = &wacr_server::CONVENTIONS.envelope;
    let body = json!({ (keys.success): true, (keys.message): message, (keys.data): data });
    wacr_server::axum::Json(body).into_response()
}

/// A failed admin operation, answered in the error envelope.
#[derive(Debug)]
pub struct Failure(pub store::Error);

impl From<store::Error> for Failure {
    fn from(e: store::Error) -> Self {
        Failure(e)
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let e = self.0;
        let code = Code { code: e.code(), status: e.status(), message: e.catalogue_message() };
        let mut errors = FieldErrors::new();
        let details = match &e {
            store::Error::Validation(fields) => {
                fields.iter().for_each(|(field, messages)| messages.iter().for_each(|m| errors.add(field.clone(), m.clone())));
                None
            }
            store::Error::NotFound { what, .. } => Some(json!({"resource": what})),
            store::Error::FeatureLimit { feature, current, maximum } => Some(json!({"feature": feature, "current": current, "maximum": maximum})),
            store::Error::Internal(cause) => {
                tracing::error!(%cause, "admin operation failed");
                None
            }
            _ => None,
        };
        let errors = (!errors.is_empty()).then_some(&errors);
        wacr_runtime::server::error_response(&wacr_server::CONVENTIONS, &code, details, errors)
    }
}

/// A JSON body of `T`; an empty body reads as `{}`.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let bytes = Bytes::from_request(request, state).await.map_err(IntoResponse::into_response)?;
        let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) { b"{}" } else { &bytes };
        serde_json::from_slice(text).map(Body).map_err(|e| invalid(&field_of(&e), &e.to_string()))
    }
}

/// 422 VALIDATION_ERROR with one message on one field.
pub fn invalid(field: &str, message: &str) -> Response {
    Failure(store::Error::field(field, message)).into_response()
}

/// The field a serde error names (`missing field `phone``, `unknown field `x``), else `body`.
fn field_of(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let named = text.split('`').nth(1).filter(|_| text.contains("field `"));
    named.unwrap_or("body").to_owned()
}
