//! List-query values of the generated `*Query` types: sort keys (`sort=firstname,-created_at`),
//! filter conditions (`filter[status_id][in]=1,2`) and the helpers that render them to, and
//! parse them from, query pairs. The operators are those of `api.yaml: filter_operators`.

use core::fmt;
use core::str::FromStr;

use crate::include::{Include, IncludeSet};
use crate::value::{UnknownValue, WireEnum};

/// The prefix that makes a sort key descending (`api.yaml: list_query.descending_prefix`).
pub const DESCENDING_PREFIX: &str = "-";

/// One sort key: a field and a direction. Renders as `field` or `-field`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Sort<F> {
    /// The field sorted on.
    pub field: F,
    /// Largest first.
    pub descending: bool,
}

impl<F> Sort<F> {
    /// Smallest first.
    pub const fn asc(field: F) -> Self {
        Sort {
            field,
            descending: false,
        }
    }

    /// Largest first.
    pub const fn desc(field: F) -> Self {
        Sort {
            field,
            descending: true,
        }
    }
}

impl<F: WireEnum> fmt::Display for Sort<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.descending {
            f.write_str(DESCENDING_PREFIX)?;
        }
        f.write_str(self.field.as_str())
    }
}

impl<F: WireEnum> FromStr for Sort<F> {
    type Err = UnknownValue;

    fn from_str(key: &str) -> Result<Self, UnknownValue> {
        let key = key.trim();
        match key.strip_prefix(DESCENDING_PREFIX) {
            Some(field) => F::parse_wire(field).map(Sort::desc),
            None => F::parse_wire(key).map(Sort::asc),
        }
    }
}

/// A filter operator of `api.yaml: filter_operators`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FilterOp {
    /// Exact match: `filter[field]=value` (no operator in the key).
    Eq,
    /// Not equal (alias `!=`).
    Ne,
    /// Greater than (alias `>`).
    Gt,
    /// Greater than or equal (alias `>=`).
    Gte,
    /// Less than (alias `<`).
    Lt,
    /// Less than or equal (alias `<=`).
    Lte,
    /// Partial match (the server wraps the value in `%`).
    Like,
    /// Any of a comma-separated list.
    In,
    /// None of a comma-separated list.
    NotIn,
    /// Inclusive range of two comma-separated values.
    Between,
    /// The field is null (`true`) or not null (`false`).
    Null,
}

impl WireEnum for FilterOp {
    const ALL: &'static [Self] = &[
        FilterOp::Eq,
        FilterOp::Ne,
        FilterOp::Gt,
        FilterOp::Gte,
        FilterOp::Lt,
        FilterOp::Lte,
        FilterOp::Like,
        FilterOp::In,
        FilterOp::NotIn,
        FilterOp::Between,
        FilterOp::Null,
    ];
    const NAME: &'static str = "filter operator";

    fn as_str(self) -> &'static str {
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

impl FilterOp {
    /// The operator of a `filter[field][op]` key: its name or alias (`>=`), case-insensitive.
    pub fn from_key(op: &str) -> Option<FilterOp> {
        let alias = match op {
            "!=" => Some(FilterOp::Ne),
            ">" => Some(FilterOp::Gt),
            ">=" => Some(FilterOp::Gte),
            "<" => Some(FilterOp::Lt),
            "<=" => Some(FilterOp::Lte),
            _ => None,
        };
        alias.or_else(|| {
            FilterOp::ALL
                .iter()
                .copied()
                .find(|known| known.as_str().eq_ignore_ascii_case(op))
        })
    }
}

impl fmt::Display for FilterOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One filter condition on a field, typed by the field.
#[derive(Clone, Debug, PartialEq)]
pub enum FilterCond<T> {
    /// `filter[field]=value`
    Eq(T),
    /// `filter[field][ne]=value`
    Ne(T),
    /// `filter[field][gt]=value`
    Gt(T),
    /// `filter[field][gte]=value`
    Gte(T),
    /// `filter[field][lt]=value`
    Lt(T),
    /// `filter[field][lte]=value`
    Lte(T),
    /// `filter[field][like]=value`
    Like(T),
    /// `filter[field][in]=a,b,c`
    In(Vec<T>),
    /// `filter[field][not_in]=a,b,c`
    NotIn(Vec<T>),
    /// `filter[field][between]=low,high`, inclusive.
    Between(T, T),
    /// `filter[field][null]=true|false`
    Null(bool),
}

