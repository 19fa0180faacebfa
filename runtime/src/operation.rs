//! Operation metadata (id, method, path template, scope, success status) derived by
//! `#[derive(Operation)]` on each request type, a row of it for tables of every operation, the
//! path rendering the client uses, and the operation's typed exchange (its body, query, data and
//! errors).

use core::fmt::{self, Write as _};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::scope::ScopeEnum;
use crate::value::WireEnum;

/// The HTTP methods the API uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

/// A request type of one API operation. Implemented by `#[derive(Operation)]`.
pub trait Operation {
    /// The scope enum of the API.
    type Scope: ScopeEnum;
    /// The stable operation id, snake_case (`get_contact`).
    const ID: &'static str;
    /// The HTTP method.
    const METHOD: Method;
    /// The path template relative to the base URL (`/contacts/{id}`).
    const PATH: &'static str;
    /// The names of the `{param}`s of [`Operation::PATH`], in template order.
    const PATH_PARAMS: &'static [&'static str];
    /// The scope a token needs, or `None` when the operation needs none.
    const SCOPE: Option<Self::Scope>;
    /// The HTTP status of a successful response.
    const SUCCESS_STATUS: u16;
    /// [`Operation::PATH`] with each `{param}` replaced by the `Display` value of the field of
    /// that name, percent-encoded as one path segment (see [`encode_path_segment`]).
    fn render_path(&self) -> String;
}

/// An operation's id, method and path template: a row of a table of every operation, for code
/// that matches requests outside the generated router (a proxy, a fault injector).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationInfo {
    /// [`Operation::ID`]
    pub id: &'static str,
    /// [`Operation::METHOD`]
    pub method: Method,
    /// [`Operation::PATH`]
    pub path: &'static str,
}

impl OperationInfo {
    /// The row of `O`, from its [`Operation`] constants.
    pub const fn of<O: Operation>() -> OperationInfo {
        OperationInfo { id: O::ID, method: O::METHOD, path: O::PATH }
    }
}

/// The typed exchange of an operation: the body its request sends, the query pairs, the data a
/// success answers and the error codes it documents. `#[derive(Operation)]` implements it when
/// `#[operation(output = T, error = E)]` names the types, so that a client sends any `Exchange`
/// with one generic function.
pub trait Exchange: Operation {
    /// The request body: the type of the field named `body`, `()` without one.
    type Body;
    /// The success data.
    type Output;
    /// The error codes the operation documents.
    type Error: WireEnum;
    /// Where the success data sits in the response body.
    const SHAPE: Shape = Shape::Data;
    /// The operation delivers a WhatsApp message: a client does not re-send it after a timeout
    /// unless told to.
    const SENDS_MESSAGE: bool = false;
    /// The body to send, `None` when the operation sends none.
    fn body(&self) -> Option<&Self::Body>;
    /// The query pairs to send: `to_pairs` of the field named `query`, none without one.
    fn query_pairs(&self) -> Vec<(String, String)>;
}

/// Where an operation's success data sits in the response body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `{success, message, data}`: the result is `data` (null when absent).
    Data,
    /// `{success, message, data: [...], meta, links}`: the result is the whole body, which
    /// [`Page`](crate::Page) decodes.
    List,
    /// `{success, message, ...}`: the result is the whole object.
    Flat,
    /// The body is the result.
    Bare,
}

impl Method {
    /// The method as written in an HTTP request line (`GET`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Percent-encodes `value` for use as one path segment: every byte outside the RFC 3986
/// unreserved characters (`A-Z a-z 0-9 - . _ ~`) becomes `%XX`, so `/`, `?`, `#`, `%` and spaces
/// in a value cannot change the shape of the URL.
///
/// ```
/// assert_eq!(wacr_runtime::operation::encode_path_segment("a b/c"), "a%20b%2Fc");
/// ```
pub fn encode_path_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    push_encoded(&mut out, value);
    out
}

/// Appends the percent-encoded `Display` value of a path parameter. Backs the derived
/// `render_path`.
#[doc(hidden)]
pub fn push_path_param<T: fmt::Display + ?Sized>(out: &mut String, value: &T) {
    write!(Encoder(out), "{value}").expect("a Display implementation returned an error");
}

/// Percent-encodes everything written through it.
struct Encoder<'a>(&'a mut String);

impl fmt::Write for Encoder<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        push_encoded(self.0, s);
        Ok(())
    }
}

/// What a path segment keeps as it is: the RFC 3986 unreserved characters.
pub(crate) const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

fn push_encoded(out: &mut String, value: &str) {
    out.extend(utf8_percent_encode(value, UNRESERVED));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreserved_characters_pass_through() {
        let unreserved = "AZaz09-._~";
        assert_eq!(encode_path_segment(unreserved), unreserved);
    }

    #[test]
    fn everything_else_is_encoded() {
        let cases = [
            ("a b", "a%20b"),
            ("a/b", "a%2Fb"),
            ("?x=1#f", "%3Fx%3D1%23f"),
            ("100%", "100%25"),
            ("+33 6", "%2B33%206"),
            ("é", "%C3%A9"),
            ("💬", "%F0%9F%92%AC"),
            ("", ""),
        ];
        for (input, encoded) in cases {
            assert_eq!(encode_path_segment(input), encoded, "input {input:?}");
        }
    }

    #[test]
    fn path_params_use_display_then_encode() {
        let mut out = String::from("/contacts/");
        push_path_param(&mut out, &42_u64);
        out.push('/');
        push_path_param(&mut out, "a/b c");
        assert_eq!(out, "/contacts/42/a%2Fb%20c");
    }

    #[test]
    fn method_names() {
        let methods = [
            Method::Get,
            Method::Post,
            Method::Put,
            Method::Patch,
            Method::Delete,
        ];
        let names: Vec<_> = methods.iter().map(ToString::to_string).collect();
        assert_eq!(names, ["GET", "POST", "PUT", "PATCH", "DELETE"]);
    }
}
