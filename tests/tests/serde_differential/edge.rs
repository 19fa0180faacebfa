//! Hand-written edge cases of the lean serde derives, beside the generated models: every
//! `#[serde]` key they honour, each `rename_all` rule, raw identifiers, nullable against
//! optional fields, wire enums with unusual strings, relations, recursion and the widest
//! struct. `build.rs` copies this file into serde_derive twins.

use std::collections::BTreeMap;

use wacr_macros::{Deserialize, Resource, Serialize, WireEnum};
use wacr_runtime::{Open, Patch};

#[derive(Clone, Copy, Debug, PartialEq, Eq, WireEnum)]
#[wire(name = "odd value")]
pub enum Odd {
    #[wire("")]
    Empty,
    #[wire("with space")]
    Space,
    #[wire("quote\"and\\backslash")]
    Quote,
    #[wire("ünï €")]
    Unicode,
    #[wire("Lead")]
    UpperLead,
    #[wire("lead")]
    Lead,
    #[wire("0")]
    Zero,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, WireEnum)]
pub enum Single {
    #[wire("only")]
    Only,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Renames {
    #[serde(rename = "type")]
    pub kind: String,
    pub r#match: i64,
    #[serde(rename = "contact.email")]
    pub email: Option<String>,
    #[serde(rename(serialize = "out", deserialize = "in"))]
    pub both_ways: i64,
    #[serde(rename(deserialize = "read_name"))]
    pub read_renamed: bool,
    #[serde(rename(serialize = "written_name"))]
    pub written_renamed: Option<u8>,
    #[serde(rename(serialize = "second", deserialize = "first"))]
    pub first_in: Option<i64>,
    #[serde(rename(serialize = "first", deserialize = "second"))]
    pub second_in: Option<i64>,
    #[serde(rename = "")]
    pub empty_name: Option<i64>,
    #[serde(rename = "ünï")]
    pub unicode: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CamelCase {
    pub user_id: i64,
    pub _leading: Option<bool>,
    pub http2_url: Option<String>,
    #[serde(rename = "explicit_wins")]
    pub renamed_field: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PascalCase {
    pub group_id: i64,
    pub x: Option<u8>,
    pub r#type: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct ScreamingSnake {
    pub api_key: String,
    pub retry_after2: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct KebabCase {
    pub created_at: String,
    pub is_opted_out: Option<bool>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING-KEBAB-CASE")]
pub struct ScreamingKebab {
    pub content_type: Option<String>,
    pub v: i64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub struct LowerCase {
    pub sent_at: Option<String>,
    pub e_tag: i64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub struct UpperCase {
    pub chat_id: Option<i64>,
    pub b: bool,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct SnakeCase {
    pub message_id: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename = "Renamed")]
pub struct ContainerRename {
    pub a: i64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename(serialize = "Out", deserialize = "In"))]
pub struct ContainerRenameSplit {
    pub b: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Defaults {
    #[serde(default)]
    pub count: i64,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub twice: Option<Option<i64>>,
    #[serde(default)]
    pub flag: bool,
    #[serde(default)]
    pub by_name: BTreeMap<String, i64>,
    pub required: String,
}

/// Whether a count is zero: a `skip_serializing_if` of our own.
pub fn is_zero(count: &i64) -> bool {
    *count == 0
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Skips {
    pub id: i64,
    #[serde(skip)]
    pub cache: Vec<u8>,
    #[serde(skip_serializing)]
    pub never_written: Option<String>,
    #[serde(skip_deserializing)]
    pub never_read: i64,
    #[serde(skip_serializing_if = "is_zero")]
    pub zero_skipped: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub list: Vec<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maybe: Option<String>,
    #[serde(skip_serializing_if = "Option::is_some")]
    pub hidden_when_set: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Nullability {
    pub nullable: Option<i64>,
    #[serde(default)]
    pub optional: Option<i64>,
    pub twice_nullable: Option<Option<bool>>,
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    pub patch: Patch<i64>,
    pub patch_without_default: Patch<bool>,
    pub open: Open<Odd>,
    pub open_nullable: Option<Open<Odd>>,
    pub unit: (),
    pub value: serde_json::Value,
    pub maybe_value: Option<serde_json::Value>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Enums {
    pub odd: Odd,
    pub single: Single,
    pub list: Vec<Odd>,
    pub maybe: Option<Single>,
    pub by_key: BTreeMap<String, Odd>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Numbers {
    pub small: u8,
    pub signed: i8,
    pub wide: u64,
    pub middle: i32,
    pub real: f32,
    pub letter: char,
    pub pair: (i64, String),
    pub boxed: Box<u16>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Node {
    pub id: i64,
    pub next: Option<Box<Node>>,
    pub children: Vec<Node>,
}

#[derive(Debug, Resource, Serialize, Deserialize)]
pub struct WithIncludes {
    pub id: i64,
    #[include]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<ContainerRename>>,
    #[include(rename = "lead_source")]
    #[serde(rename = "source", default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Single>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Empty {}

#[derive(Debug, Serialize, Deserialize)]
pub struct AllSkipped {
    #[serde(skip)]
    pub a: i64,
    #[serde(skip)]
    pub b: String,
}

/// The widest struct the lean derives take: 32 fields.
#[derive(Debug, Serialize, Deserialize)]
pub struct Widest {
    pub f00: u8, pub f01: u8, pub f02: u8, pub f03: u8, pub f04: u8, pub f05: u8, pub f06: u8, pub f07: u8,
    pub f08: Option<i64>, pub f09: Option<i64>, pub f10: Option<i64>, pub f11: Option<i64>,
    pub f12: Option<i64>, pub f13: Option<i64>, pub f14: Option<i64>, pub f15: Option<i64>,
    pub f16: bool, pub f17: bool, pub f18: bool, pub f19: bool, pub f20: bool, pub f21: bool, pub f22: bool, pub f23: bool,
    #[serde(default)] pub f24: String, #[serde(default)] pub f25: String, #[serde(default)] pub f26: String,
    #[serde(default)] pub f27: String, #[serde(default)] pub f28: String, #[serde(default)] pub f29: String,
    #[serde(default)] pub f30: String, #[serde(default)] pub f31: String,
}
