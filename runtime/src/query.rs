//! List-query values of the generated `*Query` types: sort keys (`sort=firstname,-created_at`),
//! filter conditions (`filter[status_id][in]=1,2`, in `query/filter.rs`) and the helpers that render
//! them to, and parse them from, query pairs.

use core::fmt;
use core::str::FromStr;

use crate::include::{Include, IncludeSet};
use crate::value::{UnknownValue, WireEnum};

mod filter;
pub mod op;

pub use filter::{
    Filter, FilterCond, FilterField, FilterOp, FilterValueError, allowed_ops, filter_key,
};
pub use op::{Allows, Operators};

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

    fn push(&mut self, key: String, value: String) {
        self.pairs.push((key, value));
    }

    /// The pairs, in the order they were added.
    pub fn into_pairs(self) -> Vec<(String, String)> {
        self.pairs
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
    fn pairs_skip_empty_values() {
        let mut pairs = QueryPairs::new();
        pairs.opt::<u32>("page", &None);
        pairs.opt("per_page", &Some(50));
        pairs.list::<String>("fields", &[]);
        pairs.list(
            "sort",
            &[Sort::asc(Field::Id), Sort::desc(Field::CreatedAt)],
        );
        let expected = [("per_page", "50"), ("sort", "id,-created_at")];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        assert_eq!(pairs.into_pairs(), expected);
    }
}
