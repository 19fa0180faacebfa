//! A scope enum without the derives ScopeEnum needs: rustc names each.

use wacr_macros::Scope;

#[derive(Debug, Scope)]
pub enum ApiScope {
    #[scope("contacts:read")]
    ContactsRead,
}

fn main() {}
