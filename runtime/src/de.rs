//! Support for the lean `Deserialize` and `WireEnum` derives of `wacr-macros`. A derived struct
//! hands its field types to [`deserialize_struct`] as one tuple (`(Plain<i64>,
//! OrDefault<Vec<i64>>, ...)`); the map loop, the slots, the duplicate and missing checks are
//! generic code here, written once per tuple length and compiled once, so a derive expands to a
//! single call instead of serde_derive's field enum and visitors for every struct (which made
//! most of the generated crates' compile time).
//!
//! The behaviour is serde_derive's for the subset the derive accepts: unknown keys are skipped,
//! a key given twice is `duplicate field`, a missing field is `missing field` unless it is an
//! `Option` (then `None`) or marked `#[serde(default)]`. A struct reads from a map only (JSON
//! objects), not from a sequence.

use core::fmt;
use core::marker::PhantomData;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::value::WireEnum;

/// How one field of a derived struct is read and what it is when absent.
pub trait Field<'de> {
    /// The field's type.
    type Value;
    /// Reads the field's value.
    ///
    /// # Errors
    ///
    /// The value does not deserialize.
    fn read<A: MapAccess<'de>>(map: &mut A) -> Result<Self::Value, A::Error>;
    /// The value of an absent field.
    ///
    /// # Errors
    ///
    /// The field is required.
    fn missing<E: de::Error>(name: &'static str) -> Result<Self::Value, E>;
}

/// A field without `#[serde(default)]`: absent is `None` for an `Option`, else `missing field`.
pub struct Plain<T>(PhantomData<T>);

/// A field marked `#[serde(default)]`: absent is `T::default()`.
pub struct OrDefault<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Field<'de> for Plain<T> {
    type Value = T;

    fn read<A: MapAccess<'de>>(map: &mut A) -> Result<T, A::Error> {
        map.next_value()
    }

    fn missing<E: de::Error>(name: &'static str) -> Result<T, E> {
        T::deserialize(Missing(name, PhantomData))
    }
}

impl<'de, T: Deserialize<'de> + Default> Field<'de> for OrDefault<T> {
    type Value = T;

    fn read<A: MapAccess<'de>>(map: &mut A) -> Result<T, A::Error> {
        map.next_value()
    }

    fn missing<E: de::Error>(_: &'static str) -> Result<T, E> {
        Ok(T::default())
    }
}

/// The fields of a struct, as a tuple of [`Field`]s in declaration order.
pub trait Fields<'de> {
    /// One `Option` per field, filled as the keys arrive.
    type Slots;
    /// The field values, in order.
    type Values;
    /// Slots with nothing read yet.
    fn empty() -> Self::Slots;
    /// Reads the value of field `index` (or skips it, for an index past the last field).
    ///
    /// # Errors
    ///
    /// The field was already read (`duplicate field`), or its value does not deserialize.
    fn read<A: MapAccess<'de>>(slots: &mut Self::Slots, index: usize, map: &mut A, names: &'static [&'static str]) -> Result<(), A::Error>;
    /// The values, with [`Field::missing`] for those never read.
    ///
    /// # Errors
    ///
    /// A required field is missing.
    fn finish<E: de::Error>(slots: Self::Slots, names: &'static [&'static str]) -> Result<Self::Values, E>;
}

macro_rules! fields_for_tuple {
    ($($field:ident $index:tt)*) => {
        impl<'de, $($field: Field<'de>),*> Fields<'de> for ($($field,)*) {
            type Slots = ($(Option<$field::Value>,)*);
            type Values = ($($field::Value,)*);

            fn empty() -> Self::Slots {
                ($(None::<$field::Value>,)*)
            }

            fn read<A: MapAccess<'de>>(slots: &mut Self::Slots, index: usize, map: &mut A, names: &'static [&'static str]) -> Result<(), A::Error> {
                match index {
                    $($index => {
                        if slots.$index.is_some() {
                            return Err(de::Error::duplicate_field(names[$index]));
                        }
                        slots.$index = Some($field::read(map)?);
                    })*
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(())
            }

            fn finish<E: de::Error>(slots: Self::Slots, names: &'static [&'static str]) -> Result<Self::Values, E> {
                Ok(($(match slots.$index {
                    Some(value) => value,
                    None => $field::missing(names[$index])?,
                },)*))
            }
        }
    };
}

for_tuples!(fields_for_tuple);

/// The body of a derived `Deserialize::deserialize`: reads the struct `name`, whose fields
/// `fields` (wire names, in the order of `F`) are read as `F` says, into the tuple of values.
///
/// # Errors
///
/// Not a map, a value of the wrong type, a duplicate or a missing field.
pub fn deserialize_struct<'de, F: Fields<'de>, D: Deserializer<'de>>(deserializer: D, name: &'static str, fields: &'static [&'static str]) -> Result<F::Values, D::Error> {
    deserializer.deserialize_struct(name, fields, StructVisitor::<F> { name, fields, fields_type: PhantomData })
}

struct StructVisitor<F> {
    name: &'static str,
    fields: &'static [&'static str],
    fields_type: PhantomData<fn() -> F>,
}

impl<'de, F: Fields<'de>> Visitor<'de> for StructVisitor<F> {
    type Value = F::Values;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", self.name)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<F::Values, A::Error> {
        let mut slots = F::empty();
        // Keys usually arrive in declaration order (serializers write them so): the field after
        // the last one is tried first.
        let mut next = 0;
        while let Some(index) = map.next_key_seed(Key { fields: self.fields, next })? {
            F::read(&mut slots, index, &mut map, self.fields)?;
            next = index + 1;
        }
        F::finish(slots, self.fields)
    }
}

/// Resolves a map key to the index of its field, or to the number of fields for a key the
/// struct does not read; `next` is the index tried first.
#[derive(Clone, Copy)]
struct Key {
    fields: &'static [&'static str],
    next: usize,
}

impl Key {
    fn index(self, key: &[u8]) -> usize {
        // Length and first byte settle most mismatches without a call to `memcmp`.
        let is_key = |field: &&str| field.len() == key.len() && field.as_bytes().first() == key.first() && field.as_bytes() == key;
        if self.fields.get(self.next).is_some_and(is_key) {
            return self.next;
        }
        self.fields.iter().position(is_key).unwrap_or(self.fields.len())
    }
}

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
        Ok(self.index(key.as_bytes()))
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<usize, E> {
        Ok(self.index(key))
    }

    /// Formats that number fields (serde_derive accepts the index too).
    fn visit_u64<E: de::Error>(self, index: u64) -> Result<usize, E> {
        let len = self.fields.len();
        Ok(usize::try_from(index).map_or(len, |index| index.min(len)))
    }
}

/// Deserializes a missing field: `None` for an `Option`, `missing field` for the rest (what
/// serde_derive does for a field without `default`).
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

    /// What the derive writes for `struct Contact { id: i64, email: Option<String>,
    /// #[serde(default)] tags: Vec<String> }`.
    #[derive(Debug, PartialEq)]
    struct Contact {
        id: i64,
        email: Option<String>,
        tags: Vec<String>,
    }

    impl<'de> Deserialize<'de> for Contact {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            type F = (Plain<i64>, Plain<Option<String>>, OrDefault<Vec<String>>);
            let (id, email, tags) = deserialize_struct::<F, D>(deserializer, "Contact", &["id", "email", "tags"])?;
            Ok(Contact { id, email, tags })
        }
    }

    /// The same struct through serde_derive, whose behaviour the lean derive keeps.
    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Twin {
        id: i64,
        email: Option<String>,
        #[serde(default)]
        tags: Vec<String>,
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
