//! Durability: the real binary, its receiver down, takes contact writes over HTTP, is killed
//! with SIGKILL while their events are pending, and is restarted on the same database file
//! with its receiver up: every event of every acknowledged write arrives, verified with the
//! secret the first start generated and printed (the restart signs with the same one).

use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};

use super::binary::{self, Started};
use super::receiver::{self, Answer, Receiver};

/// Starts the binary on `db` delivering to `url`.
fn start(db: &Path, url: &str) -> Started {
    let retry = "100ms,200ms,500ms,1s,1s,1s,1s,1s,1s,1s";
    // deliveries in flight at the kill stay claimed for the attempt timeout and 2 s
    let timeout = [OsStr::new("--webhook-timeout"), OsStr::new("2s")];
    let args = [OsStr::new("--webhook-url"), OsStr::new(url), OsStr::new("--webhook-retry"), OsStr::new(retry), OsStr::new("--db"), db.as_os_str()];
    binary::start(&[&args[..], &timeout[..]].concat())
}

async fn start_async(db: &Path, url: &str) -> Started {
    let (db, url) = (db.to_path_buf(), url.to_owned());
    tokio::task::spawn_blocking(move || start(&db, &url)).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_pending_at_kill_9_are_delivered_after_the_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("webhooks.db");
    let addr = receiver::free_addr().await;
    let mut first = start_async(&db, &receiver::url(addr)).await;
    let token = first.token.clone().expect("the first start prints the token");
    let secret = first.printed("webhook secret: ").expect("the first start prints the generated secret").to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");

    #[allow(deprecated)] // ring, as the client uses (runtime/src/client/builder.rs says why)
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let get = |path: &str| http.get(format!("{}{path}", first.base)).bearer_auth(&token).send();
    let (sources, statuses): (Value, Value) = (get("/sources").await.unwrap().json().await.unwrap(), get("/statuses").await.unwrap().json().await.unwrap());
    let (source, status) = (&sources["data"][0]["id"], &statuses["data"][0]["id"]);
    let mut acknowledged = Vec::new();
    for n in 0..40 {
        let body = json!({"firstname": "K", "lastname": format!("{n}"), "phone": format!("+1555092{n:04}"), "type": "lead", "source_id": source, "status_id": status});
        let reply = http.post(format!("{}/contacts", first.base)).bearer_auth(&token).json(&body).send().await.unwrap();
        assert_eq!(reply.status(), 201);
        acknowledged.push(reply.json::<Value>().await.unwrap()["data"]["id"].as_i64().unwrap());
    }
    first.child.kill().expect("SIGKILL");
    first.child.wait().unwrap();

    let receiver = Receiver::start_on(addr, &secret, Answer { status: 204, times: 0 }).await;
    let mut second = start_async(&db, &receiver::url(addr)).await;
    assert!(second.token.is_none(), "a restart seeds nothing");
    assert_eq!(second.printed("webhook secret: "), Some(secret.as_str()), "the restart signs with the kept secret");
    let events = receiver.wait_for(acknowledged.len(), Duration::from_secs(30)).await;
    let mut delivered: Vec<i64> = events.iter().map(|g| g.json["data"]["resource"]["id"].as_i64().unwrap()).collect();
    delivered.sort_unstable();
    assert_eq!(delivered, acknowledged, "every acknowledged create's event arrived");
    assert!(events.iter().all(|g| g.r#type() == "contact.created"));
    assert!(receiver.got().iter().all(|g| g.verified.is_ok()));

    second.child.kill().unwrap();
    second.child.wait().unwrap();
}
