//! Field values of the generated models: closed wire enums ([`WireEnum`]), their open response
//! form ([`Open`]) and the three-state request field ([`Patch`]).

use core::fmt;
use core::marker::PhantomData;

/// A closed enum of wire strings, implemented by every enum `wacr-models` generates.
///
/// `ALL` lists every value in spec order; `as_str` is the value as written on the wire.
pub trait WireEnum: Copy + Eq + fmt::Debug + 'static {
    /// Every value, in spec order.
    const ALL: &'static [Self];
    /// The name of the enum in the spec, for error messages (`ContactType`).
    const NAME: &'static str;
    /// The value as written on the wire (`lead`).
    fn as_str(self) -> &'static str;

    /// The value whose wire string is exactly `wire`.
    fn from_wire(wire: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|value| value.as_str() == wire)
    }

    /// Parses a wire string, naming the enum and the allowed values on failure. Backs the
    /// generated `FromStr`.
    ///
    /// # Errors
    ///
    /// `wire` is not a value of the enum.
    fn parse_wire(wire: &str) -> Result<Self, UnknownValue> {
        Self::from_wire(wire).ok_or_else(|| UnknownValue::of::<Self>(wire))
    }

    /// The wire strings of [`WireEnum::ALL`], in order.
    fn wire_names() -> Vec<&'static str> {
        Self::ALL.iter().map(|value| value.as_str()).collect()
    }
}

/// A string that is not a value of a closed enum.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown {enum_name} `{value}`; allowed values are: {}", .allowed.join(", "))]
pub struct UnknownValue {
    /// The spec name of the enum.
    pub enum_name: &'static str,
    /// The value as written.
    pub value: String,
    /// The values the enum accepts, in spec order.
    pub allowed: Vec<&'static str>,
}

impl UnknownValue {
    /// The error for `value` not being a value of `E`.
    pub fn of<E: WireEnum>(value: &str) -> Self {
        UnknownValue {
            enum_name: E::NAME,
            value: value.to_owned(),
            allowed: E::wire_names(),
        }
    }
}

/// A response enum value that tolerates values this version does not know yet: a new server
/// value decodes to `Unknown` instead of failing the whole response.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Open<E> {
    /// A value of the closed enum.
    Known(E),
    /// A value the closed enum does not have, as the server sent it.
    Unknown(String),
}

impl<E: WireEnum> Open<E> {
    /// Classifies a wire string.
    pub fn from_wire(wire: &str) -> Self {
        E::from_wire(wire).map_or_else(|| Open::Unknown(wire.to_owned()), Open::Known)
    }

    /// The known value, or `None` for an unknown one.
    pub fn known(&self) -> Option<E> {
        match self {
            Open::Known(value) => Some(*value),
            Open::Unknown(_) => None,
        }
    }

    /// Whether the value is one this version does not know.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Open::Unknown(_))
    }

    /// The value as written on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Open::Known(value) => value.as_str(),
            Open::Unknown(wire) => wire,
        }
    }
}

impl<E> From<E> for Open<E> {
    fn from(value: E) -> Self {
        Open::Known(value)
    }
}

impl<E: PartialEq> PartialEq<E> for Open<E> {
    fn eq(&self, other: &E) -> bool {
        matches!(self, Open::Known(value) if value == other)
    }
}

impl<E: WireEnum> fmt::Display for Open<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<E: WireEnum> serde::Serialize for Open<E> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de, E: WireEnum> serde::Deserialize<'de> for Open<E> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(OpenVisitor(PhantomData))
    }
}

struct OpenVisitor<E>(PhantomData<fn() -> E>);

impl<E: WireEnum> serde::de::Visitor<'_> for OpenVisitor<E> {
    type Value = Open<E>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} string", E::NAME)
    }

    fn visit_str<Er: serde::de::Error>(self, value: &str) -> Result<Open<E>, Er> {
        Ok(Open::from_wire(value))
    }
}

