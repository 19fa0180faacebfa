//! Server glue (feature `server`): what every generated route of `wacr-server` shares, behind
//! one stable path (`wacr_runtime::server`, tonic's `codegen` facade). The generated router
//! calls, per request: [`Shared::begin`] (bearer auth, scope, per-token rate limit), the
//! parsers of [`Call`] (path, query, JSON or multipart body, each validated against the spec's
//! rules), the implementer's trait method, then one of the envelope writers of [`Call`].
//!
//! Everything the wire contract names (envelope keys, error codes and messages, rate-limit
//! headers, pagination bounds) comes in through [`Conventions`], a constant the generated code
//! builds from `api.yaml`; nothing here hard-codes a wire string of the spec. Statuses only the
//! server produces (408, 414, 431, 503) get codes named after the status
//! ([`Conventions::code_for_status`]), as 405, 413 and 415 do; the spec's catalogue names 503
//! the same, SERVICE_UNAVAILABLE.
//!
//! [`finish`] turns the generated routes into a router bounded by [`Config`] (timeouts, a
//! concurrency limit, body limits, an upload memory budget, a cap on reported field errors);
//! [`serve`] serves it with a header read timeout and the envelope on hyper's own 4xx.

mod auth;
mod body;
mod call;
mod config;
mod envelope;
mod query;
mod rate_limit;
mod router;
mod serve;
mod timeout;
mod validate;
#[cfg(feature = "webhooks")]
mod webhook;

pub use auth::{Authenticator, Principal, StaticTokens, bearer_token};
pub use call::{Call, REQUEST_SPAN, Shared};
pub use config::Config;
pub use envelope::{
    ApiError, Code, CodeInfo, Conventions, EnvelopeKeys, FieldErrors, GlueCodes, Pagination, QueryKeys,
    RateLimitHeaders, error_response,
};
pub use query::{QuerySpec, paginate};
pub use rate_limit::{
    Decision, FixedWindow, OnError, Pending, RateLimitStore, RateLimiter, RateRule, StoreError, Unavailable, Verdict,
};
#[cfg(feature = "redis")]
pub use rate_limit::{RedisLimiter, RedisSettings};
pub use router::{finish, method_not_allowed, not_found};
pub use serve::{DropConnection, serve};
#[cfg(feature = "webhooks")]
pub use webhook::{EventError, VerifiedEvent, WebhookRejection, WebhookSecrets, webhook_router};
pub use validate::{Field, Format, Kind, Lit, Rejected, RejectedItem, Rule, field, message, validate, validate_items};

pub use axum;

/// The request a generated handler receives.
pub type Request = axum::extract::Request;
/// The response a generated handler returns.
pub type Response = axum::response::Response;
/// What a generated handler returns: both sides are finished responses, so `?` can stop early.
pub type Reply = Result<Response, Response>;
/// The state extractor of a generated handler.
pub type State<S> = axum::extract::State<Shared<S>>;

/// Keeps only the relations of `data` that the request asked for (`?include=`), so a relation
/// the implementation loaded anyway is still absent from the JSON.
pub fn retain<R: crate::Resource>(mut data: R, requested: crate::IncludeSet<R::Include>) -> R {
    data.retain_includes(requested);
    data
}

/// The conventions of `api.yaml`, as the generated code builds them, for the unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    const fn code(code: &'static str, status: u16, message: &'static str) -> Code {
        Code { code, status, message }
    }

    pub const CONVENTIONS: Conventions = Conventions {
        envelope: crate::envelope::TEST_KEYS,
        auth_header: "Authorization",
        codes: GlueCodes {
            unauthorized: code("UNAUTHORIZED", 401, "Unauthenticated"),
            insufficient_scope: code("INSUFFICIENT_SCOPE", 403, "Insufficient scope"),
            validation: code("VALIDATION_ERROR", 422, "The given data was invalid"),
            rate_limited: code("RATE_LIMIT_EXCEEDED", 429, "Too many requests"),
            not_found: code("NOT_FOUND", 404, "Resource not found"),
            internal: code("INTERNAL_ERROR", 500, "Internal server error"),
            method_not_allowed: code("METHOD_NOT_ALLOWED", 405, "Method not allowed"),
            unsupported_media_type: code("UNSUPPORTED_MEDIA_TYPE", 415, "Unsupported media type"),
            payload_too_large: code("PAYLOAD_TOO_LARGE", 413, "Payload too large"),
        },
        required_scope_key: "required_scope",
        retry_after_key: "retry_after",
        pagination: Pagination { page_default: 1, page_min: 1, per_page_default: 15, per_page_min: 1, per_page_max: 100 },
        query: QueryKeys { page: "page", per_page: "per_page", fields: "fields", sort: "sort", include: "include", filter: "filter" },
        rate_limit: RateLimitHeaders {
            default_per_minute: 60,
            limit: "X-RateLimit-Limit",
            remaining: "X-RateLimit-Remaining",
            retry_after: "Retry-After",
        },
        max_upload: 1 << 20,
    };
}
