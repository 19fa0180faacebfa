//! Durability: the real binary is started on a temp SQLite file, written to over HTTP, killed
//! with SIGKILL while writes are in flight, and restarted on the same file: every write it
//! acknowledged is there, and the first start's token still works.

use std::time::Duration;

use serde_json::{Value, json};

#[path = "support/binary.rs"]
mod binary;

/// Starts the binary on `db`.
fn start(db: &std::path::Path) -> binary::Started {
    binary::start(&[std::ffi::OsStr::new("--db"), db.as_os_str()])
}

async fn create(http: &reqwest::Client, base: &str, token: &str, body: &Value) -> Option<Value> {
    let reply = http.post(format!("{base}/contacts")).bearer_auth(token).json(body).send().await.ok()?;
    if reply.status() != 201 {
        return None;
    }
    reply.json::<Value>().await.ok().map(|v| v["data"].clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("durable.db");
    let mut first = tokio::task::spawn_blocking({
        let db = db.clone();
        move || start(&db)
    })
    .await
    .unwrap();
    let token = first.token.clone().expect("the first start prints the token");
    // the workspace builds reqwest without a default TLS provider; these calls are plain HTTP
    #[allow(deprecated)] // ring, as the client uses (runtime/src/client/builder.rs says why)
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let sources = http.get(format!("{}/sources", first.base)).bearer_auth(&token).send().await.unwrap().json::<Value>().await.unwrap();
    let statuses = http.get(format!("{}/statuses", first.base)).bearer_auth(&token).send().await.unwrap().json::<Value>().await.unwrap();
    let (source, status) = (sources["data"][0]["id"].clone(), statuses["data"][0]["id"].clone());

    let group = http.post(format!("{}/groups", first.base)).bearer_auth(&token).json(&json!({"name": "Durable"})).send().await.unwrap();
    assert_eq!(group.status(), 201);
    let sent = http
        .post(format!("{}/messages/text", first.base))
        .bearer_auth(&token)
        .json(&json!({"phone": "+15550700000", "message": "kept"}))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200);

    // four writers create contacts until the process dies under them
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let mut writers = Vec::new();
    for w in 0..4 {
        let (http, base, token, tx) = (http.clone(), first.base.clone(), token.clone(), tx.clone());
        let (source, status) = (source.clone(), status.clone());
        writers.push(tokio::spawn(async move {
            for i in 0..10_000 {
                let phone = format!("+1555{w}{i:06}");
                let body = json!({"firstname": "D", "lastname": "K", "phone": phone, "type": "lead", "source_id": source, "status_id": status});
                match create(&http, &base, &token, &body).await {
                    Some(_) => {
                        if tx.send(phone).is_err() {
                            return;
                        }
                    }
                    None => return,
                }
            }
        }));
    }
    drop(tx);
    let mut acknowledged = Vec::new();
    while acknowledged.len() < 200 {
        acknowledged.push(rx.recv().await.expect("writes are acknowledged"));
    }
    first.child.kill().expect("SIGKILL");
    first.child.wait().unwrap();
    for writer in writers {
        writer.await.unwrap();
    }
    while let Ok(phone) = rx.try_recv() {
        acknowledged.push(phone);
    }

    let mut second = tokio::task::spawn_blocking({
        let db = db.clone();
        move || start(&db)
    })
    .await
    .unwrap();
    assert!(second.token.is_none(), "a restart seeds nothing");
    let mut stored = std::collections::HashSet::new();
    let mut page = 1;
    loop {
        let url = format!("{}/contacts?per_page=100&page={page}&fields=phone", second.base);
        let reply = http.get(url).bearer_auth(&token).send().await.unwrap();
        assert_eq!(reply.status(), 200, "the first start's token still works");
        let json: Value = reply.json().await.unwrap();
        for contact in json["data"].as_array().unwrap() {
            stored.insert(contact["phone"].as_str().unwrap().to_owned());
        }
        if json["meta"]["current_page"] == json["meta"]["last_page"] {
            break;
        }
        page += 1;
    }
    let lost: Vec<_> = acknowledged.iter().filter(|p| !stored.contains(*p)).collect();
    assert!(lost.is_empty(), "{} of {} acknowledged creates lost: {lost:?}", lost.len(), acknowledged.len());
    let groups: Value = http.get(format!("{}/groups", second.base)).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(groups["data"][0]["name"], "Durable");
    let messages: Value = http.get(format!("{}/messages?search=kept", second.base)).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(messages["meta"]["total"], 1);

    second.child.kill().unwrap();
    second.child.wait().unwrap();
    tokio::time::sleep(Duration::from_millis(10)).await;
}
