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
#[cfg(all(test, any(feature = "client", feature = "server")))]
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

    use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

    use super::EnvelopeKeys;

    /// The `message` of the envelope (when it is a string); its `data`, when set and a slot is
    /// given, as `T` into that slot. Nothing of a body that is JSON but not an object.
    ///
    /// The data goes into the caller's slot rather than out in the result: a `T` returned up
    /// through the visitor, the deserializer and this function would be copied at each level
    /// (the models are several hundred bytes).
    pub(crate) fn success<T: DeserializeOwned>(keys: &EnvelopeKeys, bytes: &[u8], data: Option<&mut Option<T>>) -> serde_json::Result<Option<String>> {
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            // Not an object (a bare array, a string...): valid JSON, but no envelope to read.
            serde_json::from_slice::<IgnoredAny>(bytes)?;
            return Ok(None);
        }
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let message = Envelope { keys, data }.deserialize(&mut de)?;
        de.end()?;
        Ok(message)
    }

    struct Envelope<'k, 'd, T> {
        keys: &'k EnvelopeKeys,
        /// Where `data` goes; `None`: left unread.
        data: Option<&'d mut Option<T>>,
    }

    impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for Envelope<'_, '_, T> {
        type Value = Option<String>;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<String>, D::Error> {
            deserializer.deserialize_map(self)
        }
    }

    impl<'de, T: DeserializeOwned> Visitor<'de> for Envelope<'_, '_, T> {
        type Value = Option<String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a response envelope")
        }

        fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Option<String>, A::Error> {
            let mut message = None;
            while let Some(key) = map.next_key_seed(KeySeed { keys: self.keys, data: self.data.is_some() })? {
                match key {
                    Key::Message => {
                        message = match map.next_value()? {
                            serde_json::Value::String(message) => Some(message),
                            _ => None,
                        }
                    }
                    Key::Data => {
                        if let Some(slot) = self.data.as_deref_mut() {
                            *slot = Some(map.next_value()?);
                        }
                    }
                    Key::Other => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(message)
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

        /// The message and the data `success` reads (`data`: whether it is given a slot).
        fn read(body: &[u8], data: bool) -> serde_json::Result<(Option<String>, Option<Thing>)> {
            let mut slot = None;
            let message = success::<Thing>(&KEYS, body, data.then_some(&mut slot))?;
            Ok((message, slot))
        }

        #[test]
        fn data_and_message_in_one_pass_whatever_the_order() {
            let body = br#"{"data": {"id": 7, "extra": [1, {"a": null}]}, "meta": {"x": [1]}, "success": true, "message": "Got it"}"#;
            assert_eq!(read(body, true).unwrap(), (Some("Got it".into()), Some(Thing { id: 7 })));
            assert_eq!(read(body, false).unwrap(), (Some("Got it".into()), None), "data left unread");
        }

        #[test]
        fn absent_parts_odd_messages_and_other_shapes() {
            for message in ["3", "-3", "1.5", "true", "null", "[1, {\"a\": \"b\"}]", "{\"a\": [\"b\"]}"] {
                let body = format!(r#"{{"success": true, "message": {message}, "data": {{"id": 1}}}}"#);
                assert_eq!(read(body.as_bytes(), true).unwrap(), (None, Some(Thing { id: 1 })), "{message}");
            }
            assert_eq!(read(br#"{"message": "caf\u00e9 \"ok\""}"#, true).unwrap(), (Some("café \"ok\"".into()), None), "escaped");
            for body in [&b"[1, 2]"[..], b" \"text\"", b"null", b"12"] {
                assert_eq!(read(body, true).unwrap(), (None, None), "{}", String::from_utf8_lossy(body));
            }
            let renamed = EnvelopeKeys { data: "result", message: "msg", ..KEYS };
            let mut data = None;
            let message = success::<Thing>(&renamed, br#"{"msg": "m", "data": 1, "result": {"id": 2}}"#, Some(&mut data)).unwrap();
            assert_eq!((message.as_deref(), data), (Some("m"), Some(Thing { id: 2 })));
        }

        #[test]
        fn bad_bodies_are_errors_of_their_kind() {
            use serde_json::error::Category;
            let syntax = read(br#"{"data": {"id": 1}"#, true).err().unwrap();
            assert_eq!(syntax.classify(), Category::Eof);
            let trailing = read(br#"{"data": {"id": 1}} x"#, true).err().unwrap();
            assert_eq!(trailing.classify(), Category::Syntax);
            let mismatch = read(br#"{"data": {"id": "one"}}"#, true).err().unwrap();
            assert_eq!(mismatch.classify(), Category::Data);
        }
    }
}
