//! Fault rules end to end: a sandbox on 127.0.0.1 with rules added through `Running::faults`,
//! `/_sandbox/faults` or `--faults FILE`, and the generated client (with its real retry policy)
//! or raw HTTP seeing what a real outage looks like: a 503 retried, a 500 given up on, a 429
//! waited out, latency, dropped connections, seeded probabilities; and two sandboxes on one
//! database sharing their rules. Each test has a database of its own: a SQLite file, or a
//! PostgreSQL schema when `WACR_TEST_POSTGRES` names a server.

mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wacr_client::models::{CreateContactBody, ListContactsError, Open};
use wacr_client::{Client, Error, RetryPolicy};
use wacr_sandbox::faults::{NewRule, Rule};
use wacr_sandbox::{Config, DbPath, Running};

/// A database of the test's own: a SQLite file in the returned directory, or a PostgreSQL
/// schema when `WACR_TEST_POSTGRES` names a server.
fn database() -> (DbPath, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (wacr_sandbox::db::test_database(dir.path().join("sandbox.db")), dir)
}

/// A sandbox on `db` with `faults` from the start.
async fn start_on(db: &DbPath, seed: u64, faults: Vec<NewRule>) -> Running {
    #[allow(deprecated)] // ring, as the client uses (runtime/src/client/builder.rs says why)
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = Config { bind: "127.0.0.1:0".parse().unwrap(), db: db.clone(), rate_limit_per_minute: 100_000, fault_seed: seed, faults, ..Config::default() };
    wacr_sandbox::spawn(config).await.expect("sandbox starts")
}

/// A sandbox on a database of its own (kept as long as the directory) with `faults` from the
/// start.
async fn start(seed: u64, faults: Vec<NewRule>) -> (Running, tempfile::TempDir) {
    let (db, dir) = database();
    (start_on(&db, seed, faults).await, dir)
}

/// A client retrying as by default, with short backoffs.
fn retrying(running: &Running) -> Client {
    let policy = RetryPolicy { initial_backoff: Duration::from_millis(20), max_backoff: Duration::from_millis(50), ..RetryPolicy::default() };
    Client::builder().base_url(running.base_url()).token(running.token("default").unwrap()).retry(policy).build().unwrap()
}

fn rule(json: Value) -> NewRule {
    serde_json::from_value(json).unwrap()
}

/// The rule `id` as the registry has it now.
async fn listed(running: &Running, id: u64) -> Rule {
    running.faults().list().await.unwrap().into_iter().find(|r| r.id == id).unwrap()
}

