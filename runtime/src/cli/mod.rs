//! The command-line client (feature `cli`): the generated `wacr` binary hands its command
//! table ([`Cli`], emitted from the spec) and the generated client's builder to [`main`], which
//! parses the command line and runs it. One module per concern: `table` (the table's types),
//! `command` (the clap tree), `request` (flags to a call), `filter` (`--filter`), `config`
//! (profiles), `output` (json, yaml, table), `run` (sending, paging, `--dry-run`) and `error`
//! (exit codes and reports).
//!
//! The code lives here rather than in the generated crate so that codegen emits only data:
//! adding an operation to the spec adds a table entry, and with it the command.

mod command;
mod config;
mod error;
mod filter;
mod output;
mod request;
mod run;
mod table;

use std::io::Write;
use std::process::ExitCode;

use clap::ArgMatches;

pub use command::build as command;
pub use error::{EXIT_HELP, Exit};
pub use table::{Arg, Body, Cli, Encoding, Filter, Group, Kind, List, Operation, QueryKeys};

use crate::client::ClientBuilder;
use error::CliError;

/// Parses the command line and runs it; the exit code says how it went (see [`EXIT_HELP`]).
pub fn main<C>(cli: &'static Cli, builder: ClientBuilder<C>) -> ExitCode {
    let matches = match command::build(cli).try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(Exit::Usage as u8));
        }
    };
    match dispatch(cli, builder, &matches) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprint!("{}", e.report());
            e.exit().code()
        }
    }
}

fn dispatch<C>(cli: &'static Cli, builder: ClientBuilder<C>, matches: &ArgMatches) -> Result<(), CliError> {
    let Some((name, sub)) = matches.subcommand() else { return Err(CliError::Usage("no command given; see --help".into())) };
    logging(sub.get_count(command::global::VERBOSE));
    let mut stdout = std::io::stdout().lock();
    let io = |source| CliError::Io { what: "stdout".into(), source };
    match name {
        "configure" => writeln!(stdout, "{}", config::configure(sub)?).map_err(io),
        "completions" => {
            let shell = *sub.get_one::<clap_complete::Shell>("shell").ok_or_else(|| CliError::Usage("which shell?".into()))?;
            clap_complete::generate(shell, &mut command::build(cli), cli.name, &mut stdout);
            Ok(())
        }
        "man" => match sub.get_one::<std::path::PathBuf>("dir") {
            None => clap_mangen::Man::new(command::build(cli)).render(&mut stdout).map_err(io),
            Some(dir) => man_pages(cli, dir, &mut stdout),
        },
        group => {
            let Some((op_name, op_matches)) = sub.subcommand() else { return Err(CliError::Usage(format!("{group}: which operation? see --help"))) };
            let op = cli.operation(group, op_name).ok_or_else(|| CliError::Usage(format!("unknown command {group} {op_name}")))?;
            drop(stdout);
            run::operation(cli, op, builder, op_matches)
        }
    }
}

/// `wacr man --dir DIR`: a page per command, named by its command line (`wacr-contacts-list.1`),
/// each with the binary's version (clap_mangen's `generate_to` leaves it off the subcommands').
fn man_pages(cli: &'static Cli, dir: &std::path::Path, out: &mut impl Write) -> Result<(), CliError> {
    let io = |source| CliError::Io { what: dir.display().to_string(), source };
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut root = command::build(cli).disable_help_subcommand(true);
    // building names each subcommand by its command line (`wacr-contacts-list`)
    root.build();
    let source = format!("{} {}", cli.name, cli.version);
    let mut pending = vec![root];
    while let Some(command) = pending.pop() {
        pending.extend(command.get_subcommands().cloned());
        clap_mangen::Man::new(command).source(source.clone()).generate_to(dir).map_err(io)?;
    }
    writeln!(out, "wrote the man pages to {}", dir.display()).map_err(|source| CliError::Io { what: "stdout".into(), source })
}

/// `-v`: the client's request spans and attempt events on stderr (the token is never logged).
fn logging(verbosity: u8) {
    let filter = match verbosity {
        0 => return,
        1 => "wacr_runtime=debug",
        _ => "debug",
    };
    let _ = tracing_subscriber::fmt().with_writer(std::io::stderr).with_env_filter(filter).try_init();
}
