//! #[derive(Resource)] on an enum.

use wacr_macros::Resource;

#[derive(Resource)]
pub enum Contact {
    Person { id: u64 },
    Company { id: u64 },
}

fn main() {}
