//! #[derive(Scope)] on a struct.

use wacr_macros::Scope;

#[derive(Scope)]
pub struct ApiScope {
    pub name: String,
}

fn main() {}
