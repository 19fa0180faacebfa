//! The help output of `wacr` (insta snapshots in `tests/snapshots/`), the command tree's own
//! consistency (clap's debug asserts over every command), completions and the man page.

mod support;

#[path = "../src/commands.rs"]
#[allow(dead_code)]
mod commands;

use support::{output, wacr};

fn help(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    output(wacr(dir.path()).args(args).arg("--help").output().unwrap()).expect(0).stdout
}

#[test]
fn help_output() {
    insta::assert_snapshot!("root", help(&[]));
    insta::assert_snapshot!("contacts", help(&["contacts"]));
    insta::assert_snapshot!("contacts_list", help(&["contacts", "list"]));
    insta::assert_snapshot!("contacts_get", help(&["contacts", "get"]));
    insta::assert_snapshot!("contacts_create", help(&["contacts", "create"]));
    insta::assert_snapshot!("messages_send_text", help(&["messages", "send-text"]));
    insta::assert_snapshot!("auth_send_otp", help(&["auth", "send-otp"]));
}

#[test]
fn every_command_is_well_formed_and_shows_its_example() {
    let command = wacr_runtime::cli::command(&commands::CLI);
    command.clone().debug_assert();
    for group in commands::CLI.groups {
        for op in group.operations {
            let text = help(&[group.name, op.name]);
            let example = op.example.unwrap_or_else(|| panic!("{} has an example", op.id));
            assert!(text.contains(&format!("Example:\n  {example}")), "{}: {text}", op.id);
        }
    }
}

#[test]
fn completions_and_the_man_page() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = output(wacr(dir.path()).args(["completions", shell]).output().unwrap()).expect(0).stdout;
        assert!(script.contains("send-text") && script.contains("per-page"), "{shell}: {script}");
    }
    let man = output(wacr(dir.path()).arg("man").output().unwrap()).expect(0).stdout;
    assert!(man.starts_with(".ie") || man.contains(".TH wacr"), "{man}");
    assert!(man.contains("contacts"));
}
