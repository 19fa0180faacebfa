//! A generic struct, which the lean derives do not take.

use wacr_macros::Serialize;

#[derive(Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
}

fn main() {}
