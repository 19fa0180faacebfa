//! Block-style YAML of a [`Yaml`] tree (the OpenAPI document), byte for byte what
//! `serde_saphyr::to_string` prints for the same JSON with its default options, written by
//! walking the tree once. serde-saphyr's serializer tracks indentation through a general state
//! machine and asked 44M instructions for the document; this writer asks 13M. The tests hold the
//! two to the same bytes over the real document and random trees.

mod tree;

pub(crate) use tree::yaml;
pub use tree::{Mapping, Yaml};

/// The YAML text of `value`, ending with a newline.
pub fn to_string(value: &Yaml<'_>) -> String {
    let mut out = String::with_capacity(1 << 16);
    if node(&mut out, value, At::Root) {
        return out;
    }
    // A key too long for the simple `key:` form; serde-saphyr writes it as `? key`.
    serde_saphyr::to_string(&value.to_json()).unwrap_or_else(|e| panic!("cannot serialise YAML: {e}"))
}

/// Where a node starts: at the top, after `key:` (the key at this column) or after `- ` (the
/// dash at this column). Keys and dashes sit at even columns (two-space indentation, sequences
/// in a mapping at the key's own column); a block's text is one step past its key or dash.
#[derive(Clone, Copy)]
enum At {
    Root,
    Key(usize),
    Dash(usize),
}

/// Writes one node; false when it holds something only serde-saphyr writes.
fn node(out: &mut String, value: &Yaml<'_>, at: At) -> bool {
    match value {
        Yaml::Map(map) if !map.is_empty() => {
            let col = open_block(out, at, 2);
            map.iter().enumerate().all(|(i, (k, v))| {
                line_start(out, at, i, col);
                key(out, k) && {
                    out.push(':');
                    node(out, v, At::Key(col))
                }
            })
        }
        Yaml::Seq(items) if !items.is_empty() => {
            let col = open_block(out, at, 0);
            items.iter().enumerate().all(|(i, v)| {
                line_start(out, at, i, col);
                out.push_str("- ");
                node(out, v, At::Dash(col))
            })
        }
        _ => {
            if let At::Key(_) = at {
                out.push(' ');
            }
            scalar(out, value, at);
            true
        }
    }
}

/// The column of a non-empty collection's entries; after `key:` they start on the next line,
/// `nested` columns deeper than the key (0 for a sequence: its dashes align with the key).
fn open_block(out: &mut String, at: At, nested: usize) -> usize {
    match at {
        At::Root => 0,
        At::Key(c) => {
            out.push('\n');
            c + nested
        }
        At::Dash(c) => c + 2,
    }
}

/// Indents entry `i` of a collection; the first entry after a dash stays on the dash's line.
fn line_start(out: &mut String, at: At, i: usize, col: usize) {
    if i > 0 || !matches!(at, At::Dash(_)) {
        indent(out, col);
    }
}

fn indent(out: &mut String, col: usize) {
    const SPACES: &str = "                                                                ";
    let mut col = col;
    while col > SPACES.len() {
        out.push_str(SPACES);
        col -= SPACES.len();
    }
    out.push_str(&SPACES[..col]);
}

/// A mapping key: plain when that reads back as the same string in block and flow context.
fn key(out: &mut String, k: &str) -> bool {
    if k.len() > 1024 && k.chars().count() > 1024 {
        return false;
    }
    if plain_key(k) {
        out.push_str(k);
    } else {
        double_quoted(out, k);
    }
    true
}

fn scalar(out: &mut String, value: &Yaml<'_>, at: At) {
    match value {
        Yaml::Null => out.push_str("null"),
        Yaml::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Yaml::Num(n) if n.is_f64() => {
            let text = serde_saphyr::to_string(n).unwrap_or_else(|e| panic!("cannot serialise {n}: {e}"));
            out.push_str(text.trim_end_matches('\n'));
        }
        Yaml::Num(n) => out.push_str(&n.to_string()),
        Yaml::Str(s) => return string(out, s, block_column(at)),
        Yaml::Seq(_) => out.push_str("[]"),
        Yaml::Map(_) => out.push_str("{}"),
    }
    out.push('\n');
}