/// An optional, nullable request field: absent leaves the stored value unchanged, null clears
/// it, a value sets it.
///
/// Generated bodies mark such fields `#[serde(default, skip_serializing_if = "Patch::is_absent")]`,
/// so `Absent` is left out of the JSON, `Null` is written as `null` and both round-trip.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Patch<T> {
    /// Not sent: leave the stored value unchanged.
    #[default]
    Absent,
    /// Sent as `null`: clear the stored value.
    Null,
    /// Sent with a value: store it.
    Set(T),
}

impl<T> Patch<T> {
    /// Whether the field is left out of the request.
    pub fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }

    /// Whether the field is sent as `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Patch::Null)
    }

    /// The value, if one is set.
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Patch::Set(value) => Some(value),
            Patch::Absent | Patch::Null => None,
        }
    }

    /// `None` when absent, `Some(None)` when null, `Some(Some(value))` when set.
    pub fn into_option(self) -> Option<Option<T>> {
        match self {
            Patch::Absent => None,
            Patch::Null => Some(None),
            Patch::Set(value) => Some(Some(value)),
        }
    }

    /// Applies the change to a stored nullable value.
    pub fn apply_to(self, stored: &mut Option<T>) {
        if let Some(change) = self.into_option() {
            *stored = change;
        }
    }
}

/// `None` is null, `Some(value)` is a value: an `Option` always says something.
impl<T> From<Option<T>> for Patch<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Patch::Null, Patch::Set)
    }
}

impl<T: serde::Serialize> serde::Serialize for Patch<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Set(value) => serializer.serialize_some(value),
            Patch::Absent | Patch::Null => serializer.serialize_none(),
        }
    }
}

/// A present field is null or a value; an absent one is `Absent` through `#[serde(default)]`.
impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Patch<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Patch::from)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A wire enum for tests (also of `query`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(crate) enum Kind {
        Lead,
        Customer,
    }

    impl WireEnum for Kind {
        const ALL: &'static [Self] = &[Kind::Lead, Kind::Customer];
        const NAME: &'static str = "ContactType";
        fn as_str(self) -> &'static str {
            ["lead", "customer"][self as usize]
        }
    }

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Body {
        #[serde(default, skip_serializing_if = "Patch::is_absent")]
        email: Patch<String>,
    }

    #[test]
    fn open_values_decode_known_and_unknown() {
        let known: Open<Kind> = serde_json::from_str("\"lead\"").unwrap();
        assert_eq!(known, Open::Known(Kind::Lead));
        assert_eq!(known, Kind::Lead);
        let unknown: Open<Kind> = serde_json::from_str("\"partner\"").unwrap();
        assert_eq!(unknown, Open::Unknown("partner".into()));
        assert_eq!(serde_json::to_string(&unknown).unwrap(), "\"partner\"");
        assert_eq!(unknown.to_string(), "partner");
        assert!(serde_json::from_str::<Open<Kind>>("3").is_err());
    }

    #[test]
    fn parse_wire_names_allowed_values() {
        assert_eq!(Kind::parse_wire("customer"), Ok(Kind::Customer));
        let err = Kind::parse_wire("Lead").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown ContactType `Lead`; allowed values are: lead, customer"
        );
    }

    #[test]
    fn patch_round_trips_three_states() {
        let cases = [
            (Patch::Absent, "{}"),
            (Patch::Null, r#"{"email":null}"#),
            (Patch::Set("a@b.c".to_owned()), r#"{"email":"a@b.c"}"#),
        ];
        for (email, json) in cases {
            let body = Body { email };
            assert_eq!(serde_json::to_string(&body).unwrap(), json);
            assert_eq!(serde_json::from_str::<Body>(json).unwrap(), body);
        }
    }

    #[test]
    fn patch_applies_to_stored_values() {
        let mut stored = Some(1);
        Patch::Absent.apply_to(&mut stored);
        assert_eq!(stored, Some(1));
        Patch::Set(2).apply_to(&mut stored);
        assert_eq!(stored, Some(2));
        Patch::Null.apply_to(&mut stored);
        assert_eq!(stored, None);
    }
}
