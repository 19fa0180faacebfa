//! Support for the lean `Deserialize`, `WireEnum` and `Scope` derives of `wacr-macros`. A derived
//! struct hands its field types to [`deserialize_struct`] as one tuple (`(Plain<i64>,
//! OrDefault<Vec<i64>>, ...)`); the map loop, the slots, the duplicate and missing checks are
//! generic code here, written once per tuple length and compiled once, so a derive expands to a
//! single call instead of serde_derive's field enum and visitors for every struct: far less code
//! for the compiler to check in the generated crates.
//!
//! The behaviour is serde_derive's for the subset the derive accepts: unknown keys are skipped,
//! a key given twice is `duplicate field`, a missing field is `missing field` unless it is an
//! `Option` (then `None`) or marked `#[serde(default)]`. A struct also reads from a sequence
//! of its field values in order, where a missing value is `invalid length` unless the field is
//! marked `#[serde(default)]`. Enums of unit variants read as serde_derive's do
//! ([`deserialize_unit_enum`]). `tests/serde_differential` checks all of it against serde_derive.

use core::fmt;
use core::marker::PhantomData;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, Expected, IgnoredAny, MapAccess, SeqAccess, Visitor};

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
    /// Reads the field's value from a sequence, `None` when the sequence has ended.
    ///
    /// # Errors
    ///
    /// The value does not deserialize.
    fn next<A: SeqAccess<'de>>(seq: &mut A) -> Result<Option<Self::Value>, A::Error>;
    /// The value of a field the sequence ended before; `index` is its position.
    ///
    /// # Errors
    ///
    /// The field is required (`invalid length`).
    fn short<E: de::Error>(index: usize, expecting: &dyn Expected) -> Result<Self::Value, E>;
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

    fn next<A: SeqAccess<'de>>(seq: &mut A) -> Result<Option<T>, A::Error> {
        seq.next_element()
    }

    fn short<E: de::Error>(index: usize, expecting: &dyn Expected) -> Result<T, E> {
        Err(E::invalid_length(index, expecting))
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

    fn next<A: SeqAccess<'de>>(seq: &mut A) -> Result<Option<T>, A::Error> {
        seq.next_element()
    }

    fn short<E: de::Error>(_: usize, _: &dyn Expected) -> Result<T, E> {
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
    /// The values from a sequence of them, in order.
    ///
    /// # Errors
    ///
    /// A value does not deserialize, or the sequence ends before a required field.
    fn read_seq<A: SeqAccess<'de>>(seq: &mut A, expecting: &dyn Expected) -> Result<Self::Values, A::Error>;
}

/// A struct without fields to read (none, or all skipped): every key is skipped.
impl<'de> Fields<'de> for () {
    type Slots = ();
    type Values = ();

    fn empty() {}

    fn read<A: MapAccess<'de>>(_: &mut (), _: usize, map: &mut A, _: &'static [&'static str]) -> Result<(), A::Error> {
        map.next_value::<IgnoredAny>().map(|_| ())
    }

    fn finish<E: de::Error>(_: (), _: &'static [&'static str]) -> Result<(), E> {
        Ok(())
    }

    fn read_seq<A: SeqAccess<'de>>(_: &mut A, _: &dyn Expected) -> Result<(), A::Error> {
        Ok(())
    }
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

            fn read_seq<A: SeqAccess<'de>>(seq: &mut A, expecting: &dyn Expected) -> Result<Self::Values, A::Error> {
                Ok(($(match $field::next(seq)? {
                    Some(value) => value,
                    None => $field::short($index, expecting)?,
                },)*))
            }
        }
    };
}

for_tuples!(fields_for_tuple);

/// The body of a derived `Deserialize::deserialize`: reads the struct `name` (its serde name;
/// `type_name` is its Rust name, for messages), whose fields `fields` (wire names, in the order
/// of `F`) are read as `F` says, into the tuple of values.
///
/// # Errors
///
/// Not a map or a sequence, a value of the wrong type, a duplicate or a missing field.
pub fn deserialize_struct<'de, F: Fields<'de>, D: Deserializer<'de>>(deserializer: D, name: &'static str, type_name: &'static str, fields: &'static [&'static str]) -> Result<F::Values, D::Error> {
    deserializer.deserialize_struct(name, fields, StructVisitor::<F> { name: type_name, fields, fields_type: PhantomData })
}

struct StructVisitor<F> {
    /// The Rust name, as serde_derive's messages give it.
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

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<F::Values, A::Error> {
        F::read_seq(&mut seq, &SeqExpecting { name: self.name, len: self.fields.len() })
    }
}

/// What a struct read from a sequence expects, as serde_derive words it.
struct SeqExpecting {
    name: &'static str,
    len: usize,
}

impl Expected for SeqExpecting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = if self.len == 1 { "" } else { "s" };
        write!(f, "struct {} with {} element{plural}", self.name, self.len)
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

/// `Deserialize::deserialize` of a derived wire enum `name` (its Rust name): its wire string,
/// read as [`deserialize_unit_enum`] reads it.
///
/// # Errors
///
/// Not one of the enum's values (`unknown variant`, naming them), or not an enum.
pub fn deserialize_wire<'de, T: WireEnum, D: Deserializer<'de>>(deserializer: D, name: &'static str) -> Result<T, D::Error> {
    deserialize_unit_enum(deserializer, name, T::ALL, T::as_str)
}

