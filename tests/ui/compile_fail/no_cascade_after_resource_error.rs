//! One mistake in a resource; code using its include enum and impl adds no errors.

use wacr_macros::Resource;
use wacr_runtime::{IncludeSet, Resource};

#[derive(serde::Serialize, Resource)]
pub struct Contact {
    pub id: u64,
    #[include]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
    #[include]
    pub source: Option<String>,
}

fn main() {
    let mut contact = Contact { id: 1, groups: None, source: None };
    contact.retain_includes(IncludeSet::from(ContactInclude::Groups));
    let _ = ContactInclude::Source;
}
