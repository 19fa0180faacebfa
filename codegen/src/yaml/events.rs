//! The quick reader: a [`Node`] tree built straight from the YAML parser's events (the parser
//! serde-saphyr drives, with its options), for the YAML the spec is written in. Deserialising
//! `Spanned<Raw>` through serde cost about twice the parse itself (a map of locations per
//! value). Anything this reader does not handle exactly as serde-saphyr does (a syntax error,
//! anchors and aliases, tags, merge or duplicate keys, several documents, a scalar whose type
//! is not obvious) makes it give up, and [`super::parse`] reads the file through serde-saphyr:
//! same tree, same diagnostics. The tests compare the two readers.

use std::borrow::Cow;

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span, StrInput};

use super::{Key, KeyText, Kind, Node, Raw, Src};
use crate::diag::Loc;

/// The tree of `src`, or `None` when serde-saphyr must read it.
pub(super) fn parse(src: &Src<'_>) -> Option<Node> {
    let mut r = Reader { parser: Parser::new_from_str(src.text), src, nodes: 0 };
    matches!(r.next()?.0, Event::StreamStart).then_some(())?;
    // An explicit `---` may carry directives; serde-saphyr reads those.
    matches!(r.next()?.0, Event::DocumentStart(false, None)).then_some(())?;
    let (event, span) = r.next()?;
    let root = r.node(event, span, None, 0)?;
    matches!(r.next()?.0, Event::DocumentEnd).then_some(())?;
    matches!(r.next()?.0, Event::StreamEnd).then_some(())?;
    r.parser.next().is_none().then_some(root)
}

/// serde-saphyr's budget allows 64 levels and 250,000 nodes; far inside them, nothing it
/// counts can run out.
const MAX_DEPTH: usize = 48;
const MAX_NODES: usize = 100_000;

struct Reader<'a, 's> {
    parser: Parser<'a, StrInput<'a>>,
    src: &'s Src<'a>,
    nodes: usize,
}

impl<'a> Reader<'a, '_> {
    /// The next event; `None` on a syntax error or at the end.
    fn next(&mut self) -> Option<(Event<'a>, Span)> {
        self.parser.next()?.ok()
    }

    /// The node that `event` starts, with its children.
    fn node(&mut self, event: Event<'a>, span: Span, key_loc: Option<Loc>, depth: usize) -> Option<Node> {
        self.nodes += 1;
        if self.nodes > MAX_NODES || depth > MAX_DEPTH {
            return None;
        }
        let loc = self.loc(&span)?;
        let kind = match event {
            Event::Scalar(value, style, 0, None) => value_kind(value, style)?,
            Event::SequenceStart(_, 0, None) => Kind::Seq(self.items(depth)?),
            Event::MappingStart(_, 0, None) => Kind::Map(self.entries(depth)?),
            _ => return None,
        };
        Some(Node { loc, key_loc, kind })
    }

    fn items(&mut self, depth: usize) -> Option<Vec<Node>> {
        let mut items = Vec::new();
        loop {
            match self.next()? {
                (Event::SequenceEnd, _) => return Some(items),
                (event, span) => items.push(self.node(event, span, None, depth + 1)?),
            }
        }
    }

    fn entries(&mut self, depth: usize) -> Option<Vec<(Key, Node)>> {
        let mut entries: Vec<(Key, Node)> = Vec::new();
        loop {
            let (event, span) = self.next()?;
            let (text, style) = match event {
                Event::MappingEnd => return Some(entries),
                Event::Scalar(text, style, 0, None) => (text, style),
                _ => return None,
            };
            let name = key_name(text, style)?;
            // `<<` merges; a key written twice is an error: serde-saphyr's to report.
            if name == "<<" || entries.iter().any(|(k, _)| k.name == name) {
                return None;
            }
            let key = Key { name, loc: self.loc(&span)? };
            let (event, span) = self.next()?;
            let value = self.node(event, span, Some(key.loc), depth + 1)?;
            entries.push((key, value));
        }
    }

    /// Where a node was written, as serde-saphyr places it (the span of its first event).
    fn loc(&self, span: &Span) -> Option<Loc> {
        let (start, end) = (span.start.byte_offset()?, span.end.byte_offset()?);
        Some(self.src.loc_at(start, end.saturating_sub(start)))
    }
}

