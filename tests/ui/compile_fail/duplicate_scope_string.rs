//! Two variants with the same scope string.

use wacr_macros::Scope;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
pub enum ApiScope {
    #[scope("contacts:read")]
    ContactsRead,
    #[scope("contacts:read")]
    ContactsWrite,
}

fn main() {}
