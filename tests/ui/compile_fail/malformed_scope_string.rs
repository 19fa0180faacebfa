//! A scope string that is not `resource:action` in lowercase.

use wacr_macros::Scope;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
pub enum ApiScope {
    #[scope("Contacts.Read")]
    ContactsRead,
}

fn main() {}
