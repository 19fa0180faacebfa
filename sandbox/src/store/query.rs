//! List queries: pagination, sort keys, search and `filter[field][op]` conditions, checked
//! against each operation's allow-lists from the spec and turned into parameterised SQL. Column
//! names only ever come from the static allow-lists; user input only ever travels as a bound
//! parameter.

use rusqlite::types::Value;
use serde::Serialize;

use super::counts::{self, Versions};
use super::{Error, Result};
use crate::clock::DateBound;

/// The default page size (`api.yaml: pagination.per_page.default`).
pub const DEFAULT_PER_PAGE: u32 = 15;
/// The largest page size.
pub const MAX_PER_PAGE: u32 = 100;

/// A filter operator of `api.yaml: filter_operators`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterOp {
    Eq,
    Ne,
    Gt,
    Gte,
    Lt,
    Lte,
    Like,
    In,
    NotIn,
    Between,
    Null,
}

impl FilterOp {
    /// The operator of a `filter[field][op]` key: its name or alias; none means `eq`.
    pub fn parse(op: Option<&str>) -> Option<FilterOp> {
        Some(match op? {
            "eq" => FilterOp::Eq,
            "ne" | "!=" => FilterOp::Ne,
            "gt" | ">" => FilterOp::Gt,
            "gte" | ">=" => FilterOp::Gte,
            "lt" | "<" => FilterOp::Lt,
            "lte" | "<=" => FilterOp::Lte,
            "like" => FilterOp::Like,
            "in" => FilterOp::In,
            "not_in" => FilterOp::NotIn,
            "between" => FilterOp::Between,
            "null" => FilterOp::Null,
            _ => return None,
        })
    }

    /// The operator's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            FilterOp::Eq => "eq",
            FilterOp::Ne => "ne",
            FilterOp::Gt => "gt",
            FilterOp::Gte => "gte",
            FilterOp::Lt => "lt",
            FilterOp::Lte => "lte",
            FilterOp::Like => "like",
            FilterOp::In => "in",
            FilterOp::NotIn => "not_in",
            FilterOp::Between => "between",
            FilterOp::Null => "null",
        }
    }
}

/// One filter condition: `values` holds one value, the items of an `in`/`not_in` list, the
/// two ends of a `between`, or `true`/`false` for `null`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    pub field: String,
    pub op: FilterOp,
    pub values: Vec<String>,
}

impl Filter {
    /// A condition from the parts of a `filter[field][op]=raw` pair; lists and pairs are
    /// comma-separated.
    pub fn parse(field: &str, op: Option<&str>, raw: &str) -> Result<Filter> {
        let key = filter_key(field, op);
        let op = match op {
            None => FilterOp::Eq,
            Some(text) => FilterOp::parse(Some(text))
                .ok_or_else(|| Error::field(&key, format!("unknown filter operator `{text}`")))?,
        };
        let values = match op {
            FilterOp::In | FilterOp::NotIn | FilterOp::Between => {
                raw.split(',').map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()).collect()
            }
            _ => vec![raw.to_owned()],
        };
        Ok(Filter { field: field.to_owned(), op, values })
    }

    /// A condition with one value.
    pub fn new(field: &str, op: FilterOp, value: impl Into<String>) -> Filter {
        Filter { field: field.to_owned(), op, values: vec![value.into()] }
    }

    fn key(&self) -> String {
        filter_key(&self.field, Some(self.op.as_str()))
    }
}

fn filter_key(field: &str, op: Option<&str>) -> String {
    match op {
        Some(op) => format!("filter[{field}][{op}]"),
        None => format!("filter[{field}]"),
    }
}

/// One sort key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SortKey {
    pub field: String,
    pub descending: bool,
}

impl SortKey {
    /// The keys of a `sort=firstname,-created_at` value.
    pub fn parse_list(raw: &str) -> Vec<SortKey> {
        raw.split(',')
            .map(str::trim)
            .filter(|key| !key.is_empty())
            .map(|key| match key.strip_prefix('-') {
                Some(field) => SortKey { field: field.to_owned(), descending: true },
                None => SortKey { field: key.to_owned(), descending: false },
            })
            .collect()
    }
}

/// What a list call asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListParams {
    pub page: u32,
    pub per_page: u32,
    /// Empty: the operation's default order.
    pub sort: Vec<SortKey>,
    pub search: Option<String>,
    pub filters: Vec<Filter>,
}

