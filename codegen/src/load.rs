//! Load: reads `api-spec/*.yaml` into `spec::*`, reporting every syntax, shape and unknown-key
//! problem with its location. Cross-item rules belong to `validate`, not here.

use std::path::Path;

use crate::diag::{Diagnostic, Diagnostics, FileId, Loc, Sources};
use crate::spec::*;
use crate::yaml::{self, At, Entries, FromNode, Kind, MapReader, Node};

/// Reads `dir/api.yaml` and every group file it lists. Missing or unreadable files are
/// diagnostics too; the result is `None` only when `api.yaml` itself is unusable.
pub fn load_dir(dir: &Path, sources: &mut Sources, diags: &mut Diagnostics) -> Option<Spec> {
    let api_path = dir.join("api.yaml");
    let (api_file, api_node) = read(&api_path, sources, diags)?;
    let api = decode_api(api_file, &api_node, diags)?;
    // The group files are read in order, parsed and decoded on two threads (each file keeps
    // its own diagnostics), then collected in order, so files, ids and diagnostics come out as
    // if one file were read after the other.
    let mut files = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for g in &api.groups {
        if !seen.insert(g.value.as_str()) {
            continue; // listed twice: `validate` reports it; load the file once
        }
        let path = dir.join(format!("{}.yaml", g.value));
        if !path.exists() {
            files.push(Err(Diagnostic::error(g.loc, format!("no file for group `{}`", g.value)).with_help(format!("create {}", path.display()))));
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(text) => files.push(Ok(sources.add(path, text))),
            Err(e) => files.push(Err(Diagnostic::error(None, format!("cannot read {}: {e}", path.display())))),
        }
    }
    // Largest first, so the two threads finish together.
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(files[i].as_ref().map_or(0, |&id| sources.text(id).len())));
    let shared: &Sources = sources;
    let mut decoded: Vec<Option<(Option<GroupFile>, Diagnostics)>> = files.iter().map(|_| None).collect();
    let results = crate::par::map(&order, |&i| {
        files[i].as_ref().ok().map(|&id| {
            let mut file_diags = Diagnostics::default();
            let group = yaml::parse(id, shared.text(id), &mut file_diags).and_then(|node| decode_group(id, &node, &mut file_diags));
            (group, file_diags)
        })
    });
    for (i, r) in order.into_iter().zip(results) {
        decoded[i] = r;
    }
    let mut groups = Vec::new();
    for (file, decoded) in files.into_iter().zip(decoded) {
        if let Err(d) = file {
            diags.push(d);
            continue;
        }
        let (group, file_diags) = decoded.expect("every readable file was decoded");
        diags.append(file_diags);
        groups.extend(group);
    }
    report_unlisted_files(dir, &api, diags);
    Some(Spec { api, groups })
}

/// Loads a spec from in-memory files (`api.yaml` first), for tests and fuzzing.
pub fn load_texts(files: &[(&str, &str)], sources: &mut Sources, diags: &mut Diagnostics) -> Option<Spec> {
    let mut parsed = Vec::new();
    for (name, text) in files {
        let id = sources.add(name.into(), (*text).to_owned());
        parsed.push((*name, id, yaml::parse(id, text, diags)));
    }
    let (_, api_file, api_node) = parsed.first()?;
    let api = decode_api(*api_file, api_node.as_ref()?, diags)?;
    let mut groups = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for g in &api.groups {
        if !seen.insert(g.value.as_str()) {
            continue;
        }
        let wanted = format!("{}.yaml", g.value);
        match parsed.iter().find(|(n, _, _)| Path::new(n).file_name().is_some_and(|f| f == wanted.as_str())) {
            Some((_, file, Some(node))) => groups.extend(decode_group(*file, node, diags)),
            Some((_, _, None)) => {}
            None => diags.error(g.loc, format!("no file for group `{}`", g.value)),
        }
    }
    Some(Spec { api, groups })
}

