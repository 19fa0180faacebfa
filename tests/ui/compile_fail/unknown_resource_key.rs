//! A key #[resource] does not know.

use wacr_macros::Resource;

#[derive(serde::Serialize, Resource)]
#[resource(includes = ContactRelation)]
pub struct Contact {
    pub id: u64,
}

fn main() {}
