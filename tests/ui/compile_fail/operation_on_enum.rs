//! #[derive(Operation)] on an enum.

use wacr_macros::{Operation, Scope};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
pub enum ApiScope {
    #[scope("contacts:read")]
    ContactsRead,
    #[scope("contacts:write")]
    ContactsWrite,
}

#[derive(Operation)]
#[operation(id = "get_contact", method = GET, path = "/contacts/{id}", scope = ApiScope::ContactsRead, status = 200)]
pub enum GetContact {
    ById { id: u64 },
}

fn main() {}