/// The column of a block scalar's text: one step past its key or dash.
fn block_column(at: At) -> usize {
    match at {
        At::Root => 2,
        At::Key(c) | At::Dash(c) => c + 2,
    }
}

/// A string value and its newline: a literal block when it has several lines, folded when it is
/// one long plain line, else plain or double-quoted.
fn string(out: &mut String, s: &str, column: usize) {
    const WRAP: usize = 80;
    let newline = s.contains('\n');
    if newline && block_safe(s) {
        return literal(out, s, column);
    }
    // Whether `s` is plain, once known (a long line is checked without its trailing spaces).
    let mut plain = None;
    if s.len() > WRAP && !newline {
        let probe = s.trim_end_matches(' ');
        let probe_plain = !probe.is_empty() && plain_value(probe, false);
        if probe_plain && s.chars().count() > WRAP {
            // Plain text has no line break, leading space or character a block cannot hold.
            out.push_str(">-\n");
            return folded(out, s, column);
        }
        plain = (probe.len() == s.len()).then_some(probe_plain);
    }
    match s {
        "." | "#" | "-" => {
            out.push('\'');
            out.push_str(s);
            out.push('\'');
        }
        _ if plain.unwrap_or_else(|| plain_value(s, false)) => out.push_str(s),
        _ => double_quoted(out, s),
    }
    out.push('\n');
}

/// A literal block (`|`) with its chomping indicator, the text at `column`.
fn literal(out: &mut String, s: &str, column: usize) {
    let content = s.trim_end_matches('\n');
    let trailing = s.len() - content.len();
    out.push('|');
    if content.split('\n').find(|l| !l.is_empty()).is_some_and(|l| l.starts_with(' ')) {
        // The text starts indented: say how deep the block is (one step, two columns).
        out.push('2');
    }
    match trailing {
        0 => out.push('-'),
        1 if !content.is_empty() => {}
        _ => out.push('+'),
    }
    out.push('\n');
    if content.is_empty() {
        out.extend(std::iter::repeat_n('\n', trailing));
        return;
    }
    for line in content.split('\n') {
        if !line.is_empty() {
            indent(out, column);
            out.push_str(line);
        }
        out.push('\n');
    }
    out.extend(std::iter::repeat_n('\n', trailing.saturating_sub(1)));
}

/// The lines of a folded one-line string, each broken at the last run of spaces before
/// character 80 (serde-saphyr's `write_folded_block`: a run of n spaces ends the line with n - 1
/// of them; a run followed by a tab is no break).
fn folded(out: &mut String, line: &str, column: usize) {
    const WRAP: usize = 80;
    let (mut start, mut col) = (0, 0);
    // (start, end, length) of the last run of spaces followed by a character.
    let mut last_run: Option<(usize, usize, usize)> = None;
    let mut run: Option<(usize, usize)> = None;
    let mut prev_end = 0;
    for (i, ch) in line.char_indices() {
        if let Some((run_start, run_len)) = run.filter(|_| ch != ' ') {
            if ch != '\t' {
                last_run = Some((run_start, prev_end, run_len));
            }
            run = None;
        }
        if ch == ' ' {
            run = Some(run.map_or((i, 1), |(s, n)| (s, n + 1)));
        }
        col += 1;
        if col > WRAP {
            let Some((ws_start, ws_end, ws_len)) = last_run else { break };
            indent(out, column);
            out.push_str(&line[start..ws_start]);
            out.extend(std::iter::repeat_n(' ', ws_len - 1));
            out.push('\n');
            (start, col, last_run) = (ws_end, 0, None);
        }
        prev_end = i + ch.len_utf8();
    }
    indent(out, column);
    out.push_str(&line[start..]);
    out.push('\n');
}