/// Status, `Retry-After` and JSON body of a raw request with the default token.
async fn raw(running: &Running, method: &str, path: &str, body: Option<Value>) -> (u16, Option<String>, Value) {
    let mut request = reqwest::Client::new().request(method.parse().unwrap(), format!("{}{path}", running.base_url())).bearer_auth(running.token("default").unwrap());
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let retry_after = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
    let text = response.text().await.unwrap();
    (status, retry_after, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// A contact of the first source and status.
async fn contact(client: &Client, phone: &str) -> CreateContactBody {
    let source = client.sources().list(Default::default()).await.unwrap().items[0].id;
    let status = client.statuses().list(Default::default()).await.unwrap().items[0].id;
    let body = json!({"firstname": "Fault", "lastname": "Test", "phone": phone, "type": "lead", "source_id": source, "status_id": status});
    serde_json::from_value(body).unwrap()
}

#[tokio::test]
async fn a_503_once_is_retried_by_the_client_and_succeeds() {
    let (running, _dir) = start(0, Vec::new()).await;
    let added = running.faults().add(rule(json!({"match": {"operation": "list_contacts"}, "fire": {"times": 1}, "action": {"status": 503}}))).await.unwrap();
    retrying(&running).contacts().list(Default::default()).await.expect("the retry succeeds");
    let seen = listed(&running, added.id).await;
    assert_eq!((seen.matched, seen.fired), (2, 1), "the sandbox saw two calls and failed the first");
    running.stop().await.unwrap();
}

#[tokio::test]
async fn a_500_always_makes_the_client_give_up_with_the_envelope_s_code() {
    let (running, _dir) = start(0, Vec::new()).await;
    let added = running.faults().add(rule(json!({"match": {"operation": "list_contacts"}, "action": {"status": 500}}))).await.unwrap();
    let Err(Error::Api(error)) = retrying(&running).contacts().list(Default::default()).await else { panic!("a 500 error") };
    assert_eq!((error.status, error.code.clone(), error.message.as_str()), (500, Open::Known(ListContactsError::InternalError), "Internal server error"));
    assert_eq!(error.attempts, RetryPolicy::default().max_attempts, "a GET is retried on a 500, then given up");
    assert_eq!(listed(&running, added.id).await.fired, u64::from(error.attempts));
    running.stop().await.unwrap();
}

#[tokio::test]
async fn a_429_answers_as_the_api_does_and_the_client_waits_its_retry_after() {
    let (running, _dir) = start(0, Vec::new()).await;
    running.faults().add(rule(json!({"match": {"operation": "list_contacts"}, "fire": {"times": 1}, "action": {"status": 429, "retry_after": 1}}))).await.unwrap();
    let (status, retry_after, body) = raw(&running, "GET", "/contacts", None).await;
    assert_eq!((status, retry_after.as_deref()), (429, Some("1")));
    assert_eq!(body, json!({"success": false, "message": "Too many requests", "error": {"code": "RATE_LIMIT_EXCEEDED", "details": {"retry_after": 1}}}));
    let added = running.faults().add(rule(json!({"match": {"operation": "list_contacts"}, "fire": {"times": 1}, "action": {"status": 429, "retry_after": 1}}))).await.unwrap();
    let started = Instant::now();
    retrying(&running).contacts().list(Default::default()).await.expect("the retry succeeds");
    assert!(started.elapsed() >= Duration::from_secs(1), "waited {:?}", started.elapsed());
    assert_eq!((listed(&running, added.id).await.matched, listed(&running, added.id).await.fired), (2, 1));
    running.stop().await.unwrap();
}

#[tokio::test]
async fn a_503_carries_retry_after_and_the_catalogue_s_code() {
    let (running, _dir) = start(0, Vec::new()).await;
    running.faults().add(rule(json!({"match": {"operation": "get_account_info"}, "action": {"status": 503, "retry_after": 7}}))).await.unwrap();
    let (status, retry_after, body) = raw(&running, "GET", "/account", None).await;
    assert_eq!((status, retry_after.as_deref()), (503, Some("7")));
    assert_eq!(body, json!({"success": false, "message": "Service unavailable", "error": {"code": "SERVICE_UNAVAILABLE"}}));
    running.stop().await.unwrap();
}

#[tokio::test]
async fn latency_delays_the_call_which_then_runs() {
    let (running, _dir) = start(0, Vec::new()).await;
    let client = retrying(&running);
    let created = client.contacts().create(contact(&client, "+15550001111").await).await.unwrap();
    running.faults().add(rule(json!({"match": {"route": "GET /contacts/{id}"}, "action": {"latency_ms": 300}}))).await.unwrap();
    let started = Instant::now();
    let got = client.contacts().get(created.id, Default::default()).await.expect("the call runs after the wait");
    assert!(started.elapsed() >= Duration::from_millis(300), "took {:?}", started.elapsed());
    assert_eq!(got.id, created.id);
    running.stop().await.unwrap();
}

#[tokio::test]
async fn a_dropped_connection_is_a_transport_error_and_a_post_is_not_retried() {
    let (running, _dir) = start(0, Vec::new()).await;
    let client = retrying(&running);
    let body = contact(&client, "+15550002222").await;
    let post = running.faults().add(rule(json!({"match": {"operation": "create_contact"}, "action": {"drop": true}}))).await.unwrap();
    let Err(Error::Transport { attempts, .. }) = client.contacts().create(body).await else { panic!("a transport error") };
    assert_eq!((attempts, listed(&running, post.id).await.fired), (1, 1), "a POST that may have reached the server is not repeated");
    running.faults().clear().await.unwrap();
    assert_eq!(client.contacts().list(Default::default()).await.unwrap().meta.total, 0, "the dropped call was not processed");
    let get = running.faults().add(rule(json!({"match": {"operation": "list_contacts"}, "action": {"drop": true}}))).await.unwrap();
    let Err(Error::Transport { attempts, .. }) = client.contacts().list(Default::default()).await else { panic!("a transport error") };
    assert_eq!((attempts, listed(&running, get.id).await.fired), (3, 3), "a GET is repeated, then given up");
    running.stop().await.unwrap();
}

/// Which of `calls` calls of List Contacts a probability rule failed, on a fresh sandbox.
async fn fired_calls(seed: u64, calls: usize) -> Vec<usize> {
    let (running, _dir) = start(seed, vec![rule(json!({"match": {"operation": "list_contacts"}, "fire": {"probability": 0.5}, "action": {"status": 500}}))]).await;
    let client = support::client(&running, running.token("default").unwrap());
    let mut fired = Vec::new();
    for call in 0..calls {
        if client.contacts().list(Default::default()).await.is_err() {
            fired.push(call);
        }
    }
    running.stop().await.unwrap();
    fired
}

#[tokio::test]
async fn a_probability_rule_fires_on_the_same_calls_for_the_same_seed() {
    let first = fired_calls(42, 40).await;
    assert_eq!(fired_calls(42, 40).await, first);
    assert!((8..=32).contains(&first.len()), "about half of 40: {first:?}");
    assert_ne!(fired_calls(43, 40).await, first, "another seed, other calls");
}

#[tokio::test]
async fn routes_match_at_both_base_paths_and_by_template_and_operations_by_id() {
    let (running, _dir) = start(0, Vec::new()).await;
    running.faults().add(rule(json!({"match": {"route": "DELETE /contacts/{id}"}, "action": {"status": 500}}))).await.unwrap();
    running.faults().add(rule(json!({"match": {"operation": "create_group"}, "action": {"status": 503}}))).await.unwrap();
    for path in ["/contacts/12", "/api/v2/contacts/12"] {
        let (status, _, body) = raw(&running, "DELETE", path, None).await;
        assert_eq!((status, &body["error"]["code"]), (500, &json!("INTERNAL_ERROR")), "{path}");
    }
    let batch = json!({"ids": [12]});
    assert_ne!(raw(&running, "DELETE", "/contacts/batch", Some(batch)).await.0, 500, "DELETE /contacts/batch is another operation");
    assert_eq!(raw(&running, "GET", "/api/v2/contacts/12", None).await.0, 404, "another method of the same path runs");
    for path in ["/groups", "/api/v2/groups"] {
        assert_eq!(raw(&running, "POST", path, Some(json!({"name": "VIP"}))).await.0, 503, "{path}");
    }
    assert_eq!(raw(&running, "GET", "/groups", None).await.0, 200);
    let counters: Vec<_> = running.faults().list().await.unwrap().iter().map(|r| (r.matched, r.fired)).collect();
    assert_eq!(counters, [(2, 2), (2, 2)]);
    running.stop().await.unwrap();
}

/// A client that sends the admin token with every request.
fn admin_http(running: &Running) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    let bearer = format!("Bearer {}", running.admin_token());
    headers.insert(reqwest::header::AUTHORIZATION, bearer.parse().unwrap());
    reqwest::Client::builder().default_headers(headers).build().unwrap()
}

#[tokio::test]
async fn the_http_routes_add_list_remove_and_clear_rules() {
    let (running, _dir) = start(0, Vec::new()).await;
    let (http, url) = (admin_http(&running), format!("{}/_sandbox/faults", running.base_url()));
    let anonymous = reqwest::Client::new().get(&url).send().await.unwrap();
    assert_eq!(anonymous.status(), 401, "the fault routes need the admin token");
    let added = http.post(&url).json(&json!({"match": {"operation": "list_contacts"}, "fire": {"times": 2}, "action": {"status": 503, "retry_after": 1}})).send().await.unwrap();
    assert_eq!(added.status(), 201);
    let added: Value = added.json().await.unwrap();
    let expected = json!({"id": 1, "match": {"operation": "list_contacts"}, "fire": {"times": 2}, "action": {"status": 503, "retry_after": 1}, "matched": 0, "fired": 0});
    assert_eq!((&added["success"], &added["data"]), (&json!(true), &expected));
    http.post(&url).json(&json!({"match": {"route": "GET /account"}, "action": {"latency_ms": 10}})).send().await.unwrap();
    assert_eq!(raw(&running, "GET", "/contacts", None).await.0, 503);
    let list: Value = http.get(&url).send().await.unwrap().json().await.unwrap();
    let ids: Vec<_> = list["data"].as_array().unwrap().iter().map(|r| (r["id"].clone(), r["fired"].clone())).collect();
    assert_eq!(ids, [(json!(1), json!(1)), (json!(2), json!(0))]);
    assert_eq!(http.delete(format!("{url}/1")).send().await.unwrap().status(), 204);
    let gone = http.delete(format!("{url}/1")).send().await.unwrap();
    assert_eq!(gone.status(), 404);
    assert_eq!(gone.json::<Value>().await.unwrap()["error"]["code"], "NOT_FOUND");
    assert_eq!(http.delete(format!("{url}/one")).send().await.unwrap().status(), 404);
    assert_eq!(http.delete(&url).send().await.unwrap().status(), 204);
    assert!(running.faults().list().await.unwrap().is_empty());
    running.stop().await.unwrap();
}

#[tokio::test]
async fn a_refused_rule_is_a_422_with_the_api_s_envelope() {
    let (running, _dir) = start(0, Vec::new()).await;
    let (http, url) = (admin_http(&running), format!("{}/_sandbox/faults", running.base_url()));
    let bad = json!({"match": {"operation": "list_contact"}, "fire": {"probability": 2.0}, "action": {"status": 404}});
    let reply = http.post(&url).json(&bad).send().await.unwrap();
    assert_eq!(reply.status(), 422);
    let body: Value = reply.json().await.unwrap();
    assert_eq!((&body["success"], &body["error"]["code"]), (&json!(false), &json!("VALIDATION_ERROR")));
    assert_eq!(
        body["errors"],
        json!({
            "match.operation": ["`list_contact` is not an operation id of the API (such as list_contacts)"],
            "fire.probability": ["`probability` is between 0 and 1, not 2"],
            "action.status": ["status 404 is not one a rule answers with (429, 500 or 503)"],
        })
    );
    let reply = http.post(&url).body("{\"match\": ").send().await.unwrap();
    assert_eq!(reply.status(), 422);
    let body: Value = reply.json().await.unwrap();
    assert!(body["errors"]["body"][0].as_str().unwrap().starts_with("The request body is not a fault rule: "), "{body}");
    assert!(running.faults().list().await.unwrap().is_empty());
    running.stop().await.unwrap();
}

#[path = "support/binary.rs"]
mod binary;

/// The code blocks of `lang` in the README's "Faults" section.
fn readme_blocks(lang: &str) -> Vec<String> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme.split("\n## Faults\n").nth(1).expect("a Faults section").split("\n## ").next().unwrap();
    let fence = format!("```{lang}\n");
    section.split(&fence).skip(1).map(|rest| rest.split("```").next().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn the_readme_s_faults_file_is_in_force_when_the_binary_starts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("faults.yaml");
    std::fs::write(&path, &readme_blocks("yaml")[0]).unwrap();
    let mut started = binary::start(&[std::ffi::OsStr::new("--db"), ":memory:".as_ref(), "--faults".as_ref(), path.as_os_str()]);
    let (base, token) = (started.base.clone(), started.token.clone().unwrap());
    let http = reqwest::Client::new();
    let get = |path: &str| http.get(format!("{base}{path}")).bearer_auth(&token).send();
    let first = get("/api/v2/contacts").await.unwrap();
    assert_eq!((first.status().as_u16(), first.headers()["retry-after"].to_str().unwrap()), (503, "1"));
    assert_eq!(get("/api/v2/contacts").await.unwrap().status(), 200, "the rule fired once");
    assert!(get("/contacts/1").await.is_err(), "GET /contacts/{{id}} loses its connection");
    started.child.kill().unwrap();
    started.child.wait().unwrap();
}

#[test]
fn a_bad_faults_file_stops_the_binary_with_the_file_the_rule_and_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_wacr-sandbox")).args(["--bind", "127.0.0.1:0", "--db", ":memory:"]).arg("--faults").arg(&path).output().unwrap();
        assert!(!output.status.success(), "{name} is refused");
        assert!(output.stdout.is_empty(), "nothing started: {}", String::from_utf8_lossy(&output.stdout));
        String::from_utf8(output.stderr).unwrap()
    };
    let refused = run("refused.yaml", "- match: {operation: list_contacts}\n  action: {status: 503}\n- match: {route: GET /contact}\n  action: {status: 418}\n");
    assert!(refused.contains("refused.yaml: rule 2: match.route: no operation of the API is at `GET /contact`; action.status: status 418 is not one a rule answers with"), "{refused}");
    let malformed = run("malformed.yaml", "- match: {operation: list_contacts}\n  action: {status: 503}\n  after: 3\n");
    assert!(malformed.contains("malformed.yaml") && malformed.contains("after") && malformed.contains("line 3"), "{malformed}");
    let json = run("rules.json", "[{\"match\": {\"operation\": \"list_contacts\"}, \"action\": {}}]");
    assert!(json.contains("rules.json: rule 1: action: a rule does something"), "{json}");
}

