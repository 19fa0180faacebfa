//! Support for the lean `Deserialize` and `WireEnum` derives of `wacr-macros`: the parts of a
//! struct or wire-enum deserializer that do not depend on the type live here, generic and
//! compiled once, so a derive expands to a few lines per field instead of serde_derive's
//! field enum, field visitor and sequence visitor (most of the generated crates' compile time).
//!
//! The behaviour is serde_derive's for the subset the derives accept: unknown keys are skipped,
//! a key given twice is `duplicate field`, a missing field is `missing field` unless it is an
//! `Option` (then `None`) or marked `#[serde(default)]`. A struct reads from a map only (JSON
//! objects), not from a sequence.

use core::fmt;
use core::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use crate::value::WireEnum;

/// A struct with named fields whose `Deserialize` the derive implements through
/// [`deserialize_struct`].
pub trait Struct: Sized {
    /// The struct's name, for `expecting` messages.
    const NAME: &'static str;
    /// The wire names of the fields it reads, in declaration order.
    const FIELDS: &'static [&'static str];
    /// Reads the struct from a map whose keys are resolved with [`Key`].
    ///
    /// # Errors
    ///
    /// A value of the wrong type, a duplicate or missing field.
    fn visit_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize::deserialize` of a derived struct.
///
/// # Errors
///
/// Whatever the format or the struct's fields report.
pub fn deserialize_struct<'de, T: Struct, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_struct(T::NAME, T::FIELDS, StructVisitor(PhantomData))
}

struct StructVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Struct> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::visit_map(map)
    }
}

/// The next key of a struct's map: the index of its field in `FIELDS`, or `FIELDS.len()` for a
/// key the struct does not read.
///
/// # Errors
///
/// A key that is neither a string nor an index.
pub fn next_key<'de, A: MapAccess<'de>>(map: &mut A, fields: &'static [&'static str]) -> Result<Option<usize>, A::Error> {
    map.next_key_seed(Key(fields))
}

/// Resolves a map key to a field index (see [`next_key`]).
#[derive(Clone, Copy)]
pub struct Key(pub &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for Key {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for Key {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<usize, E> {
        Ok(self.0.iter().position(|field| *field == key).unwrap_or(self.0.len()))
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<usize, E> {
        Ok(self.0.iter().position(|field| field.as_bytes() == key).unwrap_or(self.0.len()))
    }

    /// Formats that number fields (serde_derive accepts the index too).
    fn visit_u64<E: de::Error>(self, index: u64) -> Result<usize, E> {
        Ok(usize::try_from(index).map_or(self.0.len(), |index| index.min(self.0.len())))
    }
}

/// Reads the value of the field `name` into its slot.
///
/// # Errors
///
/// The field was already read (`duplicate field`), or its value does not deserialize.
pub fn value<'de, T: Deserialize<'de>, A: MapAccess<'de>>(slot: &mut Option<T>, map: &mut A, name: &'static str) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the value of a key the struct does not read.
///
/// # Errors
///
/// The value is malformed.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// The value of a field without `#[serde(default)]`: a missing `Option` is `None`, anything
/// else missing is `missing field` (serde_derive's rule).
///
/// # Errors
///
/// The field is missing and its type has no absent form.
pub fn required<'de, T: Deserialize<'de>, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    match slot {
        Some(value) => Ok(value),
        None => T::deserialize(Missing(name, PhantomData)),
    }
}

/// Deserializes a missing field: `None` for an `Option`, `missing field` for the rest.
struct Missing<E>(&'static str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// `Deserialize::deserialize` of a derived wire enum: its wire string, exactly.
///
/// # Errors
///
/// Not a string, or not one of the enum's values (`unknown variant`, naming them).
pub fn deserialize_wire<'de, T: WireEnum, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_str(WireVisitor(PhantomData))
}

struct WireVisitor<T>(PhantomData<fn() -> T>);

impl<T: WireEnum> Visitor<'_> for WireVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} string", T::NAME)
    }

    fn visit_str<E: de::Error>(self, wire: &str) -> Result<T, E> {
        T::from_wire(wire).ok_or_else(|| E::custom(UnknownVariant::<T>(wire, PhantomData)))
    }
}

/// serde's `unknown variant` message, listing the values from [`WireEnum::ALL`].
struct UnknownVariant<'a, T>(&'a str, PhantomData<T>);

