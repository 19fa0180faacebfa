//! Field rules the store checks itself: the documented messages where the spec has them,
//! Laravel's default wording elsewhere. Used where the HTTP layer cannot check a rule for us
//! (the items of a batch, which fail one by one) and for the rules only the store can know.

use serde_json::{Map, Value};

use super::FieldErrors;

/// Collects the messages of one JSON object's fields.
pub(crate) struct Checker<'a> {
    object: &'a Map<String, Value>,
    pub errors: FieldErrors,
}

impl<'a> Checker<'a> {
    pub fn new(object: &'a Map<String, Value>) -> Self {
        Checker { object, errors: FieldErrors::new() }
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.errors.entry(field.to_owned()).or_default().push(message.into());
    }

    fn present(&self, field: &str) -> Option<&'a Value> {
        self.object.get(field).filter(|v| !v.is_null())
    }

    /// A string field; `required` gives the message when it is missing.
    pub fn string(&mut self, field: &str, required: Option<&str>, max: Option<usize>) -> Option<String> {
        match self.present(field) {
            None => {
                if let Some(message) = required {
                    self.add(field, message);
                }
                None
            }
            Some(Value::String(s)) if s.trim().is_empty() && required.is_some() => {
                self.add(field, required.unwrap_or_default());
                None
            }
            Some(Value::String(s)) => {
                if let Some(max) = max
                    && s.chars().count() > max
                {
                    self.add(field, too_long(field, max));
                    return None;
                }
                Some(s.clone())
            }
            Some(_) => {
                self.add(field, format!("The {} field must be a string.", attribute(field)));
                None
            }
        }
    }

    /// An integer field.
    pub fn integer(&mut self, field: &str, required: bool) -> Option<i64> {
        match self.present(field) {
            None => {
                if required {
                    self.add(field, format!("The {} field is required.", attribute(field)));
                }
                None
            }
            Some(v) => match v.as_i64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok())) {
                Some(n) => Some(n),
                None => {
                    self.add(field, format!("The {} field must be an integer.", attribute(field)));
                    None
                }
            },
        }
    }
}

/// Laravel's max-length message.
pub(crate) fn too_long(field: &str, max: usize) -> String {
    format!("The {} field must not be greater than {max} characters.", attribute(field))
}

/// Laravel's email message.
pub(crate) fn invalid_email(field: &str) -> String {
    format!("The {} field must be a valid email address.", attribute(field))
}

/// Laravel's attribute name: `source_id` reads `source id`.
pub(crate) fn attribute(field: &str) -> String {
    field.replace('_', " ")
}

/// A lenient email check (Laravel's default `email` rule accepts `a@b`).
pub(crate) fn is_email(text: &str) -> bool {
    let mut parts = text.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty() && !domain.is_empty() && !text.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_fields_of_an_object() {
        let item = serde_json::json!({"firstname": "", "lastname": "x".repeat(300), "source_id": "7", "status_id": true});
        let mut c = Checker::new(item.as_object().unwrap());
        assert_eq!(c.string("firstname", Some("First name is required"), Some(255)), None);
        assert_eq!(c.string("lastname", Some("Last name is required"), Some(255)), None);
        assert_eq!(c.integer("source_id", true), Some(7));
        assert_eq!(c.integer("status_id", true), None);
        assert_eq!(c.integer("country_id", false), None);
        assert_eq!(c.errors["firstname"], ["First name is required"]);
        assert_eq!(c.errors["lastname"], ["The lastname field must not be greater than 255 characters."]);
        assert_eq!(c.errors["status_id"], ["The status id field must be an integer."]);
        assert!(!c.errors.contains_key("country_id"));
    }

    #[test]
    fn emails() {
        assert!(is_email("a@b"));
        assert!(is_email("jane.doe@example.com"));
        assert!(!is_email("jane"));
        assert!(!is_email("a@b@c"));
        assert!(!is_email("a b@c"));
    }
}
