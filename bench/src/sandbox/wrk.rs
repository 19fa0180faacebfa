//! The sandbox loads again under wrk (<https://github.com/wg/wrk>), an independent load
//! generator, against the same child server and database, so the table shows the bench's own
//! numbers and wrk's side by side: 2 threads, the same 8 connections and the same duration as
//! the bench's round (whole seconds: wrk takes no fractions), `--latency` for p50/p99, and the
//! Lua scripts of `bench/wrk/` for the varying paths and the POST bodies; the bearer token
//! travels in `-H`. Without `wrk` on PATH one row says so (`apt-get install -y wrk`).
//!
//! By hand, against a sandbox seeded like the bench's (`cargo run --release -p wacr-bench
//! --example sandbox_wrk_server` seeds 100,000 contacts, serves them and prints these commands
//! with the real address, token and ids):
//!
//! ```text
//! wrk -t2 -c8 -d6s --latency -H 'Authorization: Bearer TOKEN' -s bench/wrk/get.lua http://ADDR -- FIRST_ID 100000
//! wrk -t2 -c8 -d6s --latency -H 'Authorization: Bearer TOKEN' -s bench/wrk/list.lua http://ADDR
//! wrk -t2 -c8 -d6s --latency -H 'Authorization: Bearer TOKEN' -s bench/wrk/create.lua http://ADDR -- SOURCE_ID STATUS_ID
//! ```

use anyhow::anyhow;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The Lua scripts, written next to the database when the bench runs.
pub const SCRIPTS: [(&str, &str); 3] =
    [("get.lua", include_str!("../../wrk/get.lua")), ("list.lua", include_str!("../../wrk/list.lua")), ("create.lua", include_str!("../../wrk/create.lua"))];

/// Threads of every wrk run.
pub const THREADS: usize = 2;

/// The row's text when wrk is missing.
pub const MISSING: &str = "skipped: `wrk` is not on PATH (Debian/Ubuntu: `apt-get install -y wrk`; or build https://github.com/wg/wrk)";

/// Whether `wrk` can be run.
pub fn available() -> bool {
    Command::new("wrk").arg("--version").output().is_ok()
}

/// Writes the scripts into `dir`; their paths in the order of [`SCRIPTS`].
pub fn write_scripts(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    SCRIPTS
        .iter()
        .map(|(name, text)| {
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(|e| anyhow!("cannot write {}: {e}", path.display()))?;
            Ok(path)
        })
        .collect()
}

/// The arguments of one wrk run (without the program name).
pub fn args(addr: SocketAddr, connections: usize, duration: Duration, token: &str, script: &Path, script_args: &[String]) -> Vec<String> {
    let secs = duration.as_secs_f64().round().max(1.0) as u64;
    let mut args = vec![
        format!("-t{THREADS}"),
        format!("-c{connections}"),
        format!("-d{secs}s"),
        "--latency".to_owned(),
        "-H".to_owned(),
        format!("Authorization: Bearer {token}"),
        "-H".to_owned(),
        "Accept: application/json".to_owned(),
        "-s".to_owned(),
        script.display().to_string(),
        format!("http://{addr}"),
    ];
    if !script_args.is_empty() {
        args.push("--".to_owned());
        args.extend(script_args.iter().cloned());
    }
    args
}

/// Runs wrk against a loopback address and parses its report.
pub fn run(addr: SocketAddr, args: &[String]) -> anyhow::Result<Report> {
    if !addr.ip().is_loopback() {
        return Err(anyhow!("refusing to run wrk against {addr}: loopback addresses only"));
    }
    let out = Command::new("wrk").args(args).output().map_err(|e| anyhow!("cannot run wrk: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(anyhow!("wrk exited with {}: {}{}", out.status, String::from_utf8_lossy(&out.stderr).trim(), stdout.trim()));
    }
    parse(&stdout)
}

/// The numbers of a wrk report.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub per_second: f64,
    pub p50: Duration,
    pub p99: Duration,
    pub requests: u64,
    /// `Non-2xx or 3xx responses` plus socket errors.
    pub failed: u64,
}

