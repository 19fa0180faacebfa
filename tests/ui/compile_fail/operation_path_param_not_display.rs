//! A path parameter whose type is not Display: rustc reports it at the field.

use wacr_macros::{Operation, Scope};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
pub enum ApiScope {
    #[scope("contacts:read")]
    ContactsRead,
    #[scope("contacts:write")]
    ContactsWrite,
}

pub struct ContactId(u64);

#[derive(Operation)]
#[operation(id = "get_contact", method = GET, path = "/contacts/{id}", scope = ApiScope::ContactsRead, status = 200)]
pub struct GetContact {
    #[path_param]
    pub id: ContactId,
}

fn main() {}
