//! The tree [`super::to_string`] writes: JSON's shapes, its text borrowed from the IR where it
//! can be and its mappings plain vectors. The OpenAPI document was a `serde_json::Value` before:
//! an `IndexMap` (hashing, a table and a `String` per key) for every schema in it, built and
//! dropped for one pass of the writer. [`Yaml::to_json`] gives the `Value` for tests.

use std::borrow::Cow;

use serde_json::{Number, Value};

/// A YAML node.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Yaml<'a> {
    #[default]
    Null,
    Bool(bool),
    Num(Number),
    Str(Cow<'a, str>),
    Seq(Vec<Yaml<'a>>),
    Map(Mapping<'a>),
}

/// A mapping, in insertion order; keys are unique.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mapping<'a>(Vec<(Cow<'a, str>, Yaml<'a>)>);

static NULL: Yaml<'static> = Yaml::Null;

impl<'a> Mapping<'a> {
    pub fn new() -> Self {
        Mapping(Vec::new())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Yaml<'a>)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&str, &mut Yaml<'a>)> {
        self.0.iter_mut().map(|(k, v)| (&**k, v))
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Yaml<'a>> {
        self.0.iter_mut().map(|(_, v)| v)
    }

    pub fn get(&self, key: &str) -> Option<&Yaml<'a>> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The value of `key`, a null added at the end when it is missing (`serde_json`'s
    /// `IndexMut`).
    pub fn entry(&mut self, key: impl Into<Cow<'a, str>> + AsRef<str>) -> &mut Yaml<'a> {
        let at = match self.0.iter().position(|(k, _)| k == key.as_ref()) {
            Some(at) => at,
            None => {
                self.0.push((key.into(), Yaml::Null));
                self.0.len() - 1
            }
        };
        &mut self.0[at].1
    }

    /// Sets `key`, in place when it is there already, else at the end (`IndexMap::insert`).
    pub fn insert(&mut self, key: impl Into<Cow<'a, str>> + AsRef<str>, value: impl Into<Yaml<'a>>) {
        *self.entry(key) = value.into();
    }

    /// Removes `key`, the last entry taking its place (`serde_json::Map::remove` keeping order
    /// is `IndexMap::swap_remove`).
    pub fn swap_remove(&mut self, key: &str) -> Option<Yaml<'a>> {
        let at = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.swap_remove(at).1)
    }
}

impl<'a> Yaml<'a> {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Yaml::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map_mut(&mut self) -> Option<&mut Mapping<'a>> {
        match self {
            Yaml::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Yaml<'a>> {
        match self {
            Yaml::Map(m) => m.get(key),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Yaml<'a>> {
        let m = self.as_map_mut()?;
        m.0.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// A JSON value borrowing the text of `value`.
    pub fn from_json(value: &'a Value) -> Self {
        match value {
            Value::Null => Yaml::Null,
            Value::Bool(b) => Yaml::Bool(*b),
            Value::Number(n) => Yaml::Num(n.clone()),
            Value::String(s) => Yaml::Str(Cow::Borrowed(s)),
            Value::Array(items) => Yaml::Seq(items.iter().map(Yaml::from_json).collect()),
            Value::Object(map) => Yaml::Map(Mapping(map.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), Yaml::from_json(v))).collect())),
        }
    }

    pub fn to_json(&self) -> Value {
        match self {
            Yaml::Null => Value::Null,
            Yaml::Bool(b) => Value::Bool(*b),
            Yaml::Num(n) => Value::Number(n.clone()),
            Yaml::Str(s) => Value::String(s.as_ref().to_owned()),
            Yaml::Seq(items) => Value::Array(items.iter().map(Yaml::to_json).collect()),
            Yaml::Map(m) => Value::Object(m.iter().map(|(k, v)| (k.to_owned(), v.to_json())).collect()),
        }
    }
}

/// `node["key"]`: null when `node` is no mapping or has no such key.
impl<'a> std::ops::Index<&str> for Yaml<'a> {
    type Output = Yaml<'a>;
    fn index(&self, key: &str) -> &Yaml<'a> {
        self.get(key).unwrap_or(&NULL)
    }
}

/// `node["key"] = ..`: a null node becomes a mapping first, as with `serde_json::Value`.
impl<'a, 'k> std::ops::IndexMut<&'k str> for Yaml<'a> {
    fn index_mut(&mut self, key: &'k str) -> &mut Yaml<'a> {
        if let Yaml::Null = self {
            *self = Yaml::Map(Mapping::new());
        }
        match self {
            Yaml::Map(m) => m.entry(Key(key)),
            other => panic!("cannot index {other:?} with `{key}`"),
        }
    }
}

/// A key looked up by reference and copied only when it is added.
struct Key<'k>(&'k str);

impl AsRef<str> for Key<'_> {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl<'a> From<Key<'_>> for Cow<'a, str> {
    fn from(k: Key<'_>) -> Self {
        Cow::Owned(k.0.to_owned())
    }
}

impl<'a> From<&'a str> for Yaml<'a> {
    fn from(s: &'a str) -> Self {
        Yaml::Str(Cow::Borrowed(s))
    }
}