impl Default for ListParams {
    fn default() -> Self {
        ListParams { page: 1, per_page: DEFAULT_PER_PAGE, sort: Vec::new(), search: None, filters: Vec::new() }
    }
}

impl ListParams {
    /// Parses decoded query pairs (`page`, `per_page`, `sort`, `search`/`q`, `filter[..]`);
    /// other keys (`include`, `fields`) are left to the caller.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<ListParams> {
        let mut params = ListParams::default();
        for (key, value) in pairs {
            match key {
                "page" => params.page = parse_number(key, value)?,
                "per_page" => params.per_page = parse_number(key, value)?,
                "sort" => params.sort = SortKey::parse_list(value),
                "search" | "q" => params.search = Some(value.to_owned()),
                _ => {
                    if let Some((field, op)) = split_filter_key(key) {
                        params.filters.push(Filter::parse(field, op, value)?);
                    }
                }
            }
        }
        Ok(params)
    }
}

fn parse_number(key: &str, value: &str) -> Result<u32> {
    value.trim().parse().map_err(|_| Error::field(key, format!("The {key} field must be an integer.")))
}

/// `filter[status_id][in]` -> (`status_id`, Some(`in`)).
fn split_filter_key(key: &str) -> Option<(&str, Option<&str>)> {
    let rest = key.strip_prefix("filter[")?;
    let (field, rest) = rest.split_once(']')?;
    if rest.is_empty() {
        return Some((field, None));
    }
    let op = rest.strip_prefix('[')?.strip_suffix(']')?;
    Some((field, Some(op)))
}

/// One page of items with the numbers behind the Laravel `meta`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

/// Laravel paginator `meta`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PageMeta {
    pub current_page: i64,
    pub per_page: i64,
    pub total: i64,
    pub last_page: i64,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

impl<T> Page<T> {
    /// The `meta` of the page.
    pub fn meta(&self) -> PageMeta {
        let last_page = ((self.total + self.per_page - 1) / self.per_page).max(1);
        let first = (self.page - 1) * self.per_page + 1;
        let (from, to) = if self.items.is_empty() {
            (None, None)
        } else {
            (Some(first), Some(first + self.items.len() as i64 - 1))
        };
        PageMeta { current_page: self.page, per_page: self.per_page, total: self.total, last_page, from, to }
    }

    /// Maps the items, keeping the numbers.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), page: self.page, per_page: self.per_page, total: self.total }
    }
}

/// How a filterable field's values are read and compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ColType {
    Int,
    Text,
    /// An INTEGER microsecond time compared with ISO 8601 dates or date-times.
    Date,
    /// A JSON array of integers; `eq` means "contains".
    IntArray,
}

/// A filterable field: its wire name, the SQL expression it reads and the operators allowed.
pub(crate) struct FilterSpec {
    pub field: &'static str,
    pub column: &'static str,
    pub ty: ColType,
    pub ops: &'static [FilterOp],
}

/// The allow-lists of one list operation.
pub(crate) struct ListSpec {
    /// (wire field, SQL expression)
    pub sort: &'static [(&'static str, &'static str)],
    /// The order when `sort` is empty: (wire field, descending); `None` is by id.
    pub default_sort: Option<(&'static str, bool)>,
    /// SQL expressions `search` matches.
    pub search: &'static [&'static str],
    pub filters: &'static [FilterSpec],
    /// The unique column that breaks ties, so pages never overlap.
    pub id_column: &'static str,
}

/// The WHERE conditions (each starting with ` AND `), the ORDER BY list and the parameters of
/// the conditions, in order.
pub(crate) struct Clauses {
    pub conditions: String,
    pub order_by: String,
    pub params: Vec<Value>,
}

