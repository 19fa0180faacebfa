//! xtask: `cargo xtask codegen [--check]`, `cargo xtask spec check`, `cargo xtask spec diff`
//! and `cargo xtask bench`;
//! the command line (clap) and dispatch, as in rust-analyzer's xtask; the logic lives in wacr-codegen
//! and wacr-bench.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod spec_diff;

/// The project's tasks: generate the crates, documents and docs from `api-spec/`, check the
/// spec, run the benchmarks.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", version)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Validate api-spec/ and write generated/.
    Codegen {
        /// Write nothing; fail, naming the files, if generated/ is not what the spec makes.
        #[arg(long)]
        check: bool,
    },
    /// Validate api-spec/ and print every problem.
    Spec {
        #[command(subcommand)]
        command: SpecCommand,
    },
    /// Run wacr-bench in release mode and print its table (arguments go to wacr-bench:
    /// --quick, --only SECTION,..., --readme bench/README.md).
    Bench {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

#[derive(Subcommand)]
enum SpecCommand {
    /// Validate api-spec/ without writing anything.
    Check,
    /// Classify every change of api-spec/ since a git revision (breaking for clients and/or
    /// servers, additive, docs-only; on the wire and in Rust) and name the semver bump.
    Diff {
        /// The revision to compare with (default: the last `v*` tag, else the merge base with
        /// main).
        rev: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: spec_diff::Format,
        /// Print a Keep a Changelog section drafted from the changes instead.
        #[arg(long)]
        changelog: bool,
        /// Fail unless api.yaml's `info.version` took the bump the changes need.
        #[arg(long)]
        check_version: bool,
    },
}

fn main() -> ExitCode {
    match Cli::parse().task {
        Task::Codegen { check } => codegen(check),
        Task::Spec { command: SpecCommand::Check } => spec_check(),
        Task::Spec { command: SpecCommand::Diff { rev, format, changelog, check_version } } => {
            spec_diff::run(&root(), &spec_diff::Options { rev, format, changelog, check_version })
        }
        Task::Bench { args } => bench(&args),
    }
}

/// The checkout to work on: `WACR_ROOT` if set (.ci/semver-checks.sh runs one build of xtask
/// on copies of the tree), else the one xtask was built in.
fn root() -> PathBuf {
    if let Some(root) = std::env::var_os("WACR_ROOT") {
        return PathBuf::from(root);
    }
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
fn bench(args: &[String]) -> ExitCode {
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