impl<'a> From<&'a String> for Yaml<'a> {
    fn from(s: &'a String) -> Self {
        Yaml::Str(Cow::Borrowed(s))
    }
}

impl<'a> From<Cow<'a, str>> for Yaml<'a> {
    fn from(s: Cow<'a, str>) -> Self {
        Yaml::Str(s)
    }
}

impl From<String> for Yaml<'_> {
    fn from(s: String) -> Self {
        Yaml::Str(Cow::Owned(s))
    }
}

impl From<bool> for Yaml<'_> {
    fn from(b: bool) -> Self {
        Yaml::Bool(b)
    }
}

impl From<i64> for Yaml<'_> {
    fn from(n: i64) -> Self {
        Yaml::Num(n.into())
    }
}

impl From<u16> for Yaml<'_> {
    fn from(n: u16) -> Self {
        Yaml::Num(n.into())
    }
}

/// Not finite: null, as `serde_json` has it.
impl From<f64> for Yaml<'_> {
    fn from(n: f64) -> Self {
        Number::from_f64(n).map_or(Yaml::Null, Yaml::Num)
    }
}

impl<'a> From<Mapping<'a>> for Yaml<'a> {
    fn from(m: Mapping<'a>) -> Self {
        Yaml::Map(m)
    }
}

impl<'a, T: Into<Yaml<'a>>> From<Vec<T>> for Yaml<'a> {
    fn from(items: Vec<T>) -> Self {
        Yaml::Seq(items.into_iter().map(Into::into).collect())
    }
}

impl<'a, T: Into<Yaml<'a>>> FromIterator<T> for Yaml<'a> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        Yaml::Seq(items.into_iter().map(Into::into).collect())
    }
}

impl<'a, K: Into<Cow<'a, str>> + AsRef<str>, V: Into<Yaml<'a>>> FromIterator<(K, V)> for Mapping<'a> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(entries: I) -> Self {
        let mut m = Mapping::new();
        for (k, v) in entries {
            m.insert(k, v);
        }
        m
    }
}

/// A [`Yaml`] node written like `serde_json::json!`: `yaml!({"type": "string", (key): value})`,
/// `yaml!([a, b])`, `yaml!(null)`, or any expression with an `Into<Yaml>`. Keys are string
/// literals or parenthesised expressions; values are moved in, never serialised into a copy.
macro_rules! yaml {
    (null) => { $crate::write::yaml::Yaml::Null };
    ([]) => { $crate::write::yaml::Yaml::Seq(Vec::new()) };
    ([ $($tt:tt)+ ]) => { $crate::write::yaml::Yaml::Seq($crate::write::yaml::yaml!(@seq [] () $($tt)+)) };
    ({}) => { $crate::write::yaml::Yaml::Map($crate::write::yaml::Mapping::new()) };
    ({ $($tt:tt)+ }) => {{
        let mut map = $crate::write::yaml::Mapping::new();
        $crate::write::yaml::yaml!(@map map $($tt)+);
        $crate::write::yaml::Yaml::Map(map)
    }};
    // A sequence: gather each item's tokens up to a comma, then the items into a `vec!`.
    (@seq [$($done:expr,)*] ($($item:tt)+) , $($rest:tt)*) => {
        $crate::write::yaml::yaml!(@seq [$($done,)* $crate::write::yaml::yaml!($($item)+),] () $($rest)*)
    };
    (@seq [$($done:expr,)*] ($($item:tt)*) $next:tt $($rest:tt)*) => {
        $crate::write::yaml::yaml!(@seq [$($done,)*] ($($item)* $next) $($rest)*)
    };
    (@seq [$($done:expr,)*] ($($item:tt)+)) => { vec![$($done,)* $crate::write::yaml::yaml!($($item)+)] };
    (@seq [$($done:expr,)*] ()) => { vec![$($done),*] };
    // A mapping: a key, a colon, then the value's tokens up to a comma.
    (@map $map:ident $key:tt : $($rest:tt)+) => { $crate::write::yaml::yaml!(@value $map $key () $($rest)+); };
    (@map $map:ident) => {};
    (@value $map:ident $key:tt ($($value:tt)+) , $($rest:tt)*) => {
        $map.insert($crate::write::yaml::yaml!(@key $key), $crate::write::yaml::yaml!($($value)+));
        $crate::write::yaml::yaml!(@map $map $($rest)*);
    };
    (@value $map:ident $key:tt ($($value:tt)*) $next:tt $($rest:tt)*) => {
        $crate::write::yaml::yaml!(@value $map $key ($($value)* $next) $($rest)*);
    };
    (@value $map:ident $key:tt ($($value:tt)+)) => {
        $map.insert($crate::write::yaml::yaml!(@key $key), $crate::write::yaml::yaml!($($value)+));
    };
    (@key $key:literal) => { $key };
    (@key ($key:expr)) => { $key };
    ($value:expr) => { $crate::write::yaml::Yaml::from($value) };
}

pub(crate) use yaml;