impl<T> FilterCond<T> {
    /// The operator of the condition.
    pub fn op(&self) -> FilterOp {
        match self {
            FilterCond::Eq(_) => FilterOp::Eq,
            FilterCond::Ne(_) => FilterOp::Ne,
            FilterCond::Gt(_) => FilterOp::Gt,
            FilterCond::Gte(_) => FilterOp::Gte,
            FilterCond::Lt(_) => FilterOp::Lt,
            FilterCond::Lte(_) => FilterOp::Lte,
            FilterCond::Like(_) => FilterOp::Like,
            FilterCond::In(_) => FilterOp::In,
            FilterCond::NotIn(_) => FilterOp::NotIn,
            FilterCond::Between(..) => FilterOp::Between,
            FilterCond::Null(_) => FilterOp::Null,
        }
    }

    /// The query key: `filter[field]` for `eq`, `filter[field][op]` otherwise.
    pub fn query_key(&self, filter: &str, field: &str) -> String {
        match self.op() {
            FilterOp::Eq => format!("{filter}[{field}]"),
            op => format!("{filter}[{field}][{op}]"),
        }
    }
}

impl<T: fmt::Display> FilterCond<T> {
    /// The query value: the value, a comma-separated list or pair, or `true`/`false`.
    pub fn query_value(&self) -> String {
        match self {
            FilterCond::Eq(v)
            | FilterCond::Ne(v)
            | FilterCond::Gt(v)
            | FilterCond::Gte(v)
            | FilterCond::Lt(v)
            | FilterCond::Lte(v)
            | FilterCond::Like(v) => v.to_string(),
            FilterCond::In(vs) | FilterCond::NotIn(vs) => join(vs),
            FilterCond::Between(low, high) => format!("{low},{high}"),
            FilterCond::Null(is_null) => is_null.to_string(),
        }
    }
}

impl<T: FromStr> FilterCond<T>
where
    T::Err: fmt::Display,
{
    /// Parses the value of a condition with operator `op`.
    ///
    /// # Errors
    ///
    /// What is wrong with the value.
    pub fn parse(op: FilterOp, value: &str) -> Result<Self, FilterValueError> {
        let one = |v: &str| {
            v.trim()
                .parse::<T>()
                .map_err(|e| FilterValueError::Value(e.to_string()))
        };
        let list = || {
            value
                .split(',')
                .filter(|v| !v.trim().is_empty())
                .map(one)
                .collect::<Result<Vec<T>, _>>()
        };
        Ok(match op {
            FilterOp::Eq => FilterCond::Eq(one(value)?),
            FilterOp::Ne => FilterCond::Ne(one(value)?),
            FilterOp::Gt => FilterCond::Gt(one(value)?),
            FilterOp::Gte => FilterCond::Gte(one(value)?),
            FilterOp::Lt => FilterCond::Lt(one(value)?),
            FilterOp::Lte => FilterCond::Lte(one(value)?),
            FilterOp::Like => FilterCond::Like(one(value)?),
            FilterOp::In => FilterCond::In(list()?),
            FilterOp::NotIn => FilterCond::NotIn(list()?),
            FilterOp::Between => match value.split_once(',') {
                Some((low, high)) => FilterCond::Between(one(low)?, one(high)?),
                None => return Err(FilterValueError::BetweenNeedsTwo),
            },
            FilterOp::Null => {
                FilterCond::Null(parse_bool(value).ok_or(FilterValueError::NullNeedsBool)?)
            }
        })
    }
}

/// Why the value of a filter condition does not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FilterValueError {
    /// A value is not of the field's type: the message of its parser.
    #[error("{0}")]
    Value(String),
    /// `between` without a comma.
    #[error("between takes two comma-separated values")]
    BetweenNeedsTwo,
    /// `null` with something other than `true`/`false` (or `1`/`0`).
    #[error("null takes true or false")]
    NullNeedsBool,
}

/// A query parameter that could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid query parameter `{param}`: {message}")]
pub struct QueryError {
    /// The parameter as written (`filter[status_id][in]`).
    pub param: String,
    /// What is wrong with it.
    pub message: String,
}

impl QueryError {
    fn new(param: &str, message: impl fmt::Display) -> Self {
        QueryError {
            param: param.to_owned(),
            message: message.to_string(),
        }
    }
}

/// Builds the query pairs of a request, leaving out empty values. Used by the generated
/// `to_pairs`.
#[derive(Debug, Default)]
pub struct QueryPairs {
    pairs: Vec<(String, String)>,
}

impl QueryPairs {
    /// No pairs yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// `key=value` when the value is set.
    pub fn opt<T: fmt::Display>(&mut self, key: &str, value: &Option<T>) {
        if let Some(value) = value {
            self.pairs.push((key.to_owned(), value.to_string()));
        }
    }

