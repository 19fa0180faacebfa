//! wacr-bench: what `cargo xtask bench` runs. Each section measures one thing side by side
//! with what it is compared against, in the same run, and returns rows of one table:
//! `codegen` (pipeline speed), `compile` (the generated crates' build times), `glue` (the
//! generated router vs a hand-written handler), `limits` (the Redis limiter vs the in-memory
//! one), `client` (the generated client vs raw reqwest), `sandbox` (wacr-sandbox on 100,000
//! contacts: on SQLite, then on PostgreSQL with one and two replicas), `webhooks` (the
//! sandbox's event delivery to a receiver) and `cli` (`wacr contacts get 1` as a process vs the
//! same call in process).
//!
//! Load runs only ever target loopback addresses and are bounded in time and count.

pub mod callgrind;
pub mod cli;
pub mod client;
pub mod codegen;
pub mod compile;
pub mod contacts;
pub mod glue;
pub mod limits;
pub mod load;
pub mod sandbox;
pub mod stats;
pub mod table;
pub mod webhooks;

use anyhow::anyhow;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use table::{Machine, Row};

/// One part of the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Section {
    Codegen,
    Compile,
    Glue,
    /// The Redis limiter against the in-memory one.
    Limits,
    Client,
    Sandbox,
    Webhooks,
    Cli,
}

impl Section {
    pub const ALL: [Section; 8] =
        [Section::Codegen, Section::Compile, Section::Glue, Section::Limits, Section::Client, Section::Sandbox, Section::Webhooks, Section::Cli];

    pub fn name(self) -> &'static str {
        match self {
            Section::Codegen => "codegen",
            Section::Compile => "compile",
            Section::Glue => "glue",
            Section::Limits => "limits",
            Section::Client => "client",
            Section::Sandbox => "sandbox",
            Section::Webhooks => "webhooks",
            Section::Cli => "cli",
        }
    }
}

/// What to run and how long.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The workspace root (`api-spec/`, `generated/`, `target/` below it).
    pub root: PathBuf,
    pub sections: Vec<Section>,
    /// Short rounds and small data: checks the harness works, the numbers mean little.
    pub quick: bool,
}

impl Settings {
    pub fn new(root: PathBuf) -> Settings {
        Settings { root, sections: Section::ALL.to_vec(), quick: false }
    }

    /// Length of one load round: short, so that the two sides' rounds of a pair run close
    /// together and a slow spell of the machine (seconds long on a shared host) hits both.
    pub fn round(&self) -> Duration {
        if self.quick { Duration::from_millis(400) } else { Duration::from_millis(1500) }
    }

    /// Rounds per side of a comparison (alternating sides, so drift in the machine's load
    /// hits both alike; the ratios are medians over rounds).
    pub fn rounds(&self) -> usize {
        if self.quick { 2 } else { 24 }
    }

    /// Concurrent keep-alive connections (or client tasks) of the glue and client rows.
    pub fn connections(&self) -> usize {
        16
    }

    /// Upper bound on the requests of one round.
    pub fn max_requests(&self) -> u64 {
        2_000_000
    }

    /// Where the bench keeps its scratch workspace and cargo target directory.
    pub fn scratch(&self) -> PathBuf {
        self.root.join("target").join("wacr-bench")
    }
}

/// Runs the sections; a section that fails becomes a row saying why.
pub fn run(settings: &Settings) -> String {
    let mut machine = Machine::now();
    let mut rows = Vec::new();
    for &section in &settings.sections {
        eprintln!("wacr-bench: {} (load average {})", section.name(), table::load_average());
        let result = match section {
            Section::Codegen => codegen::rows(settings),
            Section::Compile => compile::rows(settings),
            Section::Glue => glue::rows(settings),
            Section::Limits => limits::rows(settings),
            Section::Client => client::rows(settings),
            Section::Sandbox => sandbox::rows(settings),
            Section::Webhooks => webhooks::rows(settings),
            Section::Cli => cli::rows(settings),
        };
        match result {
            Ok(mut r) => rows.append(&mut r),
            Err(e) => rows.push(Row::new(format!("{} section", section.name()), format!("failed: {e}"))),
        }
    }
    machine.load_end = table::load_average();
    table::markdown(&machine, &rows)
}

