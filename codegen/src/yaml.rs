//! YAML with source locations: serde-saphyr parses each file into a [`Node`] tree whose every
//! key and value keeps its `Loc`, and [`MapReader`] decodes maps field by field, collecting every
//! problem (wrong type, missing key, unknown key) instead of stopping at the first.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::diag::{did_you_mean, Diagnostic, Diagnostics, FileId, Loc};

mod events;

/// "a" or "an", for messages that name a thing.
pub fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

/// A YAML value and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub loc: Loc,
    /// Where the key of this value was written, when the value sits in a mapping: the place to
    /// point at for problems with the value as a whole ("missing key in this operation").
    pub key_loc: Option<Loc>,
    pub kind: Kind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

/// A mapping key and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub name: String,
    pub loc: Loc,
}

impl Node {
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Int(_) => "an integer",
            Kind::Float(_) => "a number",
            Kind::Str(_) => "a string",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Converts to JSON (examples, defaults), keeping map order.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Int(i) => Value::from(*i),
            Kind::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Kind::Str(s) => Value::String(s.clone()),
            Kind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Kind::Map(entries) => Value::Object(entries.iter().map(|(k, v)| (k.name.clone(), v.to_json())).collect()),
        }
    }
}

/// Parses one file. A syntax error is reported (located) and yields `None`.
///
/// The quick reader of `events` reads the spec's YAML; what it leaves (errors included) is
/// read through serde-saphyr, with the same result.
pub fn parse(file: FileId, text: &str, diags: &mut Diagnostics) -> Option<Node> {
    let src = Src::new(file, text);
    events::parse(&src).or_else(|| read(&src, diags))
}

/// Reads a file through serde-saphyr, reporting a syntax error.
fn read(src: &Src<'_>, diags: &mut Diagnostics) -> Option<Node> {
    let (file, text) = (src.file, src.text);
    match serde_saphyr::from_str::<Spanned<Raw>>(text) {
        Ok(raw) => Some(convert(src, raw, None)),
        Err(e) => {
            let loc = e.location().map(|l| src.loc_of(&l));
            let msg = e.to_string();
            // serde-saphyr's message repeats the location and a snippet; keep its first line.
            let first = msg.lines().next().unwrap_or("invalid YAML").trim();
            let first = first.strip_prefix("error: ").unwrap_or(first);
            let first = strip_line_prefix(first);
            diags.push(explain_syntax_error(file, text, loc, first));
            None
        }
    }
}

/// Turns the parser's message into one that says what to fix, and moves the location to the
/// mistake when the parser noticed it later (a tab in the indentation, an unclosed `[` or `{`).
fn explain_syntax_error(file: FileId, text: &str, loc: Option<Loc>, first: &str) -> Diagnostic {
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

/// A file's text and where its lines start, to place parser locations.
struct Src<'a> {
    file: FileId,
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Src<'a> {
    fn new(file: FileId, text: &'a str) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Src { file, text, line_starts }
    }

    /// Line and column are derived from the byte offset, counting lines at `\n` as the
    /// renderer does (the parser also breaks lines at a lone `\r`), so `short()` and `render()`
    /// always name the same place, inside the file.
    fn loc_of(&self, l: &serde_saphyr::Location) -> Loc {
        let span = l.span();
        let start = match span.byte_offset() {
            Some(b) => b as usize,
            None => byte_of_line_col(self.text, l.line() as u32, l.column() as u32),
        };
        self.loc_at(start, span.byte_len().unwrap_or(span.len()) as usize)
    }

    /// The place of `len` bytes from byte `start` (clamped to the text, on a character).
    fn loc_at(&self, start: usize, len: usize) -> Loc {
        let text = self.text;
        let mut start = start.min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= start);
        let line_start = self.line_starts[line - 1];
        let col = text[line_start..start].chars().count() + 1;
        Loc { file: self.file, line: line as u32, col: col as u32, start, len }
    }
}

fn byte_of_line_col(text: &str, line: u32, col: u32) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line as usize {
            let chars: usize = l.chars().take(col.saturating_sub(1) as usize).map(char::len_utf8).sum();
            return offset + chars;
        }
        offset += l.len();
    }
    text.len()
}

