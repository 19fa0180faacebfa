//! The README's Rust blocks that call a server (those reading `WACR_TOKEN`) run against a live
//! sandbox: `build.rs` copies each one into a module, with the README's base URL
//! (`http://127.0.0.1:8080`) replaced by this sandbox's, and the test runs its `main` with
//! `WACR_TOKEN` (and `WACR_BASE_URL`) set, as a reader following the README would.
//!
//! The README's webhook receivers (blocks reading `WACR_WEBHOOK_SECRET`) run too, listening on
//! a free port of 127.0.0.1 that the sandbox delivers its events to: every event of the run
//! (the client blocks' changes, and one more) is delivered and accepted. The test also POSTs
//! them deliveries it signs itself with the `standardwebhooks` crate: a signed one is accepted
//! (204), a tampered or wrongly signed one refused (401).
//!
//! The README's server (the block that serves a `wacr_server` router) runs on another free port,
//! and the client calls it: the router authenticates, validates and answers with the block's
//! implementation.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

include!(concat!(env!("OUT_DIR"), "/readme_blocks.rs"));

static SANDBOX_URL: OnceLock<String> = OnceLock::new();
static RECEIVER_ADDR: OnceLock<String> = OnceLock::new();
static SERVER_ADDR: OnceLock<String> = OnceLock::new();

const WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// The address the README's webhook receiver listens on.
fn receiver_addr() -> String {
    RECEIVER_ADDR.get().expect("the receiver address is chosen").clone()
}

/// The address the README's server listens on.
fn server_addr() -> String {
    SERVER_ADDR.get().expect("the server address is chosen").clone()
}

/// The base URL of the test's sandbox, for the README's code.
fn sandbox_url() -> String {
    SANDBOX_URL.get().expect("the sandbox runs").clone()
}

#[test]
fn the_readme_client_code_runs_against_a_sandbox() {
    assert!(!README_BLOCKS.is_empty(), "the README has a client example that reads WACR_TOKEN");
    assert!(!README_RECEIVERS.is_empty(), "the README has a webhook receiver that reads WACR_WEBHOOK_SECRET");
    // the blocks' own `#[tokio::main]` runtimes run beside this one, which serves the sandbox
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let receiver = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    RECEIVER_ADDR.set(receiver.to_string()).expect("one receiver address");
    let webhooks = wacr_sandbox::webhooks::Settings {
        urls: vec![format!("http://{receiver}/webhooks")],
        secret: Some(WEBHOOK_SECRET.parse().expect("a whsec_ secret")),
        retry: wacr_sandbox::webhooks::parse_schedule("100ms,200ms,500ms,1s,2s,5s").unwrap(),
        ..Default::default()
    };
    let running = runtime
        .block_on(wacr_sandbox::spawn(wacr_sandbox::Config {
            bind: "127.0.0.1:0".parse().unwrap(),
            db: wacr_sandbox::DbPath::Memory,
            webhooks,
            ..Default::default()
        }))
        .expect("the sandbox starts");
    SANDBOX_URL.set(running.base_url()).unwrap();
    // SAFETY: set before any thread of this test reads the environment; the test is alone in
    // its binary.
    unsafe {
        std::env::set_var("WACR_TOKEN", running.token("default").unwrap());
        // for a block that reads the base URL as the client examples do
        std::env::set_var("WACR_BASE_URL", running.base_url());
        std::env::set_var("WACR_WEBHOOK_SECRET", WEBHOOK_SECRET);
    }
    let [(line, receiver_main)] = README_RECEIVERS else { panic!("one README receiver") };
    start_receiver(receiver, *line, *receiver_main);
    for (line, main) in README_BLOCKS {
        main().unwrap_or_else(|e| panic!("the README's block at line {line} failed: {e}"));
    }
    the_receiver_verifies_and_accepts(receiver);
    runtime.block_on(async {
        let client = wacr_client::Client::builder().base_url(running.base_url()).token(running.token("default").unwrap()).build().unwrap();
        client.statuses().create(wacr_client::models::CreateStatusBody { name: "From the README test".into(), color: None }).await.unwrap();
    });
    every_event_is_delivered(&running);
    runtime.block_on(running.stop()).unwrap();
    the_readme_server_answers(&runtime);
}

