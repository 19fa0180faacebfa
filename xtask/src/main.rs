//! xtask: `cargo xtask codegen [--check]`, `cargo xtask spec check` and `cargo xtask bench`;
//! thin flag parsing and dispatch (rust-analyzer's xtask), the logic lives in wacr-codegen
//! and wacr-bench.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage:
  cargo xtask codegen [--check]   validate api-spec/ and write generated/ (--check: fail if stale)
  cargo xtask spec check          validate api-spec/ and print every problem
  cargo xtask bench [ARGS]        run wacr-bench in release mode and print its table
                                  (ARGS: --quick, --only SECTION,..., --readme README.md)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen(false),
        ["codegen", "--check"] => codegen(true),
        ["spec", "check"] => spec_check(),
        ["bench", rest @ ..] => bench(rest),
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn root() -> PathBuf {
    // xtask/ sits directly below the workspace root.
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask has a parent directory").to_path_buf()
}

fn relative_config() -> wacr_codegen::Config {
    let root = root();
    // Diagnostics name files relative to the root (api-spec/contacts.yaml:42:7).
    if std::env::set_current_dir(&root).is_ok() {
        wacr_codegen::Config::new(".")
    } else {
        wacr_codegen::Config::new(root)
    }
}

fn codegen(check: bool) -> ExitCode {
    let started = std::time::Instant::now();
    let config = relative_config();
    match wacr_codegen::generate(&config, check) {
        Err(error) => {
            eprint!("{}", error.render());
            ExitCode::FAILURE
        }
        Ok(outcome) if check => {
            if outcome.stale.is_empty() {
                println!("generated/ is up to date ({} files)", outcome.unchanged);
                ExitCode::SUCCESS
            } else {
                eprintln!("error: generated/ is stale; run `cargo xtask codegen` and commit:");
                for p in &outcome.stale {
                    eprintln!("  {}", p.display());
                }
                ExitCode::FAILURE
            }
        }
        Ok(outcome) => {
            for p in &outcome.written {
                println!("wrote {}", p.display());
            }
            println!(
                "codegen: {} written, {} unchanged in {} ms",
                outcome.written.len(),
                outcome.unchanged,
                started.elapsed().as_millis()
            );
            ExitCode::SUCCESS
        }
    }
}

/// Spawned rather than linked, so `cargo xtask codegen` never builds the bench's servers.
fn bench(args: &[&str]) -> ExitCode {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args(["run", "--release", "--quiet", "--package", "wacr-bench", "--"])
        .args(args)
        .current_dir(root())
        .status();
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: cannot run cargo: {e}");
            ExitCode::FAILURE
        }
    }
}

fn spec_check() -> ExitCode {
    let config = relative_config();
    match wacr_codegen::check(&config.spec_dir()) {
        Ok(api) => {
            let ops = api.operations().count();
            println!("api-spec/ is valid: {} groups, {ops} operations, {} models, {} enums", api.groups.len(), api.models.len(), api.enums.len());
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprint!("{}", failure.render());
            ExitCode::FAILURE
        }
    }
}
