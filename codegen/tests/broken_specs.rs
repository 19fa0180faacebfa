//! The broken-spec corpus: every folder under `tests/broken/` (except `_base`) is a copy of the
//! valid minimal spec in `tests/broken/_base/` with exactly one mistake, named by the folder.
//!
//! For each case the test checks that
//! - the spec is rejected with at least one error;
//! - `Failure::short()` equals the case's `expected.txt` (the reviewed snapshot; run with
//!   `UPDATE_EXPECT=1` to rewrite the snapshots, then review the diff);
//! - the rendered report points at the mistake: each case marks the mistake with a comment line
//!   right below it whose caret sits under the offending column,
//!
//!   ```yaml
//!       scope: note:read
//!   #          ^ mistake
//!   ```
//!
//!   (`# mistake: column 1` when the mistake starts its line), and the rendered report must
//!   contain ` --> file:line:col` of that place;
//! - every `file:line:col` of `short()` also appears in the rendered report (the two agree).
//!
//! Paths in the output are made relative to the case folder, so snapshots do not depend on where
//! the repository is checked out.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("broken")
}

fn case_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(corpus_dir())
        .expect("tests/broken exists")
        .map(|e| e.expect("readable dir entry").path())
        .filter(|p| p.is_dir() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('_')))
        .collect();
    dirs.sort();
    dirs
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .expect("case dir is readable")
        .map(|e| e.expect("readable dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// Strips the case folder from every path the diagnostics print.
fn normalise(text: &str, dir: &Path) -> String {
    let prefix = format!("{}{}", dir.display(), std::path::MAIN_SEPARATOR);
    text.replace(&prefix, "")
}

/// A `# ^ mistake` comment line marks the line above it; the caret gives the column.
#[derive(Debug)]
struct Marker {
    file: String,
    line: usize,
    col: usize,
}

fn markers(dir: &Path) -> Vec<Marker> {
    let mut out = Vec::new();
    for path in yaml_files(dir) {
        let text = fs::read_to_string(&path).expect("readable yaml");
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        for (i, line) in text.lines().enumerate() {
            let Some(rest) = line.trim_start().strip_prefix('#') else { continue };
            let rest = rest.trim_start();
            let col = if rest.starts_with("^ mistake") {
                // Columns are characters, as in the diagnostics.
                line[..line.find('^').unwrap()].chars().count() + 1
            } else if let Some(n) = rest.strip_prefix("mistake: column ") {
                n.trim().parse().expect("`# mistake: column N` names a number")
            } else {
                continue;
            };
            assert!(i > 0, "{}: a marker cannot be the first line", path.display());
            out.push(Marker { file: file.clone(), line: i, col });
        }
    }
    out
}

#[test]
fn base_is_valid() {
    let base = corpus_dir().join("_base");
    let api = match wacr_codegen::check(&base) {
        Ok(api) => api,
        Err(f) => panic!("tests/broken/_base must be a valid spec, but:\n{}", normalise(&f.render(), &base)),
    };
    // What the emitters rely on, validate checked: the smallest valid spec emits every file.
    let outputs = wacr_codegen::render(&api);
    assert!(outputs.iter().any(|o| o.path.ends_with("server.rs") && o.contents.contains("CONVENTIONS")), "{:?}", outputs.iter().map(|o| &o.path).collect::<Vec<_>>());
    assert!(markers(&base).is_empty(), "_base must not carry mistake markers");
}

/// `_base/` with `_events/events.yaml`: the smallest valid spec with webhook events, of which
/// the `event*` cases are copies with one mistake.
#[test]
fn base_with_events_is_valid() {
    let read = |dir: &str, file: &str| fs::read_to_string(corpus_dir().join(dir).join(file)).expect("readable yaml");
    let files = [("api.yaml", read("_base", "api.yaml")), ("notes.yaml", read("_base", "notes.yaml")), ("events.yaml", read("_events", "events.yaml"))];
    let texts: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let api = wacr_codegen::check_texts(&texts).unwrap_or_else(|f| panic!("_base + _events/events.yaml must be valid, but:\n{}", f.render()));
    let events = api.events.as_ref().expect("the events are loaded");
    assert_eq!(events.events.iter().map(|e| e.wire.as_str()).collect::<Vec<_>>(), ["note.created", "note.updated", "author.deleted"]);
}

#[test]
fn corpus_is_large_enough() {
    let n = case_dirs().len();
    assert!(n >= 32, "the corpus has {n} cases; keep at least 32");
}

#[test]
fn broken_specs() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut problems = String::new();
    let cases = case_dirs();
    for dir in &cases {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let failure = match wacr_codegen::check(dir) {
            Ok(_) => {
                writeln!(problems, "[{name}] the spec was accepted; it must be rejected").unwrap();
                continue;
            }
            Err(f) => f,
        };
        let short = normalise(&failure.short(), dir);
        let rendered = normalise(&failure.render(), dir);

        if !short.lines().any(|l| l.contains(": error: ")) {
            writeln!(problems, "[{name}] no error was reported:\n{short}").unwrap();
        }

        // The snapshot.
        let expected_path = dir.join("expected.txt");
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != short {
            if update {
                fs::write(&expected_path, &short).expect("write expected.txt");
            } else {
                writeln!(
                    problems,
                    "[{name}] short() differs from expected.txt (UPDATE_EXPECT=1 rewrites it)\n--- expected\n{expected}--- actual\n{short}"
                )
                .unwrap();
            }
        }

        // The report points at the mistake.
        let marks = markers(dir);
        if marks.is_empty() {
            writeln!(problems, "[{name}] no `# ^ mistake` marker in the case's yaml files").unwrap();
        }
        for m in &marks {
            let place = format!("--> {}:{}:{}", m.file, m.line, m.col);
            if !rendered.contains(&place) {
                writeln!(problems, "[{name}] the report does not point at the mistake `{place}`:\n{rendered}").unwrap();
            }
        }

        // short() and render() agree on every location.
        for line in short.lines() {
            let Some((place, _)) = line.split_once(": error: ").or_else(|| line.split_once(": warning: ")) else {
                continue;
            };
            if place != "<spec>" && !rendered.contains(&format!("--> {place}")) {
                writeln!(problems, "[{name}] `{place}` of short() is not in the rendered report:\n{rendered}").unwrap();
            }
        }
    }
    assert!(problems.is_empty(), "{} cases checked; problems:\n{problems}", cases.len());
}
