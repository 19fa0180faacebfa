//! YAML with source locations: serde-saphyr parses each file into a [`Node`] tree whose every
//! key and value keeps its `Loc`, and [`MapReader`] decodes maps field by field, collecting every
//! problem (wrong type, missing key, unknown key) instead of stopping at the first.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::diag::{did_you_mean, Diagnostics, FileId, Loc};

/// A YAML value and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub loc: Loc,
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
pub fn parse(file: FileId, text: &str, diags: &mut Diagnostics) -> Option<Node> {
    match serde_saphyr::from_str::<Spanned<Raw>>(text) {
        Ok(raw) => Some(convert(file, text, raw)),
        Err(e) => {
            let loc = e.location().map(|l| loc_of(file, text, &l));
            let msg = e.to_string();
            // serde-saphyr's message repeats the location and a snippet; keep its first line.
            let first = msg.lines().next().unwrap_or("invalid YAML").trim();
            let first = first.strip_prefix("error: ").unwrap_or(first);
            let first = strip_line_prefix(first);
            diags.error(loc, format!("invalid YAML: {first}"));
            None
        }
    }
}

fn strip_line_prefix(s: &str) -> &str {
    // "line 2 column 1: duplicate mapping key: a, ..." -> "duplicate mapping key: a, ..."
    if s.starts_with("line ") {
        if let Some((_, rest)) = s.split_once(": ") {
            return rest;
        }
    }
    s
}

fn loc_of(file: FileId, text: &str, l: &serde_saphyr::Location) -> Loc {
    let span = l.span();
    let line = l.line() as u32;
    let col = l.column() as u32;
    let start = match span.byte_offset() {
        Some(b) => b as usize,
        None => byte_of_line_col(text, line, col),
    };
    let len = span.byte_len().unwrap_or(span.len()) as usize;
    Loc { file, line, col, start, len }
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

fn convert(file: FileId, text: &str, raw: Spanned<Raw>) -> Node {
    let loc = loc_of(file, text, &raw.referenced);
    let kind = match raw.value {
        Raw::Null => Kind::Null,
        Raw::Bool(b) => Kind::Bool(b),
        Raw::Int(i) => Kind::Int(i),
        Raw::Float(f) => Kind::Float(f),
        Raw::Str(s) => Kind::Str(s),
        Raw::Seq(items) => Kind::Seq(items.into_iter().map(|n| convert(file, text, n)).collect()),
        Raw::Map(entries) => Kind::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let key = Key { loc: loc_of(file, text, &k.referenced), name: k.value };
                    (key, convert(file, text, v))
                })
                .collect(),
        ),
    };
    Node { loc, kind }
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
    diags.error(node.loc, format!("expected {expected}, found {}", node.type_name()));
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
                diags.error(self.node.loc, format!("missing required key `{key}` in this {}", self.context));
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
                    .unwrap_or_else(|| format!("the keys of a {} are: {}", self.context, known.join(", ")));
                diags.error_help(k.loc, format!("unknown key `{}` in {}", k.name, self.context), help);
            }
        }
    }
}