fn read(path: &Path, sources: &mut Sources, diags: &mut Diagnostics) -> Option<(FileId, Node)> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            diags.error(None, format!("cannot read {}: {e}", path.display()));
            return None;
        }
    };
    let id = sources.add(path.to_path_buf(), text);
    let text = sources.text(id).to_owned();
    yaml::parse(id, &text, diags).map(|n| (id, n))
}

fn report_unlisted_files(dir: &Path, api: &Api, diags: &mut Diagnostics) {
    let Ok(read) = std::fs::read_dir(dir) else { return };
    let mut names: Vec<String> = read
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yaml") && n != "api.yaml")
        .collect();
    names.sort();
    for n in names {
        let stem = n.trim_end_matches(".yaml");
        if !api.groups.iter().any(|g| g.value == stem) {
            let loc = api.groups.first().map(|g| g.loc);
            diags.error_help(
                loc,
                format!("{} is not listed in `groups`", dir.join(&n).display()),
                format!("add `{stem}` to `groups` in api.yaml, or remove the file"),
            );
        }
    }
}

fn provenance(r: &mut MapReader<'_>, diags: &mut Diagnostics) -> Option<Provenance> {
    let documented: Option<At<String>> = r.opt("documented", diags);
    let inferred: Option<At<String>> = r.opt("inferred", diags);
    match (documented, inferred) {
        (Some(page), None) => {
            if !page.value.starts_with("https://") {
                diags.error_help(page.loc, "`documented` must be the https:// address of the page that states the fact", "write the reason under `inferred` if no page states it");
            }
            Some(Provenance::Documented { page })
        }
        (None, Some(reason)) => {
            if reason.value.trim().is_empty() {
                diags.error(reason.loc, "`inferred` needs a reason");
            }
            Some(Provenance::Inferred { reason })
        }
        (Some(page), Some(reason)) => {
            // Point at the one written second: the one that was added.
            diags.error_help(page.loc.max(reason.loc), "both `documented` and `inferred` are given", "keep one: a fact is either stated on a page or deduced");
            Some(Provenance::Documented { page })
        }
        (None, None) => None,
    }
}

fn string_or_default(r: &mut MapReader<'_>, key: &'static str, diags: &mut Diagnostics) -> String {
    r.opt::<String>(key, diags).unwrap_or_default()
}

