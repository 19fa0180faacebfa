//! Two relations with the same include name (names match case-insensitively).

use wacr_macros::Resource;

#[derive(serde::Serialize, Resource)]
pub struct Contact {
    pub id: u64,
    #[include]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
    #[include(rename = "Groups")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_names: Option<Vec<String>>,
}

fn main() {}