/// A multi-threaded runtime with `threads` workers. The glue and client rows give the server
/// and the load generator one worker each, so on two cores neither steals the other's.
pub fn runtime(threads: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(threads).enable_all().build().expect("a tokio runtime")
}

/// Serves `router` on 127.0.0.1 (a free port) on `rt` until the runtime is dropped.
pub fn serve(rt: &tokio::runtime::Runtime, router: axum::Router) -> anyhow::Result<SocketAddr> {
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| anyhow!("bind 127.0.0.1:0: {e}"))?;
        let addr = listener.local_addr().map_err(|e| anyhow!("{e}"))?;
        tokio::spawn(async move { axum::serve(listener, router).await });
        Ok(addr)
    })
}

/// Each side's outcomes of [`alternate`], added up, and each round's throughput per side.
pub struct Alternated {
    pub totals: Vec<load::Outcome>,
    /// `rates[round][side]`, requests per second.
    pub rates: Vec<Vec<f64>>,
    /// `p99s[round][side]`, each round's own 99th percentile latency, in seconds.
    pub p99s: Vec<Vec<f64>>,
}

impl Alternated {
    /// The median over rounds of side `a`'s throughput over side `b`'s in the same round: a
    /// round disturbed by the machine's other work moves it less than the totals' ratio.
    pub fn throughput_ratio(&self, a: usize, b: usize) -> f64 {
        median_ratio(&self.rates, a, b)
    }

    /// The median over rounds of side `a`'s p99 latency over side `b`'s in the same round: a
    /// stall of the machine in one round lands in one side's merged p99 (it holds its slowest
    /// 1%), but moves this median little.
    pub fn p99_ratio(&self, a: usize, b: usize) -> f64 {
        median_ratio(&self.p99s, a, b)
    }
}

fn median_ratio(per_round: &[Vec<f64>], a: usize, b: usize) -> f64 {
    stats::median_f64(per_round.iter().map(|r| r[a] / r[b].max(f64::MIN_POSITIVE)).collect())
}

/// Runs `round(side)` for every side, `settings.rounds()` times, alternating the order each
/// round (after one discarded warm-up round per side), and adds up each side's outcomes.
pub fn alternate(settings: &Settings, sides: usize, mut round: impl FnMut(usize) -> anyhow::Result<load::Outcome>) -> anyhow::Result<Alternated> {
    for side in 0..sides {
        round(side)?;
    }
    let mut totals: Vec<load::Outcome> = (0..sides).map(|_| load::Outcome::default()).collect();
    let (mut rates, mut p99s) = (Vec::new(), Vec::new());
    for r in 0..settings.rounds() {
        let order: Vec<usize> = if r % 2 == 0 { (0..sides).collect() } else { (0..sides).rev().collect() };
        let (mut rate, mut p99) = (vec![0.0; sides], vec![0.0; sides]);
        for side in order {
            let mut outcome = round(side)?;
            if outcome.failed > 0 {
                return Err(anyhow!("{} failed requests, the first: {}", outcome.failed, outcome.first_failure.unwrap_or_default()));
            }
            rate[side] = outcome.per_second();
            p99[side] = outcome.p50_p99().1.as_secs_f64();
            totals[side].merge(outcome);
        }
        // On stderr, so that a disturbed round shows (the table takes the median of the ratios).
        let shown: Vec<String> = (0..sides).map(|s| format!("{} (p99 {})", stats::rate(rate[s]), stats::duration(Duration::from_secs_f64(p99[s])))).collect();
        eprintln!("  round {}: {}", r + 1, shown.join(" | "));
        rates.push(rate);
        p99s.push(p99);
    }
    Ok(Alternated { totals, rates, p99s })
}
