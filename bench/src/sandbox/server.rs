//! The sandbox in a child process (`wacr-bench serve-sandbox DB`, DB a file path or a
//! `postgres://` URL), so that the memory row is the sandbox's alone, read from
//! `/proc/<child>/status`, and so that two children on one PostgreSQL schema are two replicas.
//! The child prints `listening on ADDR` and stops when its stdin closes.

use anyhow::anyhow;
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use wacr_sandbox::DbPath;

use super::config;

/// The sandbox in a child process.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
}

impl Server {
    pub fn start(db: &DbPath) -> anyhow::Result<Server> {
        let exe = std::env::current_exe().map_err(|e| anyhow!("{e}"))?;
        let mut child = Command::new(exe)
            .arg("serve-sandbox")
            .arg(db_arg(db))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| anyhow!("cannot start the sandbox child: {e}"))?;
        let mut lines = BufReader::new(child.stdout.take().ok_or_else(|| anyhow!("no child stdout"))?).lines();
        let addr = lines
            .find_map(|line| line.ok()?.strip_prefix("listening on ")?.parse().ok())
            .ok_or_else(|| anyhow!("the sandbox child exited before listening"))?;
        Ok(Server { child, addr })
    }

    /// VmRSS and VmHWM of the child.
    pub fn memory(&self) -> String {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let field = |name: &str| {
            status.lines().find_map(|l| l.strip_prefix(name)).and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
        };
        match (field("VmRSS:"), field("VmHWM:")) {
            (Some(rss), Some(hwm)) => format!("{} MiB (peak {} MiB)", rss / 1024, hwm / 1024),
            _ => "unknown (no /proc)".into(),
        }
    }

    /// Closes the child's stdin (its signal to stop) and waits, killing it after 10 s.
    pub fn stop(mut self) {
        drop(self.child.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The child's side: serves the prepared database on 127.0.0.1:0, prints
/// `listening on ADDR`, and stops when stdin closes.
pub fn serve_child(db: &str) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| anyhow!("{e}"))?;
    rt.block_on(async {
        let running = wacr_sandbox::spawn(config(&DbPath::parse(db))).await?;
        println!("listening on {}", running.addr);
        tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        })
        .await
        .map_err(|e| anyhow!("{e}"))?;
        running.stop().await.map_err(|e| anyhow!("{e}"))
    })
}

/// The child's argument for `db`: the file path, or the whole URL (its password too, which
/// `DbPath`'s display leaves out).
fn db_arg(db: &DbPath) -> String {
    match db {
        DbPath::File(path) => path.display().to_string(),
        DbPath::Memory => ":memory:".to_owned(),
        DbPath::Postgres(config) => config.url.clone(),
    }
}
