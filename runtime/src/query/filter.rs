//! Filter conditions of the generated `*Filters` types (`filter[status_id][in]=1,2`): the
//! operators of `api.yaml: filter_operators`, the condition a server matches on
//! ([`FilterCond`]), and the condition a filter field holds ([`Filter`]), which can only be
//! built with an operator the field's operator set allows: any other does not compile.

use core::fmt;
use core::marker::PhantomData;
use core::str::FromStr;

use super::op::{self, Allows, Operators};
use super::{QueryError, QueryPairs, join, parse_bool};
use crate::value::WireEnum;

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

/// One filter condition on a field whose values are `T`. `like` is a partial match on the
/// field's text, so its value is text whatever `T` is (`filter[type][like]=lea` on an enum).
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
    /// `filter[field][like]=text`
    Like(String),
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
            | FilterCond::Lte(v) => v.to_string(),
            FilterCond::Like(text) => text.clone(),
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
            FilterOp::Like => FilterCond::Like(value.trim().to_owned()),
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

/// One condition of a filter field whose values are `T` and whose operator set is `O`: each
/// constructor is named after its operator and exists only when `O` allows it, so
/// `filters.status_id.push(Filter::like("1"))` does not compile where the spec does not allow
/// `like` on `status_id`. A server reads the condition with [`Filter::cond`].
///
/// ```
/// # use wacr_runtime::query::{Filter, FilterCond, op, Allows, Operators};
/// # use wacr_runtime::FilterOp;
/// # enum EqInOps {}
/// # impl Operators for EqInOps { const ALLOWED: &'static [FilterOp] = &[FilterOp::Eq, FilterOp::In]; }
/// # impl Allows<op::Eq> for EqInOps {}
/// # impl Allows<op::In> for EqInOps {}
/// let mut status_id: Vec<Filter<i64, EqInOps>> = Vec::new();
/// status_id.push(Filter::is_in([1, 2]));
/// assert_eq!(status_id[0].cond(), &FilterCond::In(vec![1, 2]));
/// ```
///
/// ```compile_fail
/// # use wacr_runtime::query::{Filter, op, Allows, Operators};
/// # use wacr_runtime::FilterOp;
/// # enum EqInOps {}
/// # impl Operators for EqInOps { const ALLOWED: &'static [FilterOp] = &[FilterOp::Eq, FilterOp::In]; }
/// # impl Allows<op::Eq> for EqInOps {}
/// # impl Allows<op::In> for EqInOps {}
/// let like: Filter<i64, EqInOps> = Filter::like("1"); // `like` is not in the set
/// ```
pub struct Filter<T, O> {
    cond: FilterCond<T>,
    ops: PhantomData<fn() -> O>,
}

impl<T, O> Filter<T, O> {
    fn of(cond: FilterCond<T>) -> Self {
        Filter { cond, ops: PhantomData }
    }

    /// The condition, to match on.
    pub fn cond(&self) -> &FilterCond<T> {
        &self.cond
    }

    /// The condition, owned.
    pub fn into_cond(self) -> FilterCond<T> {
        self.cond
    }
}

/// The constructors of the operators that take one value of the field.
macro_rules! one_value {
    ($($name:ident $variant:ident $doc:literal;)*) => {$(
        impl<T, O: Allows<op::$variant>> Filter<T, O> {
            #[doc = $doc]
            pub fn $name(value: impl Into<T>) -> Self {
                Filter::of(FilterCond::$variant(value.into()))
            }
        }
    )*};
}

one_value! {
    eq Eq "`filter[field]=value`: the field equals `value`.";
    ne Ne "`filter[field][ne]=value`: the field does not equal `value`.";
    gt Gt "`filter[field][gt]=value`: the field is greater than `value`.";
    gte Gte "`filter[field][gte]=value`: the field is at least `value`.";
    lt Lt "`filter[field][lt]=value`: the field is less than `value`.";
    lte Lte "`filter[field][lte]=value`: the field is at most `value`.";
}

impl<T, O: Allows<op::Like>> Filter<T, O> {
    /// `filter[field][like]=text`: the field's text contains `text`.
    pub fn like(text: impl Into<String>) -> Self {
        Filter::of(FilterCond::Like(text.into()))
    }
}

impl<T, O: Allows<op::In>> Filter<T, O> {
    /// `filter[field][in]=a,b`: the field is one of `values`.
    pub fn is_in<V: Into<T>>(values: impl IntoIterator<Item = V>) -> Self {
        Filter::of(FilterCond::In(values.into_iter().map(Into::into).collect()))
    }
}

