//! The runtime sets (`IncludeSet`, `ScopeSet`) and operation metadata exercised through types
//! that use the derives, as generated code will.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use wacr_macros::{Operation, Resource, Scope};
use wacr_runtime::{Include, IncludeSet, Method, Operation, Resource, ScopeEnum, ScopeSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
enum ApiScope {
    #[scope("contacts:read")]
    ContactsRead,
    #[scope("contacts:write")]
    ContactsWrite,
    #[scope("groups:read")]
    GroupsRead,
}

#[derive(Debug, Default, Serialize, Resource)]
struct Contact {
    id: u64,
    #[include]
    #[serde(skip_serializing_if = "Option::is_none")]
    groups: Option<Vec<String>>,
    #[include]
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    #[include]
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct ListQuery {
    #[serde(default)]
    include: IncludeSet<ContactInclude>,
    page: Option<u32>,
}

#[derive(Operation)]
#[operation(id = "update_contact", method = PATCH, path = "/contacts/{id}", scope = ApiScope::ContactsWrite, status = 200)]
struct UpdateContact {
    #[path_param]
    id: String,
}

#[derive(Operation)]
#[operation(id = "add_to_group", method = PUT, path = "/groups/{group}/contacts/{id}", scope = ApiScope::GroupsRead, status = 201)]
struct AddToGroup {
    #[path_param]
    group: u32,
    #[path_param]
    r#id: u64,
}

/// Generic request and resource types keep their parameters and bounds.
#[derive(Operation)]
#[operation(id = "get_thing", method = GET, path = "/things/{key}", scope = none(ApiScope), status = 200)]
struct GetThing<K: std::fmt::Display> {
    #[path_param]
    key: K,
}

#[derive(Serialize, Resource)]
struct Wrapper<T>
where
    T: Clone,
{
    #[include]
    #[serde(skip_serializing_if = "Option::is_none")]
    inner: Option<T>,
}

fn full() -> Contact {
    Contact {
        id: 1,
        groups: Some(vec!["a".into()]),
        source: Some("web".into()),
        status: Some("new".into()),
    }
}

#[test]
fn include_enum_metadata() {
    use ContactInclude::{Groups, Source, Status};
    assert_eq!(ContactInclude::ALL, [Groups, Source, Status]);
    assert_eq!(ContactInclude::NAMES, ["groups", "source", "status"]);
    assert_eq!(
        ContactInclude::ALL
            .iter()
            .map(|i| i.index())
            .collect::<Vec<_>>(),
        [0, 1, 2]
    );
    assert_eq!(Status.as_str(), "status");
    assert!(Groups < Status, "Ord follows declaration order");
    assert_eq!(format!("{Source:?}"), "Source");
    assert_eq!(" SOURCE ".parse::<ContactInclude>(), Ok(Source));
}

#[test]
fn include_set_parses_like_the_api() {
    let set = IncludeSet::<ContactInclude>::parse("status, ,GROUPS,groups,").unwrap();
    assert_eq!(
        set.iter().collect::<Vec<_>>(),
        [ContactInclude::Groups, ContactInclude::Status]
    );
    assert_eq!(set.to_query_value().as_deref(), Some("groups,status"));
    assert_eq!(format!("{set:?}"), "{groups, status}");
    assert_eq!(
        IncludeSet::<ContactInclude>::parse("")
            .unwrap()
            .to_query_value(),
        None
    );

    let err = IncludeSet::<ContactInclude>::parse("groups,grups").unwrap_err();
    assert_eq!(err.name, "grups");
    assert_eq!(err.allowed, ContactInclude::NAMES);
    assert_eq!(
        err.to_string(),
        "unknown include `grups`; allowed values are: groups, source, status"
    );
}

#[test]
fn include_set_is_a_set() {
    let sets: HashSet<IncludeSet<ContactInclude>> = ["source,groups", "groups,source", "status"]
        .iter()
        .map(|s| IncludeSet::parse(s).unwrap())
        .collect();
    assert_eq!(sets.len(), 2);
    let all = IncludeSet::<ContactInclude>::all();
    assert_eq!(
        (all.len(), all.to_string().as_str()),
        (3, "groups,source,status")
    );
    let mut set = all;
    set.remove(ContactInclude::Source);
    assert!(!set.contains(ContactInclude::Source) && set.contains(ContactInclude::Status));
}

#[test]
fn include_set_in_a_query_struct() {
    let query: ListQuery =
        serde_json::from_str(r#"{"include": "source,status", "page": 2}"#).unwrap();
    assert_eq!(query.include.to_string(), "source,status");
    let query: ListQuery = serde_json::from_str(r#"{"page": 1}"#).unwrap();
    assert_eq!(
        query,
        ListQuery {
            include: IncludeSet::new(),
            page: Some(1)
        }
    );
    let err = serde_json::from_str::<ListQuery>(r#"{"include": "groups,tags"}"#).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("unknown include `tags`; allowed values are"),
        "{err}"
    );
    let set = IncludeSet::from(ContactInclude::Status).with(ContactInclude::Groups);
    assert_eq!(serde_json::to_string(&set).unwrap(), r#""groups,status""#);
}

#[test]
fn retain_includes_leaves_only_requested_relations() {
    for (requested, json) in [
        ("", r#"{"id":1}"#),
        ("groups", r#"{"id":1,"groups":["a"]}"#),
        ("status,source", r#"{"id":1,"source":"web","status":"new"}"#),
        (
            "groups,source,status",
            r#"{"id":1,"groups":["a"],"source":"web","status":"new"}"#,
        ),
    ] {
        let mut contact = full();
        let requested = IncludeSet::parse(requested).unwrap();
        contact.retain_includes(requested);
        assert_eq!(contact.included(), requested);
        assert_eq!(serde_json::to_string(&contact).unwrap(), json);
    }
    assert!(
        Contact::default().included().is_empty(),
        "nothing loaded, nothing included"
    );
}

#[test]
fn scope_enum_round_trips() {
    assert_eq!(ApiScope::ALL.len(), 3);
    assert_eq!(ApiScope::GroupsRead.as_str(), "groups:read");
    assert_eq!(ApiScope::GroupsRead.index(), 2);
    assert_eq!(
        "contacts:write".parse::<ApiScope>(),
        Ok(ApiScope::ContactsWrite)
    );
    assert_eq!(
        "contacts:delete"
            .parse::<ApiScope>()
            .unwrap_err()
            .to_string(),
        "unknown scope `contacts:delete`"
    );
    let json = serde_json::to_string(&ApiScope::ALL).unwrap();
    assert_eq!(json, r#"["contacts:read","contacts:write","groups:read"]"#);
    assert_eq!(
        serde_json::from_str::<Vec<ApiScope>>(&json).unwrap(),
        ApiScope::ALL
    );
}

#[test]
fn scope_set_checks_operations() {
    let token = ScopeSet::<ApiScope>::parse("contacts:read, contacts:write").unwrap();
    assert!(token.allows(UpdateContact::SCOPE));
    assert!(!token.allows(AddToGroup::SCOPE));
    assert!(token.allows(None));
    assert_eq!(token.to_string(), "contacts:read contacts:write");
    assert_eq!(format!("{token:?}"), "{contacts:read, contacts:write}");
    assert_eq!(ScopeSet::<ApiScope>::all().len(), 3);
    assert_eq!(
        ScopeSet::<ApiScope>::parse("groups:read contacts:reed")
            .unwrap_err()
            .scope,
        "contacts:reed"
    );
}

#[test]
fn operation_metadata_and_paths() {
    assert_eq!(
        (UpdateContact::ID, UpdateContact::METHOD),
        ("update_contact", Method::Patch)
    );
    assert_eq!(
        UpdateContact { id: "x y".into() }.render_path(),
        "/contacts/x%20y"
    );
    assert_eq!(
        (AddToGroup::METHOD.as_str(), AddToGroup::SUCCESS_STATUS),
        ("PUT", 201)
    );
    assert_eq!(AddToGroup::PATH_PARAMS, ["group", "id"]);
    assert_eq!(
        AddToGroup { group: 3, id: 9 }.render_path(),
        "/groups/3/contacts/9"
    );
}

#[test]
fn generic_types() {
    assert_eq!(GetThing { key: 'é' }.render_path(), "/things/%C3%A9");
    assert_eq!(<GetThing<u8> as Operation>::SCOPE, None);
    let mut wrapper = Wrapper { inner: Some(1) };
    assert_eq!(wrapper.included(), IncludeSet::from(WrapperInclude::Inner));
    wrapper.retain_includes(IncludeSet::new());
    assert_eq!(wrapper.inner, None);
}
