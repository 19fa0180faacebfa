//! `#[operation(output = ..., error = ...)]` derives the typed exchange: the body is the field
//! named `body`, the query pairs come from the field named `query`, and `shape` and
//! `sends_message` override the defaults; without them a request has no body and no query.

use wacr_macros::{Operation, Query, Scope, WireEnum};
use wacr_runtime::{Exchange, Shape};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
pub enum ApiScope {
    #[scope("messages:send")]
    MessagesSend,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, WireEnum)]
pub enum SendError {
    #[wire("VALIDATION_ERROR")]
    ValidationError,
}

#[derive(Clone, Debug, Default, PartialEq, Query)]
pub struct SendQuery {
    pub dry_run: Option<bool>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SendBody {
    pub phone: String,
}

#[derive(Clone, Debug, PartialEq, Operation)]
#[operation(id = "send_text", method = POST, path = "/messages/text", new)]
#[operation(scope = ApiScope::MessagesSend, status = 200)]
#[operation(output = u64, error = SendError, shape = Flat, sends_message)]
pub struct SendRequest {
    pub query: SendQuery,
    pub body: SendBody,
}

#[derive(Operation)]
#[operation(id = "ping", method = GET, path = "/ping", scope = none(ApiScope), status = 200)]
#[operation(output = (), error = SendError)]
pub struct PingRequest;

fn body_of<R: Exchange>(request: &R) -> Option<&R::Body> {
    request.body()
}

fn main() {
    let request = SendRequest::new(SendBody { phone: "+33".into() }).with_query(SendQuery { dry_run: Some(true) });
    assert_eq!(body_of(&request).map(|b| b.phone.as_str()), Some("+33"));
    assert_eq!(request.query_pairs(), [("dry_run".to_owned(), "true".to_owned())]);
    assert_eq!(SendRequest::SHAPE, Shape::Flat);
    assert!(SendRequest::SENDS_MESSAGE);
    let _: <SendRequest as Exchange>::Output = 7u64;

    assert_eq!(body_of(&PingRequest), None::<&()>);
    assert!(PingRequest.query_pairs().is_empty());
    assert_eq!(PingRequest::SHAPE, Shape::Data);
    assert!(!PingRequest::SENDS_MESSAGE);
}
