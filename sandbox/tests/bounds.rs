//! Bounded work (issue 18): a client that trickles its headers or its body is cut off, bodies
//! over the limit and over-long URIs get the error envelope, the concurrency limit holds, and a
//! batch of 20,000 invalid items is answered quickly with a capped, bounded error; a request
//! whose client goes away is dropped.

mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{Options, Sandbox, start_with};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SHORT: Duration = Duration::from_millis(300);

async fn start(server: wacr_server::Config) -> Sandbox {
    start_with(Options { server, ..Options::default() }).await
}

/// The path of `path` as the sandbox serves it (with any prefix of its base URL).
fn full_path(sb: &Sandbox, path: &str) -> String {
    let url = sb.url(path);
    let rest = url.strip_prefix("http://").unwrap_or(&url);
    rest[rest.find('/').unwrap_or(rest.len())..].to_owned()
}

async fn connect(sb: &Sandbox) -> TcpStream {
    TcpStream::connect(sb.running.addr).await.unwrap()
}

/// A Create Contact that announces 100 bytes of body and sends only `sent`.
fn stalled_create(sb: &Sandbox, sent: &str) -> String {
    let (path, token) = (full_path(sb, "/contacts"), sb.token("default"));
    format!("POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{sent}")
}

/// Everything the server sends until it closes the connection (at most 5 s).
async fn read_to_close(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut out)).await.expect("the server closes the connection").ok();
    String::from_utf8_lossy(&out).into_owned()
}

