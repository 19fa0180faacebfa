//! The example of every command's `--help` runs against a live sandbox holding the example
//! data, each on a fresh sandbox after the examples it builds on (the order
//! `sandbox/tests/docs_run.rs` runs the docs' curl commands in): every operation of every group
//! succeeds from the command line.

mod support;

#[path = "../../../sandbox/tests/support/prerequisites.rs"]
mod prerequisites;

#[path = "../src/commands.rs"]
#[allow(dead_code)]
mod commands;

use support::{run, sandbox, words};

/// Examples the sandbox answers with an error on purpose, with the exit code and why.
const KNOWN: &[(&str, i32, &str)] = &[(
    "batch_create_contacts",
    5,
    "the generated router refuses the whole batch when one item breaks a spec rule (an invalid email); the docs report it per item",
)];

#[test]
fn every_help_example_succeeds_against_a_sandbox() {
    let examples: Vec<(&str, &str)> = commands::CLI.groups.iter().flat_map(|g| g.operations).filter_map(|op| op.example.map(|e| (op.id, e))).collect();
    let operations = commands::CLI.groups.iter().map(|g| g.operations.len()).sum::<usize>();
    assert_eq!(examples.len(), operations, "every operation has an example");
    let mut failures = Vec::new();
    for (id, _) in &examples {
        let sandbox = sandbox();
        let token = sandbox.token("default").unwrap().to_owned();
        for op in prerequisites::with_prerequisites(id) {
            let line = examples.iter().find(|(i, _)| *i == op).unwrap().1;
            let argv = words(line);
            assert_eq!(argv[0], "wacr");
            let args: Vec<&str> = argv[1..].iter().map(String::as_str).chain(["--output", "json"]).collect();
            let result = run(&sandbox, &token, &args);
            let known = KNOWN.iter().any(|(k, code, _)| *k == op && *code == result.code);
            if result.code != 0 && !known {
                failures.push(format!("{line}: exit {}\n{}", result.code, result.stderr));
            } else if result.code == 0 {
                result.json();
            }
        }
        support::runtime().block_on(sandbox.stop()).unwrap();
    }
    assert!(failures.is_empty(), "{} of {} examples failed:\n{}", failures.len(), examples.len(), failures.join("\n"));
}
