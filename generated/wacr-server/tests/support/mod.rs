//! Test support for the generated router: serve it on 127.0.0.1:0 and talk raw HTTP/1.1 to
//! it, so the tests see exactly the bytes a client would (status, headers, envelope).

#![allow(dead_code)]

use std::net::SocketAddr;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wacr_models::{Method, Operation, ScopeEnum};

/// The token the tests' authenticators map to a principal without any scope.
pub const NO_SCOPE_TOKEN: &str = "no-scope-token";

/// A running server.
pub struct Server {
    pub addr: SocketAddr,
}

/// Serves `router` on a free port for the rest of the test.
pub async fn serve(router: wacr_server::axum::Router) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move { wacr_server::axum::serve(listener, router).await.expect("serve") });
    Server { addr }
}

/// One response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub text: String,
    /// The body as JSON (`Value::Null` when it is not JSON).
    pub json: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Asserts the error envelope: status, `success: false`, `error.code`.
    pub fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "status of {}", self.text);
        assert_eq!(self.json["success"], false, "{}", self.text);
        assert_eq!(self.json["error"]["code"], code, "{}", self.text);
        assert!(self.json["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", self.text);
    }

    /// The messages of `field` in `errors`.
    pub fn field_errors(&self, field: &str) -> Vec<String> {
        let messages = self.json["errors"][field].as_array().cloned().unwrap_or_default();
        messages.iter().filter_map(|m| m.as_str().map(str::to_owned)).collect()
    }
}

/// Sends one request; `token` becomes `Authorization: Bearer <token>`.
pub async fn send(server: &Server, method: &str, path: &str, token: Option<&str>, content_type: Option<&str>, body: &[u8]) -> Reply {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n", server.addr, body.len());
    if let Some(token) = token {
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    if let Some(content_type) = content_type {
        head.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    head.push_str("\r\n");
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    stream.write_all(head.as_bytes()).await.expect("write head");
    stream.write_all(body).await.expect("write body");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read response");
    parse(&raw)
}

/// `send` with a JSON body.
pub async fn json(server: &Server, method: &str, path: &str, token: &str, body: &Value) -> Reply {
    send(server, method, path, Some(token), Some("application/json"), body.to_string().as_bytes()).await
}

/// `send` without a body.
pub async fn get(server: &Server, path: &str, token: &str) -> Reply {
    send(server, "GET", path, Some(token), None, b"").await
}

fn parse(raw: &[u8]) -> Reply {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).expect("a status line");
    let headers: Vec<(String, String)> = lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned())).collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    let text = String::from_utf8_lossy(&body).into_owned();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply { status, headers, text, json }
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = body.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&body[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&body[end + 2..end + 2 + size]);
        body = &body[end + 2 + size + 2..];
    }
    out
}

/// One operation of the auth matrix, from its `Operation` metadata.
pub struct Case {
    pub id: &'static str,
    pub method: Method,
    pub path: &'static str,
    pub scope: Option<&'static str>,
}

pub fn case<R: Operation>(path: &'static str) -> Case {
    Case { id: R::ID, method: R::METHOD, path, scope: R::SCOPE.map(ScopeEnum::as_str) }
}

/// No token and an unknown token: 401; a token without the scope: 403 naming the scope (or,
/// for an operation without a scope, anything but 401/403).
pub async fn check_auth(server: &Server, case: &Case) {
    let method = case.method.as_str();
    let (ct, body) = (Some("application/json"), &b"{}"[..]);
    let none = send(server, method, case.path, None, ct, body).await;
    assert_eq!((case.id, none.status, none.json["error"]["code"].as_str()), (case.id, 401, Some("UNAUTHORIZED")), "{}", none.text);
    let wrong = send(server, method, case.path, Some("wrong-token"), ct, body).await;
    assert_eq!((case.id, wrong.status, wrong.json["error"]["code"].as_str()), (case.id, 401, Some("UNAUTHORIZED")), "{}", wrong.text);
    let scopeless = send(server, method, case.path, Some(NO_SCOPE_TOKEN), ct, body).await;
    match case.scope {
        Some(scope) => {
            scopeless.assert_error(403, "INSUFFICIENT_SCOPE");
            assert_eq!(scopeless.json["error"]["details"]["required_scope"], scope, "{}: {}", case.id, scopeless.text);
        }
        None => assert!(![401, 403].contains(&scopeless.status), "{} needs no scope: {}", case.id, scopeless.text),
    }
}
