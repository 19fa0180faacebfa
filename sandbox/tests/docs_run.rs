//! The examples of the API reference run against a live sandbox: every curl command of
//! `generated/docs/*.md`, as written but for the host, with the real `curl` binary, and every
//! Rust snippet (`generated/wacr-client/tests/doc_snippets.rs`) with the generated client. Each
//! example runs on a fresh sandbox holding the example data (`--example-data`), after the
//! examples it builds on (Verify OTP needs the code Send OTP sent).

mod support;

#[path = "../../generated/wacr-client/tests/doc_snippets.rs"]
mod doc_snippets;

use std::path::Path;
use std::process::Command;

use support::Options;
use support::prerequisites::with_prerequisites;

/// The documented base URL the curl commands use; the sandbox serves the same path.
const DOCS_BASE: &str = "https://app.wa.cr/api/v2";

/// Whether `status` is what an example should get: every example of the docs succeeds.
fn expected(_operation: &str, status: u16) -> bool {
    (200..300).contains(&status)
}

/// One curl command of the reference: the operation it documents and its text.
struct Curl {
    operation: String,
    command: String,
}

/// Every ```sh block holding a curl command in the pages, with the operation anchor above it.
fn curls() -> Vec<Curl> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/docs");
    let mut pages: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "md")).collect();
    pages.sort();
    let mut found = Vec::new();
    for page in pages {
        let text = std::fs::read_to_string(&page).unwrap();
        let mut operation = String::new();
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            if let Some(id) = line.strip_prefix("<a id=\"").and_then(|rest| rest.strip_suffix("\"></a>")) {
                operation = id.to_owned();
            } else if line == "```sh" {
                let block: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
                if block.first().is_some_and(|l| l.starts_with("curl ")) {
                    found.push(Curl { operation: operation.clone(), command: block.join("\n") });
                }
            }
        }
    }
    found
}

/// Runs a curl command of the docs against `base` (the sandbox's URL) with `token`; returns
/// the status and the body.
fn run_curl(command: &str, base: &str, token: &str) -> (u16, String) {
    assert!(command.contains(DOCS_BASE), "the command uses the documented base URL: {command}");
    let command = format!("{} -sS -w '\\n%{{http_code}}'", command.replace(DOCS_BASE, &format!("{base}/api/v2")));
    let output = Command::new("sh").arg("-c").arg(&command).env("WACR_TOKEN", token).output().expect("sh runs");
    assert!(output.status.success(), "{command}: {}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    let (body, status) = text.rsplit_once('\n').unwrap();
    (status.parse().unwrap(), body.to_owned())
}

/// A fresh sandbox with the example data.
async fn sandbox() -> support::Sandbox {
    support::start_with(Options { example_data: true, ..Options::default() }).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_curl_command_of_the_docs_succeeds() {
    assert!(Command::new("curl").arg("--version").output().is_ok_and(|o| o.status.success()), "this test runs the docs' commands with curl: install it (apt-get install -y curl)");
    let curls = curls();
    assert!(curls.len() >= 43, "a curl command per operation, found {}", curls.len());
    let mut failures = Vec::new();
    for curl in &curls {
        let sb = sandbox().await;
        let (base, token) = (sb.running.base_url(), sb.running.token("default").unwrap().to_owned());
        let commands: Vec<String> = with_prerequisites(&curl.operation)
            .into_iter()
            .map(|op| curls.iter().find(|c| c.operation == op).unwrap_or_else(|| panic!("no curl command for {op}")).command.clone())
            .collect();
        let runs = tokio::task::spawn_blocking(move || commands.iter().map(|c| run_curl(c, &base, &token)).collect::<Vec<_>>()).await.unwrap();
        for (status, body) in runs {
            if !expected(&curl.operation, status) {
                failures.push(format!("{}: {status} {body}", curl.operation));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} examples failed:\n{}", failures.len(), curls.len(), failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_rust_snippet_of_the_docs_succeeds() {
    let operations: Vec<String> = curls().into_iter().map(|c| c.operation).collect();
    let mut failures = Vec::new();
    for operation in &operations {
        let sb = sandbox().await;
        // the documented base URL's path, as a user pointing the client at the docs' URL has it
        let client = support::client_for(&format!("{}/api/v2", sb.running.base_url()), sb.running.token("default").unwrap());
        for op in with_prerequisites(operation) {
            let Some(result) = doc_snippets::run(&client, op).await else { panic!("no snippet for {op}") };
            if let Err(error) = result {
                let status = error.status.unwrap_or_default();
                if !expected(op, status) {
                    failures.push(format!("{op}: {error}"));
                }
            }
        }
    }
    assert!(operations.len() >= 43, "a snippet per operation, found {}", operations.len());
    assert!(failures.is_empty(), "{} of {} snippets failed:\n{}", failures.len(), operations.len(), failures.join("\n"));
}
