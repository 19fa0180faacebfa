//! A query field with no query form, an unknown `#[query]` key, a filter field without
//! operators, and `New` on a tuple struct: each reported at its place, all at once per derive.

use wacr_macros::{Filters, New, Query};
use wacr_runtime::FilterCond;

#[derive(Default, Query)]
pub struct ListQuery {
    pub page: u32,
    #[query(default)]
    pub search: Option<String>,
}

#[derive(Default, Filters)]
pub struct ListFilters {
    #[filter()]
    pub status_id: Vec<FilterCond<i64>>,
    #[filter(Eq, rename = 3)]
    pub source_id: Vec<FilterCond<i64>>,
}

#[derive(New)]
pub struct Pair(String, u32);

fn main() {}
