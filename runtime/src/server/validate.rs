//! Request validation: the spec's field rules as constant tables (the generated code builds one
//! per body, query and nested model with [`field`]), checked against the decoded JSON before
//! the typed body is built, so every violation is reported at once as `errors: {field:
//! [messages]}`, with the spec's documented message for the rule or a Laravel-style default
//! ("The firstname field is required.").
//!
//! Rules only the implementation can check (`unique`, `exists`, free-text `rule`) are not in
//! the tables; their documented messages are, for [`message`].

mod checks;
mod items;
mod messages;

use serde_json::{Map, Value};

use checks::{filled, format_ok, has_duplicates, pattern_ok};
use messages::{Label, format_message, label, missing, missing_message, say, type_message};

use super::envelope::FieldErrors;
use crate::file::File;

pub use items::{Rejected, RejectedItem};

/// The shape a value must have.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    /// ISO 8601 date-time text (checked as a string).
    DateTime,
    /// ISO 8601 date or date-time text (checked as a string).
    Date,
    /// Any JSON value.
    Json,
    /// An uploaded file (multipart bodies).
    File,
    /// One of these wire strings.
    Enum(&'static [&'static str]),
    /// An object with these fields.
    Object(&'static [Field]),
    Array(&'static Kind),
    /// An object with arbitrary keys and values of this kind.
    Map(&'static Kind),
}

/// A literal of `required_if`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Lit {
    Str(&'static str),
    Int(i64),
    Num(f64),
    Bool(bool),
}

/// `format:` of a string field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Email,
    Url,
    Phone,
}

/// A machine-checkable rule. String, number and file rules of an array field apply to each
/// item; item-count rules to the array.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rule {
    /// Characters, not bytes.
    MaxLength(u64),
    MinLength(u64),
    Min(f64),
    Max(f64),
    MinItems(u64),
    MaxItems(u64),
    UniqueItems,
    /// No two items have the same value of this item field.
    UniqueBy(&'static str),
    Format(Format),
    /// A regular expression the whole string must match.
    Pattern(&'static str),
    /// Bytes.
    MaxSize(u64),
    /// Lowercase extensions.
    Extensions(&'static [&'static str]),
    /// Required when every one of these fields is present.
    RequiredWith(&'static [&'static str]),
    /// Required when none of these fields is present.
    RequiredWithout(&'static [&'static str]),
    /// Required when the field has this value.
    RequiredIf(&'static str, Lit),
}

/// A field of a body, query or model, with its rules and documented messages.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub wire: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub nullable: bool,
    pub rules: &'static [Rule],
    /// Documented messages by rule name (`required`, `max_length`, `enum`, `unique`, ...).
    pub messages: &'static [(&'static str, &'static str)],
    /// An array of objects at the top of a body whose items are checked one by one: see
    /// [`validate_items`].
    pub per_item: bool,
}

/// An optional, non-nullable field without rules; chain the builders for the rest.
pub const fn field(wire: &'static str, kind: Kind) -> Field {
    Field { wire, kind, required: false, nullable: false, rules: &[], messages: &[], per_item: false }
}

impl Field {
    #[must_use]
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    #[must_use]
    pub const fn nullable(mut self) -> Self {
        self.nullable = true;
        self
    }

    #[must_use]
    pub const fn rules(mut self, rules: &'static [Rule]) -> Self {
        self.rules = rules;
        self
    }

    #[must_use]
    pub const fn per_item(mut self) -> Self {
        self.per_item = true;
        self
    }

    #[must_use]
    pub const fn messages(mut self, messages: &'static [(&'static str, &'static str)]) -> Self {
        self.messages = messages;
        self
    }

    /// The documented message for `rule`, if the spec has one.
    pub fn documented(&self, rule: &str) -> Option<&'static str> {
        self.messages.iter().find(|(r, _)| *r == rule).map(|(_, m)| *m)
    }
}

