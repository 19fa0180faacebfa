//! Examples: each `examples:` item fits its operation. The path matches the route and names only
//! query parameters the operation takes, with values it accepts; the request is a well-typed body
//! with every required field; the status is the success status or one of the operation's error
//! statuses; and the response is the envelope that status implies, its data of the response
//! type. The generated round-trip tests (`generated/wacr-models/tests/examples.rs`) then prove
//! that the models read and write every example unchanged.

use super::Cx;
use crate::diag::{did_you_mean, Diagnostics, Loc};
use crate::spec::*;
use crate::yaml::{Entries, Key, Kind, Node};

/// Checks one example of operation `id`. Silent unless `complete` (loading reported no
/// error), since what loading dropped would make fitting examples look wrong.
pub(super) fn check(spec: &Spec, id: &str, op: &Operation, ex: &Example, cx: &Cx<'_>, complete: bool, diags: &mut Diagnostics) {
    if !complete {
        return;
    }
    let check = Check { spec, cx, op, ex, what: format!("example `{}` of `{id}`", ex.name) };
    check.path(diags);
    check.request(diags);
    check.response(diags);
}

/// Splits `a=b&c=d` into decoded pairs.
pub(crate) fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// Decodes `%XX` escapes and `+` (a space in query strings); a malformed escape stays as is.
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match bytes[i] {
            b'%' => match (hex(i + 1), hex(i + 2)) {
                (Some(high), Some(low)) => {
                    out.push((high * 16 + low) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

struct Check<'a> {
    spec: &'a Spec,
    cx: &'a Cx<'a>,
    op: &'a Operation,
    ex: &'a Example,
    what: String,
}

fn required(f: &Field, default: bool) -> bool {
    f.required.as_ref().map_or(default, |r| r.value)
}

fn get<'n>(entries: &'n [(Key, Node)], key: &str) -> Option<&'n Node> {
    entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v)
}

fn join(at: &str, key: &str) -> String {
    if at.is_empty() { key.to_owned() } else { format!("{at}.{key}") }
}

