//! The command line's cost: `wacr contacts get 1` run as a process against a local sandbox
//! (process start, argument parsing, client build, the call, JSON output) against the same call
//! made in process by a fresh client on a fresh runtime, alternating, medians over the runs.
//! The `wacr` binary is built in release mode first, in the workspace's target directory.

use anyhow::anyhow;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use wacr_client::Client;
use wacr_client::models::GetContactQuery;
use wacr_sandbox::{Config, DbPath};

use crate::table::Row;
use crate::{Settings, runtime, stats};

/// How much slower than the in-process call the command may be.
const TARGET: Duration = Duration::from_millis(50);

pub fn rows(settings: &Settings) -> anyhow::Result<Vec<Row>> {
    let binary = build(settings)?;
    let server = runtime(1);
    let config = Config { bind: "127.0.0.1:0".parse()?, db: DbPath::Memory, example_data: true, rate_limit_per_minute: 1_000_000_000, ..Config::default() };
    let running = server.block_on(wacr_sandbox::spawn(config)).map_err(|e| anyhow!("sandbox: {e}"))?;
    let (base, token) = (running.base_url(), running.token("default").ok_or_else(|| anyhow!("no token"))?.to_owned());
    let runs = if settings.quick { 5 } else { 40 };
    let (mut process, mut in_process) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let start = Instant::now();
        let status = Command::new(&binary)
            .args(["contacts", "get", "1", "--output", "json"])
            .env("WACR_BASE_URL", &base)
            .env("WACR_TOKEN", &token)
            .env("WACR_CONFIG", settings.scratch().join("wacr-config.yaml"))
            .stdout(Stdio::null())
            .status()?;
        process.push(start.elapsed());
        if !status.success() {
            return Err(anyhow!("wacr contacts get 1 exited with {status}"));
        }
        let start = Instant::now();
        in_process_call(&base, &token)?;
        in_process.push(start.elapsed());
    }
    let (p, q) = (stats::median(&process), stats::median(&in_process));
    let above = p.saturating_sub(q);
    Ok(vec![
        Row::new(format!("cli: `wacr contacts get 1` as a process against a local sandbox, median of {runs}"), stats::duration(p))
            .compared(format!("the same call in process, client and runtime built per call: {}; {} above", stats::duration(q), stats::duration(above)))
            .target("< 50 ms above", above < TARGET),
    ])
}

/// The call `wacr contacts get 1` makes, from a client built for it.
fn in_process_call(base: &str, token: &str) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let client = Client::builder().base_url(base).token(token).build().map_err(|e| anyhow!("client: {e}"))?;
    let contact = rt.block_on(client.contacts().get(1, GetContactQuery::default())).map_err(|e| anyhow!("{e}"))?;
    std::hint::black_box(serde_json::to_string_pretty(&serde_json::json!({"id": contact.id}))?);
    Ok(())
}

/// `cargo build --release -p wacr-cli`: the path of the `wacr` binary.
fn build(settings: &Settings) -> anyhow::Result<std::path::PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo).current_dir(&settings.root).args(["build", "--release", "--quiet", "-p", "wacr-cli", "--bin", "wacr"]).status()?;
    if !status.success() {
        return Err(anyhow!("building wacr failed: {status}"));
    }
    Ok(settings.root.join("target").join("release").join("wacr"))
}
