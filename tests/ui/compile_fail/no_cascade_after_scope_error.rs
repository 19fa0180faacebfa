//! One mistake in a scope enum; code using its impls adds no errors.

use wacr_macros::{Operation, Scope};
use wacr_runtime::{Operation, ScopeEnum, ScopeSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
pub enum ApiScope {
    #[scope("contacts:read")]
    ContactsRead,
    #[scope("contacts_write")]
    ContactsWrite,
}

#[derive(Operation)]
#[operation(id = "get_contact", method = GET, path = "/contacts/{id}", scope = ApiScope::ContactsRead, status = 200)]
pub struct GetContact {
    #[path_param]
    pub id: u64,
}

fn main() {
    let token = ScopeSet::<ApiScope>::parse("contacts:read").unwrap();
    assert!(token.allows(GetContact::SCOPE));
    let _ = (ApiScope::ALL, ApiScope::ContactsWrite.to_string());
}
