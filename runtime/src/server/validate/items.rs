//! Items reported one by one: the objects of a `per_item` array field (spec
//! `per_item_errors: true`, Batch Create Contacts' `contacts`) that break their rules are taken
//! out of the body before it is decoded and handed to the implementation with their messages,
//! instead of failing the whole request.

use serde_json::{Map, Value};

use super::super::envelope::FieldErrors;

/// An item of a `per_item` array that broke its rules.
#[derive(Clone, Debug, PartialEq)]
pub struct RejectedItem {
    /// The body field holding the array (`contacts`).
    pub field: String,
    /// The item's zero-based position in the array as sent.
    pub index: usize,
    /// The messages keyed by the item's own field names (`firstname`, not `contacts.0.firstname`).
    pub errors: FieldErrors,
    /// The item as sent.
    pub data: Value,
}

impl RejectedItem {
    /// The messages keyed as a whole-request VALIDATION_ERROR keys them: `contacts.0.firstname`.
    pub fn request_errors(&self) -> FieldErrors {
        let mut keyed = FieldErrors::new();
        for (name, messages) in self.errors.iter() {
            for message in messages {
                keyed.add(format!("{}.{}.{name}", self.field, self.index), message.clone());
            }
        }
        keyed
    }
}

/// The rejected items of one request body, in the order of the body's arrays and positions.
/// The typed body holds the other items, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rejected {
    items: Vec<RejectedItem>,
}

impl Rejected {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn items(&self) -> &[RejectedItem] {
        &self.items
    }

    /// The array `field` as sent: each position with its decoded item (from `valid`, the
    /// typed body's array) or its rejection, in the order of the request.
    pub fn merge<T>(self, field: &str, valid: impl IntoIterator<Item = T>) -> Vec<(usize, Result<T, RejectedItem>)> {
        let mut rejected = self.items.into_iter().filter(|r| r.field == field).peekable();
        let mut valid = valid.into_iter();
        let mut out = Vec::new();
        loop {
            let index = out.len();
            if rejected.peek().is_some_and(|r| r.index == index) {
                out.extend(rejected.next().map(|r| (index, Err(r))));
            } else if let Some(item) = valid.next() {
                out.push((index, Ok(item)));
            } else {
                return out;
            }
        }
    }

    pub(super) fn push(&mut self, field: &str, index: usize, errors: FieldErrors) {
        self.items.push(RejectedItem { field: field.to_owned(), index, errors, data: Value::Null });
    }

    /// Moves the rejected items out of `object`'s arrays into their `data`, in one pass over
    /// each array (the checker records an array's items together, in order).
    pub(super) fn take_from(&mut self, object: &mut Map<String, Value>) {
        for group in self.items.chunk_by_mut(|a, b| a.field == b.field) {
            let Some(Value::Array(array)) = object.get_mut(&group[0].field) else { continue };
            let mut next = group.iter_mut().peekable();
            for (index, value) in std::mem::take(array).into_iter().enumerate() {
                match next.next_if(|item| item.index == index) {
                    Some(item) => item.data = value,
                    None => array.push(value),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rejected(indexes: &[usize]) -> Rejected {
        let mut r = Rejected::default();
        for &i in indexes {
            let mut errors = FieldErrors::new();
            errors.add("firstname", "First name is required");
            r.push("contacts", i, errors);
        }
        r
    }

    #[test]
    fn take_from_moves_the_items_out_in_order() {
        let mut object = json!({"contacts": [{"a": 0}, {"a": 1}, {"a": 2}, {"a": 3}]}).as_object().cloned().unwrap();
        let mut r = rejected(&[1, 3]);
        r.take_from(&mut object);
        assert_eq!(object["contacts"], json!([{"a": 0}, {"a": 2}]));
        assert_eq!(r.items().iter().map(|i| (i.index, i.data.clone())).collect::<Vec<_>>(), [(1, json!({"a": 1})), (3, json!({"a": 3}))]);
    }

    #[test]
    fn merge_puts_every_item_back_in_its_place() {
        let merged = rejected(&[0, 2, 3]).merge("contacts", ["b", "e"]);
        let shape: Vec<(usize, Result<&str, usize>)> = merged.into_iter().map(|(i, r)| (i, r.map_err(|e| e.index))).collect();
        assert_eq!(shape, [(0, Err(0)), (1, Ok("b")), (2, Err(2)), (3, Err(3)), (4, Ok("e"))]);
        assert_eq!(Rejected::default().merge("contacts", [1, 2]).len(), 2);
    }

    #[test]
    fn validate_items_takes_failing_objects_out_and_keeps_request_errors() {
        use super::super::{Field, Kind, Rule, field, validate_items};
        const ITEM: &[Field] = &[field("name", Kind::String).required().rules(&[Rule::MaxLength(3)])];
        const BODY: &[Field] = &[field("items", Kind::Array(&Kind::Object(ITEM))).required().per_item(), field("flag", Kind::Boolean)];
        let mut object = json!({"items": [{"name": "ok"}, {}, {"name": "long"}, {"name": "b"}], "flag": true}).as_object().cloned().unwrap();
        let mut errors = FieldErrors::new();
        let r = validate_items(BODY, &mut object, &[], &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(object["items"], json!([{"name": "ok"}, {"name": "b"}]));
        let got: Vec<(usize, Value, Value)> = r.items().iter().map(|i| (i.index, i.errors.to_json(), i.data.clone())).collect();
        assert_eq!(
            got,
            [
                (1, json!({"name": ["The name field is required."]}), json!({})),
                (2, json!({"name": ["The name field must not be greater than 3 characters."]}), json!({"name": "long"})),
            ]
        );
        let mut object = json!({"items": [{"name": "ok"}, 5], "flag": "no"}).as_object().cloned().unwrap();
        let mut errors = FieldErrors::new();
        assert!(validate_items(BODY, &mut object, &[], &mut errors).is_empty());
        assert_eq!(errors.to_json(), json!({"items.1": ["The items.1 field must be an object."], "flag": ["The flag field must be true or false."]}));
    }

    #[test]
    fn request_errors_key_the_messages_by_position() {
        let r = rejected(&[4]);
        let keyed = r.items()[0].request_errors();
        assert_eq!(keyed.get("contacts.4.firstname"), Some(&["First name is required".to_owned()][..]));
    }
}
