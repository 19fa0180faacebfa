//! `#[include = "..."]` instead of `#[include]` or `#[include(rename = "...")]`.

use wacr_macros::Resource;

#[derive(serde::Serialize, Resource)]
pub struct Contact {
    pub id: u64,
    #[include = "groups"]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
}

fn main() {}
