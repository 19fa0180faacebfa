//! #[derive(Resource)] on a tuple struct.

use wacr_macros::Resource;

#[derive(Resource)]
pub struct Contact(u64, Option<Vec<String>>);

fn main() {}
