//! `new` is a flag in `#[operation(...)]`: given a value, it is reported there.

use wacr_macros::{Operation, Scope};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
pub enum ApiScope {
    #[scope("contacts:read")]
    ContactsRead,
}

#[derive(Operation)]
#[operation(method = GET, path = "/contacts/{id}", new = true)]
#[operation(id = "get_contact", scope = ApiScope::ContactsRead, status = 200)]
pub struct GetContact {
    #[path_param]
    pub id: i64,
}

fn main() {
    let _ = GetContact::new(1);
}
