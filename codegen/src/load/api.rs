//! `api.yaml`: what the whole API shares (info, base URL, auth, scopes, the error catalogue,
//! envelope, pagination, list query, filter operators, rate limits, contradictions).

use super::provenance;
use crate::diag::{Diagnostics, FileId, Loc};
use crate::spec::*;
use crate::yaml::{At, FromNode, MapReader, Node};

pub(super) fn decode(file: FileId, node: &Node, diags: &mut Diagnostics) -> Option<Api> {
    let mut r = MapReader::new(node, "api.yaml", diags)?;
    let info = r.node("info").and_then(|n| decode_info(n, diags)).unwrap_or_default();
    if !r.has("info") {
        diags.error(node.loc, "missing required key `info` in api.yaml");
    }
    let (base_url, base_url_provenance) = match r.node("base_url") {
        Some(n) => decode_sourced(n, "base_url", diags),
        None => {
            diags.error(node.loc, "missing required key `base_url` in api.yaml");
            (At { value: String::new(), loc: node.loc }, None)
        }
    };
    let auth = r.req_with("auth", diags, decode_auth).unwrap_or(Auth {
        scheme: At { value: "bearer".into(), loc: node.loc },
        header: "Authorization".into(),
        description: String::new(),
        provenance: None,
    });
    let api = Api {
        file,
        info,
        base_url,
        base_url_provenance,
        auth,
        groups: r.req("groups", diags).unwrap_or_default(),
        scopes: r.req("scopes", diags).unwrap_or_default(),
        errors: r.req("errors", diags).unwrap_or_default(),
        common_errors: r.opt("common_errors", diags).unwrap_or_default(),
        input_errors: r.opt("input_errors", diags).unwrap_or_default(),
        envelope: r.req_with("envelope", diags, decode_envelope).unwrap_or_default(),
        pagination: r.req_with("pagination", diags, decode_pagination).unwrap_or_default(),
        list_query: r.req_with("list_query", diags, decode_list_query).unwrap_or_default(),
        filter_operators: r.req("filter_operators", diags).unwrap_or_default(),
        rate_limit: r.req_with("rate_limit", diags, decode_rate_limit).unwrap_or_default(),
        contradictions: r.opt("contradictions", diags).unwrap_or_default(),
    };
    r.finish(diags);
    Some(api)
}

fn decode_info(node: &Node, diags: &mut Diagnostics) -> Option<Info> {
    MapReader::read(node, "info", diags, |r, diags| Info {
        title: r.req("title", diags).unwrap_or_default(),
        version: r.req("version", diags).unwrap_or_default(),
        description: r.opt("description", diags).unwrap_or_default(),
        license: r.node("license").map(|n| decode_sourced(n, "license", diags)),
    })
}

/// A `{value, documented | inferred}` map: a value with where it comes from.
fn decode_sourced(node: &Node, what: &'static str, diags: &mut Diagnostics) -> (At<String>, Option<Provenance>) {
    let fallback = At { value: String::new(), loc: node.loc };
    MapReader::read(node, what, diags, |r, diags| (r.req("value", diags).unwrap_or(fallback.clone()), provenance(r, diags))).unwrap_or((fallback, None))
}

fn decode_auth(node: &Node, diags: &mut Diagnostics) -> Option<Auth> {
    MapReader::read(node, "auth", diags, |r, diags| Auth {
        scheme: r.req("scheme", diags).unwrap_or(At { value: "bearer".into(), loc: node.loc }),
        header: r.opt("header", diags).unwrap_or_else(|| "Authorization".into()),
        description: r.opt("description", diags).unwrap_or_default(),
        provenance: provenance(r, diags),
    })
}

fn decode_envelope(node: &Node, diags: &mut Diagnostics) -> Option<Envelope> {
    MapReader::read(node, "envelope", diags, |r, diags| {
        let mut key = |k: &'static str| r.req::<String>(k, diags).unwrap_or_else(|| k.to_owned());
        let env = Envelope {
            success: key("success"),
            message: key("message"),
            data: key("data"),
            meta: key("meta"),
            links: key("links"),
            error: key("error"),
            code: key("code"),
            details: key("details"),
            errors: key("errors"),
            provenance: None,
        };
        Envelope { provenance: provenance(r, diags), ..env }
    })
}

/// (default, min, max) and where the default is written.
fn decode_bounds(node: &Node, name: &'static str, with_max: bool, diags: &mut Diagnostics) -> (i64, i64, i64, Loc) {
    MapReader::read(node, name, diags, |r, diags| {
        let default_loc = r.node("default").map_or(node.loc, |n| n.loc);
        let default = r.req("default", diags).unwrap_or(1);
        let min = r.req("min", diags).unwrap_or(1);
        let max = if with_max { r.req("max", diags).unwrap_or(default) } else { i64::MAX };
        (default, min, max, default_loc)
    })
    .unwrap_or((1, 1, 1, node.loc))
}

