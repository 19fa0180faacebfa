//! Compile time of the generated crates: `cargo check` and a debug build of wacr-models +
//! wacr-client with their dependencies already built (from scratch, and after touching their
//! `lib.rs`), the incremental rebuild after one spec change, and lines generated per
//! operation, next to progenitor's published figures.
//!
//! Everything happens in a scratch copy of the workspace (`target/wacr-bench/compile-ws`:
//! runtime, macros and the two generated crates, with the real `Cargo.lock`) with its own
//! target directory: the spec is edited in memory, regenerated into the copy, and neither
//! `api-spec/` nor `generated/` of the real tree is ever written.

use anyhow::anyhow;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use crate::codegen::cargo;
use crate::table::Row;
use crate::{Settings, stats};

/// Lines per operation (models + client) the generated code may not exceed.
const MAX_LINES_PER_OPERATION: u32 = 130;

/// progenitor's reference: lines per operation and `cargo check` of 193 operations, 2 cores.
const PROGENITOR_LINES: (f64, f64) = (90.0, 130.0);
const PROGENITOR_CHECK: (f64, f64) = (8.9, 193.0);

/// The crates the copy holds, relative to the root.
const CRATES: [&str; 4] = ["runtime", "macros", "generated/wacr-models", "generated/wacr-client"];
/// The `lib.rs` files touched.
const LIBS: [&str; 2] = ["generated/wacr-models/src/lib.rs", "generated/wacr-client/src/lib.rs"];
/// The outputs the copy takes from codegen.
const OUTPUTS: [&str; 2] = ["generated/wacr-models/src/models.rs", "generated/wacr-client/src/client.rs"];
const SERVER: &str = "generated/wacr-server/src/server.rs";

/// Builds from scratch per row, whose median is reported.
const RUNS: usize = 5;

/// The file of the one spec change: a word appended to the first plain one-line field
/// description (`name: {type: string, description: First name}`).
const EDITED_FILE: &str = "contacts.yaml";

pub fn rows(settings: &Settings) -> anyhow::Result<Vec<Row>> {
    let ws = settings.scratch().join("compile-ws");
    let spec = Spec::read(&settings.root.join("api-spec"))?;
    let (baseline, ops) = spec.render()?;
    copy_workspace(&settings.root, &ws)?;
    write_outputs(&ws, &baseline)?;
    eprintln!("  warming the scratch workspace (the first run builds every dependency)");
    for command in ["build", "check"] {
        run(Command::new(cargo()).args([command, "--offline", "-p", "wacr-client"]).current_dir(&ws).env_remove("CARGO_TARGET_DIR"))?;
    }

    let full_check = median_of(RUNS, || {
        forget(&ws)?;
        timed(|| cargo_in(&ws, "check"))
    })?;
    let full_build = median_of(RUNS, || {
        forget(&ws)?;
        timed(|| cargo_in(&ws, "build"))
    })?;
    touch(&ws)?;
    let touch_check = timed(|| cargo_in(&ws, "check"))?;
    touch(&ws)?;
    let touch_build = timed(|| cargo_in(&ws, "build"))?;

    let started = Instant::now();
    let (edited, _) = spec.edited()?.render()?;
    write_outputs(&ws, &edited)?;
    let regenerate = started.elapsed();
    let edit_build = timed(|| cargo_in(&ws, "build"));
    write_outputs(&ws, &baseline)?;
    cargo_in(&ws, "build")?;
    let edit_build = edit_build?;

    // As a dependency from a registry compiles: without incremental state. Last, because
    // switching it rebuilds the copy's runtime once (untimed, in the warm-up).
    let quiet = [("CARGO_INCREMENTAL", "0")];
    run(Command::new(cargo()).args(["check", "--offline", "-p", "wacr-client"]).envs(quiet).current_dir(&ws).env_remove("CARGO_TARGET_DIR"))?;
    let dependency_check = median_of(RUNS, || {
        touch(&ws)?;
        timed(|| cargo_in_with(&ws, "check", &quiet))
    })?;

    let mut rows = table_rows(&baseline, ops, [full_check, full_build, touch_check, touch_build, edit_build], regenerate);
    rows.insert(
        3,
        Row::new(
            format!("`cargo check` wacr-models + wacr-client as dependencies compile (not incremental), dependencies built (median of {RUNS})"),
            format!("{} ({} s per 100 operations)", stats::duration(dependency_check), stats::sig3(dependency_check.as_secs_f64() / ops as f64 * 100.0)),
        ),
    );
    Ok(rows)
}

