//! Retries, timeouts, pagination streams and redaction against a local HTTP server on
//! 127.0.0.1 that misbehaves on purpose: 429 with Retry-After, 503 then 200, slow answers,
//! dropped connections. Time bounds are loose: the machine may be busy.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wacr_client::StreamExt as _;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wacr_client::models::{ContactType, CreateContactBody, GetContactQuery, ListContactsQuery, SendTextMessageBody, UpdateContactBody};
use wacr_client::{Client, RetryPolicy};

#[derive(Clone)]
enum Act {
    Reply(u16, Vec<(&'static str, String)>, serde_json::Value),
    /// Wait, then reply 200 with this body.
    Slow(Duration, serde_json::Value),
    /// Close the connection without answering.
    Drop,
}

struct Server {
    base: String,
    hits: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<String>>>,
}

/// Serves `script` in order, one act per request; the last act repeats.
async fn serve(script: Vec<Act>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(Mutex::new(Vec::new()));
    let (h, r) = (hits.clone(), requests.clone());
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else { return };
            let n = h.fetch_add(1, Ordering::SeqCst);
            let act = script[n.min(script.len() - 1)].clone();
            let r = r.clone();
            tokio::spawn(async move { handle(sock, act, r).await });
        }
    });
    Server { base, hits, requests }
}

