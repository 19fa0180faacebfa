//! A relation skipped by some other predicate than `Option::is_none`.

use wacr_macros::Resource;

#[derive(serde::Serialize, Resource)]
pub struct Contact {
    pub id: u64,
    #[include]
    #[serde(skip_serializing_if = "is_empty")]
    pub groups: Option<Vec<String>>,
}

fn is_empty(groups: &Option<Vec<String>>) -> bool {
    groups.as_ref().is_none_or(Vec::is_empty)
}

fn main() {}
