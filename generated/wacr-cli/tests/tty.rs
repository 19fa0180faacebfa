//! `wacr` on a terminal, against a live sandbox: run under a pseudo-terminal (`script` from
//! util-linux), a list prints as a table by default and `--all` draws a progress bar on stderr,
//! while the NDJSON it writes to a redirected stdout carries none of it. (`script` is in
//! bsdutils, an essential package of Debian images, so CI has it.)

mod support;

use std::process::{Command, Stdio};

use support::{Run, output, run, sandbox};

/// Runs `sh -c LINE` on a pseudo-terminal (stdin, stdout and stderr all on it, unless `line`
/// redirects them) in `dir`, with the sandbox's base URL and a token; the terminal's output.
fn on_a_terminal(sandbox: &wacr_sandbox::Running, token: &str, dir: &std::path::Path, line: &str) -> Run {
    let mut command = Command::new("script");
    for var in ["WACR_PROFILE", "RUST_LOG", "NO_COLOR"] {
        command.env_remove(var);
    }
    command.env("WACR_CONFIG", dir.join("config.yaml")).env("WACR_BASE_URL", sandbox.base_url()).env("WACR_TOKEN", token).env("TERM", "xterm");
    // -q: no start and done lines; -e: script exits with the command's code
    command.args(["-q", "-e", "-c", line, "/dev/null"]).current_dir(dir).stdin(Stdio::null());
    output(command.output().expect("`script` (util-linux) runs; install bsdutils/util-linux"))
}

/// `wacr` as a shell word.
fn wacr() -> String {
    format!("'{}'", env!("CARGO_BIN_EXE_wacr"))
}

#[test]
fn a_list_on_a_terminal_is_a_table_with_headers_and_a_row_per_item() {
    let sb = sandbox();
    let token = sb.token("default").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let statuses = run(&sb, token, &["statuses", "list", "-o", "json"]).expect(0).json();
    let names: Vec<&str> = statuses["data"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert!(names.len() >= 2, "the seed has statuses: {statuses}");
    let shown = on_a_terminal(&sb, token, dir.path(), &format!("{} statuses list", wacr())).expect(0);
    let lines: Vec<&str> = shown.stdout.lines().map(|l| l.trim_end_matches('\r')).collect();
    assert!(lines[0].starts_with(&format!("page 1 of 1, {} items in all", names.len())), "{}", shown.stdout);
    let header = lines.iter().position(|l| l.starts_with('│') && l.contains(" id ") && l.contains(" name ")).unwrap_or_else(|| panic!("a header row: {}", shown.stdout));
    assert!(lines[header - 1].starts_with('┌') && lines[header + 1].starts_with('╞'), "a boxed header: {}", shown.stdout);
    for name in &names {
        assert!(lines[header + 2..].iter().any(|l| l.starts_with('│') && l.contains(&format!(" {name} "))), "a row for {name}: {}", shown.stdout);
    }
    assert!(lines.last().is_some_and(|l| l.starts_with('└')), "{}", shown.stdout);
    assert!(!shown.stdout.contains("\"id\""), "not JSON: {}", shown.stdout);
}

#[test]
fn all_draws_a_progress_bar_on_a_terminal_and_none_into_piped_ndjson() {
    let sb = sandbox();
    let token = sb.token("default").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let total = run(&sb, token, &["statuses", "list", "-o", "json"]).expect(0).json()["meta"]["total"].as_u64().unwrap();
    // several pages of one item, and few enough that indicatif's burst of 20 draws shows each
    assert!((3..=8).contains(&total), "{total} statuses");
    // stdout to a file, stderr on the terminal
    let line = format!("{} statuses list --all --per-page 1 -o json > items.ndjson", wacr());
    let terminal = on_a_terminal(&sb, token, dir.path(), &line).expect(0);
    assert!(terminal.stdout.contains(&format!(" 1/{total} items")), "the bar after the first page: {:?}", terminal.stdout);
    assert!(terminal.stdout.contains(&format!(" {total}/{total} items")), "the bar at the end: {:?}", terminal.stdout);
    assert!(terminal.stdout.contains('█'), "a drawn bar: {:?}", terminal.stdout);
    let ndjson = std::fs::read_to_string(dir.path().join("items.ndjson")).unwrap();
    assert_eq!(ndjson.lines().count() as u64, total, "{ndjson}");
    for item in ndjson.lines() {
        let item: serde_json::Value = serde_json::from_str(item).unwrap_or_else(|e| panic!("{e}: {item:?}"));
        assert!(item["id"].is_u64(), "{item}");
    }
    assert!(!ndjson.contains("items") && !ndjson.contains('\x1b') && !ndjson.contains('\r'), "no bar in the items: {ndjson:?}");
    // neither side a terminal: no bar at all
    let piped = run(&sb, token, &["statuses", "list", "--all", "--per-page", "1", "-o", "json"]).expect(0);
    assert_eq!(piped.stdout, ndjson);
    assert!(piped.stderr.is_empty(), "{:?}", piped.stderr);
    // the table of --all on a terminal: the bar, then every item
    let table = on_a_terminal(&sb, token, dir.path(), &format!("{} statuses list --all --per-page 1", wacr())).expect(0);
    assert!(table.stdout.contains(&format!(" {total}/{total} items")), "{:?}", table.stdout);
    let rows = table.stdout.lines().filter(|l| l.starts_with('│') && !l.contains(" name ")).count() as u64;
    assert_eq!(rows, total, "{}", table.stdout);
}