fn decode_api(file: FileId, node: &Node, diags: &mut Diagnostics) -> Option<Api> {
    let mut r = MapReader::new(node, "api.yaml", diags)?;
    let info = r.node("info").and_then(|n| decode_info(n, diags)).unwrap_or_default();
    if !r.has("info") {
        diags.error(node.loc, "missing required key `info` in api.yaml");
    }
    let (base_url, base_url_provenance) = match r.node("base_url") {
        Some(n) => decode_base_url(n, diags),
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
    let groups = r.req("groups", diags).unwrap_or_default();
    let scopes = r.req("scopes", diags).unwrap_or_default();
    let errors = r.req("errors", diags).unwrap_or_default();
    let common_errors = r.opt("common_errors", diags).unwrap_or_default();
    let input_errors = r.opt("input_errors", diags).unwrap_or_default();
    let envelope = r.req_with("envelope", diags, decode_envelope).unwrap_or_default();
    let pagination = r.req_with("pagination", diags, decode_pagination).unwrap_or_default();
    let list_query = r.req_with("list_query", diags, decode_list_query).unwrap_or_default();
    let filter_operators = r.req("filter_operators", diags).unwrap_or_default();
    let rate_limit = r.req_with("rate_limit", diags, decode_rate_limit).unwrap_or_default();
    let contradictions = r.opt("contradictions", diags).unwrap_or_default();
    r.finish(diags);
    Some(Api {
        file,
        info,
        base_url,
        base_url_provenance,
        auth,
        groups,
        scopes,
        errors,
        common_errors,
        input_errors,
        envelope,
        pagination,
        list_query,
        filter_operators,
        rate_limit,
        contradictions,
    })
}

impl<'a> MapReader<'a> {
    /// A required key decoded by a function rather than a `FromNode` impl.
    fn req_with<T>(&mut self, key: &'static str, diags: &mut Diagnostics, f: impl FnOnce(&Node, &mut Diagnostics) -> Option<T>) -> Option<T> {
        match self.node(key) {
            Some(n) => f(n, diags),
            None => {
                diags.error(self.key_loc(), format!("missing required key `{key}`"));
                None
            }
        }
    }
}

fn decode_info(node: &Node, diags: &mut Diagnostics) -> Option<Info> {
    let mut r = MapReader::new(node, "info", diags)?;
    let info = Info {
        title: r.req("title", diags).unwrap_or_default(),
        version: r.req("version", diags).unwrap_or_default(),
        description: string_or_default(&mut r, "description", diags),
    };
    r.finish(diags);
    Some(info)
}

fn decode_base_url(node: &Node, diags: &mut Diagnostics) -> (At<String>, Option<Provenance>) {
    let fallback = At { value: String::new(), loc: node.loc };
    let Some(mut r) = MapReader::new(node, "base_url", diags) else { return (fallback, None) };
    let value = r.req("value", diags).unwrap_or(fallback);
    let prov = provenance(&mut r, diags);
    r.finish(diags);
    (value, prov)
}

fn decode_auth(node: &Node, diags: &mut Diagnostics) -> Option<Auth> {
    let mut r = MapReader::new(node, "auth", diags)?;
    let auth = Auth {
        scheme: r.req("scheme", diags).unwrap_or(At { value: "bearer".into(), loc: node.loc }),
        header: r.opt("header", diags).unwrap_or_else(|| "Authorization".into()),
        description: string_or_default(&mut r, "description", diags),
        provenance: provenance(&mut r, diags),
    };
    r.finish(diags);
    Some(auth)
}

fn decode_envelope(node: &Node, diags: &mut Diagnostics) -> Option<Envelope> {
    let mut r = MapReader::new(node, "envelope", diags)?;
    let mut key = |r: &mut MapReader<'_>, k: &'static str| r.req::<String>(k, diags).unwrap_or_else(|| k.to_owned());
    let env = Envelope {
        success: key(&mut r, "success"),
        message: key(&mut r, "message"),
        data: key(&mut r, "data"),
        meta: key(&mut r, "meta"),
        links: key(&mut r, "links"),
        error: key(&mut r, "error"),
        code: key(&mut r, "code"),
        details: key(&mut r, "details"),
        errors: key(&mut r, "errors"),
        provenance: None,
    };
    let env = Envelope { provenance: provenance(&mut r, diags), ..env };
    r.finish(diags);
    Some(env)
}

/// (default, min, max) and where the default is written.
fn decode_bounds(node: &Node, name: &'static str, with_max: bool, diags: &mut Diagnostics) -> (i64, i64, i64, Loc) {
    let Some(mut r) = MapReader::new(node, name, diags) else { return (1, 1, 1, node.loc) };
    let default_loc = r.node("default").map_or(node.loc, |n| n.loc);
    let default = r.req("default", diags).unwrap_or(1);
    let min = r.req("min", diags).unwrap_or(1);
    let max = if with_max { r.req("max", diags).unwrap_or(default) } else { i64::MAX };
    r.finish(diags);
    (default, min, max, default_loc)
}

fn decode_pagination(node: &Node, diags: &mut Diagnostics) -> Option<Pagination> {
    let mut r = MapReader::new(node, "pagination", diags)?;
    let prov = provenance(&mut r, diags);
    let (page_default, page_min, _, _) = r.node("page").map_or((1, 1, 0, node.loc), |n| decode_bounds(n, "page", false, diags));
    let (per_page_default, per_page_min, per_page_max, per_page_loc) =
        r.node("per_page").map_or((15, 1, 100, r.key_loc()), |n| decode_bounds(n, "per_page", true, diags));
    let meta = r.req("meta", diags).unwrap_or_default();
    let links = r.req("links", diags).unwrap_or_default();
    r.finish(diags);
    Some(Pagination { provenance: prov, page_default, page_min, per_page_default, per_page_min, per_page_max, per_page_loc, meta, links })
}

fn decode_list_query(node: &Node, diags: &mut Diagnostics) -> Option<ListQuery> {
    let mut r = MapReader::new(node, "list_query", diags)?;
    let q = ListQuery {
        provenance: provenance(&mut r, diags),
        sort: r.req("sort", diags).unwrap_or_default(),
        descending_prefix: r.req("descending_prefix", diags).unwrap_or_default(),
        search: r.req("search", diags).unwrap_or_default(),
        search_aliases: r.opt("search_aliases", diags).unwrap_or_default(),
        fields: r.req("fields", diags).unwrap_or_default(),
        include: r.req("include", diags).unwrap_or_default(),
        filter: r.req("filter", diags).unwrap_or_default(),
    };
    r.finish(diags);
    Some(q)
}

fn decode_rate_limit(node: &Node, diags: &mut Diagnostics) -> Option<RateLimit> {
    let mut r = MapReader::new(node, "rate_limit", diags)?;
    let prov = provenance(&mut r, diags);
    let default_per_minute = r.req("default_per_minute", diags).unwrap_or(60);
    let mut rl = RateLimit { provenance: prov, default_per_minute, ..Default::default() };
    if let Some(h) = r.node("headers") {
        if let Some(mut hr) = MapReader::new(h, "rate-limit headers", diags) {
            rl.headers_provenance = provenance(&mut hr, diags);
            rl.limit_header = hr.req("limit", diags).unwrap_or_default();
            rl.remaining_header = hr.req("remaining", diags).unwrap_or_default();
            rl.retry_after_header = hr.req("retry_after", diags).unwrap_or_default();
            hr.finish(diags);
        }
    } else {
        diags.error(node.loc, "missing required key `headers` in rate_limit");
    }
    r.finish(diags);
    Some(rl)
}

impl FromNode for ScopeDef {
    const EXPECTED: &'static str = "a scope";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        let mut r = MapReader::new(node, "scope", diags)?;
        let s = ScopeDef {
            loc: node.loc,
            description: r.req("description", diags).unwrap_or_default(),
            provenance: provenance(&mut r, diags),
            note: r.opt("note", diags),
        };
        r.finish(diags);
        Some(s)
    }
}

