//! Store errors as the operation's typed `ApiError` (code, message, details, field errors,
//! retry-after).

// `ApiError` is the generated traits' error type; every method returns it unboxed anyway.
#![allow(clippy::result_large_err)]

use wacr_server::ApiError;
use wacr_server::models::WireEnum;

use crate::store;

/// The operation's error for a store error: the code the operation documents, else
/// INTERNAL_ERROR (every operation has it).
pub(crate) fn api_error<C: WireEnum>(error: store::Error) -> ApiError<C> {
    let code = C::from_wire(error.code()).or_else(|| C::from_wire("INTERNAL_ERROR")).expect("every operation documents INTERNAL_ERROR");
    let mut api = ApiError::new(code);
    match &error {
        store::Error::Validation(fields) => {
            for (field, messages) in fields {
                for message in messages {
                    api = api.with_field_error(field.clone(), message.clone());
                }
            }
        }
        store::Error::NotFound { .. } => api = api.with_message(error.message()),
        store::Error::FeatureLimit { feature, current, maximum } => {
            api = api.with_details(serde_json::json!({"feature": feature, "current": current, "maximum": maximum}));
        }
        store::Error::FeatureNotAvailable { feature } => api = api.with_details(serde_json::json!({"feature": feature})),
        store::Error::InvalidCode { attempts_remaining } => {
            api = api.with_details(serde_json::json!({"attempts_remaining": attempts_remaining}));
        }
        store::Error::RateLimited { retry_after } => api.retry_after = Some(u64::try_from(*retry_after).unwrap_or(1)),
        // the glue logs the cause with the 500 (an `error` event in the request's span)
        store::Error::Internal(detail) => api = api.with_cause(detail.clone()),
        store::Error::SendFailed(detail) => api = api.with_cause(format!("simulated send failure: {detail}")),
        _ => {}
    }
    if C::from_wire(error.code()).is_none() {
        // e.g. a list query value the glue let through (an unparsable `date` filter) while the
        // list operation documents no VALIDATION_ERROR
        api = api.with_cause(format!("{error} (the operation does not document {}; answered as INTERNAL_ERROR)", error.code()));
    }
    api
}
