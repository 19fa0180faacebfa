//! Instruction counts under callgrind: rows that a shared, busy machine does not disturb.
//! `wacr-bench calls glue|client SIDE N` makes `N` calls of a row's request on one side, one at
//! a time in process ([`glue::calls`](crate::glue::calls), [`client::calls`](crate::client::calls));
//! this module runs it under `valgrind --tool=callgrind` for two values of `N` and takes the
//! difference, so start-up (runtime, server, store, TLS roots) cancels out.

use anyhow::anyhow;
use std::process::Command;

/// Instructions per call of `wacr-bench calls ROW SIDE N`; `None` when valgrind is not installed.
pub fn per_call(row: &str, side: &str, quick: bool) -> anyhow::Result<Option<f64>> {
    if Command::new("valgrind").arg("--version").output().is_err() {
        return Ok(None);
    }
    let (few, many) = if quick { (200, 1_200) } else { (1_000, 6_000) };
    let count = |n: u64| -> anyhow::Result<u64> {
        let exe = std::env::current_exe().map_err(|e| anyhow!("{e}"))?;
        let output = Command::new("valgrind")
            .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
            .arg(exe)
            .args(["calls", row, side, &n.to_string()])
            .output()
            .map_err(|e| anyhow!("cannot run valgrind: {e}"))?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            return Err(anyhow!("`wacr-bench calls {row} {side} {n}` under callgrind failed: {stderr}"));
        }
        refs(&stderr).ok_or_else(|| anyhow!("no instruction count in callgrind's output: {stderr}"))
    };
    let (a, b) = (count(few)?, count(many)?);
    Ok(Some(b.saturating_sub(a) as f64 / (many - few) as f64))
}

/// The total of callgrind's `==PID== I   refs:      1,234,567` line.
fn refs(stderr: &str) -> Option<u64> {
    let line = stderr.lines().find(|l| l.contains("I   refs:") || l.contains("I refs:"))?;
    let digits: String = line.rsplit(':').next()?.chars().filter(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// `44.4k`.
pub fn thousands(n: f64) -> String {
    format!("{:.1}k", n / 1000.0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn refs_are_read_from_callgrinds_summary() {
        let stderr = "==12== Callgrind, a call-graph generating cache profiler\n==12== \n==12== I   refs:      556,897,378\n";
        assert_eq!(super::refs(stderr), Some(556_897_378));
        assert_eq!(super::refs("nothing"), None);
        assert_eq!(super::thousands(44_412.0), "44.4k");
    }
}
