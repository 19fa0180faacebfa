//! A relation that would serialize as null when not requested.

use wacr_macros::Resource;

#[derive(serde::Serialize, Resource)]
pub struct Contact {
    pub id: u64,
    #[include]
    pub groups: Option<Vec<String>>,
}

fn main() {}
