//! A group file (`api-spec/<group>.yaml`): its title, enums, models and their fields; the
//! operations are `operation`'s.

use super::provenance;
use crate::diag::{Diagnostics, FileId};
use crate::spec::*;
use crate::yaml::{At, FromNode, MapReader, Node};

pub(super) fn decode(file: FileId, node: &Node, diags: &mut Diagnostics) -> Option<GroupFile> {
    MapReader::read(node, "resource file", diags, |r, diags| GroupFile {
        file,
        group: r.req("group", diags).unwrap_or(At { value: String::new(), loc: node.loc }),
        title: r.req("title", diags).unwrap_or_default(),
        description: r.opt("description", diags).unwrap_or_default(),
        enums: r.opt("enums", diags).unwrap_or_default(),
        models: r.opt("models", diags).unwrap_or_default(),
        operations: r.req("operations", diags).unwrap_or_default(),
    })
}

impl FromNode for EnumDef {
    const EXPECTED: &'static str = "an enum";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        MapReader::read(node, "enum", diags, |r, diags| EnumDef {
            loc: node.loc,
            description: r.req("description", diags).unwrap_or_default(),
            provenance: provenance(r, diags),
            values: r.req("values", diags).unwrap_or_default(),
            note: r.opt("note", diags),
        })
    }
}

impl FromNode for Model {
    const EXPECTED: &'static str = "a model";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        MapReader::read(node, "model", diags, |r, diags| Model {
            loc: node.loc,
            description: r.req("description", diags).unwrap_or_default(),
            provenance: provenance(r, diags),
            fields: r.req("fields", diags).unwrap_or_default(),
            relations: r.opt("relations", diags).unwrap_or_default(),
            note: r.opt("note", diags),
        })
    }
}

/// Parses a type expression such as `array<map<integer>>`; the error says what to write.
fn parse_type(text: &str) -> Result<TypeRef, String> {
    let t = text.trim();
    if let Some(inner) = t.strip_prefix("array<").and_then(|s| s.strip_suffix('>')) {
        return parse_type(inner).map(|i| TypeRef::Array(Box::new(i)));
    }
    if let Some(inner) = t.strip_prefix("map<").and_then(|s| s.strip_suffix('>')) {
        return parse_type(inner).map(|i| TypeRef::Map(Box::new(i)));
    }
    Ok(match t {
        "string" => TypeRef::String,
        "integer" => TypeRef::Integer,
        "number" => TypeRef::Number,
        "boolean" => TypeRef::Boolean,
        "datetime" => TypeRef::DateTime,
        "date" => TypeRef::Date,
        "file" => TypeRef::File,
        "json" => TypeRef::Json,
        "array" | "map" | "object" => return Err(format!("`{t}` needs an item type, e.g. `array<integer>`")),
        "int" | "i64" | "int64" => return Err(format!("unknown type `{t}`; did you mean `integer`?")),
        "bool" => return Err("unknown type `bool`; did you mean `boolean`?".into()),
        "str" | "text" => return Err(format!("unknown type `{t}`; did you mean `string`?")),
        "float" | "double" | "f64" => return Err(format!("unknown type `{t}`; did you mean `number`?")),
        _ if !t.is_empty() && t.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && t.chars().all(|c| c.is_ascii_alphanumeric()) => {
            TypeRef::Named(t.to_owned())
        }
        _ => {
            let builtin = ["string", "integer", "number", "boolean", "datetime", "date", "file", "json", "array", "map"];
            if let Some(hint) = crate::diag::did_you_mean(t, builtin) {
                return Err(format!("unknown type `{t}`; {hint}"));
            }
            return Err(format!("`{t}` is not a type: use string, integer, number, boolean, datetime, date, file, json, a model or enum name, array<T> or map<T>"));
        }
    })
}

impl FromNode for TypeRef {
    const EXPECTED: &'static str = "a type";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        let text = String::from_node(node, diags)?;
        match parse_type(&text) {
            Ok(t) => Some(t),
            Err(e) => {
                diags.error(node.loc, e);
                None
            }
        }
    }
}

impl FromNode for Field {
    const EXPECTED: &'static str = "a field";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        MapReader::read(node, "field", diags, |r, diags| {
            let ty: Option<At<TypeRef>> = r.req("type", diags);
            let f = Field {
                loc: node.loc,
                ty: At { value: TypeRef::Json, loc: node.loc },
                description: r.opt("description", diags),
                required: r.opt("required", diags),
                nullable: r.opt("nullable", diags).unwrap_or(false),
                default: r.opt("default", diags),
                example: r.opt("example", diags),
                max_length: r.opt("max_length", diags),
                min_length: r.opt("min_length", diags),
                min: r.opt("min", diags),
                max: r.opt("max", diags),
                min_items: r.opt("min_items", diags),
                max_items: r.opt("max_items", diags),
                unique_items: r.opt("unique_items", diags),
                unique_by: r.opt("unique_by", diags),
                per_item_errors: r.opt("per_item_errors", diags),
                format: r.opt("format", diags),
                pattern: r.opt("pattern", diags),
                max_size: r.opt("max_size", diags),
                extensions: r.opt("extensions", diags),
                required_with: r.opt("required_with", diags).unwrap_or_default(),
                required_without: r.opt("required_without", diags).unwrap_or_default(),
                required_if: r.node("required_if").and_then(|n| decode_required_if(n, diags)),
                unique: r.opt("unique", diags),
                exists: r.opt("exists", diags),
                rule: r.opt("rule", diags),
                messages: r.opt("messages", diags).unwrap_or_default(),
                provenance: provenance(r, diags),
                note: r.opt("note", diags),
            };
            // A field without a (valid) type is dropped, its other problems reported.
            ty.map(|ty| Field { ty, ..f })
        })
        .flatten()
    }
}

fn decode_required_if(node: &Node, diags: &mut Diagnostics) -> Option<RequiredIf> {
    MapReader::read(node, "required_if", diags, |r, diags| {
        let field = r.req("field", diags);
        let equals = r.req::<Node>("equals", diags);
        Some(RequiredIf { field: field?, equals: equals? })
    })
    .flatten()
}
