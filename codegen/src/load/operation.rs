//! The operations of a group file: method and path, parameters, list options, body, response,
//! errors, rate limits, behaviour notes and examples.

use super::provenance;
use crate::diag::Diagnostics;
use crate::spec::*;
use crate::yaml::{At, FromNode, Kind, MapReader, Node};

impl FromNode for Operation {
    const EXPECTED: &'static str = "an operation";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        let mut r = MapReader::new(node, "operation", diags)?;
        let here = |v: &str| At { value: v.to_owned(), loc: node.loc };
        let op = Operation {
            loc: node.loc,
            name: r.opt("name", diags),
            summary: r.req("summary", diags).unwrap_or_default(),
            description: r.opt("description", diags).unwrap_or_default(),
            method: r.req("method", diags).unwrap_or_else(|| here("GET")),
            sends_message: r.opt("sends_message", diags).unwrap_or(false),
            path: r.req("path", diags).unwrap_or_else(|| here("/")),
            scope: r.req("scope", diags).unwrap_or_else(|| here("none")),
            provenance: provenance(&mut r, diags),
            note: r.opt("note", diags),
            path_params: r.opt("path_params", diags).unwrap_or_default(),
            query: r.opt("query", diags).unwrap_or_default(),
            include: r.opt("include", diags).unwrap_or_default(),
            fields: r.opt("fields", diags).unwrap_or(false),
            list: r.node("list").and_then(|n| decode_list(n, diags)),
            body: r.node("body").and_then(|n| decode_body(n, diags)),
            // Without a usable response the operation is dropped, before its keys are checked.
            response: match r.node("response") {
                Some(n) => decode_response(n, diags)?,
                None => {
                    diags.error(r.key_loc(), "missing required key `response` in this operation");
                    return None;
                }
            },
            errors: r.opt("errors", diags).unwrap_or_default(),
            rate_limits: r.opt("rate_limits", diags).unwrap_or_default(),
            behaviour: r.opt("behaviour", diags).unwrap_or_default(),
            notes: r.opt("notes", diags).unwrap_or_default(),
            examples: r.opt("examples", diags).unwrap_or_default(),
        };
        r.finish(diags);
        Some(op)
    }
}

fn decode_list(node: &Node, diags: &mut Diagnostics) -> Option<List> {
    MapReader::read(node, "list", diags, |r, diags| List {
        loc: r.key_loc(),
        sort: r.opt("sort", diags).unwrap_or_default(),
        default_sort: r.opt("default_sort", diags),
        search: r.opt("search", diags).unwrap_or_default(),
        filters: r.opt("filters", diags).unwrap_or_default(),
    })
}

impl FromNode for Filter {
    const EXPECTED: &'static str = "a filter";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        MapReader::read(node, "filter", diags, |r, diags| Filter {
            loc: r.key_loc(),
            ops: r.req("ops", diags).unwrap_or_default(),
            ty: r.opt("type", diags),
            description: r.opt("description", diags),
            provenance: provenance(r, diags),
        })
    }
}

fn decode_body(node: &Node, diags: &mut Diagnostics) -> Option<Body> {
    MapReader::read(node, "body", diags, |r, diags| Body {
        loc: r.key_loc(),
        content_type: r.req("content_type", diags).unwrap_or(At { value: "json".into(), loc: node.loc }),
        fields: r.req("fields", diags).unwrap_or_default(),
    })
}

fn decode_response(node: &Node, diags: &mut Diagnostics) -> Option<Response> {
    MapReader::read(node, "response", diags, |r, diags| Response {
        loc: r.key_loc(),
        status: r.req("status", diags).unwrap_or(At { value: 200, loc: node.loc }),
        message: r.opt("message", diags),
        data: r.opt("data", diags),
        envelope: r.opt("envelope", diags),
        provenance: provenance(r, diags),
        note: r.opt("note", diags),
    })
}

impl FromNode for ErrorRef {
    const EXPECTED: &'static str = "an error";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        MapReader::read(node, "error", diags, |r, diags| {
            let code: Option<At<String>> = r.req("code", diags);
            let e = ErrorRef {
                loc: node.loc,
                code: At { value: String::new(), loc: node.loc },
                when: r.opt("when", diags),
                message: r.opt("message", diags),
                field: r.opt("field", diags),
                provenance: provenance(r, diags),
                note: r.opt("note", diags),
            };
            // An error without a code is dropped, its other problems reported.
            code.map(|code| ErrorRef { code, ..e })
        })
        .flatten()
    }
}

impl FromNode for RateLimitRule {
    const EXPECTED: &'static str = "a rate limit";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        let zero = At { value: 0, loc: node.loc };
        MapReader::read(node, "rate limit", diags, |r, diags| RateLimitRule {
            loc: node.loc,
            key: r.req("key", diags).unwrap_or(At { value: String::new(), loc: node.loc }),
            limit: r.req("limit", diags).unwrap_or(zero.clone()),
            per_seconds: r.req("per_seconds", diags).unwrap_or(zero),
            when: r.opt("when", diags),
            provenance: provenance(r, diags),
            note: r.opt("note", diags),
        })
    }
}

impl FromNode for Behaviour {
    const EXPECTED: &'static str = "a behaviour note";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        if let Kind::Str(s) = &node.kind {
            return Some(Behaviour { loc: node.loc, note: s.clone(), provenance: None });
        }
        MapReader::read(node, "behaviour note", diags, |r, diags| Behaviour {
            loc: node.loc,
            note: r.req("note", diags).unwrap_or_default(),
            provenance: provenance(r, diags),
        })
    }
}

impl FromNode for Example {
    const EXPECTED: &'static str = "an example";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        MapReader::read(node, "example", diags, |r, diags| Example {
            loc: node.loc,
            name: r.req("name", diags).unwrap_or_default(),
            path: r.opt("path", diags),
            request: r.opt("request", diags),
            status: r.opt("status", diags),
            response: r.opt("response", diags),
            invalid: r.opt("invalid", diags),
            provenance: provenance(r, diags),
        })
    }
}
