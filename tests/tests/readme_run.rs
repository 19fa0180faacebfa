//! The README's Rust blocks that call a server (those reading `WACR_TOKEN`) run against a live
//! sandbox: `build.rs` copies each one into a module, with the README's base URL
//! (`http://127.0.0.1:8080`) replaced by this sandbox's, and the test runs its `main` with
//! `WACR_TOKEN` (and `WACR_BASE_URL`) set, as a reader following the README would.

use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/readme_blocks.rs"));

static SANDBOX_URL: OnceLock<String> = OnceLock::new();

/// The base URL of the test's sandbox, for the README's code.
fn sandbox_url() -> String {
    SANDBOX_URL.get().expect("the sandbox runs").clone()
}

#[test]
fn the_readme_client_code_runs_against_a_sandbox() {
    assert!(!README_BLOCKS.is_empty(), "the README has a client example that reads WACR_TOKEN");
    // the blocks' own `#[tokio::main]` runtimes run beside this one, which serves the sandbox
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let running = runtime
        .block_on(wacr_sandbox::spawn(wacr_sandbox::Config {
            bind: "127.0.0.1:0".parse().unwrap(),
            db: wacr_sandbox::DbPath::Memory,
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
    }
    for (line, main) in README_BLOCKS {
        main().unwrap_or_else(|e| panic!("the README's block at line {line} failed: {e}"));
    }
    runtime.block_on(running.stop()).unwrap();
}