/// The type serde-saphyr gives a scalar value: quoted and block scalars are text; a plain one
/// may be null, a boolean or a number (YAML 1.1 booleans, as serde-saphyr's defaults).
fn value_kind(text: Cow<'_, str>, style: ScalarStyle) -> Option<Kind> {
    if style != ScalarStyle::Plain {
        return Some(Kind::Str(text.into_owned()));
    }
    Some(match plain(&text) {
        Plain::Null => Kind::Null,
        Plain::Bool(b) => Kind::Bool(b),
        Plain::Int(i) => Kind::Int(i),
        Plain::Float(f) => Kind::Float(f),
        Plain::Str => Kind::Str(text.into_owned()),
        Plain::Unsure => match serde_saphyr::from_str::<Raw>(&text).ok()? {
            Raw::Null => Kind::Null,
            Raw::Bool(b) => Kind::Bool(b),
            Raw::Int(i) => Kind::Int(i),
            Raw::Float(f) => Kind::Float(f),
            Raw::Str(s) => Kind::Str(s),
            Raw::Seq(_) | Raw::Map(_) => return None,
        },
    })
}

/// A mapping key as [`KeyText`] reads it: `200:` is "200", `true:` "true", `~:` "null".
fn key_name(text: Cow<'_, str>, style: ScalarStyle) -> Option<String> {
    if style != ScalarStyle::Plain {
        return Some(text.into_owned());
    }
    match plain(&text) {
        Plain::Null => Some("null".to_owned()),
        Plain::Bool(b) => Some(b.to_string()),
        Plain::Int(i) => Some(i.to_string()),
        Plain::Str => Some(text.into_owned()),
        // A number with a fraction is no key (serde-saphyr reports it).
        Plain::Float(_) => None,
        Plain::Unsure => serde_saphyr::from_str::<KeyText>(&text).ok().map(|k| k.0),
    }
}

/// What a plain scalar resolves to.
enum Plain {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str,
    /// Digits with letters, `_` or a radix: serde-saphyr decides, on the scalar alone.
    Unsure,
}

/// The type of a plain scalar's text, as serde-saphyr's `deserialize_any` resolves it, for the
/// spellings the spec uses: null, YAML 1.1 booleans, decimal integers and fractions, and text
/// that cannot be a number (it does not start like one, or holds a character no number has).
fn plain(text: &str) -> Plain {
    if matches!(text, "" | "~" | "null" | "Null" | "NULL") {
        return Plain::Null;
    }
    if let Some(b) = yaml11_bool(text) {
        return Plain::Bool(b);
    }
    if !text.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) {
        return Plain::Str;
    }
    let (sign, unsigned) = match text.strip_prefix(['+', '-']) {
        Some(rest) => (&text[..1], rest),
        None => ("", text),
    };
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    // Up to 18 digits, no leading zero: an i64, and what serde-saphyr reads as one.
    let canonical = digits(whole) && whole.len() <= 18 && (whole == "0" || !whole.starts_with('0'));
    match fraction {
        None if canonical => return Plain::Int(whole.parse::<i64>().map_or(0, |n| if sign == "-" { -n } else { n })),
        Some(f) if canonical && digits(f) => return text.parse().map_or(Plain::Unsure, Plain::Float),
        _ => {}
    }
    let number_like = text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.' | b'_'));
    // On its own a scalar reads as in a document, except a document marker.
    if number_like && !text.starts_with("---") && !text.starts_with("...") { Plain::Unsure } else { Plain::Str }
}

/// serde-saphyr's `parse_yaml11_bool`.
fn yaml11_bool(text: &str) -> Option<bool> {
    let t = text.trim_matches([' ', '\t', '\r', '\n']);
    if t.len() > 5 {
        return None;
    }
    let is = |words: [&str; 4]| words.iter().any(|w| t.eq_ignore_ascii_case(w));
    if is(["true", "yes", "y", "on"]) {
        Some(true)
    } else if is(["false", "no", "n", "off"]) {
        Some(false)
    } else {
        None
    }
}