fn decode_pagination(node: &Node, diags: &mut Diagnostics) -> Option<Pagination> {
    MapReader::read(node, "pagination", diags, |r, diags| {
        let prov = provenance(r, diags);
        let (page_default, page_min, _, _) = r.node("page").map_or((1, 1, 0, node.loc), |n| decode_bounds(n, "page", false, diags));
        let (per_page_default, per_page_min, per_page_max, per_page_loc) =
            r.node("per_page").map_or((15, 1, 100, r.key_loc()), |n| decode_bounds(n, "per_page", true, diags));
        let meta = r.req("meta", diags).unwrap_or_default();
        let links = r.req("links", diags).unwrap_or_default();
        Pagination { provenance: prov, page_default, page_min, per_page_default, per_page_min, per_page_max, per_page_loc, meta, links }
    })
}

fn decode_list_query(node: &Node, diags: &mut Diagnostics) -> Option<ListQuery> {
    MapReader::read(node, "list_query", diags, |r, diags| ListQuery {
        provenance: provenance(r, diags),
        sort: r.req("sort", diags).unwrap_or_default(),
        descending_prefix: r.req("descending_prefix", diags).unwrap_or_default(),
        search: r.req("search", diags).unwrap_or_default(),
        search_aliases: r.opt("search_aliases", diags).unwrap_or_default(),
        fields: r.req("fields", diags).unwrap_or_default(),
        include: r.req("include", diags).unwrap_or_default(),
        filter: r.req("filter", diags).unwrap_or_default(),
    })
}

fn decode_rate_limit(node: &Node, diags: &mut Diagnostics) -> Option<RateLimit> {
    MapReader::read(node, "rate_limit", diags, |r, diags| {
        let prov = provenance(r, diags);
        let default_per_minute = r.req("default_per_minute", diags).unwrap_or(60);
        let mut rl = RateLimit { provenance: prov, default_per_minute, ..Default::default() };
        match r.node("headers") {
            Some(h) => {
                MapReader::read(h, "rate-limit headers", diags, |hr, diags| {
                    rl.headers_provenance = provenance(hr, diags);
                    rl.limit_header = hr.req("limit", diags).unwrap_or_default();
                    rl.remaining_header = hr.req("remaining", diags).unwrap_or_default();
                    rl.retry_after_header = hr.req("retry_after", diags).unwrap_or_default();
                });
            }
            None => diags.error(node.loc, "missing required key `headers` in rate_limit"),
        }
        rl
    })
}

impl FromNode for ScopeDef {
    const EXPECTED: &'static str = "a scope";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        MapReader::read(node, "scope", diags, |r, diags| ScopeDef {
            loc: node.loc,
            description: r.req("description", diags).unwrap_or_default(),
            provenance: provenance(r, diags),
            note: r.opt("note", diags),
        })
    }
}

impl FromNode for ErrorDef {
    const EXPECTED: &'static str = "an error code";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        MapReader::read(node, "error code", diags, |r, diags| ErrorDef {
            loc: node.loc,
            status: r.req("status", diags).unwrap_or(At { value: 500, loc: node.loc }),
            description: r.req("description", diags).unwrap_or_default(),
            message: r.req("message", diags).unwrap_or_default(),
            details: r.opt("details", diags).unwrap_or_default(),
            provenance: provenance(r, diags),
            note: r.opt("note", diags),
        })
    }
}

impl FromNode for FilterOperator {
    const EXPECTED: &'static str = "a filter operator";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        MapReader::read(node, "filter operator", diags, |r, diags| FilterOperator {
            loc: node.loc,
            aliases: r.opt("aliases", diags).unwrap_or_default(),
            value: r.req("value", diags).unwrap_or(At { value: "scalar".into(), loc: node.loc }),
            description: r.req("description", diags).unwrap_or_default(),
        })
    }
}

impl FromNode for Contradiction {
    const EXPECTED: &'static str = "a contradiction";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        MapReader::read(node, "contradiction", diags, |r, diags| Contradiction {
            loc: node.loc,
            id: r.req("id", diags).unwrap_or_default(),
            summary: r.req("summary", diags).unwrap_or_default(),
            resolution: r.req("resolution", diags).unwrap_or_default(),
            operations: r.opt("operations", diags).unwrap_or_default(),
        })
    }
}
