//! Syntax errors of a spec file: serde-saphyr's message, reworded to say what to fix, and
//! placed on the mistake when the parser noticed it only later.

use crate::diag::{Diagnostic, FileId, Loc};

/// The diagnostic for serde-saphyr's error `message` at `loc`.
pub(super) fn explain(file: FileId, text: &str, loc: Option<Loc>, message: &str) -> Diagnostic {
    // serde-saphyr's message repeats the location and a snippet; keep its first line.
    let first = message.lines().next().unwrap_or("invalid YAML").trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    explain_first_line(file, text, loc, strip_line_prefix(first))
}

/// Turns the parser's message into one that says what to fix, and moves the location to the
/// mistake when the parser noticed it later (a tab in the indentation, an unclosed `[` or `{`).
fn explain_first_line(file: FileId, text: &str, loc: Option<Loc>, first: &str) -> Diagnostic {
    if let Some(rest) = first.strip_prefix("duplicate mapping key") {
        let key = rest.trim_start_matches(':').trim();
        let key = key.strip_suffix("set DuplicateKeyPolicy in Options if acceptable").unwrap_or(key);
        let key = key.trim().trim_end_matches(',').trim();
        let message = if key.is_empty() { "invalid YAML: duplicate key".to_owned() } else { format!("invalid YAML: duplicate key `{key}`") };
        return Diagnostic::error(loc, message).with_help("a key may appear only once in a mapping: remove or merge one of them");
    }
    if first.contains("found a tab") || first.contains("tabs") {
        let from = loc.map_or(1, |l| l.line);
        if let Some(tab) = first_tab_indent(file, text, from).or_else(|| first_tab_indent(file, text, 1)) {
            return Diagnostic::error(tab, "invalid YAML: a tab in the indentation").with_help("YAML indents with spaces only: replace the tab with spaces");
        }
    }
    if first.contains("flow sequence") || first.contains("flow mapping") {
        let open = if first.contains("flow sequence") { '[' } else { '{' };
        let upto = loc.map_or(text.len(), |l| l.start.min(text.len()));
        if let Some(at) = unclosed_flow(file, text, upto, open) {
            let (what, close) = if open == '[' { ("list", ']') } else { ("mapping", '}') };
            let seen = loc.map_or(String::new(), |l| format!(" (the parser stopped at line {}, column {}: {first})", l.line, l.col));
            return Diagnostic::error(at, format!("invalid YAML: this `{open}` {what} is never closed"))
                .with_help(format!("close it with `{close}`, or quote a value that contains `[`, `{{` or `,`{seen}"));
        }
    }
    let d = Diagnostic::error(loc, format!("invalid YAML: {first}"));
    if first.contains("mapping values are not allowed") {
        return d.with_help("a plain value cannot contain `: `; put the value in quotes");
    }
    d
}

/// The first line, from line `from` on, indented with a tab.
fn first_tab_indent(file: FileId, text: &str, from: u32) -> Option<Loc> {
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let indent: &str = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
        if let Some(pos) = indent.find('\t').filter(|_| i as u32 + 1 >= from) {
            let col = indent[..pos].chars().count() + 1;
            return Some(Loc { file, line: i as u32 + 1, col: col as u32, start: offset + pos, len: 1 });
        }
        offset += line.len();
    }
    None
}

/// The innermost `[` (`want == '['`) or `{` still open at byte `upto`, found with a small
/// scanner that knows comments, quoted scalars, block scalars and where a node may start.
fn unclosed_flow(file: FileId, text: &str, upto: usize, want: char) -> Option<Loc> {
    let b = text.as_bytes();
    let upto = upto.min(b.len());
    let indent_at = |i: usize| b[i..upto].iter().take_while(|&&c| c == b' ').count();
    let mut stack: Vec<(u8, usize)> = Vec::new();
    let mut node_start = true; // a value may begin here
    let mut line_indent = indent_at(0);
    let mut block_scalar: Option<usize> = None; // indentation of the key that opened `|` or `>`
    let mut i = 0;
    while i < upto {
        let c = b[i];
        let prev_blank = i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n' | b'\r');
        match c {
            b'\n' => {
                node_start = true;
                line_indent = indent_at(i + 1);
                if let Some(n) = block_scalar {
                    // Skip the block scalar's lines: blank or indented deeper than its key.
                    let mut j = i + 1;
                    loop {
                        let end = b[j..upto].iter().position(|&c| c == b'\n').map_or(upto, |p| j + p);
                        let blank = b[j..end].iter().all(|c| c.is_ascii_whitespace());
                        if end < upto && (blank || indent_at(j) > n) {
                            j = end + 1;
                        } else {
                            break;
                        }
                    }
                    block_scalar = None;
                    i = j;
                    line_indent = indent_at(j);
                    continue;
                }
            }
            b'#' if prev_blank => {
                while i < upto && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' if node_start => {
                let quote = c;
                i += 1;
                while i < upto {
                    if b[i] == b'\\' && quote == b'"' {
                        i += 1;
                    } else if b[i] == quote {
                        if quote == b'\'' && i + 1 < upto && b[i + 1] == b'\'' {
                            i += 1;
                        } else {
                            break;
                        }
                    }
                    i += 1;
                }
                node_start = false;
            }
            b'|' | b'>' if node_start && stack.is_empty() => {
                block_scalar = Some(line_indent);
                node_start = false;
            }
            b'[' | b'{' if node_start => stack.push((c, i)),
            b']' | b'}' if !stack.is_empty() => {
                stack.pop();
                node_start = false;
            }
            b',' if !stack.is_empty() => node_start = true,
            b':' | b'-' | b'?' => {
                let next_blank = i + 1 >= upto || matches!(b[i + 1], b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'}');
                node_start = next_blank && (c == b':' || prev_blank);
            }
            b' ' | b'\t' | b'\r' => {}
            _ => node_start = false,
        }
        i += 1;
    }
    let want = want as u8;
    let &(_, at) = stack.iter().rev().find(|(c, _)| *c == want)?;
    let line_start = text[..at].rfind('\n').map_or(0, |p| p + 1);
    let line = text[..at].matches('\n').count() as u32 + 1;
    let col = text[line_start..at].chars().count() as u32 + 1;
    Some(Loc { file, line, col, start: at, len: 1 })
}

fn strip_line_prefix(s: &str) -> &str {
    // "line 2 column 1: duplicate mapping key: a, ..." -> "duplicate mapping key: a, ..."
    if s.starts_with("line ")
        && let Some((_, rest)) = s.split_once(": ") {
            return rest;
        }
    s
}