    /// `key=a,b,c` when the list is not empty.
    pub fn list<T: fmt::Display>(&mut self, key: &str, values: &[T]) {
        if !values.is_empty() {
            self.pairs.push((key.to_owned(), join(values)));
        }
    }

    /// `include=a,b` when the set is not empty.
    pub fn include<I: Include>(&mut self, key: &str, set: &IncludeSet<I>) {
        if let Some(value) = set.to_query_value() {
            self.pairs.push((key.to_owned(), value));
        }
    }

    /// One pair per condition on `field`.
    pub fn filter<T: fmt::Display>(&mut self, filter: &str, field: &str, conds: &[FilterCond<T>]) {
        for cond in conds {
            self.pairs
                .push((cond.query_key(filter, field), cond.query_value()));
        }
    }

    /// The pairs, in the order they were added.
    pub fn into_pairs(self) -> Vec<(String, String)> {
        self.pairs
    }
}

/// Splits `filter[field]` into `(field, None)` and `filter[field][op]` into `(field, Some(op))`;
/// `None` when `key` is not a filter key.
pub fn filter_key<'a>(filter: &str, key: &'a str) -> Option<(&'a str, Option<&'a str>)> {
    let rest = key.strip_prefix(filter)?.strip_prefix('[')?;
    let (field, rest) = rest.split_once(']')?;
    if rest.is_empty() {
        return Some((field, None));
    }
    let op = rest.strip_prefix('[')?.strip_suffix(']')?;
    Some((field, Some(op)))
}

/// Parses one filter condition of a field that allows `allowed` operators.
///
/// # Errors
///
/// An unknown or disallowed operator, or a value that does not parse.
pub fn parse_filter<T: FromStr>(
    key: &str,
    op: Option<&str>,
    value: &str,
    allowed: &[FilterOp],
) -> Result<FilterCond<T>, QueryError>
where
    T::Err: fmt::Display,
{
    let op = match op {
        None => FilterOp::Eq,
        Some(name) => FilterOp::from_key(name)
            .ok_or_else(|| QueryError::new(key, format!("unknown filter operator `{name}`")))?,
    };
    if !allowed.contains(&op) {
        let names: Vec<&str> = allowed.iter().map(|op| op.as_str()).collect();
        return Err(QueryError::new(
            key,
            format!(
                "operator `{op}` is not allowed here; allowed: {}",
                names.join(", ")
            ),
        ));
    }
    FilterCond::parse(op, value).map_err(|error| QueryError::new(key, error))
}

/// The operators `field` allows, from a generated `OPERATORS` table.
///
/// # Errors
///
/// The operation cannot filter by `field`.
pub fn allowed_ops<'a>(
    table: &[(&str, &'a [FilterOp])],
    key: &str,
    field: &str,
) -> Result<&'a [FilterOp], QueryError> {
    match table.iter().find(|(name, _)| *name == field) {
        Some((_, ops)) => Ok(ops),
        None => {
            let names: Vec<&str> = table.iter().map(|(name, _)| *name).collect();
            Err(QueryError::new(
                key,
                format!(
                    "unknown filter field `{field}`; allowed: {}",
                    names.join(", ")
                ),
            ))
        }
    }
}

/// Parses a scalar parameter (`page=2`).
///
/// # Errors
///
/// The value does not parse as `T`.
pub fn parse_scalar<T: FromStr>(key: &str, value: &str) -> Result<T, QueryError>
where
    T::Err: fmt::Display,
{
    value.trim().parse().map_err(|e| QueryError::new(key, e))
}

/// Parses a comma-separated parameter (`fields=id,firstname`), skipping empty items.
///
/// # Errors
///
/// An item does not parse as `T`.
pub fn parse_list<T: FromStr>(key: &str, value: &str) -> Result<Vec<T>, QueryError>
where
    T::Err: fmt::Display,
{
    let items = value
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty());
    items
        .map(|item| item.parse().map_err(|e| QueryError::new(key, e)))
        .collect()
}

/// Parses an `include=` parameter.
///
/// # Errors
///
/// A name that is not a relation of `I`.
pub fn parse_include<I: Include>(key: &str, value: &str) -> Result<IncludeSet<I>, QueryError> {
    IncludeSet::parse(value).map_err(|e| QueryError::new(key, e))
}

fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

