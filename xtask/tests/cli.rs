//! The xtask command line: help and version go to stdout and succeed; a mistake fails with 2.

use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().expect("xtask runs")
}

#[test]
fn help_and_version_print_to_stdout_and_succeed() {
    for args in [&["--help"][..], &["codegen", "--help"], &["spec", "check", "--help"], &["--version"]] {
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
