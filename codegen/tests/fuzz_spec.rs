//! Robustness of the spec pipeline: mutated copies of the real spec (`api-spec/`) and arbitrary
//! bytes go through `check_texts`; it must never panic, and a rejected spec must come with a
//! non-empty report whose every location lies inside its file.
//!
//! Cases per property: 256 by default, 64 for the properties that parse the whole real spec in
//! a debug build (about 0.2 s per case unoptimised); `PROPTEST_CASES` sets them all, e.g.
//! `PROPTEST_CASES=20000 cargo test --release -p wacr-codegen --test fuzz_spec -- --nocapture`
//! (each property prints how many inputs it ran, accepted and rejected). With `WACR_FUZZ_EMIT=1`
//! every accepted spec is also run through the emitters (`wacr_codegen::render`).

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};
use wacr_codegen::Failure;

/// `PROPTEST_CASES`, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// The default for properties that parse the whole real spec per case.
const BIG: u32 = if cfg!(debug_assertions) { 64 } else { 256 };

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("tests/fuzz_spec.proptest-regressions"))),
        ..Config::default()
    }
}

/// The real spec, `api.yaml` first, named as `cargo xtask` names them.
fn real_spec() -> Vec<(String, String)> {
    spec_in(&Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("api-spec"))
}

/// The minimal valid spec of the broken-spec corpus.
fn base_spec() -> Vec<(String, String)> {
    spec_in(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("broken").join("_base"))
}

fn spec_in(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("the spec folder exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| {
            let name = format!("api-spec/{}", p.file_name().unwrap().to_string_lossy());
            (name, std::fs::read_to_string(&p).expect("readable spec file"))
        })
        .collect();
    files.sort_by_key(|(n, _)| (n != "api-spec/api.yaml", n.clone()));
    assert_eq!(files[0].0, "api-spec/api.yaml");
    files
}

/// Words a mutation may write: spec vocabulary, YAML syntax and troublemakers.
const WORDS: &[&str] = &[
    "type", "string", "integer", "number", "boolean", "datetime", "file", "json", "array<string>", "map<Contact>",
    "array<", "Contact", "Nope", "required", "nullable", "documented", "inferred", "groups", "scope", "none", "path",
    "/x/{id}", "{id}", "{", "}", "[", "]", ":", ": ", "-", "- ", ",", "?", "|", ">-", "#", "&a", "*a", "!!str", "!!map",
    "<<", "---", "...", "%YAML 1.2", "\"", "'", "\\", "~", "null", "true", "no", "yes", "0x1F", "0o17", "1e309",
    "-.inf", ".nan", "99999999999999999999", "-9223372036854775808", "\t", "\r", "\u{0}", "\u{feff}", "é", "日本",
    "🦀", "\u{202e}", "GET", "DELETE", "eq", "in", "list", "flat", "json_or_multipart", "",
];

#[derive(Clone, Debug)]
enum Mutation {
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    Indent(Index, i8),
    ReplaceToken(Index, Index, String),
    Truncate(Index),
    Insert(Index, Index, String),
}

fn replacement() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(WORDS).prop_map(str::to_owned),
        2 => any::<i64>().prop_map(|n| n.to_string()),
        1 => (-3i64..1000).prop_map(|n| n.to_string()),
        2 => "[a-zA-Z_][a-zA-Z0-9_.:-]{0,12}",
        2 => any::<String>().prop_map(|s| s.chars().take(8).collect()),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => any::<Index>().prop_map(Mutation::DeleteLine),
        2 => any::<Index>().prop_map(Mutation::DuplicateLine),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        2 => (any::<Index>(), -6i8..=6).prop_map(|(a, d)| Mutation::Indent(a, d)),
        5 => (any::<Index>(), any::<Index>(), replacement()).prop_map(|(l, t, r)| Mutation::ReplaceToken(l, t, r)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        2 => (any::<Index>(), any::<Index>(), replacement()).prop_map(|(l, c, r)| Mutation::Insert(l, c, r)),
    ]
}