fn convert(src: &Src<'_>, raw: Spanned<Raw>, key_loc: Option<Loc>) -> Node {
    let loc = src.loc_of(&raw.referenced);
    let kind = match raw.value {
        Raw::Null => Kind::Null,
        Raw::Bool(b) => Kind::Bool(b),
        Raw::Int(i) => Kind::Int(i),
        Raw::Float(f) => Kind::Float(f),
        Raw::Str(s) => Kind::Str(s),
        Raw::Seq(items) => Kind::Seq(items.into_iter().map(|n| convert(src, n, None)).collect()),
        Raw::Map(entries) => Kind::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let key = Key { loc: src.loc_of(&k.referenced), name: k.value };
                    let value = convert(src, v, Some(key.loc));
                    (key, value)
                })
                .collect(),
        ),
    };
    Node { loc, key_loc, kind }
}

/// The serde-facing tree; converted to [`Node`] right after parsing.
enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<String>, Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct RawVisitor;
        impl<'de> Visitor<'de> for RawVisitor {
            type Value = Raw;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw, E> {
                Ok(Raw::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw, E> {
                Ok(Raw::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
                i64::try_from(v).map(Raw::Int).map_err(|_| E::custom("integer out of range"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw, E> {
                Ok(Raw::Float(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
                Ok(Raw::Str(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Raw, E> {
                Ok(Raw::Str(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
                Raw::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Raw::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Spanned<KeyText>>()? {
                    let value = map.next_value()?;
                    let key = Spanned::new(key.value.0, key.referenced, key.defined);
                    entries.push((key, value));
                }
                Ok(Raw::Map(entries))
            }
        }
        d.deserialize_any(RawVisitor)
    }
}

/// A mapping key: YAML allows `200:` or `true:`; the spec reads every key as text.
struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = KeyText;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a scalar mapping key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyText, E> {
                Ok(KeyText(v.to_owned()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<KeyText, E> {
                Ok(KeyText("null".to_owned()))
            }
        }
        d.deserialize_any(KeyVisitor)
    }
}

/// Decodes a YAML value into a spec type, reporting problems instead of failing.
pub trait FromNode: Sized {
    /// What the value should be, for "expected ..." messages.
    const EXPECTED: &'static str;
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self>;
}

fn mismatch(node: &Node, expected: &str, diags: &mut Diagnostics) {
    let message = format!("expected {expected}, found {}", node.type_name());
    let help = match &node.kind {
        Kind::Null if expected == "a string" => {
            Some("YAML reads `null`, `~` and an empty value as null: write the text in quotes (`\"null\"`) or fill in the value".to_owned())
        }
        Kind::Null => Some("the value is empty (or `null`): fill it in".to_owned()),
        Kind::Str(s) if expected.starts_with("a boolean") && matches!(s.as_str(), "true" | "false") => Some(format!("write {s} without quotes")),
        Kind::Str(_) if expected.starts_with("a boolean") => Some("write true or false, without quotes".to_owned()),
        Kind::Str(s) if (expected == "an integer" || expected == "a number") && s.trim().parse::<f64>().is_ok() => Some(format!("write {} without quotes", s.trim())),
        Kind::Float(_) if expected == "an integer" => Some("write a whole number".to_owned()),
        Kind::Int(_) | Kind::Float(_) | Kind::Bool(_) if expected == "a string" => Some("put the value in quotes to make it text".to_owned()),
        _ => None,
    };
    match help {
        Some(h) => diags.error_help(node.loc, message, h),
        None => diags.error(node.loc, message),
    }
}

impl FromNode for String {
    const EXPECTED: &'static str = "a string";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        match &node.kind {
            Kind::Str(s) => Some(s.clone()),
            _ => {
                mismatch(node, Self::EXPECTED, diags);
                None
            }
        }
    }
}

impl FromNode for bool {
    const EXPECTED: &'static str = "a boolean (true or false)";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        match node.kind {
            Kind::Bool(b) => Some(b),
            _ => {
                mismatch(node, Self::EXPECTED, diags);
                None
            }
        }
    }
}

impl FromNode for i64 {
    const EXPECTED: &'static str = "an integer";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        match node.kind {
            Kind::Int(i) => Some(i),
            _ => {
                mismatch(node, Self::EXPECTED, diags);
                None
            }
        }
    }
}

impl FromNode for f64 {
    const EXPECTED: &'static str = "a number";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        match node.kind {
            Kind::Int(i) => Some(i as f64),
            Kind::Float(f) => Some(f),
            _ => {
                mismatch(node, Self::EXPECTED, diags);
                None
            }
        }
    }
}

impl FromNode for Node {
    const EXPECTED: &'static str = "any value";
    fn from_node(node: &Node, _: &mut Diagnostics) -> Option<Self> {
        Some(node.clone())
    }
}

impl<T: FromNode> FromNode for Vec<T> {
    const EXPECTED: &'static str = "a list";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        match &node.kind {
            Kind::Seq(items) => Some(items.iter().filter_map(|n| T::from_node(n, diags)).collect()),
            _ => {
                mismatch(node, Self::EXPECTED, diags);
                None
            }
        }
    }
}

/// A value with the location it was written at.
#[derive(Clone, Debug, PartialEq)]
pub struct At<T> {
    pub value: T,
    pub loc: Loc,
}

impl<T> std::ops::Deref for At<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: FromNode> FromNode for At<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        T::from_node(node, diags).map(|value| At { value, loc: node.loc })
    }
}

