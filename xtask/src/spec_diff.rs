//! `cargo xtask spec diff [REV]`: reads `api-spec/` at a git revision (`git show REV:path`) and
//! in the working tree, and prints wacr-codegen's classified diff, its JSON or a changelog
//! section; `--check-version` fails when `info.version` did not take the bump the changes need.

use std::path::Path;
use std::process::{Command, ExitCode};

use wacr_codegen::diff;

/// What to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub struct Options {
    pub rev: Option<String>,
    pub format: Format,
    pub changelog: bool,
    pub check_version: bool,
}

pub fn run(root: &Path, options: &Options) -> ExitCode {
    match report(root, options.rev.as_deref()) {
        Ok((rev, report)) => print(&rev, &report, options),
        Err(message) => {
            eprint!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn print(rev: &str, report: &diff::Report, options: &Options) -> ExitCode {
    if options.changelog {
        print!("{}", diff::changelog(report));
    } else if options.format == Format::Json {
        println!("{}", diff::json(report));
    } else {
        println!("api-spec/ at {rev} -> working tree");
        print!("{}", diff::text(report));
    }
    if !options.check_version {
        return ExitCode::SUCCESS;
    }
    match report.check_version() {
        Ok(()) => {
            eprintln!("version check: ok ({})", diff::render_verdict(report));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The revision compared against and the report; an error is the text to print.
fn report(root: &Path, rev: Option<&str>) -> Result<(String, diff::Report), String> {
    let rev = match rev {
        Some(r) => r.to_owned(),
        None => default_rev(root),
    };
    let old_files = files_at(root, &rev)?;
    let new_files = diff::read_dir(&root.join("api-spec"), "api-spec").map_err(|e| format!("error: cannot read api-spec/: {e}\n"))?;
    let old = diff::load(old_files).map_err(|f| format!("error: api-spec/ at {rev} does not load:\n{}", f.short()))?;
    let new = diff::load(new_files).map_err(|f| f.render())?;
    Ok((rev.clone(), diff::diff(&old, &new, diff::Policy::CURRENT)))
}

/// The last release tag (`v*`) before HEAD; else the merge base with main; else HEAD.
fn default_rev(root: &Path) -> String {
    if let Some(tag) = git(root, &["describe", "--tags", "--abbrev=0", "--match", "v*"]) {
        return tag;
    }
    ["main", "origin/main"]
        .iter()
        .find_map(|branch| git(root, &["merge-base", "HEAD", branch]))
        .unwrap_or_else(|| "HEAD".to_owned())
}

/// The spec files at `rev`, `api.yaml` first.
fn files_at(root: &Path, rev: &str) -> Result<Vec<(String, String)>, String> {
    let listing = git(root, &["ls-tree", "--name-only", rev, "api-spec/"]).ok_or_else(|| format!("error: cannot list api-spec/ at `{rev}` (git ls-tree failed)\n"))?;
    let mut names: Vec<&str> = listing.lines().filter(|n| n.ends_with(".yaml")).collect();
    names.sort_by_key(|n| (!n.ends_with("/api.yaml"), *n));
    names
        .into_iter()
        .map(|name| {
            let text = git(root, &["show", &format!("{rev}:{name}")]).ok_or_else(|| format!("error: cannot read {name} at `{rev}`\n"))?;
            Ok((name.to_owned(), text))
        })
        .collect()
}

/// A git command's trimmed output (with a final newline for file contents), if it succeeded.
fn git(root: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git").arg("-C").arg(root).args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    Some(if args[0] == "show" { text } else { text.trim().to_owned() })
}
