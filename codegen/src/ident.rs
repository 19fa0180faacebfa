//! Naming policy, all in one place (prost-build's `ident.rs`): wire names to Rust identifiers.
//! A collision after conversion is a spec diagnostic (see `validate`), never a silent rename.

use heck::{ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "false", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct", "trait",
    "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers get a trailing `_`.
const NOT_RAW: &[&str] = &["self", "super", "crate", "extern", "Self"];

/// A field, parameter, method or module name: `snake_case`, `r#type`, `self_`.
pub fn field(wire: &str) -> String {
    let mut s = match words(wire) {
        // Already lower case: heck's snake case is its words joined by `_` (the name itself
        // unless it has empty words).
        Some(_) if !wire.is_empty() && !wire.starts_with('_') && !wire.ends_with('_') && !wire.contains("__") => wire.to_owned(),
        Some(words) => words.collect::<Vec<_>>().join("_"),
        None => wire.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect::<String>().to_snake_case(),
    };
    if s.is_empty() {
        s = "_".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("_{s}");
    }
    escape(s)
}

/// A type name: `UpperCamelCase`.
pub fn type_name(wire: &str) -> String {
    let mut s = match words(wire) {
        // Already lower case: heck's upper camel case is its words, each capitalised.
        Some(words) => words.fold(String::with_capacity(wire.len()), |mut s, w| {
            s.push(char::from(w.as_bytes()[0].to_ascii_uppercase()));
            s.push_str(&w[1..]);
            s
        }),
        None => wire.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect::<String>().to_upper_camel_case(),
    };
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("V{s}");
    }
    if s == "Self" { "Self_".to_owned() } else { s }
}

/// The words of a name written in lower case ASCII letters and digits with `_` between words,
/// as heck splits it; `None` for any other name (heck's general path, much slower, handles it).
fn words(wire: &str) -> Option<impl Iterator<Item = &str>> {
    wire.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_').then(|| wire.split('_').filter(|w| !w.is_empty()))
}

/// An enum variant for a wire value (`APPROVED` -> `Approved`, `contacts:read` -> `ContactsRead`).
pub fn variant(wire: &str) -> String {
    type_name(&wire.to_lowercase())
}

/// `EqNeInNotInOps`: the operator set of filter fields with these operators (`FilterOp`
/// variant names), named after them.
pub fn filter_ops(variants: impl IntoIterator<Item = String>) -> String {
    let mut name: String = variants.into_iter().collect();
    name.push_str("Ops");
    name
}

/// `ContactEvent`: the payload type of a resource's webhook events.
pub fn event_payload(resource: &str) -> String {
    format!("{}Event", type_name(resource))
}

/// `ContactRelationships`: the `data.relationships` of a resource's webhook events.
pub fn event_relationships(resource: &str) -> String {
    format!("{}Relationships", type_name(resource))
}

/// The types generated for one operation, named from its `type_prefix` (`GetContact`).
pub mod op {
    /// `GetContactRequest`: path parameters, query and body; derives `Operation`.
    pub fn request(prefix: &str) -> String {
        format!("{prefix}Request")
    }

    /// `ListContactsQuery`: the query parameters.
    pub fn query(prefix: &str) -> String {
        format!("{prefix}Query")
    }

    /// `ListContactsFilters`: the `filter[...]` conditions.
    pub fn filters(prefix: &str) -> String {
        format!("{prefix}Filters")
    }

    /// `ListContactsSortField`: the fields `sort=` accepts.
    pub fn sort_field(prefix: &str) -> String {
        format!("{prefix}SortField")
    }

    /// `CreateContactBody`: the request body (also the OpenAPI schema name).
    pub fn body(prefix: &str) -> String {
        format!("{prefix}Body")
    }

    /// `GetContactResponse`: the data of a successful response.
    pub fn response(prefix: &str) -> String {
        format!("{prefix}Response")
    }

