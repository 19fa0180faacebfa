//! A path with a query string.

use wacr_macros::{Operation, Scope};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
pub enum ApiScope {
    #[scope("contacts:read")]
    ContactsRead,
    #[scope("contacts:write")]
    ContactsWrite,
}

#[derive(Operation)]
#[operation(id = "list_contacts", method = GET, path = "/contacts?page=1", scope = ApiScope::ContactsRead, status = 200)]
pub struct ListContacts {
    pub page: u32,
}

fn main() {}