impl FromNode for ErrorDef {
    const EXPECTED: &'static str = "an error code";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        let mut r = MapReader::new(node, "error code", diags)?;
        let e = ErrorDef {
            loc: node.loc,
            status: r.req("status", diags).unwrap_or(At { value: 500, loc: node.loc }),
            description: r.req("description", diags).unwrap_or_default(),
            message: r.req("message", diags).unwrap_or_default(),
            details: r.opt("details", diags).unwrap_or_default(),
            provenance: provenance(&mut r, diags),
            note: r.opt("note", diags),
        };
        r.finish(diags);
        Some(e)
    }
}

impl FromNode for FilterOperator {
    const EXPECTED: &'static str = "a filter operator";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        let mut r = MapReader::new(node, "filter operator", diags)?;
        let op = FilterOperator {
            loc: node.loc,
            aliases: r.opt("aliases", diags).unwrap_or_default(),
            value: r.req("value", diags).unwrap_or(At { value: "scalar".into(), loc: node.loc }),
            description: r.req("description", diags).unwrap_or_default(),
        };
        r.finish(diags);
        Some(op)
    }
}

impl FromNode for Contradiction {
    const EXPECTED: &'static str = "a contradiction";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        let mut r = MapReader::new(node, "contradiction", diags)?;
        let c = Contradiction {
            loc: node.loc,
            id: r.req("id", diags).unwrap_or_default(),
            summary: r.req("summary", diags).unwrap_or_default(),
            resolution: r.req("resolution", diags).unwrap_or_default(),
            operations: r.opt("operations", diags).unwrap_or_default(),
        };
        r.finish(diags);
        Some(c)
    }
}

