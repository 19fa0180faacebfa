//! The README's command-line block runs against a sandbox started as the README starts one
//! (default seed, no example data): each `wacr` line through `sh`, with the README's base URL
//! (`http://127.0.0.1:8080`) replaced by the sandbox's, the built `wacr` first on `PATH` and
//! `WACR_TOKEN` set, as a reader following the README would. `cargo install` is skipped.

mod support;

use std::path::Path;
use std::process::Command;

use support::{output, runtime};

/// The `wacr` lines of the sh block of the README's "Use the command line" section.
fn readme_commands() -> Vec<String> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md")).unwrap();
    let section = readme.split("## Use the command line").nth(1).expect("the README has the section");
    let block = section.split("```sh\n").nth(1).and_then(|b| b.split("```").next()).expect("the section has a sh block");
    block.lines().filter(|l| l.starts_with("wacr ")).map(str::to_owned).collect()
}

#[test]
fn the_readme_commands_run_against_a_sandbox() {
    let commands = readme_commands();
    assert!(commands.len() >= 6, "configure and five everyday commands: {commands:?}");
    let running = runtime()
        .block_on(wacr_sandbox::spawn(wacr_sandbox::Config { bind: "127.0.0.1:0".parse().unwrap(), db: wacr_sandbox::DbPath::Memory, ..Default::default() }))
        .expect("the sandbox starts");
    let dir = tempfile::tempdir().unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_wacr")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    for line in &commands {
        let line = line.replace("http://127.0.0.1:8080", &running.base_url());
        let mut command = Command::new("sh");
        command.arg("-c").arg(&line).env("PATH", &path).env("WACR_TOKEN", running.token("default").unwrap());
        command.env("WACR_CONFIG", dir.path().join("config.yaml")).env_remove("WACR_BASE_URL").env_remove("WACR_PROFILE");
        let result = output(command.output().unwrap());
        assert_eq!(result.code, 0, "{line}\nstdout: {}\nstderr: {}", result.stdout, result.stderr);
    }
    runtime().block_on(running.stop()).unwrap();
}
