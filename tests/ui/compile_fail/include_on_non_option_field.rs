//! A relation field that is not an Option.

use wacr_macros::Resource;

#[derive(Resource)]
pub struct Contact {
    pub id: u64,
    #[include]
    pub groups: Vec<String>,
}

fn main() {}
