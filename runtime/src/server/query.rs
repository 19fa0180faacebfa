//! Query parsing: the generated `*Query::from_pairs` does the typing (sort fields, include
//! names, filter fields, operators and values); around it this module checks the pagination
//! bounds and `?fields=`, runs the operation's own query rules, and collects every problem as
//! a field error instead of stopping at the first. Also builds pages and their links.

use serde_json::{Map, Value};

use super::body::coerce;
use super::envelope::{Conventions, FieldErrors, QueryKeys};
use super::validate::{Field, validate};
use crate::operation::encode_path_segment;
use crate::page::{Page, PageLinks, PageMeta};
use crate::query::{FilterOp, QueryError, filter_key};

/// What the glue checks in the query of one operation, beyond its `from_pairs`.
#[derive(Clone, Copy, Debug)]
pub struct QuerySpec {
    /// `page` and `per_page` are checked against the pagination bounds.
    pub paginated: bool,
    /// The names `?fields=` may list (`None`: the operation takes no `fields`).
    pub fields: Option<&'static [&'static str]>,
    /// Relations, kept by the `?fields=` projection when they are loaded.
    pub relations: &'static [&'static str],
    /// The operation's own query parameters.
    pub rules: &'static [Field],
}

impl QuerySpec {
    /// Nothing beyond `from_pairs`.
    pub const PLAIN: QuerySpec = QuerySpec { paginated: false, fields: None, relations: &[], rules: &[] };
}

/// A parsed query and the field selection it asked for.
pub(crate) struct Parsed<Q> {
    pub query: Q,
    pub fields: Vec<String>,
}