/// The status and JSON body of a raw HTTP/1.1 response.
fn parse(response: &str) -> (u16, Value) {
    let status = response.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_connection_that_trickles_its_headers_is_closed() {
    let sb = start(wacr_server::Config::default().with_header_read_timeout(Some(SHORT))).await;
    let mut stream = connect(&sb).await;
    let started = Instant::now();
    stream.write_all(b"GET /account HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    read_to_close(&mut stream).await;
    let waited = started.elapsed();
    assert!(waited >= SHORT - Duration::from_millis(50) && waited < Duration::from_secs(3), "closed after {waited:?}");
}

#[tokio::test]
async fn a_body_that_stops_coming_gets_408_and_the_connection_closes() {
    let sb = start(wacr_server::Config::default().with_body_read_timeout(Some(SHORT))).await;
    let mut stream = connect(&sb).await;
    let head = stalled_create(&sb, "{\"first");
    let started = Instant::now();
    stream.write_all(head.as_bytes()).await.unwrap();
    let response = read_to_close(&mut stream).await;
    assert!(started.elapsed() < Duration::from_secs(3), "answered after {:?}", started.elapsed());
    let (status, body) = parse(&response);
    assert_eq!((status, body["success"].as_bool(), body["error"]["code"].as_str()), (408, Some(false), Some("REQUEST_TIMEOUT")), "{response}");
}

#[tokio::test]
async fn a_request_over_the_time_limit_gets_408_in_the_envelope() {
    let sb = start(wacr_server::Config::default().with_request_timeout(Some(SHORT)).with_body_read_timeout(None)).await;
    let mut stream = connect(&sb).await;
    let head = stalled_create(&sb, "{");
    stream.write_all(head.as_bytes()).await.unwrap();
    let (status, body) = parse(&read_to_close(&mut stream).await);
    assert_eq!((status, body["error"]["code"].as_str()), (408, Some("REQUEST_TIMEOUT")));
}

#[tokio::test]
async fn bodies_over_the_limit_get_413_in_the_envelope() {
    let sb = start(wacr_server::Config::default().with_json_limit(1000).with_upload_limit(2000)).await;
    let over_json = json!({"firstname": "x".repeat(1500), "phone": "+15550100000"});
    let reply = sb.raw("POST", "/contacts", Some(over_json)).await;
    reply.assert_error(413, "PAYLOAD_TOO_LARGE");
    // Past every limit of the router (answered before the handler, by its length alone).
    let mut stream = connect(&sb).await;
    let head = format!("POST {} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\n\r\n", full_path(&sb, "/contacts"));
    stream.write_all(head.as_bytes()).await.unwrap();
    let (status, body) = parse(&read_to_close(&mut stream).await);
    assert_eq!((status, body["success"].as_bool(), body["error"]["code"].as_str()), (413, Some(false), Some("PAYLOAD_TOO_LARGE")));
}

#[tokio::test]
async fn the_server_s_own_4xx_use_the_envelope() {
    let sb = start(wacr_server::Config::default()).await;
    // Past what an HTTP client builds (64 KiB), so sent by hand; hyper answers it before the router.
    let mut stream = connect(&sb).await;
    let head = format!("GET {}?search={} HTTP/1.1\r\nHost: x\r\n\r\n", full_path(&sb, "/contacts"), "a".repeat(100_000));
    stream.write_all(head.as_bytes()).await.unwrap();
    let (status, body) = parse(&read_to_close(&mut stream).await);
    assert_eq!(body, json!({"success": false, "message": "URI too long", "error": {"code": "URI_TOO_LONG"}}));
    assert_eq!(status, 414);
    sb.raw("GET", "/no/such/route", None).await.assert_error(404, "NOT_FOUND");
    sb.raw("PUT", "/account", None).await.assert_error(405, "METHOD_NOT_ALLOWED");
    let reply = sb.raw("GET", "/contacts?page=4294967296", None).await;
    reply.assert_error(422, "VALIDATION_ERROR");
    assert_eq!(reply.json["errors"]["page"][0], "The page field must not be greater than 4294967295.");
}

/// Sends `held` (a request whose body stalls until the 600 ms request timeout), then `second`:
/// `second` must wait for the first to end (it answers 408) before it is served.
async fn second_waits_for_the_first(sb: &Sandbox, held: String, second: impl Future<Output = u16>) {
    let mut holder = connect(sb).await;
    holder.write_all(held.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let status = second.await;
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(350), "the second request ran beside the first ({status}): {waited:?}");
    let (status, _) = parse(&read_to_close(&mut holder).await);
    assert_eq!(status, 408);
}

fn time_bound() -> wacr_server::Config {
    wacr_server::Config::default().with_request_timeout(Some(Duration::from_millis(600))).with_body_read_timeout(None)
}

#[tokio::test]
async fn the_concurrency_limit_makes_further_requests_wait() {
    let sb = start(time_bound().with_concurrency_limit(1)).await;
    let held = stalled_create(&sb, "{");
    second_waits_for_the_first(&sb, held, async {
        let reply = sb.raw("GET", "/account", None).await;
        assert_eq!(reply.status, 200, "{}", reply.json);
        reply.status
    })
    .await;
}

#[tokio::test]
async fn uploads_wait_for_room_in_the_memory_budget() {
    let sb = start(time_bound().with_upload_memory(1024)).await;
    let (path, token) = (full_path(&sb, "/messages/media"), sb.token("default"));
    let held = format!("POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary=X\r\nContent-Length: 900\r\n\r\n--X\r\n");
    let part = reqwest::multipart::Form::new().text("phone", "+15550100000");
    second_waits_for_the_first(&sb, held.clone(), async {
        let response = sb.http.post(sb.url("/messages/media")).bearer_auth(token).multipart(part).send().await.unwrap();
        response.status().as_u16()
    })
    .await;
    // Requests without a multipart body do not wait for the upload budget.
    let mut holder = connect(&sb).await;
    holder.write_all(held.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    assert_eq!(sb.raw("GET", "/account", None).await.status, 200);
    assert!(started.elapsed() < Duration::from_millis(300));
}

#[tokio::test]
async fn twenty_thousand_invalid_batch_items_are_answered_quickly_and_briefly() {
    let sb = start(wacr_server::Config::default()).await;
    let items: Vec<Value> = (0..20_000).map(|_| json!({})).collect();
    let body = serde_json::to_vec(&json!({"contacts": items})).unwrap();
    let started = Instant::now();
    let response = sb.http.post(sb.url("/contacts/batch")).bearer_auth(sb.token("default")).header("content-type", "application/json").body(body).send().await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    let elapsed = started.elapsed();
    let json: Value = serde_json::from_slice(&bytes).unwrap();
    // Each item fails on its own (continue_on_error defaults to true): the summary counts them
    // all, the answer lists the first 100.
    assert_eq!(status, 200, "{json}");
    assert_eq!(json["summary"], json!({"total": 20_000, "created": 0, "skipped": 0, "failed": 20_000}));
    let errors = json["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 100, "the listed failures are capped");
    assert_eq!((errors[0]["index"].as_i64(), errors[99]["index"].as_i64()), (Some(0), Some(99)));
    assert!(bytes.len() < 65_536, "the answer is bounded: {} bytes", bytes.len());
    // With continue_on_error false the first failing item stops the batch: a 422 naming its fields.
    let items: Vec<Value> = (0..20_000).map(|_| json!({})).collect();
    let body = serde_json::to_vec(&json!({"contacts": items, "options": {"continue_on_error": false}})).unwrap();
    let response = sb.http.post(sb.url("/contacts/batch")).bearer_auth(sb.token("default")).header("content-type", "application/json").body(body).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 422);
    let stopped: Value = response.json().await.unwrap();
    let fields = stopped["errors"].as_object().unwrap();
    assert!(!fields.is_empty() && fields.keys().all(|k| k.starts_with("contacts.0.")), "{stopped}");
    // In a debug build with the checks on; the release figure is in the bench (glue, batch_invalid).
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
}

#[tokio::test]
async fn adding_120_000_unknown_ids_to_a_group_is_answered_quickly_and_briefly() {
    let sb = start(wacr_server::Config::default()).await;
    let created = sb.raw("POST", "/groups", Some(json!({"name": "Bulk"}))).await;
    let group = created.json["data"]["id"].as_i64().unwrap_or_else(|| panic!("{}", created.json));
    let ids: Vec<i64> = (200_000..320_000).collect();
    let started = Instant::now();
    let reply = sb.raw("POST", &format!("/groups/{group}/contacts"), Some(json!({"contact_ids": ids}))).await;
    let elapsed = started.elapsed();
    reply.assert_error(422, "VALIDATION_ERROR");
    assert_eq!(reply.json["errors"].as_object().unwrap().len(), 100, "the reported fields are capped");
    assert_eq!(reply.json["message"], "The given data was invalid (and 119900 more errors)");
    let reported: std::collections::BTreeSet<&str> = reply.json["errors"].as_object().unwrap().keys().map(String::as_str).collect();
    let first: Vec<String> = (0..100).map(|i| format!("contact_ids.{i}")).collect();
    assert_eq!(reported, first.iter().map(String::as_str).collect(), "the first 100 ids of the request are the ones reported");
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
}

#[tokio::test]
async fn a_request_whose_client_goes_away_is_not_carried_out() {
    let sb = start(wacr_server::Config::default()).await;
    let (source, status) = sb.source_and_status().await;
    let body = |phone: &str| json!({"firstname": "Gone", "lastname": "Away", "phone": phone, "type": "lead", "source_id": source, "status_id": status});
    // every Create Contact waits a second before it runs
    let slow = json!({"match": {"operation": "create_contact"}, "action": {"latency_ms": 1000}});
    sb.running.faults().add(serde_json::from_value(slow).unwrap()).await.unwrap();
    let impatient = reqwest::Client::builder().timeout(Duration::from_millis(200)).build().unwrap();
    let sent = impatient.post(sb.url("/contacts")).bearer_auth(sb.token("default")).json(&body("+15550707001")).send().await;
    assert!(sent.is_err_and(|e| e.is_timeout()), "the client gave up and closed the connection");
    let patient = sb.raw("POST", "/contacts", Some(body("+15550707002"))).await;
    assert_eq!(patient.status, 201, "a client that waits gets its contact: {}", patient.json);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let search = |phone: &str| format!("/contacts?search={}", &phone[1..]);
    assert_eq!(sb.raw("GET", &search("+15550707002"), None).await.json["meta"]["total"], 1);
    assert_eq!(sb.raw("GET", &search("+15550707001"), None).await.json["meta"]["total"], 0, "the request of the client that went away stopped");
}
