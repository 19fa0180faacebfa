//! A status outside 100..=599.

use wacr_macros::{Operation, Scope};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
pub enum ApiScope {
    #[scope("contacts:read")]
    ContactsRead,
    #[scope("contacts:write")]
    ContactsWrite,
}

#[derive(Operation)]
#[operation(id = "create_contact", method = POST, path = "/contacts", scope = ApiScope::ContactsWrite, status = 2001)]
pub struct CreateContact {
    pub phone: String,
}

fn main() {}
