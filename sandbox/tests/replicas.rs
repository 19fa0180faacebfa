//! Two sandboxes that agree: two `wacr-sandbox` processes on one PostgreSQL database (a fresh
//! schema of the server `WACR_TEST_POSTGRES` names) and one Redis (a redis-server these tests
//! start). A contact created on one is read on the other; 32 concurrent creates of one phone
//! split across both give exactly one 201; a Free tenant's contact limit holds across both; a
//! token limited to 60 a minute gets exactly 60 successes across both; `kill -9` of one
//! replica while both take writes loses no acknowledged write.
//!
//! The root README's "Run several sandboxes" block runs against the pair as written.
//!
//! Without `WACR_TEST_POSTGRES` the tests print a line and pass: the sandbox suite's
//! PostgreSQL pass (`.ci/run`) sets it.

use std::ffi::OsStr;

use serde_json::{Value, json};
use wacr_sandbox::DbPath;

#[path = "support/binary.rs"]
mod binary;
#[path = "../../runtime/tests/support/redis_server.rs"]
mod redis_server;

use redis_server::RedisServer;

/// A PostgreSQL database and a Redis for two replicas, or `None` (printed) without them.
fn services(test: &str) -> Option<(String, RedisServer)> {
    if std::env::var_os("WACR_TEST_POSTGRES").is_none_or(|url| url.is_empty()) {
        println!("{test}: skipped, WACR_TEST_POSTGRES names no PostgreSQL server (the PostgreSQL pass of .ci/run sets it)");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let DbPath::Postgres(db) = wacr_sandbox::db::test_database(dir.path().join("unused.db")) else { unreachable!() };
    let redis = RedisServer::start(test)?;
    Some((db.url, redis))
}

/// One replica: the binary on `db`, counting its limits in `redis`, with `extra` arguments.
fn replica(db: &str, redis: &RedisServer, extra: &[&str]) -> binary::Started {
    let mut args = vec![OsStr::new("--db"), OsStr::new(db), OsStr::new("--rate-limit-store")];
    let url = redis.url();
    args.push(OsStr::new(&url));
    args.extend(extra.iter().map(OsStr::new));
    tokio::task::block_in_place(|| binary::start(&args))
}

/// The token a start printed for `tenant` (`token NAME (tenant N): TOKEN`).
fn token_of(started: &binary::Started, tenant: i64) -> String {
    let marker = format!("(tenant {tenant}): ");
    started.lines.iter().find_map(|line| line.split_once(&marker).map(|(_, token)| token.to_owned())).expect("the first start printed the token")
}

struct Pair {
    a: binary::Started,
    b: binary::Started,
    http: reqwest::Client,
}

impl Pair {
    fn base(&self, i: usize) -> &str {
        if i.is_multiple_of(2) { &self.a.base } else { &self.b.base }
    }

    async fn send(&self, i: usize, token: &str, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let mut request = self.http.request(method.parse().unwrap(), format!("{}{path}", self.base(i))).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(body);
        }
        match request.send().await {
            Ok(reply) => {
                let status = reply.status().as_u16();
                (status, reply.json().await.unwrap_or(Value::Null))
            }
            Err(_) => (0, Value::Null),
        }
    }
}