fn join<T: fmt::Display>(values: &[T]) -> String {
    let mut out = String::new();
    for (position, value) in values.iter().enumerate() {
        if position > 0 {
            out.push(',');
        }
        out.push_str(&value.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Field {
        Id,
        CreatedAt,
    }

    impl WireEnum for Field {
        const ALL: &'static [Self] = &[Field::Id, Field::CreatedAt];
        const NAME: &'static str = "sort field";
        fn as_str(self) -> &'static str {
            ["id", "created_at"][self as usize]
        }
    }

    #[test]
    fn sort_keys_render_and_parse() {
        assert_eq!(Sort::desc(Field::CreatedAt).to_string(), "-created_at");
        assert_eq!("-created_at".parse(), Ok(Sort::desc(Field::CreatedAt)));
        assert_eq!(" id ".parse(), Ok(Sort::asc(Field::Id)));
        assert!("name".parse::<Sort<Field>>().is_err());
        let sorts: Vec<Sort<Field>> = parse_list("sort", "id,,-created_at").unwrap();
        assert_eq!(sorts, [Sort::asc(Field::Id), Sort::desc(Field::CreatedAt)]);
    }

    #[test]
    fn filter_keys_and_values_render() {
        let cases: [(FilterCond<i64>, &str, &str); 5] = [
            (FilterCond::Eq(3), "filter[status_id]", "3"),
            (
                FilterCond::In(vec![1, 2, 3]),
                "filter[status_id][in]",
                "1,2,3",
            ),
            (
                FilterCond::NotIn(vec![4, 5]),
                "filter[status_id][not_in]",
                "4,5",
            ),
            (
                FilterCond::Between(1, 9),
                "filter[status_id][between]",
                "1,9",
            ),
            (FilterCond::Null(true), "filter[status_id][null]", "true"),
        ];
        for (cond, key, value) in cases {
            assert_eq!(cond.query_key("filter", "status_id"), key);
            assert_eq!(cond.query_value(), value);
            let (field, op) = filter_key("filter", key).unwrap();
            assert_eq!(field, "status_id");
            assert_eq!(parse_filter::<i64>(key, op, value, FilterOp::ALL), Ok(cond));
        }
    }

    #[test]
    fn filter_parsing_rejects_what_the_field_does_not_allow() {
        assert_eq!(
            filter_key("filter", "filter[a][>=]"),
            Some(("a", Some(">=")))
        );
        assert_eq!(filter_key("filter", "sort"), None);
        assert_eq!(
            parse_filter::<i64>("k", Some(">="), "5", &[FilterOp::Gte]),
            Ok(FilterCond::Gte(5))
        );
        let err =
            parse_filter::<i64>("k", Some("like"), "5", &[FilterOp::Eq, FilterOp::In]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid query parameter `k`: operator `like` is not allowed here; allowed: eq, in"
        );
        assert_eq!(FilterCond::<i64>::parse(FilterOp::Between, "5"), Err(FilterValueError::BetweenNeedsTwo));
        assert_eq!(FilterCond::<i64>::parse(FilterOp::Null, "maybe"), Err(FilterValueError::NullNeedsBool));
        assert!(matches!(FilterCond::<i64>::parse(FilterOp::In, "1,x"), Err(FilterValueError::Value(_))));
        assert_eq!(
            parse_filter::<i64>("k", Some("between"), "5", FilterOp::ALL).unwrap_err().to_string(),
            "invalid query parameter `k`: between takes two comma-separated values"
        );
        assert!(parse_filter::<i64>("k", None, "five", FilterOp::ALL).is_err());
        assert!(parse_filter::<i64>("k", Some("near"), "5", FilterOp::ALL).is_err());
    }

    #[test]
    fn allowed_ops_come_from_the_table() {
        let table: &[(&str, &[FilterOp])] = &[("status_id", &[FilterOp::Eq, FilterOp::In])];
        assert_eq!(
            allowed_ops(table, "k", "status_id"),
            Ok(&[FilterOp::Eq, FilterOp::In][..])
        );
        let err = allowed_ops(table, "filter[name]", "name").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid query parameter `filter[name]`: unknown filter field `name`; allowed: status_id"
        );
    }

    #[test]
    fn pairs_skip_empty_values() {
        let mut pairs = QueryPairs::new();
        pairs.opt::<u32>("page", &None);
        pairs.opt("per_page", &Some(50));
        pairs.list::<String>("fields", &[]);
        pairs.list(
            "sort",
            &[Sort::asc(Field::Id), Sort::desc(Field::CreatedAt)],
        );
        pairs.filter("filter", "type", &[FilterCond::Like("lea")]);
        let expected = [
            ("per_page", "50"),
            ("sort", "id,-created_at"),
            ("filter[type][like]", "lea"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        assert_eq!(pairs.into_pairs(), expected);
    }
}
