//! Test support: sandboxes started in-process on 127.0.0.1:0 (on a runtime shared by the
//! tests of a binary), and the `wacr` binary run as a user runs it, with its environment
//! cleared of the developer's own settings.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use wacr_sandbox::{Config, DbPath, Running};

/// The runtime the sandboxes serve on while the tests block on `wacr` processes.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap())
}

/// A sandbox in memory with a reader token (`contacts:read` only) and the example data.
pub fn sandbox() -> Running {
    sandbox_with(|_| {})
}

/// A sandbox with a changed configuration.
pub fn sandbox_with(change: impl FnOnce(&mut Config)) -> Running {
    let mut config = Config {
        bind: "127.0.0.1:0".parse().unwrap(),
        db: DbPath::Memory,
        tokens: vec!["reader:contacts:read".parse().unwrap()],
        rate_limit_per_minute: 10_000,
        example_data: true,
        ..Config::default()
    };
    change(&mut config);
    runtime().block_on(wacr_sandbox::spawn(config)).expect("the sandbox starts")
}

/// What a `wacr` run gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The stdout as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}\nstderr: {}", self.stdout, self.stderr))
    }

    /// Panics unless the run exited with `code`.
    #[track_caller]
    pub fn expect(self, code: i32) -> Run {
        assert_eq!(self.code, code, "exit code\nstdout: {}\nstderr: {}", self.stdout, self.stderr);
        self
    }
}

/// `wacr` with no settings from the environment but `WACR_CONFIG` (under `dir`).
pub fn wacr(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wacr"));
    for var in ["WACR_BASE_URL", "WACR_TOKEN", "WACR_PROFILE", "RUST_LOG"] {
        command.env_remove(var);
    }
    command.env("WACR_CONFIG", dir.join("config.yaml"));
    command
}

/// Runs `wacr ARGS` against a sandbox with a token, stdin closed.
pub fn run(sandbox: &Running, token: &str, args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let mut command = wacr(dir.path());
    command.env("WACR_BASE_URL", sandbox.base_url()).env("WACR_TOKEN", token).args(args);
    output(command.stdin(Stdio::null()).output().expect("wacr runs"))
}

/// Runs `wacr` with `stdin` written to its standard input.
pub fn run_with_stdin(mut command: Command, stdin: &str) -> Run {
    use std::io::Write as _;
    let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("wacr runs");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    output(child.wait_with_output().unwrap())
}

pub fn output(output: Output) -> Run {
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// The words of a command line as a POSIX shell splits them: blanks separate words, single
/// quotes keep everything up to the next one (`'\''` is a quote inside), no expansions.
pub fn words(line: &str) -> Vec<String> {
    let (mut words, mut word, mut quoted, mut started) = (Vec::new(), String::new(), false, false);
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                started = true;
            }
            '\\' if !quoted => word.extend(chars.next()),
            c if c.is_whitespace() && !quoted => {
                if started || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                started = false;
            }
            c => word.push(c),
        }
    }
    if started || !word.is_empty() {
        words.push(word);
    }
    words
}
