//! A scope variant without #[scope("...")].

use wacr_macros::Scope;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
pub enum ApiScope {
    #[scope("contacts:read")]
    ContactsRead,
    ContactsWrite,
}

fn main() {}
