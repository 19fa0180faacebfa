//! The wire keys of the response envelope (`api.yaml: envelope`), shared by the client and the
//! server glue; the generated crates pass the spec's values in.

/// The wire key of each envelope part (`api.yaml: envelope`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EnvelopeKeys {
    pub success: &'static str,
    pub message: &'static str,
    pub data: &'static str,
    pub meta: &'static str,
    pub links: &'static str,
    pub error: &'static str,
    pub code: &'static str,
    pub details: &'static str,
    pub errors: &'static str,
}

/// The keys of `api.yaml`, for the unit tests.
#[cfg(test)]
pub(crate) const TEST_KEYS: EnvelopeKeys = EnvelopeKeys {
    success: "success",
    message: "message",
    data: "data",
    meta: "meta",
    links: "links",
    error: "error",
    code: "code",
    details: "details",
    errors: "errors",
};

/// Reading a success envelope in one pass over the body: the `message` and, when asked for,
/// the `data` deserialized straight into its type (no `Value` tree, no copy of `data`).
#[cfg(feature = "client")]
pub(crate) mod read {
    use std::fmt;
    use std::marker::PhantomData;

    use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

    use super::EnvelopeKeys;

    /// The `message` of the envelope (when it is a string), and its `data` as `T` when `data` is
    /// set; nothing of a body that is JSON but not an object.
    pub(crate) fn success<T: DeserializeOwned>(keys: &EnvelopeKeys, bytes: &[u8], data: bool) -> serde_json::Result<Parts<T>> {
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            // Not an object (a bare array, a string...): valid JSON, but no envelope to read.
            serde_json::from_slice::<IgnoredAny>(bytes)?;
            return Ok(Parts { message: None, data: None });
        }
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let parts = Envelope { keys, data, _t: PhantomData }.deserialize(&mut de)?;
        de.end()?;
        Ok(parts)
    }

    /// What [`success`] read.
    pub(crate) struct Parts<T> {
        pub message: Option<String>,
        /// `None` when `data` was not asked for or is absent.
        pub data: Option<T>,
    }

    struct Envelope<'k, T> {
        keys: &'k EnvelopeKeys,
        data: bool,
        _t: PhantomData<T>,
    }

    impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for Envelope<'_, T> {
        type Value = Parts<T>;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Parts<T>, D::Error> {
            deserializer.deserialize_map(self)
        }
    }

    impl<'de, T: DeserializeOwned> Visitor<'de> for Envelope<'_, T> {
        type Value = Parts<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a response envelope")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parts<T>, A::Error> {
            let mut parts = Parts { message: None, data: None };
            while let Some(key) = map.next_key_seed(KeySeed { keys: self.keys, data: self.data })? {
                match key {
                    Key::Message => {
                        parts.message = match map.next_value()? {
                            serde_json::Value::String(message) => Some(message),
                            _ => None,
                        }
                    }
                    Key::Data => parts.data = Some(map.next_value()?),
                    Key::Other => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(parts)
        }
    }

    enum Key {
        Message,
        Data,
        Other,
    }

    struct KeySeed<'k> {
        keys: &'k EnvelopeKeys,
        data: bool,
    }

    impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
        type Value = Key;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
            deserializer.deserialize_str(self)
        }
    }

    impl Visitor<'_> for KeySeed<'_> {
        type Value = Key;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an envelope key")
        }

        fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Key, E> {
            Ok(if key == self.keys.message {
                Key::Message
            } else if self.data && key == self.keys.data {
                Key::Data
            } else {
                Key::Other
            })
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        const KEYS: EnvelopeKeys = super::super::TEST_KEYS;

        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Thing {
            id: i64,
        }

        #[test]
        fn data_and_message_in_one_pass_whatever_the_order() {
            let body = br#"{"data": {"id": 7, "extra": [1, {"a": null}]}, "meta": {"x": [1]}, "success": true, "message": "Got it"}"#;
            let parts = success::<Thing>(&KEYS, body, true).unwrap();
            assert_eq!((parts.message.as_deref(), parts.data), (Some("Got it"), Some(Thing { id: 7 })));
            let parts = success::<Thing>(&KEYS, body, false).unwrap();
            assert_eq!((parts.message.as_deref(), parts.data), (Some("Got it"), None), "data left unread");
        }

        #[test]
        fn absent_parts_odd_messages_and_other_shapes() {
            let parts = success::<Thing>(&KEYS, br#"{"success": true, "message": 3}"#, true).unwrap();
            assert_eq!((parts.message, parts.data), (None, None));
            for body in [&b"[1, 2]"[..], b" \"text\"", b"null", b"12"] {
                let parts = success::<Thing>(&KEYS, body, true).unwrap();
                assert_eq!((parts.message, parts.data), (None, None), "{}", String::from_utf8_lossy(body));
            }
            let renamed = EnvelopeKeys { data: "result", message: "msg", ..KEYS };
            let parts = success::<Thing>(&renamed, br#"{"msg": "m", "data": 1, "result": {"id": 2}}"#, true).unwrap();
            assert_eq!((parts.message.as_deref(), parts.data), (Some("m"), Some(Thing { id: 2 })));
        }

        #[test]
        fn bad_bodies_are_errors_of_their_kind() {
            use serde_json::error::Category;
            let syntax = success::<Thing>(&KEYS, br#"{"data": {"id": 1}"#, true).err().unwrap();
            assert_eq!(syntax.classify(), Category::Eof);
            let trailing = success::<Thing>(&KEYS, br#"{"data": {"id": 1}} x"#, true).err().unwrap();
            assert_eq!(trailing.classify(), Category::Syntax);
            let mismatch = success::<Thing>(&KEYS, br#"{"data": {"id": "one"}}"#, true).err().unwrap();
            assert_eq!(mismatch.classify(), Category::Data);
        }
    }
}
