//! Sandboxes sharing their limits in Redis (`--rate-limit-store redis://…`): two sandboxes —
//! the binary as a child process and one started in this process — on one SQLite file and one
//! Redis give exactly 60 successes for one token's 60 a minute, share the failed-login and OTP
//! limits, and answer with the same headers and envelope as the in-memory store. A Redis that
//! does not answer fails open or closed as configured. Redis tests start their own
//! redis-server (skipped with a printed line when it is absent, unless `CI` is set).

use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use wacr_sandbox::{Config, DbPath, Running};
use wacr_server::{OnError, RateLimitStore, RedisSettings};

#[path = "support/binary.rs"]
mod binary;
#[path = "../../runtime/tests/support/redis_server.rs"]
mod redis_server;

use redis_server::RedisServer;

/// A sandbox in this process on `db`, its tokens allowed `per_minute`, counting in `store`.
async fn spawn(db: &Path, per_minute: i64, store: RateLimitStore) -> Running {
    let config = Config {
        bind: "127.0.0.1:0".parse().unwrap(),
        db: DbPath::File(db.to_owned()),
        rate_limit_per_minute: per_minute,
        rate_limit_store: store,
        ..Config::default()
    };
    wacr_sandbox::spawn(config).await.expect("sandbox starts")
}

/// The binary on `db` with `args`; its base URL and the token of its first start.
fn start_binary(db: &Path, args: &[&str]) -> (binary::Started, String) {
    let mut all = vec![OsStr::new("--db"), db.as_os_str()];
    all.extend(args.iter().map(OsStr::new));
    let started = tokio::task::block_in_place(|| binary::start(&all));
    let token = started.token.clone().expect("a first start prints its token");
    (started, token)
}

/// Status, the headers the limits set, and the JSON body of one request.
async fn call(http: &reqwest::Client, base: &str, token: &str, method: &str, path: &str, body: Option<Value>) -> (u16, [Option<String>; 3], Value) {
    let mut request = http.request(method.parse().unwrap(), format!("{base}{path}")).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let reply = request.send().await.expect("request");
    let header = |name: &str| reply.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let headers = [header("x-ratelimit-limit"), header("x-ratelimit-remaining"), header("retry-after")];
    let status = reply.status().as_u16();
    (status, headers, reply.json().await.unwrap_or(Value::Null))
}

