//! Support for the lean `Serialize` derive of `wacr-macros`: a derived struct hands its fields to
//! [`serialize_struct`] as one tuple of references (`(&self.id, SkipIf(&self.email,
//! Option::is_none(&self.email)), ...)`); counting and writing them is generic code here, written once per
//! tuple length and compiled once, so a derive expands to a single call (serde_derive's
//! `Serialize` was a third of the generated crates' compile time).
//!
//! The output is serde_derive's: `serialize_struct` with the number of fields written, each
//! field by its name, and `skip_field` for one that `skip_serializing_if` leaves out.

use serde::ser::{Serialize, SerializeStruct, Serializer};

/// One field of a derived struct.
pub trait Field {
    /// Whether the field is left out.
    fn skip(&self) -> bool;
    /// Writes the field, or skips it.
    ///
    /// # Errors
    ///
    /// Whatever the serializer reports.
    fn write<S: SerializeStruct>(&self, out: &mut S, name: &'static str) -> Result<(), S::Error>;
}

impl<T: Serialize + ?Sized> Field for &T {
    fn skip(&self) -> bool {
        false
    }

    fn write<S: SerializeStruct>(&self, out: &mut S, name: &'static str) -> Result<(), S::Error> {
        out.serialize_field(name, *self)
    }
}

/// A field with `#[serde(skip_serializing_if = "predicate")]`, and whether the predicate holds
/// (evaluated once, where the derive can call it directly).
pub struct SkipIf<'a, T>(pub &'a T, pub bool);

impl<T: Serialize> Field for SkipIf<'_, T> {
    fn skip(&self) -> bool {
        self.1
    }

    fn write<S: SerializeStruct>(&self, out: &mut S, name: &'static str) -> Result<(), S::Error> {
        if self.skip() { out.skip_field(name) } else { out.serialize_field(name, self.0) }
    }
}

/// The fields of a struct, as a tuple of [`Field`]s in declaration order.
#[allow(clippy::len_without_is_empty)] // a tuple of fields is never asked whether it is empty
pub trait Fields {
    /// How many fields are written.
    fn len(&self) -> usize;
    /// Writes every field under its name.
    ///
    /// # Errors
    ///
    /// Whatever the serializer reports.
    fn write<S: SerializeStruct>(&self, out: &mut S, names: &'static [&'static str]) -> Result<(), S::Error>;
}

impl Fields for () {
    fn len(&self) -> usize {
        0
    }

    fn write<S: SerializeStruct>(&self, _: &mut S, _: &'static [&'static str]) -> Result<(), S::Error> {
        Ok(())
    }
}

macro_rules! fields_for_tuple {
    ($($field:ident $index:tt)*) => {
        impl<$($field: Field),*> Fields for ($($field,)*) {
            fn len(&self) -> usize {
                0 $(+ usize::from(!self.$index.skip()))*
            }

            fn write<S: SerializeStruct>(&self, out: &mut S, names: &'static [&'static str]) -> Result<(), S::Error> {
                $(self.$index.write(out, names[$index])?;)*
                Ok(())
            }
        }
    };
}

for_tuples!(fields_for_tuple);

/// The body of a derived `Serialize::serialize`: the struct `name` with `fields` written under
/// `names`.
///
/// # Errors
///
/// Whatever the serializer reports.
pub fn serialize_struct<S: Serializer, F: Fields>(serializer: S, name: &'static str, names: &'static [&'static str], fields: F) -> Result<S::Ok, S::Error> {
    let mut out = serializer.serialize_struct(name, fields.len())?;
    fields.write(&mut out, names)?;
    out.end()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the derive writes for a struct with a plain, a renamed and a skippable field.
    struct Contact {
        id: i64,
        kind: String,
        email: Option<String>,
    }

    impl Serialize for Contact {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let fields = (&self.id, &self.kind, SkipIf(&self.email, Option::is_none(&self.email)));
            serialize_struct(serializer, "Contact", &["id", "type", "email"], fields)
        }
    }

    #[derive(serde::Serialize)]
    struct Twin {
        id: i64,
        #[serde(rename = "type")]
        kind: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        email: Option<String>,
    }

    #[test]
    fn structs_write_what_serde_derive_writes() {
        for email in [None, Some("a@b.c".to_owned())] {
            let lean = Contact { id: 1, kind: "lead".into(), email: email.clone() };
            let twin = Twin { id: 1, kind: "lead".into(), email };
            assert_eq!(serde_json::to_string(&lean).unwrap(), serde_json::to_string(&twin).unwrap());
            assert_eq!(serde_json::to_value(&lean).unwrap(), serde_json::to_value(&twin).unwrap());
        }
        assert_eq!(serde_json::to_string(&Contact { id: 2, kind: "guest".into(), email: None }).unwrap(), r#"{"id":2,"type":"guest"}"#);
    }
}
