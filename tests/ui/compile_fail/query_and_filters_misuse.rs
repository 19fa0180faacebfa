//! A query field with no query form, an unknown `#[query]` key, an operator set without
//! operators, operators listed on a filter field instead of its type, and `New` on a tuple
//! struct: each reported at its place, all at once per derive.

use wacr_macros::{FilterOps, Filters, New, Query};
use wacr_runtime::Filter;

#[derive(Default, Query)]
pub struct ListQuery {
    pub page: u32,
    #[query(default)]
    pub search: Option<String>,
}

#[derive(FilterOps)]
#[filter()]
pub enum NoOps {}

#[derive(Default, Filters)]
pub struct ListFilters {
    #[filter(Eq, In)]
    pub status_id: Vec<Filter<i64, NoOps>>,
    #[filter(rename = 3)]
    pub source_id: Vec<Filter<i64, NoOps>>,
}

#[derive(New)]
pub struct Pair(String, u32);

fn main() {}