/// The message for a rule the implementation checks (`unique`, `exists`, `rule`): the
/// documented one, or a Laravel-style default. `path` is `wire` or `items.0.wire` for nested
/// fields.
pub fn message(fields: &[Field], path: &str, rule: &str) -> String {
    let found = lookup(fields, path);
    if let Some(text) = found.and_then(|f| f.documented(rule)) {
        return text.to_owned();
    }
    let label = label(path);
    match rule {
        "unique" => format!("The {label} has already been taken."),
        "exists" => format!("The selected {label} is invalid."),
        "required" => format!("The {label} field is required."),
        _ => format!("The {label} field is invalid."),
    }
}

fn lookup<'f>(fields: &'f [Field], path: &str) -> Option<&'f Field> {
    if let Some(f) = fields.iter().find(|f| f.wire == path) {
        return Some(f);
    }
    let (head, rest) = path.split_once('.')?;
    let f = fields.iter().find(|f| f.wire == head)?;
    let mut kind = &f.kind;
    let mut rest = rest;
    loop {
        match kind {
            Kind::Array(item) | Kind::Map(item) => {
                let (_, tail) = rest.split_once('.').unwrap_or((rest, ""));
                kind = item;
                rest = tail;
            }
            Kind::Object(nested) => return lookup(nested, rest),
            _ => return None,
        }
    }
}

/// Checks `object` (with the multipart `files`, by part name) against `fields`, adding every
/// violation to `errors`.
pub fn validate(fields: &[Field], object: &Map<String, Value>, files: &[(String, File)], errors: &mut FieldErrors) {
    Checker { errors, rejected: None }.object(fields, object, files, "");
}

/// Like [`validate`], except for the `per_item` array fields of `fields`: an object item that
/// breaks its rules is taken out of `object` and returned with its messages (keyed by the
/// item's own field names) instead of being reported in `errors`. An item that is not an
/// object, and the array's own rules, still fail the request.
pub fn validate_items(fields: &[Field], object: &mut Map<String, Value>, files: &[(String, File)], errors: &mut FieldErrors) -> Rejected {
    let mut rejected = Rejected::default();
    Checker { errors, rejected: Some(&mut rejected) }.object(fields, object, files, "");
    rejected.take_from(object);
    integral_numbers(fields, object);
    rejected
}

/// `v` as an integer: JSON Schema's `integer` (and Laravel's rule) takes a number with no
/// fraction, so `3.0` is the integer 3.
fn integral(v: &Value) -> Option<i64> {
    let Value::Number(n) = v else { return None };
    n.as_i64().or_else(|| n.as_f64().filter(|x| x.fract() == 0.0 && x.abs() < 9.0e15).map(|x| x as i64))
}

/// Writes the integral numbers of `Integer` fields of `object` as integers (`3.0` as `3`), so
/// that the typed body, whose integers are `i64`, reads what the checks let through.
fn integral_numbers(fields: &[Field], object: &mut Map<String, Value>) {
    for f in fields {
        if let Some(v) = object.get_mut(f.wire) {
            integral_value(&f.kind, v);
        }
    }
}

fn integral_value(kind: &Kind, v: &mut Value) {
    match (kind, v) {
        (Kind::Integer, v @ Value::Number(_)) => {
            if let Some(n) = integral(v) {
                *v = Value::from(n);
            }
        }
        (Kind::Object(fields), Value::Object(object)) => integral_numbers(fields, object),
        (Kind::Array(item), Value::Array(items)) => items.iter_mut().for_each(|v| integral_value(item, v)),
        (Kind::Map(item), Value::Object(entries)) => entries.values_mut().for_each(|v| integral_value(item, v)),
        _ => {}
    }
}

/// Whether `v` is an array with more items than a `MaxItems` rule of `f` allows.
fn over_max_items(f: &Field, v: &Value) -> bool {
    let Value::Array(items) = v else { return false };
    f.rules.iter().any(|rule| matches!(rule, Rule::MaxItems(max) if items.len() as u64 > *max))
}

struct Checker<'e> {
    errors: &'e mut FieldErrors,
    /// Where the failing items of `per_item` fields go; `None` reports them in `errors`.
    rejected: Option<&'e mut Rejected>,
}