fn decode_group(file: FileId, node: &Node, diags: &mut Diagnostics) -> Option<GroupFile> {
    let mut r = MapReader::new(node, "resource file", diags)?;
    let g = GroupFile {
        file,
        group: r.req("group", diags).unwrap_or(At { value: String::new(), loc: node.loc }),
        title: r.req("title", diags).unwrap_or_default(),
        description: string_or_default(&mut r, "description", diags),
        enums: r.opt("enums", diags).unwrap_or_default(),
        models: r.opt("models", diags).unwrap_or_default(),
        operations: r.req("operations", diags).unwrap_or_default(),
    };
    r.finish(diags);
    Some(g)
}

impl FromNode for EnumDef {
    const EXPECTED: &'static str = "an enum";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        let mut r = MapReader::new(node, "enum", diags)?;
        let e = EnumDef {
            loc: node.loc,
            description: r.req("description", diags).unwrap_or_default(),
            provenance: provenance(&mut r, diags),
            values: r.req("values", diags).unwrap_or_default(),
            note: r.opt("note", diags),
        };
        r.finish(diags);
        Some(e)
    }
}

impl FromNode for Model {
    const EXPECTED: &'static str = "a model";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        let mut r = MapReader::new(node, "model", diags)?;
        let m = Model {
            loc: node.loc,
            description: r.req("description", diags).unwrap_or_default(),
            provenance: provenance(&mut r, diags),
            fields: r.req("fields", diags).unwrap_or_default(),
            relations: r.opt("relations", diags).unwrap_or_default(),
            note: r.opt("note", diags),
        };
        r.finish(diags);
        Some(m)
    }
}

/// Parses a type expression such as `array<map<integer>>`.
pub fn parse_type(text: &str) -> Result<TypeRef, String> {
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
        let mut r = MapReader::new(node, "field", diags)?;
        let ty: Option<At<TypeRef>> = r.req("type", diags);
        let f = Field {
            loc: node.loc,
            ty: ty.clone().unwrap_or(At { value: TypeRef::Json, loc: node.loc }),
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
            provenance: provenance(&mut r, diags),
            note: r.opt("note", diags),
        };
        r.finish(diags);
        ty.map(|_| f)
    }
}

fn decode_required_if(node: &Node, diags: &mut Diagnostics) -> Option<RequiredIf> {
    let mut r = MapReader::new(node, "required_if", diags)?;
    let field = r.req("field", diags);
    let equals = r.req::<Node>("equals", diags);
    r.finish(diags);
    Some(RequiredIf { field: field?, equals: equals? })
}