/// Multi-threaded: curl runs blocking while the sandbox answers it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_s_curl_commands_add_list_and_clear_rules() {
    let (running, _dir) = start(0, Vec::new()).await;
    let block = readme_blocks("sh").remove(0).replace("\\\n", " ");
    let commands: Vec<&str> = block.lines().filter(|l| l.starts_with("curl ")).collect();
    assert_eq!(commands.len(), 3, "{block}");
    let run = |command: &str| {
        let command = command.replace("http://127.0.0.1:8080", &running.base_url());
        let output = std::process::Command::new("sh").arg("-c").arg(&command).env("WACR_ADMIN", running.admin_token()).output().expect("sh runs");
        assert!(output.status.success(), "{command}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    let added: Value = serde_json::from_str(&run(commands[0])).unwrap();
    assert_eq!((&added["data"]["id"], &added["data"]["fire"]), (&json!(1), &json!({"times": 1})));
    assert_eq!(raw(&running, "GET", "/contacts", None).await.0, 503);
    let listed: Value = serde_json::from_str(&run(commands[1])).unwrap();
    assert_eq!((&listed["data"][0]["matched"], &listed["data"][0]["fired"]), (&json!(1), &json!(1)));
    assert_eq!(run(commands[2]), "");
    assert!(running.faults().list().await.unwrap().is_empty());
    running.stop().await.unwrap();
}

/// The status of a request to `base` with `token`.
async fn status_at(http: &reqwest::Client, base: &str, token: &str, method: &str, path: &str) -> u16 {
    http.request(method.parse().unwrap(), format!("{base}{path}")).bearer_auth(token).send().await.unwrap().status().as_u16()
}

/// How long `base` takes to answer GET /account with `status`, asking every 10 ms for at most
/// a second.
async fn until_account_is(http: &reqwest::Client, base: &str, token: &str, status: u16) -> Duration {
    let started = Instant::now();
    while status_at(http, base, token, "GET", "/account").await != status {
        assert!(started.elapsed() < Duration::from_secs(1), "GET /account never answered {status}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    started.elapsed()
}

/// Two sandboxes on one database (a SQLite file, or a PostgreSQL schema under
/// `WACR_TEST_POSTGRES`): a rule added through one's admin API fires on the other within the
/// documented bound, its removal holds there as soon, and a `{times: 2}` rule fires twice in
/// all over calls split across both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandboxes_on_one_database_share_their_rules() {
    // the poll interval, plus one read of the database, with room for a loaded machine
    let bound = wacr_sandbox::faults::REFRESH + Duration::from_millis(200);
    let (db, _dir) = database();
    let (a, b) = (start_on(&db, 0, Vec::new()).await, start_on(&db, 0, Vec::new()).await);
    let token = a.token("default").unwrap().to_owned();
    let (admin, http) = (admin_http(&a), reqwest::Client::new());
    let (on_a, on_b) = (format!("{}/_sandbox/faults", a.base_url()), format!("{}/_sandbox/faults", b.base_url()));

    let added: Value = admin.post(&on_a).json(&json!({"match": {"operation": "get_account_info"}, "action": {"status": 503}})).send().await.unwrap().json().await.unwrap();
    let in_force = until_account_is(&http, &b.base_url(), &token, 503).await;
    assert!(in_force <= bound, "a rule added on A fired on B after {in_force:?}");
    let id = added["data"]["id"].as_u64().unwrap();
    assert_eq!(admin.delete(format!("{on_b}/{id}")).send().await.unwrap().status(), 204, "removed through B");
    let lifted = until_account_is(&http, &a.base_url(), &token, 200).await;
    assert!(lifted <= bound, "a rule removed on B still fired on A after {lifted:?}");
    println!("in force on B after {in_force:?}, lifted on A after {lifted:?} (bound {bound:?})");

    let twice = json!({"match": {"operation": "list_contacts"}, "fire": {"times": 2}, "action": {"status": 503, "retry_after": 1}});
    assert_eq!(admin.post(&on_b).json(&twice).send().await.unwrap().status(), 201);
    tokio::time::sleep(bound).await;
    let bases = [a.base_url(), b.base_url()];
    let calls = (0..12).map(|i| status_at(&http, &bases[i % 2], &token, "GET", "/contacts"));
    let statuses = futures::future::join_all(calls).await;
    assert_eq!(statuses.iter().filter(|s| **s == 503).count(), 2, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 10, "{statuses:?}");
    let listed: Value = admin.get(&on_a).send().await.unwrap().json().await.unwrap();
    assert_eq!((&listed["data"][0]["matched"], &listed["data"][0]["fired"]), (&json!(12), &json!(2)), "counted across both");
    a.stop().await.unwrap();
    b.stop().await.unwrap();
}
