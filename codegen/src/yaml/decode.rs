//! Decoding [`Node`]s into spec types: [`FromNode`] for values, [`MapReader`] for mappings read
//! key by key. Every problem is reported, located, and decoding goes on.

use super::{Key, Kind, Node};
use crate::diag::{did_you_mean, Diagnostics, Loc};

/// "a" or "an", for messages that name a thing.
pub fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
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

/// The value `take` finds in the node's kind; a node of another kind is reported.
fn expect<'n, T>(node: &'n Node, expected: &str, diags: &mut Diagnostics, take: impl FnOnce(&'n Kind) -> Option<T>) -> Option<T> {
    let value = take(&node.kind);
    if value.is_none() {
        mismatch(node, expected, diags);
    }
    value
}

impl FromNode for String {
    const EXPECTED: &'static str = "a string";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        expect(node, Self::EXPECTED, diags, |k| if let Kind::Str(s) = k { Some(s.clone()) } else { None })
    }
}

impl FromNode for bool {
    const EXPECTED: &'static str = "a boolean (true or false)";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        expect(node, Self::EXPECTED, diags, |k| if let Kind::Bool(b) = k { Some(*b) } else { None })
    }
}

impl FromNode for i64 {
    const EXPECTED: &'static str = "an integer";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        expect(node, Self::EXPECTED, diags, |k| if let Kind::Int(i) = k { Some(*i) } else { None })
    }
}

impl FromNode for f64 {
    const EXPECTED: &'static str = "a number";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        expect(node, Self::EXPECTED, diags, |k| match k {
            Kind::Int(i) => Some(*i as f64),
            Kind::Float(f) => Some(*f),
            _ => None,
        })
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
        let items = expect(node, Self::EXPECTED, diags, |k| if let Kind::Seq(items) = k { Some(items) } else { None })?;
        Some(items.iter().filter_map(|n| T::from_node(n, diags)).collect())
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
        let entries = expect(node, Self::EXPECTED, diags, |k| match k {
            Kind::Map(entries) => Some(entries.as_slice()),
            Kind::Null => Some(&[]),
            _ => None,
        })?;
        let items = entries
            .iter()
            .filter_map(|(k, v)| {
                let key = At { value: k.name.clone(), loc: k.loc };
                T::from_node(v, diags).map(|t| (key, t))
            })
            .collect();
        Some(Entries { items })
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

    /// Reads the mapping `node` with `read`, then reports the keys it did not ask for.
    pub fn read<T>(node: &'a Node, context: &'static str, diags: &mut Diagnostics, read: impl FnOnce(&mut Self, &mut Diagnostics) -> T) -> Option<T> {
        let mut r = MapReader::new(node, context, diags)?;
        let value = read(&mut r, diags);
        r.finish(diags);
        Some(value)
    }

    /// Where the mapping is named: its key in the parent mapping, else the mapping itself.
    pub fn key_loc(&self) -> Loc {
        self.node.key_loc.unwrap_or(self.node.loc)
    }

    /// The value of `key`, if written (and marks it known).
    pub fn node(&mut self, key: &'static str) -> Option<&'a Node> {
        self.known.push(key);
        self.entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v)
    }

    /// Whether the key is written (and marks it known).
    pub fn has(&mut self, key: &'static str) -> bool {
        self.node(key).is_some()
    }

    pub fn opt<T: FromNode>(&mut self, key: &'static str, diags: &mut Diagnostics) -> Option<T> {
        T::from_node(self.node(key)?, diags)
    }

    pub fn req<T: FromNode>(&mut self, key: &'static str, diags: &mut Diagnostics) -> Option<T> {
        let context = self.context;
        self.required(key, diags, T::from_node, || format!("missing required key `{key}` in this {context}"))
    }

    /// A required key decoded by a function rather than a `FromNode` impl.
    pub fn req_with<T>(&mut self, key: &'static str, diags: &mut Diagnostics, decode: impl FnOnce(&Node, &mut Diagnostics) -> Option<T>) -> Option<T> {
        self.required(key, diags, decode, || format!("missing required key `{key}`"))
    }

    /// The decoded value of `key`; when it is missing, the `missing` message at this mapping's key.
    fn required<T>(
        &mut self,
        key: &'static str,
        diags: &mut Diagnostics,
        decode: impl FnOnce(&Node, &mut Diagnostics) -> Option<T>,
        missing: impl FnOnce() -> String,
    ) -> Option<T> {
        match self.node(key) {
            Some(n) => decode(n, diags),
            None => {
                diags.error(self.key_loc(), missing());
                None
            }
        }
    }

    /// Reports every key that no `opt`/`req`/`has`/`node` call asked for.
    pub fn finish(self, diags: &mut Diagnostics) {
        let mut known = self.known;
        known.sort_unstable();
        known.dedup();
        for (k, _) in self.entries {
            if !known.contains(&k.name.as_str()) {
                let help = did_you_mean(&k.name, known.iter().copied())
                    .unwrap_or_else(|| format!("the keys of {} {} are: {}", article(self.context), self.context, known.join(", ")));
                diags.error_help(k.loc, format!("unknown key `{}` in {}", k.name, self.context), help);
            }
        }
    }
}