impl<T: WireEnum> fmt::Display for UnknownVariant<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown variant `{}`, ", self.0)?;
        match T::ALL {
            [] => f.write_str("there are no variants"),
            [only] => write!(f, "expected `{}`", only.as_str()),
            [first, second] => write!(f, "expected `{}` or `{}`", first.as_str(), second.as_str()),
            [first, rest @ ..] => {
                write!(f, "expected one of `{}`", first.as_str())?;
                rest.iter().try_for_each(|value| write!(f, ", `{}`", value.as_str()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Contact {
        id: i64,
        email: Option<String>,
        tags: Vec<String>,
    }

    impl Struct for Contact {
        const NAME: &'static str = "Contact";
        const FIELDS: &'static [&'static str] = &["id", "email", "tags"];
        fn visit_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let (mut id, mut email, mut tags) = (None, None, None);
            while let Some(key) = next_key(&mut map, Self::FIELDS)? {
                match key {
                    0 => value(&mut id, &mut map, "id")?,
                    1 => value(&mut email, &mut map, "email")?,
                    2 => value(&mut tags, &mut map, "tags")?,
                    _ => skip(&mut map)?,
                }
            }
            Ok(Contact { id: required(id, "id")?, email: required(email, "email")?, tags: tags.unwrap_or_default() })
        }
    }

    impl<'de> Deserialize<'de> for Contact {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize_struct(deserializer)
        }
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Kind {
        Lead,
        Customer,
        Guest,
    }

    impl WireEnum for Kind {
        const ALL: &'static [Self] = &[Kind::Lead, Kind::Customer, Kind::Guest];
        const NAME: &'static str = "ContactType";
        fn as_str(self) -> &'static str {
            ["lead", "customer", "guest"][self as usize]
        }
    }

    fn contact(json: &str) -> Result<Contact, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn structs_read_known_keys_skip_unknown_ones_and_default_what_is_absent() {
        let read = contact(r#"{"extra": {"a": [1, 2]}, "id": 7, "tags": ["vip"], "email": null}"#);
        assert_eq!(read, Ok(Contact { id: 7, email: None, tags: vec!["vip".into()] }));
        assert_eq!(contact(r#"{"id": 7}"#), Ok(Contact { id: 7, email: None, tags: vec![] }));
        let from_value = serde_json::from_value::<Contact>(serde_json::json!({"id": 1, "email": "a@b.c"}));
        assert_eq!(from_value.unwrap().email.as_deref(), Some("a@b.c"));
    }

    /// The same struct through serde_derive, whose behaviour the lean derive keeps.
    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Twin {
        id: i64,
        email: Option<String>,
        #[serde(default)]
        tags: Vec<String>,
    }

    #[test]
    fn struct_errors_are_serde_derives() {
        let twin = |json: &str| serde_json::from_str::<Twin>(json).map(|_| ()).map_err(|e| e.to_string().replace("Twin", "Contact"));
        for json in [r#"{"email": "a@b.c"}"#, r#"{"id": 1, "id": 2}"#, r#"{"id": "1"}"#, r#"{"id": 1, "tags": [2]}"#, "{", "7"] {
            assert_eq!(contact(json).map(|_| ()), twin(json), "{json}");
        }
        assert_eq!(contact(r#"{"email": "a@b.c"}"#), Err("missing field `id` at line 1 column 18".into()));
        // serde_derive also reads a struct from a sequence; the lean derive reads maps only.
        assert_eq!(contact("[1]"), Err("invalid type: sequence, expected struct Contact at line 1 column 1".into()));
    }

    #[test]
    fn wire_enums_read_their_strings_and_name_the_allowed_ones() {
        let read = |json: &str| {
            let mut de = serde_json::Deserializer::from_str(json);
            deserialize_wire::<Kind, _>(&mut de).map_err(|e| e.to_string())
        };
        assert_eq!(read(r#""guest""#), Ok(Kind::Guest));
        assert_eq!(read(r#""Lead""#), Err("unknown variant `Lead`, expected one of `lead`, `customer`, `guest` at line 1 column 6".into()));
        assert_eq!(read("1"), Err("invalid type: integer `1`, expected a ContactType string at line 1 column 1".into()));
    }
}
