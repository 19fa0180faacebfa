//! A resource without `#[include]` fields: its include enum has no variants, so every set is
//! empty and every name is rejected.

use wacr_macros::Resource;
use wacr_runtime::{Include, IncludeSet, Resource};

#[derive(Resource)]
pub struct Source {
    pub id: u64,
    pub name: String,
}

fn main() {
    let mut source = Source { id: 1, name: "web".into() };
    assert!(SourceInclude::ALL.is_empty());
    assert!(source.included().is_empty());
    source.retain_includes(IncludeSet::all());
    assert_eq!((source.id, source.name.as_str()), (1, "web"));
    assert_eq!(IncludeSet::<SourceInclude>::parse(" , ").unwrap(), IncludeSet::new());
    let err = IncludeSet::<SourceInclude>::parse("groups").unwrap_err();
    assert_eq!(err.to_string(), "unknown include `groups`; this resource has no includes");
}