/// Checks `params` against `spec` and builds the SQL pieces.
pub(crate) fn clauses(spec: &ListSpec, params: &ListParams) -> Result<Clauses> {
    check_paging(params)?;
    let mut out = Clauses { conditions: String::new(), order_by: order_by(spec, &params.sort)?, params: Vec::new() };
    if let Some(term) = params.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let like = format!("%{}%", escape_like(term));
        let parts: Vec<String> = spec.search.iter().map(|col| format!("{col} LIKE ? ESCAPE '\\'")).collect();
        out.conditions.push_str(&format!(" AND ({})", parts.join(" OR ")));
        out.params.extend(spec.search.iter().map(|_| Value::Text(like.clone())));
    }
    for filter in &params.filters {
        let fs = spec
            .filters
            .iter()
            .find(|fs| fs.field == filter.field)
            .ok_or_else(|| Error::field(filter_key(&filter.field, None), format!("filtering by `{}` is not allowed", filter.field)))?;
        if !fs.ops.contains(&filter.op) {
            return Err(Error::field(filter.key(), format!("operator `{}` is not allowed on `{}`", filter.op.as_str(), fs.field)));
        }
        condition(fs, filter, &mut out)?;
    }
    Ok(out)
}

fn check_paging(params: &ListParams) -> Result<()> {
    if params.page < 1 {
        return Err(Error::field("page", "The page field must be at least 1."));
    }
    if !(1..=MAX_PER_PAGE).contains(&params.per_page) {
        return Err(Error::field("per_page", format!("The per page field must be between 1 and {MAX_PER_PAGE}.")));
    }
    Ok(())
}

fn order_by(spec: &ListSpec, sort: &[SortKey]) -> Result<String> {
    let mut keys = Vec::new();
    if sort.is_empty() {
        if let Some((field, desc)) = spec.default_sort {
            keys.push(SortKey { field: field.to_owned(), descending: desc });
        }
    } else {
        keys = sort.to_vec();
    }
    let mut parts = Vec::new();
    for key in &keys {
        let (_, column) = spec
            .sort
            .iter()
            .find(|(field, _)| *field == key.field)
            .ok_or_else(|| Error::field("sort", format!("sorting by `{}` is not allowed", key.field)))?;
        parts.push(format!("{column} {}", if key.descending { "DESC" } else { "ASC" }));
    }
    let tie = if keys.first().is_some_and(|k| k.descending) { "DESC" } else { "ASC" };
    parts.push(format!("{} {tie}", spec.id_column));
    Ok(parts.join(", "))
}

fn condition(fs: &FilterSpec, filter: &Filter, out: &mut Clauses) -> Result<()> {
    let key = filter.key();
    let col = fs.column;
    let one = || -> Result<&str> {
        filter.values.first().map(String::as_str).ok_or_else(|| Error::field(&key, "a value is required"))
    };
    match (fs.ty, filter.op) {
        (_, FilterOp::Null) => {
            let is_null = parse_bool(one()?).ok_or_else(|| Error::field(&key, "the value must be true or false"))?;
            out.conditions.push_str(&format!(" AND {col} IS {}NULL", if is_null { "" } else { "NOT " }));
        }
        (ColType::IntArray, FilterOp::Eq) => {
            out.conditions.push_str(&format!(" AND EXISTS (SELECT 1 FROM json_each({col}) WHERE json_each.value = ?)"));
            out.params.push(value(fs.ty, &key, one()?)?);
        }
        (ColType::Date, op) => date_condition(col, op, &key, &filter.values, out)?,
        (_, FilterOp::Like) => {
            out.conditions.push_str(&format!(" AND {col} LIKE ? ESCAPE '\\'"));
            out.params.push(Value::Text(format!("%{}%", escape_like(one()?))));
        }
        (_, op @ (FilterOp::In | FilterOp::NotIn)) => {
            // `in=` with nothing matches nothing and `not_in=` nothing excludes nothing, rather
            // than failing: list operations have no 422 of their own to answer with
            if filter.values.is_empty() {
                if op == FilterOp::In {
                    out.conditions.push_str(" AND 0");
                }
                return Ok(());
            }
            let marks = vec!["?"; filter.values.len()].join(", ");
            let not = if op == FilterOp::NotIn { "NOT " } else { "" };
            out.conditions.push_str(&format!(" AND {col} {not}IN ({marks})"));
            for v in &filter.values {
                out.params.push(value(fs.ty, &key, v)?);
            }
        }
        (_, op) => {
            let sql_op = match op {
                FilterOp::Eq => "=",
                FilterOp::Ne => "!=",
                FilterOp::Gt => ">",
                FilterOp::Gte => ">=",
                FilterOp::Lt => "<",
                FilterOp::Lte => "<=",
                _ => return Err(Error::field(&key, "operator not supported on this field")),
            };
            // `ne` keeps rows whose column is null, as SQL's `!=` alone would not.
            if op == FilterOp::Ne {
                out.conditions.push_str(&format!(" AND ({col} IS NULL OR {col} != ?)"));
            } else {
                out.conditions.push_str(&format!(" AND {col} {sql_op} ?"));
            }
            out.params.push(value(fs.ty, &key, one()?)?);
        }
    }
    Ok(())
}

