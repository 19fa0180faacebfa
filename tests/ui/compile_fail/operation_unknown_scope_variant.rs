//! A scope variant that does not exist: rustc reports it at the path.

use wacr_macros::{Operation, Scope};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
pub enum ApiScope {
    #[scope("contacts:read")]
    ContactsRead,
    #[scope("contacts:write")]
    ContactsWrite,
}

#[derive(Operation)]
#[operation(id = "get_contact", method = GET, path = "/contacts/{id}", scope = ApiScope::ContactRead, status = 200)]
pub struct GetContact {
    #[path_param]
    pub id: u64,
}

fn main() {}
