//! Serving a router on a TCP listener, with the connection-level bounds of [`Config`] that
//! axum's `serve` has no setting for: a header read timeout (a client that trickles its
//! headers is disconnected), and the error envelope on the few answers hyper writes itself
//! (414 URI too long, 431 headers too large, 400 unparsable request), which never reach the
//! router. Connections are HTTP/1.1, as with the `http1` feature of axum; each request carries
//! its client's address as axum's `ConnectInfo<SocketAddr>`, as `into_make_service_with_connect_info`
//! gives it. A response marked [`DropConnection`] is not written: its connection is closed, as a
//! crashed or cut-off server would leave it (fault injection).

use std::convert::Infallible;
use std::io;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::StatusCode;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;

use super::config::Config;
use super::envelope::{Conventions, ErrorBody, to_bytes};

/// Serves `router` on `listener` until `shutdown` completes, then lets the requests in flight
/// finish. `config` gives the header read timeout; `conventions` the envelope of hyper's own
/// error answers.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    config: &Config,
    conventions: &'static Conventions,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(config.header_read_timeout);
    let graceful = GracefulShutdown::new();
    let mut shutdown = pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(&e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Responses are written whole; waiting for more bytes to fill a segment only delays them.
        let _ = stream.set_nodelay(true);
        let io = TokioIo::new(OwnErrors { io: stream, conventions, pending: Vec::new(), written: 0 });
        let service = tower::ServiceExt::map_request(router.clone(), move |mut request: axum::http::Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            request
        });
        let service = tower::ServiceExt::map_result(service, drop_marked);
        let connection = graceful.watch(http.serve_connection(io, TowerToHyperService::new(service)));
        tokio::spawn(async move {
            // A connection's error (a reset, a timeout) concerns only that connection.
            let _ = connection.await;
        });
    }
    graceful.shutdown().await;
    Ok(())
}

/// The mark of a response whose connection [`serve`] closes instead of writing it: the client
/// sees the connection end without an answer. A server that does not know the mark (such as
/// `axum::serve`) writes the response as it is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DropConnection;

/// What hyper gets in place of a response marked [`DropConnection`]: a service error, on which
/// it closes the connection without writing anything more.
#[derive(Debug, thiserror::Error)]
#[error("the response was marked to drop its connection")]
struct Dropped;

/// The router never fails to be ready; `map_result` needs the conversion all the same.
impl From<Infallible> for Dropped {
    fn from(never: Infallible) -> Dropped {
        match never {}
    }
}

fn drop_marked(result: Result<axum::response::Response, Infallible>) -> Result<axum::response::Response, Dropped> {
    let Ok(response) = result;
    match response.extensions().get::<DropConnection>() {
        Some(DropConnection) => Err(Dropped),
        None => Ok(response),
    }
}

/// After a failed accept: a connection that failed before it was accepted is skipped; anything
/// else (such as too many open files) is waited out for a second, as axum's `serve` does.
async fn accept_failed(error: &io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if !matches!(error.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset) {
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// A connection whose writes pass through, except an error answer hyper writes itself: a
/// response head of status 4xx without a content type (every response of the router has one)
/// is replaced by the same status with the error envelope. hyper closes the connection after
/// such an answer, so the longer response cannot disturb the framing of a later one.
struct OwnErrors<IO> {
    io: IO,
    conventions: &'static Conventions,
    /// The replacement response, and how much of it is written.
    pending: Vec<u8>,
    written: usize,
}

impl<IO: AsyncWrite + Unpin> OwnErrors<IO> {
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.written < self.pending.len() {
            let n = ready!(Pin::new(&mut self.io).poll_write(cx, &self.pending[self.written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.written += n;
        }
        Poll::Ready(Ok(()))
    }

    /// Takes `buf` in place of the inner writer when it is hyper's own error head.
    fn replace(&mut self, buf: &[u8]) -> bool {
        let Some(status) = own_error_status(buf) else { return false };
        self.pending = envelope_response(self.conventions, status);
        self.written = 0;
        true
    }
}

/// The status of `buf` when it is a response head hyper wrote for a request it could not
/// parse: `HTTP/1.x 4xx`, with no content type.
fn own_error_status(buf: &[u8]) -> Option<u16> {
    let rest = buf.strip_prefix(b"HTTP/1.1 ").or_else(|| buf.strip_prefix(b"HTTP/1.0 "))?;
    let status: u16 = std::str::from_utf8(rest.get(..3)?).ok()?.parse().ok()?;
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
    ((400..500).contains(&status) && !head.contains("\r\ncontent-type:")).then_some(status)
}

/// A whole `Connection: close` response of `status` with its error envelope.
fn envelope_response(conventions: &Conventions, status: u16) -> Vec<u8> {
    let code = conventions.code_for_status(status);
    let body = to_bytes(&ErrorBody::glue(&code).to_json(&conventions.envelope)).unwrap_or_else(|_| b"{}".to_vec());
    let reason = StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Error");
    let head = format!("HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len());
    [head.into_bytes(), body].concat()
}

impl<IO: AsyncRead + Unpin> AsyncRead for OwnErrors<IO> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for OwnErrors<IO> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        ready!(self.drain(cx))?;
        if self.replace(buf) {
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(mut self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        ready!(self.drain(cx))?;
        // A head is the first slice of a response; hyper accepts a partial write of the rest.
        if let Some(first) = bufs.iter().find(|b| !b.is_empty())
            && self.replace(first)
        {
            return Poll::Ready(Ok(first.len()));
        }
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::testing::CONVENTIONS;

    #[test]
    fn only_hyper_error_heads_are_replaced() {
        assert_eq!(own_error_status(b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\ndate: x\r\n\r\n"), Some(414));
        assert_eq!(own_error_status(b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n\r\n"), None);
        assert_eq!(own_error_status(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"), None);
        assert_eq!(own_error_status(b"{\"success\":false}"), None);
        let response = String::from_utf8(envelope_response(&CONVENTIONS, 414)).unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 414 URI Too Long\r\ncontent-type: application/json\r\n"), "{head}");
        assert!(head.contains(&format!("content-length: {}", body.len())));
        assert_eq!(body, r#"{"success":false,"message":"URI too long","error":{"code":"URI_TOO_LONG"}}"#);
    }

    /// A marked response is never written: the connection ends without a byte, while the
    /// same server answers an unmarked request on another connection.
    #[tokio::test]
    async fn a_response_marked_drop_connection_closes_the_connection_unanswered() {
        use axum::response::IntoResponse;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let router = Router::new()
            .route("/drop", axum::routing::get(|| async { (axum::Extension(DropConnection), "never sent").into_response() }))
            .route("/ok", axum::routing::get(|| async { "ok" }));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { serve(listener, router, &Config::default(), &CONVENTIONS, std::future::pending()).await });
        let exchange = |path: &'static str| async move {
            let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
            stream.write_all(format!("GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").as_bytes()).await.unwrap();
            let mut bytes = Vec::new();
            // a reset instead of an orderly close is as good: nothing was answered
            let _ = stream.read_to_end(&mut bytes).await;
            String::from_utf8(bytes).unwrap()
        };
        assert_eq!(exchange("/drop").await, "");
        assert!(exchange("/ok").await.starts_with("HTTP/1.1 200 OK"));
    }
}