/// The runs of word characters in a line, as byte ranges.
fn tokens(line: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices().chain(std::iter::once((line.len(), ' '))) {
        let word = c.is_alphanumeric() || c == '_';
        match (start, word) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    out
}

fn char_boundary_at(s: &str, i: &Index) -> usize {
    let bounds: Vec<usize> = s.char_indices().map(|(b, _)| b).chain(std::iter::once(s.len())).collect();
    bounds[i.index(bounds.len())]
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let n = lines.len();
    match m {
        Mutation::DeleteLine(i) => {
            lines.remove(i.index(n));
        }
        Mutation::DuplicateLine(i) => {
            let i = i.index(n);
            lines.insert(i, lines[i].clone());
        }
        Mutation::SwapLines(a, b) => lines.swap(a.index(n), b.index(n)),
        Mutation::Indent(i, d) => {
            let line = &mut lines[i.index(n)];
            if *d >= 0 {
                *line = format!("{}{line}", " ".repeat(*d as usize));
            } else {
                let strip = line.len() - line.trim_start_matches(' ').len();
                *line = line[strip.min(d.unsigned_abs() as usize)..].to_owned();
            }
        }
        Mutation::ReplaceToken(l, t, r) => {
            let line = &mut lines[l.index(n)];
            let toks = tokens(line);
            if !toks.is_empty() {
                let (s, e) = toks[t.index(toks.len())];
                line.replace_range(s..e, r);
            }
        }
        Mutation::Truncate(i) => return text[..char_boundary_at(text, i)].to_owned(),
        Mutation::Insert(l, c, r) => {
            let line = &mut lines[l.index(n)];
            let at = char_boundary_at(line, c);
            line.insert_str(at, r);
        }
    }
    lines.join("\n")
}

/// The properties of a rejected spec's report.
fn check_failure(f: &Failure) -> Result<(), TestCaseError> {
    let rendered = f.render();
    let short = f.short();
    prop_assert!(!rendered.trim().is_empty(), "empty report");
    prop_assert!(!short.trim().is_empty(), "empty short report");
    prop_assert!(f.diagnostics.has_errors(), "rejected without an error");
    for d in f.diagnostics.sorted() {
        let Some(loc) = d.loc else { continue };
        let text = f.sources.text(loc.file);
        let lines: Vec<&str> = text.split('\n').collect();
        let file = f.sources.display(loc.file);
        prop_assert!(
            loc.line >= 1 && (loc.line as usize) <= lines.len(),
            "{file}:{}:{}: line outside the file ({} lines): {}",
            loc.line,
            loc.col,
            lines.len(),
            d.message
        );
        let line = lines[loc.line as usize - 1];
        prop_assert!(
            loc.col >= 1 && (loc.col as usize) <= line.chars().count() + 1,
            "{file}:{}:{}: column outside the line {line:?}: {}",
            loc.line,
            loc.col,
            d.message
        );
        prop_assert!(loc.start <= text.len() && text.is_char_boundary(loc.start), "{file}: byte offset {} is not a char boundary", loc.start);
        // The byte offset (used by render) and line:col (used by short) name the same place.
        let before = &text[..loc.start];
        let line_of_start = before.matches('\n').count() as u32 + 1;
        let col_of_start = before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
        prop_assert!(
            (line_of_start, col_of_start) == (loc.line, loc.col),
            "{file}:{}:{}: the byte offset {} is at {line_of_start}:{col_of_start}: {}",
            loc.line,
            loc.col,
            loc.start,
            d.message
        );
    }
    Ok(())
}

/// The lines that differ between two versions of the spec, for failure messages: line by line
/// when the line count is unchanged, else the span from the first to the last difference.
fn changes(before: &[(String, String)], after: &[(String, String)]) -> String {
    let mut out = String::new();
    for ((name, a), (_, b)) in before.iter().zip(after) {
        if a == b {
            continue;
        }
        let (a, b): (Vec<&str>, Vec<&str>) = (a.split('\n').collect(), b.split('\n').collect());
        if a.len() == b.len() {
            for (i, (x, y)) in a.iter().zip(&b).enumerate().filter(|(_, (x, y))| x != y) {
                out.push_str(&format!("{name}:{}:\n  - {x:?}\n  + {y:?}\n", i + 1));
            }
            continue;
        }
        let first = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        let tail = a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count();
        let (a_end, b_end) = (a.len().saturating_sub(tail).max(first), b.len().saturating_sub(tail).max(first));
        out.push_str(&format!("{name}:{}: ({} lines become {})\n", first + 1, a_end - first, b_end - first));
        for l in a[first..a_end].iter().take(8) {
            out.push_str(&format!("  - {l:?}\n"));
        }
        for l in b[first..b_end].iter().take(8) {
            out.push_str(&format!("  + {l:?}\n"));
        }
    }
    out
}

/// How many inputs a property ran, by outcome.
#[derive(Default)]
struct Tally {
    accepted: AtomicUsize,
    rejected: AtomicUsize,
}

impl Tally {
    fn report(&self, name: &str) {
        let (a, r) = (self.accepted.load(Ordering::Relaxed), self.rejected.load(Ordering::Relaxed));
        eprintln!("{name}: {} inputs ran clean ({a} accepted, {r} rejected with a located report)", a + r);
    }
}

/// Runs the pipeline; `Err` only when a property fails (a panic fails the case by itself).
fn run_files(files: &[(String, String)], tally: &Tally) -> Result<(), TestCaseError> {
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    match wacr_codegen::check_texts(&refs) {
        Ok(api) => {
            if std::env::var_os("WACR_FUZZ_EMIT").is_some() {
                // Opt-in (slow in debug builds): a spec that validates must also emit.
                let _ = wacr_codegen::render(&api);
            }
            tally.accepted.fetch_add(1, Ordering::Relaxed);
            Ok(())
        }
        Err(f) => {
            check_failure(&f)?;
            tally.rejected.fetch_add(1, Ordering::Relaxed);
            Ok(())
        }
    }
}

#[test]
fn real_spec_is_valid_through_check_texts() {
    let files = real_spec();
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    if let Err(f) = wacr_codegen::check_texts(&refs) {
        panic!("{}", f.render());
    }
}

#[test]
fn mutated_real_spec() {
    let original = real_spec();
    let files = original.clone();
    let strategy = (
        prop::collection::vec((any::<Index>(), mutation()), 1..=4),
        prop::option::weighted(0.2, (any::<Index>(), mutation())),
    );
    let tally = Tally::default();
    let mut runner = TestRunner::new(config(cases(BIG)));
    let result = runner.run(&strategy, |(mutations, other)| {
        let mut files = files.clone();
        // Most mutations hit one file; sometimes a second file changes too.
        let target = mutations[0].0.index(files.len());
        for (_, m) in &mutations {
            files[target].1 = apply(&files[target].1, m);
        }
        if let Some((i, m)) = &other {
            let i = i.index(files.len());
            files[i].1 = apply(&files[i].1, m);
        }
        // Name the mutated lines in the failure, not just the mutation's random indices.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_files(&files, &tally)));
        let error = match outcome {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(e)) => e.to_string(),
            Err(panic) => {
                let text = panic.downcast_ref::<String>().map(String::as_str).or_else(|| panic.downcast_ref::<&str>().copied());
                format!("panic: {}", text.unwrap_or("(not a string)").chars().take(300).collect::<String>())
            }
        };
        Err(TestCaseError::fail(format!("{error}\nthe mutated lines:\n{}", changes(&original, &files))))
    });
    tally.report("mutated_real_spec");
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn arbitrary_bytes_as_api_yaml() {
    let strategy = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        // Bytes that look a little like YAML.
        prop::collection::vec(prop::sample::select(b"ab:-[]{}#&*!|>'\"\n \t,?%@`~01".to_vec()), 0..256),
    ];
    let tally = Tally::default();
    let mut runner = TestRunner::new(config(cases(256)));
    let result = runner.run(&strategy, |bytes| {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        run_files(&[("api-spec/api.yaml".to_owned(), text)], &tally)
    });
    tally.report("arbitrary_bytes_as_api_yaml");
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// A valid api.yaml and a group file of arbitrary bytes (the small spec of the broken-spec
/// corpus, so the case count can stay high).
#[test]
fn arbitrary_bytes_as_a_group_file() {
    let files = base_spec();
    let strategy = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        prop::collection::vec(prop::sample::select(b"ab:-[]{}#&*!|>'\"\n \t,?%@`~01".to_vec()), 0..256),
    ];
    let tally = Tally::default();
    let mut runner = TestRunner::new(config(cases(256)));
    let result = runner.run(&strategy, |bytes| {
        let mut files = files.clone();
        files[1].1 = String::from_utf8_lossy(&bytes).into_owned();
        run_files(&files, &tally)
    });
    tally.report("arbitrary_bytes_as_a_group_file");
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Inputs the fuzzer once broke the pipeline with, as api.yaml.
#[test]
fn regressions() {
    let cases: &[&str] = &[
        // A lone CR: the parser counted it as a line break, the renderer did not, so the error
        // was placed on line 2 of a one-line file.
        "\r",
        "a: 1\rb: [\r",
        // A one-byte span on a multi-byte character: annotate-snippets sliced inside it and panicked.
        "\u{FFFD}\u{1}",
        "   \u{113be}\u{10e85}&*\u{b6}\u{ab14}4\u{609}   subscription:",
    ];
    let tally = Tally::default();
    for text in cases {
        let files = [("api-spec/api.yaml".to_owned(), (*text).to_owned())];
        run_files(&files, &tally).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    }
}
