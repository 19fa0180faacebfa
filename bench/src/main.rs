//! `wacr-bench` (run by `cargo xtask bench`): the command line; the sections live in the
//! library. Prints the table on stdout, progress on stderr.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use wacr_bench::{Section, Settings, sandbox, table};

/// Measures codegen speed, generated-code size and compile time, and the server glue, client
/// and sandbox against what they are compared with, side by side in one run.
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Short rounds and 10,000 contacts: checks the harness, the numbers mean little.
    #[arg(long)]
    quick: bool,
    /// The sections to run, in this order (default: all).
    #[arg(long, value_enum, value_delimiter = ',')]
    only: Vec<Section>,
    /// Also write the table between the bench markers of this file (bench/README.md).
    #[arg(long, value_name = "FILE")]
    readme: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// N in-process calls of one side of a row, for callgrind.
    Calls { row: Row, side: String, n: u64 },
    /// Serves the sandbox on this database (a file path or a `postgres://` URL): the child
    /// process of the sandbox section.
    #[command(hide = true)]
    ServeSandbox { db: String },
}

#[derive(Clone, Copy, ValueEnum)]
enum Row {
    Glue,
    Client,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::ServeSandbox { db }) => sandbox::serve_child(&db),
        Some(Command::Calls { row: Row::Glue, side, n }) => wacr_bench::glue::calls(&side, n),
        Some(Command::Calls { row: Row::Client, side, n }) => wacr_bench::client::calls(&side, n),
        None => run(cli.quick, cli.only, cli.readme),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(quick: bool, only: Vec<Section>, readme: Option<PathBuf>) -> anyhow::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("bench/ has a parent").to_path_buf();
    let mut settings = Settings::new(root);
    settings.quick = quick;
    if !only.is_empty() {
        settings.sections = only;
    }
    let markdown = wacr_bench::run(&settings);
    println!("{markdown}");
    if let Some(readme) = readme {
        table::splice_readme(&readme, &markdown)?;
        eprintln!("wrote the table into {}", readme.display());
    }
    Ok(())
}
