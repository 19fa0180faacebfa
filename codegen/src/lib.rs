//! wacr-codegen: the spec pipeline, load -> validate -> ir -> emit -> write.
//!
//! `cargo xtask codegen` calls [`generate`]; `cargo xtask spec check` calls [`check`];
//! `cargo xtask spec diff` calls [`diff::diff`].
//! Every stage collects its problems into [`diag::Diagnostics`]; a spec with errors produces a
//! rendered report and no output.

pub mod diag;
pub mod diff;
pub mod emit;
pub mod ident;
pub mod ir;
pub mod load;
pub mod spec;
pub mod validate;
pub mod version;
pub mod write;
pub mod yaml;

use std::path::{Path, PathBuf};

use diag::{Diagnostics, Report, Sources};

/// Where the spec is read from and the output written to.
#[derive(Clone, Debug)]
pub struct Config {
    /// The repository root: `api-spec/` and `generated/` are below it.
    pub root: PathBuf,
}

impl Config {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Config { root: root.into() }
    }

    pub fn spec_dir(&self) -> PathBuf {
        self.root.join("api-spec")
    }
}

/// A spec that failed to load or validate: the sources and every diagnostic.
pub struct Failure {
    pub sources: Sources,
    pub diagnostics: Diagnostics,
}

impl Failure {
    /// rustc-style report of every problem.
    pub fn render(&self) -> String {
        Report { sources: &self.sources, diagnostics: self.diagnostics.sorted() }.render()
    }

    /// One `file:line:col: error: message` line per problem.
    pub fn short(&self) -> String {
        Report { sources: &self.sources, diagnostics: self.diagnostics.sorted() }.short()
    }
}

impl std::fmt::Debug for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.short())
    }
}

/// Loads and validates the spec in `dir`, then lowers it to the IR.
pub fn check(dir: &Path) -> Result<ir::Api, Failure> {
    let mut sources = Sources::default();
    let mut diagnostics = Diagnostics::default();
    let spec = load::load_dir(dir, &mut sources, &mut diagnostics);
    finish(spec, sources, diagnostics)
}

/// Same as [`check`], from in-memory files (`api.yaml` first).
pub fn check_texts(files: &[(&str, &str)]) -> Result<ir::Api, Failure> {
    let mut sources = Sources::default();
    let mut diagnostics = Diagnostics::default();
    let spec = load::load_texts(files, &mut sources, &mut diagnostics);
    finish(spec, sources, diagnostics)
}

fn finish(spec: Option<spec::Spec>, sources: Sources, mut diagnostics: Diagnostics) -> Result<ir::Api, Failure> {
    let Some(spec) = spec else { return Err(Failure { sources, diagnostics }) };
    validate::validate(&spec, &mut diagnostics);
    if diagnostics.has_errors() {
        return Err(Failure { sources, diagnostics });
    }
    Ok(ir::lower(&spec, &sources))
}

/// Every generated file, as (path relative to the root, contents).
pub fn render(api: &ir::Api) -> Vec<write::Output> {
    emit::all(api)
}

/// What [`generate`] did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub written: Vec<PathBuf>,
    pub unchanged: usize,
    pub stale: Vec<PathBuf>,
}

/// Why [`generate`] stopped: the spec has errors, or an output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("{}", .0.short())]
    Spec(Failure),
    #[error(transparent)]
    Write(#[from] write::WriteError),
}

impl GenerateError {
    /// The report to print: rustc-style for a spec failure, one `error:` line for I/O.
    pub fn render(&self) -> String {
        match self {
            GenerateError::Spec(failure) => failure.render(),
            GenerateError::Write(e) => format!("error: {e}\n"),
        }
    }
}

/// Runs the pipeline. With `check_only`, writes nothing and lists the stale files instead.
pub fn generate(config: &Config, check_only: bool) -> Result<Outcome, GenerateError> {
    let api = check(&config.spec_dir()).map_err(GenerateError::Spec)?;
    let mut outputs = render(&api);
    // The hand-written manifests take the spec's version; an emitted one has it already.
    let manifests = version::manifests(&config.root, &api.version);
    let manifests: Vec<_> = manifests.into_iter().filter(|m| !outputs.iter().any(|o| o.path == m.path)).collect();
    outputs.extend(manifests);
    Ok(write::apply(&config.root, &outputs, check_only)?)
}

/// The README's Rust examples compile and run as doctests of this crate.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