/// Runs the README's server on a free port and calls it with the client: the block's `create`
/// answers 201, its `get` 404 with its message, the router refuses a bad body and a bad token.
fn the_readme_server_answers(runtime: &tokio::runtime::Runtime) {
    use wacr_client::models::{CreateStatusBody, CreateStatusError, GetStatusError, Open};
    let [(line, server_main)] = README_SERVERS else { panic!("one README server") };
    let addr = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    SERVER_ADDR.set(addr.to_string()).expect("one server address");
    start_receiver(addr, *line, *server_main);
    let client = |token: &str| wacr_client::Client::builder().base_url(format!("http://{addr}")).token(token).build().unwrap();
    runtime.block_on(async {
        let authorized = client("secret");
        let statuses = authorized.statuses();
        let body = CreateStatusBody { name: "Qualified".into(), color: Some("#22AA44".into()) };
        let created = statuses.create(body).await.expect("the README's create");
        assert_eq!((created.id, created.name.as_str()), (1, "Qualified"));
        let missing = statuses.get(7).await.unwrap_err();
        let api = missing.api().expect("an API error");
        assert_eq!((api.status, &api.code, api.message.as_str()), (404, &Open::Known(GetStatusError::NotFound), "Status 7 not found"));
        let bad = statuses.create(CreateStatusBody { name: "Bad colour".into(), color: Some("green".into()) }).await.unwrap_err();
        assert_eq!(bad.api().map(|api| (api.status, api.code.clone())), Some((422, Open::Known(CreateStatusError::ValidationError))), "the router checks the colour");
        let refused = client("wrong").statuses().get(1).await.unwrap_err();
        assert_eq!(refused.status(), Some(401));
    });
}

/// Runs a README receiver or server on `addr` (it serves until the test ends).
fn start_receiver(addr: std::net::SocketAddr, line: usize, main: Run) {
    std::thread::spawn(move || main().unwrap_or_else(|e| panic!("the README's receiver at line {line} failed: {e}")));
    let started = Instant::now();
    while TcpStream::connect(addr).is_err() {
        assert!(started.elapsed() < Duration::from_secs(10), "the README's receiver at line {line} does not listen");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits until the sandbox has delivered every event of the run to the README's receiver.
fn every_event_is_delivered(running: &wacr_sandbox::Running) {
    let started = Instant::now();
    loop {
        let deliveries = running.db.with(|conn| wacr_sandbox::webhooks::queue::deliveries(conn)).unwrap();
        if !deliveries.is_empty() && deliveries.iter().all(|d| d.state == "delivered") {
            assert!(deliveries.iter().any(|d| d.r#type == "status.created"), "{deliveries:?}");
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "not all delivered: {deliveries:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// POSTs the README receiver at `free` signed, tampered and wrongly signed deliveries.
fn the_receiver_verifies_and_accepts(free: std::net::SocketAddr) {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    let event = r#"{"event":{"id":"evt_1702468200_abc123","type":"contact.created","timestamp":"2025-12-12T14:30:00.000Z","version":"1.0"},"tenant":{"id":1,"name":"Acme","domain":"acme"},"data":{"resource":{"type":"contact","id":42,"attributes":{"id":42,"firstname":"Jane","lastname":"Doe","company":null,"type":"lead","email":null,"phone":null,"status_id":1,"source_id":1,"description":null,"city":null,"state":null,"zip":null,"address":null,"country_id":null,"assigned_id":null,"group_id":[],"is_opted_out":false,"created_at":"2025-12-12T14:30:00Z","updated_at":"2025-12-12T14:30:00Z"}},"relationships":{"source":{"type":"source","id":1},"status":{"type":"status","id":1}}},"changes":{"previous":null,"current":{"id":42,"firstname":"Jane","lastname":"Doe","company":null,"type":"lead","email":null,"phone":null,"status_id":1,"source_id":1,"description":null,"city":null,"state":null,"zip":null,"address":null,"country_id":null,"assigned_id":null,"group_id":[],"is_opted_out":false,"created_at":"2025-12-12T14:30:00Z","updated_at":"2025-12-12T14:30:00Z"},"modified_fields":null},"metadata":{"source":"api_webhook_manager","environment":"sandbox","request_id":"6f1c1f4e-8a3b-4c7d-9e2f-0a1b2c3d4e5f"}}"#;
    let signature = |secret: &str, body: &str| standardwebhooks::Webhook::new(secret).unwrap().sign("msg_1", now, body.as_bytes()).unwrap();
    let post = |body: &str, signature: String| post(free, body, &[("webhook-id", "msg_1".into()), ("webhook-timestamp", now.to_string()), ("webhook-signature", signature)]);
    assert_eq!(post(event, signature(WEBHOOK_SECRET, event)), 204, "a signed contact.created");
    let tampered = event.replace("Jane", "Joan");
    assert_eq!(post(&tampered, signature(WEBHOOK_SECRET, event)), 401, "a tampered body");
    let other = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    assert_eq!(post(event, signature(other, event)), 401, "another secret");
}

/// POSTs `body` to `/webhooks` with `headers` over a plain HTTP/1.1 connection; the status.
fn post(addr: std::net::SocketAddr, body: &str, headers: &[(&str, String)]) -> u16 {
    let mut stream = TcpStream::connect(addr).unwrap();
    let mut request = format!("POST /webhooks HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("not an HTTP response: {response}"))
}
