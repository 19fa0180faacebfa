//! The client's `wacr.request` span covers its own work only: while a call waits for an answer,
//! an unrelated task on the same (single-threaded) runtime logs outside that span, and nothing
//! logged anywhere shows the token.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use wacr_client::{Client, RetryPolicy};

const TOKEN: &str = "wacr-tracing-token-81d2c4";

/// A tracing writer that keeps everything logged.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Answers the first request with 503 once `go` is notified (after notifying `in_flight`), and
/// every later one with 404 NOT_FOUND at once.
async fn serve(in_flight: Arc<Notify>, go: Arc<Notify>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        for n in 0.. {
            let Ok((mut sock, _)) = listener.accept().await else { return };
            let mut head = Vec::new();
            let mut chunk = [0u8; 4096];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match sock.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(read) => head.extend_from_slice(&chunk[..read]),
                }
            }
            let (status, code) = if n == 0 {
                in_flight.notify_one();
                go.notified().await;
                (503, "INTERNAL_ERROR")
            } else {
                (404, "NOT_FOUND")
            };
            let body = format!(r#"{{"success":false,"message":"no","error":{{"code":"{code}"}}}}"#);
            let reply = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = sock.write_all(reply.as_bytes()).await;
        }
    });
    base
}

#[tokio::test]
async fn an_unrelated_task_logs_outside_the_request_span() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let (in_flight, go) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let base = serve(in_flight.clone(), go.clone()).await;
    // Logs while the client's first attempt waits for its answer, then lets the server answer.
    let unrelated = tokio::spawn(async move {
        in_flight.notified().await;
        tracing::info!("unrelated task tick");
        go.notify_one();
    });
    let policy = RetryPolicy { initial_backoff: Duration::from_millis(1), max_backoff: Duration::from_millis(5), ..RetryPolicy::default() };
    let client = Client::builder().base_url(base).token(TOKEN).retry(policy).build().map(Client::from_transport).unwrap();
    let error = client.account().get().await.unwrap_err();
    unrelated.await.unwrap();
    assert_eq!(error.code_str(), Some("NOT_FOUND"));
    assert_eq!(error.api().map(|e| e.attempts), Some(2), "the 503 was retried");

    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let line = |needle: &str| logged.lines().find(|l| l.contains(needle)).unwrap_or_else(|| panic!("no `{needle}` in {logged}")).to_owned();
    let retrying = line("retrying");
    assert!(retrying.contains("wacr.request") && retrying.contains("get_account_info"), "the client's events are in its span: {retrying}");
    let tick = line("unrelated task tick");
    assert!(!tick.contains("wacr.request"), "an unrelated task's event is outside the client's span: {tick}");
    assert!(!logged.contains(TOKEN), "token leaked into logs");
}
