//! A tuple struct: the lean derives take named fields only.

use wacr_macros::Deserialize;

#[derive(Deserialize)]
pub struct Pair(pub i64, pub i64);

fn main() {}