fn table_rows(outputs: &[(String, String)], ops: usize, times: [Duration; 5], regenerate: Duration) -> Vec<Row> {
    let [full_check, full_build, touch_check, touch_build, edit_build] = times;
    let lines = |path: &str| outputs.iter().find(|(p, _)| p == path).map_or(0, |(_, text)| text.lines().count());
    let (models, client, server) = (lines(OUTPUTS[0]), lines(OUTPUTS[1]), lines(SERVER));
    let docs: usize = outputs
        .iter()
        .filter(|(p, _)| OUTPUTS.contains(&p.as_str()))
        .map(|(_, text)| text.lines().filter(|l| l.trim_start().starts_with("///")).count())
        .sum();
    let blank: usize = outputs
        .iter()
        .filter(|(p, _)| OUTPUTS.contains(&p.as_str()))
        .map(|(_, text)| text.lines().filter(|l| l.trim().is_empty()).count())
        .sum();
    let per_op = (models + client) as f64 / ops as f64;
    let code_per_op = (models + client - docs - blank) as f64 / ops as f64;
    let progenitor_mid = (PROGENITOR_LINES.0 + PROGENITOR_LINES.1) / 2.0;
    let check_per_100 = full_check.as_secs_f64() / ops as f64 * 100.0;
    let progenitor_per_100 = PROGENITOR_CHECK.0 / PROGENITOR_CHECK.1 * 100.0;
    let crates = "wacr-models + wacr-client (a client build)";
    let progenitor_lines = format!("progenitor {}–{} (reference)", PROGENITOR_LINES.0, PROGENITOR_LINES.1);
    vec![
        Row::new(
            format!("lines generated per operation, models + client ({ops} operations)"),
            format!(
                "{} ({models} + {client} lines, {}% of them `///` docs; the server adds {})",
                stats::sig3(per_op),
                docs * 100 / (models + client).max(1),
                stats::sig3(server as f64 / ops as f64)
            ),
        )
        .compared(progenitor_lines.clone())
        .ratio(per_op / progenitor_mid)
        // the floor set once the size work was done: within progenitor's range
        .target("≤ 130", per_op <= f64::from(MAX_LINES_PER_OPERATION)),
        Row::new("lines of code generated per operation, models + client, without doc comments and blank lines", stats::sig3(code_per_op))
            .compared(progenitor_lines)
            .ratio(code_per_op / progenitor_mid)
            .target("< progenitor's", code_per_op < progenitor_mid),
        Row::new(
            format!("`cargo check` {crates}, from scratch, dependencies built (median of {RUNS})"),
            format!("{} ({} per 100 operations)", stats::duration(full_check), stats::sig3(check_per_100) + " s"),
        )
        .compared(format!(
            "progenitor {} s for {} operations on 2 cores ({} s per 100, reference)",
            PROGENITOR_CHECK.0,
            PROGENITOR_CHECK.1,
            stats::sig3(progenitor_per_100)
        ))
        .ratio(check_per_100 / progenitor_per_100)
        .target("< progenitor's per operation", check_per_100 < progenitor_per_100),
        Row::new(format!("debug build {crates}, from scratch, dependencies built (median of {RUNS})"), stats::duration(full_build)),
        Row::new(format!("`cargo check` {crates} after touching their lib.rs"), stats::duration(touch_check)),
        Row::new(format!("debug build {crates} after touching their lib.rs"), stats::duration(touch_build)),
        Row::new(
            "debug build after one spec change (a word appended to a field description), regenerated into the copy",
            format!("{} (+ {} to regenerate)", stats::duration(edit_build), stats::duration(regenerate)),
        ),
    ]
}

/// The spec's files in memory, `api.yaml` first, named as `load_dir` names them.
struct Spec {
    files: Vec<(String, String)>,
}

