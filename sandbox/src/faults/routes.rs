//! `/_sandbox/faults` over HTTP: list the rules (`GET`), add one (`POST`, 201 with the rule and
//! its id), clear them all (`DELETE`, 204), remove one (`DELETE /_sandbox/faults/{id}`, 204, or
//! 404 NOT_FOUND). Answers use the API's envelopes; a refused rule is a 422 VALIDATION_ERROR
//! with each reason under `errors`, keyed by its field (`match.route`, `action.status`, ...).
//! No authentication here: whoever mounts the routes guards them.

use serde::Serialize;
use serde_json::{Map, Value};
use wacr_runtime::server::{Code, FieldErrors, error_response};
use wacr_server::axum::body::Bytes;
use wacr_server::axum::extract::{Path, State};
use wacr_server::axum::http::{HeaderValue, StatusCode, header};
use wacr_server::axum::response::{IntoResponse, Response};
use wacr_server::axum::routing::{delete, get};
use wacr_server::axum::Router;
use wacr_server::CONVENTIONS;

use super::{FaultError, Faults, InvalidRule, NewRule};

/// The routes over `faults`, without authentication. The paths are literals: the admin tests
/// read the `.route(` calls of the sources to compare the router with admin-openapi.yaml.
pub fn routes(faults: Faults) -> Router {
    Router::new()
        .route("/_sandbox/faults", get(list).post(add).delete(clear))
        .route("/_sandbox/faults/{id}", delete(remove))
        .with_state(faults)
}

async fn list(State(faults): State<Faults>) -> Response {
    match faults.list().await {
        Ok(rules) => success(StatusCode::OK, "Fault rules retrieved successfully", &rules),
        Err(e) => failed(&e),
    }
}

async fn add(State(faults): State<Faults>, body: Bytes) -> Response {
    let rule: NewRule = match serde_json::from_slice(&body) {
        Ok(rule) => rule,
        Err(e) => return invalid(&[("body", format!("The request body is not a fault rule: {e}."))]),
    };
    match faults.add(rule).await {
        Ok(rule) => success(StatusCode::CREATED, "Fault rule added successfully", &rule),
        Err(FaultError::Invalid(InvalidRule(errors))) => invalid(&errors.iter().map(|e| (e.field(), e.to_string())).collect::<Vec<_>>()),
        Err(e) => failed(&e),
    }
}

async fn clear(State(faults): State<Faults>) -> Response {
    match faults.clear().await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => failed(&e),
    }
}

async fn remove(State(faults): State<Faults>, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse() else { return not_found() };
    match faults.remove(id).await {
        Ok(Some(_)) => StatusCode::NO_CONTENT.into_response(),
        Ok(None) => not_found(),
        Err(e) => failed(&e),
    }
}

fn not_found() -> Response {
    error_response(&CONVENTIONS, &Code { message: "Fault rule not found", ..CONVENTIONS.codes.not_found }, None, None)
}

/// 500 INTERNAL_ERROR for a database failure (logged, not shown).
fn failed(e: &FaultError) -> Response {
    tracing::error!(error = %e, "a fault rule route failed");
    error_response(&CONVENTIONS, &CONVENTIONS.codes.internal, None, None)
}

/// `{success: true, message, data}` in the API's keys.
fn success(status: StatusCode, message: &str, data: &impl Serialize) -> Response {
    let keys = &CONVENTIONS.envelope;
    let mut body = Map::new();
    body.insert(keys.success.into(), true.into());
    body.insert(keys.message.into(), message.into());
    body.insert(keys.data.into(), serde_json::to_value(data).unwrap_or(Value::Null));
    let mut response = (status, Value::Object(body).to_string()).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// 422 VALIDATION_ERROR with `errors` by field.
fn invalid<F: AsRef<str>>(errors: &[(F, String)]) -> Response {
    let mut fields = FieldErrors::new();
    for (field, message) in errors {
        fields.add(field.as_ref(), message.clone());
    }
    error_response(&CONVENTIONS, &CONVENTIONS.codes.validation, None, Some(&fields))
}