/// A bare date compares at day granularity (`lte 2025-12-31` keeps the whole of that day,
/// `gt 2025-01-01` starts the day after); a date-time compares at its instant.
fn date_condition(col: &str, op: FilterOp, key: &str, values: &[String], out: &mut Clauses) -> Result<()> {
    let bound = |text: &str| {
        DateBound::parse(text).ok_or_else(|| Error::field(key, "the value must be an ISO 8601 date or date-time"))
    };
    let first = values.first().ok_or_else(|| Error::field(key, "a value is required"))?;
    let (sql, params) = match op {
        FilterOp::Gt => (">= ?", vec![bound(first)?.end_exclusive()]),
        FilterOp::Gte => (">= ?", vec![bound(first)?.start]),
        FilterOp::Lt => ("< ?", vec![bound(first)?.start]),
        FilterOp::Lte => ("< ?", vec![bound(first)?.end_exclusive()]),
        FilterOp::Between => {
            let [low, high] = values else {
                return Err(Error::field(key, "between takes two comma-separated values"));
            };
            (">= ? AND {col} < ?", vec![bound(low)?.start, bound(high)?.end_exclusive()])
        }
        FilterOp::Eq => {
            let b = bound(first)?;
            (">= ? AND {col} < ?", vec![b.start, b.end_exclusive()])
        }
        _ => return Err(Error::field(key, "operator not supported on a date")),
    };
    out.conditions.push_str(&format!(" AND {col} {}", sql.replace("{col}", col)));
    out.params.extend(params.into_iter().map(|ts| Value::Integer(ts.0)));
    Ok(())
}