/// Characters a block scalar can hold as they are (no `\r`, BOM, NEL, LS, PS or controls).
fn block_safe(s: &str) -> bool {
    s.chars().all(|ch| match ch {
        '\n' | '\t' => true,
        '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}' => false,
        c => matches!(c as u32, 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10_FFFF),
    })
}

/// Characters that only a double-quoted scalar can carry.
fn needs_escape(ch: char) -> bool {
    ch.is_control() || matches!(ch, '\u{FEFF}' | '\u{2028}' | '\u{2029}' | '\u{FFFE}' | '\u{FFFF}')
}

fn double_quoted(out: &mut String, s: &str) {
    use std::fmt::Write as _;
    out.push('"');
    // Runs of characters written as they are go in one piece.
    let mut rest = s;
    while let Some(at) = rest.bytes().position(|b| b < 0x20 || b == b'"' || b == b'\\' || b >= 0x7F) {
        out.push_str(&rest[..at]);
        let ch = rest[at..].chars().next().expect("a character at a char boundary");
        rest = &rest[at + ch.len_utf8()..];
        let named = match ch {
            '\\' => "\\\\",
            '"' => "\\\"",
            '\0' => "\\0",
            '\u{7}' => "\\a",
            '\u{8}' => "\\b",
            '\t' => "\\t",
            '\n' => "\\n",
            '\u{b}' => "\\v",
            '\u{c}' => "\\f",
            '\r' => "\\r",
            '\u{1b}' => "\\e",
            '\u{FEFF}' => "\\uFEFF",
            '\u{85}' => "\\N",
            '\u{2028}' => "\\L",
            '\u{2029}' => "\\P",
            c if (c as u32) <= 0xFF && c.is_control() => {
                let _ = write!(out, "\\x{:02X}", c as u32);
                continue;
            }
            c if (c as u32) <= 0xFFFF && needs_escape(c) => {
                let _ = write!(out, "\\u{:04X}", c as u32);
                continue;
            }
            c => {
                out.push(c);
                continue;
            }
        };
        out.push_str(named);
    }
    out.push_str(rest);
    out.push('"');
}

/// Whether a key reads back as this string when written plain, in block and in flow context.
fn plain_key(s: &str) -> bool {
    word(s.as_bytes()) || (plain_value(s, true) && !ambiguous(s, true) && s != "<<" && !s.contains(':'))
}

/// Whether a value reads back as this string when written plain (YAML 1.1 resolution, as
/// serde-saphyr's default; `flow` for inside `[...]` or `{...}`).
fn plain_value(s: &str, flow: bool) -> bool {
    let b = s.as_bytes();
    let Some(&first) = b.first() else { return false };
    if word(b) {
        return true;
    }
    if edge_whitespace(b) || ambiguous(s, false) || document_marker(s) || starts_with_indicator(first) {
        return false;
    }
    if matches!(first, b'-' | b'?') && (b.len() == 1 || b[1].is_ascii_whitespace()) {
        return false;
    }
    plain_ascii(b, flow).unwrap_or_else(|| plain_chars(s, flow))
}

/// Most names and words, plain in any context: a letter, then letters, digits, `_-./`, six
/// characters at least (no spelling of null, a boolean or a number is that long).
fn word(b: &[u8]) -> bool {
    b.len() > 5 && b[0].is_ascii_alphabetic() && b.iter().all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'/'))
}

/// [`plain_value`]'s scan of the text in one pass over its bytes: no control character, no
/// `: `, no `#` after a space, no `:` at the end (nor, in `flow`, `,[]{}`). The edges hold no
/// white space here, so a `#` can only follow a space and the text ends where it is trimmed.
/// `None` for text with other than ASCII characters.
fn plain_ascii(b: &[u8], flow: bool) -> Option<bool> {
    let mut prev = 0u8;
    for (i, &c) in b.iter().enumerate() {
        let stop = match c {
            0x80.. => return None,
            0..0x20 | 0x7F => true,
            b'#' => prev == b' ',
            b':' => b.get(i + 1).is_none_or(|&n| n == b' '),
            b',' | b'[' | b']' | b'{' | b'}' => flow,
            _ => false,
        };
        if stop {
            return Some(false);
        }
        prev = c;
    }
    Some(true)
}

