//! A scope variant with fields.

use wacr_macros::Scope;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
pub enum ApiScope {
    #[scope("contacts:read")]
    ContactsRead,
    #[scope("groups:read")]
    GroupsRead(u64),
}

fn main() {}
