//! Hand-written types using all three derives together, the way the server glue does: check
//! the token's scopes against the operation, parse `?include=` from the query, load, trim, and
//! serialize. Also covers `#[resource(include = ..., crate = ...)]`, `#[include(rename)]` and
//! serde's `rename_all`, and `crate = ...` on all three derives.

use serde::{Deserialize, Serialize};
use wacr_macros::{Operation, Resource, Scope};
use wacr_runtime::{Include, IncludeSet, Operation, Resource, ScopeSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
#[scope(crate = ::wacr_runtime)]
pub enum ApiScope {
    #[scope("contacts:read")]
    ContactsRead,
    #[scope("contacts:write")]
    ContactsWrite,
}

#[derive(Debug, Serialize, Resource)]
#[serde(rename_all = "camelCase")]
#[resource(include = ContactRelation, crate = ::wacr_runtime)]
pub struct Contact {
    pub id: u64,
    pub phone_number: String,
    #[include]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_groups: Option<Vec<String>>,
    #[include(rename = "lead_source")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The query string, as a server would deserialize it.
#[derive(Debug, Deserialize)]
pub struct GetContactQuery {
    #[serde(default)]
    pub include: IncludeSet<ContactRelation>,
}

#[derive(Operation)]
#[operation(id = "get_contact", method = GET, path = "/contacts/{id}", scope = ApiScope::ContactsRead, status = 200, crate = wacr_runtime)]
pub struct GetContact {
    #[path_param]
    pub id: u64,
    pub query: GetContactQuery,
}

fn handle(token: ScopeSet<ApiScope>, request: &GetContact) -> Result<String, u16> {
    if !token.allows(GetContact::SCOPE) {
        return Err(403);
    }
    let mut contact = Contact {
        id: request.id,
        phone_number: "+33600000000".into(),
        contact_groups: Some(vec!["VIP".into()]),
        source: Some("web".into()),
    };
    contact.retain_includes(request.query.include);
    Ok(serde_json::to_string(&contact).unwrap())
}

fn main() {
    assert_eq!(ContactRelation::NAMES, ["contactGroups", "lead_source"]);
    assert_eq!(<Contact as Resource>::Include::ALL.len(), 2);

    let query: GetContactQuery = serde_json::from_str(r#"{"include": "LEAD_SOURCE"}"#).unwrap();
    assert_eq!(query.include, IncludeSet::from(ContactRelation::LeadSource));
    let request = GetContact { id: 5, query };
    assert_eq!(request.render_path(), "/contacts/5");

    let reader = ScopeSet::parse("contacts:read").unwrap();
    assert_eq!(handle(reader, &request).unwrap(), r#"{"id":5,"phoneNumber":"+33600000000","source":"web"}"#);
    let writer = ScopeSet::new().with(ApiScope::ContactsWrite);
    assert_eq!(handle(writer, &request), Err(403));

    let empty: GetContactQuery = serde_json::from_str("{}").unwrap();
    assert!(empty.include.is_empty());
    let bad = serde_json::from_str::<GetContactQuery>(r#"{"include": "groups"}"#).unwrap_err();
    assert!(bad.to_string().contains("allowed values are: contactGroups, lead_source"), "{bad}");

    let scopes: Vec<ApiScope> = serde_json::from_str(r#"["contacts:write", "contacts:read"]"#).unwrap();
    assert_eq!(scopes, [ApiScope::ContactsWrite, ApiScope::ContactsRead]);
    assert_eq!(serde_json::to_string(&scopes).unwrap(), r#"["contacts:write","contacts:read"]"#);
    assert!(serde_json::from_str::<ApiScope>(r#""contact:read""#).is_err());
}
