//! The xtask command line: help and version go to stdout and succeed; a mistake fails with 2.

use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().expect("xtask runs")
}

#[test]
fn help_and_version_print_to_stdout_and_succeed() {
    for args in [&["--help"][..], &["codegen", "--help"], &["spec", "check", "--help"], &["spec", "diff", "--help"], &["--version"]] {
        let out = xtask(args);
        assert!(out.status.success(), "{args:?}: {out:?}");
        assert!(!out.stdout.is_empty(), "{args:?} printed nothing on stdout");
    }
    let help = String::from_utf8(xtask(&["codegen", "--help"]).stdout).unwrap();
    assert!(help.contains("--check"), "{help}");
}

#[test]
fn an_unknown_task_is_a_usage_error() {
    let out = xtask(&["codegen", "--bogus"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--bogus"));
}

#[test]
fn spec_diff_prints_the_changes_and_the_bump_as_text_or_json() {
    let text = xtask(&["spec", "diff", "HEAD"]);
    assert!(text.status.success(), "{text:?}");
    let stdout = String::from_utf8(text.stdout).unwrap();
    assert!(stdout.starts_with("api-spec/ at HEAD -> working tree\n") && stdout.contains("\nbump: "), "{stdout}");
    let json = xtask(&["spec", "diff", "HEAD", "--format", "json"]);
    assert!(json.status.success(), "{json:?}");
    let stdout = String::from_utf8(json.stdout).unwrap();
    assert!(stdout.trim_start().starts_with('{') && stdout.contains("\"changes\": ["), "{stdout}");
}

#[test]
fn spec_diff_against_an_unknown_revision_fails_with_a_message() {
    let out = xtask(&["spec", "diff", "no-such-revision"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot list api-spec/ at `no-such-revision`"), "{out:?}");
}