    /// `GetContactError`: the error codes the operation can return.
    pub fn error(prefix: &str) -> String {
        format!("{prefix}Error")
    }
}

/// `ContactInclude`: the relations enum `#[derive(wacr_macros::Resource)]` generates for a
/// model (the derive's default name).
pub fn include_enum(model: &str) -> String {
    format!("{model}Include")
}

/// `InvalidCodeDetails`: the typed `details` of an error code, from the code's variant.
pub fn error_details(variant: &str) -> String {
    format!("{variant}Details")
}

fn escape(s: String) -> String {
    // No keyword is longer than eight letters; most names are.
    if s.len() > 8 {
        s
    } else if NOT_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// The token of a name this module produced (`r#type` becomes a raw identifier).
pub fn to_ident(name: &str) -> proc_macro2::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => proc_macro2::Ident::new(name, proc_macro2::Span::call_site()),
    }
}

/// The identifier without a raw prefix, for building longer names.
pub fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naming_table() {
        let table: &[(&str, &str, &str, &str)] = &[
            // wire, field, type, variant
            ("firstname", "firstname", "Firstname", "Firstname"),
            ("type", "r#type", "Type", "Type"),
            ("self", "self_", "Self_", "Self_"),
            ("crate", "crate_", "Crate", "Crate"),
            ("contact.firstname", "contact_firstname", "ContactFirstname", "ContactFirstname"),
            ("contacts:read", "contacts_read", "ContactsRead", "ContactsRead"),
            ("APPROVED", "approved", "Approved", "Approved"),
            ("api_calls_per_minute", "api_calls_per_minute", "ApiCallsPerMinute", "ApiCallsPerMinute"),
            ("button_0", "button_0", "Button0", "Button0"),
            ("3gp", "_3gp", "V3gp", "V3gp"),
            ("not_in", "not_in", "NotIn", "NotIn"),
            ("null", "null", "Null", "Null"),
            ("get_contact", "get_contact", "GetContact", "GetContact"),
        ];
        for (wire, f, t, v) in table {
            assert_eq!(field(wire), *f, "field({wire})");
            assert_eq!(type_name(wire), *t, "type_name({wire})");
            assert_eq!(variant(wire), *v, "variant({wire})");
        }
    }

    /// The quick path for lower case names gives what heck gives.
    #[test]
    fn lower_case_names_convert_as_heck_converts_them() {
        let names = ["a", "a_b", "_a", "a_", "a__b", "_", "__", "", "a1", "1a", "a_1", "1_2", "button_0", "api_calls_per_minute", "x9y_z"];
        for wire in names {
            let cleaned = wire.replace(|c: char| !c.is_ascii_alphanumeric(), "_");
            assert_eq!(words(wire).map(|w| w.collect::<Vec<_>>().join("_")), Some(cleaned.to_snake_case()), "{wire}");
            let camel = type_name(wire);
            let slow = cleaned.to_upper_camel_case();
            let slow = if slow.is_empty() || slow.starts_with(|c: char| c.is_ascii_digit()) { format!("V{slow}") } else { slow };
            assert_eq!(camel, slow, "{wire}");
        }
        assert!(words("aB").is_none() && words("a.b").is_none() && words("é").is_none());
    }

    #[test]
    fn derived_type_names() {
        let table: &[(String, &str)] = &[
            (op::request("GetContact"), "GetContactRequest"),
            (op::query("ListContacts"), "ListContactsQuery"),
            (op::filters("ListContacts"), "ListContactsFilters"),
            (op::sort_field("ListContacts"), "ListContactsSortField"),
            (op::body("CreateContact"), "CreateContactBody"),
            (op::response("GetContact"), "GetContactResponse"),
            (op::error("GetContact"), "GetContactError"),
            (include_enum("Contact"), "ContactInclude"),
            (error_details(&variant("INVALID_CODE")), "InvalidCodeDetails"),
        ];
        for (got, want) in table {
            assert_eq!(got, want);
        }
    }
}
