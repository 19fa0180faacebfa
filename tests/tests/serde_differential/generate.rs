//! proptest strategies: valid JSON for a model, built from its shape, and the mutations of it.

use std::collections::HashMap;

use proptest::prelude::*;
use proptest::sample::select;

use crate::json::{EDGE_NUMBERS, Json, Mutation};
use crate::schema::{Model, Shape};

/// How deep the generator follows optional and repeated values (recursive types end there).
const MAX_DEPTH: u32 = 4;

/// The models of one table, with the wire names each struct's fields are read by.
pub struct Catalog {
    models: &'static [Model],
    names: HashMap<&'static str, Vec<&'static str>>,
}

impl Catalog {
    /// `names` maps each struct to its wire names, in the order of its `fields`.
    pub fn new(models: &'static [Model], names: HashMap<&'static str, Vec<&'static str>>) -> Self {
        Catalog { models, names }
    }

    /// Valid JSON for `shape`; keys of a struct are each left out with a small probability.
    pub fn valid(&self, shape: &'static Shape, depth: u32) -> BoxedStrategy<Json> {
        let deeper = depth + 1;
        match shape {
            Shape::Str | Shape::Other if depth > MAX_DEPTH => text().prop_map(Json::Str).boxed(),
            Shape::Str => text().prop_map(Json::Str).boxed(),
            Shape::Char => prop_oneof![8 => any::<char>().prop_map(String::from), 1 => text()].prop_map(Json::Str).boxed(),
            Shape::Bool => any::<bool>().prop_map(Json::Bool).boxed(),
            Shape::Float => prop_oneof![
                any::<f64>().prop_filter_map("finite", |x| serde_json::Number::from_f64(x).map(|n| n.to_string())),
                any::<i32>().prop_map(|x| x.to_string()),
            ]
            .prop_map(Json::Num)
            .boxed(),
            &Shape::Int(min, max) => prop_oneof![4 => min..=max, 1 => select(vec![min, max, 0.clamp(min, max)])].prop_map(|n| Json::Num(n.to_string())).boxed(),
            Shape::Any => any_json().boxed(),
            Shape::Unit => Just(Json::Null).boxed(),
            Shape::Other => prop_oneof![text().prop_map(Json::Str), any_json()].boxed(),
            Shape::Nullable(_) | Shape::List(_) | Shape::Map(_) if depth > MAX_DEPTH => Just(Json::Null).boxed(),
            Shape::Nullable(inner) => prop_oneof![1 => Just(Json::Null), 3 => self.valid(inner, deeper)].boxed(),
            Shape::List(inner) => prop::collection::vec(self.valid(inner, deeper), 0..4).prop_map(Json::Arr).boxed(),
            Shape::Map(inner) => prop::collection::vec((text(), self.valid(inner, deeper)), 0..4).prop_map(|entries| Json::Obj(entries, false)).boxed(),
            Shape::Tuple(items) => items.iter().map(|item| self.valid(item, deeper)).collect::<Vec<_>>().prop_map(Json::Arr).boxed(),
            Shape::Enum(wires) => prop_oneof![6 => select(*wires).prop_map(str::to_owned), 1 => text()].prop_map(Json::Str).boxed(),
            Shape::Open(wires) => prop_oneof![3 => select(*wires).prop_map(str::to_owned), 1 => text()].prop_map(Json::Str).boxed(),
            Shape::Struct(name) => self.object(name, deeper),
        }
    }

    fn object(&self, name: &str, depth: u32) -> BoxedStrategy<Json> {
        let model = self.models.iter().find(|model| model.name == name);
        let (Some(model), Some(names)) = (model, self.names.get(name)) else {
            return Just(Json::Obj(Vec::new(), false)).boxed();
        };
        let entries: Vec<_> = model
            .fields
            .iter()
            .zip(names)
            .map(|(shape, &key)| prop::option::weighted(0.9, self.valid(shape, depth).prop_map(move |value| (key.to_owned(), value))))
            .collect();
        entries.prop_map(|entries| Json::Obj(entries.into_iter().flatten().collect(), false)).boxed()
    }
}

/// Short strings, from any characters or from a few that matter to the models.
fn text() -> impl Strategy<Value = String> + Clone {
    let known = vec!["", "id", "name", "type", "lead", "Lead", "null", "0", "only", "in", "out", "first", "second", "contact.email", "\u{0}", "é"];
    prop_oneof![
        3 => prop::collection::vec(any::<char>(), 0..6).prop_map(String::from_iter),
        1 => select(known).prop_map(str::to_owned),
    ]
}

/// Any JSON, a few levels deep.
pub fn any_json() -> impl Strategy<Value = Json> + Clone {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        select(EDGE_NUMBERS).prop_map(|n| Json::Num(n.to_owned())),
        any::<i64>().prop_map(|n| Json::Num(n.to_string())),
        text().prop_map(Json::Str),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Arr),
            prop::collection::vec((text(), inner), 0..4).prop_map(|entries| Json::Obj(entries, false)),
        ]
    })
}

/// A mutation and the node it applies at.
pub fn mutation() -> impl Strategy<Value = (Mutation, usize)> {
    let change = prop_oneof![
        2 => Just(Mutation::Null),
        2 => any_json().prop_map(Mutation::Replace),
        2 => select(EDGE_NUMBERS).prop_map(Mutation::EdgeNumber),
        1 => prop_oneof![1..4usize, 120..140usize].prop_map(Mutation::Nest),
        3 => (text(), any_json()).prop_map(|(key, value)| Mutation::AddKey(key, value)),
        3 => prop::option::of(any_json()).prop_map(Mutation::Duplicate),
        2 => Just(Mutation::RemoveKey),
        2 => Just(Mutation::ToArray),
        2 => prop_oneof![Just(Json::Null), any_json()].prop_map(Mutation::Tagged),
        1 => Just(Mutation::EscapeKeys),
        1 => Just(Mutation::Reverse),
        1 => Just(Mutation::Quote),
    ];
    (change, any::<usize>())
}
