//! The differential check of one JSON input: the lean-derived type `L` and its serde_derive
//! twin `T` must both accept it or both reject it with the same message, read equal values
//! (compared by `Debug`, which both derive) and write those values as the same bytes.

use std::cell::Cell;
use std::fmt::Debug;

use serde::de::{DeserializeOwned, Visitor};
use serde::{Deserializer, Serialize};

/// Runs `json` through `L` and `T` with serde_json's text reader and again, when it is valid
/// JSON, through its `Value` reader (another `Deserializer`, which hands out owned strings);
/// `Ok(accepted)` when they agree, else what differed.
pub fn inputs<L, T>(json: &str) -> Result<bool, String>
where
    L: Serialize + DeserializeOwned + Debug,
    T: Serialize + DeserializeOwned + Debug,
{
    let accepted = agree(serde_json::from_str::<L>(json), serde_json::from_str::<T>(json)).map_err(|error| format!("from_str: {error}"))?;
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(json) {
        agree(serde_json::from_value::<L>(value.clone()), serde_json::from_value::<T>(value)).map_err(|error| format!("from_value: {error}"))?;
    }
    Ok(accepted)
}

fn agree<L, T>(lean: serde_json::Result<L>, twin: serde_json::Result<T>) -> Result<bool, String>
where
    L: Serialize + Debug,
    T: Serialize + Debug,
{
    match (lean, twin) {
        (Ok(lean), Ok(twin)) => {
            let (lean_debug, twin_debug) = (format!("{lean:?}"), format!("{twin:?}"));
            if lean_debug != twin_debug {
                return Err(format!("read differently: lean {lean_debug}, serde_derive {twin_debug}"));
            }
            let (lean_json, twin_json) = (written(serde_json::to_string(&lean)), written(serde_json::to_string(&twin)));
            if lean_json != twin_json {
                return Err(format!("written differently: lean {lean_json:?}, serde_derive {twin_json:?}"));
            }
            let (lean_value, twin_value) = (serde_json::to_value(&lean).map_err(|e| e.to_string()), serde_json::to_value(&twin).map_err(|e| e.to_string()));
            if lean_value != twin_value {
                return Err(format!("written to a Value differently: lean {lean_value:?}, serde_derive {twin_value:?}"));
            }
            Ok(true)
        }
        (Err(lean), Err(twin)) if lean.to_string() == twin.to_string() => Ok(false),
        (Err(lean), Err(twin)) => Err(format!("rejected differently: lean {lean}, serde_derive {twin}")),
        (Ok(lean), Err(error)) => Err(format!("lean accepted {lean:?}, serde_derive rejected: {error}")),
        (Err(error), Ok(twin)) => Err(format!("lean rejected ({error}), serde_derive accepted {twin:?}")),
    }
}

fn written(json: serde_json::Result<String>) -> Result<String, String> {
    json.map_err(|error| error.to_string())
}

/// The field names `L` and `T` pass to `deserialize_struct`: the names each reads.
pub fn probe<L: DeserializeOwned, T: DeserializeOwned>() -> (Vec<&'static str>, Vec<&'static str>) {
    (probe_one::<L>(), probe_one::<T>())
}

fn probe_one<D: DeserializeOwned>() -> Vec<&'static str> {
    let fields = Cell::new(None);
    let _ = D::deserialize(Probe(&fields));
    fields.get().unwrap_or_default().to_vec()
}

/// A `Deserializer` that records the field names of `deserialize_struct` and reads nothing.
struct Probe<'a>(&'a Cell<Option<&'static [&'static str]>>);

impl<'de> Deserializer<'de> for Probe<'_> {
    type Error = serde::de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(serde::de::Error::custom("probe"))
    }

    fn deserialize_struct<V: Visitor<'de>>(self, _: &'static str, fields: &'static [&'static str], _: V) -> Result<V::Value, Self::Error> {
        self.0.set(Some(fields));
        Err(serde::de::Error::custom("probe"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}
