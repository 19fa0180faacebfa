//! Several mistakes in one attribute: all are reported at once.

use wacr_macros::{Operation, Scope};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
pub enum ApiScope {
    #[scope("contacts:read")]
    ContactsRead,
    #[scope("contacts:write")]
    ContactsWrite,
}

#[derive(Operation)]
#[operation(id = "Get-Contact", method = FETCH, path = "contacts/{id}", scope = ApiScope::ContactsRead, status = 99)]
pub struct GetContact {
    #[path_param]
    pub contact_id: u64,
}

fn main() {}
