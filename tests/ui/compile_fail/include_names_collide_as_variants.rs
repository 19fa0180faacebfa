//! Two distinct include names that become the same enum variant.

use wacr_macros::Resource;

#[derive(serde::Serialize, Resource)]
pub struct Contact {
    pub id: u64,
    #[include]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_source: Option<String>,
    #[include(rename = "leadSource")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

fn main() {}