impl Drop for Pair {
    fn drop(&mut self) {
        for child in [&mut self.a.child, &mut self.b.child] {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Runs the ```sh block of the root README's "Run several sandboxes" that follows the start
/// (`WACR_A`, `WACR_B`, `WACR_TOKEN` set as it says); returns what it printed.
fn readme_block(pair: &Pair, token: &str) -> String {
    let readme = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md")).unwrap();
    let section = readme.split("\n## Run several sandboxes\n").nth(1).expect("the README has the section");
    let section = section.split("\n## ").next().unwrap_or_default();
    let script = section.split("```sh\n").nth(2).and_then(|block| block.split("\n```").next()).expect("the section's second sh block");
    let output = std::process::Command::new("sh")
        .arg("-ec")
        .arg(script)
        .env("WACR_A", &pair.a.base)
        .env("WACR_B", &pair.b.base)
        .env("WACR_TOKEN", token)
        .output()
        .expect("sh runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{script}\nexited {}: {stdout}{}", output.status, String::from_utf8_lossy(&output.stderr));
    stdout
}

fn http() -> reqwest::Client {
    #[allow(deprecated)] // ring, as the client uses (runtime/src/client/builder.rs says why)
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

fn contact(phone: &str, source: &Value, status: &Value) -> Value {
    json!({"firstname": "R", "lastname": "Eplica", "phone": phone, "type": "lead", "source_id": source, "status_id": status})
}

async fn first_ids(pair: &Pair, token: &str) -> (Value, Value) {
    let (_, sources) = pair.send(0, token, "GET", "/sources", None).await;
    let (_, statuses) = pair.send(1, token, "GET", "/statuses", None).await;
    (sources["data"][0]["id"].clone(), statuses["data"][0]["id"].clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_on_one_postgres_agree() {
    let Some((db, redis)) = services("two_replicas_on_one_postgres_agree") else { return };
    let a = replica(&db, &redis, &["--second-tenant"]);
    let b = replica(&db, &redis, &[]);
    assert!(b.token.is_none(), "the second replica finds the database seeded");
    let (token, free) = (token_of(&a, 1), token_of(&a, 2));
    let mut pair = Pair { a, b, http: http() };
    let (source, status) = first_ids(&pair, &token).await;

    // the README's block, as written
    let read = readme_block(&pair, &token);
    assert!(read.contains("\"firstname\":\"Asha\"") && read.contains("\"phone\":\"+919800000001\""), "{read}");

    // a contact created on one is read on the other
    let (created, body) = pair.send(0, &token, "POST", "/contacts", Some(&contact("+15550300001", &source, &status))).await;
    assert_eq!(created, 201, "{body}");
    let id = body["data"]["id"].as_i64().unwrap();
    let (read, other) = pair.send(1, &token, "GET", &format!("/contacts/{id}"), None).await;
    assert_eq!(read, 200, "{other}");
    assert_eq!(other["data"]["phone"], body["data"]["phone"]);

    // 32 concurrent creates of one phone, split across both: exactly one 201
    let same = contact("+15550300002", &source, &status);
    let outcomes = futures::future::join_all((0..32).map(|i| pair.send(i, &token, "POST", "/contacts", Some(&same)))).await;
    let statuses: Vec<u16> = outcomes.iter().map(|(s, _)| *s).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert!(outcomes.iter().all(|(s, body)| *s == 201 || (*s == 422 && body["error"]["code"] == "VALIDATION_ERROR")), "{outcomes:?}");

    // the Free tenant's 100 contacts hold across both: 140 concurrent creates give 100
    let (free_source, free_status) = first_ids(&pair, &free).await;
    let creates = (0..140).map(|i| contact(&format!("+1555031{i:04}"), &free_source, &free_status)).collect::<Vec<_>>();
    let outcomes = futures::future::join_all(creates.iter().enumerate().map(|(i, body)| pair.send(i, &free, "POST", "/contacts", Some(body)))).await;
    let created = outcomes.iter().filter(|(s, _)| *s == 201).count();
    let limited = outcomes.iter().filter(|(s, body)| *s == 403 && body["error"]["code"] == "FEATURE_LIMIT_EXCEEDED").count();
    assert_eq!((created, limited), (100, 40), "{:?}", outcomes.iter().map(|(s, _)| s).collect::<Vec<_>>());

    // kill -9 of one replica while both take writes: every acknowledged write is there
    let (sender, mut acknowledged) = tokio::sync::mpsc::unbounded_channel::<i64>();
    let mut writers = Vec::new();
    for w in 0..4usize {
        let (http, base, token, sender) = (pair.http.clone(), pair.base(w).to_owned(), token.clone(), sender.clone());
        let (source, status) = (source.clone(), status.clone());
        writers.push(tokio::spawn(async move {
            for n in 0..1_000 {
                let body = contact(&format!("+155504{w}{n:05}"), &source, &status);
                let Ok(reply) = http.post(format!("{base}/contacts")).bearer_auth(&token).json(&body).send().await else { return };
                if reply.status() != 201 {
                    return;
                }
                let Ok(created) = reply.json::<Value>().await else { return };
                if sender.send(created["data"]["id"].as_i64().unwrap()).is_err() {
                    return;
                }
            }
        }));
    }
    drop(sender);
    let mut ids = Vec::new();
    while ids.len() < 200 {
        ids.push(acknowledged.recv().await.expect("writes are acknowledged"));
    }
    pair.a.child.kill().expect("SIGKILL");
    pair.a.child.wait().unwrap();
    for writer in writers {
        writer.await.unwrap();
    }
    while let Some(id) = acknowledged.recv().await {
        ids.push(id);
    }
    for id in &ids {
        let (status, body) = pair.send(1, &token, "GET", &format!("/contacts/{id}"), None).await;
        assert_eq!(status, 200, "acknowledged contact {id} is gone: {body}");
    }
    assert!(ids.len() > 200, "the other replica kept taking writes ({} acknowledged)", ids.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_token_gets_its_60_a_minute_across_both_replicas() {
    let Some((db, redis)) = services("a_token_gets_its_60_a_minute_across_both_replicas") else { return };
    // closed, with a long timeout: a Redis slow to answer on a loaded machine (the first
    // decision connects) must not let requests through uncounted
    let flags = ["--rate-limit", "60", "--rate-limit-on-error", "closed", "--rate-limit-timeout", "10s"];
    let a = replica(&db, &redis, &flags);
    let b = replica(&db, &redis, &flags);
    let token = token_of(&a, 1);
    let pair = Pair { a, b, http: http() };
    let outcomes = futures::future::join_all((0..90).map(|i| pair.send(i, &token, "GET", "/account", None))).await;
    let ok = outcomes.iter().filter(|(s, _)| *s == 200).count();
    let limited = outcomes.iter().filter(|(s, body)| *s == 429 && body["error"]["code"] == "RATE_LIMIT_EXCEEDED").count();
    let statuses: Vec<u16> = outcomes.iter().map(|(s, _)| *s).collect();
    assert_eq!((ok, limited), (60, 30), "{statuses:?}");
}
