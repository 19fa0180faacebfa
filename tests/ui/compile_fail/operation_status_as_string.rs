//! A status written as a string.

use wacr_macros::{Operation, Scope};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
pub enum ApiScope {
    #[scope("contacts:read")]
    ContactsRead,
    #[scope("contacts:write")]
    ContactsWrite,
}

#[derive(Operation)]
#[operation(id = "create_contact", method = POST, path = "/contacts", scope = ApiScope::ContactsWrite, status = "201")]
pub struct CreateContact {
    pub phone: String,
}

fn main() {}
