//! JSON as the generator builds it: a tree that, unlike `serde_json::Value`, keeps duplicate
//! keys, numbers as written (of any size) and the spelling of keys; the mutations that turn a
//! valid input into the inputs a derive must reject or read as serde_derive does.

use std::fmt::Write as _;

/// A JSON text as a tree.
#[derive(Clone, Debug)]
pub enum Json {
    Null,
    Bool(bool),
    /// A number as written.
    Num(String),
    Str(String),
    Arr(Vec<Json>),
    /// The entries in order, duplicates kept; `true` writes every key character as `\uXXXX`.
    Obj(Vec<(String, Json)>, bool),
}

impl Json {
    /// The JSON text.
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
            Json::Num(number) => out.push_str(number),
            Json::Str(text) => write_str(out, text, false),
            Json::Arr(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Obj(entries, escaped) => {
                out.push('{');
                for (index, (key, value)) in entries.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    write_str(out, key, *escaped);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }

    /// The number of nodes, in the pre-order `node_mut` counts by.
    fn count(&self) -> usize {
        1 + self.children().map(Json::count).sum::<usize>()
    }

    fn children(&self) -> Box<dyn Iterator<Item = &Json> + '_> {
        match self {
            Json::Arr(items) => Box::new(items.iter()),
            Json::Obj(entries, _) => Box::new(entries.iter().map(|(_, value)| value)),
            _ => Box::new(std::iter::empty()),
        }
    }

    /// The pre-order positions of the nodes `keep` accepts.
    fn positions(&self, keep: &impl Fn(&Json) -> bool, offset: usize, out: &mut Vec<usize>) {
        if keep(self) {
            out.push(offset);
        }
        let mut offset = offset + 1;
        for child in self.children() {
            child.positions(keep, offset, out);
            offset += child.count();
        }
    }

    /// The node at pre-order position `index` (0 is `self`).
    fn node_mut(&mut self, mut index: usize) -> Option<&mut Json> {
        if index == 0 {
            return Some(self);
        }
        index -= 1;
        let children: Vec<&mut Json> = match self {
            Json::Arr(items) => items.iter_mut().collect(),
            Json::Obj(entries, _) => entries.iter_mut().map(|(_, value)| value).collect(),
            _ => return None,
        };
        for child in children {
            let count = child.count();
            if index < count {
                return child.node_mut(index);
            }
            index -= count;
        }
        None
    }
}

fn write_str(out: &mut String, text: &str, escaped: bool) {
    if !escaped {
        out.push_str(&serde_json::to_string(text).unwrap_or_default());
        return;
    }
    out.push('"');
    for unit in text.encode_utf16() {
        let _ = write!(out, "\\u{unit:04x}");
    }
    out.push('"');
}

/// Numbers at and past the edges of the integer and float types.
pub const EDGE_NUMBERS: &[&str] = &[
    "0", "-0", "1", "-1", "0.0", "1.5", "-1.5", "1e2", "1E-400", "1e400", "-1e400", "127", "128", "-128", "-129", "255", "256",
    "32767", "32768", "65535", "65536", "2147483647", "2147483648", "-2147483649", "4294967295", "4294967296",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
    "18446744073709551616", "340282366920938463463374607431768211456", "3.4028236e38", "1.7976931348623157e308",
];

/// One change to a valid input.
#[derive(Clone, Debug)]
pub enum Mutation {
    /// The node becomes `null`.
    Null,
    /// The node becomes other JSON (mostly of another type).
    Replace(Json),
    /// The node becomes a number at an edge.
    EdgeNumber(&'static str),
    /// The node is wrapped in this many arrays and objects.
    Nest(usize),
    /// An object gains a key.
    AddKey(String, Json),
    /// An object gets one of its keys again, with this value or its own.
    Duplicate(Option<Json>),
    /// An object loses a key.
    RemoveKey,
    /// An object becomes the array of its values: a struct written as a sequence.
    ToArray,
    /// A string becomes `{"string": value}`: an enum written as an externally tagged variant.
    Tagged(Json),
    /// An object's keys are written as `\u` escapes.
    EscapeKeys,
    /// An object's entries in reverse order.
    Reverse,
    /// A number or boolean becomes its text as a string.
    Quote,
}

impl Mutation {
    /// Whether the change applies to `node`.
    fn fits(&self, node: &Json) -> bool {
        match (self, node) {
            (Mutation::AddKey(..) | Mutation::ToArray | Mutation::EscapeKeys | Mutation::Reverse, Json::Obj(..)) => true,
            (Mutation::Duplicate(_) | Mutation::RemoveKey, Json::Obj(entries, _)) => !entries.is_empty(),
            (Mutation::Tagged(_), Json::Str(_)) => true,
            (Mutation::Quote, Json::Num(_) | Json::Bool(_)) => true,
            (Mutation::Null | Mutation::Replace(_) | Mutation::EdgeNumber(_) | Mutation::Nest(_), _) => true,
            _ => false,
        }
    }

    /// Applies the change to one of the nodes it fits, chosen by `at`; nothing if none fits.
    pub fn apply(self, json: &mut Json, at: usize) {
        let mut positions = Vec::new();
        json.positions(&|node| self.fits(node), 0, &mut positions);
        let Some(&position) = positions.get(at % positions.len().max(1)) else { return };
        let Some(node) = json.node_mut(position) else { return };
        match (self, node) {
            (Mutation::Null, node) => *node = Json::Null,
            (Mutation::Replace(other), node) => *node = other,
            (Mutation::EdgeNumber(number), node) => *node = Json::Num(number.to_owned()),
            (Mutation::Nest(depth), node) => {
                let mut nested = std::mem::replace(node, Json::Null);
                for level in 0..depth {
                    nested = if level % 3 == 2 { Json::Obj(vec![("n".to_owned(), nested)], false) } else { Json::Arr(vec![nested]) };
                }
                *node = nested;
            }
            (Mutation::AddKey(key, value), Json::Obj(entries, _)) => {
                let position = at % (entries.len() + 1);
                entries.insert(position, (key, value));
            }
            (Mutation::Duplicate(value), Json::Obj(entries, _)) if !entries.is_empty() => {
                let (key, own) = entries[at % entries.len()].clone();
                let position = (at / 7) % (entries.len() + 1);
                entries.insert(position, (key, value.unwrap_or(own)));
            }
            (Mutation::RemoveKey, Json::Obj(entries, _)) if !entries.is_empty() => {
                entries.remove(at % entries.len());
            }
            (Mutation::ToArray, node @ Json::Obj(..)) => {
                let Json::Obj(entries, _) = std::mem::replace(node, Json::Null) else { return };
                *node = Json::Arr(entries.into_iter().map(|(_, value)| value).collect());
            }
            (Mutation::Tagged(value), node @ Json::Str(_)) => {
                let Json::Str(tag) = std::mem::replace(node, Json::Null) else { return };
                *node = Json::Obj(vec![(tag, value)], false);
            }
            (Mutation::EscapeKeys, Json::Obj(_, escaped)) => *escaped = true,
            (Mutation::Reverse, Json::Obj(entries, _)) => entries.reverse(),
            (Mutation::Quote, node @ (Json::Num(_) | Json::Bool(_))) => *node = Json::Str(node.text()),
            _ => {}
        }
    }
}