impl Checker<'_> {
    fn object(&mut self, fields: &[Field], object: &Map<String, Value>, files: &[(String, File)], prefix: &str) {
        let present = |name: &str| filled(object.get(name)) || files.iter().any(|(n, _)| n == name);
        for f in fields {
            // The path is built only for a field that is reported or looked into: most optional
            // fields of a large body are absent.
            let path = || format!("{prefix}{}", f.wire);
            let value = object.get(f.wire);
            let sent_null = f.nullable && matches!(value, Some(Value::Null));
            if !present(f.wire) && !sent_null && let Some(failed) = missing(f, object, &present) {
                let path = path();
                self.errors.add_with(&path, || missing_message(f, failed, &path));
                continue;
            }
            let own_files: Vec<&File> = files.iter().filter(|(n, _)| n == f.wire).map(|(_, file)| file).collect();
            if !own_files.is_empty() {
                self.files(f, &own_files, &path());
                continue;
            }
            match value {
                None => {}
                // null means "clear" only where the spec says the field is nullable; elsewhere
                // it is a value of the wrong type, as Laravel's rules read it.
                Some(Value::Null) if f.nullable => {}
                Some(Value::Null) => {
                    let path = path();
                    self.errors.add_with(&path, || say(f, "type", || type_message(&f.kind, &path)));
                }
                Some(v) => self.value(f, &f.kind, v, &path()),
            }
        }
    }

    fn value(&mut self, f: &Field, kind: &Kind, v: &Value, path: &str) {
        let fits = match kind {
            Kind::String | Kind::DateTime | Kind::Date => v.is_string(),
            Kind::Integer => integral(v).is_some(),
            Kind::Number => v.is_number(),
            Kind::Boolean => v.is_boolean(),
            Kind::Json => true,
            Kind::File => false,
            Kind::Enum(values) => {
                if !v.as_str().is_some_and(|s| values.contains(&s)) {
                    let message = f.documented("enum").map_or_else(|| format!("The selected {} is invalid.", label(path)), str::to_owned);
                    self.errors.add(path, message);
                }
                return;
            }
            Kind::Object(_) | Kind::Map(_) => v.is_object(),
            Kind::Array(_) => v.is_array(),
        };
        if !fits {
            self.errors.add(path, say(f, "type", || type_message(kind, path)));
            return;
        }
        self.rules(f, v, path);
        if over_max_items(f, v) {
            // Reported by `rules`; the items of an array over its bound are not looked at.
            return;
        }
        match (kind, v) {
            (Kind::Object(fields), Value::Object(object)) => self.object(fields, object, &[], &format!("{path}.")),
            (Kind::Array(Kind::Object(fields)), Value::Array(items)) if f.per_item && self.rejected.is_some() && !path.contains('.') => {
                self.items(f, fields, items, path);
            }
            (Kind::Array(item), Value::Array(items)) => {
                for (i, item_value) in items.iter().enumerate() {
                    self.value(f, item, item_value, &format!("{path}.{i}"));
                }
            }
            (Kind::Map(item), Value::Object(entries)) => {
                for (key, entry) in entries {
                    self.value(f, item, entry, &format!("{path}.{key}"));
                }
            }
            _ => {}
        }
    }

    /// The items of a `per_item` array: each object checked on its own.
    fn items(&mut self, f: &Field, fields: &[Field], items: &[Value], path: &str) {
        for (i, item) in items.iter().enumerate() {
            let Value::Object(object) = item else {
                self.value(f, &Kind::Object(&[]), item, &format!("{path}.{i}"));
                continue;
            };
            let mut own = FieldErrors::new();
            Checker { errors: &mut own, rejected: None }.object(fields, object, &[], "");
            if !own.is_empty()
                && let Some(rejected) = self.rejected.as_deref_mut()
            {
                rejected.push(path, i, own);
            }
        }
    }

    fn rules(&mut self, f: &Field, v: &Value, path: &str) {
        let l = Label(path);
        for rule in f.rules {
            let failed = match (rule, v) {
                (Rule::MaxLength(n), Value::String(s)) => (s.chars().count() as u64 > *n)
                    .then(|| say(f, "max_length", || format!("The {l} field must not be greater than {n} characters."))),
                (Rule::MinLength(n), Value::String(s)) => (( s.chars().count() as u64) < *n)
                    .then(|| say(f, "min_length", || format!("The {l} field must be at least {n} characters."))),
                (Rule::Min(n), Value::Number(x)) => (x.as_f64().is_some_and(|x| x < *n))
                    .then(|| say(f, "min", || format!("The {l} field must be at least {n}."))),
                (Rule::Max(n), Value::Number(x)) => (x.as_f64().is_some_and(|x| x > *n))
                    .then(|| say(f, "max", || format!("The {l} field must not be greater than {n}."))),
                (Rule::MinItems(n), Value::Array(a)) => ((a.len() as u64) < *n)
                    .then(|| say(f, "min_items", || format!("The {l} field must have at least {n} items."))),
                (Rule::MaxItems(n), Value::Array(a)) => (a.len() as u64 > *n)
                    .then(|| say(f, "max_items", || format!("The {l} field must not have more than {n} items."))),
                (Rule::UniqueItems, Value::Array(a)) => has_duplicates(a.iter())
                    .then(|| say(f, "unique_items", || format!("The {l} field has a duplicate value."))),
                (Rule::UniqueBy(key), Value::Array(a)) => has_duplicates(a.iter().filter_map(|item| item.get(key)))
                    .then(|| say(f, "unique_items", || format!("The {l} field has a duplicate {}.", label(key)))),
                (Rule::Format(format), Value::String(s)) => (!format_ok(*format, s)).then(|| say(f, "format", || format_message(*format, &l.to_string()))),
                (Rule::Pattern(p), Value::String(s)) => (!pattern_ok(p, s)).then(|| say(f, "pattern", || format!("The {l} field format is invalid."))),
                _ => None,
            };
            if let Some(message) = failed {
                self.errors.add(path, message);
            }
        }
    }

    fn files(&mut self, f: &Field, files: &[&File], path: &str) {
        let many = matches!(f.kind, Kind::Array(Kind::File));
        if !matches!(f.kind, Kind::File) && !many {
            self.errors.add(path, say(f, "type", || type_message(&f.kind, path)));
            return;
        }
        if !many && files.len() > 1 {
            self.errors.add(path, say(f, "type", || format!("The {} field must be a single file.", label(path))));
        }
        let as_array = Value::Array(files.iter().map(|_| Value::Null).collect());
        if many {
            self.rules(f, &as_array, path);
        }
        for (i, file) in files.iter().enumerate() {
            let item_path = if many { format!("{path}.{i}") } else { path.to_owned() };
            let l = label(&item_path);
            for rule in f.rules {
                let failed = match rule {
                    Rule::MaxSize(max) => (file.size() as u64 > *max)
                        .then(|| say(f, "max_size", || format!("The {l} field must not be greater than {} kilobytes.", max / 1024))),
                    Rule::Extensions(allowed) => (!file.extension().is_some_and(|e| allowed.contains(&e.as_str())))
                        .then(|| say(f, "extensions", || format!("The {l} field must be a file of type: {}.", allowed.join(", ")))),
                    _ => None,
                };
                if let Some(message) = failed {
                    self.errors.add(&item_path, message);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const BUTTON: &[Field] = &[field("id", Kind::String).required(), field("title", Kind::String).required().rules(&[Rule::MaxLength(20)])];

    const BODY: &[Field] = &[
        field("firstname", Kind::String).required().rules(&[Rule::MaxLength(5)]).messages(&[("required", "First name is required")]),
        field("email", Kind::String).rules(&[Rule::Format(Format::Email)]),
        field("type", Kind::Enum(&["lead", "customer"])).messages(&[("enum", "Type must be either lead or customer")]),
        field("status_id", Kind::Integer).rules(&[Rule::Min(1.0), Rule::Max(9.0)]),
        field("company", Kind::String).nullable(),
        field("groups", Kind::Array(&Kind::Integer)).rules(&[Rule::MinItems(1), Rule::MaxItems(2), Rule::UniqueItems]),
        field("color", Kind::String).rules(&[Rule::Pattern("^#[0-9A-Fa-f]{6}$")]),
        field("media_url", Kind::String).rules(&[Rule::RequiredWithout(&["media_file"]), Rule::Format(Format::Url)]),
        field("media_file", Kind::File).rules(&[Rule::RequiredWithout(&["media_url"]), Rule::MaxSize(2048), Rule::Extensions(&["jpg", "png"])]),
        field("kind", Kind::String),
        field("buttons", Kind::Array(&Kind::Object(BUTTON))).rules(&[Rule::RequiredIf("kind", Lit::Str("button")), Rule::UniqueBy("id")]),
        field("note", Kind::String).rules(&[Rule::RequiredWith(&["kind", "color"]), Rule::MinLength(2)]),
        field("phone", Kind::String).rules(&[Rule::Format(Format::Phone)]),
        field("active", Kind::Boolean),
    ];

    fn check(body: Value, files: &[(String, File)]) -> FieldErrors {
        let mut errors = FieldErrors::new();
        validate(BODY, body.as_object().unwrap(), files, &mut errors);
        errors
    }

    fn messages(errors: &FieldErrors) -> Vec<(String, String)> {
        errors.iter().flat_map(|(f, ms)| ms.iter().map(move |m| (f.to_owned(), m.clone()))).collect()
    }

    fn png(size: usize) -> Vec<(String, File)> {
        vec![("media_file".to_owned(), File::new("a.PNG", "image/png", vec![0; size]))]
    }

    #[test]
    fn a_valid_body_passes() {
        let body = json!({"firstname": "Ann", "email": "a@b.co", "type": "lead", "status_id": 3, "company": null,
            "groups": [1, 2], "color": "#A0b1C2", "media_url": "https://x.io/a.png", "phone": "+91 (999) 999-9999", "active": true});
        assert!(check(body, &[]).is_empty());
        assert!(check(json!({"firstname": "Ann"}), &png(10)).is_empty());
    }

    #[test]
    fn required_uses_the_documented_message_and_required_without_the_default() {
        let errors = check(json!({"firstname": "  "}), &[]);
        assert_eq!(
            messages(&errors),
            [
                ("firstname".into(), "First name is required".into()),
                ("media_url".into(), "The media url field is required when media file is not present.".into()),
                ("media_file".into(), "The media file field is required when media url is not present.".into()),
            ]
        );
    }

    #[test]
    fn every_rule_kind_reports_with_laravel_defaults() {
        let body = json!({"firstname": "Annabel", "email": "nope", "type": "partner", "status_id": 0, "groups": [1, 1, 2],
            "color": "red", "media_url": "ftp://x", "kind": "button", "note": "x", "phone": "12ab", "active": "yes"});
        let got = messages(&check(body, &[]));
        let expected: Vec<(String, String)> = [
            ("firstname", "The firstname field must not be greater than 5 characters."),
            ("email", "The email field must be a valid email address."),
            ("type", "Type must be either lead or customer"),
            ("status_id", "The status id field must be at least 1."),
            ("groups", "The groups field must not have more than 2 items."),
            ("groups", "The groups field has a duplicate value."),
            ("color", "The color field format is invalid."),
            ("media_url", "The media url field must be a valid URL."),
            ("buttons", "The buttons field is required when kind is button."),
            ("note", "The note field must be at least 2 characters."),
            ("phone", "The phone field must be a valid phone number."),
            ("active", "The active field must be true or false."),
        ]
        .iter()
        .map(|(f, m)| ((*f).to_owned(), (*m).to_owned()))
        .collect();
        assert_eq!(got, expected);
        let body = json!({"firstname": "A", "media_url": "https://a.b", "color": "#000000", "kind": "x", "status_id": 10, "groups": []});
        let got = messages(&check(body, &[]));
        assert_eq!(got[0], ("status_id".into(), "The status id field must not be greater than 9.".into()));
        assert_eq!(got[1], ("groups".into(), "The groups field must have at least 1 items.".into()));
        assert_eq!(got[2], ("note".into(), "The note field is required when kind / color is present.".into()));
        assert_eq!(got.len(), 3, "buttons is required only when kind is button: {got:?}");
        let got = messages(&check(json!({"firstname": "A", "media_url": "https://a.b", "groups": [1, "x", "y"]}), &[]));
        assert_eq!(got, [("groups".into(), "The groups field must not have more than 2 items.".into())], "items past the bound are not checked");
    }

    #[test]
    fn nested_objects_report_with_dotted_paths() {
        let body = json!({"firstname": "A", "media_url": "https://a.b", "kind": "button",
            "buttons": [{"id": "a", "title": "this title is far too long"}, {"id": "a"}]});
        let got = messages(&check(body, &[]));
        assert_eq!(
            got,
            [
                ("buttons".into(), "The buttons field has a duplicate id.".into()),
                ("buttons.0.title".into(), "The buttons.0.title field must not be greater than 20 characters.".into()),
                ("buttons.1.title".into(), "The buttons.1.title field is required.".into()),
            ]
        );
    }

    #[test]
    fn types_are_checked_before_rules() {
        let got = messages(&check(json!({"firstname": 5, "status_id": "3", "groups": [1, "x"], "media_url": "https://a.b", "buttons": {}}), &[]));
        assert_eq!(
            got,
            [
                ("firstname".into(), "The firstname field must be a string.".into()),
                ("status_id".into(), "The status id field must be an integer.".into()),
                ("groups.1".into(), "The groups.1 field must be an integer.".into()),
                ("buttons".into(), "The buttons field must be an array.".into()),
            ]
        );
    }

    #[test]
    fn files_are_checked_for_size_and_extension() {
        let got = messages(&check(json!({"firstname": "A"}), &png(4096)));
        assert_eq!(got, [("media_file".into(), "The media file field must not be greater than 2 kilobytes.".into())]);
        let files = vec![("media_file".to_owned(), File::new("a.gif", "image/gif", vec![1]))];
        let got = messages(&check(json!({"firstname": "A"}), &files));
        assert_eq!(got, [("media_file".into(), "The media file field must be a file of type: jpg, png.".into())]);
        let got = messages(&check(json!({"firstname": "A", "media_file": "text"}), &[]));
        assert_eq!(got, [("media_file".into(), "The media file field must be a file.".into())]);
    }

    #[test]
    fn null_is_accepted_only_where_it_means_something() {
        assert!(check(json!({"firstname": "A", "media_url": "https://a.b", "company": null}), &[]).is_empty());
        let got = messages(&check(json!({"firstname": null, "media_url": "https://a.b"}), &[]));
        assert_eq!(got, [("firstname".into(), "First name is required".into())]);
        let got = messages(&check(json!({"firstname": "A", "media_url": "https://a.b", "email": null, "groups": null}), &[]));
        assert_eq!(
            got,
            [
                ("email".into(), "The email field must be a string.".into()),
                ("groups".into(), "The groups field must be an array.".into()),
            ],
            "null for an optional field that is not nullable is a value of the wrong type"
        );
    }

    #[test]
    fn integral_numbers_are_integers() {
        let mut body = json!({"firstname": "A", "media_url": "https://a.b", "status_id": 3.0, "groups": [1.0, 2]});
        let mut errors = FieldErrors::new();
        validate_items(BODY, body.as_object_mut().unwrap(), &[], &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!((&body["status_id"], &body["groups"]), (&json!(3), &json!([1, 2])));
        let got = messages(&check(json!({"firstname": "A", "media_url": "https://a.b", "status_id": 2.5}), &[]));
        assert_eq!(got, [("status_id".into(), "The status id field must be an integer.".into())]);
    }

    #[test]
    fn messages_for_implementation_rules() {
        const F: &[Field] = &[
            field("phone", Kind::String).messages(&[("unique", "This phone number already exists")]),
            field("items", Kind::Array(&Kind::Object(BUTTON))),
        ];
        assert_eq!(message(F, "phone", "unique"), "This phone number already exists");
        assert_eq!(message(F, "source_id", "exists"), "The selected source id is invalid.");
        assert_eq!(message(F, "items.0.id", "unique"), "The items.0.id has already been taken.");
        assert!(lookup(F, "items.0.title").is_some());
        assert_eq!(Label("items.0.status_id").to_string(), label("items.0.status_id"));
    }
}