/// Reads an enum `name` (its Rust name, as in serde_derive's messages) of unit variants by
/// their wire strings, as serde_derive reads an enum: from the string (`"lead"`), the externally
/// tagged form (`{"lead": null}`) or the variant's index.
///
/// # Errors
///
/// Not one of the `all` values (`unknown variant`, naming them), or not an enum.
pub fn deserialize_unit_enum<'de, T: Copy, D: Deserializer<'de>>(deserializer: D, name: &'static str, all: &'static [T], as_str: fn(T) -> &'static str) -> Result<T, D::Error> {
    deserializer.deserialize_enum(name, &[], UnitEnum { name, all, as_str })
}

/// The values of a unit enum and their wire strings: the visitor of the enum and of its
/// variant identifier.
struct UnitEnum<T: 'static> {
    name: &'static str,
    all: &'static [T],
    as_str: fn(T) -> &'static str,
}

impl<T> Clone for UnitEnum<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for UnitEnum<T> {}

impl<'de, T: Copy> Visitor<'de> for UnitEnum<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "enum {}", self.name)
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<T, A::Error> {
        let (value, variant) = data.variant_seed(VariantName(self))?;
        de::VariantAccess::unit_variant(variant)?;
        Ok(value)
    }
}

/// The variant identifier of a [`UnitEnum`].
struct VariantName<T: 'static>(UnitEnum<T>);

impl<'de, T: Copy> DeserializeSeed<'de> for VariantName<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<T: Copy> Visitor<'_> for VariantName<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("variant identifier")
    }

    fn visit_u64<E: de::Error>(self, index: u64) -> Result<T, E> {
        let value = usize::try_from(index).ok().and_then(|index| self.0.all.get(index));
        value.copied().ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(index), &format!("variant index 0 <= i < {}", self.0.all.len()).as_str()))
    }

    fn visit_str<E: de::Error>(self, wire: &str) -> Result<T, E> {
        let UnitEnum { all, as_str, .. } = self.0;
        all.iter().copied().find(|value| as_str(*value) == wire).ok_or_else(|| E::custom(UnknownVariant { wire, all, as_str }))
    }

    fn visit_bytes<E: de::Error>(self, wire: &[u8]) -> Result<T, E> {
        self.visit_str(&String::from_utf8_lossy(wire))
    }
}

/// serde's `unknown variant` message, listing the wire strings.
struct UnknownVariant<'a, T: 'static> {
    wire: &'a str,
    all: &'static [T],
    as_str: fn(T) -> &'static str,
}

impl<T: Copy> fmt::Display for UnknownVariant<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown variant `{}`, ", self.wire)?;
        let name = |index: usize| (self.as_str)(self.all[index]);
        match self.all.len() {
            0 => f.write_str("there are no variants"),
            1 => write!(f, "expected `{}`", name(0)),
            2 => write!(f, "expected `{}` or `{}`", name(0), name(1)),
            len => {
                write!(f, "expected one of `{}`", name(0))?;
                (1..len).try_for_each(|index| write!(f, ", `{}`", name(index)))
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
            let (id, email, tags) = deserialize_struct::<F, D>(deserializer, "Contact", "Contact", &["id", "email", "tags"])?;
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
        for json in [r#"{"email": "a@b.c"}"#, r#"{"id": 1, "id": 2}"#, r#"{"id": "1"}"#, r#"{"id": 1, "tags": [2]}"#, "{", "7", "[1]", "[1, null, [2], 3]", "[]"] {
            assert_eq!(contact(json).map(|_| ()), twin(json), "{json}");
        }
        assert_eq!(contact(r#"{"email": "a@b.c"}"#), Err("missing field `id` at line 1 column 18".into()));
        // A struct also reads from a sequence, as serde_derive's does; a default field may end it.
        assert_eq!(contact("[1]"), Err("invalid length 1, expected struct Contact with 3 elements at line 1 column 3".into()));
        assert_eq!(contact(r#"[7, "a@b.c"]"#), Ok(Contact { id: 7, email: Some("a@b.c".into()), tags: vec![] }));
    }

    #[test]
    fn wire_enums_read_their_strings_and_name_the_allowed_ones() {
        let read = |json: &str| {
            let mut de = serde_json::Deserializer::from_str(json);
            deserialize_wire::<Kind, _>(&mut de, "Kind").map_err(|e| e.to_string())
        };
        assert_eq!(read(r#""guest""#), Ok(Kind::Guest));
        assert_eq!(read(r#""Lead""#), Err("unknown variant `Lead`, expected one of `lead`, `customer`, `guest` at line 1 column 6".into()));
        // serde_json reads an enum from a string or a one-key object only, as for serde_derive's.
        assert_eq!(read("1"), Err("expected value at line 1 column 1".into()));
        assert_eq!(read(r#"{"customer": null}"#), Ok(Kind::Customer));
        let by_index = |index| VariantName(UnitEnum { name: "Kind", all: Kind::ALL, as_str: Kind::as_str }).visit_u64::<serde_json::Error>(index).map_err(|e| e.to_string());
        assert_eq!(by_index(2), Ok(Kind::Guest));
        assert_eq!(by_index(3), Err("invalid value: integer `3`, expected variant index 0 <= i < 3".into()));
    }
}
