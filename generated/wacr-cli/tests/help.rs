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

#[test]
fn man_dir_writes_a_page_per_subcommand_with_its_flags() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("man1");
    let pages_arg = pages.display().to_string();
    output(wacr(dir.path()).args(["man", "--dir", &pages_arg]).output().unwrap()).expect(0);
    let page = |name: &str| std::fs::read_to_string(pages.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(page("wacr.1").contains(".TH wacr"));
    let list = page("wacr-contacts-list.1");
    assert!(list.contains(&format!(".TH wacr-contacts-list 1  \"wacr {}\"", env!("CARGO_PKG_VERSION"))), "{list}");
    for flag in [r"\-\-per\-page", r"\-\-filter", r"\-\-search", r"\-\-include", r"\-\-base\-url"] {
        assert!(list.contains(flag), "wacr-contacts-list.1 has {flag}: {list}");
    }
    assert!(page("wacr-messages-send-text.1").contains(r"\-\-phone"));
    // one page per group and per operation of the table, besides the root and its own commands
    let operations: usize = commands::CLI.groups.iter().map(|g| 1 + g.operations.len()).sum();
    let written = std::fs::read_dir(&pages).unwrap().count();
    assert_eq!(written, 1 + operations + ["configure", "completions", "man"].len());
}

#[test]
fn filter_help_lists_the_values_of_an_enum_field() {
    let text = help(&["contacts", "list"]);
    let line = text.lines().find(|l| l.trim_start().starts_with("type (")).unwrap_or_else(|| panic!("{text}"));
    assert!(line.ends_with("[possible values: lead, customer, guest]"), "{line}");
    let status = text.lines().find(|l| l.trim_start().starts_with("status_id (")).unwrap();
    assert!(!status.contains("possible values"), "not an enum: {status}");
}