fn value(ty: ColType, key: &str, text: &str) -> Result<Value> {
    match ty {
        ColType::Int | ColType::IntArray => text
            .trim()
            .parse::<i64>()
            .map(Value::Integer)
            .map_err(|_| Error::field(key, format!("`{text}` is not an integer"))),
        ColType::Text | ColType::Date => Ok(Value::Text(text.to_owned())),
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.trim() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// Escapes `%`, `_` and `\` so user text matches literally inside a LIKE pattern.
pub(crate) fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Runs a paginated list: `from` is the FROM clause (with alias), `base` the tenant condition
/// with its parameter, `select` the columns `map` reads.
pub(crate) fn fetch_page<T>(
    conn: &rusqlite::Connection,
    spec: &ListSpec,
    params: &ListParams,
    from: &str,
    base: (&str, Vec<Value>),
    select: &str,
    map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Page<T>> {
    fetch_page_counted(conn, spec, params, from, base, select, map, None)
}

/// [`fetch_page`] whose exact total is cached while the tenant's version in `versions` stays
/// the same (`counts`); run it inside a transaction, so the version and the count agree.
#[allow(clippy::too_many_arguments)] // fetch_page's seven and the versions
pub(crate) fn fetch_page_counted<T>(
    conn: &rusqlite::Connection,
    spec: &ListSpec,
    params: &ListParams,
    from: &str,
    base: (&str, Vec<Value>),
    select: &str,
    mut map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    versions: Option<(Versions, i64)>,
) -> Result<Page<T>> {
    let clauses = clauses(spec, params)?;
    let (base_sql, base_params) = base;
    let mut all: Vec<Value> = base_params;
    all.extend(clauses.params);
    let where_sql = format!("{base_sql}{}", clauses.conditions);
    let count_sql = format!("SELECT COUNT(*) FROM {from} WHERE {where_sql}");
    let count = || -> Result<i64> { Ok(conn.query_row(&count_sql, rusqlite::params_from_iter(all.iter()), |r| r.get(0))?) };
    let total = match versions {
        // the key is the query itself: the statement and every bound value
        Some((versions, tenant_id)) => counts::total(conn, versions, tenant_id, &format!("{count_sql}\n{all:?}"), count)?,
        None => count()?,
    };
    let per_page = i64::from(params.per_page);
    let offset = (i64::from(params.page) - 1) * per_page;
    let sql = format!("SELECT {select} FROM {from} WHERE {where_sql} ORDER BY {} LIMIT {per_page} OFFSET {offset}", clauses.order_by);
    let mut stmt = conn.prepare(&sql)?;
    let items = stmt.query_map(rusqlite::params_from_iter(all.iter()), |row| map(row))?.collect::<rusqlite::Result<Vec<T>>>()?;
    Ok(Page { items, page: i64::from(params.page), per_page, total })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: ListSpec = ListSpec {
        sort: &[("name", "t.name COLLATE NOCASE"), ("created_at", "t.created_at")],
        default_sort: Some(("name", false)),
        search: &["t.name"],
        filters: &[
            FilterSpec { field: "status_id", column: "t.status_id", ty: ColType::Int, ops: &[FilterOp::Eq, FilterOp::In] },
            FilterSpec { field: "created_at", column: "t.created_at", ty: ColType::Date, ops: &[FilterOp::Between, FilterOp::Lte] },
        ],
        id_column: "t.id",
    };

    #[test]
    fn parses_query_pairs() {
        let params = ListParams::from_pairs([
            ("page", "2"),
            ("sort", "name,-created_at"),
            ("q", "ann"),
            ("filter[status_id][in]", "1, 2"),
            ("filter[status_id]", "3"),
            ("include", "groups"),
        ])
        .unwrap();
        assert_eq!(params.page, 2);
        assert_eq!(params.sort[1], SortKey { field: "created_at".into(), descending: true });
        assert_eq!(params.search.as_deref(), Some("ann"));
        assert_eq!(params.filters[0].values, ["1", "2"]);
        assert_eq!(params.filters[1].op, FilterOp::Eq);
    }

    #[test]
    fn builds_parameterised_sql() {
        let params = ListParams {
            search: Some("50%_off".into()),
            filters: vec![
                Filter::parse("status_id", Some("in"), "1,2").unwrap(),
                Filter::parse("created_at", Some("between"), "2025-01-01,2025-12-31").unwrap(),
            ],
            ..ListParams::default()
        };
        let c = clauses(&SPEC, &params).unwrap();
        assert_eq!(
            c.conditions,
            " AND (t.name LIKE ? ESCAPE '\\') AND t.status_id IN (?, ?) AND t.created_at >= ? AND t.created_at < ?"
        );
        assert_eq!(c.params[0], Value::Text("%50\\%\\_off%".into()));
        assert_eq!(c.order_by, "t.name COLLATE NOCASE ASC, t.id ASC");
    }

    #[test]
    fn refuses_what_the_spec_does_not_allow() {
        let bad_sort = ListParams { sort: SortKey::parse_list("-password"), ..ListParams::default() };
        assert!(matches!(clauses(&SPEC, &bad_sort), Err(Error::Validation(e)) if e.contains_key("sort")));
        let bad_field = ListParams { filters: vec![Filter::new("secret", FilterOp::Eq, "1")], ..ListParams::default() };
        assert!(matches!(clauses(&SPEC, &bad_field), Err(Error::Validation(e)) if e.contains_key("filter[secret]")));
        let bad_op = ListParams { filters: vec![Filter::new("status_id", FilterOp::Like, "1")], ..ListParams::default() };
        assert!(matches!(clauses(&SPEC, &bad_op), Err(Error::Validation(e)) if e.contains_key("filter[status_id][like]")));
        let bad_value = ListParams { filters: vec![Filter::new("status_id", FilterOp::Eq, "1 OR 1=1")], ..ListParams::default() };
        assert!(clauses(&SPEC, &bad_value).is_err());
        let empty_in = ListParams { filters: vec![Filter::parse("status_id", Some("in"), "").unwrap()], ..ListParams::default() };
        assert_eq!(clauses(&SPEC, &empty_in).unwrap().conditions, " AND 0");
        let big_page = ListParams { per_page: 101, ..ListParams::default() };
        assert!(clauses(&SPEC, &big_page).is_err());
    }

    #[test]
    fn laravel_meta() {
        let page = Page { items: vec![1, 2], page: 2, per_page: 2, total: 5 };
        let meta = page.meta();
        assert_eq!((meta.last_page, meta.from, meta.to), (3, Some(3), Some(4)));
        let empty: Page<i32> = Page { items: vec![], page: 1, per_page: 15, total: 0 };
        assert_eq!((empty.meta().last_page, empty.meta().from), (1, None));
    }
}
