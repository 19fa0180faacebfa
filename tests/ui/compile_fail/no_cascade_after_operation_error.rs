//! One mistake in an operation; code using its impl adds no errors.

use wacr_macros::{Operation, Scope};
use wacr_runtime::{Operation, ScopeSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
pub enum ApiScope {
    #[scope("contacts:read")]
    ContactsRead,
}

#[derive(Operation)]
#[operation(id = "get_contact", method = GET, path = "/contacts/{contact_id}", scope = ApiScope::ContactsRead, status = 200)]
pub struct GetContact {
    #[path_param]
    pub id: u64,
}

fn main() {
    let request = GetContact { id: 1 };
    let _ = (GetContact::ID, GetContact::METHOD, request.render_path());
    assert!(ScopeSet::<ApiScope>::all().allows(GetContact::SCOPE));
}