impl<T, O: Allows<op::NotIn>> Filter<T, O> {
    /// `filter[field][not_in]=a,b`: the field is none of `values`.
    pub fn not_in<V: Into<T>>(values: impl IntoIterator<Item = V>) -> Self {
        Filter::of(FilterCond::NotIn(values.into_iter().map(Into::into).collect()))
    }
}

impl<T, O: Allows<op::Between>> Filter<T, O> {
    /// `filter[field][between]=low,high`: the field is in `low..=high`.
    pub fn between(low: impl Into<T>, high: impl Into<T>) -> Self {
        Filter::of(FilterCond::Between(low.into(), high.into()))
    }
}

impl<T, O: Allows<op::Null>> Filter<T, O> {
    /// `filter[field][null]=true|false`: the field is null (`true`) or not (`false`).
    pub fn null(is_null: bool) -> Self {
        Filter::of(FilterCond::Null(is_null))
    }
}

impl<T: FromStr, O: Operators> Filter<T, O>
where
    T::Err: fmt::Display,
{
    /// Parses one `key=value` pair whose operator is `op` (`None` for `eq`), refusing an
    /// operator `O` does not allow.
    ///
    /// # Errors
    ///
    /// An unknown or disallowed operator, or a value that does not parse.
    pub fn parse(key: &str, op: Option<&str>, value: &str) -> Result<Self, QueryError> {
        let op = match op {
            None => FilterOp::Eq,
            Some(name) => FilterOp::from_key(name)
                .ok_or_else(|| QueryError::new(key, format!("unknown filter operator `{name}`")))?,
        };
        if !O::ALLOWED.contains(&op) {
            return Err(QueryError::new(
                key,
                format!("operator `{op}` is not allowed here; allowed: {}", names(O::ALLOWED)),
            ));
        }
        let cond = FilterCond::parse(op, value).map_err(|error| QueryError::new(key, error))?;
        Ok(Filter::of(cond))
    }
}

impl<T: Clone, O> Clone for Filter<T, O> {
    fn clone(&self) -> Self {
        Filter::of(self.cond.clone())
    }
}

impl<T: fmt::Debug, O> fmt::Debug for Filter<T, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.cond.fmt(f)
    }
}

impl<T: PartialEq, O> PartialEq for Filter<T, O> {
    fn eq(&self, other: &Self) -> bool {
        self.cond == other.cond
    }
}

impl<T, O> AsRef<FilterCond<T>> for Filter<T, O> {
    fn as_ref(&self) -> &FilterCond<T> {
        &self.cond
    }
}

impl<T, O> From<Filter<T, O>> for FilterCond<T> {
    fn from(filter: Filter<T, O>) -> Self {
        filter.cond
    }
}

/// The conditions on one filter field, `Vec<Filter<T, O>>`: what `#[derive(Filters)]` reads
/// the field's operators from, parses pairs into and writes pairs from.
pub trait FilterField {
    /// The operators the field allows.
    const OPERATORS: &'static [FilterOp];

    /// Adds the condition of one pair (`op` is `None` for `eq`; `key` is the whole key, for
    /// errors).
    ///
    /// # Errors
    ///
    /// An unknown or disallowed operator, or a value that does not parse.
    fn push_pair(&mut self, key: &str, op: Option<&str>, value: &str) -> Result<(), QueryError>;

    /// Appends one `prefix[field][op]=value` pair per condition.
    fn write_pairs(&self, prefix: &str, field: &str, pairs: &mut QueryPairs);
}

impl<T: FromStr + fmt::Display, O: Operators> FilterField for Vec<Filter<T, O>>
where
    T::Err: fmt::Display,
{
    const OPERATORS: &'static [FilterOp] = O::ALLOWED;

    fn push_pair(&mut self, key: &str, op: Option<&str>, value: &str) -> Result<(), QueryError> {
        self.push(Filter::parse(key, op, value)?);
        Ok(())
    }

    fn write_pairs(&self, prefix: &str, field: &str, pairs: &mut QueryPairs) {
        for filter in self {
            pairs.push(filter.cond.query_key(prefix, field), filter.cond.query_value());
        }
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

fn names(ops: &[FilterOp]) -> String {
    ops.iter().map(|op| op.as_str()).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests;