async fn read_request(sock: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    while let Ok(n) = sock.read(&mut chunk).await {
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf);
        if let Some(end) = text.find("\r\n\r\n") {
            let len = text[..end]
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").and_then(|v| v.trim().parse::<usize>().ok()))
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                break;
            }
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

async fn handle(mut sock: TcpStream, act: Act, log: Arc<Mutex<Vec<String>>>) {
    let req = read_request(&mut sock).await;
    log.lock().unwrap().push(req);
    let (status, headers, body) = match act {
        Act::Drop => return,
        Act::Slow(d, body) => {
            tokio::time::sleep(d).await;
            (200, Vec::new(), body)
        }
        Act::Reply(s, h, b) => (s, h, b),
    };
    let body = body.to_string();
    let mut reply = format!("HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
    for (k, v) in headers {
        reply.push_str(&format!("{k}: {v}\r\n"));
    }
    reply.push_str("\r\n");
    reply.push_str(&body);
    let _ = sock.write_all(reply.as_bytes()).await;
}

const TOKEN: &str = "wacr-test-token-5f1c9e";

fn fast_retries() -> RetryPolicy {
    RetryPolicy { max_attempts: 3, initial_backoff: Duration::from_millis(10), max_backoff: Duration::from_millis(50), ..RetryPolicy::default() }
}

fn client(base: &str) -> Client {
    Client::builder()
        .base_url(base)
        .token(TOKEN)
        .retry(fast_retries())
        .timeout(Some(Duration::from_secs(5)))
        .build()
        .unwrap()
}

fn ok(data: serde_json::Value) -> Act {
    Act::Reply(200, vec![("x-request-id", "req-1".into()), ("x-ratelimit-limit", "60".into()), ("x-ratelimit-remaining", "59".into())], json!({"success": true, "message": "ok", "data": data}))
}

fn err(status: u16, code: &str, headers: Vec<(&'static str, String)>) -> Act {
    Act::Reply(status, headers, json!({"success": false, "message": "no", "error": {"code": code, "details": null}}))
}

fn account() -> serde_json::Value {
    json!({"id": 1, "name": "Acme", "subdomain": "acme", "status": "active", "created_at": "2026-01-01T00:00:00Z",
           "subscription": {"plan_name": "Free", "plan_id": null, "status": null, "expires_at": null}})
}

#[tokio::test]
async fn retries_429_honouring_retry_after_then_succeeds() {
    let s = serve(vec![err(429, "RATE_LIMIT_EXCEEDED", vec![("retry-after", "1".into())]), ok(account())]).await;
    let started = Instant::now();
    let success = client(&s.base).execute_with_meta(wacr_client::models::GetAccountInfoRequest::new()).await.unwrap();
    assert_eq!(s.hits.load(Ordering::SeqCst), 2);
    assert_eq!(success.attempts, 2);
    assert!(started.elapsed() >= Duration::from_millis(900), "waited for Retry-After: {:?}", started.elapsed());
    assert_eq!(success.request_id.as_deref(), Some("req-1"));
    assert_eq!(success.rate_limit.limit, Some(60));
    assert_eq!(success.rate_limit.remaining, Some(59));
}

#[tokio::test]
async fn retries_503_twice_then_succeeds() {
    let s = serve(vec![err(503, "INTERNAL_ERROR", vec![]), err(503, "INTERNAL_ERROR", vec![]), ok(account())]).await;
    client(&s.base).account().get().await.unwrap();
    assert_eq!(s.hits.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn gives_up_after_max_attempts_with_the_last_typed_error() {
    let s = serve(vec![err(503, "INTERNAL_ERROR", vec![])]).await;
    let e = client(&s.base).account().get().await.unwrap_err();
    assert_eq!(s.hits.load(Ordering::SeqCst), 3);
    let api = e.api().unwrap();
    assert_eq!((api.status, api.attempts), (503, 3));
    assert!(e.is_retryable());
}

#[tokio::test]
async fn retries_500_on_get_but_not_on_post() {
    let s = serve(vec![err(500, "INTERNAL_ERROR", vec![]), ok(account())]).await;
    client(&s.base).account().get().await.unwrap();
    assert_eq!(s.hits.load(Ordering::SeqCst), 2, "GET is retried on 500");

    let s = serve(vec![err(500, "INTERNAL_ERROR", vec![])]).await;
    let e = client(&s.base).contacts().create(contact_body()).await.unwrap_err();
    assert_eq!(s.hits.load(Ordering::SeqCst), 1, "POST is not retried on 500");
    assert_eq!(e.status(), Some(500));
}

#[tokio::test]
async fn never_retries_other_4xx() {
    for (status, code) in [(401, "UNAUTHORIZED"), (403, "INSUFFICIENT_SCOPE"), (404, "NOT_FOUND"), (422, "VALIDATION_ERROR")] {
        let s = serve(vec![err(status, code, vec![])]).await;
        let e = client(&s.base).contacts().get(1, GetContactQuery::default()).await.unwrap_err();
        assert_eq!(s.hits.load(Ordering::SeqCst), 1, "{status} is not retried");
        assert_eq!(e.code_str(), Some(code));
        assert!(!e.is_retryable());
    }
}

#[tokio::test]
async fn dropped_connection_is_retried_for_reads() {
    let s = serve(vec![Act::Drop, ok(account())]).await;
    client(&s.base).account().get().await.unwrap();
    assert_eq!(s.hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn timeouts_are_retried_for_reads_and_overridable_per_call() {
    let s = serve(vec![Act::Slow(Duration::from_secs(3), json!({"success": true, "message": "ok", "data": account()}))]).await;
    let started = Instant::now();
    let e = client(&s.base).with_timeout(Duration::from_millis(200)).account().get().await.unwrap_err();
    assert!(e.is_timeout(), "{e}");
    assert_eq!(s.hits.load(Ordering::SeqCst), 3);
    assert!(started.elapsed() < Duration::from_secs(3), "per-call timeout applied: {:?}", started.elapsed());
}

fn text_body() -> SendTextMessageBody {
    SendTextMessageBody::new("+15550100", "Hello @{contact_first_name}")
}

#[tokio::test]
async fn a_message_send_is_never_sent_twice_unless_opted_in() {
    let slow = Act::Slow(Duration::from_secs(3), json!({}));
    let s = serve(vec![slow.clone()]).await;
    let e = client(&s.base).with_timeout(Duration::from_millis(200)).messages().send_text(text_body()).await.unwrap_err();
    assert!(e.is_timeout());
    assert_eq!(s.hits.load(Ordering::SeqCst), 1, "a send that may have been delivered is not repeated");

    let s = serve(vec![Act::Drop]).await;
    client(&s.base).messages().send_text(text_body()).await.unwrap_err();
    assert_eq!(s.hits.load(Ordering::SeqCst), 1, "a dropped send is not repeated");

    let s = serve(vec![slow]).await;
    let opt_in = RetryPolicy { retry_message_sends: true, ..fast_retries() };
    client(&s.base).with_timeout(Duration::from_millis(200)).with_retry(opt_in).messages().send_text(text_body()).await.unwrap_err();
    assert_eq!(s.hits.load(Ordering::SeqCst), 3, "opted in: retried");

    let s = serve(vec![err(429, "RATE_LIMIT_EXCEEDED", vec![("retry-after", "0".into())]), err(503, "INTERNAL_ERROR", vec![]), err(422, "VALIDATION_ERROR", vec![])]).await;
    client(&s.base).messages().send_text(text_body()).await.unwrap_err();
    assert_eq!(s.hits.load(Ordering::SeqCst), 3, "429 and 503 were not processed: safe to resend");
}

fn contact_body() -> CreateContactBody {
    CreateContactBody::new("Jane", "Doe", "+15550100", ContactType::Lead, 1, 1)
}

#[tokio::test]
async fn a_post_that_may_have_reached_the_server_is_not_repeated() {
    let slow = Act::Slow(Duration::from_secs(3), json!({}));
    let s = serve(vec![slow]).await;
    let e = client(&s.base).with_timeout(Duration::from_millis(200)).contacts().create(contact_body()).await.unwrap_err();
    assert!(e.is_timeout(), "{e}");
    assert_eq!(s.hits.load(Ordering::SeqCst), 1, "a create that timed out after sending is not repeated");

    let s = serve(vec![Act::Drop, ok(json!({}))]).await;
    client(&s.base).contacts().create(contact_body()).await.unwrap_err();
    assert_eq!(s.hits.load(Ordering::SeqCst), 1, "a create whose connection dropped is not repeated");

    let s = serve(vec![Act::Drop, ok(json!({}))]).await;
    client(&s.base).contacts().update(7, UpdateContactBody::default()).await.unwrap_err();
    assert_eq!(s.hits.load(Ordering::SeqCst), 1, "PATCH is not idempotent either");
}

#[tokio::test]
async fn idempotent_methods_are_repeated_after_a_drop_or_a_timeout() {
    let s = serve(vec![Act::Drop, Act::Reply(200, vec![], json!({"success": true, "message": "Deleted", "data": null}))]).await;
    client(&s.base).contacts().delete(7).await.unwrap();
    assert_eq!(s.hits.load(Ordering::SeqCst), 2, "DELETE is repeated after a dropped connection");

    let s = serve(vec![Act::Slow(Duration::from_secs(3), json!({})), ok(account())]).await;
    client(&s.base).with_timeout(Duration::from_millis(200)).account().get().await.unwrap();
    assert_eq!(s.hits.load(Ordering::SeqCst), 2, "GET is repeated after a timeout");
}

#[tokio::test]
async fn a_post_declared_idempotent_for_the_call_is_repeated() {
    let s = serve(vec![Act::Drop, err(500, "INTERNAL_ERROR", vec![]), err(422, "VALIDATION_ERROR", vec![])]).await;
    let e = client(&s.base).idempotent().contacts().create(contact_body()).await.unwrap_err();
    assert_eq!(s.hits.load(Ordering::SeqCst), 3, "opted in: repeated after the drop and the 500");
    assert_eq!(e.code_str(), Some("VALIDATION_ERROR"));

    let s = serve(vec![Act::Drop]).await;
    let c = client(&s.base);
    let _ = c.idempotent();
    c.contacts().create(contact_body()).await.unwrap_err();
    assert_eq!(s.hits.load(Ordering::SeqCst), 1, "the opt-in holds for the calls made through it only");

    let s = serve(vec![Act::Drop]).await;
    client(&s.base).idempotent().messages().send_text(text_body()).await.unwrap_err();
    assert_eq!(s.hits.load(Ordering::SeqCst), 1, "a message send keeps its own rule (retry_message_sends)");
}

#[tokio::test]
async fn a_post_answered_429_or_503_is_repeated_as_the_server_did_not_act() {
    let s = serve(vec![
        err(429, "RATE_LIMIT_EXCEEDED", vec![("retry-after", "0".into())]),
        err(503, "INTERNAL_ERROR", vec![("retry-after", "0".into())]),
        ok(json!({})),
    ])
    .await;
    client(&s.base).contacts().create(contact_body()).await.unwrap_err();
    assert_eq!(s.hits.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_wait_longer_than_the_cap_is_the_error() {
    let s = serve(vec![err(429, "RATE_LIMIT_EXCEEDED", vec![("retry-after", "60".into())]), ok(account())]).await;
    let started = Instant::now();
    let e = client(&s.base).account().get().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "returned at once: {:?}", started.elapsed());
    assert_eq!(s.hits.load(Ordering::SeqCst), 1, "the default cap (10 s) is below 60 s");
    assert_eq!((e.status(), e.api().unwrap().retry_after), (Some(429), Some(60)));

    let s = serve(vec![err(429, "RATE_LIMIT_EXCEEDED", vec![("retry-after", "2".into())]), ok(account())]).await;
    let capped = Client::builder().base_url(&s.base).token(TOKEN).retry(fast_retries()).max_retry_wait(Duration::from_secs(1)).build().unwrap();
    capped.account().get().await.unwrap_err();
    assert_eq!(s.hits.load(Ordering::SeqCst), 1, "a cap of 1 s refuses a 2 s wait");
}

#[tokio::test]
async fn retry_disabled_and_long_retry_after_return_at_once() {
    let s = serve(vec![err(503, "INTERNAL_ERROR", vec![])]).await;
    client(&s.base).with_retry(RetryPolicy::disabled()).account().get().await.unwrap_err();
    assert_eq!(s.hits.load(Ordering::SeqCst), 1);

    let body = json!({"success": false, "message": "Too many", "error": {"code": "RATE_LIMIT_EXCEEDED", "details": {"retry_after": 240}}});
    let s = serve(vec![Act::Reply(429, vec![], body)]).await;
    let started = Instant::now();
    let e = client(&s.base).account().get().await.unwrap_err();
    assert_eq!(s.hits.load(Ordering::SeqCst), 1, "a 4-minute wait is the caller's decision");
    assert_eq!(e.api().unwrap().retry_after, Some(240));
    assert!(started.elapsed() < Duration::from_secs(2));
}

fn page(n: i64, last: i64) -> Act {
    let items: Vec<_> = (0..2)
        .map(|i| json!({"id": n * 10 + i, "firstname": "F", "lastname": "L", "company": null, "type": "lead", "email": null,
            "phone": null, "status_id": 1, "source_id": 1, "description": null, "city": null, "state": null, "zip": null,
            "address": null, "country_id": null, "assigned_id": null, "group_id": [], "is_opted_out": false,
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}))
        .collect();
    Act::Reply(200, vec![], json!({"success": true, "message": "ok", "data": items,
        "meta": {"current_page": n, "per_page": 2, "total": last * 2, "last_page": last, "from": 1, "to": 2},
        "links": {"first": "f", "last": "l", "prev": null, "next": null}}))
}

#[tokio::test]
async fn list_all_streams_every_item_across_pages_with_the_same_filters() {
    let s = serve(vec![page(1, 3), page(2, 3), page(3, 3)]).await;
    let mut query = ListContactsQuery { per_page: Some(2), search: Some("jane".into()), ..Default::default() };
    query.filters.status_id.push(wacr_client::models::Filter::eq(4));
    let ids: Vec<i64> = client(&s.base).contacts().list_all(query).map(|c| c.unwrap().id).collect().await;
    assert_eq!(ids, [10, 11, 20, 21, 30, 31]);
    let reqs = s.requests.lock().unwrap();
    assert_eq!(reqs.len(), 3, "stopped after the last page");
    for (i, r) in reqs.iter().enumerate() {
        let line = r.lines().next().unwrap();
        assert!(line.contains(&format!("page={}", i + 1)) && line.contains("search=jane") && line.contains("filter%5Bstatus_id%5D=4"), "{line}");
    }
}

#[tokio::test]
async fn list_pages_is_lazy() {
    let s = serve(vec![page(1, 50), page(2, 50)]).await;
    let first = Box::pin(client(&s.base).contacts().list_pages(ListContactsQuery::default())).next().await.unwrap().unwrap();
    assert_eq!(first.meta.current_page, 1);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(s.hits.load(Ordering::SeqCst), 1, "only the page asked for was fetched");
}

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

#[tokio::test]
async fn the_token_never_appears_in_debug_display_logs_or_errors() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_writer(move || writer.clone()).finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let s = serve(vec![err(503, "INTERNAL_ERROR", vec![]), err(401, "UNAUTHORIZED", vec![]), Act::Drop]).await;
    let c = client(&s.base);
    let e1 = c.account().get().await.unwrap_err();
    let e2 = c.with_retry(RetryPolicy::disabled()).account().get().await.unwrap_err();
    let any: wacr_client::AnyError = e2.into();
    let everything = format!("{c:?} {e1:?} {e1} {any:?} {any} {:?}", Client::builder().token(TOKEN));
    assert!(!everything.contains(TOKEN), "token leaked: {everything}");
    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(logged.contains("wacr.request"), "requests are traced: {logged}");
    assert!(logged.contains("get_account_info"), "spans name the operation: {logged}");
    assert!(!logged.contains(TOKEN), "token leaked into logs");
    // the token was sent, in the Authorization header only
    let reqs = s.requests.lock().unwrap();
    assert!(reqs.iter().all(|r| r.contains(&format!("authorization: Bearer {TOKEN}")) || r.contains(&format!("Authorization: Bearer {TOKEN}"))));
    assert!(reqs.iter().all(|r| !r.lines().next().unwrap().contains(TOKEN)), "never in the URL");
}

#[cfg(feature = "blocking")]
#[test]
fn blocking_facade_executes_requests() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = rt.block_on(serve(vec![err(503, "INTERNAL_ERROR", vec![]), ok(account())]));
    let blocking = wacr_client::blocking::Client::new(client(&s.base));
    let account = blocking.execute(wacr_client::models::GetAccountInfoRequest::new()).unwrap();
    assert_eq!(account.name, "Acme");
    assert_eq!(s.hits.load(Ordering::SeqCst), 2);
    let account = blocking.account().get().unwrap();
    assert_eq!(account.name, "Acme", "the per-group methods of the async client, blocking");
    assert_eq!(s.hits.load(Ordering::SeqCst), 3);
}

#[cfg(feature = "blocking")]
#[test]
fn blocking_list_pages_and_list_all_iterate_fetching_each_page_when_reached() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = rt.block_on(serve(vec![page(1, 3), page(2, 3), page(3, 3)]));
    let blocking = wacr_client::blocking::Client::new(client(&s.base));
    let mut pages = blocking.contacts().list_pages(ListContactsQuery::default());
    assert_eq!(pages.next().unwrap().unwrap().meta.current_page, 1);
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(s.hits.load(Ordering::SeqCst), 1, "only the page asked for was fetched");
    assert_eq!(pages.map(|p| p.unwrap().meta.current_page).collect::<Vec<_>>(), [2, 3]);

    let s = rt.block_on(serve(vec![page(1, 3), page(2, 3), page(3, 3)]));
    let blocking = wacr_client::blocking::Client::new(client(&s.base));
    let query = ListContactsQuery { per_page: Some(2), search: Some("jane".into()), ..Default::default() };
    let ids: Vec<i64> = blocking.contacts().list_all(query).map(|c| c.unwrap().id).collect();
    assert_eq!(ids, [10, 11, 20, 21, 30, 31]);
    let reqs = s.requests.lock().unwrap();
    assert_eq!(reqs.len(), 3, "stopped after the last page");
    assert!(reqs.iter().all(|r| r.lines().next().unwrap().contains("search=jane")), "every page with the same query");
}

#[cfg(feature = "blocking")]
#[test]
fn blocking_calls_take_the_per_call_options_of_the_async_client() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = rt.block_on(serve(vec![Act::Drop, err(500, "INTERNAL_ERROR", vec![]), err(422, "VALIDATION_ERROR", vec![])]));
    let blocking = wacr_client::blocking::Client::new(client(&s.base));
    let e = blocking.idempotent().contacts().create(contact_body()).unwrap_err();
    assert_eq!(s.hits.load(Ordering::SeqCst), 3, "idempotent: repeated after the drop and the 500");
    assert_eq!(e.code_str(), Some("VALIDATION_ERROR"));

    let s = rt.block_on(serve(vec![Act::Drop]));
    let blocking = wacr_client::blocking::Client::new(client(&s.base));
    blocking.contacts().create(contact_body()).unwrap_err();
    assert_eq!(s.hits.load(Ordering::SeqCst), 1, "by default a dropped POST is not repeated");

    let s = rt.block_on(serve(vec![Act::Slow(Duration::from_secs(3), json!({"success": true, "message": "ok", "data": account()}))]));
    let blocking = wacr_client::blocking::Client::new(client(&s.base));
    let started = Instant::now();
    let e = blocking.with_timeout(Duration::from_millis(200)).with_retry(RetryPolicy::disabled()).account().get().unwrap_err();
    assert!(e.is_timeout(), "{e}");
    assert!(started.elapsed() < Duration::from_secs(2), "the per-call timeout applied: {:?}", started.elapsed());
    assert_eq!(s.hits.load(Ordering::SeqCst), 1, "and the per-call retry policy");
}