impl Spec {
    fn read(dir: &Path) -> anyhow::Result<Spec> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map_err(|e| anyhow!("cannot list {}: {e}", dir.display()))?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".yaml"))
            .collect();
        names.sort_by_key(|n| (n != "api.yaml", n.clone()));
        let mut files = Vec::new();
        for name in names {
            let text = std::fs::read_to_string(dir.join(&name)).map_err(|e| anyhow!("cannot read {name}: {e}"))?;
            files.push((format!("api-spec/{name}"), text));
        }
        Ok(Spec { files })
    }

    fn edited(&self) -> anyhow::Result<Spec> {
        let mut files = self.files.clone();
        let file = EDITED_FILE;
        let text = files.iter_mut().find(|(n, _)| n.ends_with(file)).map(|(_, t)| t).ok_or_else(|| anyhow!("no {file} in the spec"))?;
        let plain = |l: &&str| l.contains("{type: ") && l.trim_end().ends_with('}') && l.contains("description: ") && !l.contains("description: \"");
        let line = text.lines().find(plain).ok_or_else(|| anyhow!("{file} has no one-line field description to edit"))?;
        let edited = format!("{} edited}}", line.trim_end().strip_suffix('}').unwrap_or(line));
        *text = text.replacen(line, &edited, 1);
        Ok(Spec { files })
    }

    /// The models, client and server outputs, and the number of operations.
    fn render(&self) -> anyhow::Result<(Vec<(String, String)>, usize)> {
        let texts: Vec<(&str, &str)> = self.files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
        let api = wacr_codegen::check_texts(&texts).map_err(|f| anyhow!("the spec does not validate:\n{}", f.short()))?;
        let wanted = [OUTPUTS[0], OUTPUTS[1], SERVER];
        let outputs = wacr_codegen::render(&api).into_iter().filter(|o| wanted.contains(&o.path.as_str())).map(|o| (o.path, o.contents)).collect();
        Ok((outputs, api.operations().count()))
    }
}

/// Copies the crates, the lock file and the toolchain pin, with a workspace of those crates
/// only; files are written only when their bytes change, so the copy stays warm.
fn copy_workspace(root: &Path, ws: &Path) -> anyhow::Result<()> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).map_err(|e| anyhow!("cannot read Cargo.toml: {e}"))?;
    write_if_changed(&ws.join("Cargo.toml"), &members(&manifest, &CRATES)?)?;
    for file in ["Cargo.lock", "rust-toolchain.toml"] {
        let text = std::fs::read_to_string(root.join(file)).map_err(|e| anyhow!("cannot read {file}: {e}"))?;
        write_if_changed(&ws.join(file), &text)?;
    }
    for krate in CRATES {
        let manifest = std::fs::read_to_string(root.join(krate).join("Cargo.toml")).map_err(|e| anyhow!("cannot read {krate}/Cargo.toml: {e}"))?;
        write_if_changed(&ws.join(krate).join("Cargo.toml"), &manifest)?;
        copy_tree(&root.join(krate).join("src"), &ws.join(krate).join("src"))?;
    }
    Ok(())
}

/// The workspace manifest with its `members` list replaced.
pub fn members(manifest: &str, crates: &[&str]) -> anyhow::Result<String> {
    let start = manifest.find("members = [").ok_or_else(|| anyhow!("the workspace manifest has no `members = [`"))?;
    let end = manifest[start..].find(']').map(|e| start + e + 1).ok_or_else(|| anyhow!("unterminated `members`"))?;
    let list: Vec<String> = crates.iter().map(|c| format!("\"{c}\"")).collect();
    Ok(format!("{}members = [{}]{}", &manifest[..start], list.join(", "), &manifest[end..]))
}

fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(from).map_err(|e| anyhow!("cannot list {}: {e}", from.display()))? {
        let entry = entry.map_err(|e| anyhow!("{e}"))?;
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(entry.file_name()))?;
        } else {
            let text = std::fs::read_to_string(&path).map_err(|e| anyhow!("cannot read {}: {e}", path.display()))?;
            write_if_changed(&to.join(entry.file_name()), &text)?;
        }
    }
    Ok(())
}

fn write_outputs(ws: &Path, outputs: &[(String, String)]) -> anyhow::Result<()> {
    for (path, text) in outputs.iter().filter(|(p, _)| OUTPUTS.contains(&p.as_str())) {
        write_if_changed(&ws.join(path), text)?;
    }
    Ok(())
}

fn write_if_changed(path: &Path, text: &str) -> anyhow::Result<()> {
    if std::fs::read(path).is_ok_and(|current| current == text.as_bytes()) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| anyhow!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| anyhow!("cannot write {}: {e}", path.display()))
}

