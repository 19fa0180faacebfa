//! The exchange keys: `output` without `error`, and a shape that is not a `Shape` variant,
//! are both reported.

use wacr_macros::{Operation, Scope};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
pub enum ApiScope {
    #[scope("contacts:read")]
    ContactsRead,
}

#[derive(Operation)]
#[operation(id = "get_contact", method = GET, path = "/contacts/{id}", scope = ApiScope::ContactsRead, status = 200)]
#[operation(output = String, shape = Paged)]
pub struct GetContact {
    #[path_param]
    pub id: u64,
}

fn main() {}