/// An ordered map whose keys keep their locations.
#[derive(Clone, Debug, PartialEq)]
pub struct Entries<T> {
    pub items: Vec<(At<String>, T)>,
}

impl<T> Default for Entries<T> {
    fn default() -> Self {
        Entries { items: Vec::new() }
    }
}

impl<T> Entries<T> {
    pub fn iter(&self) -> impl Iterator<Item = (&At<String>, &T)> {
        self.items.iter().map(|(k, v)| (k, v))
    }
    pub fn get(&self, name: &str) -> Option<&T> {
        self.items.iter().find(|(k, _)| k.value == name).map(|(_, v)| v)
    }
    pub fn key(&self, name: &str) -> Option<&At<String>> {
        self.items.iter().find(|(k, _)| k.value == name).map(|(k, _)| k)
    }
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.items.iter().map(|(k, _)| k.value.as_str())
    }
    pub fn len(&self) -> usize {
        self.items.len()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl<T: FromNode> FromNode for Entries<T> {
    const EXPECTED: &'static str = "a mapping";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        match &node.kind {
            Kind::Map(entries) => Some(Entries {
                items: entries
                    .iter()
                    .filter_map(|(k, v)| {
                        let key = At { value: k.name.clone(), loc: k.loc };
                        T::from_node(v, diags).map(|t| (key, t))
                    })
                    .collect(),
            }),
            Kind::Null => Some(Entries::default()),
            _ => {
                mismatch(node, Self::EXPECTED, diags);
                None
            }
        }
    }
}

/// Reads a mapping key by key; `finish` reports the keys nobody asked for.
pub struct MapReader<'a> {
    node: &'a Node,
    entries: &'a [(Key, Node)],
    known: Vec<&'static str>,
    context: &'static str,
}

impl<'a> MapReader<'a> {
    /// `context` names the thing being read ("operation", "field") for messages.
    pub fn new(node: &'a Node, context: &'static str, diags: &mut Diagnostics) -> Option<Self> {
        match &node.kind {
            Kind::Map(entries) => Some(MapReader { node, entries, known: Vec::new(), context }),
            _ => {
                diags.error(node.loc, format!("expected a mapping for this {context}, found {}", node.type_name()));
                None
            }
        }
    }

    pub fn loc(&self) -> Loc {
        self.node.loc
    }

    /// Where the mapping is named: its key in the parent mapping, else the mapping itself.
    pub fn key_loc(&self) -> Loc {
        self.node.key_loc.unwrap_or(self.node.loc)
    }

    fn find(&mut self, key: &'static str) -> Option<&'a Node> {
        self.known.push(key);
        self.entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v)
    }

    /// Whether the key is written (and marks it known).
    pub fn has(&mut self, key: &'static str) -> bool {
        self.find(key).is_some()
    }

    pub fn opt<T: FromNode>(&mut self, key: &'static str, diags: &mut Diagnostics) -> Option<T> {
        let node = self.find(key)?;
        T::from_node(node, diags)
    }

    pub fn req<T: FromNode>(&mut self, key: &'static str, diags: &mut Diagnostics) -> Option<T> {
        match self.find(key) {
            Some(node) => T::from_node(node, diags),
            None => {
                diags.error(self.node.key_loc.unwrap_or(self.node.loc), format!("missing required key `{key}` in this {}", self.context));
                None
            }
        }
    }

    pub fn node(&mut self, key: &'static str) -> Option<&'a Node> {
        self.find(key)
    }

    /// Reports every key that no `opt`/`req`/`has` call asked for.
    pub fn finish(self, diags: &mut Diagnostics) {
        for (k, _) in self.entries {
            if !self.known.contains(&k.name.as_str()) {
                let mut known = self.known.clone();
                known.sort_unstable();
                known.dedup();
                let help = did_you_mean(&k.name, known.iter().copied())
                    .unwrap_or_else(|| format!("the keys of {} {} are: {}", article(self.context), self.context, known.join(", ")));
                diags.error_help(k.loc, format!("unknown key `{}` in {}", k.name, self.context), help);
            }
        }
    }
}

#[cfg(test)]
mod tests;