/// [`plain_ascii`] for text with other characters (Unicode white space counts before `#` and
/// around a final `:`).
fn plain_chars(s: &str, flow: bool) -> bool {
    if s.contains(": ") || s.trim().ends_with(':') {
        return false;
    }
    let structural = |c: char| flow && matches!(c, ',' | '[' | ']' | '{' | '}');
    let comment = s.match_indices('#').any(|(i, _)| s[..i].chars().next_back().is_some_and(char::is_whitespace));
    !s.chars().any(|c| needs_escape(c) || structural(c)) && !comment
}

fn starts_with_indicator(b: u8) -> bool {
    matches!(b, b',' | b':' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`')
}

fn edge_whitespace(b: &[u8]) -> bool {
    b.first().is_some_and(u8::is_ascii_whitespace) || b.last().is_some_and(u8::is_ascii_whitespace)
}

fn document_marker(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("---").or_else(|| s.strip_prefix("...")) else { return false };
    rest.is_empty() || rest.as_bytes()[0].is_ascii_whitespace()
}

/// Text a YAML reader would resolve to something else than a string (null, a boolean, a
/// number, a timestamp), in YAML 1.2 or, with `yaml_12` false, YAML 1.1 as well.
fn ambiguous(s: &str, yaml_12: bool) -> bool {
    let numeric_start = matches!(s.as_bytes().first(), Some(b'0'..=b'9' | b'+' | b'-' | b'.' | b'_'));
    if numeric_start && (numeric(s, yaml_12) || (!yaml_12 && timestamp(s))) {
        return true;
    }
    let word = |w: &str| s.eq_ignore_ascii_case(w);
    s.is_empty()
        || (s.len() <= 5 && ["~", "null", "true", "false", "nan", "inf", "+inf", "-inf"].into_iter().any(word))
        || (!yaml_12 && (yaml11_bool(s) || matches!(s, "<<" | "=")))
}

fn yaml11_bool(s: &str) -> bool {
    let t = s.trim_matches([' ', '\t', '\r', '\n']);
    t.len() <= 5 && ["true", "yes", "y", "on", "false", "no", "n", "off"].into_iter().any(|w| t.eq_ignore_ascii_case(w))
}

/// Numeric syntax (serde-saphyr's `is_numeric`), without building the number.
fn numeric(s: &str, yaml_12: bool) -> bool {
    if !matches!(s.as_bytes().first(), Some(b'0'..=b'9' | b'+' | b'-' | b'.' | b'_')) {
        return false;
    }
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    if unsigned.eq_ignore_ascii_case(".inf") || unsigned.eq_ignore_ascii_case(".nan") {
        return true;
    }
    if !yaml_12 {
        if sexagesimal(s) {
            return true;
        }
        if let Some((radix, digits)) = radix_digits(unsigned)
            && digit_run(digits, radix, false)
        {
            return true;
        }
    }
    let normalized;
    let s = if !yaml_12 && s.contains('_') {
        normalized = s.replace('_', "");
        normalized.as_str()
    } else {
        s
    };
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    if let Some((radix, digits)) = radix_digits(unsigned) {
        let digits = if !yaml_12 && (s.starts_with("0b") || s.starts_with("0o")) { digits.strip_prefix(['+', '-']).unwrap_or(digits) } else { digits };
        return digit_run(digits, radix, true);
    }
    decimal(unsigned, yaml_12)
}

/// An unsigned decimal integer or float, with an optional exponent.
fn decimal(unsigned: &str, yaml_12: bool) -> bool {
    let mantissa = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => {
            if !digit_run(exponent.strip_prefix(['+', '-']).unwrap_or(exponent), 10, true) {
                return false;
            }
            mantissa
        }
        None => unsigned,
    };
    match mantissa.split_once('.') {
        Some((whole, _)) if !whole.is_empty() && !digit_run(whole, 10, true) => false,
        Some((_, fraction)) if !yaml_12 => fraction.bytes().all(|b| b.is_ascii_digit() || b == b'.'),
        Some((whole, "")) => !whole.is_empty(),
        Some((_, fraction)) => digit_run(fraction, 10, true),
        None => digit_run(mantissa, 10, true),
    }
}

fn radix_digits(s: &str) -> Option<(u32, &str)> {
    match s.as_bytes() {
        [b'0', b'b' | b'B', ..] => Some((2, &s[2..])),
        [b'0', b'o' | b'O', ..] => Some((8, &s[2..])),
        [b'0', b'x' | b'X', ..] => Some((16, &s[2..])),
        _ => None,
    }
}

/// Digits of `radix`, with `_` between two digits (anywhere unless `strict`).
fn digit_run(s: &str, radix: u32, strict: bool) -> bool {
    let digit = |b: u8| b.is_ascii() && char::from(b).is_digit(radix);
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter().enumerate().all(|(i, &c)| {
            digit(c) || (c == b'_' && (!strict || (i > 0 && digit(b[i - 1]) && b.get(i + 1).is_some_and(|&n| digit(n)))))
        })
}

/// YAML 1.1 base-60 numbers (`1:30`, `190:20:30.15`).
fn sexagesimal(s: &str) -> bool {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (integer, fraction) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    let Some((first, rest)) = integer.split_once(':') else { return false };
    let Some(&lead) = first.as_bytes().first() else { return false };
    if !lead.is_ascii_digit() || (fraction.is_none() && lead == b'0') || !first.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
        return false;
    }
    let sixty = |part: &str| match part.as_bytes() {
        [d] => d.is_ascii_digit(),
        [tens, units] => matches!(tens, b'0'..=b'5') && units.is_ascii_digit(),
        _ => false,
    };
    rest.split(':').all(sixty) && fraction.is_none_or(|f| f.bytes().all(|b| b.is_ascii_digit() || b == b'_'))
}

/// YAML 1.1 timestamp syntax (`2024-01-02`, `2024-01-02T03:04:05Z`), without checking the date.
fn timestamp(mut s: &str) -> bool {
    fn digits(s: &mut &str, min: usize, max: usize) -> bool {
        let len = s.bytes().take_while(u8::is_ascii_digit).count();
        *s = &s[len..];
        (min..=max).contains(&len)
    }
    fn eat(s: &mut &str, ch: char) -> bool {
        s.strip_prefix(ch).map(|rest| *s = rest).is_some()
    }
    if !(digits(&mut s, 4, 4) && eat(&mut s, '-') && digits(&mut s, 1, 2) && eat(&mut s, '-') && digits(&mut s, 1, 2)) {
        return false;
    }
    if s.is_empty() {
        return true;
    }
    if !eat(&mut s, 'T') && !eat(&mut s, 't') {
        let rest = s.trim_start_matches([' ', '\t']);
        if rest.len() == s.len() {
            return false;
        }
        s = rest;
    }
    if !(digits(&mut s, 1, 2) && eat(&mut s, ':') && digits(&mut s, 1, 2) && eat(&mut s, ':') && digits(&mut s, 1, 2)) {
        return false;
    }
    if eat(&mut s, '.') || eat(&mut s, ',') {
        digits(&mut s, 0, usize::MAX);
    }
    s = s.trim_start_matches([' ', '\t']);
    if s.is_empty() || s == "Z" {
        return true;
    }
    if !((eat(&mut s, '+') || eat(&mut s, '-')) && digits(&mut s, 1, 2)) {
        return false;
    }
    (!eat(&mut s, ':') || digits(&mut s, 2, 2)) && s.is_empty()
}

#[cfg(test)]
mod tests;