fn redis(server: &RedisServer) -> RateLimitStore {
    RateLimitStore::Redis(RedisSettings::new(server.url()).with_timeout(Duration::from_secs(2)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_sandboxes_on_one_redis_allow_one_tokens_60_a_minute_in_all() {
    let Some(server) = RedisServer::start("two_sandboxes_on_one_redis") else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    let (mut first, token) = start_binary(&db, &["--rate-limit", "60", "--rate-limit-store", &server.url(), "--rate-limit-timeout", "2s"]);
    let second = spawn(&db, 60, redis(&server)).await;
    let http = reqwest::Client::new();
    let bases = [first.base.clone(), second.base_url()];
    for base in &bases {
        assert_eq!(call(&http, base, &token, "GET", "/contacts?per_page=1", None).await.0, 200, "{base} serves");
    }
    let requests = (0..118).map(|i| {
        let (http, base, token) = (http.clone(), bases[i % 2].clone(), token.clone());
        tokio::spawn(async move { call(&http, &base, &token, "GET", "/contacts?per_page=1", None).await.0 })
    });
    let statuses: Vec<u16> = futures::future::join_all(requests).await.into_iter().map(Result::unwrap).collect();
    let ok = 2 + statuses.iter().filter(|status| **status == 200).count();
    let limited = statuses.iter().filter(|status| **status == 429).count();
    assert_eq!((ok, limited), (60, 60), "60 a minute across both sandboxes");
    for base in &bases {
        assert_eq!(call(&http, base, &token, "GET", "/contacts?per_page=1", None).await.0, 429, "{base} sees the spent budget");
    }
    let _ = first.child.kill();
    let _ = first.child.wait();
    second.stop().await.unwrap();
}

#[tokio::test]
async fn redis_gives_the_headers_and_envelope_of_memory() {
    let Some(server) = RedisServer::start("redis_gives_the_headers_and_envelope_of_memory") else { return };
    let dir = tempfile::tempdir().unwrap();
    let memory = spawn(&dir.path().join("memory.db"), 2, RateLimitStore::Memory).await;
    let shared = spawn(&dir.path().join("redis.db"), 2, redis(&server)).await;
    let http = reqwest::Client::new();
    let mut seen = Vec::new();
    for running in [&memory, &shared] {
        let token = running.token("default").unwrap();
        let mut replies = Vec::new();
        for _ in 0..3 {
            replies.push(call(&http, &running.base_url(), token, "GET", "/contacts?per_page=1", None).await);
        }
        seen.push(replies);
    }
    let statuses: Vec<u16> = seen[1].iter().map(|(status, ..)| *status).collect();
    assert_eq!(statuses, [200, 200, 429]);
    assert_eq!(seen[1][2].1, [Some("2".to_owned()), Some("0".to_owned()), Some("60".to_owned())]);
    assert_eq!(seen[1][2].2["error"]["code"], "RATE_LIMIT_EXCEEDED");
    assert_eq!(seen[0], seen[1], "memory and Redis answer alike");
}

/// Two sandboxes in this process on one new SQLite file, counting in `server`.
async fn two_on(server: &RedisServer) -> (tempfile::TempDir, Running, Running) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    let (a, b) = (spawn(&db, 1000, redis(server)).await, spawn(&db, 1000, redis(server)).await);
    (dir, a, b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_logins_are_counted_across_sandboxes() {
    let Some(server) = RedisServer::start("failed_logins_are_counted_across_sandboxes") else { return };
    let (_dir, a, b) = two_on(&server).await;
    let http = reqwest::Client::new();
    let token = a.token("default").unwrap();
    for running in [&a, &b] {
        for _ in 0..5 {
            assert_eq!(call(&http, &running.base_url(), "wacr_sandbox_wrong", "GET", "/contacts", None).await.0, 401);
        }
    }
    let (status, [.., retry_after], body) = call(&http, &b.base_url(), token, "GET", "/contacts", None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (429, Some("RATE_LIMIT_EXCEEDED")), "10 refusals over both block the client");
    assert!(retry_after.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn otp_limits_are_counted_in_redis_and_verify_clears_its_own() {
    let Some(server) = RedisServer::start("otp_limits_are_counted_in_redis") else { return };
    let (_dir, a, b) = two_on(&server).await;
    let http = reqwest::Client::new();
    let token = a.token("default").unwrap();
    let resend = json!({"phone": "+1 555 050 0020", "template_name": "otp_verification"});
    for running in [&a, &b, &a] {
        let (status, _, body) = call(&http, &running.base_url(), token, "POST", "/auth/resend", Some(resend.clone())).await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, [.., retry_after], body) = call(&http, &b.base_url(), token, "POST", "/auth/resend", Some(json!({"phone": "15550500020", "template_name": "otp_verification"}))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (429, Some("RATE_LIMIT_EXCEEDED")), "3 resends per phone over both: {body}");
    assert_eq!(retry_after.as_deref(), body["error"]["details"]["retry_after"].as_u64().map(|s| s.to_string()).as_deref());

    let send = json!({"phone": "+15550500021", "template_name": "otp_verification", "code": "333333"});
    assert_eq!(call(&http, &a.base_url(), token, "POST", "/auth/send-otp", Some(send)).await.0, 200);
    let wrong = call(&http, &b.base_url(), token, "POST", "/auth/verify", Some(json!({"phone": "+15550500021", "code": "000000"}))).await;
    assert_eq!(wrong.2["error"]["code"], "INVALID_CODE");
    let key = format!("wacr:rl:otp-verify:{}:15550500021", a.primary_tenant);
    let mut redis = ::redis::Client::open(server.url()).unwrap().get_multiplexed_async_connection().await.unwrap();
    let hits: Option<i64> = ::redis::cmd("HGET").arg(&key).arg("c").query_async(&mut redis).await.unwrap();
    assert_eq!(hits, Some(1), "the verify attempt was counted in Redis");
    let right = call(&http, &a.base_url(), token, "POST", "/auth/verify", Some(json!({"phone": "+15550500021", "code": "333333"}))).await;
    assert_eq!(right.0, 200, "{}", right.2);
    let exists: i64 = ::redis::cmd("EXISTS").arg(&key).query_async(&mut redis).await.unwrap();
    assert_eq!(exists, 0, "a successful verification clears the verify limit");
    let in_database: i64 = a.db.with(|conn| conn.query_row("SELECT COUNT(*) FROM rate_counters", [], |r| r.get(0))).unwrap();
    assert_eq!(in_database, 0, "the OTP limits left the database");
}

#[tokio::test]
async fn an_unreachable_redis_fails_open_or_closed() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let down = |on_error| RateLimitStore::Redis(RedisSettings::new(format!("redis://127.0.0.1:{port}")).with_on_error(on_error));
    let open = spawn(&dir.path().join("open.db"), 60, down(OnError::FailOpen)).await;
    let closed = spawn(&dir.path().join("closed.db"), 60, down(OnError::FailClosed)).await;
    let http = reqwest::Client::new();
    let (status, [limit, ..], _) = call(&http, &open.base_url(), open.token("default").unwrap(), "GET", "/contacts", None).await;
    assert_eq!((status, limit), (200, None), "through, with no count to state");
    let (status, [.., retry_after], body) = call(&http, &closed.base_url(), closed.token("default").unwrap(), "GET", "/contacts", None).await;
    assert_eq!((status, body["error"]["code"].as_str(), retry_after.as_deref()), (503, Some("SERVICE_UNAVAILABLE"), Some("1")), "{body}");
}
