//! The quick reader against serde-saphyr: on the real spec, the broken-spec corpus and random
//! edits of the spec, whatever the quick reader reads must be what serde-saphyr reads (the same
//! tree and locations), and it must give up wherever serde-saphyr reports an error.

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::{events, read, Src};
use crate::diag::{Diagnostics, FileId};

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("readable folder")
        .map(|e| e.expect("readable entry").path())
        .flat_map(|p| if p.is_dir() { yaml_files(&p) } else { vec![p] })
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

fn spec_files() -> Vec<PathBuf> {
    yaml_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec"))
}

/// Whether the quick reader read `text` (it agrees with serde-saphyr either way).
fn agrees(text: &str) -> Result<bool, String> {
    let src = Src::new(FileId(0), text);
    let Some(quick) = events::parse(&src) else { return Ok(false) };
    let full = read(&src, &mut Diagnostics::default());
    if full.as_ref() != Some(&quick) {
        return Err(format!("the readers disagree on:\n{text}\nquick: {quick:?}\nserde-saphyr: {full:?}"));
    }
    Ok(true)
}

#[test]
fn the_spec_is_read_by_the_quick_reader_as_serde_saphyr_reads_it() {
    for path in spec_files() {
        let text = std::fs::read_to_string(&path).expect("readable spec file");
        assert_eq!(agrees(&text), Ok(true), "{} is not read by the quick reader", path.display());
    }
}

#[test]
fn the_broken_specs_are_read_as_serde_saphyr_reads_them() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/broken");
    for path in yaml_files(&corpus) {
        let text = std::fs::read_to_string(&path).expect("readable corpus file");
        if let Err(e) = agrees(&text) {
            panic!("{}: {e}", path.display());
        }
    }
}

#[test]
fn scalars_are_typed_as_serde_saphyr_types_them() {
    let scalars = [
        "", "~", "null", "Null", "NULL", "nULL", "yes", "No", "ON", "y", "n", "true", "False", "0", "-0", "+0", "7", "-7", "+7", "007", "-007",
        "123456789012345678", "1234567890123456789", "9223372036854775807", "9223372036854775808", "18446744073709551616", "1.5", "-1.5",
        "+1.5", "0.5", "00.5", "1.", ".5", "1e3", "1E-3", "1.5e3", "0x1F", "0X1F", "0o17", "0b101", "1_000", "1_0.5", ".inf", "-.inf",
        "+.nan", ".NaN", "inf", "nan", "1e999", "3gp", "-created_at", "1736937000_acme-2025.pdf", "2024-03-01", "12:30", "1 2", "+", "-x",
        "...x", "---x", "---", "...", "--- x", "a", "!!str 1", "!!int 1", "!!float 1", "! 1", "&a 1", "!!null x", "!!bool yes", "'1'", "\"1\"", "[1, 2.5, yes, ~, 0x1F]", "{1: a, yes: b, ~: c, 0x1F: d, -0: e}", "1.5: x", "|\n  1\n",
    ];
    for s in scalars {
        for text in [s.to_owned(), format!("k: {s}\n"), format!("- {s}\n"), format!("{s}: v\n")] {
            if let Err(e) = agrees(&text) {
                panic!("{e}");
            }
        }
    }
}

/// Edits that touch what the quick reader must handle or give up on.
fn edit() -> impl Strategy<Value = (prop::sample::Index, usize, &'static str)> {
    let snippet = prop::sample::select(vec![
        "", "-", "- ", ": ", ":", "'", "\"", "[", "]", "{", "}", ",", "#", " #x", "&a ", "*a", "!!str ", "!x ", "<<: ", "\t", "\n", "  ", "0x1F",
        "1.5", "1e3", "yes", "~", "null", "-1", "+5", "01", "1_000", ".inf", "---", "...", "? ", "|", ">", "|-\n", "é", "\r\n", "\r", "%YAML 1.2\n",
        "x: 1\n", "\n  - a", "\n    b: 2",
    ]);
    (any::<prop::sample::Index>(), 0usize..4, snippet)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn edited_spec_files_are_read_as_serde_saphyr_reads_them(file in any::<prop::sample::Index>(), edits in prop::collection::vec(edit(), 1..4)) {
        let files = spec_files();
        let mut text = std::fs::read_to_string(file.get(&files)).expect("readable spec file");
        for (at, cut, snippet) in edits {
            let bounds: Vec<usize> = text.char_indices().map(|(b, _)| b).chain([text.len()]).collect();
            let start = *at.get(&bounds);
            let end = bounds.iter().copied().filter(|&b| b >= start).nth(cut).unwrap_or(text.len());
            text.replace_range(start..end, snippet);
        }
        if let Err(e) = agrees(&text) {
            return Err(TestCaseError::fail(e));
        }
    }
}
