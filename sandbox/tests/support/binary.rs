//! The `wacr-sandbox` binary as a child process, for the tests that kill it: started with its
//! arguments (stdout piped, stderr dropped), its stdout read until it listens.

#![allow(dead_code)]

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A started binary. The caller kills and waits.
pub struct Started {
    pub child: Child,
    /// `http://addr` from its `listening on` line.
    pub base: String,
    /// The default token, when this start printed one (a first start).
    pub token: Option<String>,
    /// The lines it printed before it listened.
    pub lines: Vec<String>,
}

impl Started {
    /// What follows `prefix` on the first printed line that starts with it.
    pub fn printed(&self, prefix: &str) -> Option<&str> {
        self.lines.iter().find_map(|line| line.strip_prefix(prefix))
    }
}

/// Starts the binary on 127.0.0.1:0 with `args` (and `--rate-limit 100000` unless they set one).
#[allow(clippy::zombie_processes)] // the caller kills and waits
pub fn start<S: AsRef<OsStr>>(args: &[S]) -> Started {
    let limited = args.iter().any(|a| a.as_ref() == "--rate-limit");
    let mut child = Command::new(env!("CARGO_BIN_EXE_wacr-sandbox"))
        .args(["--bind", "127.0.0.1:0"])
        .args(if limited { &[][..] } else { &["--rate-limit", "100000"][..] })
        .args(args)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut lines = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(base) = line.strip_prefix("listening on ") {
            let base = base.to_owned();
            let token = lines.iter().find_map(|l: &String| l.strip_prefix("token default")).and_then(|rest| rest.rsplit(' ').next()).map(str::to_owned);
            return Started { child, base, token, lines };
        }
        lines.push(line);
    }
    panic!("the sandbox stopped before it listened: {lines:?}");
}
