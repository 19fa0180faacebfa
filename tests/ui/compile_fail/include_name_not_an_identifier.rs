//! An include name that cannot become an enum variant.

use wacr_macros::Resource;

#[derive(serde::Serialize, Resource)]
pub struct Contact {
    pub id: u64,
    #[include(rename = "2fa")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub two_factor: Option<bool>,
}

fn main() {}
