//! The command table: what codegen emits into `generated/wacr-cli/src/commands.rs` for each
//! resource group and operation of the spec (names, flags, help, the example), as plain
//! `static` data. Everything else the `wacr` binary does is driven by it.

use crate::operation::{Method, Shape};

/// The whole command-line client.
#[derive(Debug)]
pub struct Cli {
    /// The binary's name (`wacr`).
    pub name: &'static str,
    pub version: &'static str,
    /// One line for `--help`.
    pub about: &'static str,
    /// The documented base URL, used when neither a flag, the environment nor a profile gives one.
    pub default_base_url: &'static str,
    /// The header the token goes in (`Authorization`), for `--dry-run`.
    pub auth_header: &'static str,
    /// The wire names of the list query parameters.
    pub query_keys: QueryKeys,
    pub groups: &'static [Group],
}

/// The wire names of the list query parameters (api.yaml `list_query` and `pagination`).
#[derive(Debug)]
pub struct QueryKeys {
    pub page: &'static str,
    pub per_page: &'static str,
    pub sort: &'static str,
    /// The prefix that sorts a key descending (`-`).
    pub descending: &'static str,
    pub search: &'static str,
    pub filter: &'static str,
    pub include: &'static str,
    pub fields: &'static str,
}

/// A resource group: `wacr contacts …`.
#[derive(Debug)]
pub struct Group {
    pub name: &'static str,
    pub about: &'static str,
    pub operations: &'static [Operation],
}

/// An operation: `wacr contacts get 42`.
#[derive(Debug)]
pub struct Operation {
    /// The spec's operation id (`get_contact`).
    pub id: &'static str,
    /// The subcommand (`get`): the client's method name in kebab case.
    pub name: &'static str,
    /// The summary, for the group's list of subcommands.
    pub about: &'static str,
    /// The description, route, scope and rate limits, for `--help`.
    pub help: &'static str,
    /// A command line built from the spec's first successful example.
    pub example: Option<&'static str>,
    pub method: Method,
    /// The path template (`/contacts/{id}`).
    pub path: &'static str,
    pub shape: Shape,
    /// The operation delivers a WhatsApp message: never re-sent after a failure that may have
    /// reached the server.
    pub sends_message: bool,
    /// Positional arguments, in path order.
    pub params: &'static [Arg],
    /// Query parameters other than the list ones.
    pub query: &'static [Arg],
    /// Paging, sorting, search and filters of a list operation.
    pub list: Option<List>,
    /// The relations `--include` can load.
    pub include: &'static [&'static str],
    /// Whether `--fields` selects fields.
    pub fields: bool,
    pub body: Option<Body>,
}

/// The list query of a list operation.
#[derive(Debug)]
pub struct List {
    pub sort: &'static [&'static str],
    pub default_sort: Option<&'static str>,
    /// The fields `--search` matches (empty: no search).
    pub search: &'static [&'static str],
    pub filters: &'static [Filter],
    /// The page size bounds and default (api.yaml `pagination`).
    pub per_page: (i64, i64, i64),
}

/// A field `--filter` can test.
#[derive(Debug)]
pub struct Filter {
    pub field: &'static str,
    /// The operators it takes (`eq`, `in`, …); the first is the default.
    pub ops: &'static [&'static str],
    pub help: &'static str,
    /// The values an enum field takes, for the help (empty: not an enum).
    pub values: &'static [&'static str],
}

/// A request body.
#[derive(Debug)]
pub struct Body {
    pub encoding: Encoding,
    pub fields: &'static [Arg],
}

/// How a body is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Json,
    Multipart,
    /// JSON, or multipart when a file is attached.
    JsonOrMultipart,
}

/// A path parameter, query parameter or body field, as a typed flag.
#[derive(Debug)]
pub struct Arg {
    /// The name on the wire (`source_id`).
    pub wire: &'static str,
    /// The flag (`source-id`), or the positional's value name.
    pub flag: &'static str,
    /// The description and the rules.
    pub help: &'static str,
    pub kind: Kind,
    /// An array of `kind`: comma-separated or repeated.
    pub many: bool,
    pub required: bool,
}

/// The type of a flag's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    /// One of these wire values.
    Enum(&'static [&'static str]),
    /// Any JSON value (objects, arrays of objects, maps).
    Json,
    /// A path to a file to upload.
    File,
}

impl Cli {
    /// The operation of a group by their subcommand names.
    pub fn operation(&self, group: &str, name: &str) -> Option<&'static Operation> {
        let group = self.groups.iter().find(|g| g.name == group)?;
        group.operations.iter().find(|o| o.name == name)
    }
}