/// The decoded `key=value` pairs of a query string, in order.
pub(crate) fn pairs(query: Option<&str>) -> Vec<(String, String)> {
    let Some(query) = query else { return Vec::new() };
    // `application/x-www-form-urlencoded` decoding (`+` is a space, invalid UTF-8 is replaced),
    // as axum's `Query` does, without building a URI and a deserializer around it.
    form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// Parses the pairs; every problem of every pair is reported.
pub(crate) fn parse<Q>(
    conventions: &Conventions,
    spec: &QuerySpec,
    pairs: &[(String, String)],
    max_field_errors: usize,
    from_pairs: impl Fn(Vec<(&str, &str)>) -> Result<Q, QueryError>,
) -> Result<Parsed<Q>, FieldErrors> {
    let keys = &conventions.query;
    let mut errors = FieldErrors::with_cap(max_field_errors);
    let is_page = |key: &str| spec.paginated && (key == keys.page || key == keys.per_page);
    // The usual query parses whole at once; only a bad one is parsed again pair by pair, so
    // that every bad pair is reported, in order.
    let whole = from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect());
    for (key, value) in pairs {
        if is_page(key) {
            check_page(conventions, key, value, &mut errors);
        } else if !list_ok(keys, key, value) {
            errors.add(key, format!("The {key} field must be values separated by commas, with no empty value and no spaces."));
        } else if whole.is_err()
            && let Err(e) = from_pairs(vec![(key.as_str(), value.as_str())])
        {
            errors.add(e.param, sentence(&e.message));
        }
    }
    let fields = match spec.fields {
        Some(allowed) => selected_fields(keys.fields, allowed, pairs, &mut errors),
        None => Vec::new(),
    };
    if !spec.rules.is_empty() {
        let mut object: Map<String, Value> = pairs.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        coerce(spec.rules, &mut object);
        validate(spec.rules, &object, &[], &mut errors);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    match whole {
        Ok(query) => Ok(Parsed { query, fields }),
        Err(e) => {
            errors.add(e.param, sentence(&e.message));
            Err(errors)
        }
    }
}

/// Whether `value` is a list as `key` takes it, if `key` takes a comma-separated list:
/// `sort`, `include`, `fields` and the pair filter (`between`) need one value at least; the
/// list filters (`in`, `not_in`) may be empty, which matches nothing (or everything).
fn list_ok(keys: &QueryKeys, key: &str, value: &str) -> bool {
    let filter = filter_key(keys.filter, key).and_then(|(_, op)| FilterOp::from_key(op?));
    match filter {
        Some(FilterOp::In | FilterOp::NotIn) => value.is_empty() || names_ok(value),
        Some(FilterOp::Between) => names_ok(value),
        _ if [keys.sort, keys.include, keys.fields].contains(&key) => names_ok(value),
        _ => true,
    }
}

/// A comma-separated list as the document's pattern says it: at least one value, none empty,
/// none with surrounding spaces (`from_pairs` checks the values).
fn names_ok(value: &str) -> bool {
    value.split(',').all(|name| !name.is_empty() && name.trim() == name)
}

fn check_page(conventions: &Conventions, key: &str, value: &str, errors: &mut FieldErrors) {
    let p = &conventions.pagination;
    // `page` has no bound in the spec but is a u32 on the wire types: past that it is out of range.
    let (min, max) = if key == conventions.query.page { (p.page_min, Some(u32::MAX)) } else { (p.per_page_min, Some(p.per_page_max)) };
    let label = key.replace('_', " ");
    match value.trim().parse::<i128>() {
        Err(_) => errors.add(key, format!("The {label} field must be an integer.")),
        Ok(n) if n < i128::from(min) => errors.add(key, format!("The {label} field must be at least {min}.")),
        Ok(n) if max.is_some_and(|max| n > i128::from(max)) => {
            errors.add(key, format!("The {label} field must not be greater than {}.", max.unwrap_or_default()))
        }
        Ok(_) => {}
    }
}

fn selected_fields(key: &str, allowed: &[&str], pairs: &[(String, String)], errors: &mut FieldErrors) -> Vec<String> {
    let mut fields = Vec::new();
    let values = pairs.iter().filter(|(k, _)| k == key).flat_map(|(_, v)| v.split(','));
    for name in values.map(str::trim).filter(|n| !n.is_empty()) {
        if !allowed.contains(&name) {
            errors.add(key, format!("The selected {key} value `{name}` is invalid; allowed: {}.", allowed.join(", ")));
        } else if !fields.iter().any(|f| f == name) {
            fields.push(name.to_owned());
        }
    }
    fields
}

/// A runtime message as a sentence: capitalised, with a final period.
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut out: String = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// Keeps the selected fields (and loaded relations) of an item, or of each item of a list.
pub(crate) fn project(value: &mut Value, fields: &[String], relations: &[&str]) {
    if fields.is_empty() {
        return;
    }
    match value {
        Value::Object(map) => map.retain(|k, _| fields.iter().any(|f| f == k) || relations.contains(&k.as_str())),
        Value::Array(items) => items.iter_mut().for_each(|item| project(item, fields, relations)),
        _ => {}
    }
}

/// A page of `items` out of `total`, with its meta computed the Laravel way; the glue fills
/// the links from the request.
pub fn paginate<T>(items: Vec<T>, total: u64, page: u32, per_page: u32) -> Page<T> {
    let per_page_n = u64::from(per_page.max(1));
    let last_page = total.div_ceil(per_page_n).max(1);
    let from = u64::from(page.max(1) - 1) * per_page_n + 1;
    let (from, to) = if items.is_empty() { (None, None) } else { (Some(from), Some(from + items.len() as u64 - 1)) };
    let int = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let meta = PageMeta {
        current_page: i64::from(page),
        per_page: i64::from(per_page),
        total: int(total),
        last_page: int(last_page),
        from: from.map(int),
        to: to.map(int),
    };
    Page { items, meta, links: PageLinks::default() }
}

/// Relative links to the first, last, previous and next page: the request's path and query
/// with `page` replaced.
pub(crate) fn links(path: &str, pairs: &[(String, String)], page_key: &str, meta: &PageMeta) -> PageLinks {
    let url = |page: i64| {
        let mut query: Vec<String> = pairs
            .iter()
            .filter(|(k, _)| k != page_key)
            .map(|(k, v)| format!("{}={}", encode_path_segment(k), encode_path_segment(v)))
            .collect();
        query.push(format!("{page_key}={page}"));
        format!("{path}?{}", query.join("&"))
    };
    let (current, last) = (meta.current_page, meta.last_page.max(1));
    PageLinks {
        first: url(1),
        last: url(last),
        prev: (current > 1).then(|| url((current - 1).min(last))),
        next: (current < last).then(|| url(current + 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::testing::CONVENTIONS;
    use crate::server::validate::{Kind, Rule, field};

    /// A stand-in for a generated `from_pairs`: knows `sort` (id, name) and `include` (groups).
    fn from_pairs(pairs: Vec<(&str, &str)>) -> Result<Vec<String>, QueryError> {
        let mut seen = Vec::new();
        for (key, value) in pairs {
            let bad = match key {
                "sort" => value.split(',').find(|s| !["id", "-id", "name", "-name"].contains(s)),
                "include" => value.split(',').find(|s| *s != "groups"),
                _ => None,
            };
            if let Some(bad) = bad {
                return Err(QueryError { param: key.to_owned(), message: format!("unknown value `{bad}`") });
            }
            seen.push(format!("{key}={value}"));
        }
        Ok(seen)
    }

    const LIST: QuerySpec = QuerySpec { paginated: true, fields: Some(&["id", "name"]), relations: &["groups"], rules: &[] };

    fn run(spec: &QuerySpec, query: &str) -> Result<Parsed<Vec<String>>, FieldErrors> {
        parse(&CONVENTIONS, spec, &pairs(Some(query)), FieldErrors::DEFAULT_CAP, from_pairs)
    }

    #[test]
    fn pairs_are_percent_decoded() {
        let got = pairs(Some("filter%5Btype%5D%5Blike%5D=le+a&q=%C3%A9"));
        assert_eq!(got, [("filter[type][like]".to_owned(), "le a".to_owned()), ("q".to_owned(), "é".to_owned())]);
        assert!(pairs(None).is_empty());
    }

    #[test]
    fn every_bad_pair_is_reported() {
        let errors = run(&LIST, "per_page=101&page=0&sort=nope&include=groups,x&fields=id,bogus").err().unwrap();
        let got: Vec<(&str, &[String])> = errors.iter().collect();
        assert_eq!(got[0], ("per_page", &["The per page field must not be greater than 100.".to_owned()][..]));
        assert_eq!(got[1], ("page", &["The page field must be at least 1.".to_owned()][..]));
        assert_eq!(got[2], ("sort", &["Unknown value `nope`.".to_owned()][..]));
        assert_eq!(got[3], ("include", &["Unknown value `x`.".to_owned()][..]));
        assert_eq!(got[4], ("fields", &["The selected fields value `bogus` is invalid; allowed: id, name.".to_owned()][..]));
        let errors = run(&LIST, "page=4294967296").err().unwrap();
        assert_eq!(errors.get("page").unwrap(), ["The page field must not be greater than 4294967295."]);
        let errors = run(&LIST, "page=99999999999999999999").err().unwrap();
        assert_eq!(errors.get("page").unwrap(), ["The page field must not be greater than 4294967295."]);
        for query in ["sort=", "sort=name,", "include=%20groups", "fields=id,,name", "filter[id][in]=1,", "filter[id][between]=1,%202"] {
            let errors = run(&LIST, query).err().unwrap();
            let (key, messages) = errors.iter().next().unwrap();
            assert_eq!(messages, [format!("The {key} field must be values separated by commas, with no empty value and no spaces.")], "{query}");
        }
        assert!(run(&LIST, "filter[id][in]=&filter[id][not_in]=").is_ok(), "an empty list filter matches nothing");
        let errors = run(&LIST, "per_page=ten").err().unwrap();
        assert_eq!(errors.get("per_page").unwrap(), ["The per page field must be an integer."]);
    }

    #[test]
    fn a_good_query_parses_whole() {
        let parsed = run(&LIST, "page=2&per_page=100&sort=-name&fields=name,id,name").ok().unwrap();
        assert_eq!(parsed.query, ["page=2", "per_page=100", "sort=-name", "fields=name,id,name"]);
        assert_eq!(parsed.fields, ["name", "id"]);
        let parsed = run(&QuerySpec::PLAIN, "page=0&fields=zzz").ok().unwrap();
        assert!(parsed.fields.is_empty(), "not a list: page and fields are left to from_pairs");
    }

    #[test]
    fn operation_rules_apply_to_typed_values() {
        const RULES: &[Field] = &[field("limit", Kind::Integer).required().rules(&[Rule::Max(5.0)])];
        let spec = QuerySpec { rules: RULES, ..QuerySpec::PLAIN };
        let errors = run(&spec, "").err().unwrap();
        assert_eq!(errors.get("limit").unwrap(), ["The limit field is required."]);
        let errors = run(&spec, "limit=9").err().unwrap();
        assert_eq!(errors.get("limit").unwrap(), ["The limit field must not be greater than 5."]);
        assert!(run(&spec, "limit=4").is_ok());
    }

    #[test]
    fn projection_keeps_fields_and_relations() {
        let mut value = serde_json::json!([{"id": 1, "name": "a", "email": "x", "groups": []}]);
        project(&mut value, &["id".to_owned()], &["groups"]);
        assert_eq!(value, serde_json::json!([{"id": 1, "groups": []}]));
    }

    #[test]
    fn pages_and_links() {
        let page = paginate(vec![1, 2], 17, 2, 15);
        assert_eq!((page.meta.last_page, page.meta.from, page.meta.to), (2, Some(16), Some(17)));
        let empty = paginate(Vec::<i32>::new(), 0, 1, 15);
        assert_eq!((empty.meta.last_page, empty.meta.from, empty.meta.to), (1, None, None));
        let pairs = pairs(Some("sort=-id&page=2&filter[a]=1"));
        let links = links("/contacts", &pairs, "page", &page.meta);
        assert_eq!(links.first, "/contacts?sort=-id&filter%5Ba%5D=1&page=1");
        assert_eq!(links.prev.as_deref(), Some("/contacts?sort=-id&filter%5Ba%5D=1&page=1"));
        assert_eq!(links.next, None);
        assert_eq!(links.last, "/contacts?sort=-id&filter%5Ba%5D=1&page=2");
    }
}