/// Makes the next build of the two crates start from nothing, as a first build does: their
/// incremental state goes and their `lib.rs` is touched. (`cargo clean -p` would also remove
/// artifacts of their dependencies, which the rows are meant to find built.)
fn forget(ws: &Path) -> anyhow::Result<()> {
    let incremental = ws.join("target/debug/incremental");
    for entry in std::fs::read_dir(&incremental).map_err(|e| anyhow!("cannot list {}: {e}", incremental.display()))? {
        let path = entry.map_err(|e| anyhow!("{e}"))?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if name.starts_with("wacr_models-") || name.starts_with("wacr_client-") {
            std::fs::remove_dir_all(&path).map_err(|e| anyhow!("cannot remove {}: {e}", path.display()))?;
        }
    }
    touch(ws)
}

fn touch(ws: &Path) -> anyhow::Result<()> {
    for lib in LIBS {
        let path: PathBuf = ws.join(lib);
        let file = std::fs::File::options().write(true).open(&path).map_err(|e| anyhow!("cannot open {}: {e}", path.display()))?;
        file.set_modified(SystemTime::now()).map_err(|e| anyhow!("cannot touch {}: {e}", path.display()))?;
    }
    Ok(())
}

/// `cargo <command> -p wacr-client` in the copy, with its own target dir: wacr-client and
/// wacr-models as a client build compiles them. Fails if it compiled anything else, since the
/// rows time those two crates with their dependencies built.
fn cargo_in(ws: &Path, command: &str) -> anyhow::Result<()> {
    cargo_in_with(ws, command, &[])
}

/// [`cargo_in`] with more environment.
fn cargo_in_with(ws: &Path, command: &str, env: &[(&str, &str)]) -> anyhow::Result<()> {
    let mut cargo_command = Command::new(cargo());
    cargo_command.args([command, "--offline", "-p", "wacr-client"]).envs(env.iter().copied()).current_dir(ws).env_remove("CARGO_TARGET_DIR");
    let stderr = run(&mut cargo_command)?;
    let others: Vec<&str> = stderr
        .lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with("Checking ") || l.starts_with("Compiling "))
        .filter(|l| !l.contains("wacr-models ") && !l.contains("wacr-client "))
        .collect();
    if others.is_empty() { Ok(()) } else { Err(anyhow!("cargo {command} also compiled: {}", others.join("; "))) }
}

/// Runs a command; its stderr, or why it failed.
fn run(command: &mut Command) -> anyhow::Result<String> {
    let output = command.output().map_err(|e| anyhow!("cannot run cargo: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if output.status.success() { Ok(stderr) } else { Err(anyhow!("{command:?} failed:\n{stderr}")) }
}

/// The median of `runs` timings.
fn median_of(runs: usize, mut f: impl FnMut() -> anyhow::Result<Duration>) -> anyhow::Result<Duration> {
    let times = (0..runs).map(|_| f()).collect::<Result<Vec<_>, _>>()?;
    Ok(stats::median(&times))
}

fn timed(f: impl FnOnce() -> anyhow::Result<()>) -> anyhow::Result<Duration> {
    let started = Instant::now();
    f()?;
    Ok(started.elapsed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_members_list_is_replaced() {
        let manifest = "[workspace]\nresolver = \"3\"\nmembers = [\n    \"codegen\",\n    \"xtask\",\n]\n\n[workspace.package]\n";
        let out = members(manifest, &["runtime", "generated/wacr-models"]).unwrap();
        assert_eq!(out, "[workspace]\nresolver = \"3\"\nmembers = [\"runtime\", \"generated/wacr-models\"]\n\n[workspace.package]\n");
        assert!(members("[package]\n", &[]).is_err());
    }

    #[test]
    fn the_spec_edit_still_applies_to_the_real_spec() {
        let spec = Spec::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec")).unwrap();
        let edited = spec.edited().unwrap();
        let changed: Vec<_> = spec.files.iter().zip(&edited.files).filter(|(a, b)| a != b).collect();
        assert_eq!(changed.len(), 1);
        let ((name, before), (_, after)) = changed[0];
        assert_eq!(name, "api-spec/contacts.yaml");
        let diff: Vec<_> = before.lines().zip(after.lines()).filter(|(a, b)| a != b).collect();
        assert_eq!(diff.len(), 1, "one line changes");
        assert!(diff[0].1.ends_with(" edited}") && diff[0].1.starts_with(diff[0].0.trim_end().trim_end_matches('}')), "{diff:?}");
    }
}
