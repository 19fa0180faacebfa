//! HTTP plumbing of the generated client (feature `client`): the builder, the bearer token that
//! never prints, one `send` that speaks the envelope of api.yaml, and the typed error.
//! Generated code supplies the operation's path, query pairs, body and the envelope shape.
//!
//! One module per concern: `builder` (configuration: [`ClientBuilder`], [`Token`],
//! [`HeaderNames`], [`CallOptions`]), `retry` ([`RetryPolicy`], `Retry-After`), `transport`
//! ([`Transport`]: attempts, response heads, decoding), `error` ([`Error`], [`ApiError`],
//! [`AnyError`], [`BuildError`]), `paging` ([`pages`], [`items`]) and `body` ([`json_body`],
//! [`multipart_body`]). Every item is used from here, as `wacr_runtime::client::Item`.

pub(crate) mod body;
mod builder;
mod error;
mod paging;
mod retry;
mod transport;

pub use futures::{Stream, StreamExt, TryStreamExt};

pub use crate::envelope::EnvelopeKeys;
pub use crate::operation::Shape;
pub use body::{Body, Part, json_body, json_or_multipart_body, multipart_body};
pub use builder::{CallOptions, ClientBuilder, HeaderNames, Token};
pub use error::{AnyError, ApiError, BuildError, Error};
pub use paging::{Items, Pages, items, pages};
pub use retry::{RetryPolicy, parse_retry_after};
pub use transport::{RateLimit, Success, Transport};

use crate::operation::Method;

/// Everything the generated code knows about one call.
#[derive(Clone, Debug)]
pub struct Call {
    pub operation_id: &'static str,
    pub method: Method,
    /// Already rendered and percent-encoded (`/contacts/12`).
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Body,
    pub shape: Shape,
    /// The operation delivers a WhatsApp message: never re-sent after a failure that may have
    /// reached the server, unless [`RetryPolicy::retry_message_sends`] opts in.
    pub sends_message: bool,
}

impl Call {
    /// Whether an attempt that may have reached the server can be repeated without doing its
    /// work twice: a message delivery only when the policy opts in; otherwise GET, PUT and
    /// DELETE, or any call the caller declared idempotent.
    fn repeatable(&self, options: &CallOptions, policy: &RetryPolicy) -> bool {
        if self.sends_message {
            return policy.retry_message_sends;
        }
        options.idempotent || matches!(self.method, Method::Get | Method::Put | Method::Delete)
    }
}
