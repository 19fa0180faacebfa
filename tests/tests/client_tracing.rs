//! The client's `wacr.request` span covers its own work only: while a call waits for an answer,
//! an unrelated task on the same (single-threaded) runtime logs outside that span, and nothing
//! logged anywhere shows the token. Each attempt is a `debug` event before and after (operation,
//! method, status, duration, attempt, request id), each wait for a retry a `warn` (reason,
//! delay), and a wait longer than the cap a `warn` and the error, at once.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;
use wacr_client::{Client, RetryPolicy};

const TOKEN: &str = "wacr-tracing-token-81d2c4";

/// Every event as text: the names of the spans it is inside (outermost first), then its fields.
#[derive(Clone, Default)]
struct Events(Arc<Mutex<Vec<String>>>);

impl<S: tracing::Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Events {
    fn on_event(&self, event: &tracing::Event<'_>, ctx: Context<'_, S>) {
        let mut line = format!("{} ", event.metadata().level());
        for span in ctx.event_scope(event).into_iter().flat_map(|scope| scope.from_root()) {
            line.push_str(span.name());
            line.push_str(": ");
        }
        event.record(&mut |field: &tracing::field::Field, value: &dyn std::fmt::Debug| {
            line.push_str(&format!("{}={value:?} ", field.name()));
        });
        self.0.lock().unwrap().push(line);
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
    let events = Events::default();
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(events.clone()));

    let (in_flight, go) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let base = serve(in_flight.clone(), go.clone()).await;
    // Logs while the client's first attempt waits for its answer, then lets the server answer.
    let unrelated = tokio::spawn(async move {
        in_flight.notified().await;
        tracing::info!("unrelated task tick");
        go.notify_one();
    });
    let policy = RetryPolicy { initial_backoff: Duration::from_millis(1), max_backoff: Duration::from_millis(5), ..RetryPolicy::default() };
    let client = Client::builder().base_url(base).token(TOKEN).retry(policy).build().unwrap();
    let error = client.account().get().await.unwrap_err();
    unrelated.await.unwrap();
    assert_eq!(error.code_str(), Some("NOT_FOUND"));
    assert_eq!(error.api().map(|e| e.attempts), Some(2), "the 503 was retried");

    let logged = events.0.lock().unwrap().clone();
    let line = |needle: &str| logged.iter().find(|l| l.contains(needle)).unwrap_or_else(|| panic!("no `{needle}` in {logged:#?}")).clone();
    assert!(line("retrying").starts_with("WARN wacr.request: "), "the client's events are in its span: {logged:#?}");
    assert!(line("unrelated task tick").starts_with("INFO message="), "an unrelated task's event is in no span: {logged:#?}");
    assert!(!logged.iter().any(|l| l.contains(TOKEN)), "token leaked into logs");
}

/// Answers every request with `status`, `retry-after: {retry_after}` and `x-request-id: req-{n}`.
async fn answer(status: u16, retry_after: u64) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        for n in 0.. {
            let Ok((mut sock, _)) = listener.accept().await else { return };
            let mut chunk = [0u8; 4096];
            let _ = sock.read(&mut chunk).await;
            let body = r#"{"success":false,"message":"Too many","error":{"code":"RATE_LIMIT_EXCEEDED"}}"#;
            let reply = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\nretry-after: {retry_after}\r\nx-request-id: req-{n}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = sock.write_all(reply.as_bytes()).await;
        }
    });
    base
}

fn events_of(events: &Events, needle: &str) -> Vec<String> {
    events.0.lock().unwrap().iter().filter(|l| l.contains(needle)).cloned().collect()
}

#[tokio::test]
async fn each_attempt_and_each_wait_is_an_event() {
    let events = Events::default();
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(events.clone()));
    let base = answer(429, 0).await;
    let policy = RetryPolicy { max_attempts: 2, ..RetryPolicy::default() };
    let client = Client::builder().base_url(base).token(TOKEN).retry(policy).build().unwrap();
    let error = client.account().get().await.unwrap_err();
    assert_eq!(error.status(), Some(429));

    let requests = events_of(&events, "message=request ");
    assert_eq!(requests.len(), 2, "{requests:#?}");
    assert!(requests[0].starts_with("DEBUG wacr.request: "), "{requests:#?}");
    for field in ["operation=\"get_account_info\"", "method=\"GET\"", "attempt=1"] {
        assert!(requests[0].contains(field), "{field} in {requests:#?}");
    }
    let responses = events_of(&events, "message=response ");
    assert_eq!(responses.len(), 2, "{responses:#?}");
    for field in ["operation=\"get_account_info\"", "method=\"GET\"", "status=429", "duration_ms=", "attempt=2", "request_id=\"req-1\""] {
        assert!(responses[1].starts_with("DEBUG ") && responses[1].contains(field), "{field} in {responses:#?}");
    }
    let waits = events_of(&events, "message=retrying ");
    assert_eq!(waits.len(), 1, "one wait between two attempts: {waits:#?}");
    for field in ["WARN ", "reason=\"rate limited (429)\"", "delay_ms=0", "attempt=1"] {
        assert!(waits[0].contains(field), "{field} in {waits:#?}");
    }
    assert!(!events.0.lock().unwrap().iter().any(|l| l.contains(TOKEN)), "token leaked into logs");
}

#[tokio::test]
async fn a_wait_longer_than_the_cap_is_returned_at_once_with_a_warning() {
    let events = Events::default();
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(events.clone()));
    let base = answer(429, 60).await;
    let client = Client::builder().base_url(base).token(TOKEN).build().unwrap();
    let started = std::time::Instant::now();
    let error = client.account().get().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "not slept: {:?}", started.elapsed());
    assert_eq!(error.api().map(|e| (e.retry_after, e.attempts)), Some((Some(60), 1)));
    let refused = events_of(&events, "longer than the cap");
    assert_eq!(refused.len(), 1, "{:#?}", events.0.lock().unwrap());
    for field in ["WARN wacr.request: ", "delay_ms=60000", "cap_ms=10000", "reason=\"rate limited (429)\""] {
        assert!(refused[0].contains(field), "{field} in {refused:#?}");
    }
    assert!(events_of(&events, "message=retrying ").is_empty(), "no wait");
}