/// Parses wrk's text report: `Requests/sec:`, the `Latency Distribution` percentiles (which
/// `--latency` prints), the request count, `Non-2xx or 3xx responses:` and `Socket errors:`.
pub fn parse(text: &str) -> anyhow::Result<Report> {
    let mut report = Report { per_second: f64::NAN, p50: Duration::MAX, p99: Duration::MAX, requests: 0, failed: 0 };
    let mut in_distribution = false;
    for line in text.lines().map(str::trim) {
        if let Some(rate) = line.strip_prefix("Requests/sec:") {
            report.per_second = rate.trim().parse().map_err(|_| anyhow!("unreadable Requests/sec in `{line}`"))?;
        } else if line.starts_with("Latency Distribution") {
            in_distribution = true;
        } else if in_distribution && let Some((pct, value)) = line.split_once('%') {
            let latency = duration(value.trim()).ok_or_else(|| anyhow!("unreadable latency in `{line}`"))?;
            match pct.trim() {
                "50" => report.p50 = latency,
                "99" => report.p99 = latency,
                _ => {}
            }
        } else if let Some(n) = line.strip_prefix("Non-2xx or 3xx responses:") {
            in_distribution = false;
            report.failed += n.trim().parse::<u64>().map_err(|_| anyhow!("unreadable count in `{line}`"))?;
        } else if let Some(errors) = line.strip_prefix("Socket errors:") {
            in_distribution = false;
            // `connect 0, read 0, write 0, timeout 0`
            report.failed += errors.split(',').filter_map(|part| part.split_whitespace().nth(1)?.parse::<u64>().ok()).sum::<u64>();
        } else if let Some((count, _)) = line.split_once(" requests in ") {
            in_distribution = false;
            report.requests = count.trim().parse().map_err(|_| anyhow!("unreadable request count in `{line}`"))?;
        } else {
            in_distribution = false;
        }
    }
    if report.per_second.is_nan() {
        return Err(anyhow!("no `Requests/sec:` in wrk's report:\n{text}"));
    }
    if report.p50 == Duration::MAX || report.p99 == Duration::MAX {
        return Err(anyhow!("no 50% and 99% latencies in wrk's report (was --latency given?):\n{text}"));
    }
    Ok(report)
}

/// wrk's latency text: `850.00us`, `1.96ms`, `1.02s`, `1.50m`, `1.00h`.
fn duration(text: &str) -> Option<Duration> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.trim().parse().ok()?;
    let seconds = match unit.trim() {
        "us" => number / 1e6,
        "ms" => number / 1e3,
        "s" => number,
        "m" => number * 60.0,
        "h" => number * 3600.0,
        _ => return None,
    };
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "\
Running 6s test @ http://127.0.0.1:40123
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.11ms    1.00ms  20.00ms   80.00%
    Req/Sec     1.60k   100.00     1.80k    70.00%
  Latency Distribution
     50%  850.00us
     75%    2.50ms
     90%    3.00ms
     99%    1.02s
  19200 requests in 6.00s, 14.00MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 5
Requests/sec:   3199.87
Transfer/sec:      2.33MB
";

    #[test]
    fn parses_a_report() {
        let r = parse(REPORT).unwrap();
        assert_eq!(r.per_second, 3199.87);
        assert_eq!((r.p50, r.p99), (Duration::from_micros(850), Duration::from_millis(1020)));
        assert_eq!((r.requests, r.failed), (19200, 8));
    }

    #[test]
    fn a_report_without_percentiles_or_rate_is_an_error() {
        let no_latency: String = REPORT.lines().filter(|l| !l.contains('%') || l.contains("Stdev")).collect::<Vec<_>>().join("\n");
        assert!(parse(&no_latency).unwrap_err().to_string().contains("--latency"));
        assert!(parse("wrk: connection refused").unwrap_err().to_string().contains("Requests/sec"));
    }

    #[test]
    fn arguments_round_the_duration_and_pass_script_arguments() {
        let addr: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let a = args(addr, 8, Duration::from_millis(800), "tok", Path::new("/x/get.lua"), &["5".into(), "10".into()]);
        assert_eq!(a[..4], ["-t2", "-c8", "-d1s", "--latency"]);
        assert!(a.contains(&"Authorization: Bearer tok".to_owned()));
        assert_eq!(a[a.len() - 4..], ["http://127.0.0.1:8080", "--", "5", "10"]);
    }
}
