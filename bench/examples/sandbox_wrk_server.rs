//! Serves a sandbox seeded exactly as `wacr-bench`'s sandbox section seeds it, and prints the
//! wrk commands of the bench's three loads against it (the scripts of `bench/wrk/`), to run wrk
//! by hand. Stops on Enter or end of input.
//!
//! ```text
//! cargo run --release -p wacr-bench --example sandbox_wrk_server [CONTACTS]
//! ```

use anyhow::anyhow;
use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use wacr_bench::sandbox::{self, wrk};
use wacr_sandbox::DbPath;

fn main() -> anyhow::Result<()> {
    let contacts: usize = std::env::args().nth(1).map_or(Ok(100_000), |a| a.parse()).map_err(|e| anyhow!("CONTACTS: {e}"))?;
    let dir = tempfile::Builder::new().prefix("wacr-wrk-sandbox").tempdir().map_err(|e| anyhow!("{e}"))?;
    let db = DbPath::File(dir.path().join("sandbox.db"));
    let prepared = sandbox::prepare(&db, contacts)?;
    eprintln!("seeded {contacts} contacts in {:?}", prepared.seeding);
    let scripts = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("wrk");
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| anyhow!("{e}"))?;
    rt.block_on(async {
        let running = wacr_sandbox::spawn(sandbox::config(&db)).await?;
        let addr = running.addr;
        println!("sandbox listening on {addr}; the bench's loads under wrk:");
        for ((script, _), args) in wrk::SCRIPTS.iter().zip(prepared.wrk_script_args(contacts)) {
            let args = wrk::args(addr, sandbox::CONNECTIONS, Duration::from_secs(6), &prepared.token, &scripts.join(script), &args);
            let quoted: Vec<String> = args.iter().map(|a| if a.contains(' ') { format!("'{a}'") } else { a.clone() }).collect();
            println!("wrk {}", quoted.join(" "));
        }
        println!("(Enter stops the sandbox)");
        tokio::task::spawn_blocking(|| {
            let mut byte = [0u8; 1];
            let _ = std::io::stdin().read(&mut byte);
        })
        .await
        .map_err(|e| anyhow!("{e}"))?;
        running.stop().await.map_err(|e| anyhow!("{e}"))
    })
}