impl FromNode for Operation {
    const EXPECTED: &'static str = "an operation";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        let mut r = MapReader::new(node, "operation", diags)?;
        let here = |v: &str| At { value: v.to_owned(), loc: node.loc };
        let op = Operation {
            loc: node.loc,
            name: r.opt("name", diags),
            summary: r.req("summary", diags).unwrap_or_default(),
            description: string_or_default(&mut r, "description", diags),
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
            response: match r.node("response") {
                Some(n) => decode_response(n, diags)?,
                None => {
                    diags.error(node.key_loc.unwrap_or(node.loc), "missing required key `response` in this operation");
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
    let mut r = MapReader::new(node, "list", diags)?;
    let l = List {
        loc: node.key_loc.unwrap_or(node.loc),
        sort: r.opt("sort", diags).unwrap_or_default(),
        default_sort: r.opt("default_sort", diags),
        search: r.opt("search", diags).unwrap_or_default(),
        filters: r.opt("filters", diags).unwrap_or_default(),
    };
    r.finish(diags);
    Some(l)
}

impl FromNode for Filter {
    const EXPECTED: &'static str = "a filter";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        let mut r = MapReader::new(node, "filter", diags)?;
        let f = Filter {
            loc: node.key_loc.unwrap_or(node.loc),
            ops: r.req("ops", diags).unwrap_or_default(),
            ty: r.opt("type", diags),
            description: r.opt("description", diags),
            provenance: provenance(&mut r, diags),
        };
        r.finish(diags);
        Some(f)
    }
}

fn decode_body(node: &Node, diags: &mut Diagnostics) -> Option<Body> {
    let mut r = MapReader::new(node, "body", diags)?;
    let b = Body {
        loc: node.key_loc.unwrap_or(node.loc),
        content_type: r.req("content_type", diags).unwrap_or(At { value: "json".into(), loc: node.loc }),
        fields: r.req("fields", diags).unwrap_or_default(),
    };
    r.finish(diags);
    Some(b)
}

fn decode_response(node: &Node, diags: &mut Diagnostics) -> Option<Response> {
    let mut r = MapReader::new(node, "response", diags)?;
    let resp = Response {
        loc: node.key_loc.unwrap_or(node.loc),
        status: r.req("status", diags).unwrap_or(At { value: 200, loc: node.loc }),
        message: r.opt("message", diags),
        data: r.opt("data", diags),
        envelope: r.opt("envelope", diags),
        provenance: provenance(&mut r, diags),
        note: r.opt("note", diags),
    };
    r.finish(diags);
    Some(resp)
}

impl FromNode for ErrorRef {
    const EXPECTED: &'static str = "an error";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        let mut r = MapReader::new(node, "error", diags)?;
        let code = r.req("code", diags);
        let e = ErrorRef {
            loc: node.loc,
            code: code.clone().unwrap_or(At { value: String::new(), loc: node.loc }),
            when: r.opt("when", diags),
            message: r.opt("message", diags),
            field: r.opt("field", diags),
            provenance: provenance(&mut r, diags),
            note: r.opt("note", diags),
        };
        r.finish(diags);
        code.map(|_| e)
    }
}

impl FromNode for RateLimitRule {
    const EXPECTED: &'static str = "a rate limit";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        let mut r = MapReader::new(node, "rate limit", diags)?;
        let zero = At { value: 0, loc: node.loc };
        let rl = RateLimitRule {
            loc: node.loc,
            key: r.req("key", diags).unwrap_or(At { value: String::new(), loc: node.loc }),
            limit: r.req("limit", diags).unwrap_or(zero.clone()),
            per_seconds: r.req("per_seconds", diags).unwrap_or(zero),
            when: r.opt("when", diags),
            provenance: provenance(&mut r, diags),
            note: r.opt("note", diags),
        };
        r.finish(diags);
        Some(rl)
    }
}

impl FromNode for Behaviour {
    const EXPECTED: &'static str = "a behaviour note";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        if let Kind::Str(s) = &node.kind {
            return Some(Behaviour { loc: node.loc, note: s.clone(), provenance: None });
        }
        let mut r = MapReader::new(node, "behaviour note", diags)?;
        let b = Behaviour {
            loc: node.loc,
            note: r.req("note", diags).unwrap_or_default(),
            provenance: provenance(&mut r, diags),
        };
        r.finish(diags);
        Some(b)
    }
}

impl FromNode for Example {
    const EXPECTED: &'static str = "an example";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        let mut r = MapReader::new(node, "example", diags)?;
        let e = Example {
            loc: node.loc,
            name: r.req("name", diags).unwrap_or_default(),
            path: r.opt("path", diags),
            request: r.opt("request", diags),
            status: r.opt("status", diags),
            response: r.opt("response", diags),
            provenance: provenance(&mut r, diags),
        };
        r.finish(diags);
        Some(e)
    }
}

/// Where an `Entries` key or list item sits, for validators that only hold the value.
pub fn key_loc<T>(entries: &Entries<T>, name: &str) -> Option<Loc> {
    entries.key(name).map(|k| k.loc)
}
