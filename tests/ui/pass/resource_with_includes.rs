//! A resource with three relations: parsing `?include=`, trimming what was not requested, and
//! the JSON leaving those relations out rather than writing null.

use serde::Serialize;
use wacr_macros::Resource;
use wacr_runtime::{Include, IncludeSet, Resource as _};

#[derive(Serialize)]
pub struct Group {
    pub id: u64,
    pub name: String,
}

#[derive(Serialize, Resource)]
pub struct Contact {
    pub id: u64,
    pub name: String,
    /// Groups the contact belongs to.
    #[include]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<Group>>,
    #[include]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[include]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

fn loaded() -> Contact {
    Contact {
        id: 7,
        name: "Ada".into(),
        groups: Some(vec![Group { id: 1, name: "VIP".into() }]),
        source: Some("web".into()),
        status: Some("lead".into()),
    }
}

fn main() {
    assert_eq!(ContactInclude::ALL, [ContactInclude::Groups, ContactInclude::Source, ContactInclude::Status]);
    assert_eq!(ContactInclude::NAMES, ["groups", "source", "status"]);
    assert_eq!(ContactInclude::Source.to_string(), "source");
    assert_eq!("STATUS".parse::<ContactInclude>(), Ok(ContactInclude::Status));

    let requested = IncludeSet::<ContactInclude>::parse(" status,Groups ,status").unwrap();
    let mut contact = loaded();
    assert_eq!(contact.included(), IncludeSet::all());
    contact.retain_includes(requested);
    assert_eq!(contact.included(), requested);
    assert_eq!(
        serde_json::to_value(&contact).unwrap(),
        serde_json::json!({"id": 7, "name": "Ada", "groups": [{"id": 1, "name": "VIP"}], "status": "lead"}),
    );

    let mut bare = loaded();
    bare.retain_includes(IncludeSet::new());
    assert_eq!(serde_json::to_string(&bare).unwrap(), r#"{"id":7,"name":"Ada"}"#);
    assert!(bare.included().is_empty());

    let err = IncludeSet::<ContactInclude>::parse("grups").unwrap_err();
    assert_eq!(err.to_string(), "unknown include `grups`; allowed values are: groups, source, status");
}