impl Check<'_> {
    fn path(&self, diags: &mut Diagnostics) {
        let (op, what) = (self.op, &self.what);
        let Some(path) = &self.ex.path else {
            if !op.path_params.is_empty() {
                diags.error_help(self.ex.loc, format!("{what} has no `path`"), format!("give the request path with its parameters filled in, like `{}`", op.path.value));
            }
            return;
        };
        if !path.value.starts_with('/') {
            return; // reported by `check_example`
        }
        let (route, query) = path.value.split_once('?').unwrap_or((&path.value, ""));
        let want: Vec<&str> = op.path.value.split('/').collect();
        let got: Vec<&str> = route.split('/').collect();
        let fits = want.len() == got.len()
            && want.iter().zip(&got).all(|(w, g)| if w.starts_with('{') { !g.is_empty() } else { w == g });
        if !fits {
            diags.error(path.loc, format!("the path `{route}` of {what} does not match the route `{}`", op.path.value));
            return;
        }
        for (w, g) in want.iter().zip(&got) {
            let Some(name) = w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) else { continue };
            let integer = op.path_params.get(name).is_some_and(|p| p.ty.value == TypeRef::Integer);
            if integer && g.parse::<i64>().is_err() {
                diags.error(path.loc, format!("path parameter `{name}` of {what} is an integer, not `{g}`"));
            }
        }
        for (key, value) in query_pairs(query) {
            self.query_pair(&key, &value, path.loc, diags);
        }
    }

    fn query_pair(&self, key: &str, value: &str, loc: Loc, diags: &mut Diagnostics) {
        let (op, q, what) = (self.op, &self.spec.api.list_query, &self.what);
        let list = op.list.as_ref();
        let values = || value.split(',').map(str::trim);
        let mut known: Vec<&str> = op.query.keys().collect();
        if list.is_some() {
            known.extend(["page", "per_page"]);
        }
        if list.is_some_and(|l| !l.sort.is_empty()) {
            known.push(&q.sort);
            if key == q.sort {
                let sort: Vec<&str> = list.iter().flat_map(|l| &l.sort).map(|s| s.value.as_str()).collect();
                for v in values() {
                    let field = v.strip_prefix(q.descending_prefix.as_str()).unwrap_or(v);
                    if !sort.contains(&field) {
                        diags.error(loc, format!("{what} sorts by `{field}`, which is not a sort field of `{}`", self.op_name()));
                    }
                }
                return;
            }
        }
        if list.is_some_and(|l| !l.search.is_empty()) {
            known.push(&q.search);
            known.extend(q.search_aliases.iter().map(String::as_str));
        }
        if !op.include.is_empty() {
            known.push(&q.include);
            if key == q.include {
                for v in values().filter(|v| !op.include.iter().any(|i| &i.value == v)) {
                    diags.error(loc, format!("{what} includes `{v}`, which `{}` cannot include", self.op_name()));
                }
                return;
            }
        }
        if op.fields {
            known.push(&q.fields);
        }
        if let (Some(list), Some(rest)) = (list, key.strip_prefix(q.filter.as_str()).and_then(|k| k.strip_prefix('['))) {
            self.filter(list, rest, loc, diags);
            return;
        }
        if (key == "page" || key == "per_page") && list.is_some() && value.parse::<u32>().is_err() {
            diags.error(loc, format!("`{key}` of {what} must be a positive integer, not `{value}`"));
        }
        if !known.contains(&key) {
            let help = did_you_mean(key, known.iter().copied()).unwrap_or_else(|| format!("`{}` takes: {}", self.op_name(), known.join(", ")));
            diags.error_help(loc, format!("{what} sends the query parameter `{key}`, which the operation does not take"), help);
        }
    }

    /// `filter[field]` or `filter[field][op]`, given the part after `filter[`.
    fn filter(&self, list: &List, rest: &str, loc: Loc, diags: &mut Diagnostics) {
        let what = &self.what;
        let (field, op) = match rest.split_once(']') {
            Some((field, "")) => (field, "eq"),
            Some((field, tail)) => (field, tail.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(tail)),
            None => (rest, "eq"),
        };
        let Some(filter) = list.filters.get(field) else {
            let help = did_you_mean(field, list.filters.keys()).unwrap_or_else(|| "use a filter of the operation's `list.filters`".into());
            diags.error_help(loc, format!("{what} filters on `{field}`, which is not a filter of `{}`", self.op_name()), help);
            return;
        };
        let operator = self
            .spec
            .api
            .filter_operators
            .iter()
            .find(|(name, o)| name.value == op || o.aliases.iter().any(|a| a == op))
            .map(|(name, _)| name.value.as_str());
        if !operator.is_some_and(|o| filter.ops.iter().any(|x| x.value == o)) {
            let ops: Vec<&str> = filter.ops.iter().map(|o| o.value.as_str()).collect();
            diags.error(loc, format!("{what} filters `{field}` with `{op}`; the filter allows {}", ops.join(", ")));
        }
    }

    fn op_name(&self) -> &str {
        self.op.path.value.as_str()
    }

    fn request(&self, diags: &mut Diagnostics) {
        let (Some(body), what) = (&self.op.body, &self.what) else { return };
        let Some(req) = &self.ex.request else {
            diags.error_help(self.ex.loc, format!("{what} has no `request`"), "give the request body, so that the example can be sent and tested");
            return;
        };
        let Kind::Map(entries) = &req.kind else {
            diags.error(req.loc, format!("the request of {what} must be a mapping of body fields"));
            return;
        };
        for (k, v) in entries {
            let Some(f) = body.fields.get(&k.name) else { continue }; // reported by `check_example`
            if f.ty.value.leaf() == &TypeRef::File {
                diags.error_help(k.loc, format!("{what} sends the file field `{}`", k.name), "an example is JSON and cannot carry a file; send the URL field instead");
            } else {
                self.value(v, &f.ty.value, f.nullable, &k.name, diags);
            }
        }
        // An unknown key is most likely the missing field misspelt: one error is enough.
        let misspelt = entries.iter().any(|(k, _)| body.fields.get(&k.name).is_none());
        for (name, f) in body.fields.iter().filter(|_| !misspelt) {
            if required(f, false) && get(entries, &name.value).is_none() {
                diags.error_help(req.loc, format!("{what} leaves out `{}`, a required body field", name.value), "every example request decodes into the typed body; send an empty value to show a validation error");
            }
        }
    }

    /// The operation's error codes (with the common ones that apply) and their statuses.
    fn error_codes(&self) -> Vec<(&str, i64)> {
        let api = &self.spec.api;
        let listed = self.op.errors.iter().map(|e| e.code.value.as_str());
        let op = self.op;
        let takes_input = op.body.is_some() || !op.query.is_empty() || op.list.is_some() || !op.include.is_empty() || op.fields;
        let input = api.input_errors.iter().filter(|_| takes_input);
        let common = api.common_errors.iter().chain(input).map(|c| c.value.as_str()).filter(|c| *c != "INSUFFICIENT_SCOPE" || self.op.scope.value != "none");
        let mut codes: Vec<(&str, i64)> = Vec::new();
        for code in listed.chain(common) {
            if let Some(def) = api.errors.get(code).filter(|_| !codes.iter().any(|(c, _)| *c == code)) {
                codes.push((code, def.status.value));
            }
        }
        codes
    }

    fn response(&self, diags: &mut Diagnostics) {
        let (op, what) = (self.op, &self.what);
        let success = op.response.status.value;
        let status = self.ex.status.as_ref().map_or(success, |s| s.value);
        let codes = self.error_codes();
        if status != success && !codes.iter().any(|(_, s)| *s == status) {
            let loc = self.ex.status.as_ref().map_or(self.ex.loc, |s| s.loc);
            diags.error_help(loc, format!("status {status} of {what} is neither the success status {success} nor an error status of the operation"), "use the success status, or the status of an error code the operation lists");
            return;
        }
        let Some(resp) = &self.ex.response else { return };
        let Kind::Map(entries) = &resp.kind else {
            diags.error(resp.loc, format!("the response of {what} must be a mapping (the whole response body)"));
            return;
        };
        if status == success {
            self.success_body(resp, entries, diags);
        } else {
            let codes: Vec<&str> = codes.iter().filter(|(_, s)| *s == status).map(|(c, _)| *c).collect();
            self.error_body(resp, entries, &codes, diags);
        }
    }

    fn success_body(&self, resp: &Node, entries: &[(Key, Node)], diags: &mut Diagnostics) {
        let (env, r, what) = (&self.spec.api.envelope, &self.op.response, &self.what);
        let data = r.data.as_ref().map(|d| &d.value);
        let shape = r.envelope.as_ref().map(|e| e.value.as_str()).unwrap_or(if self.op.list.is_some() { "list" } else { "data" });
        if shape == "none" {
            if let Some(data) = data {
                self.value(resp, data, false, "", diags);
            }
            return;
        }
        if !matches!(get(entries, &env.success).map(|n| &n.kind), Some(Kind::Bool(true))) {
            diags.error(resp.loc, format!("the response of {what} needs `{}: true`", env.success));
        }
        match (get(entries, &env.message), &r.message) {
            (Some(Node { kind: Kind::Str(m), loc, .. }), Some(expected)) if m != expected => {
                diags.error_help(*loc, format!("{what} answers `{m}`, not the operation's message `{expected}`"), "use the operation's `response.message`");
            }
            (Some(Node { kind: Kind::Str(_), .. }), _) => {}
            _ => diags.error(resp.loc, format!("the response of {what} needs a `{}` string", env.message)),
        }
        let envelope = [env.success.as_str(), env.message.as_str()];
        match shape {
            "flat" => {
                let model = data.and_then(|d| self.cx.leaf_model(d));
                if let Some((name, m)) = model {
                    self.fields(resp.loc, entries, &envelope, &m.fields, Some(&m.relations), name, "", diags);
                }
            }
            "list" => {
                self.only_keys(entries, &[env.success.as_str(), env.message.as_str(), env.data.as_str(), env.meta.as_str(), env.links.as_str()], diags);
                let item = data.cloned().unwrap_or(TypeRef::Json);
                self.part(resp, entries, &env.data, &TypeRef::Array(Box::new(item)), diags);
                let p = &self.spec.api.pagination;
                for (key, fields) in [(&env.meta, &p.meta), (&env.links, &p.links)] {
                    match get(entries, key) {
                        Some(Node { kind: Kind::Map(e), loc, .. }) => self.fields(*loc, e, &[], fields, None, key, key, diags),
                        _ => diags.error(resp.loc, format!("the response of {what} needs a `{key}` mapping")),
                    }
                }
            }
            _ => {
                self.only_keys(entries, &[env.success.as_str(), env.message.as_str(), env.data.as_str()], diags);
                match data {
                    Some(d) => self.part(resp, entries, &env.data, d, diags),
                    None => {
                        if !matches!(get(entries, &env.data).map(|n| &n.kind), Some(Kind::Null)) {
                            diags.error(resp.loc, format!("the response of {what} needs `{}: null` (the operation returns no data)", env.data));
                        }
                    }
                }
            }
        }
    }

    /// The value under `key` is of type `ty`.
    fn part(&self, resp: &Node, entries: &[(Key, Node)], key: &str, ty: &TypeRef, diags: &mut Diagnostics) {
        match get(entries, key) {
            Some(node) => self.value(node, ty, false, key, diags),
            None => diags.error(resp.loc, format!("the response of {} needs `{key}`", self.what)),
        }
    }

    fn only_keys(&self, entries: &[(Key, Node)], allowed: &[&str], diags: &mut Diagnostics) {
        for (k, _) in entries.iter().filter(|(k, _)| !allowed.contains(&k.name.as_str())) {
            let help = did_you_mean(&k.name, allowed.iter().copied()).unwrap_or_else(|| format!("the envelope has: {}", allowed.join(", ")));
            diags.error_help(k.loc, format!("the response of {} has `{}`, which the envelope does not", self.what, k.name), help);
        }
    }

    fn error_body(&self, resp: &Node, entries: &[(Key, Node)], codes: &[&str], diags: &mut Diagnostics) {
        let (env, what) = (&self.spec.api.envelope, &self.what);
        self.only_keys(entries, &[env.success.as_str(), env.message.as_str(), env.error.as_str(), env.errors.as_str()], diags);
        if !matches!(get(entries, &env.success).map(|n| &n.kind), Some(Kind::Bool(false))) {
            diags.error(resp.loc, format!("the error response of {what} needs `{}: false`", env.success));
        }
        if !matches!(get(entries, &env.message).map(|n| &n.kind), Some(Kind::Str(_))) {
            diags.error(resp.loc, format!("the error response of {what} needs a `{}` string", env.message));
        }
        if let Some(errors) = get(entries, &env.errors) {
            let ty = TypeRef::Map(Box::new(TypeRef::Array(Box::new(TypeRef::String))));
            self.value(errors, &ty, false, &env.errors, diags);
        }
        let Some(Node { kind: Kind::Map(error), loc, .. }) = get(entries, &env.error) else {
            diags.error(resp.loc, format!("the error response of {what} needs an `{}` mapping", env.error));
            return;
        };
        self.only_keys(error, &[env.code.as_str(), env.details.as_str()], diags);
        let code = match get(error, &env.code) {
            Some(Node { kind: Kind::Str(code), loc, .. }) if !codes.contains(&code.as_str()) => {
                diags.error_help(*loc, format!("{what} answers `{code}`, which is not an error of the operation with this status"), format!("use one of: {}", codes.join(", ")));
                return;
            }
            Some(Node { kind: Kind::Str(code), .. }) => code,
            _ => {
                diags.error(*loc, format!("the `{}` of {what} needs a `{}` string", env.error, env.code));
                return;
            }
        };
        let details = self.spec.api.errors.get(code).map(|d| &d.details).filter(|d| !d.is_empty());
        match (get(error, &env.details), details) {
            (Some(Node { kind: Kind::Map(e), loc, .. }), Some(fields)) => self.fields(*loc, e, &[], fields, None, code, &env.details, diags),
            (Some(n), Some(_)) if !matches!(n.kind, Kind::Null) => diags.error(n.loc, format!("the `{}` of {what} must be a mapping", env.details)),
            _ => {}
        }
    }

    /// A mapping holds only `fields` (and `relations`), besides `skip`, and every required one.
    #[allow(clippy::too_many_arguments)]
    fn fields(
        &self,
        loc: Loc,
        entries: &[(Key, Node)],
        skip: &[&str],
        fields: &Entries<Field>,
        relations: Option<&Entries<Field>>,
        owner: &str,
        at: &str,
        diags: &mut Diagnostics,
    ) {
        for (k, v) in entries.iter().filter(|(k, _)| !skip.contains(&k.name.as_str())) {
            let at = join(at, &k.name);
            match (fields.get(&k.name), relations.and_then(|r| r.get(&k.name))) {
                (Some(f), _) => self.value(v, &f.ty.value, f.nullable, &at, diags),
                (None, Some(rel)) => self.value(v, &rel.ty.value, false, &at, diags),
                (None, None) => {
                    let names = fields.keys().chain(relations.into_iter().flat_map(|r| r.keys()));
                    let help = did_you_mean(&k.name, names).unwrap_or_else(|| format!("`{owner}` has: {}", fields.keys().collect::<Vec<_>>().join(", ")));
                    diags.error_help(k.loc, format!("`{at}` in {} is not a field of `{owner}`", self.what), help);
                }
            }
        }
        let unknown: Vec<&str> = entries.iter().map(|(k, _)| k.name.as_str()).filter(|k| fields.get(k).is_none()).collect();
        for (name, f) in fields.iter() {
            // A misspelt key was reported as unknown, with this field as the suggestion.
            let misspelt = unknown.iter().any(|k| did_you_mean(k, [name.value.as_str()]).is_some());
            if required(f, true) && !misspelt && get(entries, &name.value).is_none() {
                diags.error(loc, format!("`{}` in {} lacks `{}`, a required field of `{owner}`", if at.is_empty() { "the response" } else { at }, self.what, name.value));
            }
        }
    }

    fn value(&self, node: &Node, ty: &TypeRef, nullable: bool, at: &str, diags: &mut Diagnostics) {
        let what = &self.what;
        let name = if at.is_empty() { "the response" } else { at };
        if matches!(node.kind, Kind::Null) {
            if !nullable {
                diags.error(node.loc, format!("`{name}` in {what} is null, but it is not nullable"));
            }
            return;
        }
        let fits = match (ty, &node.kind) {
            (TypeRef::String | TypeRef::DateTime | TypeRef::Date, Kind::Str(_)) => true,
            (TypeRef::Integer, Kind::Int(_)) | (TypeRef::Number, Kind::Int(_) | Kind::Float(_)) | (TypeRef::Boolean, Kind::Bool(_)) => true,
            (TypeRef::Json, _) => true,
            (TypeRef::Named(n), kind) if self.cx.enums.contains_key(n.as_str()) => {
                let values = &self.cx.enums[n.as_str()].values;
                if let Kind::Str(s) = kind
                    && !values.iter().any(|v| &v.value == s)
                {
                    let help = did_you_mean(s, values.iter().map(|v| v.value.as_str())).unwrap_or_else(|| format!("`{n}` has: {}", values.iter().map(|v| v.value.as_str()).collect::<Vec<_>>().join(", ")));
                    diags.error_help(node.loc, format!("`{name}` in {what} is `{s}`, which is not a value of `{n}`"), help);
                }
                matches!(kind, Kind::Str(_))
            }
            (TypeRef::Named(n), Kind::Map(entries)) => {
                if let Some(m) = self.cx.models.get(n.as_str()) {
                    self.fields(node.loc, entries, &[], &m.fields, Some(&m.relations), n, at, diags);
                }
                true
            }
            (TypeRef::Array(item), Kind::Seq(items)) => {
                for (i, v) in items.iter().enumerate() {
                    self.value(v, item, false, &format!("{name}[{i}]"), diags);
                }
                true
            }
            (TypeRef::Map(item), Kind::Map(entries)) => {
                for (k, v) in entries {
                    self.value(v, item, false, &join(at, &k.name), diags);
                }
                true
            }
            _ => false,
        };
        if !fits {
            diags.error(node.loc, format!("`{name}` in {what} is {}, but its type is `{ty}`", node.type_name()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_query_pairs() {
        assert_eq!(
            query_pairs("filter%5Btype%5D=a+b&sort=-x,y&flag&bad=%zz"),
            [("filter[type]".into(), "a b".into()), ("sort".into(), "-x,y".into()), ("flag".into(), String::new()), ("bad".into(), "%zz".into())]
        );
    }

    /// The short diagnostics of the real spec after replacing `from` (once) in `file`.
    fn errors_after(file: &str, from: &str, to: &str) -> String {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec");
        let mut files: Vec<(String, String)> = Vec::new();
        let names = ["api", "account", "auth", "comments", "contacts", "groups", "messages", "sources", "statuses", "templates"];
        for name in names {
            let mut text = std::fs::read_to_string(dir.join(format!("{name}.yaml"))).unwrap();
            if name == file && !from.is_empty() {
                assert_eq!(text.matches(from).count(), 1, "`{from}` is not once in {file}.yaml");
                text = text.replace(from, to);
            }
            files.push((format!("{name}.yaml"), text));
        }
        let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
        match crate::check_texts(&refs) {
            Ok(_) => String::new(),
            Err(f) => f.short(),
        }
    }

    #[test]
    fn the_real_examples_fit() {
        assert_eq!(errors_after("api", "", ""), "");
    }

    #[test]
    fn each_misfit_is_reported() {
        let cases = [
            ("groups", "path: /groups/4\n", "path: /group/4\n", "does not match the route `/groups/{id}`"),
            ("groups", "path: /groups/4\n", "path: /groups/four\n", "is an integer, not `four`"),
            ("groups", "        path: /groups/4\n", "", "has no `path`"),
            ("groups", "/groups?search=vip&sort=name", "/groups?serch=vip&sort=name", "the query parameter `serch`"),
            ("groups", "/groups?search=vip&sort=name", "/groups?search=vip&sort=color", "sorts by `color`"),
            ("contacts", "filter[status_id][ne]=3", "filter[status_id][gt]=3", "filters `status_id` with `gt`"),
            ("contacts", "/contacts/1?include=groups,source,status", "/contacts/1?include=groups,tags", "includes `tags`"),
            ("groups", "request: {name: \"\"}", "request: {}", "leaves out `name`"),
            ("statuses", "message: Status created successfully\n          data: {id: 1", "message: Status made\n          data: {id: 1", "not the operation's message"),
            ("sources", "status: 201\n        response:", "status: 418\n        response:", "status 418"),
            ("groups", "data: {group_id: 1, contacts_added: 3}", "data: {group_id: 1, contacts_addded: 3}", "`data.contacts_addded`"),
            ("groups", "data: {group_id: 1, contacts_added: 3}", "data: {group_id: 1}", "lacks `contacts_added`"),
            ("groups", "data: {group_id: 1, contacts_added: 3}", "data: {group_id: null, contacts_added: 3}", "`data.group_id` in example `add three contacts` of `add_contacts_to_group` is null"),
            ("groups", "data: {group_id: 1, contacts_added: 3}", "data: {group_id: \"1\", contacts_added: 3}", "is a string, but its type is `integer`"),
            ("contacts", "id: 2, firstname: Ravi, lastname: Kumar, company: null, type: customer, email: null, phone: \"+919812345678\", status_id: 2, source_id: 1, description: Met at the Pune trade fair, city: Pune, state: null, zip: null, address: null, country_id: 99, assigned_id: null, group_id: [], is_opted_out: false, created_at: \"2025-01-11T09:30:00Z\", updated_at: \"2025-01-11T09:30:00Z\"}\n      - name: a contact of another tenant",
                "id: 2, firstname: Ravi, lastname: Kumar, company: null, type: vip, email: null, phone: \"+919812345678\", status_id: 2, source_id: 1, description: Met at the Pune trade fair, city: Pune, state: null, zip: null, address: null, country_id: 99, assigned_id: null, group_id: [], is_opted_out: false, created_at: \"2025-01-11T09:30:00Z\", updated_at: \"2025-01-11T09:30:00Z\"}\n      - name: a contact of another tenant",
                "is `vip`, which is not a value of `ContactType`"),
            ("sources", "error: {code: VALIDATION_ERROR}", "error: {code: NOT_FOUND}", "answers `NOT_FOUND`, which is not an error of the operation with this status"),
            ("auth", "details: {retry_after: 180}", "details: {retry_after: soon}", "`details.retry_after`"),
        ];
        for (file, from, to, expected) in cases {
            let errors = errors_after(file, from, to);
            assert!(errors.contains(expected), "{file}: `{from}` -> `{to}` should report `{expected}`, got:\n{errors}");
            assert_eq!(errors.lines().count(), 1, "one mistake, one error:\n{errors}");
        }
    }
}
